package io.clicklake.mart;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few templates of the model files, expanded into Spark SQL. Spark 3.5 has no SQL functions, so
 * what the models share beyond the staging columns is a macro:
 *
 * <ul>
 *   <li>{@code {{ ref('name') }}}: the relation of a model or source, as the builder names it (a
 *       table of the lake, or a temporary view);
 *   <li>{@code {{ this }}}: the model's own table as it is before this run writes it (as in dbt),
 *       for a model that combines its new rows with the stored ones itself; {@code ref} receives
 *       {@value #THIS} for it;
 *   <li>{@code {{ money(amount, what) }}}: {@code amount} as decimal(18,2), or a failed query
 *       naming {@code what} (an SQL string expression, e.g. {@code concat('session ',
 *       user_session)}) and the value;
 *   <li>{@code {{ rate(num, den) }}}: {@code num / den} as a double, NULL when {@code den} is 0.
 * </ul>
 *
 * Arguments are SQL expressions, split at the commas outside parentheses and quotes. Then {@code
 * ${name}} is replaced by the value of a named parameter, which the caller gives already as an SQL
 * literal (see {@link #string}).
 */
final class Macros {
  private Macros() {}

  /** The type of every revenue column (data contract section 5). */
  static final String MONEY = "decimal(18,2)";

  /** The largest value of {@link #MONEY}. */
  static final String MONEY_MAX = "9999999999999999.99";

  /** What {@code ref} is asked for {@code {{ this }}}: no model can have this name. */
  static final String THIS = "this model's own table";

  static final Pattern REF = Pattern.compile("\\{\\{\\s*ref\\('(\\w+)'\\)\\s*}}");
  private static final Pattern MACRO = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
  private static final Pattern CALL = Pattern.compile("\\s*(\\w+)\\((.*)\\)\\s*", Pattern.DOTALL);
  private static final Pattern QUOTED_NAME = Pattern.compile("'(\\w+)'");
  private static final Pattern PARAM = Pattern.compile("\\$\\{([^}]*)}");

  /** Expands the macros of {@code sql}; {@code where} (the model file) prefixes every error. */
  static String expand(String sql, Function<String, String> ref, String where) {
    Matcher m = MACRO.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(call(m.group(1), ref, where)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String call(String text, Function<String, String> ref, String where) {
    if (text.strip().equals("this")) {
      return ref.apply(THIS);
    }
    Matcher c = CALL.matcher(text);
    if (!c.matches()) {
      throw new IllegalArgumentException(
          where + ": expected {{ name(arguments) }}, found {{" + text + "}}");
    }
    String name = c.group(1);
    List<String> args = arguments(c.group(2));
    switch (name) {
      case "ref":
        Matcher r = QUOTED_NAME.matcher(args.get(0));
        if (args.size() != 1 || !r.matches()) {
          throw new IllegalArgumentException(
              where + ": expected ref('<model or source>'), found ref(" + c.group(2) + ")");
        }
        return ref.apply(r.group(1));
      case "money":
        arity(where, name, args, "money(amount, what)");
        return money(args.get(0), args.get(1));
      case "rate":
        arity(where, name, args, "rate(numerator, denominator)");
        return rate(args.get(0), args.get(1));
      default:
        throw new IllegalArgumentException(
            where + ": unknown macro " + name + "; expected ref, this, money or rate");
    }
  }

  private static void arity(String where, String name, List<String> args, String expected) {
    if (args.size() != 2 || args.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException(
          where
              + ": expected "
              + expected
              + ", found "
              + name
              + " with "
              + args.size()
              + " arguments "
              + args);
    }
  }

  /** The comma-separated arguments of a call, split outside parentheses and quoted strings. */
  static List<String> arguments(String text) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quoted) {
        if (ch == '\\') {
          i++;
        } else if (ch == '\'') {
          quoted = false;
        }
      } else if (ch == '\'') {
        quoted = true;
      } else if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        depth--;
      } else if (ch == ',' && depth == 0) {
        args.add(text.substring(start, i).strip());
        start = i + 1;
      }
    }
    args.add(text.substring(start).strip());
    return args;
  }

  /**
   * Replaces every {@code ${name}} of {@code sql} by its value in {@code params}; an unknown name
   * fails, naming {@code where} and the known names.
   */
  static String substitute(String sql, Map<String, String> params, String where) {
    Matcher m = PARAM.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = params.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            where
                + ": unknown parameter ${"
                + m.group(1)
                + "}; expected one of "
                + new java.util.TreeSet<>(params.keySet()));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * {@code s} as a Spark SQL string literal. Spark reads a backslash as an escape in a literal
   * (unless spark.sql.parser.escapedStringLiterals is set, which the jobs never do), and two quotes
   * as two adjacent literals, so quote and backslash are escaped with a backslash.
   */
  static String string(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * {@code amount} as {@link #MONEY}, or a failed query when it does not fit: raise_error names the
   * session, user or day ({@code what}) and the value. Without it an overflowing cast is NULL on
   * Spark 3.5 (ANSI off), silently, and a bare "cannot be represented" error on Spark 4 (ANSI on).
   * It cannot happen in practice: prices are below 10^10, so a group needs more than 10^6 purchases
   * at the highest price to exceed 10^16.
   */
  static String money(String amount, String what) {
    return "case when ("
        + amount
        + ") is null or abs("
        + amount
        + ") > "
        + MONEY_MAX
        + " then raise_error(concat('revenue of ', "
        + what
        + ", ' does not fit "
        + MONEY
        + " (at most "
        + MONEY_MAX
        + "): ', coalesce(cast(("
        + amount
        + ") as string), 'overflow in the sum'), '; prices are below 10^10, so this needs over a"
        + " million purchases at the highest price: check the input')) else cast("
        + amount
        + " as "
        + MONEY
        + ") end";
  }

  /** {@code num / den} as a double; NULL when {@code den} is 0, so a rate is never infinite. */
  static String rate(String num, String den) {
    return "case when "
        + den
        + " = 0 then cast(null as double) else cast("
        + num
        + " as double) / cast("
        + den
        + " as double) end";
  }
}

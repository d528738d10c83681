package io.clicklake.mart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One model file of {@code models/<layer>/<name>.sql}: the header of SQL comments that says how the
 * model is built, and the select (still holding its {@code {{ ... }}} macros and {@code ${...}}
 * parameters, see {@link Macros}).
 *
 * <p>The header is the file's leading comment lines. Besides free text, it holds these fields, one
 * per line:
 *
 * <pre>
 * -- key: user_session
 * -- strategy: combine
 * -- reads: ref('stg_events'), ref('events')
 * -- combine (t = the table's row, s = the row built from this run's events):
 * --   events = t.events + s.events
 * </pre>
 *
 * {@code reads} must name exactly the refs of the select. The {@code combine} section, only for
 * that strategy, holds one {@code column = expression} rule per line, indented; the columns it
 * leaves out keep the table's value.
 *
 * <p>The key may be several columns ({@code -- key: event_date, category_id}): rows match when all
 * are equal. A replace-keys model may have {@code -- delete when: s.users = 0}, a condition over
 * its row: a matching table row is deleted instead of replaced, and such a row is never inserted.
 * That lets a model that recomputes a key which no longer has data (a cohort whose users all moved
 * to an earlier week) remove it, so that an incremental build keeps equal to a full refresh.
 *
 * <p>A combine or replace-keys model may have {@code -- prune by: first_event_at}, a column of its
 * table (not of the key) that is never NULL and grows with time. Before the merge of a small batch,
 * the builder looks up the least value of that column among the table's rows with the batch's keys
 * and adds {@code t.<column> >= <that value>} to the match condition: the result is the same, but
 * Iceberg skips every data file whose rows all have smaller values, so the merge no longer reads
 * and shuffles the whole table ({@link MartBuilder}).
 */
final class ModelFile {
  /** How the rows of a model are combined with what its table already holds. */
  enum Strategy {
    /** Not a table: a temporary view the other models read. */
    VIEW("view"),
    /** Rows are appended (each event once). */
    APPEND("append"),
    /** Rows whose key the table lacks are inserted; existing rows are left as they are. */
    INSERT_MISSING("insert-missing"),
    /**
     * Matched rows are combined column by column by the rules of the header; the others are
     * inserted.
     */
    COMBINE("combine"),
    /**
     * Matched rows are replaced whole (the model recomputed them from every event they depend on).
     */
    REPLACE_KEYS("replace-keys");

    final String word;

    Strategy(String word) {
      this.word = word;
    }

    static Strategy of(String word, String path) {
      for (Strategy s : values()) {
        if (s.word.equals(word)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          path + ": unknown strategy '" + word + "'; expected one of " + words());
    }

    static List<String> words() {
      List<String> w = new ArrayList<>();
      for (Strategy s : values()) {
        w.add(s.word);
      }
      return w;
    }
  }

  private static final Pattern FIELD =
      Pattern.compile("--\\s*(key|strategy|reads|delete when|prune by):\\s*(.*)");
  private static final Pattern COMBINE = Pattern.compile("--\\s*combine\\b.*:\\s*");
  private static final Pattern RULE = Pattern.compile("--\\s{2,}(\\w+)\\s*=\\s*(\\S.*)");
  private static final Pattern REF = Pattern.compile("ref\\('(\\w+)'\\)");
  private static final Pattern NAME = Pattern.compile("models/(\\w+)/(\\w+)\\.sql");

  /** Where the file is on the classpath, e.g. {@code models/star/fact_sessions.sql}. */
  final String path;

  /** The model's name: the file name, which is also its table's (or view's) name. */
  final String name;

  /** The folder: staging, star or marts. */
  final String layer;

  final String key;

  /** The key's columns: {@link #key} split at its commas. */
  final List<String> keyColumns;

  final Strategy strategy;

  /**
   * For {@link Strategy#REPLACE_KEYS}: the condition over s (the new row) that deletes the row
   * instead; null when the model never deletes.
   */
  final String deleteWhen;

  /**
   * For {@link Strategy#COMBINE} and {@link Strategy#REPLACE_KEYS}: the column whose least value
   * among the matching rows bounds the merge's scan of the table; null when the merge reads it all.
   */
  final String pruneBy;

  /** The models and sources the select reads, in the order of the header. */
  final List<String> reads;

  /**
   * For {@link Strategy#COMBINE}: {@code column = expression} over t (the table's row) and s (the
   * new row).
   */
  final List<String> rules;

  /** The select, with its macros and parameters. */
  final String select;

  private ModelFile(
      String path,
      String name,
      String layer,
      String key,
      Strategy strategy,
      List<String> reads,
      List<String> rules,
      String deleteWhen,
      String pruneBy,
      String select) {
    this.path = path;
    this.name = name;
    this.layer = layer;
    this.key = key;
    List<String> keys = new ArrayList<>();
    for (String k : key.split(",")) {
      keys.add(k.strip());
    }
    this.keyColumns = List.copyOf(keys);
    this.strategy = strategy;
    this.deleteWhen = deleteWhen;
    this.pruneBy = pruneBy;
    this.reads = List.copyOf(reads);
    this.rules = List.copyOf(rules);
    this.select = select;
  }

  /**
   * Parses {@code text}, the content of the file at {@code path}; a malformed file fails naming it.
   */
  static ModelFile parse(String path, String text) {
    Matcher n = NAME.matcher(path);
    if (!n.matches()) {
      throw new IllegalArgumentException(
          path
              + ": a model file must be models/<layer>/<name>.sql, with names of letters, digits"
              + " and _");
    }
    String[] lines = text.split("\n", -1);
    String key = null;
    String strategy = null;
    String reads = null;
    String deleteWhen = null;
    String pruneBy = null;
    List<String> rules = null;
    int i = 0;
    for (; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.startsWith("--")) {
        break;
      }
      int lineNo = i + 1;
      Matcher f = FIELD.matcher(line);
      if (f.matches()) {
        String value = f.group(2).strip();
        switch (f.group(1)) {
          case "key":
            key = once(path, lineNo, "key", key, value);
            break;
          case "strategy":
            strategy = once(path, lineNo, "strategy", strategy, value);
            break;
          case "delete when":
            deleteWhen = once(path, lineNo, "delete when", deleteWhen, value);
            break;
          case "prune by":
            pruneBy = once(path, lineNo, "prune by", pruneBy, value);
            break;
          default:
            reads = once(path, lineNo, "reads", reads, value);
        }
      } else if (COMBINE.matcher(line).matches()) {
        if (rules != null) {
          throw new IllegalArgumentException(
              path + " line " + lineNo + ": a second combine section");
        }
        rules = new ArrayList<>();
        for (; i + 1 < lines.length && RULE.matcher(lines[i + 1].strip()).matches(); i++) {
          Matcher r = RULE.matcher(lines[i + 1].strip());
          r.matches();
          rules.add(r.group(1) + " = " + r.group(2).strip());
        }
        if (rules.isEmpty()) {
          throw new IllegalArgumentException(
              path
                  + " line "
                  + (lineNo + 1)
                  + ": expected the combine rules, one indented 'column = expression' per line (as"
                  + " '--   events = t.events + s.events'), found '"
                  + (lineNo < lines.length ? lines[lineNo].strip() : "the end of the file")
                  + "'");
        }
      }
    }
    String select = String.join("\n", List.of(lines).subList(i, lines.length)).strip();
    require(path, "key", key, "the column the merge matches rows on, as '-- key: user_session'");
    require(
        path, "strategy", strategy, "one of " + Strategy.words() + ", as '-- strategy: combine'");
    require(
        path,
        "reads",
        reads,
        "what the select reads, as '-- reads: ref('stg_events'), ref('events')'");
    Strategy s = Strategy.of(strategy, path);
    if (s == Strategy.COMBINE && rules == null) {
      throw new IllegalArgumentException(
          path
              + ": strategy combine needs a '-- combine (t = ..., s = ...):' section"
              + " with one indented 'column = expression' rule per line; found none");
    }
    if (s != Strategy.COMBINE && rules != null) {
      throw new IllegalArgumentException(
          path
              + ": a combine section, but the strategy is "
              + strategy
              + "; only strategy combine takes rules");
    }
    if (deleteWhen != null && s != Strategy.REPLACE_KEYS) {
      throw new IllegalArgumentException(
          path
              + ": a 'delete when:' field, but the strategy is "
              + strategy
              + "; only strategy replace-keys deletes rows");
    }
    if (pruneBy != null && s != Strategy.COMBINE && s != Strategy.REPLACE_KEYS) {
      throw new IllegalArgumentException(
          path
              + ": a 'prune by:' field, but the strategy is "
              + strategy
              + "; only strategies combine and replace-keys merge with a bound");
    }
    if (!key.matches("\\w+(\\s*,\\s*\\w+)*")) {
      throw new IllegalArgumentException(
          path + ": expected the key as column names separated by commas, found '" + key + "'");
    }
    if (pruneBy != null
        && (!pruneBy.matches("\\w+") || List.of(key.split("\\s*,\\s*")).contains(pruneBy))) {
      throw new IllegalArgumentException(
          path
              + ": expected 'prune by:' to name one column of the table that is not in the key,"
              + " found '"
              + pruneBy
              + "'");
    }
    if (select.isEmpty()) {
      throw new IllegalArgumentException(
          path + ": expected a select after the header, found nothing");
    }
    List<String> declared = refs(path, reads);
    Set<String> used = new LinkedHashSet<>();
    Matcher m = Macros.REF.matcher(select);
    while (m.find()) {
      used.add(m.group(1));
    }
    if (!used.equals(new LinkedHashSet<>(declared))) {
      throw new IllegalArgumentException(
          path
              + ": the header reads "
              + declared
              + " but the select refs "
              + used
              + "; list every {{ ref('...') }} of the select in '-- reads:'");
    }
    return new ModelFile(
        path,
        n.group(2),
        n.group(1),
        key,
        s,
        declared,
        rules == null ? List.of() : rules,
        deleteWhen,
        pruneBy,
        select);
  }

  /** The names of a reads field: {@code ref('a'), ref('b')}. */
  private static List<String> refs(String path, String reads) {
    List<String> names = new ArrayList<>();
    for (String part : reads.split(",")) {
      Matcher r = REF.matcher(part.strip());
      if (!r.matches()) {
        throw new IllegalArgumentException(
            path
                + ": in '-- reads:', expected ref('<model or source>'), found '"
                + part.strip()
                + "'");
      }
      names.add(r.group(1));
    }
    return names;
  }

  private static String once(String path, int line, String field, String before, String value) {
    if (before != null) {
      throw new IllegalArgumentException(
          path + " line " + line + ": a second '" + field + ":' field");
    }
    if (value.isEmpty()) {
      throw new IllegalArgumentException(
          path + " line " + line + ": '" + field + ":' without a value");
    }
    return value;
  }

  private static void require(String path, String field, String value, String expected) {
    if (value == null) {
      throw new IllegalArgumentException(
          path + ": the header has no '" + field + ":' field; expected " + expected);
    }
  }

  boolean isTable() {
    return strategy != Strategy.VIEW;
  }

  /**
   * The MERGE clause after {@code merge into <table> t using <rows> s}, still holding macros; null
   * for append and views.
   */
  String merge() {
    return merge(null);
  }

  /**
   * {@link #merge()} with {@code bound}, a condition over t only, added to the match condition;
   * null adds nothing.
   */
  String merge(String bound) {
    List<String> match = new ArrayList<>();
    keyColumns.forEach(k -> match.add("t." + k + " = s." + k));
    if (bound != null) {
      match.add(bound);
    }
    String on = "on " + String.join(" and ", match);
    switch (strategy) {
      case INSERT_MISSING:
        return on + " when not matched then insert *";
      case COMBINE:
        return on
            + " when matched then update set "
            + String.join(", ", rules)
            + " when not matched then insert *";
      case REPLACE_KEYS:
        if (deleteWhen != null) {
          return on
              + " when matched and ("
              + deleteWhen
              + ") then delete when matched then update set * when not matched and not ("
              + deleteWhen
              + ") then insert *";
        }
        return on + " when matched then update set * when not matched then insert *";
      default:
        return null;
    }
  }

  @Override
  public String toString() {
    return path + " (" + strategy.word + ")";
  }
}

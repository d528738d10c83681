package io.clicklake.local.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Table and column names, column types and primary keys declared by the {@code create table}
 * statements of a MySQL DDL file.
 */
final class SqlDdl {
  private static final Pattern CREATE =
      Pattern.compile(
          "(?is)create\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?`?(\\w+)`?\\s*\\((.*?)\\)\\s*engine");
  private static final Set<String> NOT_COLUMNS =
      Set.of(
          "primary",
          "key",
          "unique",
          "index",
          "constraint",
          "foreign",
          "check",
          "fulltext",
          "spatial");

  private static final Pattern PRIMARY_KEY = Pattern.compile("(?i)^primary\\s+key\\s*\\((.*)\\)$");

  private SqlDdl() {}

  /** Table name to its column names, in declaration order. */
  static Map<String, Set<String>> tables(Path ddl) throws IOException {
    Map<String, Set<String>> tables = new LinkedHashMap<>();
    types(ddl)
        .forEach((t, columns) -> tables.put(t, Collections.unmodifiableSet(columns.keySet())));
    return Collections.unmodifiableMap(tables);
  }

  /**
   * Table name to its columns and their types, lower case without length or precision ({@code
   * bigint}, {@code decimal}, {@code varchar}), in declaration order.
   */
  static Map<String, Map<String, String>> types(Path ddl) throws IOException {
    Map<String, Map<String, String>> tables = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> t : definitions(ddl).entrySet()) {
      Map<String, String> columns = new LinkedHashMap<>();
      for (String line : t.getValue()) {
        String[] words = line.split("\\s+");
        String first = words[0].replace("`", "");
        if (!NOT_COLUMNS.contains(first.toLowerCase(Locale.ROOT))) {
          columns.put(first, words[1].replaceAll("\\(.*", "").toLowerCase(Locale.ROOT));
        }
      }
      tables.put(t.getKey(), Collections.unmodifiableMap(columns));
    }
    return Collections.unmodifiableMap(tables);
  }

  /** Table name to the columns of its primary key, in key order (empty without one). */
  static Map<String, List<String>> primaryKeys(Path ddl) throws IOException {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> t : definitions(ddl).entrySet()) {
      List<String> key = List.of();
      for (String line : t.getValue()) {
        Matcher pk = PRIMARY_KEY.matcher(line);
        if (pk.matches()) {
          key = List.of(pk.group(1).replace("`", "").trim().split("\\s*,\\s*"));
        }
      }
      keys.put(t.getKey(), key);
    }
    return Collections.unmodifiableMap(keys);
  }

  /** Table name to the trimmed, non-empty lines of its create table body, comments removed. */
  private static Map<String, List<String>> definitions(Path ddl) throws IOException {
    String sql = Files.readString(ddl).replaceAll("--[^\n]*", "");
    Map<String, List<String>> tables = new LinkedHashMap<>();
    Matcher m = CREATE.matcher(sql);
    while (m.find()) {
      List<String> lines = new ArrayList<>();
      for (String line : m.group(2).split(",\\s*\n")) {
        if (!line.isBlank()) {
          lines.add(line.trim());
        }
      }
      tables.put(m.group(1), lines);
    }
    if (tables.isEmpty()) {
      throw new IllegalStateException("no create table statement in " + ddl);
    }
    return tables;
  }
}

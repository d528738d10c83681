package io.clicklake.local.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Table and column names declared by the {@code create table} statements of a MySQL DDL file. */
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

  private SqlDdl() {}

  /** Table name to its column names, in declaration order. */
  static Map<String, Set<String>> tables(Path ddl) throws IOException {
    String sql = Files.readString(ddl).replaceAll("--[^\n]*", "");
    Map<String, Set<String>> tables = new LinkedHashMap<>();
    Matcher m = CREATE.matcher(sql);
    while (m.find()) {
      Set<String> columns = new LinkedHashSet<>();
      for (String line : m.group(2).split(",\\s*\n")) {
        String first = line.trim().split("\\s+")[0].replace("`", "");
        if (!first.isEmpty() && !NOT_COLUMNS.contains(first.toLowerCase(Locale.ROOT))) {
          columns.add(first);
        }
      }
      tables.put(m.group(1), Collections.unmodifiableSet(columns));
    }
    if (tables.isEmpty()) {
      throw new IllegalStateException("no create table statement in " + ddl);
    }
    return Collections.unmodifiableMap(tables);
  }
}

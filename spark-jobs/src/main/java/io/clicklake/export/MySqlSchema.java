package io.clicklake.export;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MySQL side as {@code sql/01_tables.sql} defines it and {@link MySqlMigrations} applies it:
 * reads back a table's columns, primary key and secondary indexes, so column lists are never
 * retyped in Java.
 */
public final class MySqlSchema {
  private MySqlSchema() {}

  /** A published table's shape, in column order. */
  public static final class Shape {
    public final String table;
    public final List<String> columns;
    public final List<String> key;
    public final List<String> secondaryIndexes;

    /**
     * {@code add [unique] index `name` (`col`, ...)} for each secondary index, so a copy can be
     * loaded without them and have them built afterwards (a sorted build); empty when an index is
     * other than a plain ascending BTREE, or there is none.
     */
    public final List<String> deferrableIndexes;

    Shape(
        String table,
        List<String> columns,
        List<String> key,
        List<String> secondaryIndexes,
        List<String> deferrableIndexes) {
      this.table = table;
      this.columns = Collections.unmodifiableList(columns);
      this.key = Collections.unmodifiableList(key);
      this.secondaryIndexes = Collections.unmodifiableList(secondaryIndexes);
      this.deferrableIndexes = Collections.unmodifiableList(deferrableIndexes);
    }

    /** The non-key columns: what an upsert updates. */
    public List<String> valueColumns() {
      List<String> out = new ArrayList<>(columns);
      out.removeAll(key);
      return out;
    }
  }

  /** Columns, primary key and secondary index names of a table in the connection's database. */
  public static Shape shape(Connection c, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select column_name, column_key from information_schema.columns where table_schema ="
                + " database() and table_name = ? order by ordinal_position")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
          if ("PRI".equals(rs.getString(2))) {
            key.add(rs.getString(1));
          }
        }
      }
    }
    if (columns.isEmpty()) {
      throw new MySqlException(
          "table "
              + table
              + " is missing from the MySQL database; the migrations ("
              + MySqlMigrations.LOCATION
              + ") create it");
    }
    if (key.isEmpty()) {
      throw new MySqlException(
          "table " + table + " has no primary key; the export upserts by primary key");
    }
    Map<String, StringBuilder> definitions = new LinkedHashMap<>();
    boolean deferrable = true;
    try (PreparedStatement ps =
        c.prepareStatement(
            "select index_name, non_unique, column_name, sub_part, index_type, collation from"
                + " information_schema.statistics where table_schema = database() and table_name ="
                + " ? and index_name <> 'PRIMARY' order by index_name, seq_in_index")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          StringBuilder d = definitions.get(name);
          if (d == null) {
            d =
                new StringBuilder(
                    "add " + (rs.getInt(2) == 0 ? "unique " : "") + "index " + q(name) + " (");
            definitions.put(name, d);
          } else {
            d.append(", ");
          }
          d.append(q(rs.getString(3)));
          if (rs.getObject(4) != null) {
            d.append('(').append(rs.getInt(4)).append(')');
          }
          deferrable &=
              "BTREE".equalsIgnoreCase(rs.getString(5)) && !"D".equalsIgnoreCase(rs.getString(6));
        }
      }
    }
    List<String> deferred = new ArrayList<>();
    if (deferrable) {
      definitions.values().forEach(d -> deferred.add(d + ")"));
    }
    return new Shape(table, columns, key, new ArrayList<>(definitions.keySet()), deferred);
  }

  /** Whether every one of {@code tables} is empty. */
  public static boolean allEmpty(Connection c, List<String> tables) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String t : tables) {
        try (ResultSet rs = st.executeQuery("select 1 from " + q(t) + " limit 1")) {
          if (rs.next()) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** `name`, backquoted. Names come from the DDL and information_schema, never from data. */
  public static String q(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** `a`, `b`, `c` */
  public static String columnList(List<String> columns) {
    StringBuilder sb = new StringBuilder();
    for (String col : columns) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(q(col));
    }
    return sb.toString();
  }
}

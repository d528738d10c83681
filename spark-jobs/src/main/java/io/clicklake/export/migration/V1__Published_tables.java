package io.clicklake.export.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * V1: every table of {@code sql/01_tables.sql} (on the classpath as {@value #DDL}) that the
 * database lacks. The file is the one definition of the MySQL schema; its statements are {@code
 * create table if not exists}, so V1 creates the current tables on an empty database and only the
 * missing ones on a database an earlier release created (baselined at version 0). A later migration
 * changes an existing table (an added column) and is written to be a no-op where V1 already created
 * the table with that change, as {@code V1_1__bad_session_and_money.sql} is.
 */
public final class V1__Published_tables extends BaseJavaMigration {
  static final String DDL = "mysql-ddl/01_tables.sql";

  @Override
  public void migrate(Context context) throws Exception {
    createMissingTables(context);
  }

  /**
   * Runs every statement of {@value #DDL}: creates the tables it defines that the database lacks.
   */
  static void createMissingTables(Context context) throws Exception {
    try (Statement s = context.getConnection().createStatement()) {
      for (String ddl : statements(DDL)) {
        s.execute(ddl);
      }
    }
  }

  /** The statements of a DDL resource, comment lines dropped. */
  static List<String> statements(String resource) {
    String sql;
    try (InputStream in =
        V1__Published_tables.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "DDL resource " + resource + " is missing from the classpath");
      }
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    StringBuilder noComments = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.strip().startsWith("--")) {
        noComments.append(line).append('\n');
      }
    }
    List<String> out = new ArrayList<>();
    for (String s : noComments.toString().split(";\\s*(\n|$)")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }
}

package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.Keys;
import io.clicklake.export.MySqlMigrations;
import io.clicklake.export.PublishedTable;
import io.clicklake.mariadb.EmbeddedMariaDb;
import io.clicklake.testing.ExportTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code sql/02_reporting_user.sql} on a MariaDB that has its grant tables from the start (data
 * contract section 7): no user without a password; the reporting user sees the published tables
 * only, never a staging table or an error text, and still reads the tables a full refresh swapped
 * in.
 */
class ReportingUserTest extends ExportTestBase {
  /** As {@code show tables} lists them. */
  private static final List<String> PUBLISHED =
      PublishedTable.mysqlNames(PublishedTable.all()).stream().sorted().toList();

  @BeforeAll
  static void startSecuredMariaDb() {
    db = EmbeddedMariaDb.builder().secured().start();
  }

  @Test
  void theReportingUserNeedsAPasswordAndSeesThePublishedTablesOnlyAlsoAfterASwap()
      throws Exception {
    String database = "reporting";
    try (Connection admin = db.connect(database);
        Statement s = admin.createStatement()) {
      MySqlMigrations.migrate(MySqlMigrations.dataSource(() -> db.connect(database)));
      s.execute("create table user_engagement__stage_abc like user_engagement");
      s.execute("create table session_revenue__new_abc like session_revenue");
      s.execute(
          "insert into pipeline_batches (batch_id, status, error_message) values ('b0', 'failed',"
              + " 'export: cannot read /secret/path')");
    }
    String script =
        Files.readString(Path.of("../sql/02_reporting_user.sql"), StandardCharsets.UTF_8);

    for (String unset : List.of("", "set @pw = '';\n", "set @pw = null;\n")) {
      assertThatThrownBy(() -> db.runClient(unset + script, database))
          .as("the script with %s", unset.isEmpty() ? "no @pw" : unset.strip())
          .hasMessageContaining("refusing to create the reporting user without a password");
      assertThat(db.rows(database, "select count(*) from mysql.user where user = 'reporting'"))
          .as("users created")
          .containsExactly("0");
    }

    String password = "rp-" + UUID.randomUUID();
    db.runClient("set @pw = '" + password + "';\n" + script, database);
    db.runClient("set @pw = '" + password + "';\n" + script, database); // a rerun is fine
    assertThat(db.rows(database, "show grants for 'reporting'@'%'"))
        .as("grants of the reporting user")
        .noneMatch(g -> g.contains("ON `reporting`.*"))
        .anyMatch(g -> g.startsWith("GRANT SELECT ON `reporting`.`user_engagement`"))
        .anyMatch(
            g ->
                g.startsWith("GRANT SELECT (")
                    && g.contains("ON `reporting`.`pipeline_batches`")
                    && !g.contains("error_message"));
    assertThat(
            db.rows(
                database,
                "select count(*) from information_schema.routines where routine_schema ="
                    + " database()"))
        .as("the script's procedure is dropped")
        .containsExactly("0");

    try (Connection reader = db.connect(database, "reporting", password)) {
      assertReadsPublishedTablesOnly(reader, "before any export");
      assertThat(
              EmbeddedMariaDb.rows(
                  reader
                      .createStatement()
                      .executeQuery("select batch_id, status from pipeline_batches")))
          .containsExactly("b0|failed");
    }
    assertThatThrownBy(() -> db.connect(database, "reporting", "wrong").close())
        .as("a wrong password")
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("Access denied");

    // a full refresh swaps every published table with RENAME TABLE: the grants, keyed by name, hold
    Env env = newEnv("reporting");
    marts(env, 1);
    ExportMartsJob.Result r = export(env, 1, database, Map.of(Keys.FULL_REFRESH.name(), "true"));
    assertThat(r.fullRefresh).isTrue();
    try (Connection reader = db.connect(database, "reporting", password)) {
      assertReadsPublishedTablesOnly(reader, "after the full refresh");
      assertThat(
              EmbeddedMariaDb.rows(
                  reader.createStatement().executeQuery("select count(*) from user_engagement")))
          .as("rows the reporting user reads in the swapped-in user_engagement")
          .containsExactly(String.valueOf(r.rows.get("user_engagement")));
      assertThat(
              EmbeddedMariaDb.rows(
                  reader
                      .createStatement()
                      .executeQuery("select count(*), max(export_status) from pipeline_batches")))
          .as("the swapped-in pipeline_batches")
          .containsExactly("1|done");
    }
  }

  private static void assertReadsPublishedTablesOnly(Connection reader, String when)
      throws SQLException {
    try (Statement s = reader.createStatement()) {
      assertThat(EmbeddedMariaDb.rows(s.executeQuery("show tables")))
          .as("tables the reporting user sees %s", when)
          .isEqualTo(PUBLISHED);
      for (String t : PUBLISHED) {
        if (!t.equals("pipeline_batches")) {
          assertThat(EmbeddedMariaDb.rows(s.executeQuery("select count(*) from " + t)))
              .as("%s readable %s", t, when)
              .hasSize(1);
        }
      }
      for (String q :
          List.of(
              "select count(*) from user_engagement__stage_abc",
              "select count(*) from session_revenue__new_abc",
              "select count(*) from clicklake_export_lock")) {
        assertThatThrownBy(() -> s.executeQuery(q))
            .as("%s, %s", q, when)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("command denied");
      }
      assertThatThrownBy(() -> s.executeQuery("select error_message from pipeline_batches"))
          .as("error_message, %s", when)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("command denied")
          .hasMessageContaining("error_message");
      assertThatThrownBy(() -> s.executeQuery("select * from pipeline_batches"))
          .as("select * includes error_message, %s", when)
          .isInstanceOf(SQLException.class);
    }
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}

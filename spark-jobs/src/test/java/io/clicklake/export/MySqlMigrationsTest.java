package io.clicklake.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.clicklake.mariadb.EmbeddedMariaDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The migrations (V1 runs {@code sql/01_tables.sql}, the later ones are in {@code sql/migrations})
 * against {@code sql/01_tables.sql} run as a script, on a real MariaDB: both give the same tables,
 * a database an earlier release created is brought up to date, and a new migration's column reaches
 * a database that has rows.
 */
class MySqlMigrationsTest {
  private static EmbeddedMariaDb db;

  @BeforeAll
  static void startMariaDb() {
    db = EmbeddedMariaDb.builder().start();
  }

  @AfterAll
  static void stopMariaDb() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void migratingAnEmptyDatabaseGivesTheTablesOf01Tables() throws Exception {
    runTablesSql("reference");

    MigrateResult r = MySqlMigrations.migrate(dataSource("fresh"));

    assertThat(r.migrationsExecuted).as("migrations run on an empty database").isEqualTo(4);
    assertThat(schema("fresh"))
        .as("the migrated schema against sql/01_tables.sql (information_schema)")
        .containsExactlyElementsOf(schema("reference"));
    assertThat(MySqlMigrations.migrate(dataSource("fresh")).migrationsExecuted)
        .as("migrations run again")
        .isZero();
  }

  @Test
  void aDatabaseAnEarlierReleaseCreatedGetsWhatItLacks() throws Exception {
    runTablesSql("reference_old");
    runTablesSql("old");
    db.execute(
        "old",
        "alter table pipeline_batches drop column q_bad_session",
        "alter table user_engagement modify total_revenue decimal(14,2) not null default 0.00",
        "alter table session_revenue modify total_revenue decimal(14,2) not null default 0.00",
        "alter table daily_funnel modify revenue decimal(14,2) not null",
        "drop table clicklake_export_lock",
        "drop table category_performance, brand_performance, product_performance,"
            + " hourly_activity, cohort_retention, cart_abandonment",
        "alter table user_engagement drop column sessions, drop column recency_score, drop column"
            + " frequency_score, drop column monetary_score, drop column rfm_segment",
        "insert into pipeline_batches (batch_id, status, q_missing_session) values ('b1',"
            + " 'succeeded', 3)",
        "insert into user_engagement (user_id, total_views, total_add_to_cart, total_purchases,"
            + " total_revenue) values (7, 1, 1, 1, 999999999999.99)");

    MySqlMigrations.migrate(dataSource("old"));

    assertThat(schema("old"))
        .as("an old database after one migration, against sql/01_tables.sql")
        .containsExactlyElementsOf(schema("reference_old"));
    assertThat(
            db.rows(
                "old",
                "select version, type, success from "
                    + MySqlMigrations.HISTORY_TABLE
                    + " order by installed_rank"))
        .as("history: baselined below V1, then V1 to V1.3 run")
        .containsExactly(
            "0|BASELINE|true", "1|JDBC|true", "1.1|SQL|true", "1.2|JDBC|true", "1.3|SQL|true");
    assertThat(
            db.rows(
                "old",
                "select batch_id, status, q_missing_session, q_bad_session from pipeline_batches"))
        .as("the old batch record")
        .containsExactly("b1|succeeded|3|<null>");
    assertThat(db.rows("old", "select user_id, total_revenue from user_engagement"))
        .as("the old mart row")
        .containsExactly("7|999999999999.99");
  }

  /**
   * A database the release before issue 15 migrated (history at V1.1): V1.2 creates the analyst
   * marts, V1.3 adds user_engagement's columns after last_event_at, its rows kept.
   */
  @Test
  void aDatabaseAtV11GetsTheAnalystMarts() throws Exception {
    runTablesSql("reference_v11");
    MySqlMigrations.configure(dataSource("v11")).target("1.1").load().migrate();
    db.execute(
        "v11",
        "drop table category_performance, brand_performance, product_performance,"
            + " hourly_activity, cohort_retention, cart_abandonment",
        "alter table user_engagement drop column sessions, drop column recency_score, drop column"
            + " frequency_score, drop column monetary_score, drop column rfm_segment",
        "insert into user_engagement (user_id, total_views, total_add_to_cart, total_purchases,"
            + " total_revenue, updated_batch_id) values (7, 1, 1, 1, 12.50, 'b1')");

    MigrateResult r = MySqlMigrations.migrate(dataSource("v11"));

    assertThat(r.migrationsExecuted).as("V1.2 and V1.3").isEqualTo(2);
    assertThat(schema("v11"))
        .as("a database at V1.1 after the migration, against sql/01_tables.sql")
        .containsExactlyElementsOf(schema("reference_v11"));
    assertThat(
            db.rows(
                "v11",
                "select user_id, total_revenue, sessions, rfm_segment, updated_batch_id from"
                    + " user_engagement"))
        .as("the row of the older release: no sessions counted, no segment yet")
        .containsExactly("7|12.50|0|<null>|b1");
  }

  @Test
  void aNewMigrationsColumnReachesADatabaseWithRows() throws Exception {
    MySqlMigrations.migrate(dataSource("populated"));
    db.execute(
        "populated",
        "insert into daily_funnel (event_date, views, carts, removes, purchases, revenue, sessions,"
            + " purchasing_sessions, buyers, users, updated_batch_id) values ('2019-10-01', 10, 4,"
            + " 1, 2, 12.50, 3, 1, 1, 3, 'b1'), ('2019-10-02', 5, 0, 0, 0, 0.00, 2, 0, 0, 2,"
            + " 'b2')");

    MigrateResult r =
        MySqlMigrations.configure(dataSource("populated"))
            .locations(
                MySqlMigrations.JAVA_LOCATION,
                MySqlMigrations.LOCATION,
                "classpath:mysql-migrations-extra")
            .load()
            .migrate();

    assertThat(r.migrationsExecuted).as("migrations run").isEqualTo(1);
    assertThat(r.targetSchemaVersion).as("schema version").isEqualTo("99");
    assertThat(
            db.rows(
                "populated",
                "select event_date, views, purchases, returns, revenue from daily_funnel order by"
                    + " 1"))
        .as("the rows, with the new column")
        .containsExactly("2019-10-01|10|2|0|12.50", "2019-10-02|5|0|0|0.00");
  }

  private static DataSource dataSource(String database) {
    return MySqlMigrations.dataSource(() -> db.connect(database));
  }

  private static void runTablesSql(String database) throws Exception {
    String script = Files.readString(Path.of("../sql/01_tables.sql"), StandardCharsets.UTF_8);
    try (Connection c = db.connect(database)) {
      EmbeddedMariaDb.runScript(c, script);
    }
  }

  /**
   * Tables, columns (position, type, nullability, default, collation, comment), primary keys and
   * secondary indexes, as information_schema lists them; Flyway's history table left out.
   */
  private static List<String> schema(String database) {
    String notHistory = " and table_name <> '" + MySqlMigrations.HISTORY_TABLE + "'";
    List<String> out = new ArrayList<>();
    for (String t :
        db.rows(
            database,
            "select table_name, engine, table_collation from information_schema.tables where"
                + " table_schema = database()"
                + notHistory
                + " order by 1")) {
      out.add("table " + t);
    }
    for (String c :
        db.rows(
            database,
            "select table_name, ordinal_position, column_name, column_type, is_nullable,"
                + " column_default, collation_name, column_key, column_comment from"
                + " information_schema.columns where table_schema = database()"
                + notHistory
                + " order by 1, 2")) {
      out.add("column " + c);
    }
    for (String i :
        db.rows(
            database,
            "select table_name, index_name, non_unique, seq_in_index, column_name, index_type from"
                + " information_schema.statistics where table_schema = database()"
                + notHistory
                + " order by 1, 2, 4")) {
      out.add("index " + i);
    }
    return out;
  }
}

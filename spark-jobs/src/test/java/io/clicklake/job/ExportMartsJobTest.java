package io.clicklake.job;

import static io.clicklake.testing.LogCapture.stackTrace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.export.FailPoint;
import io.clicklake.export.MySqlException;
import io.clicklake.export.MySqlTarget;
import io.clicklake.export.MySqlUnavailableException;
import io.clicklake.export.PublishedTable;
import io.clicklake.export.StagingLoader;
import io.clicklake.mariadb.EmbeddedMariaDb;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import io.clicklake.testing.ConsistencyReader;
import io.clicklake.testing.ExportTestBase;
import io.clicklake.testing.LogCapture;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The MySQL export and the purge against a real MariaDB (data contract section 7): the published
 * tables mirror the Iceberg marts, incremental upserts equal a full refresh, a failure at any point
 * leaves readers the old data and nothing in between, the password leaks nowhere, and staged files
 * go only after the export committed. The marts are filled by the test (not by BuildMartsJob).
 */
class ExportMartsJobTest extends ExportTestBase {

  @BeforeAll
  static void startMariaDb() {
    db = EmbeddedMariaDb.builder().authenticating().start();
  }

  // ---------------------------------------------------------------- tests

  /**
   * Runs as a MariaDB user with a real password (read from a file) and captures every log line
   * meanwhile: the export by both methods, a rerun, a refused login and the purge.
   */
  @Test
  void publishedTablesEqualTheIcebergMartsRowForRowAndThePasswordLeaksNowhere() throws Exception {
    long started = System.currentTimeMillis();
    Env env = newEnv("row_for_row");
    String password = "pw-" + UUID.randomUUID() + "-S3cr3t";
    db.createUser("exporter", password, "rfr");
    File pwFile = Files.createTempFile("clicklake-mysql", ".password").toFile();
    Files.writeString(pwFile.toPath(), password + "\n");
    File wrongFile = Files.createTempFile("clicklake-mysql", ".wrong").toFile();
    String wrong = "wrong-" + UUID.randomUUID();
    Files.writeString(wrongFile.toPath(), wrong + "\n");
    Map<String, String> asExporter =
        Map.of(
            Keys.MYSQL_USER.name(),
            "exporter",
            Keys.MYSQL_PASSWORD_FILE.name(),
            pwFile.getAbsolutePath());
    String b1 = marts(env, 1);
    BatchFiles f1 = batchFiles(env, 1);

    List<String> exceptions = new ArrayList<>();
    List<String> logged;
    try (LogCapture logs = LogCapture.start()) {
      ExportMartsJob.Result load =
          export(env, 1, "rfr", with(asExporter, Keys.EXPORT_METHOD.name(), "load-data"));
      assertThat(load.rows)
          .as("rows exported by load-data")
          .containsEntry("user_engagement", 42L)
          .containsEntry("session_revenue", 110L)
          .containsEntry("daily_funnel", 5L)
          .containsEntry("category_performance", 3L)
          .containsEntry("brand_performance", 3L)
          .containsEntry("product_performance", 3L)
          .containsEntry("hourly_activity", 3L)
          .containsEntry("cohort_retention", 3L)
          .containsEntry("cart_abandonment", 3L)
          .containsEntry("pipeline_batches", 1L);
      assertMirrors(env, "rfr");
      List<String> published = dump("rfr");

      Throwable denied = null;
      try {
        export(
            env,
            1,
            "rfr",
            with(asExporter, Keys.MYSQL_PASSWORD_FILE.name(), wrongFile.getAbsolutePath()));
      } catch (RuntimeException e) {
        denied = e;
        exceptions.add(stackTrace(e));
      }
      assertThat(denied)
          .as("the server checks the password")
          .isInstanceOf(MySqlException.class)
          .hasMessageContaining("Access denied for user 'exporter'");

      ExportMartsJob.Result batch =
          export(env, 1, "rfr", with(asExporter, Keys.EXPORT_METHOD.name(), "batch"));
      assertThat(batch.rows).as("rows exported by batch").isEqualTo(load.rows);
      assertThat(dump("rfr"))
          .as("a rerun, by the other method, publishes the same values")
          .isEqualTo(published);

      PurgeStagingJob.Result purged =
          new PurgeStagingJob().run(spark, purgeConfig(env, 1, "rfr", asExporter));
      assertThat(purged.instance).isEqualTo("deleted");
      logged = logs.lines();
    }

    assertThat(
            db.rows("rfr", "select count(*) from user_engagement where view_to_cart_rate is null"))
        .as("NULL rates stay NULL")
        .containsExactly(
            String.valueOf(
                count(
                    "select * from "
                        + env.table(TableNames.MART_USER_ENGAGEMENT)
                        + " where view_to_cart_rate is null")))
        .doesNotContain("0");
    assertThat(
            db.rows(
                "rfr",
                "select total_revenue, cart_to_purchase_rate from user_engagement where user_id ="
                    + " 9223372036854775807"))
        .as("largest decimal and an uncapped rate")
        .containsExactly("999999999999.99|7.0");
    assertThat(
            db.rows(
                "rfr",
                "select user_session, total_revenue from session_revenue where user_session like"
                    + " '%-case' or user_session in ('NULL', '\\\\N') order by user_session"))
        .as("keys compare byte for byte; the strings NULL and \\N are not NULL")
        .containsExactly("NULL|0.01", "UPPER-case|1.00", "\\N|0.00", "upper-case|2.00");
    assertThat(
            db.rows(
                "rfr",
                "select table_name from information_schema.tables where table_schema = database()"
                    + " order by 1"))
        .as("staging tables dropped after the publish; the lock's holder and schema history stay")
        .containsExactly(
            "brand_performance",
            "cart_abandonment",
            "category_performance",
            "clicklake_export_lock",
            "clicklake_schema_history",
            "cohort_retention",
            "daily_funnel",
            "hourly_activity",
            "pipeline_batches",
            "product_performance",
            "session_revenue",
            "user_engagement");
    assertThat(
            db.rows(
                "rfr",
                "select export_status, purge_status, status, purged_files from pipeline_batches"
                    + " where batch_id = '"
                    + b1
                    + "'"))
        .as("the batch row: published with its export, then the purge")
        .containsExactly("done|done|succeeded|2");
    assertThat(fs.exists(f1.staging)).as("staged files purged").isFalse();
    assertThat(fs.exists(f1.instance)).as("landing instance removed").isFalse();
    assertThat(fs.exists(f1.rejectedFile)).as("rejected file kept").isTrue();

    // the password: nowhere
    assertThat(logged.size()).as("log lines captured").isGreaterThan(100);
    assertThat(String.join("\n", logged))
        .as("log lines (INFO and up; io.clicklake and com.mysql at every level)")
        .contains("rows into session_revenue__stage")
        .doesNotContain(password)
        .doesNotContain(wrong);
    assertThat(String.join("\n", exceptions))
        .as("exception messages and stack traces")
        .doesNotContain(password)
        .doesNotContain(wrong);
    assertThat(env.config().with(asExporter).describe())
        .as("effective config")
        .noneMatch(l -> l.contains(password));
    List<String> conf = new ArrayList<>();
    spark.conf().getAll().foreach(t -> conf.add(t._1() + "=" + t._2()));
    for (Tuple2<String, String> t : spark.sparkContext().getConf().getAll()) {
      conf.add(t._1() + "=" + t._2());
    }
    assertThat(conf).as("Spark conf").isNotEmpty().noneMatch(l -> l.contains(password));
    assertThat(filesHolding(password, started))
        .as("files holding the password: on HDFS, under target/, in Spark's local dirs")
        .isEmpty();
    assertThat(
            db.rows(
                "rfr",
                "select count(*) from pipeline_batches where concat_ws('|', error_message,"
                    + " rows_written, instance_path) like '%"
                    + password
                    + "%'"))
        .containsExactly("0");
    pwFile.delete();
    wrongFile.delete();
  }

  @Test
  void incrementalUpsertsOverSeveralBatchesEqualAFullRefresh() {
    Env env = newEnv("incremental");
    for (int k = 1; k <= 3; k++) {
      marts(env, k);
      ExportMartsJob.Result r =
          export(env, k, "inc", Map.of(Keys.EXPORT_METHOD.name(), k == 2 ? "batch" : "load-data"));
      if (k > 1) {
        assertThat(r.rows.get("session_revenue"))
            .as("batch %s exports only the sessions it changed", k)
            .isLessThan(countRows(env, TableNames.MART_SESSION_REVENUE));
      }
      assertMirrors(env, "inc");
    }
    ExportMartsJob.Result full =
        export(
            env,
            3,
            "full",
            Map.of(Keys.FULL_REFRESH.name(), "true", Keys.EXPORT_METHOD.name(), "batch"));
    assertThat(full.rows.get("session_revenue"))
        .as("a full refresh exports every session")
        .isEqualTo(countRows(env, TableNames.MART_SESSION_REVENUE));
    assertMirrors(env, "full");
    for (String t : PublishedTable.mysqlNames(PublishedTable.marts())) {
      assertThat(db.rows("inc", "select * from " + t + " order by 1"))
          .as("%s: incremental upserts = full refresh", t)
          .isEqualTo(db.rows("full", "select * from " + t + " order by 1"));
    }
    String batchCols =
        "select batch_id, status, export_status, export_at, marts_status, rows_clean from"
            + " pipeline_batches order by 1";
    assertThat(db.rows("inc", batchCols))
        .as("pipeline_batches: incremental = full refresh")
        .isEqualTo(db.rows("full", batchCols))
        .hasSize(3);
    assertThat(
            db.rows(
                "full",
                "select count(*) from information_schema.tables where table_schema = database() and"
                    + " table_name like '%\\_\\_%'"))
        .as("no __new or __old table left after the swap")
        .containsExactly("0");
    String indexes =
        "select table_name, index_name, non_unique, seq_in_index, column_name from"
            + " information_schema.statistics where table_schema = database() order by 1, 2, 4";
    assertThat(db.rows("full", indexes))
        .as("the swapped-in tables have the indexes of sql/01_tables.sql")
        .isEqualTo(db.rows("inc", indexes))
        .anyMatch(
            r -> r.startsWith("session_revenue|ix_session_revenue_revenue|1|1|total_revenue"));
  }

  @Test
  void aFailureAtAnyPointLeavesThePublishedTablesAndReadersUntouchedAndPurgeWaits()
      throws Exception {
    Env env = newEnv("atomic");
    marts(env, 1);
    export(env, 1, "atomic", Map.of());

    String b2 = marts(env, 2);
    BatchFiles f2 = batchFiles(env, 2);
    List<String> published = dump("atomic");
    try (ConsistencyReader reader = ConsistencyReader.start(db, "atomic", b2)) {
      String old = reader.last();

      // 1. about half the staging rows loaded, then a failure
      assertThatThrownBy(
              () ->
                  runAsCaller(
                      new ExportMartsJob(),
                      exportConfig(
                          env,
                          2,
                          "atomic",
                          Map.of(
                              Keys.FAIL_AFTER.name(),
                              "export-stage-half",
                              Keys.EXPORT_BATCH_SIZE.name(),
                              "4"))))
          .as("failure half-way through the staging load")
          .isInstanceOf(SparkJob.InjectedFailure.class)
          .hasMessage("injected failure after step 'export-stage-half'");
      assertThat(stagedRows("atomic"))
          .as("the failure came after some but not all staging rows")
          .isGreaterThan(totalChanged(env, b2) / 4)
          .isLessThan(totalChanged(env, b2));
      assertThat(dump("atomic"))
          .as("published tables unchanged after a staging failure")
          .isEqualTo(published);
      assertThat(
              new BatchLedger(spark, Lake.configure(spark, env.config()))
                  .read(b2)
                  .get()
                  .text("export_status"))
          .as("the batch record says the export failed")
          .isEqualTo("failed");

      // the purge refuses while the export has not committed: files stay
      assertThatThrownBy(
              () -> new PurgeStagingJob().run(spark, purgeConfig(env, 2, "atomic", Map.of())))
          .isInstanceOf(InputException.class)
          .hasMessage(
              "batch "
                  + b2
                  + ": the export stage is not done (export_status=failed); its staged files are"
                  + " kept. Run ExportMartsJob for it first");
      assertThat(fs.exists(f2.stagedFile) && fs.exists(f2.instance) && fs.exists(f2.rejectedFile))
          .as("files survive a failed export")
          .isTrue();

      // 2. inside the publish transaction, and just before the swap of a full refresh
      for (String full : List.of("false", "true")) {
        assertThatThrownBy(
                () ->
                    export(
                        env,
                        2,
                        "atomic",
                        Map.of(
                            Keys.FAIL_AFTER.name(),
                            "export-publish",
                            Keys.FULL_REFRESH.name(),
                            full)))
            .as("failure during the publish (full refresh %s)", full)
            .isInstanceOf(SparkJob.InjectedFailure.class)
            .hasMessage("injected failure after step 'export-publish'");
        assertThat(dump("atomic"))
            .as("published tables unchanged after a publish failure (full refresh %s)", full)
            .isEqualTo(published);
      }

      // 3. the rerun finishes; a full refresh after it swaps in the same values
      export(env, 2, "atomic", Map.of());
      assertMirrors(env, "atomic");
      String now = reader.poll();
      export(env, 2, "atomic", Map.of(Keys.FULL_REFRESH.name(), "true"));
      assertThat(reader.poll())
          .as("a full refresh publishes what the incremental export did")
          .isEqualTo(now);

      reader.finish();
      assertThat(reader.errors).as("reader errors").isEmpty();
      assertThat(reader.polls.get()).as("the reader polled during the exports").isGreaterThan(20);
      assertThat(reader.seen)
          .as("states a concurrent reader saw: the old mart or the new one, nothing in between")
          .containsOnly(old, now);
      assertThat(now).isNotEqualTo(old);
    }

    PurgeStagingJob.Result p2 =
        new PurgeStagingJob()
            .run(
                spark,
                purgeConfig(
                    env, 2, "atomic", Map.of(Keys.ARCHIVE_ROOT.name(), env.root + "/archive")));
    assertThat(p2.purgedFiles).isEqualTo(2);
    assertThat(p2.purgedBytes).isEqualTo(f2.stagedBytes);
    assertThat(fs.exists(f2.staging)).as("staged files gone after the export committed").isFalse();
    assertThat(fs.exists(f2.instance)).as("landing instance moved").isFalse();
    assertThat(fs.exists(new Path(env.root, "archive/" + b2 + "/_READY")))
        .as("landing instance archived under the batch id")
        .isTrue();
    assertThat(fs.exists(f2.rejectedFile) && fs.exists(new Path(f2.rejectedFile + ".reason")))
        .as("rejected files kept")
        .isTrue();
    String purgeRow =
        "select purge_status, purged_files, purged_bytes, status, finished_at is not null, purge_at"
            + " = finished_at from pipeline_batches where batch_id = '"
            + b2
            + "'";
    assertThat(db.rows("atomic", purgeRow))
        .as("pipeline_batches records the purge")
        .containsExactly("done|2|" + f2.stagedBytes + "|succeeded|1|1");
    assertThat(
            rows(
                "select purge_status, purged_files, purged_bytes, status from "
                    + env.table("batches")
                    + " where batch_id = '"
                    + b2
                    + "'"))
        .as("batches records the purge")
        .containsExactly("done|2|" + f2.stagedBytes + "|succeeded");

    List<String> record = db.rows("atomic", "select * from pipeline_batches order by 1");
    PurgeStagingJob.Result again =
        new PurgeStagingJob()
            .run(
                spark,
                purgeConfig(
                    env, 2, "atomic", Map.of(Keys.ARCHIVE_ROOT.name(), env.root + "/archive")));
    assertThat(again.alreadyDone).isTrue();
    assertThat(again.purgedFiles).isEqualTo(2);
    assertThat(db.rows("atomic", "select * from pipeline_batches order by 1"))
        .as("purge rerun writes the same values")
        .isEqualTo(record);
  }

  @Test
  void anUnreachableServerGivesOneClearErrorNamingHostAndPort() throws IOException {
    Env env = newEnv("unreachable");
    String b = batchId(1);
    Lake lake = Lake.configure(spark, env.config());
    lake.ensure(spark, TableNames.INGEST);
    new BatchLedger(spark, lake)
        .update(
            b,
            BatchRecord.Stage.MARTS,
            BatchRecord.changes().setAll(Map.of("marts_status", "done", "status", "running")));
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    JobConfig cfg =
        env.config(instance(env, 1).toString())
            .with(
                Map.of(
                    Keys.MYSQL_URL.name(),
                    "jdbc:mysql://127.0.0.1:" + closed + "/clickstream?sslMode=DISABLED",
                    Keys.EXPORT_RETRIES.name(),
                    "3",
                    Keys.EXPORT_RETRY_BACKOFF_MS.name(),
                    "20"));
    String expected =
        "cannot reach MySQL at 127.0.0.1:"
            + closed
            + " (Connection refused) after 3 attempts; check clicklake.mysql.url";
    assertThatThrownBy(() -> runAsCaller(new ExportMartsJob(), cfg))
        .isInstanceOf(MySqlUnavailableException.class)
        .hasMessage(expected);
    assertThat(rows("select export_status, status, error_message from " + env.table("batches")))
        .as("the batch record names the failure")
        .containsExactly("failed|failed|export: " + expected);
    assertThatThrownBy(
            () ->
                new ExportMartsJob()
                    .run(
                        spark,
                        cfg.with(
                            Map.of(
                                Keys.MYSQL_URL.name(), "jdbc:mysql://db:3306/x?password=hunter2"))))
        .as("a password in the URL is refused")
        .hasMessageContaining("must not carry the password")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aValueMySqlWouldAlterFailsTheStagingLoadByEitherMethod() {
    db.execute(
        "guard",
        "create table if not exists t (k varchar(4) primary key, v decimal(4,2), d double)");
    MySqlTarget target =
        MySqlTarget.from(
            JobConfig.builder()
                .set(Keys.MYSQL_URL, db.url("guard"))
                .set(Keys.EXPORT_RETRIES, "1")
                .build(),
            new org.apache.hadoop.conf.Configuration());
    Object[][] bad = {
      {"long!", new BigDecimal("1.00"), 1.0},
      {"big", new BigDecimal("123.45"), 1.0},
      {"nan", new BigDecimal("1.00"), Double.NaN}
    };
    for (StagingLoader.Method method : StagingLoader.Method.values()) {
      for (Object[] row : bad) {
        StagingLoader loader =
            new StagingLoader(
                target,
                "t",
                List.of("k", "v", "d"),
                method,
                10,
                new LongAccumulator(),
                -1,
                FailPoint.NONE);
        assertThatThrownBy(() -> loader.call(List.of(RowFactory.create(row)).iterator()))
            .as("%s by %s", Arrays.toString(row), method)
            .isInstanceOf(MySqlException.class);
      }
      StagingLoader fine =
          new StagingLoader(
              target,
              "t",
              List.of("k", "v", "d"),
              method,
              10,
              new LongAccumulator(),
              -1,
              FailPoint.NONE);
      fine.call(
          List.of(
                  RowFactory.create("a\tb", new BigDecimal("-99.99"), 1e-300),
                  RowFactory.create("\\N", null, null))
              .iterator());
      assertThat(db.rows("guard", "select k, v, d from t where k in ('a\tb', '\\\\N') order by k"))
          .as("escapes, NULL and extreme values by %s", method)
          .containsExactlyInAnyOrder("\\N|<null>|<null>", "a\tb|-99.99|1.0E-300");
    }
  }

  @Test
  void aConnectionLostMidWorkIsRetriedOnANewConnection() {
    MySqlTarget target =
        MySqlTarget.from(
            JobConfig.builder()
                .set(Keys.MYSQL_URL, db.url("guard"))
                .set(Keys.EXPORT_RETRIES, "3")
                .set(Keys.EXPORT_RETRY_BACKOFF_MS, "10")
                .build(),
            new org.apache.hadoop.conf.Configuration());
    AtomicInteger attempts = new AtomicInteger();
    long answer =
        target.retry(
            "testing",
            () -> {
              try (Connection c = target.connectOnce(new java.util.Properties());
                  Statement s = c.createStatement()) {
                if (attempts.incrementAndGet() == 1) {
                  long id;
                  try (ResultSet rs = s.executeQuery("select connection_id()")) {
                    rs.next();
                    id = rs.getLong(1);
                  }
                  db.execute("guard", "kill connection " + id); // the server drops us mid-work
                }
                try (ResultSet rs = s.executeQuery("select 42")) {
                  rs.next();
                  return rs.getLong(1);
                }
              }
            });
    assertThat(answer).as("the work finished").isEqualTo(42);
    assertThat(attempts.get()).as("attempts: the lost one and the retry").isEqualTo(2);
  }
}

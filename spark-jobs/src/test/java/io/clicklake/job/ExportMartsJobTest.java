package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.export.FailPoint;
import io.clicklake.export.MySqlException;
import io.clicklake.export.MySqlTarget;
import io.clicklake.export.MySqlUnavailableException;
import io.clicklake.export.StagingLoader;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import io.clicklake.testing.LakehouseTestBase;
import io.clicklake.testing.MariaDbTestServer;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The MySQL export and the purge against a real MariaDB (data contract section 7): the published
 * tables mirror the Iceberg marts, incremental upserts equal a full refresh, a failure at any point
 * leaves readers the old data and nothing in between, the password leaks nowhere, and staged files
 * go only after the export committed. The marts are filled by the test (not by BuildMartsJob).
 */
class ExportMartsJobTest extends LakehouseTestBase {
  private static final Instant T0 = Instant.parse("2019-10-01T00:00:00Z");
  /** MySQL table → the Iceberg table it mirrors. */
  private static final Map<String, String> MIRRORS = new LinkedHashMap<>();

  static {
    MIRRORS.put("user_engagement", TableNames.MART_USER_ENGAGEMENT);
    MIRRORS.put("session_revenue", TableNames.MART_SESSION_REVENUE);
    MIRRORS.put("daily_funnel", TableNames.MART_DAILY_FUNNEL);
    MIRRORS.put("pipeline_batches", TableNames.BATCHES);
  }

  static MariaDbTestServer db;

  @BeforeAll
  static void startMariaDb() {
    db = MariaDbTestServer.start();
  }

  @AfterAll
  static void stopMariaDb() {
    if (db != null) {
      db.close();
      db = null;
    }
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
    Map<String, String> asExporter = Map.of(Keys.MYSQL_USER.name(), "exporter", Keys.MYSQL_PASSWORD_FILE.name(), pwFile.getAbsolutePath());
    String b1 = marts(env, 1);
    BatchFiles f1 = batchFiles(env, 1);

    List<String> exceptions = new ArrayList<>();
    List<String> logged;
    try (LogCapture logs = LogCapture.start()) {
      ExportMartsJob.Result load = export(env, 1, "rfr", with(asExporter, Keys.EXPORT_METHOD.name(), "load-data"));
      assertThat(load.rows).as("rows exported by load-data")
          .containsEntry("user_engagement", 42L).containsEntry("session_revenue", 110L)
          .containsEntry("daily_funnel", 5L).containsEntry("pipeline_batches", 1L);
      assertMirrors(env, "rfr");
      List<String> published = dump("rfr");

      Throwable denied = null;
      try {
        export(env, 1, "rfr", with(asExporter, Keys.MYSQL_PASSWORD_FILE.name(), wrongFile.getAbsolutePath()));
      } catch (RuntimeException e) {
        denied = e;
        exceptions.add(stackTrace(e));
      }
      assertThat(denied).as("the server checks the password").isInstanceOf(MySqlException.class)
          .hasMessageContaining("Access denied for user 'exporter'");

      ExportMartsJob.Result batch = export(env, 1, "rfr", with(asExporter, Keys.EXPORT_METHOD.name(), "batch"));
      assertThat(batch.rows).as("rows exported by batch").isEqualTo(load.rows);
      assertThat(dump("rfr")).as("a rerun, by the other method, publishes the same values").isEqualTo(published);

      PurgeStagingJob.Result purged = new PurgeStagingJob().run(spark, purgeConfig(env, 1, "rfr", asExporter));
      assertThat(purged.instance).isEqualTo("deleted");
      logged = logs.lines();
    }

    assertThat(db.rows("rfr", "select count(*) from user_engagement where view_to_cart_rate is null"))
        .as("NULL rates stay NULL").containsExactly(String.valueOf(count("select * from " + env.table(TableNames.MART_USER_ENGAGEMENT) + " where view_to_cart_rate is null")))
        .doesNotContain("0");
    assertThat(db.rows("rfr", "select total_revenue, cart_to_purchase_rate from user_engagement where user_id = 9223372036854775807"))
        .as("largest decimal and an uncapped rate").containsExactly("999999999999.99|7.0");
    assertThat(db.rows("rfr", "select user_session, total_revenue from session_revenue where user_session like '%-case' or user_session in ('NULL', '\\\\N') order by user_session"))
        .as("keys compare byte for byte; the strings NULL and \\N are not NULL")
        .containsExactly("NULL|0.01", "UPPER-case|1.00", "\\N|0.00", "upper-case|2.00");
    assertThat(db.rows("rfr", "select table_name from information_schema.tables where table_schema = database() order by 1"))
        .as("staging tables dropped after the publish; the lock's holder table stays")
        .containsExactly("clicklake_export_lock", "daily_funnel", "pipeline_batches", "session_revenue", "user_engagement");
    assertThat(db.rows("rfr", "select export_status, purge_status, status, purged_files from pipeline_batches where batch_id = '" + b1 + "'"))
        .as("the batch row: published with its export, then the purge").containsExactly("done|done|succeeded|2");
    assertThat(fs.exists(f1.staging)).as("staged files purged").isFalse();
    assertThat(fs.exists(f1.instance)).as("landing instance removed").isFalse();
    assertThat(fs.exists(f1.rejectedFile)).as("rejected file kept").isTrue();

    // the password: nowhere
    assertThat(logged.size()).as("log lines captured").isGreaterThan(100);
    assertThat(String.join("\n", logged)).as("log lines (INFO and up; io.clicklake and com.mysql at every level)")
        .contains("rows into session_revenue__stage").doesNotContain(password).doesNotContain(wrong);
    assertThat(String.join("\n", exceptions)).as("exception messages and stack traces").doesNotContain(password).doesNotContain(wrong);
    assertThat(env.config().with(asExporter).describe()).as("effective config").noneMatch(l -> l.contains(password));
    List<String> conf = new ArrayList<>();
    spark.conf().getAll().foreach(t -> conf.add(t._1() + "=" + t._2()));
    for (Tuple2<String, String> t : spark.sparkContext().getConf().getAll()) {
      conf.add(t._1() + "=" + t._2());
    }
    assertThat(conf).as("Spark conf").isNotEmpty().noneMatch(l -> l.contains(password));
    assertThat(filesHolding(password, started)).as("files holding the password: on HDFS, under target/, in Spark's local dirs").isEmpty();
    assertThat(db.rows("rfr", "select count(*) from pipeline_batches where concat_ws('|', error_message, rows_written, instance_path) like '%" + password + "%'"))
        .containsExactly("0");
    pwFile.delete();
    wrongFile.delete();
  }

  @Test
  void incrementalUpsertsOverSeveralBatchesEqualAFullRefresh() {
    Env env = newEnv("incremental");
    for (int k = 1; k <= 3; k++) {
      marts(env, k);
      ExportMartsJob.Result r = export(env, k, "inc", Map.of(Keys.EXPORT_METHOD.name(), k == 2 ? "batch" : "load-data"));
      if (k > 1) {
        assertThat(r.rows.get("session_revenue")).as("batch %s exports only the sessions it changed", k).isLessThan(countRows(env, TableNames.MART_SESSION_REVENUE));
      }
      assertMirrors(env, "inc");
    }
    ExportMartsJob.Result full = export(env, 3, "full", Map.of(Keys.FULL_REFRESH.name(), "true", Keys.EXPORT_METHOD.name(), "batch"));
    assertThat(full.rows.get("session_revenue")).as("a full refresh exports every session").isEqualTo(countRows(env, TableNames.MART_SESSION_REVENUE));
    assertMirrors(env, "full");
    for (String t : List.of("user_engagement", "session_revenue", "daily_funnel")) {
      assertThat(db.rows("inc", "select * from " + t + " order by 1")).as("%s: incremental upserts = full refresh", t)
          .isEqualTo(db.rows("full", "select * from " + t + " order by 1"));
    }
    String batchCols = "select batch_id, status, export_status, export_at, marts_status, rows_clean from pipeline_batches order by 1";
    assertThat(db.rows("inc", batchCols)).as("pipeline_batches: incremental = full refresh").isEqualTo(db.rows("full", batchCols)).hasSize(3);
    assertThat(db.rows("full", "select count(*) from information_schema.tables where table_schema = database() and table_name like '%\\_\\_%'"))
        .as("no __new or __old table left after the swap").containsExactly("0");
    String indexes = "select table_name, index_name, non_unique, seq_in_index, column_name from information_schema.statistics"
        + " where table_schema = database() order by 1, 2, 4";
    assertThat(db.rows("full", indexes)).as("the swapped-in tables have the indexes of sql/01_tables.sql")
        .isEqualTo(db.rows("inc", indexes)).anyMatch(r -> r.startsWith("session_revenue|ix_session_revenue_revenue|1|1|total_revenue"));
  }

  @Test
  void aFailureAtAnyPointLeavesThePublishedTablesAndReadersUntouchedAndPurgeWaits() throws Exception {
    Env env = newEnv("atomic");
    marts(env, 1);
    export(env, 1, "atomic", Map.of());

    String b2 = marts(env, 2);
    BatchFiles f2 = batchFiles(env, 2);
    List<String> published = dump("atomic");
    try (ConsistencyReader reader = ConsistencyReader.start("atomic", b2)) {
      String old = reader.last();

      // 1. about half the staging rows loaded, then a failure
      assertThatThrownBy(() -> runAsCaller(new ExportMartsJob(), exportConfig(env, 2, "atomic", Map.of(Keys.FAIL_AFTER.name(), "export-stage-half", Keys.EXPORT_BATCH_SIZE.name(), "4"))))
          .as("failure half-way through the staging load")
          .isInstanceOf(SparkJob.InjectedFailure.class).hasMessage("injected failure after step 'export-stage-half'");
      assertThat(stagedRows("atomic")).as("the failure came after some but not all staging rows")
          .isGreaterThan(totalChanged(env, b2) / 4).isLessThan(totalChanged(env, b2));
      assertThat(dump("atomic")).as("published tables unchanged after a staging failure").isEqualTo(published);
      assertThat(new BatchLedger(spark, Lake.configure(spark, env.config())).read(b2).get().text("export_status"))
          .as("the batch record says the export failed").isEqualTo("failed");

      // the purge refuses while the export has not committed: files stay
      assertThatThrownBy(() -> new PurgeStagingJob().run(spark, purgeConfig(env, 2, "atomic", Map.of())))
          .isInstanceOf(InputException.class)
          .hasMessage("batch " + b2 + ": the export stage is not done (export_status=failed); its staged files are kept. Run ExportMartsJob for it first");
      assertThat(fs.exists(f2.stagedFile) && fs.exists(f2.instance) && fs.exists(f2.rejectedFile)).as("files survive a failed export").isTrue();

      // 2. inside the publish transaction, and just before the swap of a full refresh
      for (String full : List.of("false", "true")) {
        assertThatThrownBy(() -> export(env, 2, "atomic", Map.of(Keys.FAIL_AFTER.name(), "export-publish", Keys.FULL_REFRESH.name(), full)))
            .as("failure during the publish (full refresh %s)", full)
            .isInstanceOf(SparkJob.InjectedFailure.class).hasMessage("injected failure after step 'export-publish'");
        assertThat(dump("atomic")).as("published tables unchanged after a publish failure (full refresh %s)", full).isEqualTo(published);
      }

      // 3. the rerun finishes; a full refresh after it swaps in the same values
      export(env, 2, "atomic", Map.of());
      assertMirrors(env, "atomic");
      String now = reader.poll();
      export(env, 2, "atomic", Map.of(Keys.FULL_REFRESH.name(), "true"));
      assertThat(reader.poll()).as("a full refresh publishes what the incremental export did").isEqualTo(now);

      reader.finish();
      assertThat(reader.errors).as("reader errors").isEmpty();
      assertThat(reader.polls.get()).as("the reader polled during the exports").isGreaterThan(20);
      assertThat(reader.seen).as("states a concurrent reader saw: the old mart or the new one, nothing in between").containsOnly(old, now);
      assertThat(now).isNotEqualTo(old);
    }

    PurgeStagingJob.Result p2 = new PurgeStagingJob().run(spark, purgeConfig(env, 2, "atomic", Map.of(Keys.ARCHIVE_ROOT.name(), env.root + "/archive")));
    assertThat(p2.purgedFiles).isEqualTo(2);
    assertThat(p2.purgedBytes).isEqualTo(f2.stagedBytes);
    assertThat(fs.exists(f2.staging)).as("staged files gone after the export committed").isFalse();
    assertThat(fs.exists(f2.instance)).as("landing instance moved").isFalse();
    assertThat(fs.exists(new Path(env.root, "archive/" + b2 + "/_READY"))).as("landing instance archived under the batch id").isTrue();
    assertThat(fs.exists(f2.rejectedFile) && fs.exists(new Path(f2.rejectedFile + ".reason"))).as("rejected files kept").isTrue();
    String purgeRow = "select purge_status, purged_files, purged_bytes, status, finished_at is not null, purge_at = finished_at from pipeline_batches where batch_id = '" + b2 + "'";
    assertThat(db.rows("atomic", purgeRow)).as("pipeline_batches records the purge").containsExactly("done|2|" + f2.stagedBytes + "|succeeded|1|1");
    assertThat(rows("select purge_status, purged_files, purged_bytes, status from " + env.table("batches") + " where batch_id = '" + b2 + "'"))
        .as("batches records the purge").containsExactly("done|2|" + f2.stagedBytes + "|succeeded");

    List<String> record = db.rows("atomic", "select * from pipeline_batches order by 1");
    PurgeStagingJob.Result again = new PurgeStagingJob().run(spark, purgeConfig(env, 2, "atomic", Map.of(Keys.ARCHIVE_ROOT.name(), env.root + "/archive")));
    assertThat(again.alreadyDone).isTrue();
    assertThat(again.purgedFiles).isEqualTo(2);
    assertThat(db.rows("atomic", "select * from pipeline_batches order by 1")).as("purge rerun writes the same values").isEqualTo(record);
  }

  @Test
  void anUnreachableServerGivesOneClearErrorNamingHostAndPort() throws IOException {
    Env env = newEnv("unreachable");
    String b = batchId(1);
    Lake lake = Lake.configure(spark, env.config());
    lake.ensure(spark, TableNames.INGEST);
    new BatchLedger(spark, lake).update(b, BatchRecord.Stage.MARTS, BatchRecord.changes().setAll(Map.of("marts_status", "done", "status", "running")));
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    JobConfig cfg = env.config(instance(env, 1).toString()).with(Map.of(
        Keys.MYSQL_URL.name(), "jdbc:mysql://127.0.0.1:" + closed + "/clickstream?sslMode=DISABLED",
        Keys.EXPORT_RETRIES.name(), "3", Keys.EXPORT_RETRY_BACKOFF_MS.name(), "20"));
    String expected = "cannot reach MySQL at 127.0.0.1:" + closed + " (Connection refused) after 3 attempts; check clicklake.mysql.url";
    assertThatThrownBy(() -> runAsCaller(new ExportMartsJob(), cfg)).isInstanceOf(MySqlUnavailableException.class).hasMessage(expected);
    assertThat(rows("select export_status, status, error_message from " + env.table("batches")))
        .as("the batch record names the failure").containsExactly("failed|failed|export: " + expected);
    assertThatThrownBy(() -> new ExportMartsJob().run(spark, cfg.with(Map.of(Keys.MYSQL_URL.name(), "jdbc:mysql://db:3306/x?password=hunter2"))))
        .as("a password in the URL is refused").hasMessageContaining("must not carry the password").hasMessageNotContaining("hunter2");
  }

  @Test
  void aValueMySqlWouldAlterFailsTheStagingLoadByEitherMethod() {
    db.execute("guard", "create table if not exists t (k varchar(4) primary key, v decimal(4,2), d double)");
    MySqlTarget target = MySqlTarget.from(
        JobConfig.builder().set(Keys.MYSQL_URL, db.url("guard")).set(Keys.EXPORT_RETRIES, "1").build(), new org.apache.hadoop.conf.Configuration());
    Object[][] bad = {{"long!", new BigDecimal("1.00"), 1.0}, {"big", new BigDecimal("123.45"), 1.0}, {"nan", new BigDecimal("1.00"), Double.NaN}};
    for (StagingLoader.Method method : StagingLoader.Method.values()) {
      for (Object[] row : bad) {
        StagingLoader loader = new StagingLoader(target, "t", List.of("k", "v", "d"), method, 10, new LongAccumulator(), -1, FailPoint.NONE);
        assertThatThrownBy(() -> loader.call(List.of(RowFactory.create(row)).iterator()))
            .as("%s by %s", Arrays.toString(row), method).isInstanceOf(MySqlException.class);
      }
      StagingLoader fine = new StagingLoader(target, "t", List.of("k", "v", "d"), method, 10, new LongAccumulator(), -1, FailPoint.NONE);
      fine.call(List.of(RowFactory.create("a\tb", new BigDecimal("-99.99"), 1e-300), RowFactory.create("\\N", null, null)).iterator());
      assertThat(db.rows("guard", "select k, v, d from t where k in ('a\tb', '\\\\N') order by k"))
          .as("escapes, NULL and extreme values by %s", method).containsExactlyInAnyOrder("\\N|<null>|<null>", "a\tb|-99.99|1.0E-300");
    }
  }

  @Test
  void aConnectionLostMidWorkIsRetriedOnANewConnection() {
    MySqlTarget target = MySqlTarget.from(
        JobConfig.builder().set(Keys.MYSQL_URL, db.url("guard")).set(Keys.EXPORT_RETRIES, "3").set(Keys.EXPORT_RETRY_BACKOFF_MS, "10").build(),
        new org.apache.hadoop.conf.Configuration());
    AtomicInteger attempts = new AtomicInteger();
    long answer = target.retry("testing", () -> {
      try (Connection c = target.connectOnce(new java.util.Properties()); Statement s = c.createStatement()) {
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

  // ---------------------------------------------------------------- export and purge runs

  static ExportMartsJob.Result export(Env env, int k, String database, Map<String, String> more) {
    return new ExportMartsJob().run(spark, exportConfig(env, k, database, more));
  }

  static JobConfig exportConfig(Env env, int k, String database, Map<String, String> more) {
    Map<String, String> m = new HashMap<>();
    m.put(Keys.MYSQL_URL.name(), db.url(database));
    m.put(Keys.EXPORT_PARALLELISM.name(), "2");
    m.put(Keys.EXPORT_BATCH_SIZE.name(), "7");
    m.put(Keys.EXPORT_RETRIES.name(), "2");
    m.put(Keys.EXPORT_RETRY_BACKOFF_MS.name(), "50");
    m.putAll(more);
    return env.config(instance(env, k).toString()).with(m);
  }

  static JobConfig purgeConfig(Env env, int k, String database, Map<String, String> more) {
    return exportConfig(env, k, database, more);
  }

  static Map<String, String> with(Map<String, String> base, String k, String v) {
    Map<String, String> m = new HashMap<>(base);
    m.put(k, v);
    return m;
  }

  static Path instance(Env env, int k) {
    return new Path(env.landing, "2019/10/0" + k + "/00");
  }

  static String batchId(int k) {
    return "2019-10-0" + k + "-00";
  }

  /** A batch's files: two staged data files, its landing instance (done-flag left) and a rejected file. */
  static final class BatchFiles {
    Path staging;
    Path stagedFile;
    long stagedBytes;
    Path instance;
    Path rejectedFile;
  }

  static BatchFiles batchFiles(Env env, int k) throws IOException {
    BatchFiles f = new BatchFiles();
    String b = batchId(k);
    f.staging = new Path(env.staging, b);
    f.stagedFile = new Path(f.staging, "shop-a.csv");
    String a = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n";
    String c = a + "2019-10-0" + k + " 00:00:00 UTC,view,1,,,,1.00,7,s7\n";
    write(f.stagedFile, a);
    write(new Path(f.staging, "shop-b.csv"), c);
    f.stagedBytes = a.length() + c.length();
    f.instance = instance(env, k);
    fs.mkdirs(f.instance);
    env.markReady(f.instance);
    f.rejectedFile = new Path(env.rejected, b + "/bad.csv");
    write(f.rejectedFile, "not,a,header\n");
    write(new Path(f.rejectedFile + ".reason"), "reason bad_header\n");
    // the files are the batch's own, as its clean stage records them: the purge deletes exactly those
    Lake lake = Lake.configure(spark, env.config());
    lake.ensure(spark, TableNames.INGEST);
    spark.sql("insert into " + env.table(TableNames.BATCH_FILES) + " values"
        + " ('" + b + "', 'bad.csv', 0, 13, 'x0', 'rejected', 'bad_header: test', 0, 0, 0, 0),"
        + " ('" + b + "', 'shop-a.csv', 1, " + a.length() + ", 'x1', 'loaded', null, 0, 0, 0, 0),"
        + " ('" + b + "', 'shop-b.csv', 2, " + c.length() + ", 'x2', 'loaded', null, 1, 1, 0, 0)");
    return f;
  }

  // ---------------------------------------------------------------- marts fixture

  /**
   * Brings the marts to their state after batch k (1..3) as BuildMartsJob would leave them: batch k
   * adds rows and changes some older ones, each row carrying the values and updated_batch_id of the
   * batch that last changed it; and records the batch with marts_status done. Batch 1 also brought
   * the awkward values: escapes, 4-byte UTF-8, case-distinct keys, the largest decimal, NULL rates,
   * the longest session id.
   */
  static String marts(Env env, int k) {
    String b = batchId(k);
    Lake lake = Lake.configure(spark, env.config());
    List<String> tables = new ArrayList<>(TableNames.INGEST);
    tables.addAll(TableNames.MARTS);
    lake.ensure(spark, tables);
    // the whole state after batch k; a row carries the values of the batch that last changed it (j)
    List<Map<String, Object>> users = new ArrayList<>();
    for (long u = 1; u <= 40L * k; u++) {
      long uu = u;
      int j = lastChange((int) ((u - 1) / 40) + 1, k, t -> uu % 3 == t % 3);
      users.add(user(u, (int) ((u * j) % 6), (int) ((u + j) % 4), (int) ((u * 3 + j) % 5), BigDecimal.valueOf(u * 1234567L + j, 2), u, batchId(j)));
    }
    List<Map<String, Object>> sessions = new ArrayList<>();
    for (int i = 0; i < 100 * k; i++) {
      int ii = i;
      int j = lastChange(i / 100 + 1, k, t -> ii % 4 == t % 4);
      sessions.add(session(String.format("%08x-%04x-4a1b-8c2d-%012x", (i * 2654435761L) & 0xffffffffL, i, i * 31L),
          new BigDecimal(BigInteger.valueOf((i * 7919L + j * 104729L) % 10_000_000_000L), 2), i % 13 == 0 ? null : 1L + i % 40, i, j, batchId(j)));
    }
    List<Map<String, Object>> days = new ArrayList<>();
    for (int d = 0; d < 5 * k; d++) {
      boolean first = d == 0;
      int j = lastChange(d / 5 + 1, k, t -> first);
      Map<String, Object> m = new HashMap<>();
      m.put("event_date", java.sql.Date.valueOf(LocalDate.of(2019, 10, 1).plusDays(d)));
      m.put("views", 1000L * d + j);
      m.put("carts", 100L * d + j);
      m.put("removes", 10L * d);
      m.put("purchases", 10L * d + j);
      m.put("revenue", BigDecimal.valueOf(d * 100003L + j * 7L, 2));
      m.put("sessions", 50L * d + j);
      m.put("purchasing_sessions", 5L * d + j);
      m.put("buyers", 4L * d + j);
      m.put("users", 30L * d + j);
      m.put("updated_batch_id", batchId(j));
      days.add(m);
    }
    // batch 1 also brought the awkward values; no later batch changes them
    users.add(user(Long.MAX_VALUE, 3, 1, 7, new BigDecimal("999999999999.99"), 77, batchId(1)));
    users.add(user(5_000_000_000L, 0, 0, 2, new BigDecimal("0.00"), 78, batchId(1)));
    String[] odd = {"tab\there", "back\\slash\\N", "line\nbreak\r\n", "quote's \"double\"", "ünïcødé-ß-€-😀", "\\N", "NULL", "UPPER-case", "upper-case", "x".repeat(64)};
    String[] amounts = {"999999999999.99", "0.10", "123456789012.34", "5.00", "0.99", "0.00", "0.01", "1.00", "2.00", "64.64"};
    for (int i = 0; i < odd.length; i++) {
      sessions.add(session(odd[i], new BigDecimal(amounts[i]), 3L, 1000 + i, 1, batchId(1)));
    }
    replace(env, TableNames.MART_USER_ENGAGEMENT, users);
    replace(env, TableNames.MART_SESSION_REVENUE, sessions);
    replace(env, TableNames.MART_DAILY_FUNNEL, days);
    long changed = users.stream().filter(m -> b.equals(m.get("updated_batch_id"))).count();

    Map<String, Object> record = new LinkedHashMap<>();
    record.put("instance_path", instance(env, k).toString());
    record.put("staging_path", new Path(env.staging, b).toString());
    record.put("started_at", Timestamp.from(T0.plusSeconds(3600L * k)));
    record.put("status", "running");
    record.put("files_total", 2);
    record.put("rows_clean", 1000L * k);
    record.put("stage_status", "done");
    record.put("clean_status", "done");
    record.put("marts_status", "done");
    record.put("marts_at", Timestamp.from(T0.plusSeconds(3600L * k + 61)));
    Map<String, Long> written = new LinkedHashMap<>();
    written.put("marts.mart_user_engagement", changed);
    written.put("marts.mart_session_revenue", (long) sessions.size());
    written.put("marts.mart_daily_funnel", (long) days.size());
    written.put("marts.fact_events", 1000L * k);
    written.put("marts.dim_user", 40L);
    record.put("rows_written", written);
    new BatchLedger(spark, lake).update(b, BatchRecord.Stage.MARTS, BatchRecord.changes().setAll(record));
    return b;
  }

  static Map<String, Object> user(long id, int views, int carts, int purchases, BigDecimal revenue, long seed, String batch) {
    Map<String, Object> m = new HashMap<>();
    m.put("user_id", id);
    m.put("total_views", views);
    m.put("total_add_to_cart", carts);
    m.put("total_purchases", purchases);
    m.put("view_to_cart_rate", views == 0 ? null : carts / (double) views);
    m.put("cart_to_purchase_rate", carts == 0 ? null : purchases / (double) carts);
    m.put("total_remove_from_cart", (int) (seed % 2));
    m.put("total_revenue", revenue);
    m.put("first_event_at", Timestamp.from(T0.plusSeconds(seed * 97)));
    m.put("last_event_at", Timestamp.from(T0.plusSeconds(seed * 97 + 86_399)));
    m.put("updated_batch_id", batch);
    return m;
  }

  static Map<String, Object> session(String id, BigDecimal revenue, Long userId, int i, int k, String batch) {
    Map<String, Object> m = new HashMap<>();
    m.put("user_session", id);
    m.put("total_revenue", revenue);
    m.put("user_id", userId);
    m.put("first_event_at", Timestamp.from(T0.plusSeconds(i * 61L)));
    m.put("last_event_at", Timestamp.from(T0.plusSeconds(i * 61L + k * 3600L + i)));
    m.put("events", (long) (k * 3 + i % 5));
    m.put("views", (long) (k * 2 + i % 3));
    m.put("carts", (long) (i % 3));
    m.put("purchases", (long) (i % 2));
    m.put("updated_batch_id", batch);
    return m;
  }

  /** The batch, from {@code created} to {@code k}, that last changed a row: its creation or a later batch that touches it. */
  static int lastChange(int created, int k, java.util.function.IntPredicate touchedBy) {
    int last = created;
    for (int t = created + 1; t <= k; t++) {
      if (touchedBy.test(t)) {
        last = t;
      }
    }
    return last;
  }

  /** Replaces an Iceberg table's rows (column → value, converted to the table's types) in one commit. */
  static void replace(Env env, String table, List<Map<String, Object>> rows) {
    StructType schema = spark.table(env.table(table)).schema();
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> m : rows) {
      Object[] v = new Object[schema.fields().length];
      for (int i = 0; i < v.length; i++) {
        v[i] = coerce(m.get(schema.fields()[i].name()), schema.fields()[i].dataType());
      }
      out.add(RowFactory.create(v));
    }
    try {
      spark.createDataFrame(out, schema).writeTo(env.table(table)).overwrite(org.apache.spark.sql.functions.lit(true));
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object coerce(Object v, DataType t) {
    if (v == null) {
      return null;
    }
    if (t.equals(DataTypes.IntegerType)) {
      return ((Number) v).intValue();
    }
    if (t.equals(DataTypes.LongType)) {
      return ((Number) v).longValue();
    }
    if (t.equals(DataTypes.DoubleType)) {
      return ((Number) v).doubleValue();
    }
    if (t instanceof DecimalType) {
      return v instanceof BigDecimal ? v : new BigDecimal(v.toString());
    }
    return v;
  }

  // ---------------------------------------------------------------- comparisons

  /** Every MySQL table equals its Iceberg source, column by column (times as UTC text, decimals and doubles exact). */
  static void assertMirrors(Env env, String database) {
    for (Map.Entry<String, String> e : MIRRORS.entrySet()) {
      String t = e.getKey();
      List<String> cols = db.rows(database, "select column_name from information_schema.columns where table_schema = database() and table_name = '" + t + "' order by ordinal_position");
      List<String> my = new ArrayList<>();
      List<String> ice = new ArrayList<>();
      for (String c : cols) {
        if (c.endsWith("_at")) {
          my.add("date_format(" + c + ", '%Y-%m-%d %H:%i:%s')");
          ice.add("date_format(" + c + ", 'yyyy-MM-dd HH:mm:ss')");
        } else if (c.equals("rows_written")) {
          my.add(c);
          ice.add("to_json(map_from_entries(array_sort(map_entries(" + c + "))))");
        } else {
          my.add(c);
          ice.add(c);
        }
      }
      List<String> mysqlRows = new ArrayList<>(db.rows(database, "select " + String.join(", ", my) + " from " + t));
      List<String> icebergRows = new ArrayList<>(rows("select " + String.join(", ", ice) + " from " + env.table(e.getValue())));
      Collections.sort(mysqlRows);
      Collections.sort(icebergRows);
      assertThat(mysqlRows).as("MySQL %s.%s equals Iceberg %s row for row", database, t, e.getValue()).isNotEmpty().isEqualTo(icebergRows);
    }
  }

  static List<String> dump(String database) {
    List<String> out = new ArrayList<>();
    for (String t : MIRRORS.keySet()) {
      for (String r : db.rows(database, "select * from " + t + " order by 1")) {
        out.add(t + ": " + r);
      }
    }
    return out;
  }

  static long stagedRows(String database) {
    long n = 0;
    for (String t : MIRRORS.keySet()) {
      // the failed run's own staging table, named with its token
      List<String> stage = db.rows(database, "select table_name from information_schema.tables where table_schema = database() and table_name like '" + t + "\\_\\_stage\\_%'");
      assertThat(stage).as("staging tables of %s left by the failed run", t).hasSize(1);
      n += Long.parseLong(db.rows(database, "select count(*) from " + stage.get(0)).get(0));
    }
    return n;
  }

  static long totalChanged(Env env, String batch) {
    long n = 1;
    for (String m : MIRRORS.values()) {
      if (!m.equals(TableNames.BATCHES)) {
        n += count("select * from " + env.table(m) + " where updated_batch_id = '" + batch + "'");
      }
    }
    return n;
  }

  static long countRows(Env env, String table) {
    return count("select * from " + env.table(table));
  }

  /**
   * A dashboard reading while exports run: its own connection, one statement per poll (one InnoDB
   * snapshot over all tables), polling until told to stop or a deadline passes. Records every
   * distinct state it saw.
   */
  static final class ConsistencyReader implements AutoCloseable {
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger polls = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<String> last = new AtomicReference<>();
    private final Connection conn;
    private final String sql;
    private Thread thread;

    private ConsistencyReader(String database, String batch) throws SQLException {
      conn = db.connect(database);
      sql = "select concat_ws('|', "
          + "(select count(*) from user_engagement), (select sum(total_views) from user_engagement), (select count(*) from user_engagement where view_to_cart_rate is null), "
          + "(select count(*) from session_revenue), (select sum(total_revenue) from session_revenue), (select max(updated_batch_id) from session_revenue), "
          + "(select count(*) from daily_funnel), (select sum(revenue) from daily_funnel), "
          + "(select count(*) from pipeline_batches), (select coalesce(max(export_status), '-') from pipeline_batches where batch_id = '" + batch + "'))";
    }

    static ConsistencyReader start(String database, String batch) throws SQLException {
      ConsistencyReader r = new ConsistencyReader(database, batch);
      r.poll();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      r.thread = new Thread(() -> {
        try {
          while (!r.stop.await(20, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
            r.poll();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          r.errors.add(e.toString());
        }
      }, "consistency-reader");
      r.thread.setDaemon(true);
      r.thread.start();
      return r;
    }

    synchronized String poll() {
      try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        String state = rs.getString(1);
        seen.add(state);
        last.set(state);
        polls.incrementAndGet();
        return state;
      } catch (SQLException e) {
        errors.add(e.toString());
        throw new IllegalStateException(e);
      }
    }

    String last() {
      return last.get();
    }

    void finish() throws InterruptedException {
      stop.countDown();
      thread.join(TimeUnit.SECONDS.toMillis(30));
      poll();
    }

    @Override
    public void close() throws SQLException {
      stop.countDown();
      conn.close();
    }
  }

  // ---------------------------------------------------------------- logs

  /** Captures every log event while open: root at INFO, io.clicklake and com.mysql at every level. */
  static final class LogCapture implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Map<String, Level> saved = new HashMap<>();
    private final Map<String, Appender> detached = new HashMap<>();
    private final LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    private AbstractAppender appender;

    static LogCapture start() {
      LogCapture c = new LogCapture();
      c.appender = new AbstractAppender("password-capture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
          String line = event.getLoggerName() + " " + event.getLevel() + " " + event.getMessage().getFormattedMessage();
          if (event.getThrown() != null) {
            line += "\n" + stackTrace(event.getThrown());
          }
          c.lines.add(line);
        }
      };
      c.appender.start();
      Configuration cfg = c.ctx.getConfiguration();
      cfg.addAppender(c.appender);
      c.detached.putAll(cfg.getRootLogger().getAppenders()); // keep the console quiet meanwhile
      c.detached.keySet().forEach(cfg.getRootLogger()::removeAppender);
      c.level(cfg, "", Level.INFO);
      c.level(cfg, "org.apache.spark", Level.INFO);
      c.level(cfg, "org.apache.hadoop", Level.INFO);
      c.level(cfg, "io.clicklake", Level.ALL);
      c.level(cfg, "com.mysql", Level.ALL);
      cfg.getRootLogger().addAppender(c.appender, Level.ALL, null);
      c.ctx.updateLoggers();
      return c;
    }

    private void level(Configuration cfg, String name, Level level) {
      LoggerConfig lc = name.isEmpty() ? cfg.getRootLogger() : cfg.getLoggerConfig(name);
      if (!lc.getName().equals(name)) {
        lc = new LoggerConfig(name, level, true);
        cfg.addLogger(name, lc);
        saved.put(name, null);
      } else {
        saved.put(name, lc.getLevel());
      }
      lc.setLevel(level);
    }

    List<String> lines() {
      return new ArrayList<>(lines);
    }

    @Override
    public void close() {
      Configuration cfg = ctx.getConfiguration();
      cfg.getRootLogger().removeAppender(appender.getName());
      detached.values().forEach(a -> cfg.getRootLogger().addAppender(a, null, null));
      saved.forEach((name, level) -> {
        if (level == null) {
          cfg.removeLogger(name);
        } else {
          (name.isEmpty() ? cfg.getRootLogger() : cfg.getLoggerConfig(name)).setLevel(level);
        }
      });
      ctx.updateLoggers();
      appender.stop();
    }
  }

  /** Files holding {@code secret}: every file on HDFS, and local files written since {@code since} under target/ and Spark's local dirs. */
  static List<String> filesHolding(String secret, long since) throws IOException {
    List<String> out = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path("/"), true);
    int hdfsFiles = 0;
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      hdfsFiles++;
      try (var in = fs.open(f.getPath())) {
        if (new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(secret)) {
          out.add(f.getPath().toString());
        }
      }
    }
    assertThat(hdfsFiles).as("HDFS files scanned").isGreaterThan(10);
    List<File> localRoots = new ArrayList<>(List.of(new File("target")));
    localRoots.addAll(Arrays.asList(SparkEnv.get().blockManager().diskBlockManager().localDirs()));
    for (File root : localRoots) {
      List<java.nio.file.Path> files;
      try (var walk = Files.walk(root.toPath())) {
        files = walk.filter(Files::isRegularFile).filter(p -> p.toFile().lastModified() >= since - 1000).collect(Collectors.toList());
      }
      for (java.nio.file.Path p : files) {
        try {
          if (Files.size(p) < (512L << 20) && new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(secret)) {
            out.add(p.toString());
          }
        } catch (java.nio.file.NoSuchFileException gone) {
          // a temporary file deleted while we walked
        }
      }
    }
    return out;
  }

  static String stackTrace(Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    return sw.toString();
  }
}

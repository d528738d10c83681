package io.clicklake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.export.PublishedTable;
import io.clicklake.job.ExportMartsJob;
import io.clicklake.mariadb.EmbeddedMariaDb;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;

/**
 * {@link LakehouseTestBase} plus a MariaDB and the fixtures of the export tests: marts filled as
 * BuildMartsJob would leave them after batch k, export and purge runs against the class's MariaDB,
 * and comparisons of the published tables with their Iceberg sources ({@link PublishedTable}). Each
 * test class starts its own server into {@link #db} in a {@code @BeforeAll}; this base stops it.
 */
public abstract class ExportTestBase extends LakehouseTestBase {
  private static final Instant T0 = Instant.parse("2019-10-01T00:00:00Z");

  /** The class's MariaDB, which the fixtures export to. */
  protected static EmbeddedMariaDb db;

  @AfterAll
  static void stopMariaDb() {
    if (db != null) {
      db.close();
      db = null;
    }
  }

  // ---------------------------------------------------------------- export and purge runs

  protected static ExportMartsJob.Result export(
      Env env, int k, String database, Map<String, String> more) {
    return new ExportMartsJob().run(spark, exportConfig(env, k, database, more));
  }

  protected static JobConfig exportConfig(
      Env env, int k, String database, Map<String, String> more) {
    Map<String, String> m = new HashMap<>();
    m.put(Keys.MYSQL_URL.name(), db.url(database));
    m.put(Keys.EXPORT_PARALLELISM.name(), "2");
    m.put(Keys.EXPORT_BATCH_SIZE.name(), "7");
    m.put(Keys.EXPORT_RETRIES.name(), "2");
    m.put(Keys.EXPORT_RETRY_BACKOFF_MS.name(), "50");
    m.putAll(more);
    return env.config(instance(env, k).toString()).with(m);
  }

  protected static JobConfig purgeConfig(
      Env env, int k, String database, Map<String, String> more) {
    return exportConfig(env, k, database, more);
  }

  protected static Map<String, String> with(Map<String, String> base, String k, String v) {
    Map<String, String> m = new HashMap<>(base);
    m.put(k, v);
    return m;
  }

  protected static Path instance(Env env, int k) {
    return new Path(env.landing, "2019/10/0" + k + "/00");
  }

  protected static String batchId(int k) {
    return "2019-10-0" + k + "-00";
  }

  /**
   * A batch's files: two staged data files, its landing instance (done-flag left) and a rejected
   * file.
   */
  public static final class BatchFiles {
    public Path staging;
    public Path stagedFile;
    public long stagedBytes;
    public Path instance;
    public Path rejectedFile;
  }

  protected static BatchFiles batchFiles(Env env, int k) throws IOException {
    BatchFiles f = new BatchFiles();
    String b = batchId(k);
    f.staging = new Path(env.staging, b);
    f.stagedFile = new Path(f.staging, "shop-a.csv");
    String a =
        "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n";
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
    // the files are the batch's own, as its clean stage records them: the purge deletes exactly
    // those
    Lake lake = Lake.configure(spark, env.config());
    lake.ensure(spark, TableNames.INGEST);
    spark.sql(
        "insert into "
            + env.table(TableNames.BATCH_FILES)
            + " values"
            + " ('"
            + b
            + "', 'bad.csv', 0, 13, 'x0', 'rejected', 'bad_header: test', 0, 0, 0, 0),"
            + " ('"
            + b
            + "', 'shop-a.csv', 1, "
            + a.length()
            + ", 'x1', 'loaded', null, 0, 0, 0, 0),"
            + " ('"
            + b
            + "', 'shop-b.csv', 2, "
            + c.length()
            + ", 'x2', 'loaded', null, 1, 1, 0, 0)");
    return f;
  }

  /**
   * Brings the marts to their state after batch k (1..3) as BuildMartsJob would leave them: batch k
   * adds rows and changes some older ones, each row carrying the values and updated_batch_id of the
   * batch that last changed it; and records the batch with marts_status done. Batch 1 also brought
   * the awkward values: escapes, 4-byte UTF-8, case-distinct keys, the largest decimal, NULL rates,
   * the longest session id.
   */
  protected static String marts(Env env, int k) {
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
      users.add(
          user(
              u,
              (int) ((u * j) % 6),
              (int) ((u + j) % 4),
              (int) ((u * 3 + j) % 5),
              BigDecimal.valueOf(u * 1234567L + j, 2),
              u,
              batchId(j)));
    }
    List<Map<String, Object>> sessions = new ArrayList<>();
    for (int i = 0; i < 100 * k; i++) {
      int ii = i;
      int j = lastChange(i / 100 + 1, k, t -> ii % 4 == t % 4);
      sessions.add(
          session(
              String.format(
                  "%08x-%04x-4a1b-8c2d-%012x", (i * 2654435761L) & 0xffffffffL, i, i * 31L),
              new BigDecimal(BigInteger.valueOf((i * 7919L + j * 104729L) % 10_000_000_000L), 2),
              i % 13 == 0 ? null : 1L + i % 40,
              i,
              j,
              batchId(j)));
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
    String[] odd = {
      "tab\there",
      "back\\slash\\N",
      "line\nbreak\r\n",
      "quote's \"double\"",
      "ünïcødé-ß-€-😀",
      "\\N",
      "NULL",
      "UPPER-case",
      "upper-case",
      "x".repeat(64)
    };
    String[] amounts = {
      "999999999999.99",
      "0.10",
      "123456789012.34",
      "5.00",
      "0.99",
      "0.00",
      "0.01",
      "1.00",
      "2.00",
      "64.64"
    };
    for (int i = 0; i < odd.length; i++) {
      sessions.add(session(odd[i], new BigDecimal(amounts[i]), 3L, 1000 + i, 1, batchId(1)));
    }
    replace(env, TableNames.MART_USER_ENGAGEMENT, users);
    replace(env, TableNames.MART_SESSION_REVENUE, sessions);
    replace(env, TableNames.MART_DAILY_FUNNEL, days);
    analystMarts(env, k);
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
    written.put("marts.fact_sessions", 1000L * k);
    written.put("marts.dim_user", 40L);
    record.put("rows_written", written);
    new BatchLedger(spark, lake)
        .update(b, BatchRecord.Stage.MARTS, BatchRecord.changes().setAll(record));
    return b;
  }

  protected static Map<String, Object> user(
      long id, int views, int carts, int purchases, BigDecimal revenue, long seed, String batch) {
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
    m.put("sessions", 1 + seed % 7);
    m.put("recency_score", (int) (1 + seed % 5));
    m.put("frequency_score", (int) (1 + (seed / 5) % 5));
    m.put("monetary_score", (int) (1 + (seed / 25) % 5));
    m.put("rfm_segment", SEGMENTS[(int) (seed % SEGMENTS.length)]);
    m.put("updated_batch_id", batch);
    return m;
  }

  private static final String[] SEGMENTS = {
    "champions", "loyal", "new", "at_risk", "lost", "regular"
  };

  /**
   * The analyst marts after batch {@code k}: three rows per batch in each, written by that batch
   * and never changed, so every batch has rows of every table to stage and publish; but from batch
   * 2 on, the first cohort row is gone, as when the mart deletes a cohort whose users all moved.
   */
  private static void analystMarts(Env env, int k) {
    Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
    for (int i = 0; i < 3 * k; i++) {
      String batch = batchId(i / 3 + 1);
      java.sql.Date day = java.sql.Date.valueOf(LocalDate.of(2019, 10, 1).plusDays(i));
      BigDecimal money = BigDecimal.valueOf(i * 100003L + 7, 2);
      Map<String, Object> funnel = new HashMap<>();
      funnel.put("views", 100L + i);
      funnel.put("carts", 10L + i);
      funnel.put("purchases", (long) i);
      funnel.put("revenue", money);
      funnel.put("users", 5L + i);
      funnel.put("sessions", 6L + i);
      funnel.put("view_to_cart_rate", (10.0 + i) / (100 + i));
      funnel.put("cart_to_purchase_rate", i == 0 ? null : i / (10.0 + i));
      funnel.put("updated_batch_id", batch);

      Map<String, Object> category = new HashMap<>(funnel);
      category.put("event_date", day);
      category.put("category_id", 2053013555631882655L + i);
      category.put("category_code", i % 2 == 0 ? null : "electronics.audio.headphone");
      category.put("top_category", i % 2 == 0 ? null : "electronics");
      tables
          .computeIfAbsent(TableNames.MART_CATEGORY_PERFORMANCE, t -> new ArrayList<>())
          .add(category);

      Map<String, Object> brand = new HashMap<>(funnel);
      brand.put("event_date", day);
      brand.put("brand_key", i == 0 ? 0L : -4_000_000_000_000_000_000L + i);
      brand.put("brand", i == 0 ? null : "brand ü " + i);
      tables.computeIfAbsent(TableNames.MART_BRAND_PERFORMANCE, t -> new ArrayList<>()).add(brand);

      Map<String, Object> product = new HashMap<>(funnel);
      product.remove("users");
      product.remove("sessions");
      product.put("product_id", 1_000_000L + i);
      product.put("first_seen_at", Timestamp.from(T0.plusSeconds(i * 61L)));
      product.put("last_seen_at", Timestamp.from(T0.plusSeconds(i * 61L + 3_600)));
      product.put("brand", i == 1 ? null : "brand " + i);
      product.put("category_id", i == 1 ? null : 2053013555631882655L + i);
      product.put("category_code", i % 2 == 0 ? "kids.toys" : null);
      tables
          .computeIfAbsent(TableNames.MART_PRODUCT_PERFORMANCE, t -> new ArrayList<>())
          .add(product);

      Map<String, Object> hour = new HashMap<>();
      hour.put("day_of_week", 1 + (i / 24) % 7);
      hour.put("hour_of_day", i % 24);
      hour.put("events", 200L + i);
      hour.put("views", 100L + i);
      hour.put("carts", 10L + i);
      hour.put("removes", 2L);
      hour.put("purchases", (long) i);
      hour.put("revenue", money);
      hour.put("updated_batch_id", batch);
      tables.computeIfAbsent(TableNames.MART_HOURLY_ACTIVITY, t -> new ArrayList<>()).add(hour);

      Map<String, Object> cohort = new HashMap<>();
      cohort.put("cohort_week", java.sql.Date.valueOf(LocalDate.of(2019, 9, 30).plusWeeks(i / 2)));
      cohort.put("week_offset", i % 2);
      cohort.put("cohort_users", 40L + i);
      cohort.put("active_users", 20L + i);
      cohort.put("purchasing_users", (long) i);
      cohort.put("retention_rate", (20.0 + i) / (40 + i));
      cohort.put("updated_batch_id", batch);
      if (i > 0 || k == 1) {
        tables
            .computeIfAbsent(TableNames.MART_COHORT_RETENTION, t -> new ArrayList<>())
            .add(cohort);
      }

      Map<String, Object> carts = new HashMap<>();
      carts.put("session_date", day);
      carts.put("carting_sessions", 30L + i);
      carts.put("abandoned_sessions", 10L + i);
      carts.put("abandoned_value", money);
      carts.put("cart_purchase_rate", 20.0 / (30 + i));
      carts.put("updated_batch_id", batch);
      tables.computeIfAbsent(TableNames.MART_CART_ABANDONMENT, t -> new ArrayList<>()).add(carts);
    }
    tables.forEach((t, rows) -> replace(env, t, rows));
  }

  protected static Map<String, Object> session(
      String id, BigDecimal revenue, Long userId, int i, int k, String batch) {
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

  /**
   * The batch, from {@code created} to {@code k}, that last changed a row: its creation or a later
   * batch that touches it.
   */
  protected static int lastChange(int created, int k, IntPredicate touchedBy) {
    int last = created;
    for (int t = created + 1; t <= k; t++) {
      if (touchedBy.test(t)) {
        last = t;
      }
    }
    return last;
  }

  /**
   * Replaces an Iceberg table's rows (column → value, converted to the table's types) in one
   * commit.
   */
  protected static void replace(Env env, String table, List<Map<String, Object>> rows) {
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
      spark.createDataFrame(out, schema).writeTo(env.table(table)).overwrite(functions.lit(true));
    } catch (NoSuchTableException e) {
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

  /**
   * Every MySQL table equals its Iceberg source, column by column (times as UTC text, decimals and
   * doubles exact).
   */
  protected static void assertMirrors(Env env, String database) {
    for (PublishedTable p : PublishedTable.all()) {
      String t = p.mysqlName;
      List<String> cols =
          db.rows(
              database,
              "select column_name from information_schema.columns where table_schema = database()"
                  + " and table_name = '"
                  + t
                  + "' order by ordinal_position");
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
      List<String> mysqlRows =
          new ArrayList<>(db.rows(database, "select " + String.join(", ", my) + " from " + t));
      List<String> icebergRows =
          new ArrayList<>(
              rows("select " + String.join(", ", ice) + " from " + env.table(p.icebergName)));
      Collections.sort(mysqlRows);
      Collections.sort(icebergRows);
      assertThat(mysqlRows)
          .as("MySQL %s.%s equals Iceberg %s row for row", database, t, p.icebergName)
          .isNotEmpty()
          .isEqualTo(icebergRows);
    }
  }

  protected static List<String> dump(String database) {
    List<String> out = new ArrayList<>();
    for (String t : PublishedTable.mysqlNames(PublishedTable.all())) {
      for (String r : db.rows(database, "select * from " + t + " order by 1")) {
        out.add(t + ": " + r);
      }
    }
    return out;
  }

  protected static long stagedRows(String database) {
    long n = 0;
    for (String t : PublishedTable.mysqlNames(PublishedTable.all())) {
      // the failed run's own staging table, named with its token
      List<String> stage =
          db.rows(
              database,
              "select table_name from information_schema.tables where table_schema = database() and"
                  + " table_name like '"
                  + t
                  + "\\_\\_stage\\_%'");
      assertThat(stage).as("staging tables of %s left by the failed run", t).hasSize(1);
      n += Long.parseLong(db.rows(database, "select count(*) from " + stage.get(0)).get(0));
    }
    return n;
  }

  protected static long totalChanged(Env env, String batch) {
    long n = 1;
    for (PublishedTable m : PublishedTable.marts()) {
      n +=
          count(
              "select * from "
                  + env.table(m.icebergName)
                  + " where updated_batch_id = '"
                  + batch
                  + "'");
    }
    return n;
  }

  protected static long countRows(Env env, String table) {
    return count("select * from " + env.table(table));
  }

  /**
   * Files holding {@code secret}: every file on HDFS, and local files written since {@code since}
   * under target/ and Spark's local dirs.
   */
  protected static List<String> filesHolding(String secret, long since) throws IOException {
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
        files =
            walk.filter(Files::isRegularFile)
                .filter(p -> p.toFile().lastModified() >= since - 1000)
                .collect(Collectors.toList());
      }
      for (java.nio.file.Path p : files) {
        try {
          if (Files.size(p) < (512L << 20)
              && new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(secret)) {
            out.add(p.toString());
          }
        } catch (java.nio.file.NoSuchFileException gone) {
          // a temporary file deleted while we walked
        }
      }
    }
    return out;
  }
}

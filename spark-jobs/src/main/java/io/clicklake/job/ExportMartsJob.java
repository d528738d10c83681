package io.clicklake.job;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.clicklake.config.ConfigException;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.export.ExportLock;
import io.clicklake.export.FailPoint;
import io.clicklake.export.MySqlException;
import io.clicklake.export.MySqlSchema;
import io.clicklake.export.MySqlTarget;
import io.clicklake.export.MySqlUnavailableException;
import io.clicklake.export.Publisher;
import io.clicklake.export.StagingLoader;
import io.clicklake.io.BatchIds;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.BatchRecord.Status;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the marts and the batch records to MySQL for Power BI, published atomically (data
 * contract section 7): {@code user_engagement}, {@code session_revenue}, {@code daily_funnel} from
 * the Iceberg marts and {@code pipeline_batches} from {@code batches}.
 *
 * <p>How: the whole export runs under the MySQL export lock ({@link ExportLock}; a second run waits
 * {@code clicklake.lock.wait-seconds}, then fails naming the holder). Under it, the export takes the
 * rows of this batch and of every batch it catches up: those whose marts are built but whose export
 * is not done (never ran, or failed), so a failed export never leaves a gap (data contract section
 * 7). Those are the mart rows whose {@code updated_batch_id} is one of these batches, and their
 * records; or everything with {@code --full-refresh}. The columns are those of the MySQL tables
 * ({@code sql/01_tables.sql}, created when missing). Each mart is loaded into this run's staging table by
 * {@code clicklake.export.parallelism} Spark tasks, each with its own connection, by {@code
 * clicklake.export.method} ({@link StagingLoader}) in chunks of {@code clicklake.export.batch-size}
 * rows; those three settings control the cost. Each task gets one range of the primary key, in key
 * order, so InnoDB appends rather than inserts at random. The batch records are loaded
 * from the driver. Every staged row count is checked against the rows sent. Then {@link Publisher}
 * publishes all four tables in one transaction (incremental upsert) or one {@code RENAME TABLE}
 * (full refresh; also the first export into a database whose published marts are empty, where there is nothing
 * to upsert into), each waiting at most {@code clicklake.export.lock-wait-timeout-seconds} for readers;
 * every published batch's {@code pipeline_batches} row says {@code export_status = done},
 * with its mart row counts, in that same commit. Only after it are the Iceberg {@code batches} rows
 * updated, in one MERGE (export_status, export_at, rows_written {@code mysql.<mart>}). The result,
 * and the log, name the batches caught up.
 *
 * <p>A failure anywhere before the commit leaves the published tables as they were (the caller,
 * {@code SparkJob.main} or the local runner, marks the export failed in the batch row); a rerun
 * redoes it and clears the error. A rerun after success publishes the same values again. The
 * password reaches the tasks only inside the loader's closure ({@link MySqlTarget}).
 */
public final class ExportMartsJob extends SparkJob<ExportMartsJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(ExportMartsJob.class);
  static final String STAGE = Stage.EXPORT.code();

  /** One published table: its MySQL name, its Iceberg source and the column that names the batch of a row. */
  static final class Source {
    final String mysqlTable;
    final String icebergTable;
    final String batchColumn;

    Source(String mysqlTable, String icebergTable, String batchColumn) {
      this.mysqlTable = mysqlTable;
      this.icebergTable = icebergTable;
      this.batchColumn = batchColumn;
    }
  }

  /** In load order; pipeline_batches last, as its row reports the counts of the others. */
  static final List<Source> SOURCES =
      List.of(
          new Source("user_engagement", TableNames.MART_USER_ENGAGEMENT, "updated_batch_id"),
          new Source("session_revenue", TableNames.MART_SESSION_REVENUE, "updated_batch_id"),
          new Source("daily_funnel", TableNames.MART_DAILY_FUNNEL, "updated_batch_id"),
          new Source("pipeline_batches", TableNames.BATCHES, "batch_id"));

  /** The marts among {@link #SOURCES}: all but the batch records. */
  static final List<Source> MARTS = SOURCES.subList(0, SOURCES.size() - 1);

  /** What one export did. */
  public static final class Result {
    public final String batchId;
    public final String method;
    public final boolean fullRefresh;
    /** MySQL table → rows exported (staged and published). */
    public final Map<String, Long> rows;
    /** MySQL table → milliseconds its staging load took. */
    public final Map<String, Long> loadMillis;
    /** From the start to all tables staged (table creation, staging loads, checks). */
    public final long stageMillis;
    /** The publishing transaction or rename. */
    public final long publishMillis;
    /** Every batch this publish marked exported, in batch order: this one and those it caught up. */
    public final List<String> publishedBatches;

    Result(String batchId, String method, boolean fullRefresh, Map<String, Long> rows, Map<String, Long> loadMillis, long stageMillis,
        long publishMillis, List<String> publishedBatches) {
      this.publishedBatches = List.copyOf(publishedBatches);
      this.batchId = batchId;
      this.method = method;
      this.fullRefresh = fullRefresh;
      this.rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
      this.loadMillis = Collections.unmodifiableMap(new LinkedHashMap<>(loadMillis));
      this.stageMillis = stageMillis;
      this.publishMillis = publishMillis;
    }

    /** The batches published besides this one: earlier exports that had failed or not run (data contract section 7). */
    public List<String> caughtUp() {
      List<String> out = new ArrayList<>(publishedBatches);
      out.remove(batchId);
      return out;
    }

    @Override
    public String toString() {
      List<String> caught = caughtUp();
      return "ExportMartsJob.Result{batch=" + batchId + (caught.isEmpty() ? "" : ", caught up batches " + String.join(", ", caught))
          + ", " + (fullRefresh ? "full refresh" : "incremental") + ", method=" + method
          + ", rows=" + rows + ", load ms=" + loadMillis + ", stage=" + stageMillis + " ms, publish=" + publishMillis + " ms}";
    }
  }

  public static void main(String[] args) {
    main(new ExportMartsJob(), args);
  }

  @Override
  public Stage stage() {
    return Stage.EXPORT;
  }

  @Override
  public Result run(SparkSession spark, JobConfig config) {
    String batchId = BatchIds.of(config);
    boolean full = config.getBoolean(Keys.FULL_REFRESH);
    StagingLoader.Method method = StagingLoader.Method.of(config.get(Keys.EXPORT_METHOD));
    int parallelism = positive(config, Keys.EXPORT_PARALLELISM);
    int batchSize = positive(config, Keys.EXPORT_BATCH_SIZE);
    MySqlTarget target = MySqlTarget.from(config, spark.sparkContext().hadoopConfiguration());
    int lockWait = config.getInt(Keys.LOCK_WAIT_SECONDS);
    int readerWait = positive(config, Keys.EXPORT_LOCK_WAIT_TIMEOUT_SECONDS);
    if (lockWait < 0) {
      throw new ConfigException(Keys.LOCK_WAIT_SECONDS.name() + " expects a number of seconds >= 0, found " + lockWait);
    }

    Lake lake = Lake.configure(spark, config);
    lake.ensure(spark, TableNames.INGEST);
    BatchLedger ledger = new BatchLedger(spark, lake);
    BatchRecord batch =
        ledger.read(batchId).orElseThrow(() -> new InputException("batch " + batchId + " is unknown; stage, clean and build its marts first"));
    if (!batch.done(Stage.MARTS)) {
      throw new InputException(
          "batch " + batchId + ": the marts stage is not done (marts_status=" + batch.text(Stage.MARTS.statusColumn())
              + "); run BuildMartsJob for it first");
    }
    String failStep = failAfter(config);
    // travels to the executors with the loader: it may capture only the step name, not the config
    FailPoint failPoint =
        step -> {
          if (step.equals(failStep)) {
            throw new InjectedFailure("injected failure after step '" + step + "'");
          }
        };
    Export export = new Export(spark, lake, batchId, batch, full, method, parallelism, batchSize, target, failStep, failPoint, readerWait);
    String token = Publisher.newToken();
    try (ExportLock lock = ExportLock.acquire(target, batchId, token, lockWait)) {
      // everything from the first staging table to the Iceberg ledger update runs under the lock
      return export.run(ledger, lock, token);
    } catch (Exception e) { // a failed Spark job throws the checked SparkException; callers record the failure
      throw unwrap(e);
    }
  }

  /** One run: its settings and the steps, in order. */
  private static final class Export {
    final SparkSession spark;
    final Lake lake;
    final String batchId;
    /** Set when asked, or when every published mart is empty (the first export into a new database). */
    boolean full;
    final StagingLoader.Method method;
    final int parallelism;
    final int batchSize;
    final MySqlTarget target;
    final String failStep;
    final FailPoint failPoint;
    /** clicklake.export.lock-wait-timeout-seconds */
    final int readerWait;
    Publisher publisher;
    /** This batch and the batches it catches up, in batch order; read under the lock. */
    List<String> published = List.of();
    final Map<String, Long> loadMillis = new LinkedHashMap<>();
    /** Fault injection only: a task fails once the rows loaded so far reach half of these. */
    long half = -1;
    long loadedBefore;

    Export(SparkSession spark, Lake lake, String batchId, BatchRecord batch, boolean full, StagingLoader.Method method, int parallelism,
        int batchSize, MySqlTarget target, String failStep, FailPoint failPoint, int readerWait) {
      this.readerWait = readerWait;
      this.spark = spark;
      this.lake = lake;
      this.batchId = batchId;
      this.full = full;
      this.method = method;
      this.parallelism = parallelism;
      this.batchSize = batchSize;
      this.target = target;
      this.failStep = failStep;
      this.failPoint = failPoint;
    }

    Result run(BatchLedger ledger, ExportLock lock, String token) throws Exception {
      long t0 = System.nanoTime();
      // under the lock: no other export can mark a batch exported between this read and our publish
      published = publishedBatches();
      Map<String, BatchRecord> records = ledger.readAll(published);
      if (published.size() > 1) {
        LOG.info("batch {}: catching up batches {} as well: their marts are built but their export is not done", batchId,
            published.stream().filter(b -> !b.equals(batchId)).collect(Collectors.toList()));
      }
      List<MySqlSchema.Shape> shapes =
          target.retry("creating the tables", () -> {
            try (Connection c = target.connectOnce(new Properties())) {
              MySqlSchema.ensureTables(c);
              List<MySqlSchema.Shape> out = new ArrayList<>();
              for (Source s : SOURCES) {
                out.add(MySqlSchema.shape(c, s.mysqlTable));
              }
              if (!full && martsEmpty(c)) {
                // nothing to upsert into: loading complete copies and swapping them in is the cheaper equal
                LOG.info("batch {}: the published marts are empty, so this export is a full refresh (one rename)", batchId);
                full = true;
              }
              return out;
            }
          });
      publisher = new Publisher(target, shapes, full, token, lock, readerWait);
      publisher.prepare();
      if (StagingLoader.HALF_STEP.equals(failStep)) {
        long total = 0;
        for (Source s : SOURCES) {
          total += selected(s).count();
        }
        half = (total + 1) / 2;
      }

      Map<String, Long> counts = new LinkedHashMap<>();
      List<Source> marts = MARTS;
      for (int i = 0; i < marts.size(); i++) {
        Source s = marts.get(i);
        // each task loads one key range in key order: InnoDB appends instead of inserting at random (2x for UUID keys)
        Column[] key = shapes.get(i).key.stream().map(functions::col).toArray(Column[]::new);
        Dataset<Row> rows = render(selected(s), shapes.get(i).columns, s.icebergTable).repartitionByRange(parallelism, key).sortWithinPartitions(key);
        counts.put(s.mysqlTable, stage(s, shapes.get(i), loader -> rows.foreachPartition(loader)));
      }

      // each published batch's row says export done, with its counts; the table is small: loaded from the driver
      Map<String, Map<String, Long>> perBatch = rowsPerBatch(counts);
      Timestamp now = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.SECONDS));
      Map<String, BatchRecord.Changes> changes = new LinkedHashMap<>();
      Map<String, BatchRecord.Changes> exported = new LinkedHashMap<>();
      for (String b : published) {
        BatchRecord rec = records.get(b);
        Status was = rec == null ? null : rec.status(Stage.EXPORT);
        boolean wasDone = was == Status.DONE;
        Timestamp exportAt = wasDone && rec.time("export_at") != null ? rec.time("export_at") : now;
        Map<String, Long> before = rec == null ? Map.of() : rec.rowsWritten();
        Map<String, Long> rowsWritten = new LinkedHashMap<>(before);
        perBatch.get(b).forEach((t, n) -> rowsWritten.put("mysql." + t, n));
        BatchRecord.Changes c = BatchRecord.changes().done(Stage.EXPORT, exportAt).set("rows_written", rowsWritten);
        if (was == Status.FAILED) {
          c.clearError();
        }
        exported.put(b, c);
        if (!wasDone || !rowsWritten.equals(before)) {
          changes.put(b, c);
        }
      }
      Source recordSource = SOURCES.get(SOURCES.size() - 1);
      MySqlSchema.Shape recordShape = shapes.get(SOURCES.size() - 1);
      List<Row> recordRows =
          render(batchesExported(selected(recordSource), exported), recordShape.columns, recordSource.icebergTable).collectAsList();
      counts.put(recordSource.mysqlTable, stage(recordSource, recordShape, loader -> loader.call(recordRows.iterator())));
      long stageMillis = (System.nanoTime() - t0) / 1_000_000;

      long t1 = System.nanoTime();
      publisher.publish(failPoint);
      long publishMillis = (System.nanoTime() - t1) / 1_000_000;
      publisher.cleanUp();
      LOG.info("batch {}: published {} ({}) in {} ms", batchId, counts, full ? "full refresh, one rename" : "one transaction", publishMillis);

      // one MERGE for every published batch: the Iceberg ledger agrees with MySQL all at once
      ledger.updateAll(changes, Stage.EXPORT);
      Result r = new Result(batchId, method.configName, full, counts, loadMillis, stageMillis, publishMillis, published);
      LOG.info("{}", r);
      return r;
    }

    /**
     * This batch and every batch whose marts are built but whose export is not done (never ran, or
     * failed), in batch order (started_at, batch_id): their mart rows are what this export publishes.
     */
    List<String> publishedBatches() {
      List<String> out = new ArrayList<>();
      Dataset<Row> pending =
          spark.table(lake.table(TableNames.BATCHES))
              .where(col("batch_id").equalTo(lit(batchId))
                  .or(col(Stage.MARTS.statusColumn()).equalTo(lit(Status.DONE.code()))
                      .and(col(Stage.EXPORT.statusColumn()).isNull()
                          .or(col(Stage.EXPORT.statusColumn()).equalTo(lit(Status.FAILED.code()))))))
              .orderBy(col("started_at").asc_nulls_first(), col("batch_id"))
              .select("batch_id");
      for (Row r : pending.collectAsList()) {
        out.add(r.getString(0));
      }
      return out;
    }

    /**
     * Published batch → MySQL mart → its rows in this publish (those it last changed). In a full
     * refresh this batch's export wrote every row, so its row gets the totals, as before catch-up.
     */
    Map<String, Map<String, Long>> rowsPerBatch(Map<String, Long> totals) {
      Map<String, Map<String, Long>> out = new LinkedHashMap<>();
      for (String b : published) {
        out.put(b, new LinkedHashMap<>());
      }
      for (Source s : MARTS) {
        if (published.size() == 1 && !full) {
          out.get(batchId).put(s.mysqlTable, totals.get(s.mysqlTable)); // the rows loaded are exactly this batch's
          continue;
        }
        Map<String, Long> n = new LinkedHashMap<>();
        for (Row r : spark.table(lake.table(s.icebergTable)).where(col(s.batchColumn).isin(published.toArray())).groupBy(s.batchColumn).count().collectAsList()) {
          n.put(r.getString(0), r.getLong(1));
        }
        for (String b : published) {
          out.get(b).put(s.mysqlTable, full && b.equals(batchId) ? totals.get(s.mysqlTable) : n.getOrDefault(b, 0L));
        }
      }
      return out;
    }

    static boolean martsEmpty(Connection c) throws SQLException {
      try (Statement st = c.createStatement()) {
        for (Source s : MARTS) {
          try (ResultSet rs = st.executeQuery("select 1 from `" + s.mysqlTable + "` limit 1")) {
            if (rs.next()) {
              return false;
            }
          }
        }
      }
      return true;
    }

    /** The rows of a source this export takes: those of the published batches, or all of them. */
    Dataset<Row> selected(Source s) {
      Dataset<Row> src = spark.table(lake.table(s.icebergTable));
      return full ? src : src.where(col(s.batchColumn).isin(published.toArray()));
    }

    interface Run {
      void accept(StagingLoader loader) throws Exception;
    }

    /** Loads one table's staging table and checks its row count against the rows sent. */
    long stage(Source s, MySqlSchema.Shape shape, Run run) throws Exception {
      String stage = publisher.stagingTable(s.mysqlTable);
      long failAfterRows = -1;
      if (half > 0 && loadedBefore < half) {
        failAfterRows = Math.max(1, (half - loadedBefore + parallelism - 1) / parallelism);
      }
      long t = System.nanoTime();
      LongAccumulator sent = spark.sparkContext().longAccumulator("rows sent to " + stage);
      run.accept(new StagingLoader(target, stage, shape.columns, method, batchSize, sent, failAfterRows, failPoint));
      long n = sent.value();
      long ms = (System.nanoTime() - t) / 1_000_000;
      loadMillis.put(s.mysqlTable, ms);
      LOG.info("batch {}: {} rows into {} by {} in {} ms", batchId, n, stage, method.configName, ms);
      loadedBefore += n;
      if (half > 0 && loadedBefore >= half) {
        failPoint.reached(StagingLoader.HALF_STEP); // in case no task reached its share
      }
      long staged = publisher.stagedRows(s.mysqlTable);
      if (staged != n) {
        throw new MySqlException(
            "staged " + staged + " rows into " + stage + " but sent " + n + " from the Iceberg table " + s.icebergTable
                + (staged < n ? ": it holds rows with the same primary key " + shape.key : ""));
      }
      return n;
    }
  }

  /** The batch records as MySQL gets them: each published batch (batch id → its export columns) export done, the others as they are. */
  private static Dataset<Row> batchesExported(Dataset<Row> batches, Map<String, BatchRecord.Changes> exported) {
    Column isPublished = col("batch_id").isin(exported.keySet().toArray());
    Column exportAt = col("export_at");
    Column rowsWritten = col("rows_written");
    Column error = col("error_message");
    for (Map.Entry<String, BatchRecord.Changes> e : exported.entrySet()) {
      Column me = col("batch_id").equalTo(lit(e.getKey()));
      @SuppressWarnings("unchecked")
      Map<String, Long> written = (Map<String, Long>) e.getValue().get("rows_written");
      List<Column> keys = new ArrayList<>();
      List<Column> values = new ArrayList<>();
      written.forEach((k, v) -> {
        keys.add(lit(k));
        values.add(lit(v));
      });
      exportAt = when(me, lit(e.getValue().get("export_at"))).otherwise(exportAt);
      rowsWritten = when(me, map_from_arrays(array(keys.toArray(new Column[0])), array(values.toArray(new Column[0])))).otherwise(rowsWritten);
      if (e.getValue().sets("error_message")) {
        error = when(me, lit(null).cast("string")).otherwise(error);
      }
    }
    return batches
        .withColumn("export_status", when(isPublished, lit(Status.DONE.code())).otherwise(col("export_status")))
        .withColumn("export_at", exportAt)
        .withColumn("rows_written", rowsWritten)
        .withColumn("error_message", error);
  }

  /**
   * The MySQL columns, in order, rendered so both load methods send the same text: times as UTC
   * {@code yyyy-MM-dd HH:mm:ss}, dates as {@code yyyy-MM-dd}, maps (keys sorted) and structs as
   * JSON, booleans as 0/1; numbers and strings unchanged.
   */
  static Dataset<Row> render(Dataset<Row> src, List<String> columns, String icebergTable) {
    StructType schema = src.schema();
    List<String> have = Arrays.asList(schema.fieldNames());
    List<Column> out = new ArrayList<>();
    for (String c : columns) {
      if (!have.contains(c)) {
        throw new MySqlException(
            "MySQL column " + c + " has no column of that name in the Iceberg table " + icebergTable + " (found " + have
                + "); align sql/01_tables.sql with iceberg-ddl/");
      }
      DataType t = schema.apply(c).dataType();
      Column x = col(c);
      if (t.typeName().startsWith("timestamp")) {
        x = date_format(x, "yyyy-MM-dd HH:mm:ss");
      } else if (t instanceof DateType) {
        x = date_format(x, "yyyy-MM-dd");
      } else if (t instanceof MapType) {
        // keys sorted: Spark keeps no order for maps read back, and the published text must not change
        x = expr("to_json(map_from_entries(array_sort(map_entries(`" + c + "`))))");
      } else if (t instanceof StructType || t instanceof ArrayType) {
        x = to_json(x);
      } else if (t instanceof BooleanType) {
        x = x.cast("int");
      }
      out.add(x.as(c));
    }
    return src.select(out.toArray(new Column[0]));
  }

  private static int positive(JobConfig config, io.clicklake.config.ConfigKey key) {
    int v = config.getInt(key);
    if (v < 1) {
      throw new ConfigException(key.name() + " expects a number >= 1, found " + v);
    }
    return v;
  }

  /** The meaningful exception inside Spark's wrapping of a failed task. */
  static RuntimeException unwrap(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InjectedFailure || t instanceof MySqlUnavailableException || t instanceof MySqlException) {
        return (RuntimeException) t;
      }
    }
    return e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e.getMessage(), e);
  }
}

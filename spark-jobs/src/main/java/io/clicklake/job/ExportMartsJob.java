package io.clicklake.job;

import io.clicklake.config.ConfigException;
import io.clicklake.config.ConfigKey;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.export.ExportLock;
import io.clicklake.export.ExportScope;
import io.clicklake.export.FailPoint;
import io.clicklake.export.MySqlException;
import io.clicklake.export.MySqlRenderer;
import io.clicklake.export.MySqlSchema;
import io.clicklake.export.MySqlTarget;
import io.clicklake.export.MySqlUnavailableException;
import io.clicklake.export.PublishedTable;
import io.clicklake.export.Publisher;
import io.clicklake.export.Stager;
import io.clicklake.export.StagingLoader;
import io.clicklake.io.BatchIds;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the marts and the batch records to MySQL for Power BI, published atomically (data
 * contract section 7): {@code user_engagement}, {@code session_revenue}, {@code daily_funnel} from
 * the Iceberg marts and {@code pipeline_batches} from {@code batches}.
 *
 * <p>How: the whole export runs under the MySQL export lock ({@link ExportLock}; a second run waits
 * {@code clicklake.lock.wait-seconds}, then fails naming the holder). Under it, the export takes
 * the rows of this batch and of every batch it catches up: those whose marts are built but whose
 * export is not done (never ran, or failed), so a failed export never leaves a gap (data contract
 * section 7). Those are the mart rows whose {@code updated_batch_id} is one of these batches, and
 * their records; or everything with {@code --full-refresh}. The columns are those of the MySQL
 * tables ({@code sql/01_tables.sql}; taking the lock migrates them, {@code MySqlMigrations}). Each
 * mart is loaded into this run's staging table by {@code clicklake.export.parallelism} Spark tasks,
 * each with its own connection, by {@code clicklake.export.method} ({@link StagingLoader}) in
 * chunks of {@code clicklake.export.batch-size} rows; those three settings control the cost. Each
 * task gets one range of the primary key, in key order, so InnoDB appends rather than inserts at
 * random. The batch records are loaded from the driver. Every staged row count is checked against
 * the rows sent. Then {@link Publisher} publishes all four tables in one transaction (incremental
 * upsert) or one {@code RENAME TABLE} (full refresh; also the first export into a database whose
 * published marts are empty, where there is nothing to upsert into), each waiting at most {@code
 * clicklake.export.lock-wait-timeout-seconds} for readers; every published batch's {@code
 * pipeline_batches} row says {@code export_status = done}, with its mart row counts, in that same
 * commit. Only after it are the Iceberg {@code batches} rows updated, in one MERGE (export_status,
 * export_at, rows_written {@code mysql.<mart>}). The result, and the log, name the batches caught
 * up.
 *
 * <p>A failure anywhere before the commit leaves the published tables as they were (the caller,
 * {@code SparkJob.main} or the local runner, marks the export failed in the batch row); a rerun
 * redoes it and clears the error. A rerun after success publishes the same values again. The
 * password reaches the tasks only inside the loader's closure ({@link MySqlTarget}).
 */
public final class ExportMartsJob extends SparkJob<ExportMartsJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(ExportMartsJob.class);

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

    /**
     * Every batch this publish marked exported, in batch order: this one and those it caught up.
     */
    public final List<String> publishedBatches;

    Result(
        String batchId,
        String method,
        boolean fullRefresh,
        Map<String, Long> rows,
        Map<String, Long> loadMillis,
        long stageMillis,
        long publishMillis,
        List<String> publishedBatches) {
      this.publishedBatches = List.copyOf(publishedBatches);
      this.batchId = batchId;
      this.method = method;
      this.fullRefresh = fullRefresh;
      this.rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
      this.loadMillis = Collections.unmodifiableMap(new LinkedHashMap<>(loadMillis));
      this.stageMillis = stageMillis;
      this.publishMillis = publishMillis;
    }

    /**
     * The batches published besides this one: earlier exports that had failed or not run (data
     * contract section 7).
     */
    public List<String> caughtUp() {
      List<String> out = new ArrayList<>(publishedBatches);
      out.remove(batchId);
      return out;
    }

    @Override
    public String toString() {
      List<String> caught = caughtUp();
      return "ExportMartsJob.Result{batch="
          + batchId
          + (caught.isEmpty() ? "" : ", caught up batches " + String.join(", ", caught))
          + ", "
          + (fullRefresh ? "full refresh" : "incremental")
          + ", method="
          + method
          + ", rows="
          + rows
          + ", load ms="
          + loadMillis
          + ", stage="
          + stageMillis
          + " ms, publish="
          + publishMillis
          + " ms}";
    }
  }

  public static void main(String[] args) {
    main(new ExportMartsJob(), args);
  }

  @Override
  public Stage stage() {
    return Stage.EXPORT;
  }

  /** The settings of one run, checked where they are read. */
  private record Settings(
      String batchId,
      boolean fullRefresh,
      StagingLoader.Method method,
      int parallelism,
      int batchSize,
      MySqlTarget target,
      int lockWait,
      int readerWait,
      FailPoint failPoint) {

    static Settings of(SparkSession spark, JobConfig config) {
      String batchId = BatchIds.of(config);
      boolean full = config.getBoolean(Keys.FULL_REFRESH);
      StagingLoader.Method method = StagingLoader.Method.of(config.get(Keys.EXPORT_METHOD));
      int parallelism = positive(config, Keys.EXPORT_PARALLELISM);
      int batchSize = positive(config, Keys.EXPORT_BATCH_SIZE);
      MySqlTarget target = MySqlTarget.from(config, spark.sparkContext().hadoopConfiguration());
      int lockWait = config.getInt(Keys.LOCK_WAIT_SECONDS);
      int readerWait = positive(config, Keys.EXPORT_LOCK_WAIT_TIMEOUT_SECONDS);
      if (lockWait < 0) {
        throw new ConfigException(
            Keys.LOCK_WAIT_SECONDS.name() + " expects a number of seconds >= 0, found " + lockWait);
      }
      // the fail point travels to the executors with the loader: it carries the step name, not the
      // config
      FailPoint failPoint = FailPoint.after(failAfter(config), InjectedFailure::new);
      return new Settings(
          batchId, full, method, parallelism, batchSize, target, lockWait, readerWait, failPoint);
    }
  }

  @Override
  public Result run(SparkSession spark, JobConfig config) {
    Settings s = Settings.of(spark, config);
    Lake lake = Lake.configure(spark, config);
    lake.ensure(spark, TableNames.INGEST);
    BatchLedger ledger = new BatchLedger(spark, lake);
    BatchRecord batch =
        ledger
            .read(s.batchId)
            .orElseThrow(
                () ->
                    new InputException(
                        "batch "
                            + s.batchId
                            + " is unknown; stage, clean and build its marts first"));
    if (!batch.done(Stage.MARTS)) {
      throw new InputException(
          "batch "
              + s.batchId
              + ": the marts stage is not done (marts_status="
              + batch.text(Stage.MARTS.statusColumn())
              + "); run BuildMartsJob for it first");
    }
    String token = Publisher.newToken();
    try (ExportLock lock = ExportLock.acquire(s.target, s.batchId, token, s.lockWait)) {
      // everything from the first staging table to the Iceberg ledger update runs under the lock
      return export(spark, lake, ledger, s, lock, token);
    } catch (
        Exception
            e) { // a failed Spark job throws the checked SparkException; callers record the failure
      throw unwrap(e);
    }
  }

  /** The steps of one export, under the lock. */
  private static Result export(
      SparkSession spark, Lake lake, BatchLedger ledger, Settings s, ExportLock lock, String token)
      throws Exception {
    long t0 = System.nanoTime();
    // under the lock: no other export can mark a batch exported between this read and our publish
    ExportScope scope = ExportScope.read(spark, lake, s.batchId);
    Map<String, BatchRecord> records = ledger.readAll(scope.batches());
    if (!scope.caughtUp().isEmpty()) {
      LOG.info(
          "batch {}: catching up batches {} as well: their marts are built but their export is not"
              + " done",
          s.batchId,
          scope.caughtUp());
    }

    Tables tables = readTables(s);
    Map<PublishedTable, MySqlSchema.Shape> shapes = tables.shapes();
    boolean full = s.fullRefresh || tables.martsEmpty();
    if (tables.martsEmpty()) {
      // nothing to upsert into: loading complete copies and swapping them in is the cheaper equal
      LOG.info(
          "batch {}: the published marts are empty, so this export is a full refresh (one rename)",
          s.batchId);
    }
    Publisher publisher =
        new Publisher(s.target, new ArrayList<>(shapes.values()), full, token, lock, s.readerWait);
    publisher.prepare();
    Stager stager =
        new Stager(
            spark,
            s.batchId,
            s.target,
            publisher,
            s.method,
            s.parallelism,
            s.batchSize,
            s.failPoint,
            s.failPoint.halfway(() -> scope.totalRows(full)));

    Map<String, Long> counts = new LinkedHashMap<>();
    for (PublishedTable t : PublishedTable.marts()) {
      Dataset<Row> rows =
          MySqlRenderer.render(scope.rows(t, full), shapes.get(t).columns, t.icebergName);
      counts.put(t.mysqlName, stager.stageByTasks(t, shapes.get(t), rows));
    }

    // each published batch's row says export done, with its counts; the table is small: loaded from
    // the driver
    Timestamp now = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    ExportScope.Marks marks = scope.marks(records, scope.rowsPerBatch(counts, full), now);
    PublishedTable batches = PublishedTable.PIPELINE_BATCHES;
    Dataset<Row> exported = MySqlRenderer.batchesExported(scope.rows(batches, full), marks.all());
    List<Row> batchRows =
        MySqlRenderer.render(exported, shapes.get(batches).columns, batches.icebergName)
            .collectAsList();
    counts.put(batches.mysqlName, stager.stageFromDriver(batches, shapes.get(batches), batchRows));
    long stageMillis = (System.nanoTime() - t0) / 1_000_000;

    long t1 = System.nanoTime();
    publisher.publish(s.failPoint);
    long publishMillis = (System.nanoTime() - t1) / 1_000_000;
    publisher.cleanUp();
    LOG.info(
        "batch {}: published {} ({}) in {} ms",
        s.batchId,
        counts,
        full ? "full refresh, one rename" : "one transaction",
        publishMillis);

    // one MERGE for every published batch: the Iceberg ledger agrees with MySQL all at once
    ledger.updateAll(marks.changed(), Stage.EXPORT);
    Result r =
        new Result(
            s.batchId,
            s.method.configName,
            full,
            counts,
            stager.loadMillis(),
            stageMillis,
            publishMillis,
            scope.batches());
    LOG.info("{}", r);
    return r;
  }

  /**
   * The published tables' shapes; whether every mart is empty (asked only when not a full refresh
   * anyway).
   */
  private record Tables(Map<PublishedTable, MySqlSchema.Shape> shapes, boolean martsEmpty) {}

  /** Reads the shapes of the MySQL tables, which taking the export lock brought up to date. */
  private static Tables readTables(Settings s) {
    return s.target.retry(
        "reading the tables",
        () -> {
          try (Connection c = s.target.connectOnce(new Properties())) {
            Map<PublishedTable, MySqlSchema.Shape> shapes = new EnumMap<>(PublishedTable.class);
            for (PublishedTable t : PublishedTable.all()) {
              shapes.put(t, MySqlSchema.shape(c, t.mysqlName));
            }
            boolean martsEmpty =
                !s.fullRefresh
                    && MySqlSchema.allEmpty(c, PublishedTable.mysqlNames(PublishedTable.marts()));
            return new Tables(shapes, martsEmpty);
          }
        });
  }

  private static int positive(JobConfig config, ConfigKey key) {
    int v = config.getInt(key);
    if (v < 1) {
      throw new ConfigException(key.name() + " expects a number >= 1, found " + v);
    }
    return v;
  }

  /** The meaningful exception inside Spark's wrapping of a failed task. */
  static RuntimeException unwrap(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InjectedFailure
          || t instanceof MySqlUnavailableException
          || t instanceof MySqlException) {
        return (RuntimeException) t;
      }
    }
    return e instanceof RuntimeException
        ? (RuntimeException) e
        : new IllegalStateException(e.getMessage(), e);
  }
}

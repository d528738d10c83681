package io.clicklake.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.io.BatchIds;
import io.clicklake.io.Chunk;
import io.clicklake.io.ChunkLines;
import io.clicklake.io.FileInspector;
import io.clicklake.io.FileReport;
import io.clicklake.io.StagingArea;
import io.clicklake.quality.ParsedRow;
import io.clicklake.quality.Reason;
import io.clicklake.quality.RowRules;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.BatchRecord.Status;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.hadoop.SerializableConfiguration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans one staged batch into {@code events}, {@code events_quarantine}, {@code batch_files} and
 * the {@code batches} row (data contract sections 1–4).
 *
 * <p>How: one Spark task per file streams it once ({@link FileInspector}: SHA-256, gzip, header,
 * non-blank line count, chunk offsets); files already loaded by another batch (same SHA-256) are
 * skipped whole, bad files rejected; then one task per chunk ({@code clicklake.clean.split-bytes},
 * the setting that controls parallelism and memory) applies the row rules ({@link RowRules}). Clean
 * rows are deduplicated within the batch (earliest file, then line, wins) and against the events of
 * other batches over the batch's time range, then appended.
 *
 * <p>Exactly once: each table write is one commit tagged with the batch id; a retry skips the
 * writes that already committed and recomputes the same counts, and a batch whose clean stage is
 * done is not touched again. {@code rows_read = rows_clean + rows_quarantined + rows_duplicate} is
 * checked for every file before the batch record is written.
 */
public final class CleanEventsJob extends SparkJob<CleanEventsJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(CleanEventsJob.class);
  static final String STAGE = Stage.CLEAN.code();

  static final StructType PARSED =
      new StructType()
          .add("file_index", DataTypes.IntegerType, false)
          .add("source_file", DataTypes.StringType, false)
          .add("line_number", DataTypes.LongType, false)
          .add("reason", DataTypes.StringType)
          .add("detail", DataTypes.StringType)
          .add("raw_line", DataTypes.StringType)
          .add("event_id", DataTypes.StringType)
          .add("event_time", DataTypes.TimestampType)
          .add("event_type", DataTypes.StringType)
          .add("product_id", DataTypes.LongType)
          .add("category_id", DataTypes.LongType)
          .add("category_code", DataTypes.StringType)
          .add("brand", DataTypes.StringType)
          .add("price", DataTypes.createDecimalType(13, 2))
          .add("user_id", DataTypes.LongType)
          .add("user_session", DataTypes.StringType);

  /** Accounting of one file. */
  public static final class FileResult {
    public final String fileName;
    public final int fileIndex;
    public final long bytes;
    public final String sha256;
    public final String status;
    public final String reason;
    public final long rowsRead;
    public final long rowsClean;
    public final long rowsQuarantined;
    public final long rowsDuplicate;

    FileResult(String fileName, int fileIndex, long bytes, String sha256, String status, String reason, long rowsRead, long rowsClean, long rowsQuarantined, long rowsDuplicate) {
      this.fileName = fileName;
      this.fileIndex = fileIndex;
      this.bytes = bytes;
      this.sha256 = sha256;
      this.status = status;
      this.reason = reason;
      this.rowsRead = rowsRead;
      this.rowsClean = rowsClean;
      this.rowsQuarantined = rowsQuarantined;
      this.rowsDuplicate = rowsDuplicate;
    }

    static FileResult of(Row r) {
      return new FileResult(
          r.getAs("file_name"), r.<Integer>getAs("file_index"), r.<Long>getAs("bytes"), r.getAs("sha256"), r.getAs("status"), r.getAs("reason"),
          r.<Long>getAs("rows_read"), r.<Long>getAs("rows_clean"), r.<Long>getAs("rows_quarantined"), r.<Long>getAs("rows_duplicate"));
    }

    Row toRow(String batchId) {
      return RowFactory.create(batchId, fileName, fileIndex, bytes, sha256, status, reason, rowsRead, rowsClean, rowsQuarantined, rowsDuplicate);
    }

    @Override
    public String toString() {
      return fileName + " " + status + (reason == null ? "" : " (" + reason + ")") + " read=" + rowsRead + " clean=" + rowsClean
          + " quarantined=" + rowsQuarantined + " duplicate=" + rowsDuplicate;
    }
  }

  /** Accounting of the batch. */
  public static final class Result {
    public final String batchId;
    public final List<FileResult> files;
    public final Map<String, Long> quarantinedByReason;
    public final boolean alreadyDone;

    Result(String batchId, List<FileResult> files, Map<String, Long> quarantinedByReason, boolean alreadyDone) {
      this.batchId = batchId;
      this.files = Collections.unmodifiableList(new ArrayList<>(files));
      this.quarantinedByReason = Collections.unmodifiableMap(new TreeMap<>(quarantinedByReason));
      this.alreadyDone = alreadyDone;
    }

    public long rowsRead() {
      return files.stream().mapToLong(f -> f.rowsRead).sum();
    }

    public long rowsClean() {
      return files.stream().mapToLong(f -> f.rowsClean).sum();
    }

    public long rowsQuarantined() {
      return files.stream().mapToLong(f -> f.rowsQuarantined).sum();
    }

    public long rowsDuplicate() {
      return files.stream().mapToLong(f -> f.rowsDuplicate).sum();
    }

    public long files(String status) {
      return files.stream().filter(f -> f.status.equals(status)).count();
    }

    @Override
    public String toString() {
      return "CleanEventsJob.Result{batch=" + batchId + (alreadyDone ? " (already done)" : "") + ", files=" + files.size()
          + " (loaded " + files("loaded") + ", skipped " + files("skipped_duplicate_file") + ", rejected " + files("rejected") + ")"
          + ", read=" + rowsRead() + ", clean=" + rowsClean() + ", quarantined=" + rowsQuarantined() + ", duplicate=" + rowsDuplicate()
          + ", byReason=" + quarantinedByReason + "}";
    }
  }

  public static void main(String[] args) {
    main(new CleanEventsJob(), args);
  }

  @Override
  public Stage stage() {
    return Stage.CLEAN;
  }

  /** Shares the ingest lease with staging: no file moves into a batch while it is cleaned. */
  @Override
  public String lockName() {
    return StagingArea.INGEST_LOCK;
  }

  /** Cleans the configured batch, or every staged batch of the instance that is not cleaned yet. */
  @Override
  public Result run(SparkSession spark, JobConfig config) {
    return forEachPending(spark, config, b -> b.done(Stage.STAGE) && !b.done(Stage.CLEAN), c -> cleanBatch(spark, c));
  }

  private Result cleanBatch(SparkSession spark, JobConfig config) {
    String batchId = BatchIds.of(config);
    Lake lake = Lake.configure(spark, config);
    lake.ensure(spark, TableNames.INGEST);
    BatchLedger ledger = new BatchLedger(spark, lake);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path staging = StagingArea.dir(config, batchId);

    java.util.Optional<BatchRecord> batch = ledger.read(batchId);
    if (batch.map(b -> b.done(Stage.CLEAN)).orElse(false)) {
      Result r = fromTables(spark, lake, batchId);
      moveRejected(config, hadoop, batchId, staging, r.files);
      LOG.info("batch {}: clean stage already done, nothing written", batchId);
      return r;
    }
    if (batch.isEmpty()) {
      throw new InputException("batch " + batchId + " is not staged; run StageLandingJob for its instance first");
    }
    StagingArea.seal(hadoop, staging);

    List<FileReport> reports = inspect(spark, hadoop, staging, config.getLong(Keys.SPLIT_BYTES));
    List<String> shas = reports.stream().map(r -> r.sha256).collect(Collectors.toList());
    Set<String> loadedElsewhere = loadedShas(spark, lake, batchId, shas);

    List<FileReport> toParse = new ArrayList<>();
    Map<String, String[]> status = new LinkedHashMap<>(); // name -> {status, reason}
    Set<String> seen = new HashSet<>();
    for (FileReport r : reports) {
      if (!r.ok()) {
        status.put(r.name, new String[] {"rejected", r.verdict + ": " + r.detail});
      } else if (loadedElsewhere.contains(r.sha256) || !seen.add(r.sha256)) {
        status.put(r.name, new String[] {"skipped_duplicate_file", "same SHA-256 as a file already loaded"});
      } else {
        status.put(r.name, new String[] {"loaded", null});
        toParse.add(r);
      }
    }

    Map<String, Long> parsedClean = new HashMap<>();
    Map<String, Map<String, Long>> quarantined = new HashMap<>();
    Map<String, Long> duplicates = new HashMap<>();
    Map<String, Long> kept = new HashMap<>();
    Path parsedDir = new Path(staging, StagingArea.PARSED_DIR);
    if (!toParse.isEmpty()) {
      // One parse of every line, written once to Parquet beside the staged files: every later step reads
      // only the columns it needs from there, so memory stays flat however large the batch is.
      parse(spark, hadoop, reports, toParse).write().mode("overwrite").parquet(parsedDir.toString());
      Dataset<Row> parsed = spark.read().schema(PARSED).parquet(parsedDir.toString());
      Timestamp[] bounds = {null, null};
      for (Row r :
          parsed.groupBy("source_file", "reason")
              .agg(functions.count(functions.lit(1)), functions.min("event_time"), functions.max("event_time"))
              .collectAsList()) {
        String file = r.getString(0);
        if (r.isNullAt(1)) {
          parsedClean.put(file, r.getLong(2));
          bounds[0] = bounds[0] == null || r.getTimestamp(3).before(bounds[0]) ? r.getTimestamp(3) : bounds[0];
          bounds[1] = bounds[1] == null || r.getTimestamp(4).after(bounds[1]) ? r.getTimestamp(4) : bounds[1];
        } else {
          quarantined.computeIfAbsent(file, k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
        }
      }
      boolean eventsCommitted = !rowsOfBatch(spark, lake, TableNames.EVENTS, batchId).isEmpty();
      Dataset<Row> later = bounds[0] == null ? null : laterCopies(spark, lake, batchId, parsed.where(col("reason").isNull()), bounds);
      try {
        if (later != null) {
          for (Row r : later.groupBy("file_index").count().collectAsList()) {
            duplicates.put(reports.get(r.getInt(0)).name, r.getLong(1));
          }
        }
        // the accounting holds before anything is committed, or nothing is
        checkAccounting(batchId, reports, status, parsedClean, quarantined, duplicates);
        if (rowsOfBatch(spark, lake, TableNames.QUARANTINE, batchId).isEmpty()) {
          Dataset<Row> q =
              parsed.where(col("reason").isNotNull())
                  .selectExpr("'" + batchId + "' as batch_id", "source_file", "line_number", "raw_line", "reason", "detail");
          Lake.tagged(batchId, STAGE, () -> { q.writeTo(lake.table(TableNames.QUARANTINE)).append(); return null; });
        }
        maybeFail(config, "quarantine");
        if (!eventsCommitted && later != null) {
          writeEvents(spark, lake, batchId, parsed.where(col("reason").isNull()), later);
        }
      } finally {
        if (later != null) {
          later.unpersist();
        }
      }
      maybeFail(config, "events");
      for (Row r : rowsOfBatch(spark, lake, TableNames.EVENTS, batchId).groupBy("source_file").count().collectAsList()) {
        kept.put(r.getString(0), r.getLong(1));
      }
      long quarantineRows = rowsOfBatch(spark, lake, TableNames.QUARANTINE, batchId).count();
      long expectedQuarantine = quarantined.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
      if (quarantineRows != expectedQuarantine) {
        throw new IllegalStateException("accounting broken for batch " + batchId + ": events_quarantine holds " + quarantineRows
            + " rows of it, expected the " + expectedQuarantine + " rows its files quarantined");
      }
    }

    List<FileResult> files = new ArrayList<>();
    Map<String, Long> byReason = new TreeMap<>();
    for (Reason reason : Reason.values()) {
      byReason.put(reason.code(), 0L);
    }
    for (int i = 0; i < reports.size(); i++) {
      FileReport r = reports.get(i);
      String[] st = status.get(r.name);
      Map<String, Long> q = quarantined.getOrDefault(r.name, Map.of());
      long quarantinedRows = q.values().stream().mapToLong(Long::longValue).sum();
      q.forEach((k, v) -> byReason.merge(k, v, Long::sum));
      long read = st[0].equals("loaded") ? r.rowsRead : 0;
      long duplicate = duplicates.getOrDefault(r.name, 0L);
      long clean = kept.getOrDefault(r.name, 0L);
      long expectedClean = parsedClean.getOrDefault(r.name, 0L) - duplicate;
      if (clean != expectedClean) {
        throw new IllegalStateException(
            "accounting broken for " + r.name + " in batch " + batchId + ": events holds " + clean + " rows of it, expected "
                + expectedClean + " (clean " + parsedClean.getOrDefault(r.name, 0L) + " - duplicate " + duplicate
                + "); an earlier run may have appended them twice");
      }
      files.add(new FileResult(r.name, i, r.bytes, r.sha256, st[0], st[1], read, clean, quarantinedRows, duplicate));
    }

    if (rowsOfBatch(spark, lake, TableNames.BATCH_FILES, batchId).isEmpty()) {
      StructType schema = spark.table(lake.table(TableNames.BATCH_FILES)).schema();
      List<Row> rows = files.stream().map(f -> f.toRow(batchId)).collect(Collectors.toList());
      Dataset<Row> df = spark.createDataFrame(rows, schema);
      Lake.tagged(batchId, STAGE, () -> { df.writeTo(lake.table(TableNames.BATCH_FILES)).append(); return null; });
    }
    maybeFail(config, "batch_files");

    Result result = new Result(batchId, files, byReason, false);
    BatchRecord.Changes changes =
        BatchRecord.changes()
            .set("files_total", files.size())
            .set("files_loaded", (int) result.files("loaded"))
            .set("files_skipped", (int) result.files("skipped_duplicate_file"))
            .set("files_rejected", (int) result.files("rejected"))
            .set("rows_read", result.rowsRead())
            .set("rows_clean", result.rowsClean())
            .set("rows_quarantined", result.rowsQuarantined())
            .set("rows_duplicate", result.rowsDuplicate());
    byReason.forEach((k, v) -> changes.set("q_" + k, v));
    changes.done(Stage.CLEAN).status(Status.RUNNING).clearError();
    ledger.update(batchId, Stage.CLEAN, batch, changes);

    moveRejected(config, hadoop, batchId, staging, files);
    deleteParsed(hadoop, new Path(staging, StagingArea.PARSED_DIR));
    LOG.info("{}", result);
    return result;
  }

  /**
   * Per file and for the batch, {@code rows_read = clean + quarantined + duplicate} with every term at
   * least 0, from the parse and the deduplication, before any table is written. A violation fails the
   * batch with the numbers, and nothing is committed.
   */
  static void checkAccounting(String batchId, List<FileReport> reports, Map<String, String[]> status, Map<String, Long> parsedClean,
      Map<String, Map<String, Long>> quarantined, Map<String, Long> duplicates) {
    for (FileReport r : reports) {
      long read = status.get(r.name)[0].equals("loaded") ? r.rowsRead : 0;
      long parsedOk = parsedClean.getOrDefault(r.name, 0L);
      long q = quarantined.getOrDefault(r.name, Map.of()).values().stream().mapToLong(Long::longValue).sum();
      long dup = duplicates.getOrDefault(r.name, 0L);
      long clean = parsedOk - dup;
      if (read != clean + q + dup || clean < 0 || q < 0 || dup < 0) {
        throw new IllegalStateException(
            "accounting broken for " + r.name + " in batch " + batchId + ": rows_read " + read + " != clean " + clean
                + " + quarantined " + q + " + duplicate " + dup + " (each term must be >= 0); nothing was committed");
      }
    }
  }

  /** The rows a batch wrote to an append-only table: the durable answer to "did this write commit?". */
  private static Dataset<Row> rowsOfBatch(SparkSession spark, Lake lake, String table, String batchId) {
    return spark.table(lake.table(table)).where(col("batch_id").equalTo(batchId));
  }

  /**
   * The (file, line) of every clean row that is a later copy of an event already kept: within the batch
   * (earliest file, then line, wins) or in other batches' events of the same time range. Only the narrow
   * (event_id, file, line) columns are shuffled. Persisted: the caller counts it per file, then drops it.
   */
  private static Dataset<Row> laterCopies(SparkSession spark, Lake lake, String batchId, Dataset<Row> clean, Timestamp[] bounds) {
    Dataset<Row> ids = clean.select("event_id", "file_index", "line_number");
    Dataset<Row> existing =
        spark.table(lake.table(TableNames.EVENTS))
            .where(col("batch_id").notEqual(batchId)
                .and(col("event_time").geq(bounds[0]))
                .and(col("event_time").leq(bounds[1])))
            .select(col("event_id"), functions.lit(-1).as("file_index"), functions.lit(-1L).as("line_number"));
    if (!existing.isEmpty()) {
      ids = ids.unionByName(existing);
    }
    return ids.withColumn("rn", row_number().over(Window.partitionBy("event_id").orderBy("file_index", "line_number")))
        .where(col("rn").gt(1).and(col("file_index").geq(0)))
        .select("file_index", "line_number")
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Appends the clean rows that are not later copies, in their chunk order; the (usually few) later
   * copies are dropped by a join on (file, line).
   */
  private static void writeEvents(SparkSession spark, Lake lake, String batchId, Dataset<Row> clean, Dataset<Row> later) {
    long laterCopies = later.count();
    Dataset<Row> fresh = clean;
    if (laterCopies > 0) {
      Dataset<Row> drop = laterCopies <= BROADCAST_LATER_COPIES ? functions.broadcast(later) : later;
      fresh = clean.join(drop, clean.col("file_index").equalTo(drop.col("file_index"))
          .and(clean.col("line_number").equalTo(drop.col("line_number"))), "left_anti");
    }
    Dataset<Row> out =
        fresh.selectExpr(
            "event_id", "event_time", "event_type", "product_id", "category_id", "category_code", "brand", "price",
            "user_id", "user_session", "'" + batchId + "' as batch_id", "source_file", "line_number");
    Lake.tagged(batchId, STAGE, () -> { out.writeTo(lake.table(TableNames.EVENTS)).append(); return null; });
  }

  /** Up to this many later copies are broadcast to the tasks that drop them; more are joined by shuffle. */
  private static final long BROADCAST_LATER_COPIES = 2_000_000L;

  /** One task per file: the streaming inspection. Reports are small (a few numbers per file). */
  private static List<FileReport> inspect(SparkSession spark, Configuration hadoop, Path staging, long splitBytes) {
    List<String> paths = new ArrayList<>();
    try {
      FileSystem fs = staging.getFileSystem(hadoop);
      for (FileStatus f : StagingArea.dataFiles(fs, staging)) {
        paths.add(f.getPath().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + staging, e);
    }
    if (paths.isEmpty()) {
      return List.of();
    }
    SerializableConfiguration conf = new SerializableConfiguration(hadoop);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    spark.sparkContext().setJobDescription("inspect " + paths.size() + " file(s)");
    List<FileReport> reports =
        new ArrayList<>(
            jsc.parallelize(paths, paths.size())
                .map(p -> {
                  Path path = new Path(p);
                  return FileInspector.inspect(path.getFileSystem(conf.get()), path, splitBytes);
                })
                .collect());
    reports.sort((a, b) -> a.name.compareTo(b.name));
    return reports;
  }

  private static Dataset<Row> parse(SparkSession spark, Configuration hadoop, List<FileReport> all, List<FileReport> toParse) {
    List<Chunk> chunks = new ArrayList<>();
    for (FileReport r : toParse) {
      chunks.addAll(Chunk.of(all.indexOf(r), r));
    }
    SerializableConfiguration conf = new SerializableConfiguration(hadoop);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // progress only (the local runner shows it); counts come from the data, never from this
    LongAccumulator progress = spark.sparkContext().longAccumulator("clicklake.rows");
    JavaRDD<Row> rows =
        jsc.parallelize(chunks, chunks.size())
            .flatMap(c -> new ParseIterator(c, new ChunkLines(c, conf.get()), progress));
    return spark.createDataFrame(rows, PARSED);
  }

  /** Lazily turns the lines of a chunk into parsed rows. */
  private static final class ParseIterator implements Iterator<Row> {
    private final Chunk chunk;
    private final ChunkLines lines;
    private final LongAccumulator progress;
    private long pending;

    ParseIterator(Chunk chunk, ChunkLines lines, LongAccumulator progress) {
      this.chunk = chunk;
      this.lines = lines;
      this.progress = progress;
    }

    @Override
    public boolean hasNext() {
      boolean more = lines.hasNext();
      if (!more || pending >= 100_000) {
        progress.add(pending);
        pending = 0;
      }
      if (!more) {
        try {
          lines.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return more;
    }

    @Override
    public Row next() {
      ChunkLines.Line l = lines.next();
      pending++;
      ParsedRow p = l.tooLong()
          ? RowRules.tooLong(l.bytes, ChunkLines.MAX_LINE_BYTES, ChunkLines.LONG_LINE_KEPT_BYTES)
          : RowRules.apply(l.text);
      if (!p.isClean()) {
        return RowFactory.create(chunk.fileIndex, chunk.fileName, l.number, p.reason.code(), p.detail, l.text,
            null, null, null, null, null, null, null, null, null, null);
      }
      return RowFactory.create(chunk.fileIndex, chunk.fileName, l.number, null, null, null,
          RowRules.eventId(p), Timestamp.from(p.eventTime.toInstant(ZoneOffset.UTC)), p.eventType, p.productId,
          p.categoryId, p.categoryCode, p.brand, p.price, p.userId, p.userSession);
    }
  }

  private static Set<String> loadedShas(SparkSession spark, Lake lake, String batchId, List<String> shas) {
    if (shas.isEmpty()) {
      return Set.of();
    }
    Dataset<Row> df =
        spark.table(lake.table(TableNames.BATCH_FILES))
            .where(col("status").equalTo("loaded").and(col("batch_id").notEqual(batchId)).and(col("sha256").isin(shas.toArray())))
            .select("sha256");
    Set<String> out = new HashSet<>();
    for (Row r : df.collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  private static Result fromTables(SparkSession spark, Lake lake, String batchId) {
    List<FileResult> files = new ArrayList<>();
    for (Row r :
        spark.table(lake.table(TableNames.BATCH_FILES)).where(col("batch_id").equalTo(batchId)).orderBy("file_index").collectAsList()) {
      files.add(FileResult.of(r));
    }
    Map<String, Long> byReason = new TreeMap<>();
    new BatchLedger(spark, lake).read(batchId).ifPresent(m -> {
      for (Reason reason : Reason.values()) {
        byReason.put(reason.code(), m.count("q_" + reason.code()));
      }
    });
    return new Result(batchId, files, byReason, true);
  }

  private static void deleteParsed(Configuration hadoop, Path dir) {
    try {
      dir.getFileSystem(hadoop).delete(dir, true);
    } catch (IOException e) {
      LOG.warn("cannot delete {} (the purge stage removes it with the staging directory): {}", dir, e.getMessage());
    }
  }

  /** Moves rejected files to {@code <rejected.root>/<batch>/} with a {@code .reason} file. Idempotent. */
  private static void moveRejected(JobConfig config, Configuration hadoop, String batchId, Path staging, List<FileResult> files) {
    List<FileResult> rejected = files.stream().filter(f -> f.status.equals("rejected")).collect(Collectors.toList());
    if (rejected.isEmpty()) {
      return;
    }
    Path target = new Path(config.require(Keys.REJECTED_ROOT), batchId);
    try {
      FileSystem fs = staging.getFileSystem(hadoop);
      fs.mkdirs(target);
      for (FileResult f : rejected) {
        Path src = new Path(staging, f.fileName);
        if (!fs.exists(src)) {
          continue; // moved by an earlier attempt (its reason file was written before the move)
        }
        // a name already taken in the rejected area (say a landed a.csv.reason next to the reason file of a
        // rejected a.csv) gets a suffix: the file is kept under another name, never left behind or overwritten
        Path dst = new Path(target, f.fileName);
        for (int n = 2; fs.exists(dst); n++) {
          dst = new Path(target, f.fileName + "~" + n);
        }
        Path why = new Path(target, dst.getName() + ".reason");
        try (OutputStream out = fs.create(why, true)) {
          out.write(("batch " + batchId + "\nfile " + f.fileName + (dst.getName().equals(f.fileName) ? "" : "\nstored as " + dst.getName())
              + "\nbytes " + f.bytes + "\nsha256 " + f.sha256 + "\nreason " + f.reason + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!fs.rename(src, dst)) {
          throw new IOException("rename failed: " + src + " -> " + dst);
        }
        LOG.warn("batch {}: rejected {} -> {} ({})", batchId, f.fileName, dst, f.reason);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move rejected files to " + target, e);
    }
  }
}

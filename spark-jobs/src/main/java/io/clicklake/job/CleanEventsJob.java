package io.clicklake.job;

import static org.apache.spark.sql.functions.col;

import io.clicklake.clean.Accounting;
import io.clicklake.clean.CleanTables;
import io.clicklake.clean.Deduplication;
import io.clicklake.clean.FileResult;
import io.clicklake.clean.FileStatus;
import io.clicklake.clean.FileTriage;
import io.clicklake.clean.ParseSummary;
import io.clicklake.clean.RejectedArea;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.io.BatchIds;
import io.clicklake.io.Chunk;
import io.clicklake.io.ChunkParser;
import io.clicklake.io.StagingArea;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.BatchRecord.Status;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans one staged batch into {@code events}, {@code events_quarantine}, {@code batch_files} and
 * the {@code batches} row (data contract sections 1–4).
 *
 * <p>How, one step per class: {@link FileTriage} streams each file once, one Spark task per file
 * (SHA-256, gzip, header, non-blank line count, chunk offsets); files already loaded by another
 * batch (same SHA-256) are skipped whole, bad files rejected ({@link RejectedArea}). Then {@link
 * ChunkParser} runs one task per chunk ({@code clicklake.clean.split-bytes}, the setting that
 * controls parallelism and memory) through the row rules. Clean rows are deduplicated ({@link
 * Deduplication}) within the batch (earliest file, then line, wins) and against the events of other
 * batches over the batch's time range, then appended ({@link CleanTables}).
 *
 * <p>Exactly once: each table write is one commit tagged with the batch id; a retry skips the
 * writes that already committed and recomputes the same counts, and a batch whose clean stage is
 * done is not touched again. {@code rows_read = rows_clean + rows_quarantined + rows_duplicate} is
 * checked for every file before anything is written and again after ({@link Accounting}).
 */
public final class CleanEventsJob extends SparkJob<CleanEventsJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(CleanEventsJob.class);

  /** Accounting of the batch. */
  public static final class Result {
    public final String batchId;
    public final List<FileResult> files;
    public final Map<String, Long> quarantinedByReason;
    public final boolean alreadyDone;

    Result(
        String batchId,
        List<FileResult> files,
        Map<String, Long> quarantinedByReason,
        boolean alreadyDone) {
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

    /** Files whose status has this code ({@link FileStatus#code()}). */
    public long files(String status) {
      return files.stream().filter(f -> f.status.equals(status)).count();
    }

    public long files(FileStatus status) {
      return files(status.code());
    }

    @Override
    public String toString() {
      return "CleanEventsJob.Result{batch="
          + batchId
          + (alreadyDone ? " (already done)" : "")
          + ", files="
          + files.size()
          + " (loaded "
          + files(FileStatus.LOADED)
          + ", skipped "
          + files(FileStatus.SKIPPED_DUPLICATE_FILE)
          + ", rejected "
          + files(FileStatus.REJECTED)
          + ")"
          + ", read="
          + rowsRead()
          + ", clean="
          + rowsClean()
          + ", quarantined="
          + rowsQuarantined()
          + ", duplicate="
          + rowsDuplicate()
          + ", byReason="
          + quarantinedByReason
          + "}";
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
    return forEachPending(
        spark, config, b -> b.done(Stage.STAGE) && !b.done(Stage.CLEAN), c -> cleanBatch(spark, c));
  }

  private Result cleanBatch(SparkSession spark, JobConfig config) {
    String batchId = BatchIds.of(config);
    Lake lake = Lake.configure(spark, config);
    lake.ensure(spark, TableNames.INGEST);
    BatchLedger ledger = new BatchLedger(spark, lake);
    CleanTables tables = new CleanTables(spark, lake, batchId);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path staging = StagingArea.dir(config, batchId);

    Optional<BatchRecord> batch = ledger.read(batchId);
    if (batch.map(b -> b.done(Stage.CLEAN)).orElse(false)) {
      Result r =
          new Result(
              batchId, tables.recordedFiles(), Accounting.recordedByReason(batch.get()), true);
      RejectedArea.moveRejected(config, hadoop, batchId, staging, r.files);
      LOG.info("batch {}: clean stage already done, nothing written", batchId);
      return r;
    }
    if (batch.isEmpty()) {
      throw new InputException(
          "batch " + batchId + " is not staged; run StageLandingJob for its instance first");
    }
    StagingArea.seal(hadoop, staging);

    FileTriage triage =
        FileTriage.run(spark, lake, batchId, staging, config.getLong(Keys.SPLIT_BYTES));
    List<Chunk> chunks = triage.chunks();
    Accounting accounting = new Accounting(batchId, triage, ParseSummary.EMPTY, Map.of());
    Map<String, Long> kept = Map.of();
    if (!chunks.isEmpty()) {
      // One parse of every line, written once to Parquet beside the staged files: every later step
      // reads
      // only the columns it needs from there, so memory stays flat however large the batch is.
      Path parsedDir = new Path(staging, StagingArea.PARSED_DIR);
      ChunkParser.parse(spark, chunks).write().mode("overwrite").parquet(parsedDir.toString());
      Dataset<Row> parsed = spark.read().schema(ChunkParser.SCHEMA).parquet(parsedDir.toString());
      Dataset<Row> clean = parsed.where(col("reason").isNull());
      ParseSummary summary = ParseSummary.of(parsed);
      try (Deduplication dedup = Deduplication.find(spark, lake, batchId, clean, summary)) {
        accounting = new Accounting(batchId, triage, summary, dedup.perFile(triage.reports()));
        accounting
            .checkBeforeWrite(); // the accounting holds before anything is committed, or nothing is
        tables.appendQuarantine(parsed);
        maybeFail(config, "quarantine");
        if (summary.hasClean()) {
          tables.appendEvents(clean, dedup);
        }
      }
      maybeFail(config, "events");
      kept = tables.eventsPerFile();
      accounting.checkQuarantineWritten(tables.rowsOfBatch(TableNames.QUARANTINE).count());
    }
    List<FileResult> files = accounting.files(kept);
    tables.appendFiles(files);
    maybeFail(config, "batch_files");

    Result result = new Result(batchId, files, accounting.quarantinedByReason(), false);
    record(ledger, batch, result);
    RejectedArea.moveRejected(config, hadoop, batchId, staging, files);
    StagingArea.deleteParsed(hadoop, staging);
    LOG.info("{}", result);
    return result;
  }

  /** Marks the clean stage done in the batch record, with the batch's accounting. */
  private static void record(BatchLedger ledger, Optional<BatchRecord> batch, Result result) {
    BatchRecord.Changes changes =
        BatchRecord.changes()
            .set("files_total", result.files.size())
            .set("files_loaded", (int) result.files(FileStatus.LOADED))
            .set("files_skipped", (int) result.files(FileStatus.SKIPPED_DUPLICATE_FILE))
            .set("files_rejected", (int) result.files(FileStatus.REJECTED))
            .set("rows_read", result.rowsRead())
            .set("rows_clean", result.rowsClean())
            .set("rows_quarantined", result.rowsQuarantined())
            .set("rows_duplicate", result.rowsDuplicate());
    result.quarantinedByReason.forEach((k, v) -> changes.set("q_" + k, v));
    changes.done(Stage.CLEAN).status(Status.RUNNING).clearError();
    ledger.update(result.batchId, Stage.CLEAN, batch, changes);
  }
}

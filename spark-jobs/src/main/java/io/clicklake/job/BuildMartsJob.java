package io.clicklake.job;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.io.BatchIds;
import io.clicklake.mart.MartBuilder;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.BatchRecord.Status;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the star schema (fact_*, dim_*; events is the event-grain fact) and the marts (mart_*, one
 * model file each under {@code models/}) current.
 *
 * <p>Incremental (default): only the batch's events are aggregated, and the result is merged into
 * each table with one tagged MERGE (counts add, first/last take min/max, latest attributes win, the
 * days the batch touched are recomputed). Cost grows with the batch, not the history, except for
 * the MERGE joins against the target tables and the reads the semantics need: RFM over every user
 * (mart_user_engagement), the cohorts from fact_user_weeks (see docs/star-schema.md). {@code
 * --full-refresh} rebuilds every table from {@code events}; both give the same rows. A retried
 * batch skips the tables already merged (their commits carry the batch id, and {@code
 * batch_commits} records each one where snapshot expiry cannot erase it), so counts are never added
 * twice. Without {@code --batch-id}, every cleaned batch of the instance whose marts are not built
 * yet is built, first batch first.
 */
public final class BuildMartsJob extends SparkJob<BuildMartsJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(BuildMartsJob.class);
  static final String STAGE = Stage.MARTS.code();

  /** Rows written per table. */
  public static final class Result {
    public final String batchId;
    public final boolean fullRefresh;
    public final boolean alreadyDone;
    public final Map<String, Long> rowsWritten;

    Result(
        String batchId, boolean fullRefresh, boolean alreadyDone, Map<String, Long> rowsWritten) {
      this.batchId = batchId;
      this.fullRefresh = fullRefresh;
      this.alreadyDone = alreadyDone;
      this.rowsWritten = Collections.unmodifiableMap(new TreeMap<>(rowsWritten));
    }

    @Override
    public String toString() {
      return "BuildMartsJob.Result{batch="
          + batchId
          + (fullRefresh ? " (full refresh)" : "")
          + (alreadyDone ? " (already done)" : "")
          + ", rowsWritten="
          + rowsWritten
          + "}";
    }
  }

  public static void main(String[] args) {
    main(new BuildMartsJob(), args);
  }

  @Override
  public Stage stage() {
    return Stage.MARTS;
  }

  @Override
  public Result run(SparkSession spark, JobConfig config) {
    Lake lake = Lake.configure(spark, config);
    lake.ensure(spark, TableNames.all());
    BatchLedger ledger = new BatchLedger(spark, lake);
    MartBuilder builder = new MartBuilder(spark, lake);
    if (config.getBoolean(Keys.FULL_REFRESH)) {
      String label =
          config.isSet(Keys.BATCH_ID) || config.instance() != null
              ? BatchIds.of(config)
              : "full-refresh";
      Map<String, Long> rows = builder.fullRefresh(label);
      LOG.info("full refresh of the star schema and marts: {}", rows);
      return new Result(label, true, false, rows);
    }
    return forEachPending(
        spark,
        config,
        b -> b.done(Stage.CLEAN) && !b.done(Stage.MARTS),
        c -> buildBatch(spark, c, ledger, builder));
  }

  private Result buildBatch(
      SparkSession spark, JobConfig config, BatchLedger ledger, MartBuilder builder) {
    String batchId = BatchIds.of(config);
    BatchRecord batch =
        ledger
            .read(batchId)
            .orElseThrow(
                () ->
                    new InputException(
                        "batch " + batchId + " is unknown; stage and clean it first"));
    if (!batch.done(Stage.CLEAN)) {
      throw new InputException(
          "batch "
              + batchId
              + " is not cleaned yet (clean_status="
              + batch.text(Stage.CLEAN.statusColumn())
              + "); run CleanEventsJob first");
    }
    if (batch.done(Stage.MARTS)) {
      return new Result(batchId, false, true, batch.rowsWritten());
    }
    Map<String, Long> rows = builder.incremental(batchId, step -> maybeFail(config, step));
    Map<String, Long> written = new LinkedHashMap<>(batch.rowsWritten());
    written.putAll(rows);
    ledger.update(
        batchId,
        Stage.MARTS,
        Optional.of(batch),
        BatchRecord.changes()
            .done(Stage.MARTS)
            .status(Status.RUNNING)
            .clearError()
            .set("rows_written", written));
    Result r = new Result(batchId, false, false, rows);
    LOG.info("{}", r);
    return r;
  }
}

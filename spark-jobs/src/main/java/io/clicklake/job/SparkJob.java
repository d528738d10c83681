package io.clicklake.job;

import io.clicklake.config.ConfigException;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.io.BatchIds;
import io.clicklake.lock.Lease;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.Lake;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Shared plumbing of the jobs: session creation with the Iceberg extensions, argument parsing into
 * an immutable {@link JobConfig}, the sorted effective config in the log (secrets masked), and exit
 * codes Oozie can act on: 0 success, 2 bad configuration or input, 1 anything else.
 */
public abstract class SparkJob<R> {
  public static final String ICEBERG_EXTENSIONS =
      "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";
  private static final Logger LOG = LoggerFactory.getLogger(SparkJob.class);

  /** The job's work. Must be safe to rerun for the same batch. */
  public abstract R run(SparkSession spark, JobConfig config);

  /**
   * The batch stage this job is (its {@code <stage>_status} column in batches), or null for jobs
   * outside a batch.
   */
  public Stage stage() {
    return null;
  }

  /**
   * The lease this job holds while it runs ({@link Lease}); runs that share a name never overlap.
   */
  public String lockName() {
    return stage() != null ? stage().code() : getClass().getSimpleName();
  }

  /**
   * {@link #run} while holding the job's lease: what {@link #main} and the local runner call. A
   * second run of the same step fails with {@link io.clicklake.lock.LockHeldException} naming the
   * holder, or waits up to {@code clicklake.lock.wait-seconds}.
   */
  public final R runLocked(SparkSession spark, JobConfig config) {
    String batch = null;
    try {
      batch = BatchIds.of(config);
    } catch (ConfigException e) {
      // jobs outside a batch (maintenance) name none
    }
    try (Lease lease =
        Lease.acquire(
            config,
            spark.sparkContext().hadoopConfiguration(),
            lockName(),
            getClass().getSimpleName(),
            batch)) {
      return runRecorded(spark, config);
    }
  }

  /**
   * {@link #run}, recording a failure in the batch row before it propagates: the one "record, then
   * rethrow" path that {@link #runLocked}, {@link #forEachPending} and the tests share. The failure
   * is recorded while the caller still holds the step's lease, so no other run of the step can be
   * writing that row.
   */
  public final R runRecorded(SparkSession spark, JobConfig config) {
    return recorded(spark, config, () -> run(spark, config));
  }

  private R recorded(SparkSession spark, JobConfig config, java.util.function.Supplier<R> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      recordFailure(spark, config, stage(), e);
      throw e;
    }
  }

  /**
   * Runs {@code one} for the batch the configuration names ({@code clicklake.batch-id}), or, when
   * only the instance is given, for every batch of the instance that {@code pending} accepts, first
   * batch first (an instance has follow-up batches when files arrived after it was staged). When
   * none is pending, runs it for the instance's latest batch, which then reports "already done" or
   * names the step that is missing. Returns the last result. A failure is recorded on the batch
   * that failed.
   */
  protected final R forEachPending(
      SparkSession spark,
      JobConfig config,
      Predicate<BatchRecord> pending,
      Function<JobConfig, R> one) {
    if (config.isSet(Keys.BATCH_ID) || stage() == null) {
      return one.apply(config);
    }
    String base = BatchIds.of(config);
    List<BatchRecord> lineage = new BatchLedger(spark, Lake.configure(spark, config)).lineage(base);
    List<String> ids = new ArrayList<>();
    for (BatchRecord b : lineage) {
      if (pending.test(b)) {
        ids.add(b.batchId());
      }
    }
    if (ids.isEmpty()) {
      ids.add(lineage.isEmpty() ? base : lineage.get(lineage.size() - 1).batchId());
    }
    R last = null;
    for (String id : ids) {
      JobConfig c = config.with(Map.of(Keys.BATCH_ID.name(), id));
      // recorded on the batch that failed, not on the instance's first batch that the caller's
      // config names
      last = recorded(spark, c, () -> one.apply(c));
    }
    return last;
  }

  /**
   * Failures already written to their batch row: not recorded again (on another batch) by a caller.
   */
  private static final Set<Throwable> RECORDED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /**
   * Records a failed stage in the batch row (status failed, {@code <stage>_status} failed, the
   * error message), best effort: a failure to record must never hide the original error.
   */
  static void recordFailure(SparkSession spark, JobConfig config, Stage stage, Throwable error) {
    if (stage == null
        || error instanceof io.clicklake.lock.LockHeldException
        || !RECORDED.add(error)) {
      return; // a run that did not get the lock did nothing to the batch: the holder's record stays
      // as it is
    }
    try {
      String batchId = BatchIds.of(config);
      BatchLedger ledger = new BatchLedger(spark, Lake.configure(spark, config));
      if (ledger.read(batchId).isEmpty()) {
        return;
      }
      ledger.update(
          batchId, stage, BatchRecord.changes().failed(stage, String.valueOf(error.getMessage())));
    } catch (Exception e) { // Spark may throw its checked SparkException from Scala code
      LOG.warn(
          "could not record the failure of stage {} in the batch record: {}", stage, e.toString());
    }
  }

  /** A session for the jobs: Iceberg extensions, UTC, local[*] when no master is given. */
  public static SparkSession session(String appName) {
    SparkSession.Builder b =
        SparkSession.builder()
            .appName(appName)
            .config("spark.sql.extensions", ICEBERG_EXTENSIONS)
            .config("spark.sql.session.timeZone", "UTC");
    if (System.getProperty("spark.master") == null) {
      b.master("local[*]");
    }
    return b.getOrCreate();
  }

  /**
   * Thin main shared by every job: parse, run, print the result, exit with a meaningful code. On
   * success it stops the session and returns instead of calling {@code System.exit(0)}: in YARN
   * cluster mode (the Oozie workflows) Spark's ApplicationMaster reports an application whose main
   * exits the JVM as FAILED (exit code 16, "Shutdown hook called before final status was
   * reported"), even with status 0.
   */
  protected static void main(SparkJob<?> job, String[] args) {
    int code;
    SparkSession spark = null;
    try {
      spark = session("clicklake " + job.getClass().getSimpleName());
      Map<String, String> sparkConf = new HashMap<>();
      for (Tuple2<String, String> t : spark.sparkContext().getConf().getAll()) {
        sparkConf.put(t._1, t._2);
      }
      JobConfig config = JobConfig.fromArgs(args, sparkConf);
      LOG.info(
          "{} effective config:\n  {}",
          job.getClass().getSimpleName(),
          String.join("\n  ", config.describe()));
      Object result = job.runLocked(spark, config);
      System.out.println(result);
      code = 0;
    } catch (ConfigException | InputException e) {
      System.err.println("error: " + e.getMessage());
      code = 2;
    } catch (RuntimeException e) {
      LOG.error("{} failed", job.getClass().getSimpleName(), e);
      System.err.println("error: " + e);
      code = 1;
    }
    if (code != 0) {
      System.exit(code);
    }
    spark.stop();
  }

  static String failAfter(JobConfig config) {
    return config.get(Keys.FAIL_AFTER);
  }

  /** Fault injection for the exactly-once tests: throws when the configured step is reached. */
  static void maybeFail(JobConfig config, String step) {
    if (step.equals(failAfter(config))) {
      throw new InjectedFailure("injected failure after step '" + step + "'");
    }
  }

  /** Thrown by {@link #maybeFail}. */
  public static final class InjectedFailure extends RuntimeException {
    InjectedFailure(String m) {
      super(m);
    }
  }
}

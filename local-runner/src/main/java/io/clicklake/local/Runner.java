package io.clicklake.local;

import io.clicklake.clean.FileResult;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.io.BatchIds;
import io.clicklake.job.BuildMartsJob;
import io.clicklake.job.CleanEventsJob;
import io.clicklake.job.ExportMartsJob;
import io.clicklake.job.PurgeStagingJob;
import io.clicklake.job.SparkJob;
import io.clicklake.job.StageLandingJob;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.Lake;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Processes complete landing instances, oldest first, through stage → clean → marts → export →
 * purge: the local twin of the Oozie ingest coordinator and workflow, calling the same job classes.
 */
public final class Runner {
  private final LocalEnv env;
  private final Console console;
  private final Set<String> reportedIncomplete = new HashSet<>();
  public final List<List<Object>> summary = new ArrayList<>();

  public Runner(LocalEnv env, Console console) {
    this.env = env;
    this.console = console;
  }

  /** Batches that failed in this pass: batch, step, the one-line error. */
  public final List<List<Object>> failures = new ArrayList<>();

  /**
   * One pass over the landing root: every complete instance, oldest first, is staged, then each of
   * its batches not purged yet (the first one and any follow-up batch) goes through clean, marts,
   * export and purge. A batch that fails is recorded as failed in its batch row, reported, and left
   * for the next pass; the pass goes on with the next batch. Returns the number of batches
   * processed.
   */
  public int runOnce(JobConfig config) throws IOException {
    String root = config.require(Keys.LANDING_ROOT);
    FileSystem fs = env.fs(root);
    Path rootPath = new Path(root);
    if (!fs.exists(rootPath)) {
      throw new CliException(
          "landing directory " + root + " does not exist; create it or pass --landing DIR");
    }
    String flag = config.get(Keys.DONE_FLAG);
    int done = 0;
    for (FileStatus inst : Landing.instances(fs, rootPath)) {
      String path = inst.getPath().toString();
      if (!fs.exists(new Path(inst.getPath(), flag))) {
        if (reportedIncomplete.add(path)) {
          Console.say("skipping %s: no done-flag %s yet (it is not complete)", path, flag);
        }
        continue;
      }
      done += processInstance(config.withInstance(path));
    }
    return done;
  }

  /** Stages one instance, then processes each of its batches that is not purged yet. */
  int processInstance(JobConfig config) {
    SparkSession spark = env.spark();
    Console.say("instance %s", config.instance());
    StageLandingJob.Result staged;
    try {
      staged = step(spark, config, new StageLandingJob());
    } catch (RuntimeException e) {
      failed(BatchIds.of(config), "stage", e);
      return 0;
    }
    BatchLedger ledger = new BatchLedger(spark, Lake.configure(spark, config));
    int n = 0;
    for (BatchRecord b : ledger.lineage(BatchIds.of(config))) {
      if (b.done(Stage.PURGE)) {
        continue;
      }
      String id = b.batchId();
      JobConfig one = config.with(Map.of(Keys.BATCH_ID.name(), id));
      try {
        process(one, id.equals(staged.batchId) ? staged.filesMoved : 0);
        n++;
      } catch (RuntimeException e) {
        failed(id, lastStep, e);
      }
    }
    return n;
  }

  private void failed(String batchId, String step, RuntimeException e) {
    String message = OneLine.of(e);
    Console.say("  batch %s failed at %s: %s", batchId, step, message);
    Console.say("  (recorded as failed in its batch row; the next run retries it)");
    if (verbose) {
      e.printStackTrace(Console.out());
    }
    failures.add(
        List.of(
            batchId, step, message.length() > 160 ? message.substring(0, 157) + "..." : message));
  }

  public boolean verbose;

  void process(JobConfig config, int filesMoved) {
    SparkSession spark = env.spark();
    Console.say("batch %s", BatchIds.of(config));
    CleanEventsJob.Result clean = step(spark, config, new CleanEventsJob());
    double cleanSeconds = lastSeconds;
    BuildMartsJob.Result marts = step(spark, config, new BuildMartsJob());
    ExportMartsJob.Result export = step(spark, config, new ExportMartsJob());
    PurgeStagingJob.Result purge = step(spark, config, new PurgeStagingJob());
    if (!export.caughtUp().isEmpty()) {
      Console.say(
          "  export caught up batch(es) %s as well: their marts were built but not yet published",
          String.join(", ", export.caughtUp()));
    }
    if (purge.instance.startsWith("kept")) {
      Console.say(
          "  landing instance %s %s; the next run loads those files as a follow-up batch",
          config.instance(), purge.instance);
    }
    Console.say(
        "  %s: files %d (loaded %d, skipped %d, rejected %d); read %,d = clean %,d + quarantined"
            + " %,d + duplicate %,d%s",
        clean.batchId,
        clean.files.size(),
        clean.files("loaded"),
        clean.files("skipped_duplicate_file"),
        clean.files("rejected"),
        clean.rowsRead(),
        clean.rowsClean(),
        clean.rowsQuarantined(),
        clean.rowsDuplicate(),
        clean.alreadyDone ? " (already done)" : "");
    clean.quarantinedByReason.forEach(
        (k, v) -> {
          if (v > 0) {
            Console.say("      quarantined %-16s %,d", k, v);
          }
        });
    for (FileResult f : clean.files) {
      if (!f.status.equals("loaded")) {
        Console.say("      %s %s: %s", f.status, f.fileName, f.reason);
      }
    }
    long exported = export.rows.values().stream().mapToLong(Long::longValue).sum();
    summary.add(
        List.of(
            clean.batchId,
            clean.files.size(),
            clean.rowsRead(),
            clean.rowsClean(),
            clean.rowsQuarantined(),
            clean.rowsDuplicate(),
            String.format(java.util.Locale.ROOT, "%.1f", cleanSeconds),
            exported,
            filesMoved));
    if (marts.rowsWritten.isEmpty() && !marts.alreadyDone) {
      Console.say("  (no new events)");
    }
  }

  private double lastSeconds;

  private String lastStep;

  /**
   * Runs one job under its lease, with its progress line; runLocked records a failure in the batch
   * row.
   */
  private <R> R step(SparkSession spark, JobConfig config, SparkJob<R> job) {
    String name = job.stage().code();
    lastStep = name;
    console.begin(name);
    try {
      return job.runLocked(spark, config);
    } finally {
      lastSeconds = console.end();
    }
  }

  public void printSummary() {
    if (summary.isEmpty() && failures.isEmpty()) {
      Console.say("no complete landing instance to process");
      return;
    }
    if (!summary.isEmpty()) {
      Console.say("");
      Console.say("batches:");
      Console.table(
          List.of(
              "batch",
              "files",
              "read",
              "clean",
              "quarantined",
              "duplicate",
              "clean s",
              "rows exported",
              "files staged"),
          summary);
    }
    if (!failures.isEmpty()) {
      Console.say("");
      Console.say("failed (recorded in the batch rows; the next run retries them):");
      Console.table(List.of("batch", "step", "error"), failures);
    }
  }
}

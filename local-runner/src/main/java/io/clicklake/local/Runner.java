package io.clicklake.local;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.job.BuildMartsJob;
import io.clicklake.job.CleanEventsJob;
import io.clicklake.job.ExportMartsJob;
import io.clicklake.job.PurgeStagingJob;
import io.clicklake.job.SparkJob;
import io.clicklake.job.StageLandingJob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Processes complete landing instances, oldest first, through stage → clean → marts → export →
 * purge: the local twin of the Oozie ingest coordinator and workflow, calling the same job classes.
 */
final class Runner {
  private final LocalEnv env;
  private final Console console;
  private final Set<String> reportedIncomplete = new HashSet<>();
  final List<List<Object>> summary = new ArrayList<>();

  Runner(LocalEnv env, Console console) {
    this.env = env;
    this.console = console;
  }

  /** One pass over the landing root; returns the number of batches processed. */
  int runOnce(JobConfig config) throws IOException {
    String root = config.require(Keys.LANDING_ROOT);
    FileSystem fs = env.fs(root);
    Path rootPath = new Path(root);
    if (!fs.exists(rootPath)) {
      throw new CliException("landing directory " + root + " does not exist; create it or pass --landing DIR");
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
      process(config.withInstance(path));
      done++;
    }
    return done;
  }

  void process(JobConfig config) {
    SparkSession spark = env.spark();
    Console.say("batch from %s", config.instance());
    StageLandingJob.Result staged = step(spark, config, new StageLandingJob());
    CleanEventsJob.Result clean = step(spark, config, new CleanEventsJob());
    double cleanSeconds = lastSeconds;
    BuildMartsJob.Result marts = step(spark, config, new BuildMartsJob());
    ExportMartsJob.Result export = step(spark, config, new ExportMartsJob());
    step(spark, config, new PurgeStagingJob());
    Console.say("  %s: files %d (loaded %d, skipped %d, rejected %d); read %,d = clean %,d + quarantined %,d + duplicate %,d%s",
        clean.batchId, clean.files.size(), clean.files("loaded"), clean.files("skipped_duplicate_file"), clean.files("rejected"),
        clean.rowsRead(), clean.rowsClean(), clean.rowsQuarantined(), clean.rowsDuplicate(), clean.alreadyDone ? " (already done)" : "");
    clean.quarantinedByReason.forEach((k, v) -> {
      if (v > 0) {
        Console.say("      quarantined %-16s %,d", k, v);
      }
    });
    for (CleanEventsJob.FileResult f : clean.files) {
      if (!f.status.equals("loaded")) {
        Console.say("      %s %s: %s", f.status, f.fileName, f.reason);
      }
    }
    long exported = export.rows.values().stream().mapToLong(Long::longValue).sum();
    summary.add(List.of(clean.batchId, clean.files.size(), clean.rowsRead(), clean.rowsClean(), clean.rowsQuarantined(), clean.rowsDuplicate(),
        String.format(java.util.Locale.ROOT, "%.1f", cleanSeconds), exported, staged.filesMoved));
    if (marts.rowsWritten.isEmpty() && !marts.alreadyDone) {
      Console.say("  (no new events)");
    }
  }

  private double lastSeconds;

  /** Runs one job with its progress line; a failure is recorded in the batch row before it propagates. */
  private <R> R step(SparkSession spark, JobConfig config, SparkJob<R> job) {
    String name = job.stage();
    console.begin(name);
    try {
      return job.run(spark, config);
    } catch (RuntimeException e) {
      console.end();
      SparkJob.recordFailure(spark, config, name, e);
      throw e;
    } finally {
      lastSeconds = console.end();
    }
  }

  void printSummary() {
    if (summary.isEmpty()) {
      Console.say("no complete landing instance to process");
      return;
    }
    Console.say("");
    Console.say("batches:");
    Console.table(List.of("batch", "files", "read", "clean", "quarantined", "duplicate", "clean s", "rows exported", "files staged"), summary);
  }
}

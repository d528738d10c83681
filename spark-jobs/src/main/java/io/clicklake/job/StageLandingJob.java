package io.clicklake.job;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.io.BatchIds;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stages one landing instance: checks its done-flag (an instance without it is never touched),
 * registers the batch in {@code batches}, and moves the instance's files into {@code
 * <staging.root>/<batch-id>/} by rename (same filesystem, so each move is atomic and costs no copy).
 * Rerunning it after a partial or complete run moves what is left and changes nothing else.
 */
public final class StageLandingJob extends SparkJob<StageLandingJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(StageLandingJob.class);

  /** Counts of one staging run. */
  public static final class Result {
    public final String batchId;
    public final String stagingPath;
    public final int filesMoved;
    public final int filesStaged;

    Result(String batchId, String stagingPath, int filesMoved, int filesStaged) {
      this.batchId = batchId;
      this.stagingPath = stagingPath;
      this.filesMoved = filesMoved;
      this.filesStaged = filesStaged;
    }

    @Override
    public String toString() {
      return "StageLandingJob.Result{batch=" + batchId + ", staging=" + stagingPath + ", moved=" + filesMoved + ", staged=" + filesStaged + "}";
    }
  }

  public static void main(String[] args) {
    main(new StageLandingJob(), args);
  }

  /** The per-batch staging directory. */
  public static Path stagingDir(JobConfig config, String batchId) {
    return new Path(config.require(Keys.STAGING_ROOT), batchId);
  }

  @Override
  public String stage() {
    return "stage";
  }

  @Override
  public Result run(SparkSession spark, JobConfig config) {
    String batchId = BatchIds.of(config);
    Path instance = new Path(config.requireInstance());
    Path staging = stagingDir(config, batchId);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      FileSystem fs = instance.getFileSystem(hadoop);
      if (!fs.exists(instance)) {
        throw new InputException("landing instance not found: " + instance);
      }
      String flag = config.get(Keys.DONE_FLAG);
      if (!fs.exists(new Path(instance, flag))) {
        throw new InputException(
            "landing instance " + instance + " has no done-flag " + flag + "; it is not complete and was not touched");
      }
      FileSystem stagingFs = staging.getFileSystem(hadoop);
      if (!stagingFs.getUri().equals(fs.getUri())) {
        throw new InputException(
            "expected the staging root on the landing filesystem " + fs.getUri() + " (files move by rename), found " + stagingFs.getUri());
      }
      Lake lake = Lake.configure(spark, config);
      lake.ensure(spark, TableNames.INGEST);
      BatchLedger ledger = new BatchLedger(spark, lake);

      fs.mkdirs(staging);
      FileStatus[] files = fs.listStatus(instance, p -> !p.getName().startsWith("_") && !p.getName().startsWith("."));
      Arrays.sort(files);
      int moved = 0;
      for (FileStatus f : files) {
        if (f.isDirectory()) {
          throw new InputException("expected files in landing instance " + instance + ", found a directory " + f.getPath().getName());
        }
        Path target = new Path(staging, f.getPath().getName());
        if (fs.exists(target)) {
          throw new InputException(
              "file " + f.getPath().getName() + " is already staged for batch " + batchId + " at " + target
                  + "; a second copy landed in " + instance + ". Remove one of them and rerun.");
        }
        if (!fs.rename(f.getPath(), target)) {
          throw new IOException("rename failed: " + f.getPath() + " -> " + target);
        }
        moved++;
      }
      int staged = dataFiles(fs, staging).size();
      Map<String, Object> changes = new LinkedHashMap<>();
      java.util.Optional<Map<String, Object>> current = ledger.read(batchId);
      boolean known = current.isPresent();
      if (!known) {
        changes.put("started_at", BatchLedger.now());
      }
      if (moved > 0 || !known) {
        changes.put("instance_path", instance.toString());
        changes.put("staging_path", staging.toString());
        changes.put("status", "running");
        changes.put("error_message", null);
        changes.put("files_total", staged);
        changes.put("stage_status", BatchLedger.DONE);
        changes.put("stage_at", BatchLedger.now());
        ledger.update(batchId, "stage", current, changes);
      }
      LOG.info("batch {}: moved {} file(s) from {} to {} ({} staged)", batchId, moved, instance, staging, staged);
      return new Result(batchId, staging.toString(), moved, staged);
    } catch (IOException e) {
      throw new UncheckedIOException("staging " + instance + " failed: " + e.getMessage(), e);
    }
  }

  /** Data files of a directory in name order (hidden and _-prefixed files excluded). */
  static List<FileStatus> dataFiles(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus f : fs.listStatus(dir)) {
      String n = f.getPath().getName();
      if (f.isFile() && !n.startsWith("_") && !n.startsWith(".")) {
        out.add(f);
      }
    }
    out.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    return out;
  }
}

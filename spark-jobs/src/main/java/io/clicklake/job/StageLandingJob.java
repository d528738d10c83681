package io.clicklake.job;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.io.BatchIds;
import io.clicklake.io.StagingArea;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.BatchRecord.Status;
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
 * <staging.root>/<batch-id>/} by rename (same filesystem, so each move is atomic and costs no
 * copy). Rerunning it after a partial or complete run moves what is left and changes nothing else.
 *
 * <p>Files that reach an instance after its batch's clean began (a late file, or the instance
 * landed again after its purge) are never added to that batch: they form a follow-up batch {@code
 * <batch-id>.<n>} (n = 2, 3, ...) with its own ledger row and accounting (data contract section 1).
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
      return "StageLandingJob.Result{batch="
          + batchId
          + ", staging="
          + stagingPath
          + ", moved="
          + filesMoved
          + ", staged="
          + filesStaged
          + "}";
    }
  }

  public static void main(String[] args) {
    main(new StageLandingJob(), args);
  }

  @Override
  public Stage stage() {
    return Stage.STAGE;
  }

  /** Stage and clean share one lease: a file must never move into a batch whose clean has begun. */
  @Override
  public String lockName() {
    return StagingArea.INGEST_LOCK;
  }

  @Override
  public Result run(SparkSession spark, JobConfig config) {
    String base = BatchIds.of(config);
    Path instance = new Path(config.requireInstance());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      FileSystem fs = instance.getFileSystem(hadoop);
      if (!fs.exists(instance)) {
        throw new InputException("landing instance not found: " + instance);
      }
      String flag = config.get(Keys.DONE_FLAG);
      if (!fs.exists(new Path(instance, flag))) {
        throw new InputException(
            "landing instance "
                + instance
                + " has no done-flag "
                + flag
                + "; it is not complete and was not touched");
      }
      Path stagingRoot = new Path(config.require(Keys.STAGING_ROOT));
      FileSystem stagingFs = stagingRoot.getFileSystem(hadoop);
      if (!stagingFs.getUri().equals(fs.getUri())) {
        throw new InputException(
            "expected the staging root on the landing filesystem "
                + fs.getUri()
                + " (files move by rename), found "
                + stagingFs.getUri());
      }
      Lake lake = Lake.configure(spark, config);
      lake.ensure(spark, TableNames.INGEST);
      BatchLedger ledger = new BatchLedger(spark, lake);

      List<FileStatus> ready = new ArrayList<>();
      for (FileStatus f :
          fs.listStatus(
              instance, p -> !p.getName().startsWith("_") && !p.getName().startsWith("."))) {
        if (f.isDirectory()) {
          throw new InputException(
              "expected files in landing instance "
                  + instance
                  + ", found a directory "
                  + f.getPath().getName());
        }
        if (f.getPath().getName().endsWith("._COPYING_") || !isClosed(fs, f.getPath())) {
          // still being written (hdfs dfs -put writes x._COPYING_, then renames it): the next run
          // takes it
          LOG.warn(
              "instance {}: {} is still being written; left for the next run",
              instance,
              f.getPath().getName());
          continue;
        }
        ready.add(f);
      }
      FileStatus[] files = ready.toArray(new FileStatus[0]);
      Arrays.sort(files);
      // The instance's batches so far: ledger rows, plus a staging directory a crashed run filled
      // before it
      // could register it. The latest one takes the files unless its clean has begun; then a
      // follow-up does.
      Map<String, BatchRecord> known = new LinkedHashMap<>();
      for (BatchRecord b : ledger.lineage(base)) {
        known.put(b.batchId(), b);
      }
      int latest = 0;
      for (String id : known.keySet()) {
        latest = Math.max(latest, BatchLedger.followUpNumber(base, id));
      }
      if (fs.exists(stagingRoot)) {
        for (FileStatus d : fs.listStatus(stagingRoot)) {
          if (d.isDirectory()) {
            latest = Math.max(latest, BatchLedger.followUpNumber(base, d.getPath().getName()));
          }
        }
      }
      String batchId;
      if (latest == 0) {
        batchId = base;
      } else {
        String latestId = BatchLedger.followUpId(base, latest);
        BatchRecord latestRecord = known.get(latestId);
        boolean sealed =
            latestRecord != null
                    && (latestRecord.started(Stage.CLEAN) || latestRecord.started(Stage.PURGE))
                || fs.exists(
                    new Path(StagingArea.dir(config, latestId), StagingArea.CLEAN_STARTED));
        if (!sealed) {
          batchId = latestId;
        } else if (files.length == 0) {
          LOG.info("instance {}: nothing new to stage (latest batch {})", instance, latestId);
          int staged = latestRecord == null ? 0 : (int) latestRecord.count("files_total");
          return new Result(latestId, StagingArea.dir(config, latestId).toString(), 0, staged);
        } else {
          batchId = BatchLedger.followUpId(base, latest + 1);
          LOG.warn(
              "instance {}: {} file(s) arrived after batch {} was staged; they form follow-up batch"
                  + " {}",
              instance,
              files.length,
              latestId,
              batchId);
        }
      }
      Path staging = StagingArea.dir(config, batchId);
      fs.mkdirs(staging);
      int moved = 0;
      for (FileStatus f : files) {
        Path target = new Path(staging, f.getPath().getName());
        if (fs.exists(target)) {
          throw new InputException(
              "file "
                  + f.getPath().getName()
                  + " is already staged for batch "
                  + batchId
                  + " at "
                  + target
                  + "; a second copy landed in "
                  + instance
                  + ". Remove one of them and rerun.");
        }
        if (!fs.rename(f.getPath(), target)) {
          throw new IOException("rename failed: " + f.getPath() + " -> " + target);
        }
        moved++;
      }
      fs.delete(new Path(instance, StagingArea.FOLLOW_UP), false);
      int staged = StagingArea.dataFiles(fs, staging).size();
      BatchRecord.Changes changes = BatchRecord.changes();
      java.util.Optional<BatchRecord> current = java.util.Optional.ofNullable(known.get(batchId));
      boolean registered = current.isPresent();
      if (!registered) {
        changes.set("started_at", BatchRecord.now());
      }
      if (moved > 0
          || !registered
          || current.get().get("files_total") == null
          || current.get().count("files_total") != staged) {
        changes
            .set("instance_path", instance.toString())
            .set("staging_path", staging.toString())
            .status(Status.RUNNING)
            .clearError()
            .set("files_total", staged)
            .done(Stage.STAGE);
        ledger.update(batchId, Stage.STAGE, current, changes);
      }
      LOG.info(
          "batch {}: moved {} file(s) from {} to {} ({} staged)",
          batchId,
          moved,
          instance,
          staging,
          staged);
      return new Result(batchId, staging.toString(), moved, staged);
    } catch (IOException e) {
      throw new UncheckedIOException("staging " + instance + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * False for an HDFS file whose writer has not closed it yet; true elsewhere (a local file is
   * complete once renamed in).
   */
  private static boolean isClosed(FileSystem fs, Path p) {
    try {
      java.lang.reflect.Method m = fs.getClass().getMethod("isFileClosed", Path.class);
      return (Boolean) m.invoke(fs, p);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      LOG.warn("cannot tell whether {} is closed ({}); taking it", p, e.getMessage());
      return true;
    }
  }
}

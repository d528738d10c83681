package io.clicklake.job;

import static org.apache.spark.sql.functions.col;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.export.MySqlTarget;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges a batch once its data is safely in MySQL (data contract section 7): only when the batch
 * record says {@code export_status = done}, deletes the files of {@code <staging.root>/<batch>}
 * that the batch recorded as its own ({@code batch_files}), and removes the landing instance, or
 * moves it to {@code <clicklake.archive.root>/<batch>} when that is set, once it holds nothing but
 * its done-flag. Anything else (a file that arrived after staging) stays, with a warning, for a
 * follow-up batch; a path outside the configured landing, staging and archive roots is refused. The
 * rejected area is never touched. The purged file and byte counts are recorded before anything is
 * deleted. Records purge_status, purge_at, purged_files, purged_bytes, finished_at and status
 * {@code succeeded} in {@code batches} and, when {@code clicklake.mysql.url} is set, in {@code
 * pipeline_batches}. Costs one directory listing, one delete or rename per directory and one
 * Iceberg commit. A rerun finishes what is left and writes the same values.
 */
public final class PurgeStagingJob extends SparkJob<PurgeStagingJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(PurgeStagingJob.class);
  private static final DateTimeFormatter MYSQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** What one purge did. */
  public static final class Result {
    public final String batchId;
    public final long purgedFiles;
    public final long purgedBytes;

    /** deleted | archived | absent */
    public final String instance;

    public final boolean alreadyDone;

    Result(
        String batchId, long purgedFiles, long purgedBytes, String instance, boolean alreadyDone) {
      this.batchId = batchId;
      this.purgedFiles = purgedFiles;
      this.purgedBytes = purgedBytes;
      this.instance = instance;
      this.alreadyDone = alreadyDone;
    }

    @Override
    public String toString() {
      return "PurgeStagingJob.Result{batch="
          + batchId
          + (alreadyDone ? " (already done)" : "")
          + ", purged files="
          + purgedFiles
          + ", bytes="
          + purgedBytes
          + ", instance "
          + instance
          + "}";
    }
  }

  public static void main(String[] args) {
    main(new PurgeStagingJob(), args);
  }

  @Override
  public Stage stage() {
    return Stage.PURGE;
  }

  /**
   * Purges the configured batch, or every exported batch of the instance that is not purged yet.
   */
  @Override
  public Result run(SparkSession spark, JobConfig config) {
    return forEachPending(
        spark,
        config,
        b -> b.done(Stage.EXPORT) && !b.done(Stage.PURGE),
        c -> purgeBatch(spark, c));
  }

  private Result purgeBatch(SparkSession spark, JobConfig config) {
    String batchId = BatchIds.of(config);
    Lake lake = Lake.configure(spark, config);
    lake.ensure(spark, TableNames.INGEST);
    BatchLedger ledger = new BatchLedger(spark, lake);
    BatchRecord batch =
        ledger
            .read(batchId)
            .orElseThrow(
                () -> new InputException("batch " + batchId + " is unknown; nothing to purge"));
    if (!batch.done(Stage.EXPORT)) {
      throw new InputException(
          "batch "
              + batchId
              + ": the export stage is not done (export_status="
              + batch.text(Stage.EXPORT.statusColumn())
              + "); its staged files are kept. Run ExportMartsJob for it first");
    }
    maybeFail(config, "before-purge");
    boolean wasDone = batch.done(Stage.PURGE);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path staging = StagingArea.dir(config, batchId);
    Path instance = recordedInstance(config, batchId, batch);
    Path rejected =
        config.isSet(Keys.REJECTED_ROOT) ? new Path(config.get(Keys.REJECTED_ROOT), batchId) : null;

    String instanceOutcome;
    // the purge columns as they end up, for the MySQL record
    Map<String, Object> record = new LinkedHashMap<>();
    for (String c :
        List.of(
            "purge_status", "purge_at", "purged_files", "purged_bytes", "finished_at", "status")) {
      record.put(c, batch.get(c));
    }
    try {
      FileSystem fs = staging.getFileSystem(hadoop);
      Roots roots = new Roots(fs, config);
      roots.check(staging, "the staging directory", Keys.STAGING_ROOT);
      if (instance != null) {
        roots.check(instance, "the landing instance", Keys.LANDING_ROOT);
      }
      guardRejected(fs, rejected, staging, instance);
      Set<String> recorded = recordedFiles(spark, lake, batchId);
      List<FileStatus> doomed = new ArrayList<>();
      if (fs.exists(staging)) {
        keepRejectedFiles(spark, lake, fs, batchId, staging);
        for (FileStatus f : fs.listStatus(staging)) {
          if (f.isFile() && recorded.contains(f.getPath().getName())) {
            doomed.add(f);
          }
        }
      }
      // what is about to go is recorded before it goes (once: a rerun after a crash keeps the first
      // count)
      if (batch.get("purged_files") == null) {
        record.put("purged_files", doomed.size());
        record.put("purged_bytes", doomed.stream().mapToLong(FileStatus::getLen).sum());
        ledger.update(
            batchId,
            Stage.PURGE,
            java.util.Optional.of(batch),
            BatchRecord.changes()
                .set("purged_files", record.get("purged_files"))
                .set("purged_bytes", record.get("purged_bytes")));
      }
      for (FileStatus f : doomed) {
        if (!fs.delete(f.getPath(), false) && fs.exists(f.getPath())) {
          throw new IOException("delete failed: " + f.getPath());
        }
      }
      if (fs.exists(staging)) {
        fs.delete(new Path(staging, StagingArea.PARSED_DIR), true);
        fs.delete(new Path(staging, StagingArea.CLEAN_STARTED), false);
        FileStatus[] left = fs.listStatus(staging);
        if (left.length == 0) {
          fs.delete(staging, false);
        } else {
          LOG.warn(
              "batch {}: left {} in place: {} file(s) there are not recorded as the batch's own:"
                  + " {}",
              batchId,
              staging,
              left.length,
              names(left));
        }
      }
      LOG.info("batch {}: deleted {} staged file(s) of {}", batchId, doomed.size(), staging);
      instanceOutcome = removeInstance(config, hadoop, roots, batchId, instance);
    } catch (IOException e) {
      throw new UncheckedIOException("purging batch " + batchId + " failed: " + e.getMessage(), e);
    }

    if (!wasDone) {
      Timestamp now = BatchRecord.now();
      Timestamp finished = batch.time("finished_at") != null ? batch.time("finished_at") : now;
      ledger.update(
          batchId,
          Stage.PURGE,
          BatchRecord.changes()
              .done(Stage.PURGE, now)
              .set("finished_at", finished)
              .status(Status.SUCCEEDED)
              .set("purged_files", record.get("purged_files"))
              .set("purged_bytes", record.get("purged_bytes")));
      record.put("purge_status", Status.DONE.code());
      record.put("purge_at", now);
      record.put("finished_at", finished);
      record.put("status", Status.SUCCEEDED.code());
    }
    if (config.isSet(Keys.MYSQL_URL)) {
      recordInMySql(MySqlTarget.from(config, hadoop), batchId, record);
    }
    Result r =
        new Result(
            batchId,
            number(record.get("purged_files")),
            number(record.get("purged_bytes")),
            instanceOutcome,
            wasDone);
    LOG.info("{}", r);
    return r;
  }

  /** The instance the batch recorded; {@code --instance}, when given, must be that one. */
  private static Path recordedInstance(JobConfig config, String batchId, BatchRecord batch) {
    String rec = batch.text("instance_path");
    if (rec == null || rec.isEmpty()) {
      return null;
    }
    if (config.instance() != null
        && !trim(new Path(config.instance()).toUri().getPath())
            .equals(trim(new Path(rec).toUri().getPath()))) {
      throw new InputException(
          "batch "
              + batchId
              + " was staged from "
              + rec
              + ", not from the --instance given ("
              + config.instance()
              + "); nothing was purged");
    }
    return new Path(rec);
  }

  private static String trim(String p) {
    return p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
  }

  private static String names(FileStatus[] files) {
    List<String> n = new ArrayList<>();
    for (FileStatus f : files) {
      n.add(f.getPath().getName());
    }
    return String.join(", ", n);
  }

  /**
   * The configured roots a purge may delete or move inside: nothing outside them is ever touched.
   */
  private static final class Roots {
    final FileSystem fs;
    final JobConfig config;

    Roots(FileSystem fs, JobConfig config) {
      this.fs = fs;
      this.config = config;
    }

    void check(Path p, String what, io.clicklake.config.ConfigKey rootKey) {
      if (!config.isSet(rootKey)) {
        throw new InputException(
            "refusing to purge "
                + what
                + " "
                + p
                + ": "
                + rootKey.name()
                + " is not set, so it cannot be checked");
      }
      String root = fs.makeQualified(new Path(config.get(rootKey))).toString();
      String path = fs.makeQualified(p).toString();
      if (!path.startsWith(root.endsWith("/") ? root : root + "/")) {
        throw new InputException(
            "refusing to purge "
                + what
                + " "
                + path
                + ": it lies outside "
                + rootKey.name()
                + " ("
                + root
                + ")");
      }
    }
  }

  private static Set<String> recordedFiles(SparkSession spark, Lake lake, String batchId) {
    Set<String> names = new HashSet<>();
    for (Row r :
        spark
            .table(lake.table(TableNames.BATCH_FILES))
            .where(col("batch_id").equalTo(batchId))
            .select("file_name")
            .collectAsList()) {
      names.add(r.getString(0));
    }
    return names;
  }

  private static long number(Object o) {
    return o == null ? 0 : ((Number) o).longValue();
  }

  /** The rejected area must not lie inside what is deleted. */
  private static void guardRejected(FileSystem fs, Path rejected, Path staging, Path instance) {
    if (rejected == null) {
      return;
    }
    String r = fs.makeQualified(rejected).toString() + "/";
    for (Path p : new Path[] {staging, instance}) {
      if (p != null && r.startsWith(fs.makeQualified(p).toString() + "/")) {
        throw new InputException(
            "the rejected area "
                + rejected
                + " lies inside "
                + p
                + ", which the purge removes; move clicklake.rejected.root elsewhere");
      }
    }
  }

  /**
   * A file the batch rejected but that is still in staging (its move failed) would be lost: refuse.
   */
  private static void keepRejectedFiles(
      SparkSession spark, Lake lake, FileSystem fs, String batchId, Path staging)
      throws IOException {
    Set<String> rejectedNames = new HashSet<>();
    for (Row r :
        spark
            .table(lake.table(TableNames.BATCH_FILES))
            .where(col("batch_id").equalTo(batchId).and(col("status").equalTo("rejected")))
            .select("file_name")
            .collectAsList()) {
      rejectedNames.add(r.getString(0));
    }
    for (FileStatus f : fs.listStatus(staging)) {
      if (rejectedNames.contains(f.getPath().getName())) {
        throw new InputException(
            "batch "
                + batchId
                + ": rejected file "
                + f.getPath().getName()
                + " is still in "
                + staging
                + "; rerun CleanEventsJob to move it to the rejected area before purging");
      }
    }
  }

  /**
   * Removes the landing instance once it holds nothing but its done-flag (and other _ or . files).
   * Data files in it arrived after the batch was staged: they are a follow-up batch's, so the
   * instance and its done-flag stay for the next run to stage them.
   */
  private static String removeInstance(
      JobConfig config, Configuration hadoop, Roots roots, String batchId, Path instance)
      throws IOException {
    if (instance == null) {
      return "absent";
    }
    FileSystem fs = instance.getFileSystem(hadoop);
    if (!fs.exists(instance)) {
      return "absent";
    }
    FileStatus[] entries = fs.listStatus(instance);
    List<String> unstaged = new ArrayList<>();
    for (FileStatus f : entries) {
      String n = f.getPath().getName();
      if (!n.startsWith("_") && !n.startsWith(".")) {
        unstaged.add(n);
      }
    }
    if (!unstaged.isEmpty()) {
      // tells the Oozie workflow to run again for this instance (its late-files decision)
      fs.create(new Path(instance, StagingArea.FOLLOW_UP), true).close();
      LOG.warn(
          "batch {}: kept landing instance {}: {} file(s) arrived after the batch was staged ({});"
              + " the next run loads them as a follow-up batch",
          batchId,
          instance,
          unstaged.size(),
          String.join(", ", unstaged));
      return "kept (" + unstaged.size() + " file(s) for a follow-up batch)";
    }
    if (!config.isSet(Keys.ARCHIVE_ROOT)) {
      String flag = config.get(Keys.DONE_FLAG);
      for (FileStatus f : entries) {
        if (!f.getPath().getName().equals(flag)) {
          fs.delete(f.getPath(), true);
        }
      }
      fs.delete(new Path(instance, flag), false);
      try {
        if (!fs.delete(instance, false) && fs.exists(instance)) {
          throw new IOException("not empty");
        }
      } catch (IOException e) {
        // a file landed between the listing and the delete: the instance is complete again, keep it
        // for the next run
        fs.create(new Path(instance, flag), true).close();
        fs.create(new Path(instance, StagingArea.FOLLOW_UP), true).close();
        LOG.warn(
            "batch {}: a file landed in {} while it was purged; kept it with its done-flag for the"
                + " next run",
            batchId,
            instance);
        return "kept (a file landed during the purge)";
      }
      LOG.info("batch {}: deleted landing instance {}", batchId, instance);
      return "deleted";
    }
    Path target = new Path(config.get(Keys.ARCHIVE_ROOT), batchId);
    roots.check(target, "the archive directory", Keys.ARCHIVE_ROOT);
    FileSystem afs = target.getFileSystem(hadoop);
    if (!afs.getUri().equals(fs.getUri())) {
      throw new InputException(
          "expected the archive root on the landing filesystem "
              + fs.getUri()
              + " (the instance moves by rename), found "
              + afs.getUri());
    }
    if (!fs.exists(target)) {
      fs.mkdirs(target.getParent());
      if (!fs.rename(instance, target)) {
        throw new IOException("rename failed: " + instance + " -> " + target);
      }
    } else { // an earlier attempt moved part of it
      for (FileStatus f : fs.listStatus(instance)) {
        Path dst = new Path(target, f.getPath().getName());
        if (!fs.exists(dst) && !fs.rename(f.getPath(), dst)) {
          throw new IOException("rename failed: " + f.getPath() + " -> " + dst);
        }
      }
      fs.delete(instance, false);
    }
    LOG.info("batch {}: archived landing instance {} to {}", batchId, instance, target);
    return "archived";
  }

  /**
   * Sets the purge columns of the batch's pipeline_batches row (one autocommitted UPDATE, retried
   * on connection loss).
   */
  private static void recordInMySql(
      MySqlTarget target, String batchId, Map<String, Object> record) {
    int updated =
        target.retry(
            "recording the purge of batch " + batchId,
            () -> {
              try (Connection c = target.connectOnce(new Properties());
                  PreparedStatement ps =
                      c.prepareStatement(
                          "update pipeline_batches set purge_status = ?, purge_at = ?, purged_files"
                              + " = ?, purged_bytes = ?, finished_at = ?, status = ? where batch_id"
                              + " = ?")) {
                ps.setString(1, (String) record.get("purge_status"));
                ps.setString(2, time(record.get("purge_at")));
                ps.setObject(3, record.get("purged_files"));
                ps.setObject(4, record.get("purged_bytes"));
                ps.setString(5, time(record.get("finished_at")));
                ps.setString(6, (String) record.get("status"));
                ps.setString(7, batchId);
                return ps.executeUpdate();
              }
            });
    if (updated == 0) {
      LOG.warn(
          "batch {}: no pipeline_batches row in {} to record the purge in; a full-refresh export"
              + " publishes it",
          batchId,
          target);
    }
  }

  /** UTC, whole seconds: what the export publishes for the same value. */
  private static String time(Object ts) {
    return ts == null ? null : MYSQL_TIME.format(((Timestamp) ts).toInstant());
  }
}

package io.clicklake.job;

import static org.apache.spark.sql.functions.col;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.export.MySqlTarget;
import io.clicklake.io.BatchIds;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges a batch once its data is safely in MySQL (data contract section 7): only when the batch
 * record says {@code export_status = done}, deletes {@code <staging.root>/<batch>} and removes the
 * landing instance, or moves it to {@code <clicklake.archive.root>/<batch>} when that is set. The
 * rejected area is never touched. Records purge_status, purge_at, purged_files, purged_bytes,
 * finished_at and status {@code succeeded} in {@code batches} and, when {@code clicklake.mysql.url}
 * is set, in {@code pipeline_batches}. Costs one directory listing, one delete or rename per
 * directory and one Iceberg commit. A rerun finishes what is left and writes the same values.
 */
public final class PurgeStagingJob extends SparkJob<PurgeStagingJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(PurgeStagingJob.class);
  static final String STAGE = "purge";
  private static final DateTimeFormatter MYSQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** What one purge did. */
  public static final class Result {
    public final String batchId;
    public final long purgedFiles;
    public final long purgedBytes;
    /** deleted | archived | absent */
    public final String instance;
    public final boolean alreadyDone;

    Result(String batchId, long purgedFiles, long purgedBytes, String instance, boolean alreadyDone) {
      this.batchId = batchId;
      this.purgedFiles = purgedFiles;
      this.purgedBytes = purgedBytes;
      this.instance = instance;
      this.alreadyDone = alreadyDone;
    }

    @Override
    public String toString() {
      return "PurgeStagingJob.Result{batch=" + batchId + (alreadyDone ? " (already done)" : "") + ", purged files=" + purgedFiles
          + ", bytes=" + purgedBytes + ", instance " + instance + "}";
    }
  }

  public static void main(String[] args) {
    main(new PurgeStagingJob(), args);
  }

  @Override
  public String stage() {
    return STAGE;
  }

  @Override
  public Result run(SparkSession spark, JobConfig config) {
    String batchId = BatchIds.of(config);
    Lake lake = Lake.configure(spark, config);
    lake.ensure(spark, TableNames.INGEST);
    BatchLedger ledger = new BatchLedger(spark, lake);
    Map<String, Object> batch =
        ledger.read(batchId).orElseThrow(() -> new InputException("batch " + batchId + " is unknown; nothing to purge"));
    if (!BatchLedger.DONE.equals(batch.get("export_status"))) {
      throw new InputException(
          "batch " + batchId + ": the export stage is not done (export_status=" + batch.get("export_status")
              + "); its staged files are kept. Run ExportMartsJob for it first");
    }
    boolean wasDone = BatchLedger.DONE.equals(batch.get("purge_status"));
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path staging = StageLandingJob.stagingDir(config, batchId);
    String inst = config.instance() != null ? config.instance() : (String) batch.get("instance_path");
    Path instance = inst == null || inst.isEmpty() ? null : new Path(inst);
    Path rejected = config.isSet(Keys.REJECTED_ROOT) ? new Path(config.get(Keys.REJECTED_ROOT), batchId) : null;

    long files;
    long bytes;
    String instanceOutcome;
    try {
      FileSystem fs = staging.getFileSystem(hadoop);
      guardRejected(fs, rejected, staging, instance);
      files = 0;
      bytes = 0;
      if (fs.exists(staging)) {
        keepRejectedFiles(spark, lake, fs, batchId, staging);
        ContentSummary cs = fs.getContentSummary(staging);
        files = cs.getFileCount();
        bytes = cs.getLength();
        if (!fs.delete(staging, true)) {
          throw new IOException("delete failed: " + staging);
        }
        LOG.info("batch {}: deleted {} ({} file(s), {} bytes)", batchId, staging, files, bytes);
      }
      instanceOutcome = removeInstance(config, hadoop, batchId, instance);
    } catch (IOException e) {
      throw new UncheckedIOException("purging batch " + batchId + " failed: " + e.getMessage(), e);
    }

    Map<String, Object> record = new LinkedHashMap<>(batch);
    if (!wasDone || files > 0) {
      Timestamp now = BatchLedger.now();
      Map<String, Object> changes = new LinkedHashMap<>();
      changes.put("purge_status", BatchLedger.DONE);
      changes.put("purge_at", wasDone && batch.get("purge_at") != null ? batch.get("purge_at") : now);
      changes.put("purged_files", (int) (files + number(batch.get("purged_files"))));
      changes.put("purged_bytes", bytes + number(batch.get("purged_bytes")));
      changes.put("finished_at", wasDone && batch.get("finished_at") != null ? batch.get("finished_at") : now);
      changes.put("status", "succeeded");
      ledger.update(batchId, STAGE, changes);
      record.putAll(changes);
    }
    if (config.isSet(Keys.MYSQL_URL)) {
      recordInMySql(MySqlTarget.from(config, hadoop), batchId, record);
    }
    Result r = new Result(batchId, number(record.get("purged_files")), number(record.get("purged_bytes")), instanceOutcome, wasDone);
    LOG.info("{}", r);
    return r;
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
        throw new InputException("the rejected area " + rejected + " lies inside " + p + ", which the purge removes; move clicklake.rejected.root elsewhere");
      }
    }
  }

  /** A file the batch rejected but that is still in staging (its move failed) would be lost: refuse. */
  private static void keepRejectedFiles(SparkSession spark, Lake lake, FileSystem fs, String batchId, Path staging) throws IOException {
    Set<String> rejectedNames = new HashSet<>();
    for (Row r :
        spark.table(lake.table(TableNames.BATCH_FILES))
            .where(col("batch_id").equalTo(batchId).and(col("status").equalTo("rejected")))
            .select("file_name")
            .collectAsList()) {
      rejectedNames.add(r.getString(0));
    }
    for (FileStatus f : fs.listStatus(staging)) {
      if (rejectedNames.contains(f.getPath().getName())) {
        throw new InputException(
            "batch " + batchId + ": rejected file " + f.getPath().getName() + " is still in " + staging
                + "; rerun CleanEventsJob to move it to the rejected area before purging");
      }
    }
  }

  private static String removeInstance(JobConfig config, Configuration hadoop, String batchId, Path instance) throws IOException {
    if (instance == null) {
      return "absent";
    }
    FileSystem fs = instance.getFileSystem(hadoop);
    if (!fs.exists(instance)) {
      return "absent";
    }
    if (!config.isSet(Keys.ARCHIVE_ROOT)) {
      if (!fs.delete(instance, true)) {
        throw new IOException("delete failed: " + instance);
      }
      LOG.info("batch {}: deleted landing instance {}", batchId, instance);
      return "deleted";
    }
    Path target = new Path(config.get(Keys.ARCHIVE_ROOT), batchId);
    FileSystem afs = target.getFileSystem(hadoop);
    if (!afs.getUri().equals(fs.getUri())) {
      throw new InputException("expected the archive root on the landing filesystem " + fs.getUri() + " (the instance moves by rename), found " + afs.getUri());
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
      fs.delete(instance, true);
    }
    LOG.info("batch {}: archived landing instance {} to {}", batchId, instance, target);
    return "archived";
  }

  /** Sets the purge columns of the batch's pipeline_batches row (one autocommitted UPDATE, retried on connection loss). */
  private static void recordInMySql(MySqlTarget target, String batchId, Map<String, Object> record) {
    int updated =
        target.retry("recording the purge of batch " + batchId, () -> {
          try (Connection c = target.connectOnce(new Properties());
              PreparedStatement ps =
                  c.prepareStatement(
                      "update pipeline_batches set purge_status = ?, purge_at = ?, purged_files = ?, purged_bytes = ?, finished_at = ?, status = ?"
                          + " where batch_id = ?")) {
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
      LOG.warn("batch {}: no pipeline_batches row in {} to record the purge in; a full-refresh export publishes it", batchId, target);
    }
  }

  /** UTC, whole seconds: what the export publishes for the same value. */
  private static String time(Object ts) {
    return ts == null ? null : MYSQL_TIME.format(((Timestamp) ts).toInstant());
  }
}

package io.clicklake.job;

import io.clicklake.config.ConfigException;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.actions.RewriteManifests;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Iceberg housekeeping for every table, through Iceberg's typed {@link SparkActions}: compacts
 * small data files (and applies merge-on-read deletes), rewrites manifests, expires old snapshots
 * and removes orphan files. Its cost is the compaction: {@code
 * clicklake.maintain.target-file-bytes} sets the size it aims at.
 *
 * <p>Safe defaults: snapshots are expired only when older than {@code
 * clicklake.maintain.expire-older-than-hours} (120 h) and the last {@code retain-last} (10) are
 * always kept; orphan files are removed only when older than {@code orphan-older-than-hours} (72
 * h), far longer than the longest write, so files of a write in flight are never taken. Expiring a
 * batch's snapshots is harmless: the {@code batches} record marks finished stages, and a stage that
 * failed half-way knows what it wrote from the tables' own rows and {@code batch_commits}, not from
 * snapshot tags alone. Query results are unchanged by every step.
 */
public final class MaintainTablesJob extends SparkJob<MaintainTablesJob.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(MaintainTablesJob.class);

  /** What each step did, per table. */
  public static final class Result {
    public final Map<String, Map<String, Long>> perTable;

    Result(Map<String, Map<String, Long>> perTable) {
      this.perTable = Collections.unmodifiableMap(perTable);
    }

    public long total(String metric) {
      return perTable.values().stream().mapToLong(m -> m.getOrDefault(metric, 0L)).sum();
    }

    @Override
    public String toString() {
      return "MaintainTablesJob.Result{rewrittenDataFiles="
          + total("rewritten_data_files")
          + ", addedDataFiles="
          + total("added_data_files")
          + ", rewrittenManifests="
          + total("rewritten_manifests")
          + ", expiredDataFiles="
          + total("expired_data_files")
          + ", orphanFiles="
          + total("orphan_files")
          + ", tables="
          + perTable.size()
          + "}";
    }
  }

  public static void main(String[] args) {
    main(new MaintainTablesJob(), args);
  }

  /** One maintenance run at a time (bin/pipeline unlock maintain removes a lost one). */
  @Override
  public String lockName() {
    return "maintain";
  }

  @Override
  public Result run(SparkSession spark, JobConfig config) {
    Lake lake = Lake.configure(spark, config);
    lake.ensure(spark, TableNames.all());
    // Cutoffs are instants (epoch milliseconds), so no time zone can shift them: neither the JVM's
    // nor Spark's.
    long now = System.currentTimeMillis();
    long expireBefore =
        now - TimeUnit.HOURS.toMillis(config.getLong(Keys.MAINT_SNAPSHOT_AGE_HOURS));
    long orphanBefore = now - TimeUnit.HOURS.toMillis(config.getLong(Keys.MAINT_ORPHAN_AGE_HOURS));
    int retainLast = config.getInt(Keys.MAINT_RETAIN_LAST);
    String target = String.valueOf(config.getLong(Keys.MAINT_TARGET_FILE_BYTES));
    SparkActions actions = SparkActions.get(spark);
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    for (String t : tables(config)) {
      Table table = lake.iceberg(spark, t);
      RewriteDataFiles.Result compacted =
          actions
              .rewriteDataFiles(table)
              .option(RewriteDataFiles.TARGET_FILE_SIZE_BYTES, target)
              .option("min-input-files", "2")
              .option("delete-file-threshold", "1")
              .execute();
      RewriteManifests.Result manifests = actions.rewriteManifests(table).execute();
      ExpireSnapshots.Result expired =
          actions
              .expireSnapshots(table)
              .expireOlderThan(expireBefore)
              .retainLast(retainLast)
              .execute();
      DeleteOrphanFiles.Result orphans =
          actions.deleteOrphanFiles(table).olderThan(orphanBefore).execute();
      Map<String, Long> m = new LinkedHashMap<>();
      m.put("rewritten_data_files", (long) compacted.rewrittenDataFilesCount());
      m.put("added_data_files", (long) compacted.addedDataFilesCount());
      m.put("rewritten_manifests", count(manifests.rewrittenManifests()));
      m.put("expired_data_files", expired.deletedDataFilesCount());
      m.put("orphan_files", count(orphans.orphanFileLocations()));
      out.put(t, m);
      // the catalog's cached copy of the table must see the commits made through this one
      spark.catalog().refreshTable(lake.table(t));
    }
    Result result = new Result(out);
    LOG.info("{}", result);
    return result;
  }

  /** The tables to maintain: {@code clicklake.maintain.tables}, or every table. */
  private static List<String> tables(JobConfig config) {
    if (!config.isSet(Keys.MAINT_TABLES)) {
      return TableNames.all();
    }
    List<String> tables = Arrays.asList(config.get(Keys.MAINT_TABLES).trim().split("\\s*,\\s*"));
    for (String t : tables) {
      if (!TableNames.all().contains(t)) {
        throw new ConfigException(
            Keys.MAINT_TABLES.name()
                + " expects names from "
                + TableNames.all()
                + ", found '"
                + t
                + "'");
      }
    }
    return tables;
  }

  private static long count(Iterable<?> items) {
    long n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}

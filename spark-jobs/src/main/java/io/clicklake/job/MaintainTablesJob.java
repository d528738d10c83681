package io.clicklake.job;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Iceberg housekeeping for every table: compacts small data files (and applies merge-on-read
 * deletes), rewrites manifests, expires old snapshots and removes orphan files.
 *
 * <p>Safe defaults: snapshots are expired only when older than {@code
 * clicklake.maintain.expire-older-than-hours} (120 h) and the last {@code retain-last} (10) are
 * always kept; orphan files are removed only when older than {@code orphan-older-than-hours} (72 h),
 * far longer than the longest write, so files of a write in flight are never taken. Expiring a
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
      return "MaintainTablesJob.Result{rewrittenDataFiles=" + total("rewritten_data_files") + ", addedDataFiles=" + total("added_data_files")
          + ", rewrittenManifests=" + total("rewritten_manifests") + ", expiredDataFiles=" + total("expired_data_files")
          + ", orphanFiles=" + total("orphan_files") + ", tables=" + perTable.size() + "}";
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
    String cat = lake.catalog();
    Instant now = Instant.now();
    Timestamp expireBefore = Timestamp.from(now.minus(config.getLong(Keys.MAINT_SNAPSHOT_AGE_HOURS), ChronoUnit.HOURS));
    Timestamp orphanBefore = Timestamp.from(now.minus(config.getLong(Keys.MAINT_ORPHAN_AGE_HOURS), ChronoUnit.HOURS));
    int retainLast = config.getInt(Keys.MAINT_RETAIN_LAST);
    long target = config.getLong(Keys.MAINT_TARGET_FILE_BYTES);
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    java.util.List<String> tables =
        config.isSet(Keys.MAINT_TABLES) ? java.util.Arrays.asList(config.get(Keys.MAINT_TABLES).split("\\s*,\\s*")) : TableNames.all();
    for (String t : tables) {
      if (!TableNames.all().contains(t)) {
        throw new io.clicklake.config.ConfigException(Keys.MAINT_TABLES.name() + " expects names from " + TableNames.all() + ", found '" + t + "'");
      }
      String ident = lake.namespace() + "." + t;
      Map<String, Long> m = new LinkedHashMap<>();
      Row r = spark.sql("call " + cat + ".system.rewrite_data_files(table => '" + ident + "', options => map("
          + "'target-file-size-bytes', '" + target + "', 'min-input-files', '2', 'delete-file-threshold', '1'))").first();
      m.put("rewritten_data_files", ((Number) r.get(0)).longValue());
      m.put("added_data_files", ((Number) r.get(1)).longValue());
      Row mf = spark.sql("call " + cat + ".system.rewrite_manifests('" + ident + "')").first();
      m.put("rewritten_manifests", ((Number) mf.get(0)).longValue());
      Row ex = spark.sql("call " + cat + ".system.expire_snapshots(table => '" + ident + "', older_than => timestamp '" + expireBefore
          + "', retain_last => " + retainLast + ")").first();
      m.put("expired_data_files", ((Number) ex.get(0)).longValue());
      long orphans = spark.sql("call " + cat + ".system.remove_orphan_files(table => '" + ident + "', older_than => timestamp '" + orphanBefore
          + "')").count();
      m.put("orphan_files", orphans);
      out.put(t, m);
    }
    Result result = new Result(out);
    LOG.info("{}", result);
    return result;
  }
}

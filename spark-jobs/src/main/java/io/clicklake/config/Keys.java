package io.clicklake.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every configuration key the jobs read, with its default and documentation. This class is the one
 * place keys are defined (docs/configuration.md lists them; KeysDocTest fails when it misses one),
 * and an unknown {@code clicklake.*} key is an error.
 */
public final class Keys {
  private static final Map<String, ConfigKey> ALL = new LinkedHashMap<>();

  private static ConfigKey key(String name, String def, String doc) {
    ConfigKey k = new ConfigKey(name, def, doc, false);
    ALL.put(name, k);
    return k;
  }

  private static ConfigKey secret(String name, String doc) {
    ConfigKey k = new ConfigKey(name, null, doc, true);
    ALL.put(name, k);
    return k;
  }

  // ---- catalog ----
  public static final ConfigKey CATALOG_NAME =
      key("clicklake.catalog.name", "lake", "Spark catalog name the Iceberg tables live in.");
  public static final ConfigKey CATALOG_TYPE =
      key(
          "clicklake.catalog.type",
          "hadoop",
          "Iceberg catalog type: hadoop (tables on the warehouse path) or hive (a Hive"
              + " metastore).");
  public static final ConfigKey CATALOG_WAREHOUSE =
      key(
          "clicklake.catalog.warehouse",
          null,
          "Warehouse URI, e.g. hdfs://nn:8020/warehouse or file:///tmp/warehouse. Required for the"
              + " hadoop catalog.");
  public static final ConfigKey CATALOG_URI =
      key(
          "clicklake.catalog.uri",
          null,
          "Hive metastore URI (thrift://host:9083) for the hive catalog type.");
  public static final ConfigKey NAMESPACE =
      key(
          "clicklake.namespace",
          "clickstream",
          "Namespace (database) of the tables inside the catalog.");

  // ---- paths ----
  public static final ConfigKey LANDING_ROOT =
      key(
          "clicklake.landing.root",
          null,
          "Root of the landing area; instances are directories below it (yyyy/MM/dd/HH).");
  public static final ConfigKey STAGING_ROOT =
      key(
          "clicklake.staging.root",
          null,
          "Root of the staging area; each batch gets <root>/<batch-id>. Must be on the landing"
              + " filesystem (files move by rename).");
  public static final ConfigKey REJECTED_ROOT =
      key(
          "clicklake.rejected.root",
          null,
          "Root of the rejected area; rejected files go to <root>/<batch-id>/ with a .reason"
              + " file.");
  public static final ConfigKey ARCHIVE_ROOT =
      key(
          "clicklake.archive.root",
          "",
          "When set, the purge moves the landing instance here instead of deleting it.");
  public static final ConfigKey DONE_FLAG =
      key(
          "clicklake.done-flag",
          "_READY",
          "Name of the file that marks a landing instance complete.");
  public static final ConfigKey BATCH_ID =
      key(
          "clicklake.batch-id",
          "",
          "Override of the batch id; by default derived from the instance path relative to the"
              + " landing root.");

  // ---- cleaning ----
  public static final ConfigKey SPLIT_BYTES =
      key(
          "clicklake.clean.split-bytes",
          "67108864",
          "Plain .csv files are parsed in chunks of about this many bytes, one Spark task each"
              + " (gzip files are one task).");
  public static final ConfigKey SHUFFLE_PARTITIONS =
      key(
          "clicklake.shuffle-partitions",
          "",
          "spark.sql.shuffle.partitions for the jobs; empty keeps Spark's (adaptive execution"
              + " coalesces anyway).");

  // ---- marts ----
  public static final ConfigKey FULL_REFRESH =
      key(
          "clicklake.full-refresh",
          "false",
          "Marts and export: rebuild from all events instead of merging what the batch touched.");

  // ---- MySQL export ----
  public static final ConfigKey MYSQL_URL =
      key(
          "clicklake.mysql.url",
          null,
          "JDBC URL of the MySQL 8 / MariaDB database, e.g. jdbc:mysql://db:3306/clickstream.");
  public static final ConfigKey MYSQL_USER =
      key("clicklake.mysql.user", "root", "MySQL user of the export.");
  public static final ConfigKey MYSQL_PASSWORD =
      secret(
          "clicklake.mysql.password",
          "Password given directly; only for the local runner's --mysql-password. Never put it in a"
              + " file: use the file, env or alias keys.");
  public static final ConfigKey MYSQL_PASSWORD_ENV =
      key(
          "clicklake.mysql.password.env",
          "CLICKLAKE_MYSQL_PASSWORD",
          "Environment variable the password is read from, if set.");
  public static final ConfigKey MYSQL_PASSWORD_FILE =
      key(
          "clicklake.mysql.password.file",
          "",
          "File (local or HDFS URI) whose first line is the password.");
  public static final ConfigKey MYSQL_PASSWORD_ALIAS =
      key(
          "clicklake.mysql.password.alias",
          "",
          "Alias looked up with Hadoop Configuration.getPassword through"
              + " hadoop.security.credential.provider.path.");
  public static final ConfigKey EXPORT_METHOD =
      key(
          "clicklake.export.method",
          "load-data",
          "How rows reach the staging tables: load-data (LOAD DATA LOCAL INFILE streamed per"
              + " partition) or batch (rewritten batched INSERTs).");
  public static final ConfigKey EXPORT_PARALLELISM =
      key(
          "clicklake.export.parallelism",
          "2",
          "Concurrent JDBC connections loading the staging tables.");
  public static final ConfigKey EXPORT_BATCH_SIZE =
      key(
          "clicklake.export.batch-size",
          "10000",
          "Rows per INSERT batch (batch method) or per LOAD DATA statement (load-data method).");
  public static final ConfigKey EXPORT_RETRIES =
      key(
          "clicklake.export.retries",
          "3",
          "Attempts for a transient connection loss, with exponential backoff.");
  public static final ConfigKey EXPORT_RETRY_BACKOFF_MS =
      key(
          "clicklake.export.retry-backoff-ms",
          "1000",
          "First backoff between attempts; doubles each time.");
  public static final ConfigKey EXPORT_LOCK_WAIT_TIMEOUT_SECONDS =
      key(
          "clicklake.export.lock-wait-timeout-seconds",
          "60",
          "Longest the publish (upsert transaction or RENAME swap) waits in all for readers' table"
              + " and row locks, in attempts of at most 5 s; then the export fails, publishing"
              + " nothing.");

  // ---- maintenance ----
  public static final ConfigKey MAINT_SNAPSHOT_AGE_HOURS =
      key(
          "clicklake.maintain.expire-older-than-hours",
          "120",
          "Expire snapshots older than this (the last snapshots are always kept).");
  public static final ConfigKey MAINT_RETAIN_LAST =
      key("clicklake.maintain.retain-last", "10", "Snapshots always kept per table.");
  public static final ConfigKey MAINT_ORPHAN_AGE_HOURS =
      key(
          "clicklake.maintain.orphan-older-than-hours",
          "72",
          "Remove orphan files only older than this: longer than the longest write.");
  public static final ConfigKey MAINT_TABLES =
      key(
          "clicklake.maintain.tables",
          "",
          "Comma-separated tables to maintain; empty = every table.");
  public static final ConfigKey MAINT_TARGET_FILE_BYTES =
      key(
          "clicklake.maintain.target-file-bytes",
          "134217728",
          "Target size when rewriting small data files.");

  // ---- locks ----
  public static final ConfigKey LOCK_WAIT_SECONDS =
      key(
          "clicklake.lock.wait-seconds",
          "0",
          "How long a run waits for a step's lock (the HDFS lease or the MySQL export lock) held by"
              + " another run; 0 fails at once with exit code 2, naming the holder.");
  public static final ConfigKey LOCK_STALE_SECONDS =
      key(
          "clicklake.lock.stale-seconds",
          "300",
          "A lease its holder has not renewed for this long is stale and the next run breaks it"
              + " (holders renew every 10 s; a lease of a dead process on the same host is broken"
              + " at once).");

  // ---- testing hooks ----
  public static final ConfigKey FAIL_AFTER =
      key(
          "clicklake.test.fail-after",
          "",
          "Fault injection for tests: throw after the named step (e.g. events, quarantine,"
              + " export-stage-half, export-publish). Never set in production.");

  private Keys() {}

  public static Map<String, ConfigKey> all() {
    return Collections.unmodifiableMap(ALL);
  }
}

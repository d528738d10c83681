package io.clicklake.table;

import io.clicklake.config.ConfigException;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lakehouse as the jobs see it: the catalog and namespace from configuration, qualified table
 * names, creation of missing tables from iceberg-ddl/, and the batch tags on Iceberg commits that
 * make retries safe.
 */
public final class Lake {
  private static final Logger LOG = LoggerFactory.getLogger(Lake.class);
  public static final String TAG_BATCH = "clicklake.batch-id";
  public static final String TAG_STAGE = "clicklake.stage";
  static final String REQUIRE_ALL_CLUSTER_KEYS = "spark.sql.requireAllClusterKeysForDistribution";

  private final String catalog;
  private final String namespace;

  private Lake(String catalog, String namespace) {
    this.catalog = catalog;
    this.namespace = namespace;
  }

  /**
   * Points the session's catalog at the configured warehouse (runtime conf; catalogs load lazily).
   */
  public static Lake configure(SparkSession spark, JobConfig config) {
    String name = config.require(Keys.CATALOG_NAME);
    String type = config.require(Keys.CATALOG_TYPE);
    String prefix = "spark.sql.catalog." + name;
    boolean preset = spark.conf().contains(prefix);
    if (config.isSet(Keys.CATALOG_WAREHOUSE) || config.isSet(Keys.CATALOG_URI) || !preset) {
      spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
      switch (type) {
        case "hadoop":
          spark.conf().set(prefix + ".type", "hadoop");
          spark.conf().set(prefix + ".warehouse", config.require(Keys.CATALOG_WAREHOUSE));
          break;
        case "hive":
          spark.conf().set(prefix + ".type", "hive");
          if (config.isSet(Keys.CATALOG_URI)) {
            spark.conf().set(prefix + ".uri", config.get(Keys.CATALOG_URI));
          }
          if (config.isSet(Keys.CATALOG_WAREHOUSE)) {
            spark.conf().set(prefix + ".warehouse", config.get(Keys.CATALOG_WAREHOUSE));
          }
          break;
        default:
          throw new ConfigException(
              Keys.CATALOG_TYPE.name() + " expects hadoop or hive, found '" + type + "'");
      }
    }
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    // The marts aggregate by (day, key, session) and then by day. Where the input is already
    // partitioned by day (a shuffled join on the day did that, and sent a whole day to one task),
    // Spark would reuse that partitioning for the aggregate too; with this, an aggregate always
    // shuffles by all its keys. A value set in spark-defaults.conf or --conf is kept.
    if (!spark.conf().contains(REQUIRE_ALL_CLUSTER_KEYS)) {
      spark.conf().set(REQUIRE_ALL_CLUSTER_KEYS, "true");
    }
    if (config.isSet(Keys.SHUFFLE_PARTITIONS)) {
      spark.conf().set("spark.sql.shuffle.partitions", config.get(Keys.SHUFFLE_PARTITIONS));
    }
    return new Lake(name, config.require(Keys.NAMESPACE));
  }

  public String table(String name) {
    return catalog + "." + namespace + "." + name;
  }

  public String catalog() {
    return catalog;
  }

  public String namespace() {
    return namespace;
  }

  /** Tables this JVM already created or found, per session: checked once, not at every stage. */
  private static final java.util.Set<String> ENSURED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Creates the namespace and every given table that is missing, from its DDL file. */
  public void ensure(SparkSession spark, Iterable<String> tables) {
    // a hive catalog is known by its metastore (its warehouse may be unset), a hadoop one by its
    // warehouse
    String prefix = "spark.sql.catalog." + catalog;
    String session =
        Integer.toHexString(System.identityHashCode(spark))
            + ":"
            + spark.conf().get(prefix + ".warehouse", "")
            + ":"
            + spark.conf().get(prefix + ".uri", "");
    if (ENSURED.add(session + ":" + catalog + "." + namespace)) {
      spark.sql("create namespace if not exists " + catalog + "." + namespace);
    }
    for (String t : tables) {
      if (ENSURED.add(session + ":" + table(t))) {
        spark.sql(ddl(t));
        evolve(spark, t);
        if (t.equals(TableNames.EVENTS)) {
          fillEventKeys(spark);
        }
      }
    }
  }

  /**
   * Fills the fact's key columns ({@link EventKeys}) of events that a release before them loaded,
   * once: Iceberg's column metrics skip every file without a NULL date_key, so a lake with none
   * costs one planning step.
   */
  private void fillEventKeys(SparkSession spark) {
    if (spark.table(table(TableNames.EVENTS)).where("date_key is null").isEmpty()) {
      return;
    }
    spark.sql(
        "update "
            + table(TableNames.EVENTS)
            + " set date_key = "
            + EventKeys.DATE_KEY
            + ", brand_key = "
            + EventKeys.BRAND_KEY
            + ", revenue = "
            + EventKeys.REVENUE
            + " where date_key is null");
    LOG.info(
        "{}: filled date_key, brand_key and revenue of earlier events", table(TableNames.EVENTS));
  }

  /**
   * Brings an existing table up to its DDL where the DDL grew: {@code create table if not exists}
   * leaves a table created by an older version as it was. Two changes only, both safe on a live
   * Iceberg table (metadata only, no rewrite, old snapshots stay readable): a column of the DDL
   * that the table lacks is added at the DDL's position (e.g. batches.q_bad_session after
   * q_missing_session), and a decimal column narrower than the DDL's is widened to its precision,
   * same scale (e.g. revenue decimal(14,2) to decimal(18,2)). Any other difference is left alone.
   * Idempotent; a concurrent job applying the same change is tolerated.
   */
  void evolve(SparkSession spark, String t) {
    String previous = null;
    Schema schema = iceberg(spark, t).schema();
    for (String[] c : ddlColumns(ddl(t))) {
      String name = c[0];
      String change = change(schema, name, c[1], c[2], previous);
      if (change != null) {
        String sql = "alter table " + table(t) + " " + change;
        try {
          spark.sql(sql);
          LOG.info("{}: {}", table(t), change);
        } catch (RuntimeException e) {
          if (change(iceberg(spark, t).schema(), name, c[1], c[2], previous) != null) {
            throw new IllegalStateException(
                "cannot bring " + table(t) + " up to its DDL with '" + sql + "': " + e.getMessage(),
                e);
          }
          // another job made the same change first
        }
        schema = iceberg(spark, t).schema();
      }
      previous = name;
    }
  }

  /**
   * The alter clause that brings column {@code name} to {@code type}, or null when nothing is to
   * do.
   */
  private static String change(
      Schema schema, String name, String type, String comment, String previous) {
    Types.NestedField f = schema.findField(name);
    if (f == null) {
      return "add column "
          + name
          + " "
          + type
          + (comment.isEmpty() ? "" : " " + comment)
          + (previous == null ? " first" : " after " + previous);
    }
    Matcher d = DECIMAL.matcher(type);
    if (d.matches() && f.type() instanceof Types.DecimalType) {
      Types.DecimalType have = (Types.DecimalType) f.type();
      int precision = Integer.parseInt(d.group(1));
      if (have.scale() == Integer.parseInt(d.group(2)) && have.precision() < precision) {
        return "alter column " + name + " type " + type;
      }
    }
    return null;
  }

  private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),\\s*(\\d+)\\)");

  /**
   * A column line of a DDL file: two-space indent, name, type (a decimal, a map or a plain word),
   * comment.
   */
  private static final Pattern COLUMN =
      Pattern.compile(
          "^  ([a-z_][a-z0-9_]*)\\s+(decimal\\(\\d+,\\s*\\d+\\)|map<[^>]*>|[a-z]+)\\s*(comment\\s+'(?:[^']|'')*')?\\s*,?\\s*$");

  /**
   * Name, type and comment clause ("" when none) of each column of a create-table DDL, in order.
   */
  static List<String[]> ddlColumns(String ddl) {
    List<String[]> out = new ArrayList<>();
    boolean inColumns = false;
    for (String line : ddl.split("\n")) {
      if (!inColumns) {
        inColumns = line.startsWith("create table") && line.trim().endsWith("(");
        continue;
      }
      if (line.startsWith(")")) {
        break;
      }
      Matcher m = COLUMN.matcher(line);
      if (m.matches()) {
        out.add(new String[] {m.group(1), m.group(2), m.group(3) == null ? "" : m.group(3)});
      }
    }
    return out;
  }

  /** The DDL of a table, placeholders filled. */
  public String ddl(String table) {
    String res = "iceberg-ddl/" + table + ".sql";
    try (InputStream in = Lake.class.getClassLoader().getResourceAsStream(res)) {
      if (in == null) {
        throw new IllegalStateException("DDL resource " + res + " is missing from the classpath");
      }
      String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      StringBuilder out = new StringBuilder();
      for (String line : sql.split("\n")) {
        if (!line.strip().startsWith("--")) {
          out.append(line).append('\n');
        }
      }
      return out.toString()
          .replace("${catalog}", catalog)
          .replace("${namespace}", namespace)
          .trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + res, e);
    }
  }

  /** The Iceberg table behind a name, refreshed (metadata only, no Spark job). */
  public Table iceberg(SparkSession spark, String table) {
    try {
      Table t = Spark3Util.loadIcebergTable(spark, table(table));
      t.refresh();
      return t;
    } catch (ParseException | NoSuchTableException e) {
      throw new IllegalStateException("cannot load table " + table(table), e);
    }
  }

  /**
   * The tables among {@code tables} this batch's stage already committed its write to: a live
   * snapshot carries its tag, or {@code batch_commits} recorded it (one query for all the tables).
   * Snapshot expiry removes tags but never rows of {@code batch_commits}, so the answer does not
   * depend on what maintenance did since the write; a write is recorded there right after its
   * commit, and a crash in between is caught by its tag while maintenance keeps that snapshot.
   */
  public java.util.Set<String> committedTables(
      SparkSession spark, java.util.List<String> tables, String batchId, String stage) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (String t : tables) {
      for (Snapshot s : iceberg(spark, t).snapshots()) {
        if (batchId.equals(s.summary().get(TAG_BATCH))
            && stage.equals(s.summary().get(TAG_STAGE))) {
          out.add(t);
          break;
        }
      }
    }
    for (org.apache.spark.sql.Row r :
        spark
            .table(table(TableNames.BATCH_COMMITS))
            .where(
                org.apache
                    .spark
                    .sql
                    .functions
                    .col("batch_id")
                    .equalTo(batchId)
                    .and(org.apache.spark.sql.functions.col("stage").equalTo(stage)))
            .select("table_name")
            .collectAsList()) {
      out.add(r.getString(0));
    }
    out.retainAll(tables);
    return out;
  }

  /**
   * Records in {@code batch_commits} that this batch's stage committed to the table (the snapshot
   * tagged with it, and the records it added). Call right after the write.
   */
  public void recordCommit(SparkSession spark, String table, String batchId, String stage) {
    Snapshot tagged = null;
    for (Snapshot s : iceberg(spark, table).snapshots()) {
      if (batchId.equals(s.summary().get(TAG_BATCH)) && stage.equals(s.summary().get(TAG_STAGE))) {
        tagged = s;
      }
    }
    long snapshotId = tagged == null ? -1 : tagged.snapshotId();
    long rows =
        tagged == null ? 0 : Long.parseLong(tagged.summary().getOrDefault("added-records", "0"));
    appendDirect(
        spark,
        TableNames.BATCH_COMMITS,
        java.util.List.of(
            Map.of(
                "batch_id", batchId,
                "stage", stage,
                "table_name", table,
                "snapshot_id", snapshotId,
                "rows_written", rows,
                "committed_at", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC))),
        batchId,
        stage);
  }

  /**
   * Appends a few bookkeeping rows (column name to value) to an unpartitioned table in one commit
   * tagged with the batch and stage, without a Spark job ({@link DirectWrite}).
   */
  public void appendDirect(
      SparkSession spark,
      String table,
      List<Map<String, Object>> rows,
      String batchId,
      String stage) {
    DirectWrite.append(iceberg(spark, table), rows, Map.of(TAG_BATCH, batchId, TAG_STAGE, stage));
  }

  /**
   * Records added by the table's latest commit if that commit is this batch's stage, else 0
   * (nothing was committed).
   */
  public long addedRecords(SparkSession spark, String table, String batchId, String stage) {
    Snapshot s = iceberg(spark, table).currentSnapshot();
    if (s == null
        || !batchId.equals(s.summary().get(TAG_BATCH))
        || !stage.equals(s.summary().get(TAG_STAGE))) {
      return 0;
    }
    return Long.parseLong(s.summary().getOrDefault("added-records", "0"));
  }

  /** Runs a write whose Iceberg commits carry the batch id and stage in their snapshot summary. */
  public static <T> T tagged(String batchId, String stage, Callable<T> write) {
    try {
      return CommitMetadata.withCommitProperties(
          Map.of(TAG_BATCH, batchId, TAG_STAGE, stage), write, Exception.class);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

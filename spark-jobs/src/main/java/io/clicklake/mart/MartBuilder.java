package io.clicklake.mart;

import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the star schema and the marts from the model files ({@link Models}: {@code
 * models/staging}, {@code star}, {@code marts}), incrementally for one batch or as a full refresh.
 * It registers the events as the source {@code events}, creates the staging views, then writes the
 * tables, three at a time, each as soon as the tables it reads are written.
 *
 * <p>The models' parameters, each substituted as an SQL literal:
 *
 * <ul>
 *   <li>{@code ${batch_id}}: the batch being folded in (the label of a full refresh), written to
 *       updated_batch_id;
 *   <li>{@code ${full_refresh}}: true when the models read every event, false when only the
 *       batch's;
 *   <li>{@code ${first_day}}, {@code ${day_after_last}}: midnight (UTC) of the batch's first
 *       event's day and of the day after its last event's, NULL when the batch is empty or on a
 *       full refresh. The daily funnel reads all events of that range.
 * </ul>
 */
public final class MartBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(MartBuilder.class);
  private static final String EVENTS_VIEW = "clicklake_events";
  private static final String MERGE_SRC = "clicklake_merge_src";
  private static final String STAGE = "marts";

  /** The relations the builder provides: the models read them by ref like a model. */
  private static final Set<String> SOURCES = Set.of(TableNames.EVENTS);

  private static final String NULL_TIMESTAMP = "cast(null as timestamp)";

  private final SparkSession spark;
  private final Lake lake;
  private final Models models;

  public MartBuilder(SparkSession spark, Lake lake) {
    this.spark = spark;
    this.lake = lake;
    this.models = Models.load(SOURCES);
  }

  /** Folds one batch's events into every table; returns rows merged per table. */
  public Map<String, Long> incremental(String batchId, Consumer<String> afterTable) {
    // Not cached: each model reads only its columns of the batch's files (stg_events keeps the
    // batch: batch_id
    // min/max prunes the rest), in splits small enough to keep every core busy.
    spark
        .read()
        .format("iceberg")
        .option("split-size", String.valueOf(SPLIT_BYTES))
        .load(lake.table(TableNames.EVENTS))
        .createOrReplaceTempView(EVENTS_VIEW);
    Row range =
        spark
            .sql(
                "select date_format(min(event_time), 'yyyy-MM-dd'),"
                    + " date_format(date_add(max(event_time), 1), 'yyyy-MM-dd'), count(*)"
                    + " from "
                    + EVENTS_VIEW
                    + " where batch_id = "
                    + Macros.string(batchId))
            .first();
    Map<String, String> params = new HashMap<>();
    params.put("batch_id", Macros.string(batchId));
    params.put("full_refresh", "false");
    params.put(
        "first_day",
        range.isNullAt(0) ? NULL_TIMESTAMP : "timestamp'" + range.getString(0) + " 00:00:00'");
    params.put(
        "day_after_last",
        range.isNullAt(1) ? NULL_TIMESTAMP : "timestamp'" + range.getString(1) + " 00:00:00'");
    createViews(params);
    // a model's rows are at most one per event: a small batch's rows can be broadcast
    boolean small = range.getLong(2) <= BROADCAST_EVENTS;
    Map<String, Long> written = new java.util.concurrent.ConcurrentHashMap<>();
    // what an earlier attempt of this batch already merged: one look for all tables, before any
    // merge
    java.util.Set<String> done = lake.committedTables(spark, models.tables(), batchId, STAGE);
    runWhenReady(
        m -> {
          if (!done.contains(m.name)) {
            Dataset<Row> rowsOfModel = spark.sql(render(m, m.select, params));
            String merge = m.merge();
            Dataset<Row> appended = null;
            // the first batch meets empty tables: appending equals merging and skips the join
            if (merge == null || lake.iceberg(spark, m.name).currentSnapshot() == null) {
              appended = kept(m, rowsOfModel);
            } else if (small && m.strategy == ModelFile.Strategy.INSERT_MISSING) {
              appended = missing(m, rowsOfModel);
            } else if (small && m.pruneBy != null) {
              Bound b = bound(m, rowsOfModel);
              if (b.matched() == 0) {
                // no row of the table has a key of the batch: every row is inserted
                appended = kept(m, rowsOfModel);
                LOG.info("{}: no stored row has a key of batch {}; appending", m.name, batchId);
              } else {
                merge = m.merge(b.condition());
                LOG.info(
                    "{}: {} stored row(s) have a key of batch {}; merging where {}",
                    m.name,
                    b.matched(),
                    batchId,
                    b.condition() == null ? "(no bound: a NULL " + m.pruneBy + ")" : b.condition());
              }
            }
            if (appended != null) {
              Dataset<Row> rows = appended;
              Lake.tagged(
                  batchId,
                  STAGE,
                  () -> {
                    rows.writeTo(lake.table(m.name)).append();
                    return null;
                  });
            } else {
              String view = MERGE_SRC + "_" + m.name;
              rowsOfModel.createOrReplaceTempView(view);
              String sql =
                  "merge into "
                      + lake.table(m.name)
                      + " t using "
                      + view
                      + " s "
                      + render(m, merge, params);
              Lake.tagged(batchId, STAGE, () -> spark.sql(sql));
            }
            // inserted + updated rows of this commit (each source row inserts or updates exactly
            // one row)
            written.put(m.name, lake.addedRecords(spark, m.name, batchId, STAGE));
            // durable: a retry must know this table is done even after its snapshot expired
            lake.recordCommit(spark, m.name, batchId, STAGE);
          }
          afterTable.accept(m.name);
        });
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String t : models.tables()) {
      if (written.containsKey(t)) {
        rows.put(t, written.get(t));
      }
    }
    return rows;
  }

  /**
   * Split size for reading a batch's events: 16 MB of Parquet is about 300k events, a few seconds
   * of work.
   */
  private static final long SPLIT_BYTES = 16L << 20;

  private static final int MERGE_THREADS = 3;

  /**
   * The most events a batch may have for its models' keys to be broadcast to the scans of their
   * tables (a few hundred MB of heap at most); a larger batch merges by shuffling both sides.
   */
  static final long BROADCAST_EVENTS = 2_000_000L;

  /**
   * The rows of an insert-missing model whose key the table lacks: what its merge would insert. The
   * table is read once, its key columns only, against the batch's keys broadcast, so neither side
   * is shuffled or sorted.
   */
  private Dataset<Row> missing(ModelFile m, Dataset<Row> rows) {
    Dataset<Row> present =
        semi(m, spark.table(lake.table(m.name)).select(columns(m.keyColumns)), rows);
    return rows.alias("s")
        .join(functions.broadcast(present).alias("p"), keysEqual(m, "s", "p"), "left_anti")
        .select("s.*");
  }

  /**
   * The rows of {@code table} whose key is among the keys of {@code rows}, which are broadcast: the
   * table is scanned once, not shuffled.
   */
  private static Dataset<Row> semi(ModelFile m, Dataset<Row> table, Dataset<Row> rows) {
    Dataset<Row> keys = functions.broadcast(rows.select(columns(m.keyColumns)).distinct());
    return table
        .alias("t")
        .join(keys.alias("k"), keysEqual(m, "t", "k"), "left_semi")
        .select("t.*");
  }

  /** Equality of every key column between the relations aliased {@code a} and {@code b}. */
  private static org.apache.spark.sql.Column keysEqual(ModelFile m, String a, String b) {
    org.apache.spark.sql.Column on = null;
    for (String k : m.keyColumns) {
      org.apache.spark.sql.Column eq =
          functions.col(a + "." + k).equalTo(functions.col(b + "." + k));
      on = on == null ? eq : on.and(eq);
    }
    return on;
  }

  private static org.apache.spark.sql.Column[] columns(List<String> names) {
    return names.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new);
  }

  /**
   * What the table holds for the batch's keys: how many rows, and the prune-by condition: {@code
   * t.<prune by> >= <least value>}, or null when a matching row has it NULL.
   */
  private record Bound(long matched, String condition) {}

  /**
   * The rows of the table with a key of the batch, counted, and the least value of the model's
   * {@code prune by} column among them, as a condition over t that every one of them meets. Reads
   * the key columns and that column of the table against the batch's keys broadcast.
   */
  private Bound bound(ModelFile m, Dataset<Row> rows) {
    Dataset<Row> table = spark.table(lake.table(m.name));
    org.apache.spark.sql.types.DataType type = table.schema().apply(m.pruneBy).dataType();
    org.apache.spark.sql.Column c = functions.col(m.pruneBy);
    String literal;
    org.apache.spark.sql.Column least;
    if (type instanceof org.apache.spark.sql.types.TimestampType) {
      // microseconds since the epoch: exact, and independent of the session's time zone
      least = functions.min(functions.expr("unix_micros(" + m.pruneBy + ")"));
      literal = "timestamp_micros(%d)";
    } else if (type instanceof org.apache.spark.sql.types.DateType) {
      least = functions.min(functions.expr("unix_date(" + m.pruneBy + ")"));
      literal = "date_from_unix_date(%d)";
    } else if (type instanceof org.apache.spark.sql.types.LongType
        || type instanceof org.apache.spark.sql.types.IntegerType) {
      least = functions.min(c).cast("long");
      literal = "%d";
    } else {
      throw new IllegalArgumentException(
          m.path
              + ": 'prune by: "
              + m.pruneBy
              + "' must name a timestamp, date or whole-number column, found "
              + type.simpleString());
    }
    List<String> read = new java.util.ArrayList<>(m.keyColumns);
    read.add(m.pruneBy);
    Row r =
        semi(m, table.select(columns(read)), rows)
            .agg(functions.count(functions.lit(1)), functions.count(c), least)
            .first();
    long matched = r.getLong(0);
    boolean anyNull = r.getLong(1) < matched;
    return new Bound(
        matched,
        matched == 0 || anyNull
            ? null
            : "t." + m.pruneBy + " >= " + String.format(literal, r.getLong(2)));
  }

  /**
   * Runs {@code work} for every table, {@value #MERGE_THREADS} at a time, each as soon as the
   * tables it reads are written (not wave by wave: a slow table holds back only the tables that
   * read it). After a failure no further table starts; the tables already running finish, and the
   * first failure is thrown.
   */
  private void runWhenReady(Consumer<ModelFile> work) {
    List<ModelFile> tables =
        models.tableWaves().stream().flatMap(List::stream).collect(Collectors.toList());
    ExecutorService pool = Executors.newFixedThreadPool(MERGE_THREADS);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Map<String, CompletableFuture<Void>> written = new HashMap<>();
    try {
      // build order: the tables a model reads come before it
      for (ModelFile m : tables) {
        CompletableFuture<?>[] reads =
            models.tablesRead(m).stream().map(written::get).toArray(CompletableFuture[]::new);
        written.put(
            m.name,
            CompletableFuture.allOf(reads)
                .thenRunAsync(
                    () -> {
                      if (failure.get() != null) {
                        throw new CancellationException(m.name + ": not started after a failure");
                      }
                      // Iceberg resolves SparkSession.active() while planning: make it this
                      // session, not the JVM default
                      SparkSession.setActiveSession(spark);
                      try {
                        work.accept(m);
                      } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                        throw e;
                      }
                    },
                    pool));
      }
      try {
        CompletableFuture.allOf(written.values().toArray(CompletableFuture[]::new)).join();
      } catch (CompletionException | CancellationException e) {
        // the failure itself is in failure
      }
      Throwable f = failure.get();
      if (f instanceof RuntimeException) {
        throw (RuntimeException) f;
      }
      if (f instanceof Error) {
        throw (Error) f;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Rebuilds every table from all events. */
  public Map<String, Long> fullRefresh(String label) {
    spark.table(lake.table(TableNames.EVENTS)).createOrReplaceTempView(EVENTS_VIEW);
    Map<String, String> params = new HashMap<>();
    params.put("batch_id", Macros.string(label));
    params.put("full_refresh", "true");
    params.put("first_day", NULL_TIMESTAMP);
    params.put("day_after_last", NULL_TIMESTAMP);
    createViews(params);
    Map<String, Long> written = new java.util.concurrent.ConcurrentHashMap<>();
    runWhenReady(
        m -> {
          Dataset<Row> df = kept(m, spark.sql(render(m, m.select, params)));
          Lake.tagged(
              label,
              STAGE + "-full",
              () -> {
                df.writeTo(lake.table(m.name)).overwrite(functions.lit(true));
                return null;
              });
          written.put(m.name, spark.table(lake.table(m.name)).count());
        });
    Map<String, Long> rows = new LinkedHashMap<>();
    models.tables().forEach(t -> rows.put(t, written.get(t)));
    return rows;
  }

  /**
   * The rows of a model to write when there is no merge (first batch, full refresh): those its
   * {@code delete when} condition does not delete.
   */
  private static Dataset<Row> kept(ModelFile m, Dataset<Row> rows) {
    return m.deleteWhen == null
        ? rows
        : rows.alias("s").where("not (" + m.deleteWhen + ")").select("s.*");
  }

  /** The staging models, as temporary views of this session that the tables read. */
  private void createViews(Map<String, String> params) {
    for (ModelFile v : models.views()) {
      spark.sql(render(v, v.select, params)).createOrReplaceTempView(v.name);
    }
  }

  /** {@code sql} of model {@code m} with its macros expanded and its parameters substituted. */
  private String render(ModelFile m, String sql, Map<String, String> params) {
    return Macros.substitute(
        Macros.expand(sql, n -> n.equals(Macros.THIS) ? lake.table(m.name) : relation(n), m.path),
        params,
        m.path);
  }

  /** What {@code ref(name)} reads: the events view, a staging view, or a table of the lake. */
  private String relation(String name) {
    if (SOURCES.contains(name)) {
      return EVENTS_VIEW;
    }
    return models.get(name).isTable() ? lake.table(name) : name;
  }

  /** The tables this builder writes, in build order. */
  public static List<String> tables() {
    return Models.load(SOURCES).tables();
  }
}

package io.clicklake.mart;

import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** Runs the {@link StarSchema} models incrementally for one batch, or as a full refresh. */
public final class MartBuilder {
  private static final String SRC = "src";
  private static final String MERGE_SRC = "clicklake_merge_src";
  private static final String STAGE = "marts";

  private final SparkSession spark;
  private final Lake lake;

  public MartBuilder(SparkSession spark, Lake lake) {
    this.spark = spark;
    this.lake = lake;
  }

  /** Folds one batch's events into every table; returns rows merged per table. */
  public Map<String, Long> incremental(String batchId, Consumer<String> afterTable) {
    // Not cached: each model reads only its columns of the batch's files (batch_id min/max prunes the rest),
    // in splits small enough to keep every core busy.
    Dataset<Row> src =
        spark.read().format("iceberg").option("split-size", String.valueOf(SPLIT_BYTES)).load(lake.table(TableNames.EVENTS))
            .where(functions.col("batch_id").equalTo(batchId));
    src.createOrReplaceTempView(SRC);
    Row range = spark.sql("select date_format(min(event_time), 'yyyy-MM-dd'), date_format(date_add(max(event_time), 1), 'yyyy-MM-dd') from src").first();
    String dayRange =
        range.isNullAt(0)
            ? "false"
            : "event_time >= timestamp'" + range.getString(0) + " 00:00:00' and event_time < timestamp'" + range.getString(1) + " 00:00:00'";
    // Tables are independent except mart_session_revenue, which reads fact_sessions: merge the
    // others concurrently (small MERGEs are latency-bound: planning, commit), then that one.
    List<Model> models = StarSchema.models(lake.table(TableNames.EVENTS));
    Map<String, Long> written = new java.util.concurrent.ConcurrentHashMap<>();
    // what an earlier attempt of this batch already merged: one look for all tables, before any merge
    java.util.Set<String> done = lake.committedTables(spark, tables(), batchId, STAGE);
    for (List<Model> wave : waves(models)) {
      runConcurrently(spark, wave, m -> {
        if (!done.contains(m.table)) {
          Dataset<Row> rowsOfModel = spark.sql(sql(m, batchId, dayRange));
          // the first batch meets empty tables: appending equals merging and skips the join
          if (m.merge == null || lake.iceberg(spark, m.table).currentSnapshot() == null) {
            Lake.tagged(batchId, STAGE, () -> { rowsOfModel.writeTo(lake.table(m.table)).append(); return null; });
          } else {
            String view = MERGE_SRC + "_" + m.table;
            rowsOfModel.createOrReplaceTempView(view);
            Lake.tagged(batchId, STAGE, () -> spark.sql("merge into " + lake.table(m.table) + " t using " + view + " s " + m.merge));
          }
          // inserted + updated rows of this commit (each source row inserts or updates exactly one row)
          written.put(m.table, lake.addedRecords(spark, m.table, batchId, STAGE));
          // durable: a retry must know this table is done even after its snapshot expired
          lake.recordCommit(spark, m.table, batchId, STAGE);
        }
        afterTable.accept(m.table);
      });
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    for (Model m : models) {
      if (written.containsKey(m.table)) {
        rows.put(m.table, written.get(m.table));
      }
    }
    return rows;
  }

  /** Split size for reading a batch's events: 16 MB of Parquet is about 300k events, a few seconds of work. */
  private static final long SPLIT_BYTES = 16L << 20;

  private static final int MERGE_THREADS = 3;

  private static void runConcurrently(SparkSession spark, List<Model> models, Consumer<Model> work) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(MERGE_THREADS, models.size()));
    try {
      List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (Model m : models) {
        futures.add(pool.submit(() -> {
          // Iceberg resolves SparkSession.active() while planning: make it this session, not the JVM default
          SparkSession.setActiveSession(spark);
          work.accept(m);
        }));
      }
      RuntimeException failure = null;
      for (java.util.concurrent.Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : new IllegalStateException(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while merging", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Rebuilds every table from all events. */
  public Map<String, Long> fullRefresh(String label) {
    spark.table(lake.table(TableNames.EVENTS)).createOrReplaceTempView(SRC);
    List<Model> models = StarSchema.models(lake.table(TableNames.EVENTS));
    Map<String, Long> written = new java.util.concurrent.ConcurrentHashMap<>();
    for (List<Model> wave : waves(models)) {
      runConcurrently(spark, wave, m -> {
        Dataset<Row> df = spark.sql(sql(m, label, "true"));
        Lake.tagged(label, STAGE + "-full", () -> { df.writeTo(lake.table(m.table)).overwrite(functions.lit(true)); return null; });
        written.put(m.table, spark.table(lake.table(m.table)).count());
      });
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    models.forEach(m -> rows.put(m.table, written.get(m.table)));
    return rows;
  }

  /**
   * The models in two waves that can each run concurrently: every table but mart_session_revenue, which reads
   * fact_sessions, then that one.
   */
  private static List<List<Model>> waves(List<Model> models) {
    List<Model> first = new java.util.ArrayList<>();
    List<Model> second = new java.util.ArrayList<>();
    for (Model m : models) {
      (m.table.equals(TableNames.MART_SESSION_REVENUE) ? second : first).add(m);
    }
    return List.of(first, second);
  }

  private String sql(Model m, String label, String dayRange) {
    return m.select
        .replace("${label}", label.replace("'", "''"))
        .replace("${fact_sessions}", lake.table(TableNames.FACT_SESSIONS))
        .replace("${day_range}", dayRange);
  }

  /** The tables this builder writes, in build order. */
  public static List<String> tables() {
    return StarSchema.models("events").stream().map(m -> m.table).collect(java.util.stream.Collectors.toList());
  }
}

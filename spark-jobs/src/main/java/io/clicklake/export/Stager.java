package io.clicklake.export;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one export's tables into its staging tables ({@link Publisher#stagingTable}) with {@link
 * StagingLoader} and checks every staged row count against the rows sent. A mart is loaded by
 * {@code clicklake.export.parallelism} Spark tasks, each with one range of the primary key in key
 * order, so InnoDB appends rather than inserts at random; the small batch-records table from the
 * driver.
 */
public final class Stager {
  private static final Logger LOG = LoggerFactory.getLogger(Stager.class);

  private final SparkSession spark;
  private final String batchId;
  private final MySqlTarget target;
  private final Publisher publisher;
  private final StagingLoader.Method method;
  private final int parallelism;
  private final int batchSize;
  private final FailPoint failPoint;
  private final FailPoint.Halfway halfway;
  private final Map<String, Long> loadMillis = new LinkedHashMap<>();

  /**
   * @param halfway where the loads fail half-way through (fault injection)
   */
  public Stager(
      SparkSession spark,
      String batchId,
      MySqlTarget target,
      Publisher publisher,
      StagingLoader.Method method,
      int parallelism,
      int batchSize,
      FailPoint failPoint,
      FailPoint.Halfway halfway) {
    this.spark = spark;
    this.batchId = batchId;
    this.target = target;
    this.publisher = publisher;
    this.method = method;
    this.parallelism = parallelism;
    this.batchSize = batchSize;
    this.failPoint = failPoint;
    this.halfway = halfway;
  }

  /**
   * Loads rendered rows ({@link MySqlRenderer}) by Spark tasks, one key range each; returns the
   * rows staged.
   */
  public long stageByTasks(PublishedTable t, MySqlSchema.Shape shape, Dataset<Row> rendered)
      throws Exception {
    // each task loads one key range in key order: InnoDB appends instead of inserting at random (2x
    // for UUID keys)
    Column[] key = shape.key.stream().map(functions::col).toArray(Column[]::new);
    Dataset<Row> rows = rendered.repartitionByRange(parallelism, key).sortWithinPartitions(key);
    return stage(t, shape, loader -> rows.foreachPartition(loader));
  }

  /** Loads rendered rows from the driver; returns the rows staged. */
  public long stageFromDriver(PublishedTable t, MySqlSchema.Shape shape, List<Row> rendered)
      throws Exception {
    return stage(t, shape, loader -> loader.call(rendered.iterator()));
  }

  /** MySQL table → milliseconds its staging load took, in load order. */
  public Map<String, Long> loadMillis() {
    return Collections.unmodifiableMap(loadMillis);
  }

  private interface Run {
    void accept(StagingLoader loader) throws Exception;
  }

  private long stage(PublishedTable t, MySqlSchema.Shape shape, Run run) throws Exception {
    String stage = publisher.stagingTable(t.mysqlName);
    long failAfterRows = halfway.failAfterRowsPerTask(parallelism);
    long start = System.nanoTime();
    LongAccumulator sent = spark.sparkContext().longAccumulator("rows sent to " + stage);
    run.accept(
        new StagingLoader(
            target, stage, shape.columns, method, batchSize, sent, failAfterRows, failPoint));
    long n = sent.value();
    long ms = (System.nanoTime() - start) / 1_000_000;
    loadMillis.put(t.mysqlName, ms);
    LOG.info("batch {}: {} rows into {} by {} in {} ms", batchId, n, stage, method.configName, ms);
    halfway.loaded(n);
    long staged = publisher.stagedRows(t.mysqlName);
    if (staged != n) {
      throw new MySqlException(
          "staged "
              + staged
              + " rows into "
              + stage
              + " but sent "
              + n
              + " from the Iceberg table "
              + t.icebergName
              + (staged < n ? ": it holds rows with the same primary key " + shape.key : ""));
    }
    return n;
  }
}

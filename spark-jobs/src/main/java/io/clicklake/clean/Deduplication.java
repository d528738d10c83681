package io.clicklake.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import io.clicklake.io.FileReport;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Finds the clean rows of a batch that are later copies of an event already kept (data contract
 * section 3): within the batch the earliest file, then line, wins; against other batches, only
 * their events of the batch's time range are read. Only the narrow (event_id, file, line) columns
 * are shuffled. The later copies are persisted until {@link #close()}.
 */
public final class Deduplication implements AutoCloseable {
  /**
   * Up to this many later copies (or repeated id hashes) are broadcast to the tasks that use them;
   * more are joined by shuffle.
   */
  private static final long BROADCAST_LATER_COPIES = 2_000_000L;

  /** (file_index, line_number) of every later copy; null when the batch has no clean row. */
  private final Dataset<Row> later;

  private Deduplication(Dataset<Row> later) {
    this.later = later;
  }

  /**
   * The later copies among {@code clean}, the clean parsed rows of the batch that {@code summary}
   * counted.
   */
  public static Deduplication find(
      SparkSession spark, Lake lake, String batchId, Dataset<Row> clean, ParseSummary summary) {
    if (!summary.hasClean()) {
      return new Deduplication(null);
    }
    Dataset<Row> ids = clean.select("event_id", "file_index", "line_number");
    Dataset<Row> existing =
        spark
            .table(lake.table(TableNames.EVENTS))
            .where(
                col("batch_id")
                    .notEqual(batchId)
                    .and(col("event_time").geq(summary.firstEvent))
                    .and(col("event_time").leq(summary.lastEvent)))
            .select(
                col("event_id"),
                functions.lit(-1).as("file_index"),
                functions.lit(-1L).as("line_number"));
    if (!existing.isEmpty()) {
      ids = ids.unionByName(existing);
    }
    // Copies share their event id, so they share its 64-bit hash: the shuffle that finds repeated
    // hashes carries 8 bytes a row instead of the id, file and line, and needs no sort. Only the
    // rows
    // of a repeated hash (the copies, and the rare collision) go through the exact rule.
    Dataset<Row> repeated =
        ids.select(xxhash64(col("event_id")).as("h"))
            .groupBy("h")
            .count()
            .where(col("count").gt(1))
            .select("h")
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long n = repeated.count();
      Dataset<Row> candidates =
          n == 0
              ? ids.limit(0)
              : ids.join(
                  n <= BROADCAST_LATER_COPIES ? functions.broadcast(repeated) : repeated,
                  xxhash64(ids.col("event_id")).equalTo(col("h")),
                  "left_semi");
      Dataset<Row> later =
          candidates
              .withColumn(
                  "rn",
                  row_number()
                      .over(Window.partitionBy("event_id").orderBy("file_index", "line_number")))
              .where(col("rn").gt(1).and(col("file_index").geq(0)))
              .select("file_index", "line_number")
              .persist(StorageLevel.MEMORY_AND_DISK());
      later.count(); // materialized before the hashes it was computed from are dropped
      return new Deduplication(later);
    } finally {
      repeated.unpersist();
    }
  }

  /** Later copies per file name; files without any are absent. */
  public Map<String, Long> perFile(List<FileReport> reports) {
    Map<String, Long> out = new HashMap<>();
    if (later != null) {
      for (Row r : later.groupBy("file_index").count().collectAsList()) {
        out.put(reports.get(r.getInt(0)).name, r.getLong(1));
      }
    }
    return out;
  }

  /**
   * The clean rows that are not later copies, in their chunk order; the (usually few) later copies
   * are dropped by a join on (file, line).
   */
  public Dataset<Row> fresh(Dataset<Row> clean) {
    long laterCopies = later == null ? 0 : later.count();
    if (laterCopies == 0) {
      return clean;
    }
    Dataset<Row> drop = laterCopies <= BROADCAST_LATER_COPIES ? functions.broadcast(later) : later;
    return clean.join(
        drop,
        clean
            .col("file_index")
            .equalTo(drop.col("file_index"))
            .and(clean.col("line_number").equalTo(drop.col("line_number"))),
        "left_anti");
  }

  @Override
  public void close() {
    if (later != null) {
      later.unpersist();
    }
  }
}

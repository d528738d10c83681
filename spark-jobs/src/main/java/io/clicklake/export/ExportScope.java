package io.clicklake.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.BatchRecord.Status;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What one export publishes (data contract section 7): its own batch and every batch whose marts
 * are built but whose export is not done (never ran, or failed), in batch order, so a failed export
 * never leaves a gap; and the Iceberg rows of those batches. Read under the export lock, so no
 * other export can mark one of them exported meanwhile.
 */
public final class ExportScope {
  private final SparkSession spark;
  private final Lake lake;
  private final String batchId;
  private final List<String> batches;

  private ExportScope(SparkSession spark, Lake lake, String batchId, List<String> batches) {
    this.spark = spark;
    this.lake = lake;
    this.batchId = batchId;
    this.batches = List.copyOf(batches);
  }

  /**
   * This batch and the batches it catches up, in batch order (started_at, batch_id), from Iceberg's
   * batches table.
   */
  public static ExportScope read(SparkSession spark, Lake lake, String batchId) {
    List<String> out = new ArrayList<>();
    Dataset<Row> pending =
        spark
            .table(lake.table(TableNames.BATCHES))
            .where(
                col("batch_id")
                    .equalTo(lit(batchId))
                    .or(
                        col(Stage.MARTS.statusColumn())
                            .equalTo(lit(Status.DONE.code()))
                            .and(
                                col(Stage.EXPORT.statusColumn())
                                    .isNull()
                                    .or(
                                        col(Stage.EXPORT.statusColumn())
                                            .equalTo(lit(Status.FAILED.code()))))))
            .orderBy(col("started_at").asc_nulls_first(), col("batch_id"))
            .select("batch_id");
    for (Row r : pending.collectAsList()) {
      out.add(r.getString(0));
    }
    return new ExportScope(spark, lake, batchId, out);
  }

  /** Every batch this export publishes, in batch order. */
  public List<String> batches() {
    return batches;
  }

  /** The published batches other than this export's own. */
  public List<String> caughtUp() {
    List<String> out = new ArrayList<>(batches);
    out.remove(batchId);
    return out;
  }

  /**
   * The rows of a table this export takes: those of the published batches, or all of them in a full
   * refresh or for a table sent whole ({@link PublishedTable#sentWhole}).
   */
  public Dataset<Row> rows(PublishedTable t, boolean full) {
    Dataset<Row> src = spark.table(lake.table(t.icebergName));
    return full || t.sentWhole ? src : src.where(col(t.batchColumn).isin(batches.toArray()));
  }

  /** Rows this export takes from every published table. */
  public long totalRows(boolean full) {
    long total = 0;
    for (PublishedTable t : PublishedTable.all()) {
      total += rows(t, full).count();
    }
    return total;
  }

  /**
   * Published batch → MySQL mart → its rows in this publish (those it last changed). In a full
   * refresh this batch's export wrote every row, so its row gets the totals, as before catch-up.
   *
   * @param totals MySQL mart → rows exported
   */
  public Map<String, Map<String, Long>> rowsPerBatch(Map<String, Long> totals, boolean full) {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    for (String b : batches) {
      out.put(b, new LinkedHashMap<>());
    }
    for (PublishedTable s : PublishedTable.marts()) {
      if (batches.size() == 1 && !full) {
        out.get(batchId)
            .put(s.mysqlName, totals.get(s.mysqlName)); // the rows loaded are exactly this batch's
        continue;
      }
      Map<String, Long> n = new LinkedHashMap<>();
      Dataset<Row> perBatch =
          spark.table(lake.table(s.icebergName)).where(col(s.batchColumn).isin(batches.toArray()));
      for (Row r : perBatch.groupBy(s.batchColumn).count().collectAsList()) {
        n.put(r.getString(0), r.getLong(1));
      }
      for (String b : batches) {
        out.get(b)
            .put(
                s.mysqlName,
                full && b.equals(batchId) ? totals.get(s.mysqlName) : n.getOrDefault(b, 0L));
      }
    }
    return out;
  }

  /**
   * What the publish says of each published batch: export done (at {@code now}, or when an earlier
   * export did it), its {@code mysql.<mart>} row counts, its error cleared after a failed export.
   *
   * @param all every published batch's changes: what MySQL's pipeline_batches gets
   * @param changed the batches whose Iceberg record these change: what the ledger update writes
   */
  public record Marks(
      Map<String, BatchRecord.Changes> all, Map<String, BatchRecord.Changes> changed) {}

  /**
   * @param records the published batches' records as they are before this export
   * @param perBatch from {@link #rowsPerBatch}
   */
  public Marks marks(
      Map<String, BatchRecord> records, Map<String, Map<String, Long>> perBatch, Timestamp now) {
    Map<String, BatchRecord.Changes> all = new LinkedHashMap<>();
    Map<String, BatchRecord.Changes> changed = new LinkedHashMap<>();
    for (String b : batches) {
      BatchRecord rec = records.get(b);
      Status was = rec == null ? null : rec.status(Stage.EXPORT);
      boolean wasDone = was == Status.DONE;
      Timestamp exportAt = wasDone && rec.time("export_at") != null ? rec.time("export_at") : now;
      Map<String, Long> before = rec == null ? Map.of() : rec.rowsWritten();
      Map<String, Long> rowsWritten = new LinkedHashMap<>(before);
      perBatch.get(b).forEach((t, n) -> rowsWritten.put("mysql." + t, n));
      BatchRecord.Changes c =
          BatchRecord.changes().done(Stage.EXPORT, exportAt).set("rows_written", rowsWritten);
      if (was == Status.FAILED) {
        c.clearError();
      }
      all.put(b, c);
      if (!wasDone || !rowsWritten.equals(before)) {
        changed.put(b, c);
      }
    }
    return new Marks(all, changed);
  }
}

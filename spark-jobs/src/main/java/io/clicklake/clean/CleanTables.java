package io.clicklake.clean;

import static org.apache.spark.sql.functions.col;

import io.clicklake.io.FileInspector;
import io.clicklake.table.BatchRecord.Stage;
import io.clicklake.table.EventKeys;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The clean stage's writes of one batch: each is one commit tagged with the batch id, and is
 * skipped when the table already holds rows of the batch, the durable answer to "did this write
 * commit?" (a retry after a failure never appends twice).
 */
public final class CleanTables {
  private final SparkSession spark;
  private final Lake lake;
  private final String batchId;

  public CleanTables(SparkSession spark, Lake lake, String batchId) {
    this.spark = spark;
    this.lake = lake;
    this.batchId = batchId;
  }

  /** The rows the batch wrote to an append-only table. */
  public Dataset<Row> rowsOfBatch(String table) {
    return spark.table(lake.table(table)).where(col("batch_id").equalTo(batchId));
  }

  private boolean committed(String table) {
    return !rowsOfBatch(table).isEmpty();
  }

  /**
   * Appends the quarantined rows of the parse to {@code events_quarantine}, unless already done.
   */
  public void appendQuarantine(Dataset<Row> parsed) {
    if (committed(TableNames.QUARANTINE)) {
      return;
    }
    Dataset<Row> q =
        parsed
            .where(col("reason").isNotNull())
            .selectExpr(
                "'" + batchId + "' as batch_id",
                "source_file",
                "line_number",
                "raw_line",
                "reason",
                "detail");
    append(TableNames.QUARANTINE, q);
  }

  /**
   * Appends the batch's clean rows that are not later copies to {@code events}, unless already
   * done.
   */
  public void appendEvents(Dataset<Row> clean, Deduplication dedup) {
    if (committed(TableNames.EVENTS)) {
      return;
    }
    // the events columns: the id, the contract's columns (the file header), then where each row
    // came from
    List<String> columns = new ArrayList<>();
    columns.add("event_id");
    columns.addAll(FileInspector.HEADER);
    columns.addAll(List.of("'" + batchId + "' as batch_id", "source_file", "line_number"));
    // and the star schema's keys: events is also the event-grain fact
    columns.addAll(EventKeys.columns());
    Dataset<Row> out = dedup.fresh(clean).selectExpr(columns.toArray(new String[0]));
    append(TableNames.EVENTS, out);
  }

  /** Appends the per-file accounting to {@code batch_files}, unless already done. */
  public void appendFiles(List<FileResult> files) {
    if (committed(TableNames.BATCH_FILES)) {
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FileResult f : files) {
      rows.add(f.toRecord(batchId));
    }
    lake.appendDirect(spark, TableNames.BATCH_FILES, rows, batchId, Stage.CLEAN.code());
  }

  /** The events the batch holds, per source file. */
  public Map<String, Long> eventsPerFile() {
    Map<String, Long> out = new HashMap<>();
    for (Row r : rowsOfBatch(TableNames.EVENTS).groupBy("source_file").count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  /** The per-file accounting the batch recorded, in file order. */
  public List<FileResult> recordedFiles() {
    List<FileResult> files = new ArrayList<>();
    for (Row r : rowsOfBatch(TableNames.BATCH_FILES).orderBy("file_index").collectAsList()) {
      files.add(FileResult.of(r));
    }
    return files;
  }

  private void append(String table, Dataset<Row> rows) {
    Lake.tagged(
        batchId,
        Stage.CLEAN.code(),
        () -> {
          rows.writeTo(lake.table(table)).append();
          return null;
        });
  }
}

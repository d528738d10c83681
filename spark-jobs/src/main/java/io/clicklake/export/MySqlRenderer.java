package io.clicklake.export;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.clicklake.table.BatchRecord;
import io.clicklake.table.BatchRecord.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

/**
 * Turns the rows of an Iceberg table into the rows a MySQL table gets: its columns, in its order,
 * as values that both load methods of {@link StagingLoader} send as the same text.
 */
public final class MySqlRenderer {
  private MySqlRenderer() {}

  /**
   * The MySQL columns, in order, rendered so both load methods send the same text: times as UTC
   * {@code yyyy-MM-dd HH:mm:ss}, dates as {@code yyyy-MM-dd}, maps (keys sorted) and structs as
   * JSON, booleans as 0/1; numbers and strings unchanged.
   */
  public static Dataset<Row> render(Dataset<Row> src, List<String> columns, String icebergTable) {
    StructType schema = src.schema();
    List<String> have = Arrays.asList(schema.fieldNames());
    List<Column> out = new ArrayList<>();
    for (String c : columns) {
      if (!have.contains(c)) {
        throw new MySqlException(
            "MySQL column "
                + c
                + " has no column of that name in the Iceberg table "
                + icebergTable
                + " (found "
                + have
                + "); align sql/01_tables.sql with iceberg-ddl/");
      }
      DataType t = schema.apply(c).dataType();
      Column x = col(c);
      if (t.typeName().startsWith("timestamp")) {
        x = date_format(x, "yyyy-MM-dd HH:mm:ss");
      } else if (t instanceof DateType) {
        x = date_format(x, "yyyy-MM-dd");
      } else if (t instanceof MapType) {
        // keys sorted: Spark keeps no order for maps read back, and the published text must not
        // change
        x = expr("to_json(map_from_entries(array_sort(map_entries(`" + c + "`))))");
      } else if (t instanceof StructType || t instanceof ArrayType) {
        x = to_json(x);
      } else if (t instanceof BooleanType) {
        x = x.cast("int");
      }
      out.add(x.as(c));
    }
    return src.select(out.toArray(new Column[0]));
  }

  /**
   * The batch records as MySQL gets them: each published batch (batch id → its export columns)
   * export done, the others as they are.
   */
  public static Dataset<Row> batchesExported(
      Dataset<Row> batches, Map<String, BatchRecord.Changes> exported) {
    Column isPublished = col("batch_id").isin(exported.keySet().toArray());
    Column exportAt = col("export_at");
    Column rowsWritten = col("rows_written");
    Column error = col("error_message");
    for (Map.Entry<String, BatchRecord.Changes> e : exported.entrySet()) {
      Column me = col("batch_id").equalTo(lit(e.getKey()));
      @SuppressWarnings("unchecked")
      Map<String, Long> written = (Map<String, Long>) e.getValue().get("rows_written");
      List<Column> keys = new ArrayList<>();
      List<Column> values = new ArrayList<>();
      written.forEach(
          (k, v) -> {
            keys.add(lit(k));
            values.add(lit(v));
          });
      exportAt = when(me, lit(e.getValue().get("export_at"))).otherwise(exportAt);
      Column newMap =
          map_from_arrays(array(keys.toArray(new Column[0])), array(values.toArray(new Column[0])));
      rowsWritten = when(me, newMap).otherwise(rowsWritten);
      if (e.getValue().sets("error_message")) {
        error = when(me, lit(null).cast("string")).otherwise(error);
      }
    }
    return batches
        .withColumn(
            "export_status",
            when(isPublished, lit(Status.DONE.code())).otherwise(col("export_status")))
        .withColumn("export_at", exportAt)
        .withColumn("rows_written", rowsWritten)
        .withColumn("error_message", error);
  }
}

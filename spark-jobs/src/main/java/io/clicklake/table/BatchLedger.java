package io.clicklake.table;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code batches} table: one row per batch, updated by each stage with one MERGE commit tagged
 * with the batch id and stage. A stage reads the row, changes its own columns, writes it back whole.
 * Only one workflow runs per batch (coordinator concurrency 1), so read-modify-write is safe.
 */
public final class BatchLedger {
  public static final String DONE = "done";
  public static final String FAILED = "failed";

  private final SparkSession spark;
  private final Lake lake;

  public BatchLedger(SparkSession spark, Lake lake) {
    this.spark = spark;
    this.lake = lake;
  }

  /** The batch row as column → value (maps as java.util.Map), or empty. */
  public Optional<Map<String, Object>> read(String batchId) {
    Dataset<Row> df =
        spark.table(lake.table(TableNames.BATCHES)).where("batch_id = '" + batchId.replace("'", "''") + "'");
    List<Row> rows = df.collectAsList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Row r = rows.get(0);
    Map<String, Object> m = new LinkedHashMap<>();
    StructType schema = r.schema();
    for (int i = 0; i < schema.fields().length; i++) {
      StructField f = schema.fields()[i];
      Object v = r.isNullAt(i) ? null : f.dataType() instanceof MapType ? new LinkedHashMap<>(r.getJavaMap(i)) : r.get(i);
      m.put(f.name(), v);
    }
    return Optional.of(Collections.unmodifiableMap(m));
  }

  /** Sets the given columns of the batch row (creating it when missing), in one tagged commit. */
  public void update(String batchId, String stage, Map<String, Object> changes) {
    update(batchId, stage, read(batchId), changes);
  }

  /** As {@link #update(String, String, Map)}, from the row the caller already read (one Spark action fewer). */
  public void update(String batchId, String stage, Optional<Map<String, Object>> current, Map<String, Object> changes) {
    StructType schema = spark.table(lake.table(TableNames.BATCHES)).schema();
    Map<String, Object> row = new LinkedHashMap<>(current.orElse(Map.of()));
    row.put("batch_id", batchId);
    row.putAll(changes);
    List<Object> values = new ArrayList<>();
    for (StructField f : schema.fields()) {
      values.add(row.get(f.name()));
    }
    for (String k : changes.keySet()) {
      if (!java.util.Arrays.asList(schema.fieldNames()).contains(k)) {
        throw new IllegalArgumentException("batches has no column " + k);
      }
    }
    Dataset<Row> one = spark.createDataFrame(List.of(RowFactory.create(values.toArray())), schema);
    String view = "clicklake_batch_update";
    one.createOrReplaceTempView(view);
    Lake.tagged(
        batchId,
        stage,
        () ->
            spark.sql(
                "merge into " + lake.table(TableNames.BATCHES) + " t using " + view
                    + " s on t.batch_id = s.batch_id when matched then update set * when not matched then insert *"));
  }

  /** The rows of several batches as {@link #read} gives them, keyed by batch id, in one query; unknown ids are absent. */
  public Map<String, Map<String, Object>> readAll(java.util.Collection<String> batchIds) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    if (batchIds.isEmpty()) {
      return out;
    }
    List<String> quoted = new ArrayList<>();
    batchIds.forEach(b -> quoted.add("'" + b.replace("'", "''") + "'"));
    for (Row r : spark.table(lake.table(TableNames.BATCHES)).where("batch_id in (" + String.join(", ", quoted) + ")").collectAsList()) {
      Map<String, Object> m = toMap(r);
      out.put((String) m.get("batch_id"), m);
    }
    return out;
  }

  /**
   * Sets columns of several batch rows (creating missing ones) in ONE tagged MERGE, so that an
   * export publishing several batches at once records them all or none. The commit is tagged with
   * the batch ids joined by commas.
   */
  public void updateAll(Map<String, Map<String, Object>> changesByBatch, String stage) {
    if (changesByBatch.isEmpty()) {
      return;
    }
    StructType schema = spark.table(lake.table(TableNames.BATCHES)).schema();
    List<String> names = java.util.Arrays.asList(schema.fieldNames());
    Map<String, Map<String, Object>> current = readAll(changesByBatch.keySet());
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> e : changesByBatch.entrySet()) {
      for (String k : e.getValue().keySet()) {
        if (!names.contains(k)) {
          throw new IllegalArgumentException("batches has no column " + k);
        }
      }
      Map<String, Object> row = new LinkedHashMap<>(current.getOrDefault(e.getKey(), Map.of()));
      row.put("batch_id", e.getKey());
      row.putAll(e.getValue());
      List<Object> values = new ArrayList<>();
      for (StructField f : schema.fields()) {
        values.add(row.get(f.name()));
      }
      rows.add(RowFactory.create(values.toArray()));
    }
    String view = "clicklake_batch_update_all";
    spark.createDataFrame(rows, schema).createOrReplaceTempView(view);
    Lake.tagged(
        String.join(",", changesByBatch.keySet()),
        stage,
        () ->
            spark.sql(
                "merge into " + lake.table(TableNames.BATCHES) + " t using " + view
                    + " s on t.batch_id = s.batch_id when matched then update set * when not matched then insert *"));
  }

  private static Map<String, Object> toMap(Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    StructType schema = r.schema();
    for (int i = 0; i < schema.fields().length; i++) {
      StructField f = schema.fields()[i];
      m.put(f.name(), r.isNullAt(i) ? null : f.dataType() instanceof MapType ? new LinkedHashMap<>(r.getJavaMap(i)) : r.get(i));
    }
    return Collections.unmodifiableMap(m);
  }

  public static Timestamp now() {
    return Timestamp.from(Instant.now());
  }
}

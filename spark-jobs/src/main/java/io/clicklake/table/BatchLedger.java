package io.clicklake.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code batches} table: one row per batch, updated by each stage with one commit tagged with
 * the batch id and stage (an equality delete of the row and the new row, written through Iceberg's
 * API in the driver: no Spark job). A stage reads the row, changes its own columns, writes it back
 * whole. Two runs of one step never overlap (each holds its step's lease), so read-modify-write of
 * a row is safe; runs of different steps may commit at once, and a commit that loses that race is
 * retried.
 */
public final class BatchLedger {
  private final SparkSession spark;
  private final Lake lake;

  public BatchLedger(SparkSession spark, Lake lake) {
    this.spark = spark;
    this.lake = lake;
  }

  /** The batch row, or empty. */
  public Optional<BatchRecord> read(String batchId) {
    List<Map<String, Object>> rows = scan(Expressions.equal("batch_id", batchId));
    rows.removeIf(r -> !batchId.equals(r.get("batch_id")));
    return rows.isEmpty() ? Optional.empty() : Optional.of(new BatchRecord(rows.get(0)));
  }

  /**
   * The rows that {@code filter} selects (and maybe a few more: callers check), read by Iceberg's
   * own reader in the driver. A Spark query of this small table costs a job, 0.2 to 1 s; a stage
   * reads the ledger several times per batch. Values are as a Spark row gives them: timestamps as
   * {@link Timestamp}, the map as a {@link LinkedHashMap}.
   */
  private List<Map<String, Object>> scan(Expression filter) {
    Table table = lake.iceberg(spark, TableNames.BATCHES);
    return scan(
        table,
        table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId(),
        filter);
  }

  /** The rows of {@code table} at {@code snapshot} (null: the empty table) that filter selects. */
  private List<Map<String, Object>> scan(Table table, Long snapshot, Expression filter) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (snapshot == null) {
      return out;
    }
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).useSnapshot(snapshot).where(filter).build()) {
      for (Record r : records) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Types.NestedField f : table.schema().columns()) {
          Object v = r.getField(f.name());
          if (v instanceof OffsetDateTime) {
            v = Timestamp.from(((OffsetDateTime) v).toInstant());
          } else if (v instanceof Map) {
            v = new LinkedHashMap<>((Map<?, ?>) v);
          }
          m.put(f.name(), v);
        }
        out.add(m);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + lake.table(TableNames.BATCHES), e);
    }
    return out;
  }

  /**
   * Sets the given columns of the batch row (creating it when missing), in one commit tagged with
   * the batch and stage.
   */
  public void update(String batchId, BatchRecord.Stage stage, BatchRecord.Changes changes) {
    update(batchId, stage, read(batchId), changes);
  }

  /**
   * As {@link #update(String, BatchRecord.Stage, BatchRecord.Changes)}, from the row the caller
   * already read (one Spark action fewer). Runs of different steps may update different batch rows
   * at the same time; Iceberg then rejects one of the commits (a conflicting commit). That one
   * re-reads its row and merges again, a few times with a growing pause.
   */
  public void update(
      String batchId,
      BatchRecord.Stage stage,
      Optional<BatchRecord> current,
      BatchRecord.Changes changes) {
    Optional<BatchRecord> row = current;
    for (int attempt = 1; ; attempt++) {
      try {
        merge(batchId, stage.code(), row.map(BatchRecord::columns), changes.asMap());
        return;
      } catch (RuntimeException e) {
        if (attempt >= CONFLICT_ATTEMPTS || !isCommitConflict(e)) {
          throw e;
        }
        pause(attempt * 200L);
        row = read(batchId);
      }
    }
  }

  private static final int CONFLICT_ATTEMPTS = 8;

  /**
   * An Iceberg commit that lost a race against another writer of the same table (retried by the
   * caller).
   */
  public static boolean isCommitConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String n = t.getClass().getName();
      if (n.equals("org.apache.iceberg.exceptions.ValidationException")
          || n.equals("org.apache.iceberg.exceptions.CommitFailedException")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms); // backoff before retrying a conflicting commit
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a batches commit", ie);
    }
  }

  private void merge(
      String batchId,
      String stage,
      Optional<Map<String, Object>> current,
      Map<String, Object> changes) {
    Map<String, Object> row = new LinkedHashMap<>(current.orElse(Map.of()));
    row.putAll(changes);
    mergeRows(batchId, stage, Map.of(batchId, row), changes.keySet());
  }

  /**
   * Writes rows (batch id → every column) in one commit tagged {@code tag} / {@code stage}, through
   * Iceberg's API ({@link DirectWrite#replace}): a new row is inserted whole; an existing one gets
   * only the {@code changed} columns, so a step never writes back (and reverts) a column another
   * step set since it read the row. A commit that lost a race for one of these rows fails and is
   * retried by the caller.
   */
  private void mergeRows(
      String tag,
      String stage,
      Map<String, Map<String, Object>> rowsById,
      java.util.Set<String> changed) {
    Table table = lake.iceberg(spark, TableNames.BATCHES);
    Long base = table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId();
    Map<String, Map<String, Object>> stored = new LinkedHashMap<>();
    for (Map<String, Object> r :
        scan(table, base, Expressions.in("batch_id", rowsById.keySet().toArray()))) {
      if (rowsById.containsKey((String) r.get("batch_id"))) {
        stored.put((String) r.get("batch_id"), r);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> e : rowsById.entrySet()) {
      for (String k : e.getValue().keySet()) {
        if (table.schema().findField(k) == null) {
          throw new IllegalArgumentException("batches has no column " + k);
        }
      }
      Map<String, Object> row = new LinkedHashMap<>();
      if (stored.containsKey(e.getKey())) {
        row.putAll(stored.get(e.getKey()));
        changed.forEach(c -> row.put(c, e.getValue().get(c)));
      } else {
        row.putAll(e.getValue());
      }
      row.put("batch_id", e.getKey());
      Map<String, Object> record = new LinkedHashMap<>();
      for (Types.NestedField f : table.schema().columns()) {
        Object v = row.get(f.name());
        record.put(
            f.name(),
            v instanceof Timestamp ? ((Timestamp) v).toInstant().atOffset(ZoneOffset.UTC) : v);
      }
      out.add(record);
    }
    DirectWrite.replace(
        table, "batch_id", out, base, Map.of(Lake.TAG_BATCH, tag, Lake.TAG_STAGE, stage));
  }

  /**
   * The batches of one landing instance, in order: its first batch {@code base}, then its follow-up
   * batches {@code base.2}, {@code base.3}, ... (data contract section 1).
   */
  public List<BatchRecord> lineage(String base) {
    List<BatchRecord> out = new ArrayList<>();
    for (Map<String, Object> r :
        scan(
            Expressions.or(
                Expressions.equal("batch_id", base),
                Expressions.startsWith("batch_id", base + ".")))) {
      BatchRecord b = new BatchRecord(r);
      if (followUpNumber(base, b.batchId()) > 0) {
        out.add(b);
      }
    }
    out.sort(java.util.Comparator.comparingInt(b -> followUpNumber(base, b.batchId())));
    return out;
  }

  /**
   * 1 for the base batch itself, n for {@code base.n} (n >= 2), 0 when the id is not of this
   * lineage.
   */
  public static int followUpNumber(String base, String id) {
    if (id.equals(base)) {
      return 1;
    }
    if (!id.startsWith(base + ".")) {
      return 0;
    }
    String n = id.substring(base.length() + 1);
    if (!n.matches("[1-9][0-9]{0,8}")) {
      return 0;
    }
    int v = Integer.parseInt(n);
    return v >= 2 ? v : 0;
  }

  /** The id of follow-up batch {@code n} (n >= 2) of an instance. */
  public static String followUpId(String base, int n) {
    return n <= 1 ? base : base + "." + n;
  }

  /**
   * The rows of several batches as {@link #read} gives them, keyed by batch id, in one query;
   * unknown ids are absent.
   */
  public Map<String, BatchRecord> readAll(java.util.Collection<String> batchIds) {
    Map<String, BatchRecord> out = new LinkedHashMap<>();
    if (batchIds.isEmpty()) {
      return out;
    }
    for (Map<String, Object> r : scan(Expressions.in("batch_id", batchIds.toArray()))) {
      BatchRecord b = new BatchRecord(r);
      if (batchIds.contains(b.batchId())) {
        out.put(b.batchId(), b);
      }
    }
    return out;
  }

  /**
   * Sets columns of several batch rows (creating missing ones) in ONE tagged commit, so that an
   * export publishing several batches at once records them all or none. The commit is tagged with
   * the batch ids joined by commas.
   */
  public void updateAll(Map<String, BatchRecord.Changes> changesByBatch, BatchRecord.Stage stage) {
    if (changesByBatch.isEmpty()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        mergeAll(changesByBatch, stage);
        return;
      } catch (RuntimeException e) {
        if (attempt >= CONFLICT_ATTEMPTS || !isCommitConflict(e)) {
          throw e;
        }
        pause(attempt * 200L);
      }
    }
  }

  private void mergeAll(Map<String, BatchRecord.Changes> changesByBatch, BatchRecord.Stage stage) {
    Map<String, BatchRecord> current = readAll(changesByBatch.keySet());
    Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
    java.util.Set<String> changed = new java.util.LinkedHashSet<>();
    changesByBatch.forEach(
        (id, c) -> {
          Map<String, Object> row =
              new LinkedHashMap<>(current.containsKey(id) ? current.get(id).columns() : Map.of());
          row.putAll(c.asMap());
          rows.put(id, row);
          changed.addAll(c.asMap().keySet());
        });
    mergeRows(String.join(",", changesByBatch.keySet()), stage.code(), rows, changed);
  }
}

package io.clicklake.table;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One row of {@code batches}, immutable, with the lifecycle typed: each {@link Stage} has a {@code
 * <stage>_status} and {@code <stage>_at} column whose value is a {@link Status}. Counts and paths
 * are read by column name ({@link #count}, {@link #text}); the column names are those of {@code
 * iceberg-ddl/batches.sql}. Changes to a row are a {@link Changes}, written by {@link BatchLedger}.
 */
public final class BatchRecord {
  /**
   * The stages of a batch, in order; each owns the columns {@code <code>_status} and {@code
   * <code>_at}.
   */
  public enum Stage {
    STAGE,
    CLEAN,
    MARTS,
    EXPORT,
    PURGE;

    /** {@code stage}, {@code clean}, ...: the name in column names, snapshot tags and leases. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    public String statusColumn() {
      return code() + "_status";
    }

    public String atColumn() {
      return code() + "_at";
    }
  }

  /**
   * Values of {@code status} (running, succeeded, failed) and of the stage columns (done, failed).
   */
  public enum Status {
    RUNNING,
    SUCCEEDED,
    FAILED,
    DONE;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The status a column holds, or null when it holds none. */
    public static Status of(Object value) {
      if (value == null) {
        return null;
      }
      for (Status s : values()) {
        if (s.code().equals(value)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "expected one of running, succeeded, failed, done in batches, found '" + value + "'");
    }
  }

  private final Map<String, Object> columns;

  BatchRecord(Map<String, Object> columns) {
    this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  public String batchId() {
    return (String) columns.get("batch_id");
  }

  /** The batch's overall status. */
  public Status status() {
    return Status.of(columns.get("status"));
  }

  /** A stage's status, or null when it has not run. */
  public Status status(Stage stage) {
    return Status.of(columns.get(stage.statusColumn()));
  }

  public boolean done(Stage stage) {
    return status(stage) == Status.DONE;
  }

  /** The stage ran, or began and failed. */
  public boolean started(Stage stage) {
    return status(stage) != null;
  }

  /** A string column, or null. */
  public String text(String column) {
    return (String) columns.get(column);
  }

  /** A numeric column, 0 when NULL. */
  public long count(String column) {
    Object v = columns.get(column);
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** A column as stored (NULL as null). */
  public Object get(String column) {
    return columns.get(column);
  }

  public Timestamp time(String column) {
    return (Timestamp) columns.get(column);
  }

  /** Rows written per table by the marts and export stages (empty when none). */
  @SuppressWarnings("unchecked")
  public Map<String, Long> rowsWritten() {
    Object v = columns.get("rows_written");
    return v == null ? Map.of() : Collections.unmodifiableMap((Map<String, Long>) v);
  }

  /** Every column, for writing the row back. */
  Map<String, Object> columns() {
    return columns;
  }

  @Override
  public String toString() {
    return "BatchRecord" + columns;
  }

  public static Changes changes() {
    return new Changes();
  }

  /** Columns to set on a batch row; the lifecycle columns through typed setters. */
  public static final class Changes {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Changes() {}

    /** The stage is done, now. */
    public Changes done(Stage stage) {
      return done(stage, now());
    }

    /** The stage is done, at the given time. */
    public Changes done(Stage stage, Timestamp at) {
      values.put(stage.statusColumn(), Status.DONE.code());
      values.put(stage.atColumn(), at);
      return this;
    }

    /**
     * The stage failed: its column and the batch's status say failed, with the error (at most 2000
     * characters).
     */
    public Changes failed(Stage stage, String message) {
      values.put(stage.statusColumn(), Status.FAILED.code());
      values.put("status", Status.FAILED.code());
      String m = String.valueOf(message);
      values.put(
          "error_message", stage.code() + ": " + (m.length() > 2000 ? m.substring(0, 2000) : m));
      return this;
    }

    public Changes status(Status status) {
      values.put("status", status.code());
      return this;
    }

    public Changes clearError() {
      values.put("error_message", null);
      return this;
    }

    /** Any other column of batches (counts, paths, times), by name. */
    public Changes set(String column, Object value) {
      values.put(column, value);
      return this;
    }

    /** Several columns by name (for tools and tests that build a whole row). */
    public Changes setAll(Map<String, ?> columns) {
      values.putAll(columns);
      return this;
    }

    /** The value this change sets for a column, or null. */
    public Object get(String column) {
      return values.get(column);
    }

    public boolean sets(String column) {
      return values.containsKey(column);
    }

    Map<String, Object> asMap() {
      return Collections.unmodifiableMap(values);
    }
  }

  public static Timestamp now() {
    return Timestamp.from(Instant.now());
  }
}

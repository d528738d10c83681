package io.clicklake.clean;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What the parse of a batch gave, per file: its clean rows and its quarantined rows by reason; and
 * the time range of the batch's clean events, which bounds the deduplication against other batches.
 */
public final class ParseSummary {
  /** Nothing parsed: no file of the batch is loaded. */
  public static final ParseSummary EMPTY = new ParseSummary(Map.of(), Map.of(), null, null);

  private final Map<String, Long> clean;
  private final Map<String, Map<String, Long>> quarantined;

  /** Earliest and latest event_time of the clean rows; null when there is none. */
  public final Timestamp firstEvent;

  public final Timestamp lastEvent;

  public ParseSummary(
      Map<String, Long> clean,
      Map<String, Map<String, Long>> quarantined,
      Timestamp firstEvent,
      Timestamp lastEvent) {
    this.clean = clean;
    this.quarantined = quarantined;
    this.firstEvent = firstEvent;
    this.lastEvent = lastEvent;
  }

  /** Counts the parsed rows (of {@link io.clicklake.io.ChunkParser#SCHEMA}) in one aggregation. */
  public static ParseSummary of(Dataset<Row> parsed) {
    Map<String, Long> clean = new HashMap<>();
    Map<String, Map<String, Long>> quarantined = new HashMap<>();
    Timestamp first = null;
    Timestamp last = null;
    for (Row r :
        parsed
            .groupBy("source_file", "reason")
            .agg(
                functions.count(functions.lit(1)),
                functions.min("event_time"),
                functions.max("event_time"))
            .collectAsList()) {
      String file = r.getString(0);
      if (r.isNullAt(1)) {
        clean.put(file, r.getLong(2));
        first = first == null || r.getTimestamp(3).before(first) ? r.getTimestamp(3) : first;
        last = last == null || r.getTimestamp(4).after(last) ? r.getTimestamp(4) : last;
      } else {
        quarantined.computeIfAbsent(file, k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
      }
    }
    return new ParseSummary(clean, quarantined, first, last);
  }

  /** True when at least one row of the batch is clean. */
  public boolean hasClean() {
    return firstEvent != null;
  }

  /** Clean rows of a file, later copies of other events included. */
  public long clean(String file) {
    return clean.getOrDefault(file, 0L);
  }

  /** Quarantined rows of a file by reason code. */
  public Map<String, Long> quarantinedByReason(String file) {
    return quarantined.getOrDefault(file, Map.of());
  }

  public long quarantined(String file) {
    return quarantinedByReason(file).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Quarantined rows of the batch. */
  public long quarantined() {
    return quarantined.values().stream()
        .flatMap(m -> m.values().stream())
        .mapToLong(Long::longValue)
        .sum();
  }
}

package io.clicklake.clean;

import io.clicklake.io.FileReport;
import io.clicklake.quality.Reason;
import io.clicklake.table.BatchRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The accounting of a batch (data contract section 4): per file and for the batch, {@code rows_read
 * = rows_clean + rows_quarantined + rows_duplicate}. {@link #checkBeforeWrite()} checks it from the
 * parse and the deduplication before any table is written; {@link #checkQuarantineWritten} and
 * {@link #files} check that the tables hold exactly what was counted after they are written. A
 * violation fails the batch with the numbers.
 */
public final class Accounting {
  private final String batchId;
  private final FileTriage triage;
  private final ParseSummary parsed;
  private final Map<String, Long> duplicates;

  /**
   * {@code duplicates}: later copies per file name, as {@link Deduplication#perFile} counts them.
   */
  public Accounting(
      String batchId, FileTriage triage, ParseSummary parsed, Map<String, Long> duplicates) {
    this.batchId = batchId;
    this.triage = triage;
    this.parsed = parsed;
    this.duplicates = duplicates;
  }

  /** Every term at least 0 and the identity holds for every file; else nothing may be committed. */
  public void checkBeforeWrite() {
    for (FileReport r : triage.reports()) {
      long read = triage.rowsRead(r);
      long q = parsed.quarantined(r.name);
      long dup = duplicates.getOrDefault(r.name, 0L);
      long clean = parsed.clean(r.name) - dup;
      if (read != clean + q + dup || clean < 0 || q < 0 || dup < 0) {
        throw new IllegalStateException(
            "accounting broken for "
                + r.name
                + " in batch "
                + batchId
                + ": rows_read "
                + read
                + " != clean "
                + clean
                + " + quarantined "
                + q
                + " + duplicate "
                + dup
                + " (each term must be >= 0); nothing was committed");
      }
    }
  }

  /** {@code events_quarantine} holds as many rows of the batch as its files quarantined. */
  public void checkQuarantineWritten(long quarantineRows) {
    long expected = parsed.quarantined();
    if (quarantineRows != expected) {
      throw new IllegalStateException(
          "accounting broken for batch "
              + batchId
              + ": events_quarantine holds "
              + quarantineRows
              + " rows of it, expected the "
              + expected
              + " rows its files quarantined");
    }
  }

  /**
   * The per-file results, given the events the batch holds per file ({@code kept}), which must be
   * the file's clean rows less its later copies: more means an earlier run appended them twice.
   */
  public List<FileResult> files(Map<String, Long> kept) {
    List<FileResult> files = new ArrayList<>();
    List<FileReport> reports = triage.reports();
    for (int i = 0; i < reports.size(); i++) {
      FileReport r = reports.get(i);
      long duplicate = duplicates.getOrDefault(r.name, 0L);
      long clean = kept.getOrDefault(r.name, 0L);
      long expectedClean = parsed.clean(r.name) - duplicate;
      if (clean != expectedClean) {
        throw new IllegalStateException(
            "accounting broken for "
                + r.name
                + " in batch "
                + batchId
                + ": events holds "
                + clean
                + " rows of it, expected "
                + expectedClean
                + " (clean "
                + parsed.clean(r.name)
                + " - duplicate "
                + duplicate
                + "); an earlier run may have appended them twice");
      }
      files.add(
          new FileResult(
              r.name,
              i,
              r.bytes,
              r.sha256,
              triage.status(r).code(),
              triage.reason(r),
              triage.rowsRead(r),
              clean,
              parsed.quarantined(r.name),
              duplicate));
    }
    return files;
  }

  /** Quarantined rows of the batch per reason code, every code present (0 when none). */
  public Map<String, Long> quarantinedByReason() {
    Map<String, Long> byReason = new TreeMap<>();
    for (Reason reason : Reason.values()) {
      byReason.put(reason.code(), 0L);
    }
    for (FileReport r : triage.reports()) {
      parsed.quarantinedByReason(r.name).forEach((k, v) -> byReason.merge(k, v, Long::sum));
    }
    return byReason;
  }

  /** The per-reason counts a batch's record holds once its clean stage is done. */
  public static Map<String, Long> recordedByReason(BatchRecord batch) {
    Map<String, Long> byReason = new TreeMap<>();
    for (Reason reason : Reason.values()) {
      byReason.put(reason.code(), batch.count("q_" + reason.code()));
    }
    return byReason;
  }
}

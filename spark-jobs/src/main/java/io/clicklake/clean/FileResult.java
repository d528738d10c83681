package io.clicklake.clean;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Accounting of one file of a batch, as its {@code batch_files} row holds it. */
public final class FileResult {
  public final String fileName;
  public final int fileIndex;
  public final long bytes;
  public final String sha256;

  /** The {@link FileStatus#code()}. */
  public final String status;

  public final String reason;
  public final long rowsRead;
  public final long rowsClean;
  public final long rowsQuarantined;
  public final long rowsDuplicate;

  FileResult(
      String fileName,
      int fileIndex,
      long bytes,
      String sha256,
      String status,
      String reason,
      long rowsRead,
      long rowsClean,
      long rowsQuarantined,
      long rowsDuplicate) {
    this.fileName = fileName;
    this.fileIndex = fileIndex;
    this.bytes = bytes;
    this.sha256 = sha256;
    this.status = status;
    this.reason = reason;
    this.rowsRead = rowsRead;
    this.rowsClean = rowsClean;
    this.rowsQuarantined = rowsQuarantined;
    this.rowsDuplicate = rowsDuplicate;
  }

  /** The file as its {@code batch_files} row records it. */
  public static FileResult of(Row r) {
    return new FileResult(
        r.getAs("file_name"),
        r.<Integer>getAs("file_index"),
        r.<Long>getAs("bytes"),
        r.getAs("sha256"),
        r.getAs("status"),
        r.getAs("reason"),
        r.<Long>getAs("rows_read"),
        r.<Long>getAs("rows_clean"),
        r.<Long>getAs("rows_quarantined"),
        r.<Long>getAs("rows_duplicate"));
  }

  Map<String, Object> toRecord(String batchId) {
    Map<String, Object> r = new LinkedHashMap<>(); // reason may be null: no Map.of
    r.put("batch_id", batchId);
    r.put("file_name", fileName);
    r.put("file_index", fileIndex);
    r.put("bytes", bytes);
    r.put("sha256", sha256);
    r.put("status", status);
    r.put("reason", reason);
    r.put("rows_read", rowsRead);
    r.put("rows_clean", rowsClean);
    r.put("rows_quarantined", rowsQuarantined);
    r.put("rows_duplicate", rowsDuplicate);
    return r;
  }

  public boolean is(FileStatus s) {
    return status.equals(s.code());
  }

  @Override
  public String toString() {
    return fileName
        + " "
        + status
        + (reason == null ? "" : " (" + reason + ")")
        + " read="
        + rowsRead
        + " clean="
        + rowsClean
        + " quarantined="
        + rowsQuarantined
        + " duplicate="
        + rowsDuplicate;
  }
}

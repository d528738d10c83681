package io.clicklake.io;

import java.io.Serializable;
import java.util.List;

/**
 * What {@link FileInspector} learned about one staged file in a single streaming pass: size,
 * SHA-256, whether it is acceptable (gzip intact, text, right header), how many non-blank data
 * lines it has, and where its parse chunks start.
 */
public final class FileReport implements Serializable {
  public static final String OK = "ok";

  public final String name;
  public final String path;
  public final long bytes;
  public final String sha256;

  /** "ok" or a rejection code: empty_file, bad_gzip, not_text, bad_header, bad_file_name. */
  public final String verdict;

  public final String detail;
  public final long rowsRead;
  public final long headerLine;
  public final boolean gzip;

  /** Chunk start offsets (content bytes) and the line number of the line that starts there. */
  public final List<long[]> chunks;

  /**
   * Content bytes (decompressed, for gzip) the inspector read. Less than the content when it
   * stopped early: at the first NUL byte or invalid UTF-8 sequence nothing more is decompressed.
   */
  public final long contentBytesRead;

  public FileReport(
      String name,
      String path,
      long bytes,
      String sha256,
      String verdict,
      String detail,
      long rowsRead,
      long headerLine,
      boolean gzip,
      List<long[]> chunks,
      long contentBytesRead) {
    this.name = name;
    this.path = path;
    this.bytes = bytes;
    this.sha256 = sha256;
    this.verdict = verdict;
    this.detail = detail;
    this.rowsRead = rowsRead;
    this.headerLine = headerLine;
    this.gzip = gzip;
    this.chunks = chunks;
    this.contentBytesRead = contentBytesRead;
  }

  public boolean ok() {
    return OK.equals(verdict);
  }

  @Override
  public String toString() {
    return name
        + "["
        + verdict
        + (detail == null ? "" : ": " + detail)
        + ", rows="
        + rowsRead
        + "]";
  }
}

package io.clicklake.io;

import java.io.Serializable;

/**
 * A byte range of one file that one Spark task parses: [start, end) of its content, end -1 = to
 * EOF.
 */
public final class Chunk implements Serializable {
  public final int fileIndex;
  public final String fileName;
  public final String path;
  public final boolean gzip;
  public final long start;
  public final long end;
  public final long firstLine;
  public final long headerLine;

  public Chunk(
      int fileIndex,
      String fileName,
      String path,
      boolean gzip,
      long start,
      long end,
      long firstLine,
      long headerLine) {
    this.fileIndex = fileIndex;
    this.fileName = fileName;
    this.path = path;
    this.gzip = gzip;
    this.start = start;
    this.end = end;
    this.firstLine = firstLine;
    this.headerLine = headerLine;
  }

  /** Splits an inspected file into chunks at the offsets the inspector recorded. */
  public static java.util.List<Chunk> of(int fileIndex, FileReport r) {
    java.util.List<Chunk> out = new java.util.ArrayList<>();
    for (int i = 0; i < r.chunks.size(); i++) {
      long[] c = r.chunks.get(i);
      long end = i + 1 < r.chunks.size() ? r.chunks.get(i + 1)[0] : -1;
      out.add(new Chunk(fileIndex, r.name, r.path, r.gzip, c[0], end, c[1], r.headerLine));
    }
    return out;
  }
}

package io.clicklake.io;

import io.clicklake.quality.CsvLine;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads one landing file once, as a stream: SHA-256 of the bytes as landed, full gzip decompression
 * member by member ({@link StrictGzipInputStream}: a truncated or corrupt member, the first or a
 * later one, is only detectable at its end), the text and header check of data contract section 1,
 * the count of non-blank data lines, and the byte offsets (with line numbers) where the parallel
 * parse of a plain file may start. Memory use is constant whatever the file size.
 */
public final class FileInspector {
  public static final List<String> HEADER =
      List.of(
          "event_time",
          "event_type",
          "product_id",
          "category_id",
          "category_code",
          "brand",
          "price",
          "user_id",
          "user_session");
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private FileInspector() {}

  public static boolean isGzipName(String name) {
    return name.endsWith(".csv.gz");
  }

  public static boolean isDataFileName(String name) {
    return name.endsWith(".csv") || name.endsWith(".csv.gz");
  }

  public static FileReport inspect(FileSystem fs, Path path, long splitBytes) throws IOException {
    String name = path.getName();
    long bytes = fs.getFileStatus(path).getLen();
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    boolean gzip = isGzipName(name);
    try (InputStream raw = fs.open(path);
        DigestInputStream digest = new DigestInputStream(raw, md)) {
      Scan scan = new Scan(gzip ? Long.MAX_VALUE : splitBytes);
      String verdict = FileReport.OK;
      String detail = null;
      if (!isDataFileName(name)) {
        verdict = "bad_file_name";
        detail = "expected a name ending in .csv or .csv.gz, found '" + name + "'";
      }
      StrictGzipInputStream gz = gzip ? new StrictGzipInputStream(digest, 1 << 16) : null;
      try {
        if (verdict.equals(FileReport.OK)) {
          try {
            scan.consume(gzip ? gz : digest);
          } catch (ZipException | EOFException e) {
            verdict = "bad_gzip";
            detail = "expected a complete gzip stream, found: " + e.getMessage();
          }
        }
        // the SHA-256 covers every byte as landed, also of a file rejected early; reading raw bytes
        // is cheap
        drain(digest);
      } finally {
        if (gz != null) {
          gz.close(); // frees the inflater now, not at garbage collection
        }
      }
      if (verdict.equals(FileReport.OK)) {
        if (scan.notText) {
          verdict = "not_text";
          detail =
              "expected UTF-8 text, found binary content ("
                  + (scan.notTextWhat != null
                      ? scan.notTextWhat
                      : "a NUL byte or an invalid UTF-8 sequence")
                  + "); read no further";
        } else if (scan.headerLine == 0) {
          verdict = "empty_file";
          detail =
              "expected the header line, found "
                  + (scan.contentBytes == 0 ? "an empty file" : "only blank lines");
        } else if (scan.headerProblem != null) {
          verdict = "bad_header";
          detail = scan.headerProblem;
        }
      }
      return new FileReport(
          name,
          path.toString(),
          bytes,
          hex(md.digest()),
          verdict,
          detail,
          verdict.equals(FileReport.OK) ? scan.rowsRead : 0,
          scan.headerLine,
          gzip,
          scan.chunks,
          scan.contentBytes);
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (in.read(buf) >= 0) {
      // reading only feeds the digest
    }
  }

  static String hex(byte[] d) {
    return HexFormat.of().formatHex(d);
  }

  /**
   * ASCII whitespace as the blank-line rule sees it (non-ASCII lines go through {@link
   * io.clicklake.quality.Text#isBlankLine}).
   */
  static boolean isBlankByte(byte b) {
    return b == ' ' || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F);
  }

  /** Checks a header line (bytes without the newline). Null when it is the expected header. */
  static String checkHeader(byte[] line, int len) throws CharacterCodingException {
    String s =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(line, 0, len))
            .toString();
    if (s.startsWith("\uFEFF")) {
      s = s.substring(1);
    }
    if (s.endsWith("\r")) {
      s = s.substring(0, s.length() - 1);
    }
    List<String> names = CsvLine.split(s);
    List<String> found = new ArrayList<>();
    if (names != null) {
      for (String n : names) {
        found.add(io.clicklake.quality.Text.strip(n).toLowerCase(Locale.ROOT));
      }
    }
    if (HEADER.equals(found)) {
      return null;
    }
    String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    return "expected header '" + String.join(",", HEADER) + "', found '" + shown + "'";
  }

  /** The single-pass scanner. */
  private static final class Scan {
    final long splitBytes;
    final List<long[]> chunks = new ArrayList<>();
    long nextBoundary = 0;

    /** Content bytes read (all of them unless the scan stopped at a bad byte). */
    long contentBytes = 0;

    long lineNo = 0;
    boolean atLineStart = true;
    boolean nonBlank = false;
    long headerLine = 0;
    String headerProblem;
    boolean notText;
    String notTextWhat;
    long rowsRead = 0;
    byte[] header = new byte[256];
    int headerLen = 0;
    boolean headerOverflow;
    final io.clicklake.quality.Text.Utf8Validator utf8 =
        new io.clicklake.quality.Text.Utf8Validator();
    final byte[] pending = new byte[io.clicklake.quality.Text.MAX_NON_ASCII_IN_BLANK];
    int pendingLen;

    Scan(long splitBytes) {
      this.splitBytes = Math.max(1, splitBytes);
    }

    /**
     * Scans the content; returns early, without reading further, at the first NUL byte or invalid
     * UTF-8 sequence: the file is not text whatever follows (a gzip bomb of zeros stops at its
     * first buffer instead of being inflated whole).
     */
    void consume(InputStream in) throws IOException {
      byte[] buf = new byte[1 << 16];
      int n;
      long pos = 0;
      while ((n = in.read(buf)) > 0) {
        utf8.feed(buf, 0, n);
        if (utf8.failed()) {
          notText = true;
          notTextWhat = "an invalid UTF-8 sequence in content bytes " + pos + "-" + (pos + n - 1);
          contentBytes = pos + n;
          return;
        }
        for (int i = 0; i < n; i++, pos++) {
          byte b = buf[i];
          if (atLineStart) {
            lineNo++;
            atLineStart = false;
            nonBlank = false;
            pendingLen = 0;
            if (pos >= nextBoundary) {
              chunks.add(new long[] {pos, lineNo});
              while (nextBoundary <= pos) {
                nextBoundary += splitBytes;
              }
            }
          }
          if (b == '\n') {
            endLine();
            atLineStart = true;
            continue;
          }
          if (b == 0) {
            notText = true;
            notTextWhat = "a NUL byte at content byte " + pos;
            contentBytes = pos + n - i;
            return;
          }
          if (!nonBlank) {
            if (b < 0) {
              // non-ASCII in a line that has shown only whitespace so far: keep its bytes to decide
              // at its end
              if (pendingLen < pending.length) {
                pending[pendingLen++] = b;
              } else {
                nonBlank = true;
              }
            } else if (!isBlankByte(b)) {
              nonBlank = true;
            }
          }
          if (headerLine == 0) {
            appendHeader(b);
          }
        }
      }
      contentBytes = pos;
      if (!atLineStart) {
        endLine();
      }
      if (!utf8.valid()) {
        notText = true;
        notTextWhat = "an incomplete UTF-8 sequence at the end";
      }
    }

    private void appendHeader(byte b) {
      if (headerLen >= MAX_HEADER_BYTES) {
        headerOverflow = true;
        return;
      }
      if (headerLen == header.length) {
        header = java.util.Arrays.copyOf(header, header.length * 2);
      }
      header[headerLen++] = b;
    }

    private void endLine() {
      if (!nonBlank
          && pendingLen > 0
          && !io.clicklake.quality.Text.isBlankLine(pending, 0, pendingLen)) {
        nonBlank = true;
      }
      if (!nonBlank) {
        if (headerLine == 0) {
          headerLen = 0;
        }
        return;
      }
      if (headerLine == 0) {
        headerLine = lineNo;
        if (headerOverflow) {
          headerProblem =
              "expected the header line, found a first line longer than "
                  + MAX_HEADER_BYTES
                  + " bytes";
          return;
        }
        try {
          headerProblem = checkHeader(header, headerLen);
        } catch (CharacterCodingException e) {
          notText = true;
        }
        return;
      }
      rowsRead++;
    }
  }
}

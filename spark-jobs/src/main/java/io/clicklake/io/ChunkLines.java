package io.clicklake.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Streams the non-blank data lines of one {@link Chunk} with their physical line numbers: header
 * and blank lines skipped, the line ending (LF or CRLF) removed, bytes decoded as UTF-8. Uses the
 * same blank-line test as {@link FileInspector}, so the two always agree on rows_read.
 *
 * <p>Memory is bounded: a line longer than {@link #MAX_LINE_BYTES} is still returned (it is a read
 * row, quarantined by the caller) but only its first 64 KiB are kept; the rest is counted and
 * discarded, so the buffer never grows beyond about 1 MiB whatever the line length.
 */
public final class ChunkLines implements Iterator<ChunkLines.Line>, Closeable {
  /**
   * Lines longer than this many bytes (UTF-8, line ending excluded) are not parsed (data contract
   * section 1).
   */
  public static final int MAX_LINE_BYTES = 1 << 20;

  /** Of a line longer than {@link #MAX_LINE_BYTES}, this many bytes are kept as its raw text. */
  public static final int LONG_LINE_KEPT_BYTES = 64 << 10;

  /** One data line. */
  public static final class Line {
    public final long number;

    /**
     * The line; of a line longer than {@link #MAX_LINE_BYTES}, only its first 64 KiB (whole
     * characters).
     */
    public final String text;

    /** Length in bytes, line ending excluded. */
    public final long bytes;

    Line(long number, String text, long bytes) {
      this.number = number;
      this.text = text;
      this.bytes = bytes;
    }

    /**
     * True when the line is longer than {@link #MAX_LINE_BYTES}: {@link #text} is then only its
     * start.
     */
    public boolean tooLong() {
      return bytes > MAX_LINE_BYTES;
    }
  }

  private final InputStream in;
  private final long limit;
  private final long headerLine;
  private long pos;
  private long lineNo;

  /**
   * The current line; never more than MAX_LINE_BYTES + 1 (a CR that may still turn out to be the
   * line ending).
   */
  private byte[] buf = new byte[1024];

  private static final int BUF_LIMIT = MAX_LINE_BYTES + 1;

  /** Blank-line test of an over-long line, whose bytes are counted but not kept. */
  private final OverflowBlankness overflow = new OverflowBlankness();

  private final byte[] rbuf = new byte[1 << 16];
  private int rpos;
  private int rlen;
  private Line next;
  private boolean eof;

  public ChunkLines(Chunk chunk, Configuration conf) {
    try {
      Path p = new Path(chunk.path);
      FileSystem fs = p.getFileSystem(conf);
      FSDataInputStream raw = fs.open(p, 1 << 16);
      if (chunk.gzip) {
        this.in = new StrictGzipInputStream(raw, 1 << 16);
      } else {
        raw.seek(chunk.start);
        this.in = raw;
      }
      this.pos = chunk.gzip ? 0 : chunk.start;
      this.limit = chunk.end < 0 ? Long.MAX_VALUE : chunk.end;
      this.lineNo = chunk.firstLine - 1;
      this.headerLine = chunk.headerLine;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + chunk.path, e);
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null && !eof) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public Line next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Line l = next;
    next = null;
    return l;
  }

  private Line advance() {
    try {
      while (true) {
        if (pos >= limit) {
          eof = true;
          return null;
        }
        int len = 0;
        long lineBytes = 0; // bytes before the LF
        boolean over = false;
        byte last = 0;
        boolean any = false;
        outer:
        while (true) {
          if (rpos == rlen) {
            rlen = in.read(rbuf);
            rpos = 0;
            if (rlen <= 0) {
              rlen = 0;
              break;
            }
          }
          any = true;
          while (rpos < rlen) {
            byte b = rbuf[rpos++];
            pos++;
            if (b == '\n') {
              break outer;
            }
            lineBytes++;
            last = b;
            if (over) {
              overflow.feed(b);
              continue;
            }
            if (len == buf.length) {
              if (len == BUF_LIMIT) {
                // longer than the limit even if it ends in CR: keep counting its bytes, keep only
                // its start
                over = true;
                overflow.start(buf, len);
                overflow.feed(b);
                continue;
              }
              buf = Arrays.copyOf(buf, Math.min(BUF_LIMIT, buf.length * 2));
            }
            buf[len++] = b;
          }
        }
        if (!any) {
          eof = true;
          return null;
        }
        lineNo++;
        if (lineNo <= headerLine || (over ? overflow.blank() : isBlank(buf, len))) {
          continue;
        }
        if (over) {
          long bytes = last == '\r' ? lineBytes - 1 : lineBytes;
          return new Line(lineNo, utf8Prefix(buf, LONG_LINE_KEPT_BYTES), bytes);
        }
        if (len > 0 && buf[len - 1] == '\r') {
          len--;
        }
        if (len > MAX_LINE_BYTES) {
          return new Line(lineNo, utf8Prefix(buf, LONG_LINE_KEPT_BYTES), len);
        }
        return new Line(lineNo, new String(buf, 0, len, StandardCharsets.UTF_8), len);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read line " + (lineNo + 1), e);
    }
  }

  /**
   * The first {@code max} bytes, cut back to a character boundary so that no character is split.
   */
  static String utf8Prefix(byte[] b, int max) {
    int cut = max;
    while (cut > 0 && (b[cut] & 0xC0) == 0x80) {
      cut--;
    }
    return new String(b, 0, cut, StandardCharsets.UTF_8);
  }

  /**
   * The blank-line test of {@link io.clicklake.quality.Text#isBlankLine} fed byte by byte, as
   * {@link FileInspector} applies it: ASCII whitespace, plus at most {@link
   * io.clicklake.quality.Text#MAX_NON_ASCII_IN_BLANK} non-ASCII bytes that must all decode to
   * whitespace.
   */
  private static final class OverflowBlankness {
    private final byte[] nonAscii = new byte[io.clicklake.quality.Text.MAX_NON_ASCII_IN_BLANK];
    private int nonAsciiLen;
    private boolean nonBlank;

    void start(byte[] b, int len) {
      nonAsciiLen = 0;
      nonBlank = false;
      for (int i = 0; i < len && !nonBlank; i++) {
        feed(b[i]);
      }
    }

    void feed(byte b) {
      if (nonBlank) {
        return;
      }
      if (b < 0) {
        if (nonAsciiLen < nonAscii.length) {
          nonAscii[nonAsciiLen++] = b;
        } else {
          nonBlank = true;
        }
      } else if (!FileInspector.isBlankByte(b)) {
        nonBlank = true;
      }
    }

    boolean blank() {
      return !nonBlank
          && (nonAsciiLen == 0 || io.clicklake.quality.Text.isBlankLine(nonAscii, 0, nonAsciiLen));
    }
  }

  /** The line buffer's size (tests show it stays bounded). */
  int bufferCapacity() {
    return buf.length;
  }

  private static boolean isBlank(byte[] b, int len) {
    return io.clicklake.quality.Text.isBlankLine(b, 0, len);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

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
 * Streams the non-blank data lines of one {@link Chunk} with their physical line numbers: header and
 * blank lines skipped, the line ending (LF or CRLF) removed, bytes decoded as UTF-8. Uses the same
 * blank-line test as {@link FileInspector}, so the two always agree on rows_read.
 */
public final class ChunkLines implements Iterator<ChunkLines.Line>, Closeable {
  /** One data line. */
  public static final class Line {
    public final long number;
    public final String text;

    Line(long number, String text) {
      this.number = number;
      this.text = text;
    }
  }

  private final InputStream in;
  private final long limit;
  private final long headerLine;
  private long pos;
  private long lineNo;
  private byte[] buf = new byte[1024];
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
            if (len == buf.length) {
              buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[len++] = b;
          }
        }
        if (!any) {
          eof = true;
          return null;
        }
        lineNo++;
        if (lineNo <= headerLine || isBlank(buf, len)) {
          continue;
        }
        if (len > 0 && buf[len - 1] == '\r') {
          len--;
        }
        return new Line(lineNo, new String(buf, 0, len, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read line " + (lineNo + 1), e);
    }
  }

  private static boolean isBlank(byte[] b, int len) {
    return io.clicklake.quality.Text.isBlankLine(b, 0, len);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

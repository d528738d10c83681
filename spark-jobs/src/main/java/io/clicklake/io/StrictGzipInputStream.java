package io.clicklake.io;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses a gzip file member by member (RFC 1952) and rejects anything that is not a sequence
 * of complete, valid members.
 *
 * <p>Why not {@link java.util.zip.GZIPInputStream}: after the first member it reads a second header
 * only "if possible" and treats a corrupt one as the end of the stream, so a file whose second
 * member is damaged silently loses its rows. Here every member's header is parsed (FEXTRA, FNAME,
 * FCOMMENT, FHCRC included), inflated with a raw {@link Inflater}, and its CRC32 and ISIZE trailer
 * checked; after a trailer the stream must either end or start another member with {@code 1f 8b}.
 * Anything else is a {@link ZipException} (a stream that ends inside a member is an {@link
 * EOFException}). An empty input is also rejected: it holds no member at all.
 *
 * <p>{@link #decompressedBytes()} tells how much output was produced, so a caller that stops early
 * (the inspector at the first NUL byte) can show how little of a bomb it expanded.
 */
public final class StrictGzipInputStream extends FilterInputStream {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int RESERVED = 0xE0;

  private final byte[] inBuf;
  private int inPos;
  private int inLen;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();

  /** Inside a member's deflate data (header parsed, trailer not yet read). */
  private boolean inMember;

  private boolean eof;
  private boolean closed;
  private int members;
  private long memberOut;
  private long totalOut;
  private long totalIn;
  private final byte[] one = new byte[1];

  public StrictGzipInputStream(InputStream in) {
    this(in, 1 << 16);
  }

  public StrictGzipInputStream(InputStream in, int bufferSize) {
    super(in);
    this.inBuf = new byte[Math.max(512, bufferSize)];
  }

  /** Bytes of decompressed output returned so far. */
  public long decompressedBytes() {
    return totalOut;
  }

  /** Members started so far (complete ones plus the one being read). */
  public int members() {
    return members;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if ((off | len | (b.length - off - len)) < 0) {
      throw new IndexOutOfBoundsException();
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (eof) {
        return -1;
      }
      if (!inMember) {
        if (members > 0 && !nextMemberFollows()) {
          eof = true;
          return -1;
        }
        readHeader();
        continue;
      }
      int n;
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException(
            "corrupt deflate data in gzip member "
                + members
                + " at compressed byte "
                + position()
                + ": "
                + e.getMessage());
      }
      if (n > 0) {
        crc.update(b, off, n);
        memberOut += n;
        totalOut += n;
        return n;
      }
      if (inflater.finished()) {
        // give back what the inflater read past the end of the deflate data, then read the trailer
        inPos = inLen - inflater.getRemaining();
        readTrailer();
        inMember = false;
        continue;
      }
      if (inflater.needsDictionary()) {
        throw new ZipException(
            "gzip member " + members + " asks for a preset dictionary, which gzip does not allow");
      }
      if (inflater.needsInput()) {
        if (!fill()) {
          throw new EOFException(
              "gzip stream ends inside member " + members + " (truncated deflate data)");
        }
        inflater.setInput(inBuf, inPos, inLen - inPos);
        inPos = inLen;
      }
    }
  }

  /**
   * After a trailer: true when another member starts, false on a clean end of input, else a
   * ZipException.
   */
  private boolean nextMemberFollows() throws IOException {
    if (inPos == inLen && !fill()) {
      return false;
    }
    return true; // readHeader checks the magic and says what it found
  }

  private void readHeader() throws IOException {
    long start = position();
    CRC32 hcrc = new CRC32();
    int id1 = headerByte(hcrc, "the gzip magic");
    int id2 = headerByte(hcrc, "the gzip magic");
    if (id1 != 0x1f || id2 != 0x8b) {
      throw new ZipException(
          (members == 0
                  ? "not in gzip format"
                  : "expected another gzip member or the end of the file after member " + members)
              + ": found bytes "
              + hex(id1)
              + " "
              + hex(id2)
              + " at byte "
              + start
              + " instead of 1f 8b");
    }
    int cm = headerByte(hcrc, "the compression method");
    if (cm != 8) {
      throw new ZipException(
          "gzip member "
              + (members + 1)
              + " at byte "
              + start
              + ": unsupported compression method "
              + cm
              + " (expected 8, deflate)");
    }
    int flags = headerByte(hcrc, "the flags");
    if ((flags & RESERVED) != 0) {
      throw new ZipException(
          "gzip member "
              + (members + 1)
              + " at byte "
              + start
              + ": reserved flag bits set ("
              + hex(flags)
              + ")");
    }
    for (int i = 0; i < 6; i++) { // MTIME (4), XFL, OS
      headerByte(hcrc, "the header");
    }
    if ((flags & FEXTRA) != 0) {
      int xlen = headerByte(hcrc, "FEXTRA") | (headerByte(hcrc, "FEXTRA") << 8);
      for (int i = 0; i < xlen; i++) {
        headerByte(hcrc, "FEXTRA");
      }
    }
    if ((flags & FNAME) != 0) {
      while (headerByte(hcrc, "FNAME") != 0) {
        // zero-terminated file name
      }
    }
    if ((flags & FCOMMENT) != 0) {
      while (headerByte(hcrc, "FCOMMENT") != 0) {
        // zero-terminated comment
      }
    }
    if ((flags & FHCRC) != 0) {
      int expected = (int) (hcrc.getValue() & 0xffff);
      int found = rawByte("FHCRC") | (rawByte("FHCRC") << 8);
      if (found != expected) {
        throw new ZipException(
            "gzip member " + (members + 1) + " at byte " + start + ": header CRC16 mismatch");
      }
    }
    members++;
    inMember = true;
    memberOut = 0;
    crc.reset();
    inflater.reset();
    if (inPos < inLen) {
      inflater.setInput(inBuf, inPos, inLen - inPos);
      inPos = inLen;
    }
  }

  private void readTrailer() throws IOException {
    long expectedCrc = 0;
    for (int i = 0; i < 4; i++) {
      expectedCrc |= ((long) rawByte("the CRC32 trailer")) << (8 * i);
    }
    long isize = 0;
    for (int i = 0; i < 4; i++) {
      isize |= ((long) rawByte("the ISIZE trailer")) << (8 * i);
    }
    if (expectedCrc != crc.getValue()) {
      throw new ZipException(
          "gzip member "
              + members
              + ": CRC32 mismatch (trailer "
              + Long.toHexString(expectedCrc)
              + ", data "
              + Long.toHexString(crc.getValue())
              + ")");
    }
    if (isize != (memberOut & 0xffffffffL)) {
      throw new ZipException(
          "gzip member "
              + members
              + ": ISIZE mismatch (trailer "
              + isize
              + ", data "
              + memberOut
              + " mod 2^32)");
    }
  }

  private int headerByte(CRC32 hcrc, String what) throws IOException {
    int b = rawByte(what);
    hcrc.update(b);
    return b;
  }

  private int rawByte(String what) throws IOException {
    if (inPos == inLen && !fill()) {
      throw new EOFException(
          "gzip stream ends inside " + what + " of member " + (inMember ? members : members + 1));
    }
    return inBuf[inPos++] & 0xff;
  }

  /** Refills the compressed buffer; false at the end of the input. */
  private boolean fill() throws IOException {
    int n;
    do {
      n = in.read(inBuf, 0, inBuf.length);
    } while (n == 0);
    if (n < 0) {
      inPos = inLen = 0;
      return false;
    }
    totalIn += n;
    inPos = 0;
    inLen = n;
    return true;
  }

  /** Compressed bytes consumed so far. */
  private long position() {
    if (inMember) {
      return totalIn - inflater.getRemaining() - (inLen - inPos);
    }
    return totalIn - (inLen - inPos);
  }

  private static String hex(int b) {
    return b < 0 ? "EOF" : HexFormat.of().toHexDigits((byte) b);
  }

  @Override
  public int available() throws IOException {
    return eof ? 0 : 1;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
    long left = n;
    while (left > 0) {
      int r = read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        break;
      }
      left -= r;
    }
    return n - left;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      inflater.end();
      in.close();
    }
  }
}

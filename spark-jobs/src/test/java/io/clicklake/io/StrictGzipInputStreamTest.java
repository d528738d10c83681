package io.clicklake.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

/**
 * The strict multi-member gzip reader against RFC 1952, including what GZIPInputStream lets
 * through.
 */
class StrictGzipInputStreamTest {

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(data);
    }
    return bos.toByteArray();
  }

  static byte[] gzip(String text) throws IOException {
    return gzip(text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bos.write(p, 0, p.length);
    }
    return bos.toByteArray();
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  static byte[] strict(byte[] gz) throws IOException {
    return readAll(new StrictGzipInputStream(new ByteArrayInputStream(gz), 512));
  }

  /** A member with every optional header field (FEXTRA, FNAME, FCOMMENT, FHCRC), built by hand. */
  static byte[] memberWithAllHeaderFields(byte[] data) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(0x1f);
    h.write(0x8b);
    h.write(8);
    h.write(2 | 4 | 8 | 16);
    h.writeBytes(new byte[] {1, 2, 3, 4, 0, 3}); // MTIME, XFL, OS
    h.write(5);
    h.write(0); // XLEN = 5
    h.writeBytes(new byte[] {'A', 'B', 3, 0, 'x'});
    h.writeBytes("name.csv\0".getBytes(StandardCharsets.ISO_8859_1));
    h.writeBytes("a comment\0".getBytes(StandardCharsets.ISO_8859_1));
    CRC32 hcrc = new CRC32();
    hcrc.update(h.toByteArray());
    int c16 = (int) (hcrc.getValue() & 0xffff);
    h.write(c16 & 0xff);
    h.write(c16 >> 8);
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    d.finish();
    byte[] buf = new byte[data.length + 1024];
    int n = d.deflate(buf);
    d.end();
    h.write(buf, 0, n);
    CRC32 crc = new CRC32();
    crc.update(data);
    long v = crc.getValue();
    for (int i = 0; i < 4; i++) {
      h.write((int) (v >> (8 * i)) & 0xff);
    }
    for (int i = 0; i < 4; i++) {
      h.write((data.length >> (8 * i)) & 0xff);
    }
    return h.toByteArray();
  }

  @Test
  void readsOneMemberAndSeveralMembers() throws IOException {
    assertThat(new String(strict(gzip("hello\n")), StandardCharsets.UTF_8)).isEqualTo("hello\n");
    byte[] two = concat(gzip("a,b\n"), gzip("c,d\n"), gzip(""), gzip("e\n"));
    assertThat(new String(strict(two), StandardCharsets.UTF_8))
        .as("cat a.gz b.gz ...")
        .isEqualTo("a,b\nc,d\ne\n");
    StrictGzipInputStream in = new StrictGzipInputStream(new ByteArrayInputStream(two));
    readAll(in);
    assertThat(in.members()).isEqualTo(4);
    assertThat(in.decompressedBytes()).isEqualTo(10);
  }

  @Test
  void readsLargeMembersAcrossBufferRefills() throws IOException {
    byte[] data = new byte[3_000_000];
    new Random(3).nextBytes(data); // incompressible: the deflate data spans many input buffers
    byte[] text = "x,y,z\n".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
    byte[] out = strict(concat(gzip(data), gzip(text)));
    assertThat(out).hasSize(data.length + text.length);
    assertThat(Arrays.copyOf(out, data.length)).isEqualTo(data);
    assertThat(Arrays.copyOfRange(out, data.length, out.length)).isEqualTo(text);
  }

  @Test
  void parsesEveryOptionalHeaderField() throws IOException {
    byte[] data = "with all header fields\n".getBytes(StandardCharsets.UTF_8);
    byte[] m = memberWithAllHeaderFields(data);
    assertThat(strict(concat(m, gzip("next\n"))))
        .isEqualTo(concat(data, "next\n".getBytes(StandardCharsets.UTF_8)));
    byte[] badHcrc = m.clone();
    int hcrcAt = 10 + 2 + 5 + "name.csv\0".length() + "a comment\0".length();
    badHcrc[hcrcAt] ^= 1;
    assertThatThrownBy(() -> strict(badHcrc))
        .isInstanceOf(ZipException.class)
        .hasMessageContaining("header CRC16");
  }

  @Test
  void aCorruptSecondMemberIsAnErrorWhereGzipInputStreamStopsQuietly() throws IOException {
    byte[] first = gzip("first,member\n");
    byte[] second = gzip("second,member\n");
    second[0] = 0x1e; // the second member's magic is damaged
    byte[] file = concat(first, second);
    assertThat(readAll(new GZIPInputStream(new ByteArrayInputStream(file))))
        .as("the JDK reader ends the stream at the damaged header")
        .isEqualTo("first,member\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> strict(file))
        .isInstanceOf(ZipException.class)
        .hasMessageContaining("expected another gzip member or the end of the file after member 1")
        .hasMessageContaining("1e 8b");

    byte[] badMethod = gzip("x\n");
    badMethod[2] = 7;
    assertThatThrownBy(() -> strict(concat(first, badMethod)))
        .isInstanceOf(ZipException.class)
        .hasMessageContaining("compression method 7");
    byte[] reserved = gzip("x\n");
    reserved[3] = (byte) 0x80;
    assertThatThrownBy(() -> strict(concat(first, reserved)))
        .isInstanceOf(ZipException.class)
        .hasMessageContaining("reserved flag");
  }

  @Test
  void trailingGarbageAndTruncationAreErrors() throws IOException {
    byte[] ok = gzip("a\n");
    assertThatThrownBy(() -> strict(concat(ok, new byte[] {0, 0, 0})))
        .as("trailing zeros")
        .isInstanceOf(ZipException.class);
    assertThatThrownBy(() -> strict(concat(ok, new byte[] {0x1f})))
        .as("a lone magic byte")
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> strict(concat(ok, "text".getBytes(StandardCharsets.US_ASCII))))
        .isInstanceOf(ZipException.class);
    byte[] big = gzip("row,row,row\n".repeat(1000));
    for (int cut : new int[] {1, 5, 11, 20, big.length - 8, big.length - 4, big.length - 1}) {
      byte[] truncated = Arrays.copyOf(big, cut);
      assertThatThrownBy(() -> strict(truncated))
          .as("cut at %s of %s", cut, big.length)
          .isInstanceOf(EOFException.class);
    }
    assertThatThrownBy(() -> strict(new byte[0]))
        .as("no member at all")
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> strict("plain text\n".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(ZipException.class)
        .hasMessageContaining("not in gzip format");
  }

  @Test
  void checksTheCrcAndSizeTrailer() throws IOException {
    byte[] badCrc = gzip("some data\n");
    badCrc[badCrc.length - 8] ^= 0x55;
    assertThatThrownBy(() -> strict(badCrc))
        .isInstanceOf(ZipException.class)
        .hasMessageContaining("CRC32 mismatch");
    byte[] badSize = gzip("some data\n");
    badSize[badSize.length - 4] ^= 0x01;
    assertThatThrownBy(() -> strict(badSize))
        .isInstanceOf(ZipException.class)
        .hasMessageContaining("ISIZE mismatch");
    byte[] badData = concat(gzip("x\n"), gzip("more data here\n".repeat(50)));
    badData[badData.length - 20] ^= (byte) 0xff; // inside the second member's deflate data
    assertThatThrownBy(() -> strict(badData)).isInstanceOf(IOException.class);
  }
}

package io.clicklake.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The inspector on the local file system: where it stops, what it counts. */
class FileInspectorTest {
  static final String HEADER =
      "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n";
  static final String ROW = "2019-10-01 00:00:00 UTC,view,1,,,,1.00,1,s\n";
  static FileSystem fs;
  static java.nio.file.Path dir;

  @BeforeAll
  static void localFs() throws IOException {
    fs = FileSystem.getLocal(new Configuration()).getRaw();
    dir = Files.createTempDirectory("clicklake-inspector");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    fs.delete(new Path(dir.toUri()), true);
  }

  static Path file(String name) {
    return new Path(dir.resolve(name).toUri());
  }

  static Path write(String name, byte[] content) throws IOException {
    Path p = file(name);
    try (OutputStream out = fs.create(p, true)) {
      out.write(content);
    }
    return p;
  }

  /** Streams {@code bytes} zero bytes, gzip-compressed, into a file: never held in memory. */
  static Path gzipOfZeros(String name, long bytes) throws IOException {
    Path p = file(name);
    byte[] zeros = new byte[1 << 20];
    try (OutputStream out = new GZIPOutputStream(fs.create(p, true), 1 << 16)) {
      for (long left = bytes; left > 0; left -= zeros.length) {
        out.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
    }
    return p;
  }

  @Test
  void aGzipBombOfZerosIsRejectedAsNotTextAfterItsFirstBuffer() throws IOException {
    Path bomb = gzipOfZeros("bomb.csv.gz", 1L << 30);
    long compressed = fs.getFileStatus(bomb).getLen();
    FileReport r = FileInspector.inspect(fs, bomb, 1 << 20);
    assertThat(r.verdict)
        .as("1 GiB of zeros, %s bytes compressed", compressed)
        .isEqualTo("not_text");
    assertThat(r.detail).contains("a NUL byte at content byte 0").contains("read no further");
    assertThat(r.contentBytesRead)
        .as("decompressed bytes read of 1 GiB")
        .isLessThanOrEqualTo(1 << 16);
    assertThat(r.bytes).isEqualTo(compressed);
    assertThat(r.sha256).as("SHA-256 over every landed byte").isEqualTo(sha256(bomb));
  }

  @Test
  void aPlainFileStopsAtItsFirstNulOrInvalidUtf8() throws IOException {
    StringBuilder big = new StringBuilder(HEADER);
    while (big.length() < 300_000) {
      big.append(ROW);
    }
    byte[] text = big.toString().getBytes(StandardCharsets.UTF_8);
    byte[] nul = text.clone();
    nul[100_000] = 0;
    FileReport r = FileInspector.inspect(fs, write("nul.csv", nul), 1 << 20);
    assertThat(r.verdict).isEqualTo("not_text");
    assertThat(r.detail).contains("a NUL byte at content byte 100000");
    assertThat(r.contentBytesRead).as("stops in the buffer holding the NUL").isLessThan(200_000);
    byte[] latin1 = text.clone();
    latin1[70_000] = (byte) 0xE9;
    FileReport l = FileInspector.inspect(fs, write("latin1.csv", latin1), 1 << 20);
    assertThat(l.verdict).isEqualTo("not_text");
    assertThat(l.detail).contains("invalid UTF-8");
    assertThat(l.contentBytesRead).isLessThan(200_000);
    FileReport ok = FileInspector.inspect(fs, write("ok.csv", text), 1 << 20);
    assertThat(ok.verdict).isEqualTo("ok");
    assertThat(ok.contentBytesRead).isEqualTo(text.length);
    assertThat(ok.sha256).isEqualTo(sha256(file("ok.csv")));
  }

  static String sha256(Path p) throws IOException {
    try (var in = fs.open(p)) {
      return FileInspector.hex(
          java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

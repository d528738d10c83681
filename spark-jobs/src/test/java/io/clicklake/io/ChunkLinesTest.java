package io.clicklake.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lines of a chunk: long lines (data contract section 1) with bounded memory, and a file parsed in
 * many small chunks gives the same lines and line numbers as in one.
 */
class ChunkLinesTest {
  static final String HEADER =
      "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session";
  static final int MAX = ChunkLines.MAX_LINE_BYTES;
  static final Configuration CONF = new Configuration();
  static FileSystem fs;
  static java.nio.file.Path dir;

  @BeforeAll
  static void localFs() throws IOException {
    fs = FileSystem.getLocal(CONF).getRaw();
    dir = Files.createTempDirectory("clicklake-chunklines");
  }

  @AfterAll
  static void cleanUp() throws IOException {
    fs.delete(new Path(dir.toUri()), true);
  }

  static Path write(String name, byte[] content) throws IOException {
    Path p = new Path(dir.resolve(name).toUri());
    try (OutputStream out = fs.create(p, true)) {
      if (name.endsWith(".gz")) {
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
          gz.write(content);
        }
      } else {
        out.write(content);
      }
    }
    return p;
  }

  /**
   * number|bytes|tooLong|text (text over 60 chars cut to 40 and its length) of every line of every
   * chunk, in order.
   */
  static List<String> lines(FileReport r) throws IOException {
    List<String> out = new ArrayList<>();
    for (Chunk c : Chunk.of(0, r)) {
      try (ChunkLines l = new ChunkLines(c, CONF)) {
        while (l.hasNext()) {
          ChunkLines.Line line = l.next();
          String t =
              line.text.length() > 60
                  ? line.text.substring(0, 40) + "...(" + line.text.length() + ")"
                  : line.text;
          out.add(line.number + "|" + line.bytes + "|" + line.tooLong() + "|" + t);
        }
      }
    }
    return out;
  }

  static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  @Test
  void aLineLongerThanOneMebibyteKeepsItsFirst64KibAndItsLength() throws IOException {
    String shortRow = "2019-10-01 00:00:00 UTC,view,1,,,,1.00,1,s";
    String twoMib = "2019-10-01 00:00:00 UTC,view,1,,,," + repeat('9', 2 * MAX) + ",1,s";
    String exact = repeat('x', MAX);
    String justOver = repeat('y', MAX + 1);
    String blankLong = repeat(' ', 3 * MAX); // blank however long: skipped, not counted
    // 4-byte characters across the 64 KiB cut: raw text ends at a whole character
    String wide = "\uD83D\uDE00".repeat(MAX / 4 + 10);
    String file =
        HEADER + "\n" + shortRow + "\n" + twoMib + "\r\n" + exact + "\r\n" + justOver + "\n"
            + blankLong + "\r\n" + wide + "\n" + shortRow;
    FileReport r =
        FileInspector.inspect(
            fs, write("long.csv", file.getBytes(StandardCharsets.UTF_8)), 1L << 30);
    assertThat(r.verdict).isEqualTo("ok");
    assertThat(r.rowsRead).as("long lines are read rows, the blank one is not").isEqualTo(6);
    List<String> l = lines(r);
    assertThat(l).hasSize(6);
    assertThat(l.get(0)).isEqualTo("2|42|false|" + shortRow);
    assertThat(l.get(1))
        .as("2 MiB line")
        .startsWith(
            "3|" + twoMib.length() + "|true|2019-10-01 00:00:00 UTC,view,1,,,,999999...(65536)");
    assertThat(l.get(2))
        .as("exactly 1 MiB before its CRLF: parsed")
        .isEqualTo("4|" + MAX + "|false|" + repeat('x', 40) + "...(" + MAX + ")");
    assertThat(l.get(3))
        .as("one byte over")
        .isEqualTo("5|" + (MAX + 1) + "|true|" + repeat('y', 40) + "...(65536)");
    assertThat(l.get(4))
        .as("cut at a character boundary")
        .isEqualTo(
            "7|" + (4 * (MAX / 4 + 10)) + "|true|" + "\uD83D\uDE00".repeat(20) + "...(32768)");
    assertThat(l.get(5)).isEqualTo("8|42|false|" + shortRow);

    FileReport gz =
        FileInspector.inspect(fs, write("long.csv.gz", file.getBytes(StandardCharsets.UTF_8)), 200);
    assertThat(gz.rowsRead).isEqualTo(6);
    assertThat(lines(gz)).as("the same lines from gzip").isEqualTo(l);
  }

  @Test
  void theLineBufferStaysBoundedOnAHugeLine() throws IOException {
    Path p = new Path(dir.resolve("huge.csv").toUri());
    long huge = 64L << 20;
    try (OutputStream out = fs.create(p, true)) {
      out.write((HEADER + "\n").getBytes(StandardCharsets.US_ASCII));
      byte[] block = repeat('z', 1 << 16).getBytes(StandardCharsets.US_ASCII);
      for (long w = 0; w < huge; w += block.length) {
        out.write(block);
      }
      out.write("\nnext\n".getBytes(StandardCharsets.US_ASCII));
    }
    FileReport r = FileInspector.inspect(fs, p, 1L << 30);
    assertThat(r.rowsRead).isEqualTo(2);
    try (ChunkLines l = new ChunkLines(Chunk.of(0, r).get(0), CONF)) {
      ChunkLines.Line line = l.next();
      assertThat(line.bytes).isEqualTo(huge);
      assertThat(line.tooLong()).isTrue();
      assertThat(line.text).hasSize(65536);
      assertThat(l.bufferCapacity())
          .as("line buffer after a 64 MiB line")
          .isLessThanOrEqualTo(MAX + 1);
      assertThat(l.next().text).isEqualTo("next");
      assertThat(l.hasNext()).isFalse();
    }
  }

  @Test
  void manySmallChunksGiveTheSameLinesAsOne() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("\uFEFF" + HEADER + "\r\n").getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      // varied lengths and endings so that chunk edges fall everywhere: inside lines, on CR, on LF,
      // on blank lines
      sb.append("2019-10-01 00:00:")
          .append(String.format("%02d", i % 60))
          .append(" UTC,view,")
          .append(i + 1)
          .append(",,,")
          .append("b".repeat(i % 7))
          .append(",1.00,")
          .append(i + 1)
          .append(",s")
          .append(i);
      sb.append(i % 3 == 0 ? "\r\n" : "\n");
      if (i % 11 == 0) {
        sb.append("   \n");
      }
      if (i == 30) {
        sb.append("long,")
            .append("é".repeat(MAX))
            .append("\r\n"); // 2 MiB + 5 bytes, across thousands of 200-byte edges
      }
      if (i == 40) {
        sb.append("\u00A0\u3000 \r\n"); // blank with non-ASCII whitespace
      }
    }
    b.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    b.writeBytes("last,line,without,newline".getBytes(StandardCharsets.UTF_8));
    Path p = write("chunks.csv", b.toByteArray());
    FileReport one = FileInspector.inspect(fs, p, 1L << 30);
    assertThat(one.chunks).hasSize(1);
    List<String> expected = lines(one);
    assertThat(expected).hasSize(62);
    assertThat(expected)
        .anySatisfy(s -> assertThat(s).startsWith("36|" + (5 + 2 * MAX) + "|true|long,éé"));
    for (long split : new long[] {1, 7, 64, 199, 200, 201, 1000}) {
      FileReport many = FileInspector.inspect(fs, p, split);
      assertThat(many.chunks.size())
          .as("chunks at split %s", split)
          .isGreaterThan(split <= 200 ? 10 : 2);
      assertThat(many.rowsRead).isEqualTo(one.rowsRead);
      assertThat(lines(many)).as("lines at split %s", split).isEqualTo(expected);
    }
    // every chunk edge the inspector chose is a line start
    byte[] all = b.toByteArray();
    for (long[] c : FileInspector.inspect(fs, p, 200).chunks) {
      assertThat(c[0] == 0 || all[(int) c[0] - 1] == '\n')
          .as("chunk at %s starts a line", c[0])
          .isTrue();
    }
  }
}

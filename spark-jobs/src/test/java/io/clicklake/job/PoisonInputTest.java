package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.clicklake.testing.LakehouseTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * No single input may stall the pipeline: each poison input becomes a quarantined row or a rejected
 * file, and the rest of its batch loads with exact accounting (data contract sections 1, 2, 4, 5).
 */
class PoisonInputTest extends LakehouseTestBase {
  static final String HEADER = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n";

  static String row(int i) {
    return "2019-10-01 00:00:" + String.format("%02d", i % 60) + " UTC,view," + (1000 + i) + ",,,brand,1.00," + (500 + i) + ",s" + i + "\n";
  }

  static String rows(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append(row(i));
    }
    return sb.toString();
  }

  static String fileStatus(Env env, String file) {
    return rows("select status, split(reason, ':')[0], rows_read, rows_clean, rows_quarantined, rows_duplicate from "
        + env.table("batch_files") + " where file_name = '" + file + "'").get(0);
  }

  /** Streams {@code bytes} zero bytes, gzip-compressed, into an HDFS file: never held in memory. */
  static void gzipOfZeros(Path p, long bytes) throws IOException {
    byte[] zeros = new byte[1 << 20];
    try (OutputStream out = new GZIPOutputStream(fs.create(p, true), 1 << 16)) {
      for (long left = bytes; left > 0; left -= zeros.length) {
        out.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
    }
  }

  @Test
  void badGzipMembersAndAGzipBombAreRejectedWholeWhileTheRestOfTheBatchLoads() throws IOException {
    Env env = newEnv("gzip_members");
    byte[] first = gzip(HEADER + rows(0, 5));
    byte[] second = gzip(rows(5, 10));
    byte[] corruptSecond = second.clone();
    corruptSecond[1] = 0x00; // damaged magic: GZIPInputStream would end the stream here and keep member 1
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    bad.writeBytes(first);
    bad.writeBytes(corruptSecond);
    ByteArrayOutputStream good = new ByteArrayOutputStream();
    good.writeBytes(gzip(HEADER + rows(20, 25)));
    good.writeBytes(gzip(rows(25, 30)));
    Path inst = env.instance("2019/10/01/00", true,
        "bad-member.csv.gz", bad.toByteArray(),
        "two-members.csv.gz", good.toByteArray(),
        "plain.csv", HEADER + rows(40, 43));
    gzipOfZeros(new Path(inst, "zeros.csv.gz"), 1L << 30);
    CleanEventsJob.Result r = CleanEventsJobTest.ingest(env.config(inst.toString()));

    assertThat(fileStatus(env, "bad-member.csv.gz")).as("corrupt second member").isEqualTo("rejected|bad_gzip|0|0|0|0");
    assertThat(fileStatus(env, "two-members.csv.gz")).as("cat a.gz b.gz").isEqualTo("loaded|<null>|10|10|0|0");
    assertThat(fileStatus(env, "plain.csv")).isEqualTo("loaded|<null>|3|3|0|0");
    assertThat(fileStatus(env, "zeros.csv.gz")).as("1 GiB of zeros, gzipped").isEqualTo("rejected|not_text|0|0|0|0");
    assertThat(rows("select reason from " + env.table("batch_files") + " where file_name = 'zeros.csv.gz'"))
        .as("the inspector stopped at the first NUL").singleElement().asString().contains("a NUL byte at content byte 0); read no further");
    assertThat(rows("select count(*) from " + env.table("events") + " where source_file = 'bad-member.csv.gz'"))
        .as("no row of the rejected file is loaded").containsExactly("0");
    assertThat(rows("select min(line_number), max(line_number) from " + env.table("events") + " where source_file = 'two-members.csv.gz'"))
        .as("line numbers run on across members").containsExactly("2|11");
    assertThat(fs.exists(new Path(env.rejected, "2019-10-01-00/bad-member.csv.gz"))).isTrue();
    CleanEventsJobTest.assertAccounting(env, r);
    assertThat(r.files("rejected")).isEqualTo(2);
    assertThat(List.of(r.rowsRead(), r.rowsClean())).containsExactly(13L, 13L);
  }
}

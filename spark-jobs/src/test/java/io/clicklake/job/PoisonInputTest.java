package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import io.clicklake.testing.LakehouseTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * No single input may stall the pipeline: each poison input becomes a quarantined row or a rejected
 * file, and the rest of its batch loads with exact accounting (data contract sections 1, 2, 4, 5).
 */
class PoisonInputTest extends LakehouseTestBase {
  static final String HEADER =
      "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n";

  static String row(int i) {
    return "2019-10-01 00:00:"
        + String.format("%02d", i % 60)
        + " UTC,view,"
        + (1000 + i)
        + ",,,brand,1.00,"
        + (500 + i)
        + ",s"
        + i
        + "\n";
  }

  static String rows(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append(row(i));
    }
    return sb.toString();
  }

  static String fileStatus(Env env, String file) {
    return rows("select status, split(reason, ':')[0], rows_read, rows_clean, rows_quarantined,"
            + " rows_duplicate from "
            + env.table("batch_files")
            + " where file_name = '"
            + file
            + "'")
        .get(0);
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
    corruptSecond[1] =
        0x00; // damaged magic: GZIPInputStream would end the stream here and keep member 1
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    bad.writeBytes(first);
    bad.writeBytes(corruptSecond);
    ByteArrayOutputStream good = new ByteArrayOutputStream();
    good.writeBytes(gzip(HEADER + rows(20, 25)));
    good.writeBytes(gzip(rows(25, 30)));
    Path inst =
        env.instance(
            "2019/10/01/00",
            true,
            "bad-member.csv.gz",
            bad.toByteArray(),
            "two-members.csv.gz",
            good.toByteArray(),
            "plain.csv",
            HEADER + rows(40, 43));
    gzipOfZeros(new Path(inst, "zeros.csv.gz"), 1L << 30);
    CleanEventsJob.Result r = CleanEventsJobTest.ingest(env.config(inst.toString()));

    assertThat(fileStatus(env, "bad-member.csv.gz"))
        .as("corrupt second member")
        .isEqualTo("rejected|bad_gzip|0|0|0|0");
    assertThat(fileStatus(env, "two-members.csv.gz"))
        .as("cat a.gz b.gz")
        .isEqualTo("loaded|<null>|10|10|0|0");
    assertThat(fileStatus(env, "plain.csv")).isEqualTo("loaded|<null>|3|3|0|0");
    assertThat(fileStatus(env, "zeros.csv.gz"))
        .as("1 GiB of zeros, gzipped")
        .isEqualTo("rejected|not_text|0|0|0|0");
    assertThat(
            rows(
                "select reason from "
                    + env.table("batch_files")
                    + " where file_name = 'zeros.csv.gz'"))
        .as("the inspector stopped at the first NUL")
        .singleElement()
        .asString()
        .contains("a NUL byte at content byte 0); read no further");
    assertThat(
            rows(
                "select count(*) from "
                    + env.table("events")
                    + " where source_file = 'bad-member.csv.gz'"))
        .as("no row of the rejected file is loaded")
        .containsExactly("0");
    assertThat(
            rows(
                "select min(line_number), max(line_number) from "
                    + env.table("events")
                    + " where source_file = 'two-members.csv.gz'"))
        .as("line numbers run on across members")
        .containsExactly("2|11");
    assertThat(fs.exists(new Path(env.rejected, "2019-10-01-00/bad-member.csv.gz"))).isTrue();
    CleanEventsJobTest.assertAccounting(env, r);
    assertThat(r.files("rejected")).isEqualTo(2);
    assertThat(List.of(r.rowsRead(), r.rowsClean())).containsExactly(13L, 13L);
  }

  @Test
  void aTwoMibLineIsQuarantinedWithItsFirst64KibAndItsLengthWhileItsFileLoads() throws IOException {
    Env env = newEnv("long_line");
    String longLine = "2019-10-01 00:00:00 UTC,view,1,,,," + "7".repeat(2 << 20) + ",1,s";
    Path inst =
        env.instance(
            "2019/10/01/00",
            true,
            "long.csv",
            HEADER + rows(0, 3) + longLine + "\r\n" + rows(3, 6));
    CleanEventsJob.Result r = CleanEventsJobTest.ingest(env.config(inst.toString()));

    assertThat(fileStatus(env, "long.csv")).isEqualTo("loaded|<null>|7|6|1|0");
    assertThat(
            rows(
                "select line_number, reason, length(raw_line), detail from "
                    + env.table("events_quarantine")))
        .as("the long line, quarantined")
        .containsExactly(
            "5|malformed_row|65536|expected a line of at most 1048576 bytes, found "
                + longLine.length()
                + " bytes (not parsed; raw_line keeps at most its first 65536 bytes)");
    assertThat(rows("select substr(raw_line, 1, 40) from " + env.table("events_quarantine")))
        .containsExactly(longLine.substring(0, 40));
    assertThat(rows("select line_number from " + env.table("events") + " order by line_number"))
        .as("the rows around it")
        .containsExactly("2", "3", "4", "6", "7", "8");
    assertThat(r.quarantinedByReason).containsEntry("malformed_row", 1L);
    CleanEventsJobTest.assertAccounting(env, r);
  }

  @Test
  void aFileParsedInManySmallChunksGivesTheRowsAndLineNumbersOfOneChunk() throws IOException {
    StringBuilder sb = new StringBuilder("\uFEFF" + HEADER.replace("\n", "\r\n"));
    for (int i = 0; i < 40; i++) {
      sb.append(row(i).replace("\n", i % 3 == 0 ? "\r\n" : "\n"));
      if (i % 9 == 0) {
        sb.append("  \r\n");
      }
      if (i == 17) {
        sb.append("2019-10-01 00:00:00 UTC,view,1,,,")
            .append("x".repeat((1 << 20) + 100))
            .append(",1.00,1,s\r\n");
      }
      if (i == 25) {
        sb.append("not,a,row\n");
      }
    }
    String content = sb.toString();
    Env single = newEnv("one_chunk");
    CleanEventsJob.Result one =
        CleanEventsJobTest.ingest(
            single.config(single.instance("2019/10/01/00", true, "f.csv", content).toString()));
    Env many = newEnv("many_chunks");
    JobConfig small =
        many.config(many.instance("2019/10/01/00", true, "f.csv", content).toString())
            .with(Map.of(Keys.SPLIT_BYTES.name(), "200"));
    CleanEventsJob.Result split = CleanEventsJobTest.ingest(small);

    assertThat(one.rowsRead()).isEqualTo(42);
    assertThat(
            List.of(
                split.rowsRead(),
                split.rowsClean(),
                split.rowsQuarantined(),
                split.rowsDuplicate()))
        .containsExactly(
            one.rowsRead(), one.rowsClean(), one.rowsQuarantined(), one.rowsDuplicate());
    assertThat(one.quarantinedByReason).containsEntry("malformed_row", 2L);
    for (String t : List.of("events", "events_quarantine")) {
      String cols =
          t.equals("events")
              ? "event_id, line_number, user_session"
              : "line_number, reason, length(raw_line), detail";
      assertThat(rows("select " + cols + " from " + many.table(t) + " order by line_number"))
          .as("%s parsed in 200-byte chunks", t)
          .isEqualTo(rows("select " + cols + " from " + single.table(t) + " order by line_number"));
    }
    CleanEventsJobTest.assertAccounting(many, split);
  }

  @Test
  void
      aSessionLongerThan64CodePointsIsQuarantinedBadSessionAndA64CodePointOneWithWideCharactersIsClean()
          throws IOException {
    Env env = newEnv("bad_session");
    String wide64 =
        "é".repeat(20) + "€".repeat(20) + "\uD83D\uDE00".repeat(24); // 64 code points, 196 bytes
    String long65 = "s".repeat(65);
    Path inst =
        env.instance(
            "2019/10/01/00",
            true,
            "s.csv",
            HEADER
                + rows(0, 2)
                + "2019-10-01 00:00:00 UTC,view,1,,,,1.00,1,"
                + wide64
                + "\n"
                + "2019-10-01 00:00:00 UTC,view,1,,,,1.00,1,"
                + long65
                + "\n"
                + "2019-10-01 00:00:00 UTC,view,1,,,,1.00,1,\n"
                + rows(2, 4));
    CleanEventsJob.Result r = CleanEventsJobTest.ingest(env.config(inst.toString()));

    assertThat(
            rows(
                "select line_number, reason from "
                    + env.table("events_quarantine")
                    + " order by line_number"))
        .containsExactly("5|bad_session", "6|missing_session");
    assertThat(
            rows(
                "select char_length(user_session), octet_length(user_session) from "
                    + env.table("events")
                    + " where line_number = 4"))
        .as("64 code points of 2-, 3- and 4-byte characters")
        .containsExactly("64|196");
    assertThat(r.quarantinedByReason)
        .containsEntry("bad_session", 1L)
        .containsEntry("missing_session", 1L);
    assertThat(rows("select q_missing_session, q_bad_session from " + env.table("batches")))
        .containsExactly("1|1");
    assertThat(fileStatus(env, "s.csv")).isEqualTo("loaded|<null>|7|5|2|0");
    CleanEventsJobTest.assertAccounting(env, r);
  }

  @Test
  void tablesCreatedByTheOlderDdlAreBroughtUpToIt() throws Exception {
    Env env = newEnv("evolve");
    Lake lake = Lake.configure(spark, env.config());
    spark.sql("create namespace if not exists lake." + env.id);
    // batches without q_bad_session and the money columns at decimal(14,2), as an older version
    // created them
    spark.sql(lake.ddl(TableNames.BATCHES).replaceAll("(?m)^  q_bad_session .*\n", ""));
    for (String t :
        List.of(
            TableNames.FACT_SESSIONS,
            TableNames.MART_USER_ENGAGEMENT,
            TableNames.MART_SESSION_REVENUE,
            TableNames.MART_DAILY_FUNNEL)) {
      spark.sql(
          lake.ddl(t)
              .replace("decimal(18,2)", "decimal(14,2)")
              // the columns issue 15 added: sessions, RFM and the sessions' cart value
              .replaceAll(
                  "(?m)^  (sessions|recency_score|frequency_score|monetary_score|rfm_segment"
                      + "|cart_value) .*\n",
                  ""));
    }
    assertThat(spark.table(env.table(TableNames.MART_USER_ENGAGEMENT)).columns())
        .doesNotContain("sessions", "rfm_segment");
    insertOne(env.table("batches"), Map.of("batch_id", "old", "q_missing_session", 3L));
    insertOne(
        env.table("mart_session_revenue"),
        Map.of("user_session", "s", "total_revenue", new BigDecimal("999999999999.99")));
    assertThat(spark.table(env.table("batches")).columns()).doesNotContain("q_bad_session");

    lake.ensure(spark, TableNames.all());

    Env fresh = newEnv("evolve_fresh");
    Lake.configure(spark, fresh.config()).ensure(spark, TableNames.all());
    for (String t : TableNames.all()) {
      assertThat(spark.table(env.table(t)).schema().simpleString())
          .as("%s after ensure equals a fresh %s", t, t)
          .isEqualTo(spark.table(fresh.table(t)).schema().simpleString());
    }
    assertThat(
            rows("select batch_id, q_missing_session, q_bad_session from " + env.table("batches")))
        .as("old rows keep their values; the new column is NULL")
        .containsExactly("old|3|<null>");
    assertThat(rows("select total_revenue from " + env.table("mart_session_revenue")))
        .containsExactly("999999999999.99");
    insertOne(
        env.table("mart_session_revenue"),
        Map.of("user_session", "t", "total_revenue", new BigDecimal("9999999999999999.99")));
    assertThat(rows("select max(total_revenue) from " + env.table("mart_session_revenue")))
        .as("widened to decimal(18,2)")
        .containsExactly("9999999999999999.99");
  }

  /** Appends one row: the given columns set, every other NULL. */
  static void insertOne(String table, Map<String, Object> values) throws Exception {
    StructType schema = spark.table(table).schema();
    Object[] cells = new Object[schema.size()];
    values.forEach((k, v) -> cells[schema.fieldIndex(k)] = v);
    spark.createDataFrame(List.of(RowFactory.create(cells)), schema).writeTo(table).append();
  }

  @Test
  void purchasesBeyondDecimal14AddUpExactlyInTheMartsAndAnOverflowFailsNamingTheSession()
      throws Exception {
    Env env = newEnv("big_revenue");
    StringBuilder sb = new StringBuilder(HEADER);
    for (int i = 0; i < 101; i++) {
      sb.append("2019-10-01 10:")
          .append(String.format("%02d:%02d", i / 60, i % 60))
          .append(" UTC,purchase,")
          .append(10 + i)
          .append(",,,,9999999999.00,42,rich\n");
    }
    sb.append("2019-10-01 11:00:00 UTC,view,1,,,,9999999999.00,42,rich\n");
    sb.append(rows(0, 3));
    JobConfig cfg =
        env.config(env.instance("2019/10/01/00", true, "big.csv", sb.toString()).toString());
    CleanEventsJob.Result r = CleanEventsJobTest.ingest(cfg);
    assertThat(fileStatus(env, "big.csv"))
        .as("prices below 10^10 are clean")
        .isEqualTo("loaded|<null>|105|105|0|0");
    CleanEventsJobTest.assertAccounting(env, r);
    new BuildMartsJob().run(spark, cfg);

    assertThat(
            rows(
                "select total_revenue, purchases from "
                    + env.table("mart_session_revenue")
                    + " where user_session = 'rich'"))
        .as("101 x 9999999999.00, beyond decimal(14,2)")
        .containsExactly("1009999999899.00|101");
    assertThat(
            rows(
                "select revenue from "
                    + env.table("fact_sessions")
                    + " where user_session = 'rich'"))
        .containsExactly("1009999999899.00");
    assertThat(
            rows(
                "select total_revenue, total_purchases from "
                    + env.table("mart_user_engagement")
                    + " where user_id = 42"))
        .containsExactly("1009999999899.00|101");
    assertThat(rows("select event_date, revenue, purchases from " + env.table("mart_daily_funnel")))
        .containsExactly("2019-10-01|1009999999899.00|101");
    for (String[] t :
        new String[][] {
          {"mart_session_revenue", "total_revenue"},
          {"mart_user_engagement", "total_revenue"},
          {"mart_daily_funnel", "revenue"},
          {"fact_sessions", "revenue"},
          {"fact_events", "revenue"}
        }) {
      assertThat(rows("select count(*) from " + env.table(t[0]) + " where " + t[1] + " is null"))
          .as("NULL %s.%s", t[0], t[1])
          .containsExactly("0");
      assertThat(spark.table(env.table(t[0])).schema().apply(t[1]).dataType().simpleString())
          .isEqualTo("decimal(18,2)");
    }
    assertThat(
            rows(
                "select user_session, total_revenue from "
                    + env.table("mart_session_revenue")
                    + " where user_session <> 'rich' order by 1"))
        .containsExactly("s0|0.00", "s1|0.00", "s2|0.00");

    // a session already at the decimal(18,2) maximum that buys once more: the marts stage fails and
    // says which
    spark.sql(
        "update "
            + env.table("fact_sessions")
            + " set revenue = 9999999999999999.99 where user_session = 'rich'");
    JobConfig next =
        env.config(
            env.instance(
                    "2019/10/01/01",
                    true,
                    "more.csv",
                    HEADER + "2019-10-01 12:00:00 UTC,purchase,1,,,,0.01,42,rich\n")
                .toString());
    CleanEventsJobTest.ingest(next);
    assertThatThrownBy(() -> new BuildMartsJob().run(spark, next))
        .as("overflow is an error, never NULL (3.5) or a bare cast error (4.1)")
        .hasStackTraceContaining(
            "revenue of session rich does not fit decimal(18,2) (at most 9999999999999999.99):"
                + " 10000000000000000.00");
  }
}

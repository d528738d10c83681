package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.clean.FileResult;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.io.FileInspector;
import io.clicklake.testing.LakehouseTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** The ingest spine on real HDFS, Spark and Iceberg: data contract sections 1–4. */
class CleanEventsJobTest extends LakehouseTestBase {
  private static final String EVENT_COLS =
      "date_format(event_time, 'yyyy-MM-dd HH:mm:ss'), event_type, product_id, category_id,"
          + " category_code, brand, price, user_id, user_session, source_file, line_number";

  static List<String> expected(String resource) throws IOException {
    return Arrays.stream(resource("clean/" + resource).split("\n"))
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .collect(Collectors.toList());
  }

  /** Stage and clean one instance. */
  static CleanEventsJob.Result ingest(JobConfig config) {
    new StageLandingJob().run(spark, config);
    return new CleanEventsJob().run(spark, config);
  }

  /** The accounting identity for the batch and for every file, in the result and in the tables. */
  static void assertAccounting(Env env, CleanEventsJob.Result r) {
    for (FileResult f : r.files) {
      assertThat(f.rowsRead)
          .as("identity for file %s", f.fileName)
          .isEqualTo(f.rowsClean + f.rowsQuarantined + f.rowsDuplicate);
    }
    assertThat(r.rowsRead())
        .as("identity for batch %s", r.batchId)
        .isEqualTo(r.rowsClean() + r.rowsQuarantined() + r.rowsDuplicate());
    assertThat(
            rows(
                "select count(*) from "
                    + env.table("batch_files")
                    + " where rows_read <> rows_clean + rows_quarantined + rows_duplicate"))
        .as("batch_files rows breaking the identity")
        .containsExactly("0");
    assertThat(
            rows(
                "select count(*) from "
                    + env.table("batches")
                    + " where rows_read <> rows_clean + rows_quarantined + rows_duplicate"))
        .as("batches rows breaking the identity")
        .containsExactly("0");
    assertThat(
            rows(
                "select rows_read, rows_clean, rows_quarantined, rows_duplicate from "
                    + env.table("batches")
                    + " where batch_id = '"
                    + r.batchId
                    + "'"))
        .as("batch record of %s", r.batchId)
        .containsExactly(
            r.rowsRead()
                + "|"
                + r.rowsClean()
                + "|"
                + r.rowsQuarantined()
                + "|"
                + r.rowsDuplicate());
    assertThat(
            rows(
                "select count(*) from "
                    + env.table("events")
                    + " where batch_id = '"
                    + r.batchId
                    + "'"))
        .as("events of %s", r.batchId)
        .containsExactly(String.valueOf(r.rowsClean()));
  }

  @Test
  void goldenFixturesCoverEveryRuleAndReasonCode() throws IOException {
    Env env = newEnv("golden");
    String shopA = "\uFEFF" + resource("clean/shop-a.csv").replace("\n", "\r\n");
    byte[] truncated = Arrays.copyOf(gzip(resource("clean/shop-b.csv")), 40);
    byte[] garbage = new byte[3000];
    new java.util.Random(7).nextBytes(garbage);
    garbage[10] = 0;
    byte[] latin1 =
        ("event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"
             + "2019-10-01 00:00:00 UTC,view,1,,,caf\u00e9,1.00,1,s\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    Path inst =
        env.instance(
            "2019/10/01/00",
            true,
            "shop-a.csv",
            shopA,
            "shop-b.csv.gz",
            resource("clean/shop-b.csv"),
            "header-only.csv",
            "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n",
            "bad-header.csv",
            "time,type,product,category_id,category_code,brand,price,user_id,user_session\n"
                + "2019-10-01 00:00:00 UTC,view,1,,,,1,1,s\n",
            "empty.csv",
            "",
            "truncated.csv.gz",
            truncated,
            "garbage.csv",
            garbage,
            "notes.txt",
            "not a data file\n",
            "latin1.csv",
            latin1,
            "shop-z-copy.csv",
            shopA);
    CleanEventsJob.Result r = ingest(env.config(inst.toString()));

    assertThat(
            rows(
                "select "
                    + EVENT_COLS
                    + " from "
                    + env.table("events")
                    + " order by source_file, line_number"))
        .as("clean events")
        .containsExactlyElementsOf(expected("expected_events.txt"));
    assertThat(
            rows(
                "select source_file, line_number, reason from "
                    + env.table("events_quarantine")
                    + " order by source_file, line_number"))
        .as("quarantined rows")
        .containsExactlyElementsOf(expected("expected_quarantine.txt"));
    assertThat(
            rows(
                "select raw_line from "
                    + env.table("events_quarantine")
                    + " where line_number = 16"))
        .as("raw text kept")
        .containsExactly(
            "2019-10-01 00:00:06"
                + " UTC,view,99999999999999999999,2053013555631882655,electronics.smartphone,apple,1081.98,535871217,c6bd7419");
    assertThat(
            rows("select detail from " + env.table("events_quarantine") + " where line_number = 8"))
        .as("detail names expected and found")
        .containsExactly("expected 9 fields, found 10");

    assertThat(
            rows(
                "select file_name, status, split(reason, ':')[0], rows_read, rows_clean,"
                    + " rows_quarantined, rows_duplicate from "
                    + env.table("batch_files")
                    + " order by file_index"))
        .as("per-file record")
        .containsExactly(
            "bad-header.csv|rejected|bad_header|0|0|0|0",
            "empty.csv|rejected|empty_file|0|0|0|0",
            "garbage.csv|rejected|not_text|0|0|0|0",
            "header-only.csv|loaded|<null>|0|0|0|0",
            "latin1.csv|rejected|not_text|0|0|0|0",
            "notes.txt|rejected|bad_file_name|0|0|0|0",
            "shop-a.csv|loaded|<null>|35|8|25|2",
            "shop-b.csv.gz|loaded|<null>|3|2|0|1",
            "shop-z-copy.csv|skipped_duplicate_file|same SHA-256 as a file already loaded|0|0|0|0",
            "truncated.csv.gz|rejected|bad_gzip|0|0|0|0");
    assertThat(r.quarantinedByReason)
        .as("per-reason counts")
        .containsEntry("malformed_row", 2L)
        .containsEntry("bad_event_time", 6L)
        .containsEntry("bad_event_type", 1L)
        .containsEntry("bad_product_id", 3L)
        .containsEntry("bad_category_id", 3L)
        .containsEntry("bad_price", 6L)
        .containsEntry("bad_user_id", 2L)
        .containsEntry("missing_session", 2L);
    assertThat(
            rows(
                "select q_bad_price, files_loaded, files_skipped, files_rejected, clean_status from"
                    + " "
                    + env.table("batches")))
        .containsExactly("6|3|1|6|done");
    assertAccounting(env, r);

    for (String bad :
        List.of(
            "bad-header.csv",
            "empty.csv",
            "garbage.csv",
            "latin1.csv",
            "notes.txt",
            "truncated.csv.gz")) {
      Path moved = new Path(env.rejected, "2019-10-01-00/" + bad);
      assertThat(fs.exists(moved)).as("%s kept in the rejected area", bad).isTrue();
      String why =
          new String(fs.open(new Path(moved + ".reason")).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(why).as("reason file of %s", bad).contains("reason ").contains(bad);
      assertThat(fs.exists(new Path(env.staging, "2019-10-01-00/" + bad)))
          .as("%s left staging", bad)
          .isFalse();
    }
    String headerWhy =
        new String(
            fs.open(new Path(env.rejected, "2019-10-01-00/bad-header.csv.reason")).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(headerWhy)
        .contains("expected header 'event_time,event_type,")
        .contains("found 'time,type,product");
    assertThat(fs.listStatus(inst))
        .as("landing instance keeps only its done-flag")
        .extracting(s -> s.getPath().getName())
        .containsExactly("_READY");
  }

  @Test
  void instanceWithoutDoneFlagIsNeverTouched() throws IOException {
    Env env = newEnv("noflag");
    Path inst = env.instance("2019/10/01/01", false, "a.csv", resource("clean/shop-b.csv"));
    assertThatThrownBy(() -> new StageLandingJob().run(spark, env.config(inst.toString())))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("has no done-flag _READY");
    assertThat(fs.exists(new Path(inst, "a.csv"))).isTrue();
    assertThat(fs.exists(env.staging)).isFalse();
  }

  @Test
  void rerunsRedeliveriesAndSplitDuplicatesCountOnce() throws IOException {
    Env env = newEnv("exactly_once");
    String b = resource("clean/shop-b.csv");
    Path i1 = env.instance("2019/10/01/00", true, "b.csv", b);
    CleanEventsJob.Result first = ingest(env.config(i1.toString()));
    assertAccounting(env, first);
    assertThat(first.rowsClean()).isEqualTo(3);

    // the same instance again: nothing changes
    List<String> before = rows("select * from " + env.table("events") + " order by event_id");
    CleanEventsJob.Result again = ingest(env.config(i1.toString()));
    assertThat(again.alreadyDone).isTrue();
    assertThat(rows("select * from " + env.table("events") + " order by event_id"))
        .isEqualTo(before);
    assertThat(rows("select count(*) from " + env.table("batch_files"))).containsExactly("1");

    // the same file re-delivered in a later instance: skipped whole
    Path i2 = env.instance("2019/10/01/01", true, "b-again.csv", b);
    CleanEventsJob.Result redelivered = ingest(env.config(i2.toString()));
    assertThat(redelivered.files)
        .singleElement()
        .satisfies(f -> assertThat(f.status).isEqualTo("skipped_duplicate_file"));
    assertAccounting(env, redelivered);

    // a row already loaded by batch 1 arrives in batch 3 inside a different file: counted duplicate
    String header = b.substring(0, b.indexOf('\n') + 1);
    String firstRow = b.split("\n")[2];
    Path i3 =
        env.instance(
            "2019/10/01/02",
            true,
            "c.csv",
            header + firstRow + "\n2019-10-03 00:00:00 UTC,view,1,,,,1.00,7,s7\n");
    CleanEventsJob.Result split = ingest(env.config(i3.toString()));
    assertThat(split.rowsDuplicate()).isEqualTo(1);
    assertThat(split.rowsClean()).isEqualTo(1);
    assertAccounting(env, split);
    assertThat(rows("select count(*), count(distinct event_id) from " + env.table("events")))
        .containsExactly("4|4");
  }

  @Test
  void failureAfterEventsCommitThenRerunEndsLikeACleanRun() throws IOException {
    String a = "\uFEFF" + resource("clean/shop-a.csv");
    String b = resource("clean/shop-b.csv");

    Env clean = newEnv("clean_run");
    ingest(
        clean.config(clean.instance("2019/10/01/00", true, "a.csv", a, "b.csv.gz", b).toString()));

    Env env = newEnv("failed_run");
    JobConfig cfg =
        env.config(env.instance("2019/10/01/00", true, "a.csv", a, "b.csv.gz", b).toString());
    new StageLandingJob().run(spark, cfg);
    for (String step : List.of("quarantine", "events", "batch_files")) {
      JobConfig failing = cfg.with(Map.of(Keys.FAIL_AFTER.name(), step));
      assertThatThrownBy(() -> new CleanEventsJob().run(spark, failing))
          .as("injected after %s", step)
          .isInstanceOf(SparkJob.InjectedFailure.class);
    }
    CleanEventsJob.Result r = new CleanEventsJob().run(spark, cfg);
    assertAccounting(env, r);
    for (String t : List.of("events", "events_quarantine", "batch_files")) {
      String cols =
          t.equals("batch_files")
              ? "file_name, sha256, status, rows_read, rows_clean, rows_quarantined, rows_duplicate"
              : "*";
      assertThat(rows("select " + cols + " from " + env.table(t) + " order by 1, 2, 3"))
          .as("%s after failure and rerun", t)
          .isEqualTo(rows("select " + cols + " from " + clean.table(t) + " order by 1, 2, 3"));
    }
    assertThat(rows("select count(*) from " + env.table("events") + ".snapshots"))
        .as("events committed once")
        .containsExactly("1");
  }

  @Test
  void aFileParsedInManyChunksGivesEveryRowOnceWithItsLineNumber() throws IOException {
    // Physical lines (header = 1), mixed CRLF and LF, blank lines, rows of uneven length, three bad
    // prices and,
    // near the end, an exact copy of line 3.
    StringBuilder content = new StringBuilder(PoisonInputTest.HEADER.replace("\n", "\r\n"));
    List<String> events = new ArrayList<>();
    List<String> quarantined = new ArrayList<>();
    String line3 = null;
    int lineCrlfAtEdge = 6;
    long edge = -1;
    for (int line = 2; line <= 46; line++) {
      String eol = line % 3 == 0 ? "\n" : "\r\n";
      if (line % 10 == 5) {
        content.append(line % 2 == 0 ? "   " : "").append(eol);
        continue;
      }
      String price = line % 13 == 0 ? "x1" : "1.00";
      String text =
          line == 44
              ? line3
              : String.format(
                  "2019-10-01 00:00:%02d UTC,view,%d,,,%s,%s,%d,line-%d",
                  line, line, "b".repeat(line % 7), price, line, line);
      content.append(text).append(line == lineCrlfAtEdge ? "\r\n" : eol);
      if (line == lineCrlfAtEdge) {
        edge = content.length() - 1; // the LF of this line's CRLF
      }
      if (line == 3) {
        line3 = text;
      }
      if (price.equals("x1")) {
        quarantined.add(line + "|bad_price");
      } else if (line != 44) {
        events.add(line + "|line-" + line);
      }
    }
    String csv = content.toString();
    Env env = newEnv("many_chunks");
    Path probe = new Path(env.root, "probe.csv");
    write(probe, csv);
    long split = edge;
    List<Long> chunkStarts =
        FileInspector.inspect(fs, probe, split).chunks.stream()
            .map(c -> c[0])
            .collect(Collectors.toList());
    assertThat(chunkStarts)
        .as("chunks of %s bytes: one starts right after the CRLF split by the first edge", split)
        .hasSizeGreaterThan(4)
        .contains(split + 1);
    assertThat(chunkStarts)
        .as("a line straddles an edge: the chunk after it starts at the next line")
        .anyMatch(c -> c % split > 1);

    JobConfig cfg =
        env.config(env.instance("2019/10/01/00", true, "f.csv", csv).toString())
            .with(Map.of(Keys.SPLIT_BYTES.name(), String.valueOf(split)));
    CleanEventsJob.Result r = ingest(cfg);

    assertThat(
            rows(
                "select line_number, user_session from "
                    + env.table("events")
                    + " order by line_number"))
        .as("clean rows, each once, with its physical line number")
        .containsExactlyElementsOf(events);
    assertThat(
            rows(
                "select line_number, reason from "
                    + env.table("events_quarantine")
                    + " order by line_number"))
        .as("quarantined rows")
        .containsExactlyElementsOf(quarantined);
    assertThat(List.of(r.rowsRead(), r.rowsClean(), r.rowsQuarantined(), r.rowsDuplicate()))
        .as("read, clean, quarantined, duplicate")
        .containsExactly(
            (long) events.size() + quarantined.size() + 1,
            (long) events.size(),
            (long) quarantined.size(),
            1L);
    assertAccounting(env, r);
  }
}

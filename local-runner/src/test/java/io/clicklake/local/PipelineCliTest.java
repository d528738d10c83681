package io.clicklake.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clicklake.local.cli.Pipeline;
import io.clicklake.mariadb.EmbeddedMariaDb;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code pipeline} CLI end to end on generated and golden data, against a real MariaDB and a
 * local warehouse: what a user types and what a user sees.
 */
class PipelineCliTest {
  static EmbeddedMariaDb db;
  @TempDir static Path tmp;

  /** The closing progress line of a step. */
  private static final Pattern STEP_LINE =
      Pattern.compile("(?m)^  (stage|clean|marts|export|purge) .* s$");

  @BeforeAll
  static void startDatabase() {
    db = EmbeddedMariaDb.builder().authenticating().start();
  }

  @AfterAll
  static void stopDatabase() {
    db.close();
  }

  /** Result of one CLI invocation. */
  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Pipeline.run(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static String[] args(Object... parts) {
    return Arrays.stream(parts).map(String::valueOf).toArray(String[]::new);
  }

  static Path resourceFile(String resource, Path dir, String name) throws IOException {
    try (InputStream in = PipelineCliTest.class.getClassLoader().getResourceAsStream(resource)) {
      Path p = dir.resolve(name);
      Files.createDirectories(dir);
      Files.write(p, in.readAllBytes());
      return p;
    }
  }

  static List<String> expected(String resource) throws IOException {
    try (InputStream in = PipelineCliTest.class.getClassLoader().getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .collect(Collectors.toList());
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void generateLandRunAgainstAnExistingWarehouseAndMySql() throws IOException {
    Path work = tmp.resolve("existing");
    Path landing = work.resolve("landing");
    Path files = work.resolve("in");
    String url = db.url("cli_existing");
    Path a = resourceFile("clean/shop-a.csv", files, "shop-a.csv");
    Path b = resourceFile("clean/shop-b.csv", files, "shop-b.csv");
    Path gen = files.resolve("gen.csv.gz");

    Run g =
        cli(
            args(
                "generate",
                "--rows",
                2000,
                "--faults",
                0.02,
                "--seed",
                5,
                "--start",
                "2019-10-03T00:00",
                "--out",
                gen));
    assertThat(g.code()).as(g.err()).isZero();
    assertThat(g.out()).contains("rows=2000");

    assertThat(
            cli(args(
                    "land",
                    a,
                    b,
                    "--instance",
                    "2019/10/01/00",
                    "--landing",
                    landing,
                    "--workdir",
                    work))
                .code())
        .isZero();
    Run landed =
        cli(
            args(
                "land",
                gen,
                "--instance",
                "2019/10/03/00",
                "--landing",
                landing,
                "--workdir",
                work));
    assertThat(landed.code()).as(landed.err()).isZero();
    assertThat(landed.out()).contains("landed 1 file(s)").contains("done-flag _READY written last");
    assertThat(landing.resolve("2019/10/03/00/_READY")).exists();

    Run run =
        cli(
            args(
                "run",
                "--landing",
                landing,
                "--warehouse",
                work.resolve("wh"),
                "--mysql-url",
                url,
                "--workdir",
                work));
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("2019-10-01-00")
        .contains("2019-10-03-00")
        .contains("marts in MySQL");

    // the golden marts of the first batch (generated users are 500000000 + a small pool)
    assertThat(
            db.rows(
                "cli_existing",
                "select user_id, total_views, total_add_to_cart, total_purchases,"
                    + " view_to_cart_rate, cart_to_purchase_rate from user_engagement where user_id"
                    + " not between 500000000 and 500999999 order by user_id"))
        .as("user_engagement of the golden fixture")
        .containsExactlyElementsOf(expected("marts/expected_user_engagement.txt"));
    assertThat(
            db.rows(
                "cli_existing",
                "select user_session, total_revenue from session_revenue where user_session in"
                    + " ('72d76fde-8bb3-4e00-8c23-a032dfed738c','7c90fc70-0e80-4590-96f3-ad4e2a4ab6f2','8187d148-3c41-46d4-b0c0-9c08cd9dc564','9333dfbd-b87a-4708-9857-6336556b0fcc','c6bd7419','e2456c1a','s')"
                    + " order by user_session"))
        .as("session_revenue of the golden fixture")
        .containsExactlyElementsOf(expected("marts/expected_session_revenue.txt"));
    assertThat(
            db.rows(
                "cli_existing",
                "select batch_id, rows_read, rows_clean + rows_quarantined + rows_duplicate,"
                    + " export_status, purge_status from pipeline_batches order by batch_id"))
        .as("both batches exported, purged and balanced")
        .containsExactly("2019-10-01-00|38|38|done|done", "2019-10-03-00|2000|2000|done|done");
    assertThat(landing.resolve("2019/10/03/00"))
        .as("landing instance removed by the purge")
        .doesNotExist();

    Run status = cli(args("status", "--warehouse", work.resolve("wh"), "--workdir", work));
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("2019-10-03-00").contains("succeeded");

    // a rerun finds nothing new and changes nothing
    List<String> before =
        db.rows("cli_existing", "select * from session_revenue order by user_session");
    Run again =
        cli(
            args(
                "run",
                "--landing",
                landing,
                "--warehouse",
                work.resolve("wh"),
                "--mysql-url",
                url,
                "--workdir",
                work));
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("no complete landing instance to process");
    assertThat(db.rows("cli_existing", "select * from session_revenue order by user_session"))
        .isEqualTo(before);

    // a full-refresh export swaps in the same rows
    String cols =
        "select user_session, total_revenue, user_id, first_event_at, last_event_at, events, views,"
            + " carts, purchases from session_revenue order by user_session";
    List<String> published = db.rows("cli_existing", cols);
    Run full =
        cli(
            args(
                "export",
                "--full-refresh",
                "--warehouse",
                work.resolve("wh"),
                "--mysql-url",
                url,
                "--workdir",
                work));
    assertThat(full.code()).as(full.out() + full.err()).isZero();
    assertThat(db.rows("cli_existing", cols))
        .as("full refresh equals the incremental exports")
        .isEqualTo(published)
        .hasSize(before.size());
  }

  @Test
  void demoRunsEveryStageAndPrintsTheMarts() throws IOException {
    Path work = tmp.resolve("demo");
    Run demo = cli(args("demo", "--rows", 3000, "--workdir", work, "--mysql-port", freePort()));
    assertThat(demo.code()).as(demo.out() + demo.err()).isZero();
    assertThat(demo.out())
        .contains("2019-10-01-00", "2019-10-01-01", "2019-10-01-02")
        .contains("rejected legacy-export.csv")
        .contains("marts in MySQL", "user_engagement", "session_revenue", "top sessions by revenue")
        .contains(
            "category_performance",
            "brand_performance",
            "product_performance",
            "hourly_activity",
            "cohort_retention",
            "cart_abandonment")
        .contains("dashboard:", "database:   embedded MariaDB", "warehouse:");
    assertThat(work.resolve("dashboard.html")).exists();
    assertThat(work.resolve("rejected/2019-10-01-01/legacy-export.csv.reason")).exists();
  }

  @Test
  void errorsAUserCanActOn() throws IOException {
    Path work = tmp.resolve("errors");
    Path landing = work.resolve("landing");
    Files.createDirectories(landing);

    Run missing =
        cli(
            args(
                "run",
                "--landing",
                work.resolve("nope"),
                "--mysql-url",
                db.url("cli_errors"),
                "--workdir",
                work));
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err())
        .contains("landing directory file://" + work.resolve("nope") + " does not exist");

    Run unreachable =
        cli(
            args(
                "run",
                "--landing",
                landing,
                "--mysql-url",
                "jdbc:mysql://127.0.0.1:1/clickstream",
                "--workdir",
                work));
    assertThat(unreachable.code()).isEqualTo(2);
    assertThat(unreachable.err()).contains("cannot reach MySQL at 127.0.0.1:1");

    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Run port =
          cli(
              args(
                  "run",
                  "--landing",
                  landing,
                  "--mysql-port",
                  busy.getLocalPort(),
                  "--workdir",
                  work));
      assertThat(port.code()).isEqualTo(2);
      assertThat(port.err()).contains("port " + busy.getLocalPort() + " on 127.0.0.1 is busy");
    }

    Run typo =
        cli(
            args(
                "run",
                "--landing",
                landing,
                "--conf",
                "clicklake.landing.rot=/x",
                "--workdir",
                work));
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err())
        .contains(
            "unknown config key 'clicklake.landing.rot' (did you mean 'clicklake.landing.root'?)");

    Path in = work.resolve("in");
    Path f = resourceFile("clean/shop-b.csv", in, "b.csv");
    Files.createDirectories(landing.resolve("2019/10/09/00"));
    Files.copy(f, landing.resolve("2019/10/09/00/b.csv"));
    Run noFlag =
        cli(
            args(
                "run",
                "--landing",
                landing,
                "--mysql-url",
                db.url("cli_errors"),
                "--workdir",
                work));
    assertThat(noFlag.code()).as(noFlag.err()).isZero();
    assertThat(noFlag.out().split("no done-flag _READY yet", -1)).as("said once").hasSize(2);
    assertThat(landing.resolve("2019/10/09/00/b.csv")).as("never touched").exists();

    Run unknown = cli(args("frobnicate"));
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.out()).contains("unknown command 'frobnicate'");
    List<String> help = new ArrayList<>();
    for (String c :
        List.of(
            "demo",
            "generate",
            "land",
            "run",
            "watch",
            "status",
            "export",
            "maintain",
            "dashboard",
            "bench")) {
      Run h = cli(c, "--help");
      assertThat(h.code()).isZero();
      help.add(h.out());
    }
    assertThat(help).allSatisfy(h -> assertThat(h).startsWith("usage: bin/pipeline"));
  }

  @Test
  void aFileLandedAgainInAnInstanceIsAFollowUpBatchAndNeverLost() throws IOException {
    Path work = tmp.resolve("relanded");
    Path landing = work.resolve("landing");
    Path in = work.resolve("in");
    String url = db.url("cli_relanded");
    Path a = resourceFile("clean/shop-a.csv", in, "a.csv");
    Path b = resourceFile("clean/shop-b.csv", in, "b.csv");
    String[] common = {
      "--landing",
      landing.toString(),
      "--warehouse",
      work.resolve("wh").toString(),
      "--mysql-url",
      url,
      "--workdir",
      work.toString()
    };

    assertThat(
            cli(args(
                    "land",
                    a,
                    "--instance",
                    "2019/10/01/00",
                    "--landing",
                    landing,
                    "--workdir",
                    work))
                .code())
        .isZero();
    Run first = cli(concat(new String[] {"run"}, common));
    assertThat(first.code()).as(first.out() + first.err()).isZero();
    assertThat(landing.resolve("2019/10/01/00")).as("purged").doesNotExist();

    // the same instance path lands again: a follow-up batch, not "already done"
    assertThat(
            cli(args(
                    "land",
                    b,
                    "--instance",
                    "2019/10/01/00",
                    "--landing",
                    landing,
                    "--workdir",
                    work))
                .code())
        .isZero();
    Run second = cli(concat(new String[] {"run"}, common));
    assertThat(second.code()).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("2019-10-01-00.2").doesNotContain("(already done)");

    assertThat(
            db.rows(
                "cli_relanded",
                "select batch_id, files_total, rows_read = rows_clean + rows_quarantined +"
                    + " rows_duplicate, export_status, purge_status from pipeline_batches order by"
                    + " batch_id"))
        .as("two ledger rows, each balanced")
        .containsExactly("2019-10-01-00|1|1|done|done", "2019-10-01-00.2|1|1|done|done");
    assertThat(db.rows("cli_relanded", "select sum(rows_read) from pipeline_batches"))
        .as("every row of both files read once")
        .containsExactly("38");
    assertThat(
            db.rows(
                "cli_relanded",
                "select user_id, total_views, total_add_to_cart, total_purchases,"
                    + " view_to_cart_rate, cart_to_purchase_rate from user_engagement order by"
                    + " user_id"))
        .as("both files' rows, each counted once: the golden marts of a and b together")
        .containsExactlyElementsOf(expected("marts/expected_user_engagement.txt"));
  }

  @Test
  void aFileAddedBetweenExportAndPurgeIsLoadedByTheNextRun() throws IOException {
    Path work = tmp.resolve("between");
    Path landing = work.resolve("landing");
    Path in = work.resolve("in");
    String url = db.url("cli_between");
    Path a = resourceFile("clean/shop-a.csv", in, "a.csv");
    Path b = resourceFile("clean/shop-b.csv", in, "b.csv");
    String[] common = {
      "--landing",
      landing.toString(),
      "--warehouse",
      work.resolve("wh").toString(),
      "--mysql-url",
      url,
      "--workdir",
      work.toString()
    };

    assertThat(
            cli(args(
                    "land",
                    a,
                    "--instance",
                    "2019/10/01/00",
                    "--landing",
                    landing,
                    "--workdir",
                    work))
                .code())
        .isZero();
    // an earlier instance that cannot be staged (it holds a directory) must not hold up the one
    // after it
    Path broken = landing.resolve("2019/09/30/23");
    Files.createDirectories(broken.resolve("not-a-file"));
    Files.createFile(broken.resolve("_READY"));
    Run stopped =
        cli(
            concat(
                new String[] {"run", "--conf", "clicklake.test.fail-after=before-purge"}, common));
    assertThat(stopped.code()).as("a failed batch fails the run").isEqualTo(1);
    assertThat(stopped.out())
        .contains("batch 2019-09-30-23 failed at stage: expected files in landing instance")
        .contains("batch 2019-10-01-00 failed at purge: injected failure after step 'before-purge'")
        .contains("failed (recorded in the batch rows; the next run retries them)");
    assertThat(
            db.rows(
                "cli_between",
                "select batch_id, export_status from pipeline_batches order by batch_id"))
        .as("the instance after the failed one was loaded and exported")
        .containsExactly("2019-10-01-00|done");
    Files.delete(broken.resolve("not-a-file"));
    Files.delete(broken.resolve("_READY"));
    Files.delete(broken);
    assertThat(stopped.out() + stopped.err())
        .as("one line, no stack trace")
        .doesNotContain("\tat ");

    Run status = cli(args("status", "--warehouse", work.resolve("wh"), "--workdir", work));
    assertThat(status.out())
        .as("status shows the failed batch and its error")
        .contains("failed batches")
        .contains("purge: injected failure after step 'before-purge'");

    assertThat(
            cli(args(
                    "land",
                    b,
                    "--instance",
                    "2019/10/01/00",
                    "--landing",
                    landing,
                    "--workdir",
                    work))
                .code())
        .as("a file can land in an instance that waits for its purge")
        .isZero();
    Run next = cli(concat(new String[] {"run"}, common));
    assertThat(next.code()).as(next.out() + next.err()).isZero();
    assertThat(
            db.rows(
                "cli_between",
                "select batch_id, files_total, export_status, purge_status, status from"
                    + " pipeline_batches order by batch_id"))
        .containsExactly(
            "2019-10-01-00|1|done|done|succeeded", "2019-10-01-00.2|1|done|done|succeeded");
    assertThat(
            db.rows(
                "cli_between",
                "select user_id, total_views, total_add_to_cart, total_purchases,"
                    + " view_to_cart_rate, cart_to_purchase_rate from user_engagement order by"
                    + " user_id"))
        .containsExactlyElementsOf(expected("marts/expected_user_engagement.txt"));
    assertThat(landing.resolve("2019/10/01/00")).doesNotExist();
  }

  @Test
  void killedWithSigkillAtSeveralMomentsThenRunToTheEndEqualsAnUninterruptedRun() throws Exception {
    Path work = tmp.resolve("killed");
    Path in = work.resolve("in");
    List<Path> files = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      Path f = in.resolve("shop-" + k + ".csv");
      Files.createDirectories(in);
      Run g =
          cli(
              args(
                  "generate",
                  "--rows",
                  1500,
                  "--faults",
                  0.02,
                  "--seed",
                  11 + k,
                  "--start",
                  "2019-10-01T0" + k + ":00",
                  "--out",
                  f));
      assertThat(g.code()).as(g.err()).isZero();
      files.add(f);
    }
    Path refWork = work.resolve("ref");
    Path killWork = work.resolve("kill");
    for (Path w : List.of(refWork, killWork)) {
      for (int k = 0; k < 3; k++) {
        assertThat(
                cli(args(
                        "land",
                        files.get(k),
                        "--instance",
                        "2019/10/01/0" + k,
                        "--landing",
                        w.resolve("landing"),
                        "--workdir",
                        w))
                    .code())
            .isZero();
      }
    }
    Run ref =
        cli(
            args(
                "run",
                "--landing",
                refWork.resolve("landing"),
                "--warehouse",
                refWork.resolve("wh"),
                "--mysql-url",
                db.url("cli_kill_ref"),
                "--workdir",
                refWork));
    assertThat(ref.code()).as(ref.out() + ref.err()).isZero();

    String[] run =
        args(
            "run",
            "--landing",
            killWork.resolve("landing"),
            "--warehouse",
            killWork.resolve("wh"),
            "--mysql-url",
            db.url("cli_kill"),
            "--workdir",
            killWork);
    // kill -9 a little after the n-th finished step of each attempt: inside the first batch's
    // marts, then inside the
    // second or third batch
    int[] after = {2, 5};
    for (int i = 0; i < after.length; i++) {
      Process p = subprocess(run, killWork.resolve("attempt-" + i + ".log"));
      boolean seen = waitForStepLines(killWork.resolve("attempt-" + i + ".log"), after[i], p);
      if (i == 0 && seen) {
        Run second = cli(run);
        assertThat(second.code()).as("a second run while the first works").isEqualTo(2);
        assertThat(second.err())
            .contains("the runner lock is held by bin/pipeline run")
            .contains("pid " + p.pid());
      }
      p.waitFor(
          new java.util.Random(i).nextInt(1500),
          java.util.concurrent.TimeUnit.MILLISECONDS); // somewhere inside the next step
      p.destroyForcibly(); // SIGKILL on Linux
      p.waitFor();
    }
    Run rest = cli(run);
    assertThat(rest.code()).as(rest.out() + rest.err()).isZero();
    for (String q :
        List.of(
            "select * from user_engagement order by user_id",
            "select user_session, total_revenue, user_id, first_event_at, last_event_at, events,"
                + " views, carts, purchases from session_revenue order by 1",
            "select event_date, views, carts, removes, purchases, revenue, sessions,"
                + " purchasing_sessions, buyers, users from daily_funnel order by 1",
            "select batch_id, files_total, files_loaded, rows_read, rows_clean, rows_quarantined,"
                + " rows_duplicate, export_status, purge_status from pipeline_batches order by"
                + " 1")) {
      List<String> want = db.rows("cli_kill_ref", q);
      assertThat(
              db.rows("cli_kill", q).stream()
                  .map(r -> r.replaceAll("2019-10-01-0\\d(\\.\\d+)?\\|", ""))
                  .collect(Collectors.toList()))
          .as("after two SIGKILLs and a rerun: %s", q)
          .isEqualTo(
              want.stream()
                  .map(r -> r.replaceAll("2019-10-01-0\\d(\\.\\d+)?\\|", ""))
                  .collect(Collectors.toList()));
    }
  }

  @Test
  void watchReportsAFailedBatchAndRetriesItOnTheNextPoll() throws Exception {
    Path work = tmp.resolve("watch");
    Path landing = work.resolve("landing");
    Path a = resourceFile("clean/shop-a.csv", work.resolve("in"), "a.csv");
    assertThat(
            cli(args(
                    "land",
                    a,
                    "--instance",
                    "2019/10/01/00",
                    "--landing",
                    landing,
                    "--workdir",
                    work))
                .code())
        .isZero();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    Thread watch =
        new Thread(
            () ->
                Pipeline.run(
                    args(
                        "watch",
                        "--interval",
                        4,
                        "--landing",
                        landing,
                        "--warehouse",
                        work.resolve("wh"),
                        "--mysql-url",
                        db.url("cli_watch"),
                        "--workdir",
                        work,
                        "--conf",
                        "clicklake.test.fail-after=before-purge")));
    try {
      watch.start();
      String failed = "batch 2019-10-01-00 failed at purge";
      String summary = "failed (recorded in the batch rows; the next run retries them)";
      // the summary closes a pass; watch then waits 4 s for the next poll, which is when it is
      // interrupted
      await("two passes of watch, or its end")
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  out.toString(StandardCharsets.UTF_8).split(Pattern.quote(summary), -1).length >= 3
                      || !watch.isAlive());
      assertThat(out.toString(StandardCharsets.UTF_8).split(failed, -1).length - 1)
          .as("the failed batch is reported, and retried on the next poll while watch goes on")
          .isGreaterThanOrEqualTo(2);
      assertThat(watch.isAlive()).as("one failing batch does not stop watch").isTrue();
    } finally {
      watch.interrupt();
      watch.join(120_000);
      System.setOut(oldOut);
    }
    assertThat(watch.isAlive()).as("watch stops when interrupted").isFalse();
  }

  /**
   * bin/pipeline in a JVM of its own (same classpath and module flags as this one), output to a
   * file.
   */
  static Process subprocess(String[] args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-")
          || a.startsWith("-Xmx")
          || a.startsWith("-XX:+Ignore")
          || a.startsWith("-Dio.netty")
          || a.startsWith("-Djdk.reflect")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(Pipeline.class.getName());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Files.createDirectories(log.getParent());
    return pb.start();
  }

  /**
   * Polls the log (deadline 5 min) until n steps have printed their closing progress line; false if
   * the run ended first.
   */
  static boolean waitForStepLines(Path log, int n, Process p) throws IOException {
    await(n + " finished steps in " + log + ", or the end of the run")
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> finishedSteps(log) >= n || !p.isAlive());
    return finishedSteps(log) >= n;
  }

  private static long finishedSteps(Path log) throws IOException {
    String text = Files.exists(log) ? Files.readString(log) : "";
    return STEP_LINE.matcher(text).results().count();
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

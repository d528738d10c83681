package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.lock.Lease;
import io.clicklake.lock.LockHeldException;
import io.clicklake.mariadb.EmbeddedMariaDb;
import io.clicklake.mart.MartBuilder;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import io.clicklake.testing.LakehouseTestBase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batch lifecycle at its edges: files that arrive late, crashes at every fail point with every
 * snapshot expired before the rerun, and two runs of one step at once. Real MiniDFS, Spark, Iceberg
 * and MariaDB.
 */
class BatchLifecycleTest extends LakehouseTestBase {
  static EmbeddedMariaDb db;

  @BeforeAll
  static void startMariaDb() {
    db = EmbeddedMariaDb.builder().authenticating().start();
  }

  @AfterAll
  static void stopMariaDb() {
    if (db != null) {
      db.close();
      db = null;
    }
  }

  static JobConfig config(Env env, Path instance) {
    Map<String, String> m = new HashMap<>();
    m.put(Keys.MYSQL_URL.name(), db.url(env.id));
    m.put(Keys.EXPORT_BATCH_SIZE.name(), "7");
    m.put(Keys.EXPORT_RETRY_BACKOFF_MS.name(), "50");
    return env.config(instance.toString()).with(m);
  }

  static void runAll(JobConfig cfg) {
    new StageLandingJob().run(spark, cfg);
    new CleanEventsJob().run(spark, cfg);
    new BuildMartsJob().run(spark, cfg);
    new ExportMartsJob().run(spark, cfg);
    new PurgeStagingJob().run(spark, cfg);
  }

  /** What an uninterrupted run and a crashed-then-rerun one must agree on, in Iceberg and MySQL. */
  static Map<String, List<String>> state(Env env) {
    Map<String, List<String>> out = new HashMap<>(BuildMartsJobTest.snapshot(env));
    out.put(
        "events",
        rows(
            "select event_id, event_time, event_type, product_id, category_id, category_code,"
                + " brand, price, user_id, user_session, batch_id, source_file, line_number from "
                + env.table("events")
                + " order by event_id"));
    out.put(
        "events_quarantine",
        rows(
            "select batch_id, source_file, line_number, reason, raw_line from "
                + env.table("events_quarantine")
                + " order by 1, 2, 3"));
    out.put(
        "batch_files",
        rows(
            "select batch_id, file_name, sha256, status, rows_read, rows_clean, rows_quarantined,"
                + " rows_duplicate from "
                + env.table("batch_files")
                + " order by 1, 2"));
    out.put(
        "batches",
        rows(
            "select batch_id, status, files_total, files_loaded, rows_read, rows_clean,"
                + " rows_quarantined, rows_duplicate, clean_status, marts_status, export_status,"
                + " purge_status, purged_files from "
                + env.table("batches")
                + " order by 1"));
    out.put(
        "mysql.user_engagement",
        db.rows(
            env.id,
            "select user_id, total_views, total_add_to_cart, total_purchases, view_to_cart_rate,"
                + " cart_to_purchase_rate, total_revenue from user_engagement order by user_id"));
    out.put(
        "mysql.session_revenue",
        db.rows(
            env.id,
            "select user_session, total_revenue, events, purchases from session_revenue order by"
                + " 1"));
    out.put(
        "mysql.daily_funnel",
        db.rows(
            env.id,
            "select event_date, views, carts, purchases, revenue, sessions from daily_funnel order"
                + " by 1"));
    out.put(
        "mysql.pipeline_batches",
        db.rows(
            env.id,
            "select batch_id, rows_read, rows_clean, rows_quarantined, rows_duplicate,"
                + " export_status, purge_status from pipeline_batches order by 1"));
    return out;
  }

  /**
   * What aggressive maintenance after later batches does to the given tables: an empty commit (so a
   * crashed batch's tagged snapshot is no longer the newest), then every snapshot but the newest
   * expired, through Iceberg's own expiry (what {@code expire_snapshots(retain_last => 1)} runs).
   */
  static void expire(Env env, List<String> tables) {
    Lake lake = Lake.configure(spark, env.config());
    long later = System.currentTimeMillis() + 60_000;
    for (String t : tables) {
      org.apache.iceberg.Table table = lake.iceberg(spark, t);
      table.newAppend().commit();
      table.expireSnapshots().expireOlderThan(later).retainLast(1).commit();
    }
  }

  @Test
  void aFileAddedBetweenExportAndPurgeIsKeptAndLoadedByAFollowUpBatch() throws IOException {
    String a = resource("clean/shop-a.csv");
    String b = resource("clean/shop-b.csv");
    Env ref = newEnv("late_ref");
    runAll(config(ref, ref.instance("2019/10/01/00", true, "a.csv", a, "late.csv", b)));

    Env env = newEnv("late_file");
    Path inst = env.instance("2019/10/01/00", true, "a.csv", a);
    JobConfig cfg = config(env, inst);
    new StageLandingJob().run(spark, cfg);
    new CleanEventsJob().run(spark, cfg);
    new BuildMartsJob().run(spark, cfg);
    new ExportMartsJob().run(spark, cfg);
    write(new Path(inst, "late.csv"), b); // lands while the batch waits for its purge

    PurgeStagingJob.Result purged = new PurgeStagingJob().run(spark, cfg);
    assertThat(purged.instance).as("the instance is kept for the late file").startsWith("kept");
    assertThat(fs.exists(new Path(inst, "late.csv")))
        .as("the late file is never deleted unread")
        .isTrue();
    assertThat(fs.exists(new Path(inst, "_READY"))).as("and its instance stays complete").isTrue();
    assertThat(fs.exists(new Path(inst, "_FOLLOW_UP")))
        .as("marked for the workflow's follow-up run")
        .isTrue();

    StageLandingJob.Result staged = new StageLandingJob().run(spark, cfg);
    assertThat(staged.batchId).as("a follow-up batch of the instance").isEqualTo("2019-10-01-00.2");
    assertThat(staged.filesMoved).isEqualTo(1);
    assertThat(fs.exists(new Path(inst, "_FOLLOW_UP")))
        .as("the follow-up marker is consumed by staging")
        .isFalse();
    CleanEventsJob.Result clean = new CleanEventsJob().run(spark, cfg);
    assertThat(clean.batchId).isEqualTo("2019-10-01-00.2");
    assertThat(clean.rowsRead())
        .as("the late file's rows")
        .isEqualTo(clean.rowsClean() + clean.rowsQuarantined() + clean.rowsDuplicate())
        .isPositive();
    new BuildMartsJob().run(spark, cfg);
    new ExportMartsJob().run(spark, cfg);
    new PurgeStagingJob().run(spark, cfg);
    assertThat(fs.exists(inst)).as("purged once every batch of it is").isFalse();

    assertThat(
            rows(
                "select batch_id, files_total, export_status, purge_status from "
                    + env.table("batches")
                    + " order by 1"))
        .containsExactly("2019-10-01-00|1|done|done", "2019-10-01-00.2|1|done|done");
    assertThat(
            db.rows(
                env.id,
                "select batch_id, export_status, purge_status from pipeline_batches order by 1"))
        .containsExactly("2019-10-01-00|done|done", "2019-10-01-00.2|done|done");
    Map<String, List<String>> want = state(ref);
    Map<String, List<String>> got = state(env);
    for (String t :
        List.of(
            "mysql.user_engagement",
            "mysql.session_revenue",
            "mysql.daily_funnel",
            "mart_user_engagement",
            "mart_session_revenue",
            "fact_sessions",
            "dim_user")) {
      assertThat(got.get(t))
          .as("%s: two batches equal one batch of both files", t)
          .isEqualTo(want.get(t));
    }
    assertThat(rows("select count(*), count(distinct event_id) from " + env.table("events")))
        .as("each event once")
        .isEqualTo(rows("select count(*), count(distinct event_id) from " + ref.table("events")));
  }

  @Test
  void aCrashAtEveryFailPointThenARerunAfterEverySnapshotExpiredEqualsAnUninterruptedRun()
      throws IOException {
    String a = resource("clean/shop-a.csv");
    String b = resource("clean/shop-b.csv");
    String s = resource("marts/spanning.csv");
    Env ref = newEnv("crash_ref");
    runAll(config(ref, ref.instance("2019/10/01/00", true, "a.csv", a)));
    runAll(config(ref, ref.instance("2019/10/02/00", true, "b.csv", b, "s.csv", s)));

    Env env = newEnv("crash");
    runAll(config(env, env.instance("2019/10/01/00", true, "a.csv", a)));
    JobConfig cfg = config(env, env.instance("2019/10/02/00", true, "b.csv", b, "s.csv", s));
    new StageLandingJob().run(spark, cfg);
    List<String> crashed = new ArrayList<>();
    List<String> ingest =
        List.of(
            TableNames.EVENTS,
            TableNames.QUARANTINE,
            TableNames.BATCH_FILES,
            TableNames.BATCH_COMMITS);
    for (String step : List.of("quarantine", "events", "batch_files")) {
      crash(new CleanEventsJob(), cfg, step);
      crashed.add("clean/" + step);
      expire(env, ingest);
    }
    new CleanEventsJob().run(spark, cfg);
    // The marts merge in two waves: every table but mart_session_revenue at once, then that one. A
    // fail point
    // throws after its table commits, once its whole wave has run, so a crash after any table of a
    // wave leaves the
    // same tables committed: one fail point per wave covers them all.
    List<String> waves = List.of(MartBuilder.tables().get(0), TableNames.MART_SESSION_REVENUE);
    for (String table : waves) {
      crash(new BuildMartsJob(), cfg, table);
      crashed.add("marts/" + table);
      expire(
          env,
          MartBuilder
              .tables()); // every table the crashed run may have committed to, before the next
      // attempt
      assertThat(
              rows(
                  "select count(*) from "
                      + env.table(table)
                      + ".snapshots where summary['clicklake.batch-id'] = '2019-10-02-00'"))
          .as(
              "%s: the crashed batch's tagged snapshot is gone; only batch_commits remembers its"
                  + " commit",
              table)
          .containsExactly("0");
    }
    new BuildMartsJob().run(spark, cfg);
    for (String step : List.of("export-stage-half", "export-publish")) {
      crash(new ExportMartsJob(), cfg, step);
      crashed.add("export/" + step);
      expire(env, TableNames.all());
    }
    new ExportMartsJob().run(spark, cfg);
    crash(new PurgeStagingJob(), cfg, "before-purge");
    crashed.add("purge/before-purge");
    expire(env, TableNames.all());
    new PurgeStagingJob().run(spark, cfg);

    assertThat(crashed).hasSize(3 + 2 + 2 + 1);
    Map<String, List<String>> want = state(ref);
    Map<String, List<String>> got = state(env);
    assertThat(got.keySet()).isEqualTo(want.keySet());
    for (String t : want.keySet()) {
      assertThat(got.get(t))
          .as(
              "%s after a crash at each of %s, each followed by the expiry of every snapshot",
              t, crashed)
          .isEqualTo(want.get(t));
    }
    assertThat(
            rows(
                "select count(*) from "
                    + env.table("batch_commits")
                    + " where batch_id = '2019-10-02-00' and stage = 'marts'"))
        .as("each mart table's commit recorded once, where expiry cannot erase it")
        .containsExactly(String.valueOf(MartBuilder.tables().size()));
  }

  static void crash(SparkJob<?> job, JobConfig cfg, String step) {
    assertThatThrownBy(() -> runAsCaller(job, cfg.with(Map.of(Keys.FAIL_AFTER.name(), step))))
        .as("%s crashes after %s", job.getClass().getSimpleName(), step)
        .isInstanceOf(SparkJob.InjectedFailure.class);
  }

  @Test
  void twoCleansOfOneBatchAtOnceNeverInterleaveAndTheSecondNamesTheHolder() throws Exception {
    Env env = newEnv("two_cleans");
    JobConfig cfg =
        env.config(
            env.instance(
                    "2019/10/01/00",
                    true,
                    "a.csv",
                    resource("clean/shop-a.csv"),
                    "b.csv",
                    resource("clean/shop-b.csv"))
                .toString());
    new StageLandingJob().runLocked(spark, cfg);
    Path lease = new Path(Lease.root(cfg), "ingest.lock");

    AtomicReference<Object> first = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              SparkSession.setActiveSession(spark);
              try {
                first.set(new CleanEventsJob().runLocked(spark, cfg));
              } catch (RuntimeException e) {
                first.set(e);
              }
            });
    t.start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (!fs.exists(lease) && first.get() == null && System.currentTimeMillis() < deadline) {
      t.join(20); // poll: returns early if the first clean is already over
    }
    assertThat(fs.exists(lease)).as("the first clean holds the ingest lease").isTrue();
    assertThatThrownBy(() -> new CleanEventsJob().runLocked(spark, cfg))
        .as("a second clean of the same batch while the first runs")
        .isInstanceOf(LockHeldException.class)
        .hasMessageContaining("the ingest lock is held by CleanEventsJob of batch 2019-10-01-00")
        .hasMessageContaining("pid " + ProcessHandle.current().pid());
    t.join(120_000);
    assertThat(first.get())
        .as("the first clean finished")
        .isInstanceOf(CleanEventsJob.Result.class);
    assertThat(fs.exists(lease)).as("and released its lease").isFalse();

    // a second run told to wait gets the lease once its holder lets go
    Lease held =
        Lease.acquire(
            cfg, spark.sparkContext().hadoopConfiguration(), "ingest", "a test", "2019-10-01-00");
    AtomicReference<Object> waited = new AtomicReference<>();
    Thread w =
        new Thread(
            () -> {
              SparkSession.setActiveSession(spark);
              try {
                waited.set(
                    new CleanEventsJob()
                        .runLocked(spark, cfg.with(Map.of(Keys.LOCK_WAIT_SECONDS.name(), "120"))));
              } catch (RuntimeException e) {
                waited.set(e);
              }
            });
    w.start();
    w.join(2_000); // the waiter polls the lease meanwhile
    assertThat(waited.get()).as("no result while the lease is held").isNull();
    try (java.io.InputStream in = fs.open(lease)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
          .as("a waiting run never takes a live lease")
          .contains("step=a test");
    }
    held.close();
    w.join(120_000);
    assertThat(waited.get()).as("ran after the release").isInstanceOf(CleanEventsJob.Result.class);
    assertThat(((CleanEventsJob.Result) waited.get()).alreadyDone).isTrue();

    // a lease left by a process that is gone (SIGKILL) is broken by the next run
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    try (OutputStream out = fs.create(lease, false)) {
      out.write(
          ("id=dead\nhost="
                  + java.net.InetAddress.getLocalHost().getHostName()
                  + "\npid="
                  + gone.pid()
                  + "\nstep=CleanEventsJob\nbatch=2019-10-01-00\nsince=2026-01-01T00:00:00Z\n")
              .getBytes(StandardCharsets.ISO_8859_1));
    }
    assertThat(new CleanEventsJob().runLocked(spark, cfg).alreadyDone)
        .as("a stale lease does not block")
        .isTrue();

    assertThat(
            rows(
                "select count(*) = count(distinct event_id), count(*) from " + env.table("events")))
        .as("every event once")
        .containsExactly("true|" + rows("select rows_clean from " + env.table("batches")).get(0));
  }

  @Test
  void aRejectedFileWhoseNameIsTakenInTheRejectedAreaIsKeptUnderAnotherName() throws IOException {
    Env env = newEnv("reject_collision");
    JobConfig cfg =
        env.config(
            env.instance(
                    "2019/10/01/00",
                    true,
                    "a.csv",
                    "not,the,header\n1,2,3\n",
                    "a.csv.reason",
                    "landed by mistake\n",
                    "good.csv",
                    resource("clean/shop-b.csv"))
                .toString());
    new StageLandingJob().run(spark, cfg);
    CleanEventsJob.Result r = new CleanEventsJob().run(spark, cfg);
    assertThat(r.files("rejected")).isEqualTo(2);
    Path area = new Path(env.rejected, "2019-10-01-00");
    assertThat(fs.exists(new Path(area, "a.csv"))).isTrue();
    assertThat(fs.exists(new Path(area, "a.csv.reason~2")))
        .as("the landed a.csv.reason, under a free name")
        .isTrue();
    try (java.io.InputStream in = fs.open(new Path(area, "a.csv.reason"))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .as("a.csv's reason file is not overwritten")
          .contains("file a.csv\n")
          .contains("bad_header");
    }
    try (java.io.InputStream in = fs.open(new Path(area, "a.csv.reason~2.reason"))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("file a.csv.reason\nstored as a.csv.reason~2")
          .contains("bad_file_name");
    }
    assertThat(fs.exists(new Path(new Path(env.staging, "2019-10-01-00"), "a.csv.reason")))
        .as("nothing rejected is left in staging")
        .isFalse();
    assertThat(new CleanEventsJob().run(spark, cfg).alreadyDone).isTrue();
    assertThat(fs.listStatus(area)).as("a rerun moves nothing twice").hasSize(4);
  }
}

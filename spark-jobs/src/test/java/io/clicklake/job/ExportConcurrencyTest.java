package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.Keys;
import io.clicklake.export.MySqlException;
import io.clicklake.export.PublishedTable;
import io.clicklake.lock.LockHeldException;
import io.clicklake.mariadb.EmbeddedMariaDb;
import io.clicklake.table.TableNames;
import io.clicklake.testing.ConsistencyReader;
import io.clicklake.testing.ExportTestBase;
import io.clicklake.testing.LogCapture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The export against other runs and readers (data contract section 7): two exports never interleave
 * (the second fails naming the holder, or waits), a failed export is caught up by the next one, and
 * a long reader delays the publish by a bounded time without ever seeing half of it. Uses the
 * fixtures of {@link ExportTestBase}, on this class's own MariaDB.
 */
class ExportConcurrencyTest extends ExportTestBase {

  @BeforeAll
  static void startMariaDb() {
    db = EmbeddedMariaDb.builder().authenticating().start();
  }

  @Test
  void aSecondExportFailsNamingTheHolderOrWaitsForItAndReadersSeeOnlyWholePublishes()
      throws Exception {
    Env env = newEnv("twice");
    marts(env, 1);
    export(env, 1, "twice", Map.of());
    String b2 = marts(env, 2);
    try (ConsistencyReader reader = ConsistencyReader.start(db, "twice", b2);
        Connection dashboard = db.connect("twice")) {
      String old = reader.last();
      // a dashboard's transaction holds share locks on every user_engagement row: the first
      // export's upsert waits for it
      dashboard.setAutoCommit(false);
      long users = scalar(dashboard, "select count(*) from user_engagement lock in share mode");
      CompletableFuture<ExportMartsJob.Result> first =
          CompletableFuture.supplyAsync(
              () ->
                  export(
                      env,
                      2,
                      "twice",
                      Map.of(Keys.EXPORT_LOCK_WAIT_TIMEOUT_SECONDS.name(), "300")));
      awaitTrue(
          "the first export holds the lock and waits for the dashboard's row locks",
          first,
          () ->
              count(
                      "twice",
                      "select count(*) from information_schema.innodb_trx where trx_state = 'LOCK"
                          + " WAIT'")
                  > 0);

      long t = System.nanoTime();
      assertThatThrownBy(() -> export(env, 2, "twice", Map.of()))
          .as("a second export of the same batch while the first holds the lock")
          .isInstanceOf(LockHeldException.class)
          .hasMessageStartingWith(
              "another export holds the MySQL export lock clicklake.export.twice: batch "
                  + b2
                  + " on host ")
          .hasMessageContaining(", process " + ProcessHandle.current().pid() + ", since ")
          .hasMessageContaining("waited 0 s (clicklake.lock.wait-seconds)");
      assertThat((System.nanoTime() - t) / 1e9)
          .as("seconds the second export took to fail (it does not wait by default)")
          .isLessThan(30);

      CompletableFuture<ExportMartsJob.Result> waiting =
          CompletableFuture.supplyAsync(
              () -> export(env, 2, "twice", Map.of(Keys.LOCK_WAIT_SECONDS.name(), "300")));
      awaitTrue(
          "the third export waits in GET_LOCK",
          waiting,
          () ->
              count(
                      "twice",
                      "select count(*) from information_schema.processlist where info like 'select"
                          + " get_lock(%'")
                  > 0);
      assertThat(first).as("the first export is still waiting for the dashboard").isNotDone();

      assertThat(scalar(dashboard, "select count(*) from user_engagement"))
          .as("the dashboard's query returns normally")
          .isEqualTo(users);
      dashboard.commit();
      ExportMartsJob.Result r1 = first.get(180, TimeUnit.SECONDS);
      ExportMartsJob.Result r3 = waiting.get(180, TimeUnit.SECONDS);
      assertThat(r1.publishedBatches).as("the first export's batches").containsExactly(b2);
      assertThat(r3.rows)
          .as("the waiting export, run after the first, publishes the same rows")
          .isEqualTo(r1.rows);
      assertMirrors(env, "twice");

      String now = reader.poll();
      reader.finish();
      assertThat(reader.errors).as("reader errors").isEmpty();
      assertThat(reader.seen)
          .as("states a concurrent reader saw: the old publish or the new one, nothing in between")
          .containsOnly(old, now);
      assertThat(now).isNotEqualTo(old);
    }
    assertThat(db.rows("twice", "select count(*) from clicklake_export_lock"))
        .as("holder records left")
        .containsExactly("0");
    assertThat(
            db.rows(
                "twice",
                "select count(*) from information_schema.tables where table_schema = database() and"
                    + " table_name like '%\\_\\_%'"))
        .as("staging tables left")
        .containsExactly("0");
  }

  @Test
  void aFailedExportIsCaughtUpByTheNextBatchsExport() {
    Env env = newEnv("catchup");
    String b1 = marts(env, 1);
    export(env, 1, "catchup", Map.of());
    String b2 = marts(env, 2);
    assertThatThrownBy(
            () ->
                runAsCaller(
                    new ExportMartsJob(),
                    exportConfig(
                        env, 2, "catchup", Map.of(Keys.FAIL_AFTER.name(), "export-publish"))))
        .as("batch 2's export fails at its publish")
        .isInstanceOf(SparkJob.InjectedFailure.class);
    assertThat(
            db.rows(
                "catchup", "select count(*) from pipeline_batches where batch_id = '" + b2 + "'"))
        .as("batch 2 not in MySQL")
        .containsExactly("0");

    String b3 =
        marts(env, 3); // batch 3 is cleaned and built: some rows batch 2 changed still carry b2
    long b2Users =
        count(
            "select * from "
                + env.table(TableNames.MART_USER_ENGAGEMENT)
                + " where updated_batch_id = '"
                + b2
                + "'");
    assertThat(b2Users).as("user_engagement rows whose last change is batch 2's").isPositive();
    ExportMartsJob.Result r;
    List<String> logged;
    try (LogCapture logs = LogCapture.start()) {
      r = export(env, 3, "catchup", Map.of());
      logged = logs.lines();
    }
    assertThat(r.publishedBatches)
        .as("batches published by batch 3's export, in batch order")
        .containsExactly(b2, b3);
    assertThat(r.caughtUp()).containsExactly(b2);
    assertThat(r.toString()).contains("batch=" + b3 + ", caught up batches " + b2 + ",");
    assertThat(logged)
        .as("the log tells the catch-up")
        .anyMatch(l -> l.contains("catching up batches [" + b2 + "]"))
        .anyMatch(l -> l.contains("caught up batches " + b2));
    assertMirrors(env, "catchup"); // every mart and pipeline_batches, row by row

    assertThat(
            db.rows(
                "catchup",
                "select batch_id, export_status, export_at is not null, error_message from"
                    + " pipeline_batches order by started_at"))
        .as("MySQL pipeline_batches")
        .containsExactly(b1 + "|done|1|<null>", b2 + "|done|1|<null>", b3 + "|done|1|<null>");
    assertThat(
            rows(
                "select batch_id, export_status, export_at is not null, error_message,"
                    + " rows_written['mysql.user_engagement'] from "
                    + env.table(TableNames.BATCHES)
                    + " order by started_at"))
        .as("Iceberg batches: batch 2's own rows are its count")
        .containsExactly(
            b1 + "|done|true|<null>|42",
            b2 + "|done|true|<null>|" + b2Users,
            b3
                + "|done|true|<null>|"
                + count(
                    "select * from "
                        + env.table(TableNames.MART_USER_ENGAGEMENT)
                        + " where updated_batch_id = '"
                        + b3
                        + "'"));
  }

  @Test
  void aLongReaderDelaysThePublishBoundedlyAndNeverSeesHalfOfIt() throws Exception {
    Env env = newEnv("reader");
    marts(env, 1);
    export(env, 1, "reader", Map.of());
    marts(env, 2);
    List<String> old = dump("reader");

    // 1. the reader outlasts the timeout: the export gives up within it and publishes nothing
    for (String full : List.of("false", "true")) {
      try (Connection reader = db.connect("reader")) {
        reader.setAutoCommit(false);
        long users = scalar(reader, "select count(*) from user_engagement lock in share mode");
        Map<String, String> conf =
            Map.of(
                Keys.FULL_REFRESH.name(), full, Keys.EXPORT_LOCK_WAIT_TIMEOUT_SECONDS.name(), "3");
        Throwable failure = null;
        try {
          export(env, 2, "reader", conf);
        } catch (RuntimeException e) {
          failure = e;
        }
        assertThat(failure)
            .as("export (full refresh %s) while a reader holds user_engagement", full)
            .isInstanceOf(MySqlException.class)
            .hasMessageStartingWith(
                "a reader held "
                    + String.join(", ", PublishedTable.mysqlNames(PublishedTable.all()))
                    + " for too long: ")
            .hasMessageContaining(
                "clicklake.export.lock-wait-timeout-seconds allows 3 s in all. Nothing was"
                    + " published");
        Matcher waited = Pattern.compile("waited (\\d+) ms").matcher(failure.getMessage());
        assertThat(waited.find()).isTrue();
        assertThat(Long.parseLong(waited.group(1)))
            .as("ms the publish waited (full refresh %s)", full)
            .isBetween(2_500L, 5_000L);
        assertThat(dump("reader"))
            .as("published tables all old (full refresh %s)", full)
            .isEqualTo(old);
        assertThat(scalar(reader, "select count(*) from user_engagement"))
            .as("the reader's query returns normally")
            .isEqualTo(users);
        reader.commit();
      }
    }

    // 2. the reader ends while the swap waits: the export finishes after it; a reader arriving
    // meanwhile waits one attempt at most
    try (Connection reader = db.connect("reader");
        Connection late = db.connect("reader")) {
      reader.setAutoCommit(false);
      long users = scalar(reader, "select count(*) from user_engagement lock in share mode");
      CompletableFuture<ExportMartsJob.Result> export =
          CompletableFuture.supplyAsync(
              () -> export(env, 2, "reader", Map.of(Keys.FULL_REFRESH.name(), "true")));
      awaitTrue(
          "the swap waits for the reader",
          export,
          () ->
              count(
                      "reader",
                      "select count(*) from information_schema.processlist where info like 'rename"
                          + " table%'")
                  > 0);
      long t = System.nanoTime();
      long lateUsers = scalar(late, "select count(*) from user_engagement");
      double lateSeconds = (System.nanoTime() - t) / 1e9;
      assertThat(lateSeconds)
          .as(
              "seconds a reader arriving behind the waiting rename waited (one attempt is at most 5"
                  + " s)")
          .isLessThan(7.5);
      assertThat(lateUsers).as("the late reader sees the old table, whole").isEqualTo(users);
      assertThat(export).as("the export still waits for the first reader").isNotDone();
      assertThat(scalar(reader, "select count(*) from user_engagement"))
          .as("the reader's query returns normally")
          .isEqualTo(users);
      reader.commit();
      ExportMartsJob.Result r = export.get(180, TimeUnit.SECONDS);
      assertThat(r.fullRefresh).isTrue();
    }
    assertMirrors(env, "reader");
  }

  // ---------------------------------------------------------------- helpers

  static long scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static long count(String database, String sql) {
    return Long.parseLong(db.rows(database, sql).get(0));
  }

  /**
   * Polls {@code condition} until true, failing after two minutes or when {@code work} ended first
   * (with its error).
   */
  static void awaitTrue(String what, CompletableFuture<?> work, BooleanSupplier condition)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
    while (!condition.getAsBoolean()) {
      if (work.isDone()) {
        work.get(); // rethrows its failure
        throw new AssertionError("expected: " + what + "; found: the work finished first");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected within 6 minutes: " + what);
      }
      try {
        // a bounded wait on the work itself, not a sleep; 250 ms, not less: InnoDB refills
        // information_schema.innodb_trx only when it was not read for 100 ms, so faster polling
        // reads the same stale snapshot for ever (and never sees the export's LOCK WAIT)
        work.get(250, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException notYet) {
        // poll again
      }
    }
  }
}

package io.clicklake.export;

import io.clicklake.config.Keys;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a publish step that needs the published tables' locks (the upsert transaction, the {@code
 * RENAME TABLE} swap) so that a long reader delays it by at most {@code
 * clicklake.export.lock-wait-timeout-seconds} in all, and never blocks other readers for long.
 *
 * <p>Why short attempts: a {@code RENAME} waiting for a reader's metadata lock queues every new
 * reader of those tables behind it, and an upsert waiting for a reader's row locks holds its own
 * locks meanwhile. So each attempt runs with the session's {@code lock_wait_timeout} (metadata
 * locks) and {@code innodb_lock_wait_timeout} (row locks) set to {@value #ATTEMPT_SECONDS} s, or
 * what is left of the total if less; an attempt that times out is rolled back, which lets the
 * queued readers through, and the step is tried again after a short backoff until the total is
 * used. Then it fails with a message saying a reader held the tables too long. Atomicity does not
 * depend on any of this: every attempt is a whole transaction or a whole multi-table rename.
 */
final class BoundedLockWait {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedLockWait.class);
  static final int ATTEMPT_SECONDS = 5;

  /** ER_LOCK_WAIT_TIMEOUT, for metadata and InnoDB row locks alike, in MySQL and MariaDB. */
  static final int LOCK_WAIT_TIMEOUT = 1205;

  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 1000;

  private final int totalSeconds;

  BoundedLockWait(int totalSeconds) {
    if (totalSeconds < 1) {
      throw new IllegalArgumentException(
          Keys.EXPORT_LOCK_WAIT_TIMEOUT_SECONDS.name() + " expects >= 1, found " + totalSeconds);
    }
    this.totalSeconds = totalSeconds;
  }

  /** One attempt of the step on the connection; it must roll back what it did before it throws. */
  interface Attempt {
    void run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code attempt} until it succeeds, fails otherwise than by a lock wait timeout, or the
   * total wait is used up.
   *
   * @param what the step, for messages ("swapping the tables (one rename)")
   * @param tables the tables it locks, for messages
   */
  void run(Connection c, String what, String tables, Attempt attempt) throws SQLException {
    long start = System.nanoTime();
    long deadline = start + totalSeconds * 1_000_000_000L;
    long backoff = FIRST_BACKOFF_MS;
    for (int n = 1; ; n++) {
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      int seconds = (int) Math.max(1, Math.min(ATTEMPT_SECONDS, (remainingMs + 999) / 1000));
      try (Statement s = c.createStatement()) {
        s.execute(
            "set session lock_wait_timeout = "
                + seconds
                + ", innodb_lock_wait_timeout = "
                + seconds);
      }
      try {
        attempt.run(c);
        if (n > 1) {
          LOG.info(
              "{}: done at attempt {}, after waiting {} ms for readers",
              what,
              n,
              (System.nanoTime() - start) / 1_000_000);
        }
        return;
      } catch (SQLException e) {
        if (e.getErrorCode() != LOCK_WAIT_TIMEOUT) {
          throw e;
        }
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        if (System.nanoTime() + backoff * 1_000_000 >= deadline) {
          throw new MySqlException(
              "a reader held "
                  + tables
                  + " for too long: "
                  + what
                  + " waited "
                  + waitedMs
                  + " ms in "
                  + n
                  + " attempt(s) of at most "
                  + ATTEMPT_SECONDS
                  + " s for its lock ("
                  + e.getMessage().strip()
                  + "), and "
                  + Keys.EXPORT_LOCK_WAIT_TIMEOUT_SECONDS.name()
                  + " allows "
                  + totalSeconds
                  + " s in all. Nothing was published; readers keep the old tables. Find the long"
                  + " query or open transaction (show processlist), or raise "
                  + Keys.EXPORT_LOCK_WAIT_TIMEOUT_SECONDS.name(),
              e);
        }
        LOG.warn(
            "{}: attempt {} timed out after {} s waiting for a reader's lock on {}; rolled back,"
                + " retrying in {} ms",
            what,
            n,
            seconds,
            tables,
            backoff);
        pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(
          ms); // backoff between attempts, letting queued readers through; not a wait for a
      // condition
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new MySqlException("interrupted while waiting to retry the publish", ie);
    }
  }
}

package io.clicklake.oozie;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** Waiting on an asynchronous engine: poll a value until it satisfies a condition, with a deadline. */
final class Poll {

  private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private Poll() {}

  /** The first value that satisfies {@code done}; fails with the last value seen when the deadline passes. */
  static <T> T until(String what, Duration timeout, Callable<T> value, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    while (true) {
      last = value.call();
      if (last != null && done.test(last)) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
      }
      LockSupport.parkNanos(INTERVAL_NANOS);
    }
  }

  /** Checks that {@code invariant} holds on every poll for the whole {@code period}. */
  static <T> void holds(String what, Duration period, Callable<T> value, Predicate<T> invariant) throws Exception {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      T current = value.call();
      if (!invariant.test(current)) {
        throw new AssertionError("expected " + what + " for " + period + " but saw: " + current);
      }
      LockSupport.parkNanos(INTERVAL_NANOS);
    }
  }
}

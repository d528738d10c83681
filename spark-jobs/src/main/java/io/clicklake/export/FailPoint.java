package io.clicklake.export;

import java.io.Serializable;
import java.util.function.LongSupplier;

/**
 * Fault injection for the atomicity tests ({@code clicklake.test.fail-after}): throws when the
 * configured step is reached. It travels to the Spark tasks inside {@link StagingLoader}, so it
 * carries only the step name and the exception to throw, never the config.
 */
public final class FailPoint implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Never fails. */
  public static final FailPoint NONE =
      new FailPoint("", message -> new IllegalStateException(message));

  /**
   * Makes the exception an injected failure throws: the caller's own type, so tests can tell it
   * apart.
   */
  @FunctionalInterface
  public interface Failure extends Serializable {
    RuntimeException withMessage(String message);
  }

  private final String step;
  private final Failure failure;

  private FailPoint(String step, Failure failure) {
    this.step = step;
    this.failure = failure;
  }

  /** Fails at {@code step}; {@link #NONE} when no step is given (null or blank). */
  public static FailPoint after(String step, Failure failure) {
    return step == null || step.isBlank() ? NONE : new FailPoint(step, failure);
  }

  /** Whether {@code s} is the step this fails at. */
  public boolean armed(String s) {
    return s.equals(step);
  }

  /** Throws when {@code s} is the step this fails at. */
  public void reached(String s) {
    if (armed(s)) {
      throw failure.withMessage("injected failure after step '" + s + "'");
    }
  }

  /**
   * The {@value StagingLoader#HALF_STEP} failure of one export: its staging loads fail once about
   * half the rows of all its tables are loaded. {@code totalRows} is asked only when that step is
   * the armed one (counting them costs a Spark job per table).
   */
  public Halfway halfway(LongSupplier totalRows) {
    return new Halfway(armed(StagingLoader.HALF_STEP) ? (totalRows.getAsLong() + 1) / 2 : -1);
  }

  /** Driver side of the half-way failure: each table's tasks get their share of what is left. */
  public final class Halfway {
    private final long half;
    private long loadedBefore;

    private Halfway(long half) {
      this.half = half;
    }

    /** Rows after which each of the next table's {@code tasks} fails (-1: none does). */
    public long failAfterRowsPerTask(int tasks) {
      if (half > 0 && loadedBefore < half) {
        return Math.max(1, (half - loadedBefore + tasks - 1) / tasks);
      }
      return -1;
    }

    /**
     * Counts a table's loaded rows, failing once the loads so far reached half, in case no task
     * reached its share.
     */
    public void loaded(long rows) {
      loadedBefore += rows;
      if (half > 0 && loadedBefore >= half) {
        reached(StagingLoader.HALF_STEP);
      }
    }
  }
}

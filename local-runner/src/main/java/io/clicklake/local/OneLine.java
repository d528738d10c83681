package io.clicklake.local;

import io.clicklake.config.ConfigException;
import io.clicklake.job.InputException;

/** The one line a user sees for a failure, instead of a stack trace. */
public final class OneLine {
  private OneLine() {}

  /**
   * One line for the user: the message of our own exception in the cause chain if there is one (bad
   * input, MySQL unreachable, a broken invariant), else the innermost cause's first line. Spark
   * wraps a task's failure in several layers whose messages carry whole stack traces.
   */
  public static String of(Throwable e) {
    Throwable innermost = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CliException
          || t instanceof ConfigException
          || t instanceof InputException
          || t.getClass().getName().startsWith("io.clicklake.")) {
        return firstLine(t.getMessage());
      }
      innermost = t;
    }
    String m = innermost.getMessage();
    return (innermost == e ? "" : innermost.getClass().getSimpleName() + ": ")
        + firstLine(m == null ? e.toString() : m);
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "(no message)";
    }
    String s = m.strip();
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl).strip();
  }
}

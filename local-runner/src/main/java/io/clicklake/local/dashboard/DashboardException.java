package io.clicklake.local.dashboard;

/** A problem the user can fix (a missing table, a bad argument); its message says what to do. */
public final class DashboardException extends RuntimeException {
  public DashboardException(String message) {
    super(message);
  }

  public DashboardException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.clicklake.local;

/** A problem the user can fix; printed as one line, exit code 2. */
public class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }
}

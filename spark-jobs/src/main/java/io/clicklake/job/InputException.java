package io.clicklake.job;

/** The input is not what the job expects (missing instance, no done-flag, ...). Exit code 2. */
public class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }
}

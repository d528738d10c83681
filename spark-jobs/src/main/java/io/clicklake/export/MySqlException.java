package io.clicklake.export;

/**
 * A MySQL statement failed for a reason other than a lost connection; the message says what was
 * being done.
 */
public class MySqlException extends RuntimeException {
  public MySqlException(String message) {
    super(message);
  }

  public MySqlException(String message, Throwable cause) {
    super(message, cause);
  }
}

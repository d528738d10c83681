package io.clicklake.export;

/** MySQL could not be reached after every attempt; the message names host and port. */
public class MySqlUnavailableException extends RuntimeException {
  public MySqlUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

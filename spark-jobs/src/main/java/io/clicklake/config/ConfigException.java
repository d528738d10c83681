package io.clicklake.config;

/**
 * A setting is missing or malformed. The message names the key, what was expected and what was
 * found.
 */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}

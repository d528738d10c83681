package io.clicklake.config;

import java.util.Objects;

/** One typed configuration key: its name, default (may be null) and a one-line description. */
public final class ConfigKey {
  private final String name;
  private final String defaultValue;
  private final String doc;
  private final boolean secret;

  ConfigKey(String name, String defaultValue, String doc, boolean secret) {
    this.name = Objects.requireNonNull(name);
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.secret = secret;
  }

  public String name() {
    return name;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  /** True when the value must never be logged or written. */
  public boolean secret() {
    return secret;
  }

  @Override
  public String toString() {
    return name;
  }
}

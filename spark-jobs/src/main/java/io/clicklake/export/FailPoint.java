package io.clicklake.export;

import java.io.Serializable;

/** Fault injection for the atomicity tests: throws when the named step is the configured one. Travels to tasks. */
@FunctionalInterface
public interface FailPoint extends Serializable {
  FailPoint NONE = step -> {};

  void reached(String step);
}

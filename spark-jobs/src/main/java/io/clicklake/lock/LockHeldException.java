package io.clicklake.lock;

import io.clicklake.job.InputException;

/**
 * Another run holds the lock of a step (data contract section 7: two runs of the same step never
 * interleave). The message names the holder; exit code 2, like any input the user can act on.
 */
public final class LockHeldException extends InputException {
  public LockHeldException(String message) {
    super(message);
  }
}

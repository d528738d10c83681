package io.clicklake.io;

import io.clicklake.config.ConfigException;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import org.apache.hadoop.fs.Path;

/**
 * Batch ids are derived from the landing instance, so any rerun of any stage of the same instance —
 * by Oozie or by hand — is the same batch: {@code <landing>/2026/11/27/15} becomes {@code
 * 2026-11-27-15}.
 */
public final class BatchIds {
  private BatchIds() {}

  public static String of(JobConfig config) {
    if (config.isSet(Keys.BATCH_ID)) {
      return check(config.get(Keys.BATCH_ID));
    }
    return derive(config.require(Keys.LANDING_ROOT), config.requireInstance());
  }

  public static String derive(String landingRoot, String instance) {
    String root = trimSlash(new Path(landingRoot).toUri().getPath());
    String inst = trimSlash(new Path(instance).toUri().getPath());
    if (!inst.startsWith(root + "/")) {
      throw new ConfigException(
          "expected the instance under the landing root " + landingRoot + ", found " + instance);
    }
    return check(inst.substring(root.length() + 1).replace('/', '-'));
  }

  private static String trimSlash(String s) {
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static String check(String id) {
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.=-]{0,127}")) {
      throw new ConfigException(
          "expected a batch id of letters, digits, '-', '_', '.', '=' (at most 128), found '"
              + id
              + "'");
    }
    return id;
  }
}

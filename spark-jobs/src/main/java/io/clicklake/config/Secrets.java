package io.clicklake.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Resolves the MySQL password without it ever being in a file of the repository, job.properties, a
 * log or a Spark conf dump. Order: a Hadoop credential provider alias, a password file, an
 * environment variable, then the in-memory value the local runner may hold. Empty when none is set
 * (the embedded MariaDB needs none).
 */
public final class Secrets {
  private Secrets() {}

  public static String mysqlPassword(JobConfig config, Configuration hadoopConf) {
    if (config.isSet(Keys.MYSQL_PASSWORD_ALIAS)) {
      String alias = config.get(Keys.MYSQL_PASSWORD_ALIAS);
      try {
        char[] pw = hadoopConf.getPassword(alias);
        if (pw == null) {
          throw new ConfigException(
              "credential alias '"
                  + alias
                  + "' not found in hadoop.security.credential.provider.path="
                  + hadoopConf.get("hadoop.security.credential.provider.path", "(unset)"));
        }
        return new String(pw);
      } catch (IOException e) {
        throw new ConfigException(
            "cannot read credential alias '" + alias + "': " + e.getMessage(), e);
      }
    }
    if (config.isSet(Keys.MYSQL_PASSWORD_FILE)) {
      String f = config.get(Keys.MYSQL_PASSWORD_FILE);
      try {
        Path p = new Path(f);
        FileSystem fs =
            URI.create(f).getScheme() == null
                ? FileSystem.getLocal(hadoopConf)
                : p.getFileSystem(hadoopConf);
        try (BufferedReader r =
            new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
          String line = r.readLine();
          return line == null ? "" : line.strip();
        }
      } catch (IOException e) {
        throw new ConfigException("cannot read password file " + f + ": " + e.getMessage(), e);
      }
    }
    String env = config.get(Keys.MYSQL_PASSWORD_ENV);
    if (env != null && !env.isEmpty() && System.getenv(env) != null) {
      return System.getenv(env);
    }
    String direct = config.get(Keys.MYSQL_PASSWORD);
    return direct == null ? "" : direct;
  }
}

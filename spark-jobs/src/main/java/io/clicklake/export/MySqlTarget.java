package io.clicklake.export;

import io.clicklake.config.ConfigException;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.config.Secrets;
import java.io.EOFException;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the export writes: JDBC URL, user and password, plus the retry policy for a lost
 * connection. It travels to the Spark tasks inside their closure, so the password never goes
 * through the Spark conf; {@link #toString()} names only host, port and user, and the JDBC {@link
 * Properties} built here are never logged.
 *
 * <p>A connection loss (SQLState class 08, socket errors) or a deadlock (40001) is retried {@code
 * clicklake.export.retries} times with a backoff that starts at {@code
 * clicklake.export.retry-backoff-ms} and doubles; when every attempt fails the caller gets one
 * {@link MySqlUnavailableException} naming host and port. Other errors (access denied, bad SQL) are
 * not retried.
 */
public final class MySqlTarget implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(MySqlTarget.class);

  private final String url;
  private final String user;
  private final String password; // never logged, never in toString, never in Spark conf
  private final String host;
  private final int port;
  private final int attempts;
  private final long backoffMs;

  MySqlTarget(String url, String user, String password, int attempts, long backoffMs) {
    this.url = url;
    this.user = user;
    this.password = password == null ? "" : password;
    MySqlUrl parsed = MySqlUrl.parse(url);
    this.host = parsed.host;
    this.port = parsed.port;
    this.attempts = Math.max(1, attempts);
    this.backoffMs = Math.max(0, backoffMs);
  }

  /** The target of a job: {@code clicklake.mysql.url/user}, the password from {@link Secrets}. */
  public static MySqlTarget from(JobConfig config, Configuration hadoopConf) {
    String url = config.require(Keys.MYSQL_URL);
    if (url.toLowerCase(Locale.ROOT).contains("password=")) {
      throw new ConfigException(
          Keys.MYSQL_URL.name()
              + " must not carry the password; set "
              + Keys.MYSQL_PASSWORD_FILE.name()
              + ", "
              + Keys.MYSQL_PASSWORD_ENV.name()
              + " or "
              + Keys.MYSQL_PASSWORD_ALIAS.name()
              + " instead");
    }
    int retries = config.getInt(Keys.EXPORT_RETRIES);
    long backoff = config.getLong(Keys.EXPORT_RETRY_BACKOFF_MS);
    if (retries < 1 || backoff < 0) {
      throw new ConfigException(
          "expected "
              + Keys.EXPORT_RETRIES.name()
              + " >= 1 and "
              + Keys.EXPORT_RETRY_BACKOFF_MS.name()
              + " >= 0, found "
              + retries
              + " and "
              + backoff);
    }
    return new MySqlTarget(
        url,
        config.require(Keys.MYSQL_USER),
        Secrets.mysqlPassword(config, hadoopConf),
        retries,
        backoff);
  }

  /** host:port, for messages. */
  public String where() {
    return host + ":" + port;
  }

  /**
   * One attempt to open a connection, in strict SQL mode; for work that {@link #retry}s as a whole.
   */
  public Connection connectOnce(Properties extra) throws SQLException {
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty("user", user);
    p.setProperty("password", password);
    if (!url.contains("connectTimeout")) {
      p.setProperty("connectTimeout", "10000");
    }
    Connection c = DriverManager.getConnection(url, p);
    try (Statement s = c.createStatement()) {
      // LOAD DATA LOCAL turns data errors into warnings whatever the mode; for INSERTs strict mode
      // makes them errors.
      s.execute("set session sql_mode = concat_ws(',', @@session.sql_mode, 'STRICT_ALL_TABLES')");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** A unit of work against MySQL that may be run again after a connection loss. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work}, again after a connection loss or deadlock, with backoff; the work must be
   * idempotent (reopen its connection, redo a whole transaction). Other SQL errors become a {@link
   * MySqlException} naming what was being done.
   */
  public <T> T retry(String what, Work<T> work) {
    long wait = backoffMs;
    for (int attempt = 1; ; attempt++) {
      try {
        return work.run();
      } catch (SQLException | RuntimeException e) {
        if (e instanceof MySqlUnavailableException || e instanceof MySqlException) {
          throw (RuntimeException) e;
        }
        if (!retryable(e)) {
          if (e instanceof RuntimeException) {
            throw (RuntimeException) e;
          }
          throw new MySqlException(
              "MySQL at " + where() + " failed while " + what + ": " + e.getMessage(), e);
        }
        if (attempt >= attempts) {
          throw new MySqlUnavailableException(
              "cannot reach MySQL at "
                  + where()
                  + " ("
                  + reason(e)
                  + ") after "
                  + attempts
                  + " attempt"
                  + (attempts == 1 ? "" : "s")
                  + "; check "
                  + Keys.MYSQL_URL.name(),
              e);
        }
        LOG.warn(
            "MySQL at {}: {} while {}; attempt {}/{}, retrying in {} ms",
            where(),
            reason(e),
            what,
            attempt,
            attempts,
            wait);
        pause(wait);
        wait = Math.min(wait * 2, 60_000);
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms); // backoff between attempts, not a wait for a condition
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new MySqlException("interrupted while waiting to retry", ie);
    }
  }

  /** A lost or refused connection, or a deadlock victim: worth another attempt. */
  static boolean retryable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("40001"))) {
          return true;
        }
        if (t instanceof SQLTransientConnectionException) {
          return true;
        }
      }
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof SocketTimeoutException
          || t instanceof SocketException
          || t instanceof EOFException
          || t.getClass().getName().equals("com.mysql.cj.exceptions.CJCommunicationsException")) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message: "Connection refused", "unknown host db.example", ... */
  static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof UnknownHostException) {
      return "unknown host " + root.getMessage();
    }
    String m = root.getMessage();
    if (m == null || m.isBlank()) {
      return root.getClass().getSimpleName();
    }
    m = m.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  @Override
  public String toString() {
    return "MySQL at " + where() + " as " + user;
  }
}

package io.clicklake.local.dashboard;

import io.clicklake.export.MySqlUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the offline HTML dashboard: one self-contained file (inline CSS, script and SVG; no
 * network needed to view it) from the published MySQL tables of {@code sql/01_tables.sql}: KPI
 * tiles, the funnel and the daily funnel, the distribution of per-user conversion rates, the top
 * categories and brands by revenue with their conversion, a weekday x hour heat map of events, a
 * retention triangle of weekly cohorts, cart abandonment per day, the top sessions by revenue, and
 * batch freshness with quarantine counts by reason. Written as a user that may not read {@code
 * pipeline_batches.error_message}, such as the reporting user of {@code sql/02_reporting_user.sql},
 * the batch table has no error column and a note says that error texts are for administrators.
 *
 * <p>The database does the aggregation ({@link MartsReader}), so the cost is a few scans of the
 * marts whatever their size; the page holds only aggregates, the {@value MartsReader#TOP_SESSIONS}
 * top sessions, the {@value MartsReader#TOP_PERFORMERS} top categories and brands and the {@value
 * MartsReader#RECENT_BATCHES} newest batches.
 *
 * <p>Its own command line: {@code --jdbc-url URL [--user U] --out FILE}; {@code bin/pipeline
 * dashboard} calls {@link #write} with the CLI's --mysql-url instead, password from the environment
 * variable {@value #PASSWORD_ENV}. Exit codes: 0 written, 2 bad arguments or missing tables (the
 * message says what to do), 1 anything else.
 */
public final class DashboardWriter {
  /** Environment variable holding the MySQL password (none when unset). */
  public static final String PASSWORD_ENV = "CLICKLAKE_MYSQL_PASSWORD";

  static final String USAGE =
      "usage: dashboard --jdbc-url jdbc:mysql://HOST:PORT/DATABASE [--user USER] --out FILE.html\n"
          + "  writes one self-contained HTML dashboard from the MySQL marts; the password comes"
          + " from $"
          + PASSWORD_ENV
          + ".";

  private DashboardWriter() {}

  /**
   * Reads the marts over {@code c} and writes the dashboard to {@code out}; returns {@code out}.
   */
  public static Path write(Connection c, Path out) throws SQLException, IOException {
    return write(c, out, Clock.systemUTC());
  }

  /** As {@link #write(Connection, Path)}, with the clock that stamps the page (tests fix it). */
  static Path write(Connection c, Path out, Clock clock) throws SQLException, IOException {
    LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).withNano(0);
    MartsSnapshot snapshot = readConsistently(c, now);
    String html = HtmlDashboard.render(snapshot);
    Path target = out.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    // write beside the target, then rename: a reader never sees half a page
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      try { // a temp file is private; the page is for anyone who may read the directory
        Files.setPosixFilePermissions(
            tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep its default
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  /**
   * Reads every query in one REPEATABLE READ transaction when the caller left the connection in
   * autocommit, so tiles, charts and tables describe the same published state even if an export
   * commits meanwhile; the connection's settings are restored afterwards.
   */
  private static MartsSnapshot readConsistently(Connection c, LocalDateTime now)
      throws SQLException {
    if (!c.getAutoCommit()) {
      return new MartsReader(c).read(now); // the caller's transaction already fixes the view
    }
    int isolation = c.getTransactionIsolation();
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    c.setAutoCommit(false);
    try {
      return new MartsReader(c).read(now);
    } finally {
      try {
        c.rollback();
      } finally {
        c.setAutoCommit(true);
        c.setTransactionIsolation(isolation);
      }
    }
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(PASSWORD_ENV), System.out, System.err));
  }

  /**
   * The command line without {@code System.exit}: prints the written path, returns the exit code.
   */
  static int run(String[] args, String password, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (options == null) {
      out.println(USAGE);
      return 0;
    }
    try (Connection c =
        options.user() == null
            ? DriverManager.getConnection(options.jdbcUrl())
            : DriverManager.getConnection(
                options.jdbcUrl(), options.user(), password == null ? "" : password)) {
      c.setReadOnly(true);
      out.println(write(c, Path.of(options.out())));
      return 0;
    } catch (DashboardException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (SQLException e) {
      err.println(
          "error: cannot read the marts at " + masked(options.jdbcUrl()) + ": " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("error: cannot write " + options.out() + ": " + e);
      return 1;
    }
  }

  /** The URL as it may be printed: a password given in it is masked. */
  static String masked(String jdbcUrl) {
    return MySqlUrl.masked(jdbcUrl);
  }

  /** Parsed command line. */
  record Options(String jdbcUrl, String user, String out) {
    /** The options, or null when help was asked for. */
    static Options parse(String[] args) {
      Map<String, String> values = new LinkedHashMap<>();
      List<String> known = List.of("--jdbc-url", "--user", "--out");
      List<String> unexpected = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          return null;
        }
        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        if (!known.contains(name)) {
          unexpected.add(a);
          continue;
        }
        String value;
        if (a.contains("=")) {
          value = a.substring(a.indexOf('=') + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException(name + " needs a value");
        }
        if (value.isBlank()) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        values.put(name, value);
      }
      if (!unexpected.isEmpty()) {
        throw new IllegalArgumentException("unknown argument(s) " + unexpected);
      }
      for (String required : List.of("--jdbc-url", "--out")) {
        if (!values.containsKey(required)) {
          throw new IllegalArgumentException("missing " + required);
        }
      }
      if (!values.get("--jdbc-url").startsWith("jdbc:")) {
        throw new IllegalArgumentException(
            "--jdbc-url must be a JDBC URL such as jdbc:mysql://localhost:3306/clickstream, got "
                + masked(values.get("--jdbc-url")));
      }
      return new Options(values.get("--jdbc-url"), values.get("--user"), values.get("--out"));
    }
  }
}

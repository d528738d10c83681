package io.clicklake.export;

import io.clicklake.config.Keys;
import io.clicklake.lock.LockHeldException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MySQL half of "two runs of the same step never interleave" (data contract section 7): a
 * {@code GET_LOCK('clicklake.export.<database>')} held on a connection of its own for the whole
 * export, from the first staging table to the cleanup. MySQL frees such a lock when its connection
 * ends, so a run that dies, or loses its connection, cannot leave it behind; which is also why
 * {@link #checkHeld()} is asked right before the publish: a lock that is gone means another run may
 * be exporting, and publishing then could interleave with it.
 *
 * <p>Right after acquiring it, the holder writes who it is (batch, host, process, since when) into
 * {@value #HOLDER_TABLE} (created by {@link MySqlMigrations}, which runs right after the lock is
 * taken; the reporting user has no grant on it). A run that finds the lock busy reads that row,
 * trusting it only when its connection id is the lock's current holder ({@code IS_USED_LOCK}), else
 * names the holder's connection from the process list. It waits up to {@code
 * clicklake.lock.wait-seconds} (0: not at all) and then throws a {@link LockHeldException} (exit
 * code 2) naming the holder.
 */
public final class ExportLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExportLock.class);
  public static final String HOLDER_TABLE = "clicklake_export_lock";

  /** MySQL refuses longer lock names. */
  static final int MAX_NAME = 64;

  private final Connection conn;
  private final String name;
  private final long connectionId;

  private ExportLock(Connection conn, String name, long connectionId) {
    this.conn = conn;
    this.name = name;
    this.connectionId = connectionId;
  }

  /**
   * Takes the export lock of the target's database for {@code batchId}, waiting up to {@code
   * waitSeconds} for another run to release it.
   *
   * @throws LockHeldException when another run still holds it after the wait
   */
  public static ExportLock acquire(
      MySqlTarget target, String batchId, String runToken, int waitSeconds) {
    Connection c =
        target.retry("connecting for the export lock", () -> target.connectOnce(new Properties()));
    try {
      String name = lockName(scalar(c, "select database()"));
      long id = Long.parseLong(scalar(c, "select connection_id()"));
      if (!getLock(c, name, 0)) {
        String holder = holder(c, name);
        if (waitSeconds > 0) {
          LOG.info(
              "batch {}: the MySQL export lock {} is held by {}; waiting up to {} s ({})",
              batchId,
              name,
              holder,
              waitSeconds,
              Keys.LOCK_WAIT_SECONDS.name());
          if (!getLock(c, name, waitSeconds)) {
            holder = holder(c, name);
            throw held(name, holder, waitSeconds);
          }
        } else {
          throw held(name, holder, 0);
        }
      }
      MySqlMigrations.migrate(target); // the published tables, and the table recordHolder writes
      ExportLock lock = new ExportLock(c, name, id);
      lock.recordHolder(batchId, runToken);
      LOG.info(
          "batch {}: holding the MySQL export lock {} (connection {}, run {})",
          batchId,
          name,
          id,
          runToken);
      return lock;
    } catch (SQLException e) {
      closeQuietly(c);
      throw new MySqlException(
          "MySQL at " + target.where() + " failed while taking the export lock: " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /**
   * {@code clicklake.export.<database>}, or a digest of a database name too long for a lock name.
   */
  static String lockName(String database) {
    String name = "clicklake.export." + database;
    if (name.length() <= MAX_NAME) {
      return name;
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(database.getBytes(StandardCharsets.UTF_8));
      String hex = HexFormat.of().formatHex(d, 0, 8);
      return "clicklake.export." + database.substring(0, MAX_NAME - 18 - 16 - 1) + "." + hex;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String name() {
    return name;
  }

  /**
   * Fails unless this run's connection still holds the lock: a lost or killed lock connection frees
   * the lock, and another run may then be exporting.
   */
  public void checkHeld() {
    String found;
    try (PreparedStatement ps = conn.prepareStatement("select is_used_lock(?)")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long holder = rs.getLong(1);
        if (!rs.wasNull() && holder == connectionId) {
          return;
        }
        found = rs.wasNull() ? "nobody holds it" : "MySQL connection " + holder + " holds it";
      }
    } catch (SQLException e) {
      found = "its connection failed (" + MySqlTarget.reason(e) + ")";
    }
    throw new MySqlException(
        "the MySQL export lock "
            + name
            + " should be held by this run's connection "
            + connectionId
            + " before the publish, but "
            + found
            + ": another export may be running, so nothing was published. Run the export again");
  }

  private void recordHolder(String batchId, String runToken) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "replace into "
                + HOLDER_TABLE
                + " (lock_name, connection_id, batch_id, run_token, host, process, acquired_at)"
                + " values (?, connection_id(), ?, ?, ?, ?, utc_timestamp())")) {
      ps.setString(1, name);
      ps.setString(2, batchId);
      ps.setString(3, runToken);
      ps.setString(4, localHost());
      ps.setString(5, String.valueOf(ProcessHandle.current().pid()));
      ps.executeUpdate();
    }
  }

  /**
   * Who holds the lock, for a message: the holder's own record, else its connection in the process
   * list.
   */
  static String holder(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select batch_id, host, process, date_format(acquired_at, '%Y-%m-%d %H:%i:%s'),"
                + " connection_id from "
                + HOLDER_TABLE
                + " where lock_name = ? and connection_id = is_used_lock(?)")) {
      ps.setString(1, name);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return "batch "
              + rs.getString(1)
              + " on host "
              + rs.getString(2)
              + ", process "
              + rs.getString(3)
              + ", since "
              + rs.getString(4)
              + " UTC (MySQL connection "
              + rs.getLong(5)
              + ")";
        }
      }
    } catch (SQLException e) {
      if (e.getErrorCode() != 1146) { // table missing: a holder from before the table existed
        throw e;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "select l.id, p.user, p.host, p.time from (select is_used_lock(?) as id) l left join"
                + " information_schema.processlist p on p.id = l.id")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long id = rs.getLong(1);
        if (rs.wasNull()) {
          return "a run that released it meanwhile";
        }
        if (rs.getString(2) == null) {
          return "MySQL connection "
              + id
              + " (not visible in the process list to this user; no holder record)";
        }
        return "MySQL connection "
            + id
            + " of "
            + rs.getString(2)
            + "@"
            + rs.getString(3)
            + ", connected for "
            + rs.getLong(4)
            + " s (no holder record)";
      }
    }
  }

  private static LockHeldException held(String name, String holder, int waited) {
    return new LockHeldException(
        "another export holds the MySQL export lock "
            + name
            + ": "
            + holder
            + "; waited "
            + waited
            + " s ("
            + Keys.LOCK_WAIT_SECONDS.name()
            + "). Let it finish, or raise "
            + Keys.LOCK_WAIT_SECONDS.name()
            + " to wait for it");
  }

  private static boolean getLock(Connection c, String name, int timeoutSeconds)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select get_lock(?, ?)")) {
      ps.setString(1, name);
      ps.setInt(2, timeoutSeconds);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        int r = rs.getInt(1);
        if (rs.wasNull()) {
          throw new MySqlException(
              "GET_LOCK('"
                  + name
                  + "') returned NULL (an error in MySQL, e.g. the thread was killed)");
        }
        return r == 1;
      }
    }
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      String v = rs.getString(1);
      if (v == null) {
        throw new MySqlException(
            Keys.MYSQL_URL.name() + " must name a database, e.g. jdbc:mysql://db:3306/clickstream");
      }
      return v;
    }
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  /**
   * Forgets the holder record and releases the lock; closing the connection would free it anyway.
   */
  @Override
  public void close() {
    try (PreparedStatement del =
            conn.prepareStatement(
                "delete from "
                    + HOLDER_TABLE
                    + " where lock_name = ? and connection_id = connection_id()");
        PreparedStatement rel = conn.prepareStatement("select release_lock(?)")) {
      del.setString(1, name);
      del.executeUpdate();
      rel.setString(1, name);
      rel.executeQuery().close();
    } catch (SQLException e) {
      LOG.warn(
          "could not release the MySQL export lock {} cleanly ({}); closing its connection frees"
              + " it",
          name,
          MySqlTarget.reason(e));
    } finally {
      closeQuietly(conn);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // the server frees the lock with the connection
    }
  }
}

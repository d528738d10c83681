package io.clicklake.export;

import static io.clicklake.export.MySqlSchema.columnList;
import static io.clicklake.export.MySqlSchema.q;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging tables and the atomic publish of one export run, Sqoop style.
 *
 * <ul>
 *   <li>Incremental: rows go to {@code <table>__stage_<token>} (like the table, without its
 *       secondary indexes), then one transaction upserts every table from its staging table ({@code
 *       insert ... select ... on duplicate key update c = s.c}) and commits. A reader sees all
 *       tables before or all after.
 *   <li>Full refresh: rows go to {@code <table>__new_<token>} (like the table; its secondary
 *       indexes are built after the load, a sorted build being faster than row-by-row upkeep), then
 *       one multi-table {@code rename table t to t__old_<token>, t__new_<token> to t, ...} swaps
 *       every table at once and the old copies are dropped. Table and column grants are keyed by
 *       name in MySQL and MariaDB, so the reporting user's grants on {@code t} ({@code
 *       02_reporting_user.sql} grants the published tables only, never the database) apply to the
 *       swapped-in table at once; the staging tables, having other names, stay invisible to it.
 * </ul>
 *
 * <p>The token is the run's own (see {@link #newToken()}), so a run only ever drops its own tables,
 * plus the leftovers of earlier runs in {@link #prepare()}, which the caller must call while
 * holding the {@link ExportLock}: any other run's tables are then those of a dead run. The lock is
 * checked again right before the commit or the rename.
 *
 * <p>A failure before the commit (or the rename) leaves the published tables untouched; its staging
 * tables stay for a look and are dropped by the next run. Work is retried as a whole after a lost
 * connection: the upsert is idempotent and the swap checks whether it already happened. Both wait
 * for readers' locks in short attempts, {@code clicklake.export.lock-wait-timeout-seconds} in all
 * ({@link BoundedLockWait}).
 */
public final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  public static final String PUBLISH_STEP = "export-publish";

  /** The suffixes of a run's tables; a table with one of them and another token is a leftover. */
  static final List<String> SUFFIXES = List.of("__stage", "__new", "__old");

  /** Longest table name MySQL accepts. */
  static final int MAX_NAME = 64;

  private final MySqlTarget target;
  private final List<MySqlSchema.Shape> shapes;
  private final boolean fullRefresh;
  private final String token;
  private final ExportLock lock;
  private final BoundedLockWait waits;

  /**
   * @param token this run's token ({@link #newToken()}), suffix of its staging tables
   * @param lock the export lock the caller holds from {@link #prepare()} to {@link #cleanUp()}
   * @param lockWaitTimeoutSeconds {@code clicklake.export.lock-wait-timeout-seconds}: the longest
   *     the publish waits for readers in all ({@link BoundedLockWait})
   */
  public Publisher(
      MySqlTarget target,
      List<MySqlSchema.Shape> shapes,
      boolean fullRefresh,
      String token,
      ExportLock lock,
      int lockWaitTimeoutSeconds) {
    this.waits = new BoundedLockWait(lockWaitTimeoutSeconds);
    if (!token.matches("[a-z0-9]{1,16}")) {
      throw new IllegalArgumentException(
          "a run token is 1 to 16 lower-case letters and digits, found '" + token + "'");
    }
    this.target = target;
    this.shapes = Collections.unmodifiableList(new ArrayList<>(shapes));
    this.fullRefresh = fullRefresh;
    this.token = token;
    this.lock = lock;
    for (MySqlSchema.Shape t : shapes) {
      for (String name : List.of(stagingTable(t.table), oldTable(t.table))) {
        if (name.length() > MAX_NAME) {
          throw new MySqlException(
              "staging table name "
                  + name
                  + " has "
                  + name.length()
                  + " characters; MySQL allows "
                  + MAX_NAME);
        }
      }
    }
  }

  /**
   * A fresh run token: 12 random base-36 characters, unique enough that two runs never share one.
   */
  public static String newToken() {
    java.security.SecureRandom r = new java.security.SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      sb.append(Character.forDigit(r.nextInt(36), 36));
    }
    return sb.toString();
  }

  public String token() {
    return token;
  }

  private String publishedNames() {
    List<String> names = new ArrayList<>();
    shapes.forEach(t -> names.add(t.table));
    return String.join(", ", names);
  }

  /** Where the rows of a table are loaded before the publish. */
  public String stagingTable(String table) {
    return table + (fullRefresh ? "__new_" : "__stage_") + token;
  }

  private String oldTable(String table) {
    return table + "__old_" + token;
  }

  /**
   * Drops the leftovers of earlier runs (only safe under the export lock: their runs are dead) and
   * creates this run's empty staging tables, shaped like the published ones.
   */
  public void prepare() {
    run(
        "preparing the staging tables",
        c -> {
          List<String> leftovers = leftovers(c);
          try (Statement s = c.createStatement()) {
            if (!leftovers.isEmpty()) {
              LOG.info(
                  "dropping {} table(s) left by earlier export runs: {}",
                  leftovers.size(),
                  leftovers);
              List<String> quoted = new ArrayList<>();
              leftovers.forEach(t -> quoted.add(q(t)));
              s.execute("drop table if exists " + String.join(", ", quoted));
            }
            for (MySqlSchema.Shape t : shapes) {
              String stage = stagingTable(t.table);
              s.execute(
                  "drop table if exists "
                      + q(stage)); // an earlier attempt of this run, after a lost connection
              s.execute("create table " + q(stage) + " like " + q(t.table));
              // an upsert source needs only its primary key; a full copy gets its indexes after the
              // load
              if (!t.secondaryIndexes.isEmpty()
                  && (!fullRefresh || !t.deferrableIndexes.isEmpty())) {
                List<String> drops = new ArrayList<>();
                for (String ix : t.secondaryIndexes) {
                  drops.add("drop index " + q(ix));
                }
                s.execute("alter table " + q(stage) + " " + String.join(", ", drops));
              }
            }
          }
          return null;
        });
  }

  /**
   * Tables named {@code <published>__stage|__new|__old[_<token>]} whose token is not this run's.
   */
  private List<String> leftovers(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select table_name from information_schema.tables where table_schema = database() and"
                + " table_name like ?")) {
      for (MySqlSchema.Shape t : shapes) {
        ps.setString(1, t.table.replace("_", "\\_") + "\\_\\_%");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String name = rs.getString(1);
            String rest = name.substring(t.table.length());
            for (String suffix : SUFFIXES) {
              if ((rest.equals(suffix) || rest.matches(suffix + "_[a-z0-9]{1,16}"))
                  && !rest.equals(suffix + "_" + token)) {
                out.add(name);
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** Rows now in a table's staging table. */
  public long stagedRows(String table) {
    return run(
        "counting " + stagingTable(table),
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("select count(*) from " + q(stagingTable(table)))) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /**
   * Publishes every staged table at once; {@code failPoint} is told {@value #PUBLISH_STEP} just
   * before the commit.
   */
  public void publish(FailPoint failPoint) {
    if (fullRefresh) {
      buildDeferredIndexes();
      swap(failPoint);
    } else {
      upsert(failPoint);
    }
  }

  private void upsert(FailPoint failPoint) {
    String what = "publishing (one transaction)";
    run(
        what,
        c -> {
          c.setAutoCommit(false);
          waits.run(
              c,
              what,
              publishedNames(),
              conn -> {
                try (Statement s = conn.createStatement()) {
                  for (MySqlSchema.Shape t : shapes) {
                    int n = s.executeUpdate(upsertSql(t));
                    LOG.info("publish {}: {} row change(s) pending commit", t.table, n);
                    if (PublishedTable.sentWhole(t.table)) {
                      int d = s.executeUpdate(deleteUnsentSql(t));
                      LOG.info("publish {}: {} row(s) the mart deleted", t.table, d);
                    }
                  }
                  failPoint.reached(PUBLISH_STEP);
                  lock.checkHeld(); // still ours: no other run can have published or dropped our
                  // tables meanwhile
                  conn.commit();
                } catch (SQLException | RuntimeException e) {
                  rollbackQuietly(
                      conn); // a timed-out attempt too: its row locks go, readers proceed
                  throw e;
                }
              });
          return null;
        });
  }

  /**
   * A full copy was loaded with its primary key only: its other indexes are built now, one sorted
   * pass each.
   */
  private void buildDeferredIndexes() {
    for (MySqlSchema.Shape t : shapes) {
      if (!t.deferrableIndexes.isEmpty()) {
        String stage = stagingTable(t.table);
        run(
            "indexing " + stage,
            c -> {
              if (!hasIndex(
                  c, stage, t.secondaryIndexes.get(0))) { // an earlier attempt may have built them
                try (Statement s = c.createStatement()) {
                  s.execute(
                      "alter table " + q(stage) + " " + String.join(", ", t.deferrableIndexes));
                }
              }
              return null;
            });
      }
    }
  }

  private static boolean hasIndex(Connection c, String table, String index) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select count(*) from information_schema.statistics where table_schema = database() and"
                + " table_name = ? and index_name = ?")) {
      ps.setString(1, table);
      ps.setString(2, index);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  /** Deletes the rows of a table sent whole that the staged copy lacks. */
  String deleteUnsentSql(MySqlSchema.Shape t) {
    List<String> on = new ArrayList<>();
    for (String k : t.key) {
      on.add("s." + q(k) + " = t." + q(k));
    }
    return "delete t from "
        + q(t.table)
        + " t left join "
        + q(stagingTable(t.table))
        + " s on "
        + String.join(" and ", on)
        + " where s."
        + q(t.key.get(0))
        + " is null";
  }

  String upsertSql(MySqlSchema.Shape t) {
    List<String> sets = new ArrayList<>();
    for (String col : t.valueColumns()) {
      sets.add(q(col) + " = s." + q(col));
    }
    if (sets.isEmpty()) {
      sets.add(q(t.key.get(0)) + " = s." + q(t.key.get(0)));
    }
    return "insert into "
        + q(t.table)
        + " ("
        + columnList(t.columns)
        + ") select "
        + columnList(t.columns)
        + " from "
        + q(stagingTable(t.table))
        + " s order by "
        + t.key.stream().map(k -> "s." + q(k)).collect(java.util.stream.Collectors.joining(", "))
        + " on duplicate key update "
        + String.join(", ", sets);
  }

  private void swap(FailPoint failPoint) {
    String what = "swapping the tables (one rename)";
    run(
        what,
        c -> {
          String firstNew = stagingTable(shapes.get(0).table);
          if (!exists(c, firstNew) && exists(c, oldTable(shapes.get(0).table))) {
            LOG.info("tables already swapped by an earlier attempt");
            return null;
          }
          List<String> pairs = new ArrayList<>();
          for (MySqlSchema.Shape t : shapes) {
            pairs.add(q(t.table) + " to " + q(oldTable(t.table)));
            pairs.add(q(stagingTable(t.table)) + " to " + q(t.table));
          }
          failPoint.reached(PUBLISH_STEP);
          waits.run(
              c,
              what,
              publishedNames(),
              conn -> {
                lock.checkHeld();
                try (Statement s = conn.createStatement()) {
                  s.execute(
                      "rename table "
                          + String.join(
                              ", ", pairs)); // all or nothing; a timed-out attempt renamed nothing
                }
              });
          return null;
        });
  }

  /**
   * Drops the staging tables (incremental) or the swapped-out copies (full refresh) once published.
   */
  public void cleanUp() {
    dropAll(fullRefresh);
  }

  private void dropAll(boolean old) {
    run(
        "dropping " + (old ? "the old copies" : "the staging tables"),
        c -> {
          List<String> names = new ArrayList<>();
          for (MySqlSchema.Shape t : shapes) {
            names.add(q(old ? oldTable(t.table) : stagingTable(t.table)));
          }
          try (Statement s = c.createStatement()) {
            s.execute("drop table if exists " + String.join(", ", names));
          }
          return null;
        });
  }

  private static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select count(*) from information_schema.tables where table_schema = database() and"
                + " table_name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  /** Work on a fresh connection, retried whole after a connection loss. */
  interface ConnectionWork<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T run(String what, ConnectionWork<T> work) {
    return target.retry(
        what,
        () -> {
          try (Connection c = target.connectOnce(new Properties())) {
            return work.run(c);
          }
        });
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is closed next; the server rolls back an unfinished transaction anyway
    }
  }
}

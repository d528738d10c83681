package io.clicklake.testing;

import io.clicklake.export.PublishedTable;
import io.clicklake.mariadb.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A dashboard reading while exports run: its own connection, one statement per poll (one InnoDB
 * snapshot over all tables), polling until told to stop or a deadline passes. Records every
 * distinct state it saw.
 */
public final class ConsistencyReader implements AutoCloseable {
  public final Set<String> seen = ConcurrentHashMap.newKeySet();
  public final List<String> errors = new CopyOnWriteArrayList<>();
  public final AtomicInteger polls = new AtomicInteger();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicReference<String> last = new AtomicReference<>();
  private final Connection conn;
  private final String sql;
  private Thread thread;

  private ConsistencyReader(EmbeddedMariaDb db, String database, String batch) throws SQLException {
    conn = db.connect(database);
    sql =
        "select concat_ws('|', (select count(*) from user_engagement), (select sum(total_views)"
            + " from user_engagement), (select count(*) from user_engagement where"
            + " view_to_cart_rate is null), (select count(*) from session_revenue), (select"
            + " sum(total_revenue) from session_revenue), (select max(updated_batch_id) from"
            + " session_revenue), (select count(*) from daily_funnel), (select sum(revenue) from"
            + " daily_funnel), (select count(*) from pipeline_batches), (select"
            + " coalesce(max(export_status), '-') from pipeline_batches where batch_id = '"
            + batch
            + "')"
            + analystMarts()
            + ")";
  }

  /**
   * The row count and newest batch of every other published mart (the analyst marts), so a reader
   * would see any of them published apart from the others.
   */
  private static String analystMarts() {
    StringBuilder sb = new StringBuilder();
    for (PublishedTable t : PublishedTable.marts()) {
      if (!List.of("user_engagement", "session_revenue", "daily_funnel").contains(t.mysqlName)) {
        sb.append(", (select concat(count(*), '/', coalesce(max(updated_batch_id), '-')) from ")
            .append(t.mysqlName)
            .append(")");
      }
    }
    return sb.toString();
  }

  public static ConsistencyReader start(EmbeddedMariaDb db, String database, String batch)
      throws SQLException {
    ConsistencyReader r = new ConsistencyReader(db, database, batch);
    r.poll();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    r.thread =
        new Thread(
            () -> {
              try {
                while (!r.stop.await(20, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                  r.poll();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                r.errors.add(e.toString());
              }
            },
            "consistency-reader");
    r.thread.setDaemon(true);
    r.thread.start();
    return r;
  }

  public synchronized String poll() {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      String state = rs.getString(1);
      seen.add(state);
      last.set(state);
      polls.incrementAndGet();
      return state;
    } catch (SQLException e) {
      errors.add(e.toString());
      throw new IllegalStateException(e);
    }
  }

  public String last() {
    return last.get();
  }

  public void finish() throws InterruptedException {
    stop.countDown();
    thread.join(TimeUnit.SECONDS.toMillis(30));
    poll();
  }

  @Override
  public void close() throws SQLException {
    stop.countDown();
    conn.close();
  }
}

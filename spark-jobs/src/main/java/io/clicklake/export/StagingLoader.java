package io.clicklake.export;

import static io.clicklake.export.MySqlSchema.columnList;
import static io.clicklake.export.MySqlSchema.q;

import com.mysql.cj.jdbc.JdbcStatement;
import io.clicklake.config.ConfigException;
import io.clicklake.config.Keys;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Loads one Spark partition into a MySQL staging table over its own connection, in chunks of {@code
 * clicklake.export.batch-size} rows, each chunk autocommitted:
 *
 * <ul>
 *   <li>{@code load-data}: {@code LOAD DATA LOCAL INFILE} fed from memory through {@link
 *       JdbcStatement#setLocalInfileInputStream} (tab-separated, backslash escapes, {@code \N} for
 *       NULL). LOCAL turns data errors into warnings, so any warning fails the load.
 *   <li>{@code batch}: {@code REPLACE} batches the driver rewrites into multi-row statements
 *       ({@code rewriteBatchedStatements=true}).
 * </ul>
 *
 * Both use REPLACE semantics, so a chunk sent again after a lost connection, or a task Spark
 * retries, leaves the same rows. Rows arrive already rendered by the job: strings (times, dates,
 * JSON), whole numbers, doubles and decimals (sent as plain text: exact).
 */
public final class StagingLoader implements ForeachPartitionFunction<Row> {
  private static final long serialVersionUID = 1L;
  public static final String HALF_STEP = "export-stage-half";

  /** How rows reach the staging table. */
  public enum Method {
    LOAD_DATA("load-data"),
    BATCH("batch");

    public final String configName;

    Method(String configName) {
      this.configName = configName;
    }

    public static Method of(String s) {
      for (Method m : values()) {
        if (m.configName.equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
      throw new ConfigException(
          Keys.EXPORT_METHOD.name() + " expects load-data or batch, found '" + s + "'");
    }

    /** Driver settings the method needs on its connections (only these connections get them). */
    public Properties driverProperties() {
      Properties p = new Properties();
      if (this == LOAD_DATA) {
        p.setProperty("allowLoadLocalInfile", "true");
      } else {
        p.setProperty("rewriteBatchedStatements", "true");
      }
      return p;
    }
  }

  private final MySqlTarget target;
  private final String table;
  private final List<String> columns;
  private final Method method;
  private final int batchSize;
  private final LongAccumulator sent;
  private final long failAfterRows;
  private final FailPoint failPoint;

  /**
   * @param failAfterRows when positive, {@code failPoint} is told {@value #HALF_STEP} once the task
   *     has loaded that many rows (fault injection)
   */
  public StagingLoader(
      MySqlTarget target,
      String table,
      List<String> columns,
      Method method,
      int batchSize,
      LongAccumulator sent,
      long failAfterRows,
      FailPoint failPoint) {
    this.target = target;
    this.table = table;
    this.columns = Collections.unmodifiableList(new ArrayList<>(columns));
    this.method = method;
    this.batchSize = batchSize;
    this.sent = sent;
    this.failAfterRows = failAfterRows;
    this.failPoint = failPoint;
  }

  @Override
  public void call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return;
    }
    Properties props = method.driverProperties();
    Connection[] conn = {null};
    long loaded = 0;
    try {
      List<Object[]> chunk = new ArrayList<>(Math.min(batchSize, 65536));
      while (rows.hasNext()) {
        chunk.clear();
        while (rows.hasNext() && chunk.size() < batchSize) {
          chunk.add(values(rows.next()));
        }
        target.retry(
            "loading " + table,
            () -> {
              if (conn[0] == null) {
                conn[0] = target.connectOnce(props);
              }
              try {
                send(conn[0], chunk);
              } catch (SQLException e) {
                closeQuietly(conn[0]);
                conn[0] = null;
                throw e;
              }
              return null;
            });
        loaded += chunk.size();
        sent.add(chunk.size());
        if (failAfterRows > 0 && loaded >= failAfterRows) {
          failPoint.reached(HALF_STEP);
        }
      }
    } finally {
      closeQuietly(conn[0]);
    }
  }

  private Object[] values(Row r) {
    Object[] v = new Object[columns.size()];
    for (int i = 0; i < v.length; i++) {
      Object o = r.isNullAt(i) ? null : r.get(i);
      if (o instanceof Double && !Double.isFinite((Double) o)
          || o instanceof Float && !Float.isFinite((Float) o)) {
        throw new MySqlException(
            "column "
                + columns.get(i)
                + " of "
                + table
                + " holds "
                + o
                + ", which MySQL cannot store");
      }
      v[i] = o;
    }
    return v;
  }

  private void send(Connection c, List<Object[]> chunk) throws SQLException {
    if (method == Method.LOAD_DATA) {
      loadData(c, chunk);
    } else {
      batch(c, chunk);
    }
  }

  private void loadData(Connection c, List<Object[]> chunk) throws SQLException {
    StringBuilder sb = new StringBuilder(chunk.size() * 16 * columns.size());
    for (Object[] row : chunk) {
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          sb.append('\t');
        }
        appendText(sb, row[i]);
      }
      sb.append('\n');
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    String sql =
        "load data local infile 'clicklake-stream' replace into table "
            + q(table)
            + " character set utf8mb4 ("
            + columnList(columns)
            + ")";
    try (Statement st = c.createStatement()) {
      JdbcStatement js = st.unwrap(JdbcStatement.class);
      js.setLocalInfileInputStream(new ByteArrayInputStream(bytes));
      try {
        st.execute(sql);
        SQLWarning w = st.getWarnings();
        if (w != null) {
          throw new MySqlException(
              "LOAD DATA into "
                  + table
                  + " gave warnings (data would be changed), first: "
                  + w.getMessage());
        }
      } catch (SQLException e) {
        if (e.getErrorCode() == 1148 || e.getErrorCode() == 3948 || e.getErrorCode() == 2068) {
          throw new MySqlException(
              "MySQL at "
                  + target.where()
                  + " refuses LOAD DATA LOCAL INFILE ("
                  + e.getMessage()
                  + "); enable it on the server "
                  + "(set global local_infile = 1) or set "
                  + Keys.EXPORT_METHOD.name()
                  + "=batch",
              e);
        }
        throw e;
      } finally {
        js.setLocalInfileInputStream(
            null); // else a later LOAD on this connection silently loads 0 rows
      }
    }
  }

  /** One value in LOAD DATA's default text format. */
  static void appendText(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("\\N");
    } else if (v instanceof BigDecimal) {
      sb.append(((BigDecimal) v).toPlainString());
    } else if (v instanceof Boolean) {
      sb.append(((Boolean) v) ? '1' : '0');
    } else if (v instanceof Number) {
      sb.append(v);
    } else {
      String s = v.toString();
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        switch (ch) {
          case '\\':
            sb.append("\\\\");
            break;
          case '\t':
            sb.append("\\t");
            break;
          case '\n':
            sb.append("\\n");
            break;
          case '\r':
            sb.append("\\r");
            break;
          case '\0':
            sb.append("\\0");
            break;
          default:
            sb.append(ch);
        }
      }
    }
  }

  private void batch(Connection c, List<Object[]> chunk) throws SQLException {
    StringBuilder marks = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      marks.append(i == 0 ? "?" : ", ?");
    }
    String sql =
        "replace into " + q(table) + " (" + columnList(columns) + ") values (" + marks + ")";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Object[] row : chunk) {
        for (int i = 0; i < row.length; i++) {
          if (row[i] == null) {
            ps.setNull(i + 1, Types.NULL);
          } else {
            ps.setObject(i + 1, row[i]);
          }
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the connection is being dropped anyway
      }
    }
  }
}

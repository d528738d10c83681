package io.clicklake.local.dashboard;

import io.clicklake.local.dashboard.MartsSnapshot.AbandonmentDay;
import io.clicklake.local.dashboard.MartsSnapshot.Batch;
import io.clicklake.local.dashboard.MartsSnapshot.Cohort;
import io.clicklake.local.dashboard.MartsSnapshot.CohortWeek;
import io.clicklake.local.dashboard.MartsSnapshot.Day;
import io.clicklake.local.dashboard.MartsSnapshot.Freshness;
import io.clicklake.local.dashboard.MartsSnapshot.HourCell;
import io.clicklake.local.dashboard.MartsSnapshot.Performance;
import io.clicklake.local.dashboard.MartsSnapshot.RateHistogram;
import io.clicklake.local.dashboard.MartsSnapshot.TopSession;
import io.clicklake.local.dashboard.MartsSnapshot.Totals;
import io.clicklake.quality.Reason;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link MartsSnapshot} from the published MySQL tables of {@code sql/01_tables.sql}. Every
 * aggregate is computed by the database (a handful of small result sets, whatever the data size):
 * the cost is one scan of user_engagement per histogram and one of session_revenue, and one of each
 * analyst mart (category_performance and brand_performance are grouped to their top {@value
 * #TOP_PERFORMERS}; hourly_activity, cohort_retention and cart_abandonment are small by design: 168
 * cells, weeks squared, days).
 */
final class MartsReader {
  /** How many sessions the "top sessions by revenue" table lists. */
  static final int TOP_SESSIONS = 10;

  /** How many of the newest batches the freshness table lists. */
  static final int RECENT_BATCHES = 20;

  /** How many categories and brands the "top by revenue" tables list. */
  static final int TOP_PERFORMERS = 10;

  /** Stages whose *_status columns the batch table shows, in pipeline order. */
  static final List<String> STAGES = List.of("stage", "clean", "marts", "export", "purge");

  static final String SUCCEEDED = "succeeded";
  static final String FAILED = "failed";
  static final String DONE = "done";

  /**
   * The column of pipeline_batches that the reporting user may not read
   * (sql/02_reporting_user.sql).
   */
  static final String ERROR_COLUMN = "error_message";

  /** ER_TABLEACCESS_DENIED_ERROR: "SELECT command denied to user ... for table ...". */
  static final int TABLE_ACCESS_DENIED = 1142;

  /**
   * ER_COLUMNACCESS_DENIED_ERROR: "SELECT command denied to user ... for column ... in table ...".
   */
  static final int COLUMN_ACCESS_DENIED = 1143;

  private final Connection connection;

  MartsReader(Connection connection) {
    this.connection = connection;
  }

  /** The q_ column of pipeline_batches that counts one quarantine reason. */
  static String quarantineColumn(Reason reason) {
    return "q_" + reason.code();
  }

  MartsSnapshot read(LocalDateTime generatedAt) throws SQLException {
    return new MartsSnapshot(
        connection.getCatalog(),
        generatedAt,
        totals(),
        days(),
        histogram("view_to_cart_rate"),
        histogram("cart_to_purchase_rate"),
        topSessions(),
        freshness(),
        recentBatches(),
        errorTextsReadable,
        topCategories(),
        topBrands(),
        hourly(),
        cohorts(),
        abandonment());
  }

  /** Set by {@link #recentBatches}: whether this user may read {@value #ERROR_COLUMN}. */
  private boolean errorTextsReadable;

  /**
   * Whether the connecting user may read pipeline_batches.error_message. The reporting user of
   * sql/02_reporting_user.sql has a column-level grant without it, and MySQL and MariaDB refuse any
   * statement that names a column the user may not read (error 1143), so one empty query tells; a
   * failed statement does not end the read transaction. Asked of the server rather than of
   * information_schema.column_privileges, which lists column grants only, not table or global ones.
   */
  private boolean readsErrorTexts() throws SQLException {
    try (Query q =
        query(
            "pipeline_batches", "select " + ERROR_COLUMN + " from pipeline_batches where 1 = 0")) {
      try {
        q.statement.executeQuery().close();
        return true;
      } catch (SQLException e) {
        if (e.getErrorCode() == COLUMN_ACCESS_DENIED
            && String.valueOf(e.getMessage()).contains(ERROR_COLUMN)) {
          return false;
        }
        throw q.explain(e);
      }
    }
  }

  private Totals totals() throws SQLException {
    long views, carts, removes, purchases, users, sessions, purchasingSessions;
    BigDecimal revenue, sessionRevenue;
    try (Query q =
        query(
            "daily_funnel",
            "select coalesce(sum(views), 0), coalesce(sum(carts), 0), coalesce(sum(removes), 0),"
                + " coalesce(sum(purchases), 0), coalesce(sum(revenue), 0) from daily_funnel")) {
      ResultSet rs = q.single();
      views = rs.getLong(1);
      carts = rs.getLong(2);
      removes = rs.getLong(3);
      purchases = rs.getLong(4);
      revenue = money(rs.getBigDecimal(5));
    }
    try (Query q = query("user_engagement", "select count(*) from user_engagement")) {
      users = q.single().getLong(1);
    }
    try (Query q =
        query(
            "session_revenue",
            "select count(*), coalesce(sum(case when purchases > 0 then 1 else 0 end), 0),"
                + " coalesce(sum(total_revenue), 0) from session_revenue")) {
      ResultSet rs = q.single();
      sessions = rs.getLong(1);
      purchasingSessions = rs.getLong(2);
      sessionRevenue = money(rs.getBigDecimal(3));
    }
    return new Totals(
        views,
        carts,
        removes,
        purchases,
        revenue,
        users,
        sessions,
        purchasingSessions,
        sessionRevenue);
  }

  private List<Day> days() throws SQLException {
    return rows(
        "daily_funnel",
        "select event_date, views, carts, removes, purchases, revenue, sessions,"
            + " purchasing_sessions, buyers, users from daily_funnel order by event_date",
        rs ->
            new Day(
                rs.getObject(1, LocalDate.class),
                rs.getLong(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getLong(5),
                money(rs.getBigDecimal(6)),
                rs.getLong(7),
                rs.getLong(8),
                rs.getLong(9),
                rs.getLong(10)));
  }

  private RateHistogram histogram(String rateColumn) throws SQLException {
    long[] counts = new long[RateBins.BINS.size()];
    long nulls = 0;
    try (Query q =
        query(
            "user_engagement",
            "select bin, count(*) from (select "
                + RateBins.caseExpression(rateColumn)
                + " as bin from user_engagement) binned group by bin")) {
      ResultSet rs = q.all();
      while (rs.next()) {
        int bin = rs.getInt(1);
        boolean isNull = rs.wasNull();
        long n = rs.getLong(2);
        if (isNull) {
          nulls += n;
        } else if (bin < 0) {
          throw new DashboardException(
              "user_engagement."
                  + rateColumn
                  + " has "
                  + n
                  + " negative value(s); a rate is a ratio of counts and"
                  + " cannot be negative: check the marts job");
        } else {
          counts[bin] += n;
        }
      }
    }
    List<Long> list = new ArrayList<>();
    for (long c : counts) {
      list.add(c);
    }
    return new RateHistogram(rateColumn, RateBins.BINS, list, nulls);
  }

  private List<TopSession> topSessions() throws SQLException {
    List<TopSession> sessions = new ArrayList<>();
    try (Query q =
        query(
            "session_revenue",
            "select user_session, user_id, total_revenue, purchases, events, first_event_at,"
                + " last_event_at from session_revenue where total_revenue > 0 order by"
                + " total_revenue desc, user_session limit "
                + TOP_SESSIONS)) {
      ResultSet rs = q.all();
      while (rs.next()) {
        Long userId = nullableLong(rs, 2);
        sessions.add(
            new TopSession(
                rs.getString(1),
                userId,
                money(rs.getBigDecimal(3)),
                rs.getLong(4),
                rs.getLong(5),
                rs.getObject(6, LocalDateTime.class),
                rs.getObject(7, LocalDateTime.class)));
      }
    }
    return sessions;
  }

  private Freshness freshness() throws SQLException {
    StringBuilder sql =
        new StringBuilder("select")
            .append(" max(case when lower(status) = '" + SUCCEEDED + "' then finished_at end),")
            .append(" max(case when lower(export_status) = '" + DONE + "' then export_at end),")
            .append(" count(*),")
            .append(
                " coalesce(sum(case when lower(status) = '" + FAILED + "' then 1 else 0 end), 0)");
    for (Reason r : Reason.values()) {
      sql.append(", coalesce(sum(").append(quarantineColumn(r)).append("), 0)");
    }
    sql.append(" from pipeline_batches");
    try (Query q = query("pipeline_batches", sql.toString())) {
      ResultSet rs = q.single();
      Map<String, Long> byReason = new LinkedHashMap<>();
      int col = 5;
      for (Reason r : Reason.values()) {
        byReason.put(r.code(), rs.getLong(col++));
      }
      return new Freshness(
          rs.getObject(1, LocalDateTime.class),
          rs.getObject(2, LocalDateTime.class),
          rs.getLong(3),
          rs.getLong(4),
          byReason);
    }
  }

  private List<Batch> recentBatches() throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "select batch_id, status, started_at, finished_at, rows_read, rows_clean,"
                + " rows_quarantined, rows_duplicate");
    for (Reason r : Reason.values()) {
      sql.append(", ").append(quarantineColumn(r));
    }
    for (String stage : STAGES) {
      sql.append(", ").append(stage).append("_status");
    }
    errorTextsReadable = readsErrorTexts();
    if (errorTextsReadable) {
      sql.append(", ").append(ERROR_COLUMN);
    }
    // newest first; a batch that never started sorts last
    sql.append(
            " from pipeline_batches order by started_at is null, started_at desc, batch_id desc"
                + " limit ")
        .append(RECENT_BATCHES);
    List<Batch> batches = new ArrayList<>();
    try (Query q = query("pipeline_batches", sql.toString())) {
      ResultSet rs = q.all();
      while (rs.next()) {
        int col = 9;
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (Reason r : Reason.values()) {
          byReason.put(r.code(), nullableLong(rs, col++));
        }
        Map<String, String> stages = new LinkedHashMap<>();
        for (String stage : STAGES) {
          stages.put(stage, rs.getString(col++));
        }
        batches.add(
            new Batch(
                rs.getString(1),
                rs.getString(2),
                rs.getObject(3, LocalDateTime.class),
                rs.getObject(4, LocalDateTime.class),
                nullableLong(rs, 5),
                nullableLong(rs, 6),
                nullableLong(rs, 7),
                nullableLong(rs, 8),
                byReason,
                stages,
                errorTextsReadable ? rs.getString(col) : null));
      }
    }
    return batches;
  }

  /**
   * Categories summed over all days, highest revenue first (then most views, then id). The label is
   * the category_code of the newest day that has one: the export writes the code known when a day
   * was built, and a code may first appear in a later batch.
   */
  private List<Performance> topCategories() throws SQLException {
    return performance(
        "category_performance",
        "select p.category_id, (select c.category_code from category_performance c where"
            + " c.category_id = p.category_id and c.category_code is not null order by c.event_date"
            + " desc limit 1), sum(p.views), sum(p.carts), sum(p.purchases), sum(p.revenue) from"
            + " category_performance p group by p.category_id order by sum(p.revenue) desc,"
            + " sum(p.views) desc, p.category_id limit "
            + TOP_PERFORMERS);
  }

  /** Brands summed over all days, ordered as {@link #topCategories}; brand_key 0 has no brand. */
  private List<Performance> topBrands() throws SQLException {
    return performance(
        "brand_performance",
        "select brand_key, max(brand), sum(views), sum(carts), sum(purchases), sum(revenue) from"
            + " brand_performance group by brand_key order by sum(revenue) desc, sum(views) desc,"
            + " brand_key limit "
            + TOP_PERFORMERS);
  }

  private List<Performance> performance(String table, String sql) throws SQLException {
    return rows(
        table,
        sql,
        rs ->
            new Performance(
                rs.getLong(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getLong(5),
                money(rs.getBigDecimal(6))));
  }

  /** All 7 x 24 cells of hourly_activity, Monday 0h first; zeros where the table has no row. */
  private List<HourCell> hourly() throws SQLException {
    HourCell[] cells = new HourCell[HourCell.DAYS * HourCell.HOURS];
    try (Query q =
        query(
            "hourly_activity",
            "select day_of_week, hour_of_day, events, purchases, revenue from hourly_activity")) {
      ResultSet rs = q.all();
      while (rs.next()) {
        int day = rs.getInt(1);
        int hour = rs.getInt(2);
        if (day < 1 || day > HourCell.DAYS || hour < 0 || hour >= HourCell.HOURS) {
          throw new DashboardException(
              "hourly_activity has a row for day_of_week "
                  + day
                  + ", hour_of_day "
                  + hour
                  + "; days are 1..7 (ISO, Monday first) and hours 0..23: check the marts job");
        }
        cells[(day - 1) * HourCell.HOURS + hour] =
            new HourCell(day, hour, rs.getLong(3), rs.getLong(4), money(rs.getBigDecimal(5)));
      }
    }
    List<HourCell> out = new ArrayList<>();
    for (int i = 0; i < cells.length; i++) {
      out.add(
          cells[i] != null
              ? cells[i]
              : new HourCell(
                  i / HourCell.HOURS + 1, i % HourCell.HOURS, 0, 0, money(BigDecimal.ZERO)));
    }
    return out;
  }

  /**
   * Cohorts oldest first, each with its weeks from offset 0 to the last week the data reaches (the
   * newest cohort_week + week_offset of the table), so the weeks form a triangle. A week inside it
   * without a row had no active user.
   */
  private List<Cohort> cohorts() throws SQLException {
    Map<LocalDate, Long> users = new LinkedHashMap<>();
    Map<LocalDate, Map<Integer, CohortWeek>> weeks = new LinkedHashMap<>();
    LocalDate lastWeek = null;
    try (Query q =
        query(
            "cohort_retention",
            "select cohort_week, week_offset, cohort_users, active_users, purchasing_users,"
                + " retention_rate from cohort_retention order by cohort_week, week_offset")) {
      ResultSet rs = q.all();
      while (rs.next()) {
        LocalDate week = rs.getObject(1, LocalDate.class);
        int offset = rs.getInt(2);
        users.merge(week, rs.getLong(3), Math::max);
        Double rate = nullableDouble(rs, 6);
        weeks
            .computeIfAbsent(week, w -> new LinkedHashMap<>())
            .put(offset, new CohortWeek(offset, rs.getLong(4), rs.getLong(5), rate));
        LocalDate reached = week.plusWeeks(offset);
        if (lastWeek == null || reached.isAfter(lastWeek)) {
          lastWeek = reached;
        }
      }
    }
    List<Cohort> out = new ArrayList<>();
    for (Map.Entry<LocalDate, Long> cohort : users.entrySet()) {
      int span = (int) ChronoUnit.WEEKS.between(cohort.getKey(), lastWeek);
      List<CohortWeek> row = new ArrayList<>();
      for (int offset = 0; offset <= span; offset++) {
        CohortWeek w = weeks.get(cohort.getKey()).get(offset);
        row.add(w != null ? w : new CohortWeek(offset, 0, 0, Totals.ratio(0, cohort.getValue())));
      }
      out.add(new Cohort(cohort.getKey(), cohort.getValue(), row));
    }
    return out;
  }

  private List<AbandonmentDay> abandonment() throws SQLException {
    return rows(
        "cart_abandonment",
        "select session_date, carting_sessions, abandoned_sessions, abandoned_value,"
            + " cart_purchase_rate from cart_abandonment order by session_date",
        rs ->
            new AbandonmentDay(
                rs.getObject(1, LocalDate.class),
                rs.getLong(2),
                rs.getLong(3),
                money(rs.getBigDecimal(4)),
                nullableDouble(rs, 5)));
  }

  private static Long nullableLong(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  private static Double nullableDouble(ResultSet rs, int col) throws SQLException {
    double v = rs.getDouble(col);
    return rs.wasNull() ? null : v;
  }

  /** Maps the current row of a result set. */
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Every row of {@code sql} (which reads {@code table}), mapped. */
  private <T> List<T> rows(String table, String sql, RowMapper<T> mapper) throws SQLException {
    List<T> out = new ArrayList<>();
    try (Query q = query(table, sql)) {
      ResultSet rs = q.all();
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
    }
    return out;
  }

  private static BigDecimal money(BigDecimal d) {
    return d == null ? null : d.setScale(2, RoundingMode.HALF_UP);
  }

  private Query query(String table, String sql) throws SQLException {
    return new Query(table, sql);
  }

  /**
   * One statement and its result set; turns "no such table/column" into a message a user can act
   * on.
   */
  private final class Query implements AutoCloseable {
    private final String table;
    private final String sql;
    private final PreparedStatement statement;
    private ResultSet rs;

    Query(String table, String sql) throws SQLException {
      this.table = table;
      this.sql = sql;
      this.statement = connection.prepareStatement(sql);
    }

    ResultSet all() throws SQLException {
      try {
        rs = statement.executeQuery();
        return rs;
      } catch (SQLException e) {
        throw explain(e);
      }
    }

    ResultSet single() throws SQLException {
      ResultSet r = all();
      if (!r.next()) {
        throw new SQLException("no row from: " + sql);
      }
      return r;
    }

    private SQLException explain(SQLException e) throws SQLException {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      String database = connection.getCatalog();
      if ("42S02".equals(state) || e.getErrorCode() == 1146) {
        throw new DashboardException(
            "table "
                + table
                + " not found in database "
                + database
                + ": create the published tables with"
                + " sql/01_tables.sql and run the export before writing the dashboard ("
                + e.getMessage()
                + ")",
            e);
      }
      if (e.getErrorCode() == TABLE_ACCESS_DENIED || e.getErrorCode() == COLUMN_ACCESS_DENIED) {
        throw new DashboardException(
            "the user of this connection may not read all the dashboard needs of "
                + table
                + " in database "
                + database
                + ": connect as the reporting user of sql/02_reporting_user.sql (rerun that script"
                + " after adding a column) or as another user with SELECT on the published tables ("
                + e.getMessage()
                + ")",
            e);
      }
      if ("42S22".equals(state) || e.getErrorCode() == 1054) {
        throw new DashboardException(
            "table "
                + table
                + " in database "
                + database
                + " lacks a column the dashboard reads; it must match"
                + " sql/01_tables.sql ("
                + e.getMessage()
                + ")",
            e);
      }
      return e;
    }

    @Override
    public void close() throws SQLException {
      try {
        if (rs != null) {
          rs.close();
        }
      } finally {
        statement.close();
      }
    }
  }
}

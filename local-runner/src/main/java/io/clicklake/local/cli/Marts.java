package io.clicklake.local.cli;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.config.Secrets;
import io.clicklake.local.Console;
import io.clicklake.local.dashboard.DashboardWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the commands show of the MySQL marts: the summary after run, export and demo, and the
 * dashboard.
 */
final class Marts {
  private Marts() {}

  static Path writeDashboard(JobConfig cfg, Path out) throws SQLException, IOException {
    try (Connection c = connect(cfg)) {
      return DashboardWriter.write(c, out);
    }
  }

  static Connection connect(JobConfig cfg) throws SQLException {
    return DriverManager.getConnection(
        cfg.require(Keys.MYSQL_URL),
        cfg.get(Keys.MYSQL_USER),
        Secrets.mysqlPassword(cfg, new org.apache.hadoop.conf.Configuration()));
  }

  /**
   * One line per analyst mart (issue 15): its row count, in the unit of its rows, and its headline
   * figure; each one query.
   */
  private static void analystMarts(Statement s, List<List<Object>> rows) throws SQLException {
    String[][] marts = {
      {
        "category_performance",
        "day×category rows",
        "select count(*), concat(count(distinct category_id), ' categories, revenue ',"
            + " coalesce(sum(revenue), 0), ', purchases ', coalesce(sum(purchases), 0)) from"
            + " category_performance"
      },
      {
        "brand_performance",
        "day×brand rows",
        "select count(*), concat(count(distinct brand_key), ' brands (0 = none), revenue ',"
            + " coalesce(sum(revenue), 0)) from brand_performance"
      },
      {
        "product_performance",
        "products",
        "select count(*), concat(coalesce(sum(purchases > 0), 0), ' with a purchase, revenue ',"
            + " coalesce(sum(revenue), 0)) from product_performance"
      },
      {
        "hourly_activity",
        "weekday×hour cells",
        "select count(*), concat('events ', coalesce(sum(events), 0), ', purchases ',"
            + " coalesce(sum(purchases), 0), ' (of 7×24 cells)') from hourly_activity"
      },
      {
        "cohort_retention",
        "cohort×week rows",
        "select count(*), concat(count(distinct cohort_week), ' cohorts, ',"
            + " coalesce(sum(case when week_offset = 0 then cohort_users end), 0), ' users') from"
            + " cohort_retention"
      },
      {
        "cart_abandonment",
        "days",
        "select count(*), concat(coalesce(sum(abandoned_sessions), 0), ' of ',"
            + " coalesce(sum(carting_sessions), 0), ' carting sessions abandoned, value ',"
            + " coalesce(sum(abandoned_value), 0)) from cart_abandonment"
      }
    };
    for (String[] m : marts) {
      try (ResultSet r = s.executeQuery(m[2])) {
        r.next();
        rows.add(List.of(m[0], r.getLong(1) + " " + m[1], r.getString(2)));
      }
    }
  }

  /** The marts summary printed after run, export and demo. */
  static void print(JobConfig cfg) throws SQLException {
    try (Connection c = connect(cfg);
        Statement s = c.createStatement()) {
      Console.say("");
      try (ResultSet r = c.getMetaData().getTables(c.getCatalog(), null, "session_revenue", null)) {
        if (!r.next()) {
          Console.say("no marts in MySQL yet (nothing exported)");
          return;
        }
      }
      Console.say("marts in MySQL:");
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet r =
          s.executeQuery(
              "select count(*), coalesce(sum(total_views),0), coalesce(sum(total_add_to_cart),0),"
                  + " coalesce(sum(total_purchases),0), avg(view_to_cart_rate),"
                  + " avg(cart_to_purchase_rate), sum(view_to_cart_rate is null) from"
                  + " user_engagement")) {
        r.next();
        rows.add(
            List.of(
                "user_engagement",
                r.getLong(1) + " users",
                "views "
                    + r.getLong(2)
                    + ", carts "
                    + r.getLong(3)
                    + ", purchases "
                    + r.getLong(4)
                    + String.format(
                        Locale.ROOT,
                        "; avg view→cart %.4f, avg cart→purchase %.4f; %d users with no views (rate"
                            + " NULL)",
                        r.getDouble(5),
                        r.getDouble(6),
                        r.getLong(7))));
      }
      try (ResultSet r =
          s.executeQuery(
              "select count(*), sum(total_revenue > 0), coalesce(sum(total_revenue), 0),"
                  + " max(total_revenue) from session_revenue")) {
        r.next();
        rows.add(
            List.of(
                "session_revenue",
                r.getLong(1) + " sessions",
                r.getLong(2)
                    + " with a purchase; revenue "
                    + r.getBigDecimal(3)
                    + "; largest session "
                    + r.getBigDecimal(4)));
      }
      try (ResultSet r =
          s.executeQuery(
              "select count(*), min(event_date), max(event_date), coalesce(sum(purchases),0) from"
                  + " daily_funnel")) {
        r.next();
        rows.add(
            List.of(
                "daily_funnel",
                r.getLong(1) + " days",
                r.getString(2) + " .. " + r.getString(3) + ", purchases " + r.getLong(4)));
      }
      analystMarts(s, rows);
      try (ResultSet r = s.executeQuery("select count(*), max(export_at) from pipeline_batches")) {
        r.next();
        rows.add(
            List.of(
                "pipeline_batches",
                r.getLong(1) + " batches",
                "last export " + r.getString(2) + " UTC"));
      }
      Console.table(List.of("table", "rows", "summary"), rows);
      Console.say("");
      Console.say("top sessions by revenue:");
      List<List<Object>> top = new ArrayList<>();
      try (ResultSet r =
          s.executeQuery(
              "select user_session, total_revenue, user_id, purchases from session_revenue order by"
                  + " total_revenue desc, user_session limit 5")) {
        while (r.next()) {
          top.add(
              List.of(
                  r.getString(1),
                  r.getBigDecimal(2).toPlainString(),
                  String.valueOf(r.getLong(3)),
                  r.getLong(4)));
        }
      }
      Console.table(List.of("user_session", "total_revenue", "user_id", "purchases"), top);
    }
  }
}

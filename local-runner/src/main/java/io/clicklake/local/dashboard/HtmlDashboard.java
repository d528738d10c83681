package io.clicklake.local.dashboard;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link MartsSnapshot} as one self-contained HTML page: inline CSS, inline script,
 * inline SVG, no external resource. The page is the Mustache template {@code
 * dashboard/dashboard.html.mustache} (with its partials {@code tile} and {@code cell}) filled from
 * a view model built here; the stylesheet and script are the resources {@code
 * dashboard/dashboard.css} and {@code dashboard/dashboard.js}, copied into the page so it works
 * offline as one file.
 *
 * <p>KPI tiles and tables are plain HTML; the charts are drawn by the inline script from a JSON
 * data island, so a browser that runs the page proves the charts render. Every number is also in
 * the DOM in machine form: {@code data-kpi}/{@code data-value} on tiles, {@code data-col}/{@code
 * data-value} on table cells, {@code data-value} on chart bars. The script draws SVG bar charts
 * into the {@code figure} elements; a bar's length is {@code value / max * plot length}, with the
 * plot length on the enclosing {@code g.plot} ({@code data-max}, {@code data-plot-length}) so a
 * test can check the geometry. The weekday x hour heat map and the retention triangle are grids of
 * {@code rect}s with their numbers in {@code data-} attributes as well. When drawing finishes the
 * body gets {@code data-rendered="true"}; on an error, {@code "error"} and the message in {@code
 * #render-errors}.
 */
final class HtmlDashboard {
  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter MACHINE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  /**
   * Templates from the classpath, escaped with {@link #esc} (Mustache's own escaper also encodes =
   * and `).
   */
  private static final Mustache PAGE =
      new DefaultMustacheFactory("dashboard") {
        @Override
        public void encode(String value, Writer writer) {
          try {
            writer.write(esc(value));
          } catch (IOException e) {
            throw new MustacheException("cannot write the dashboard: " + e.getMessage(), e);
          }
        }
      }.compile("dashboard.html.mustache");

  private static final String CSS = resource("dashboard/dashboard.css");
  private static final String SCRIPT = resource("dashboard/dashboard.js");

  private HtmlDashboard() {}

  static String render(MartsSnapshot s) {
    StringWriter out = new StringWriter(64 * 1024);
    PAGE.execute(out, page(s));
    return out.toString();
  }

  private static Map<String, Object> page(MartsSnapshot s) {
    Map<String, Object> p = new LinkedHashMap<>();
    Freshness f = s.freshness();
    p.put("css", CSS);
    p.put("script", SCRIPT);
    p.put("database", s.database());
    p.put("generatedAt", time(s.generatedAt()));
    p.put(
        "lastSuccessfulBatch",
        f.lastSuccessfulBatchAt() == null ? "none yet" : shown(f.lastSuccessfulBatchAt()) + " UTC");
    p.put("kpis", kpis(s.totals()));
    p.put("histograms", List.of(histogram(s.viewToCart()), histogram(s.cartToPurchase())));
    p.put("dayCount", s.days().size());
    p.put("topSessionLimit", MartsReader.TOP_SESSIONS);
    p.put("topSessionCount", s.topSessions().size());
    p.put("topSessions", topSessions(s.topSessions()));
    p.put("recentBatchLimit", MartsReader.RECENT_BATCHES);
    p.put("freshnessTiles", freshnessTiles(f, s.generatedAt()));
    p.put("errorTexts", s.errorTextsReadable());
    p.put("errorTextsHidden", ERROR_TEXTS_HIDDEN);
    p.put("batchCount", s.recentBatches().size());
    p.put("batches", batches(s.recentBatches(), s.errorTextsReadable()));
    p.put("topPerformerLimit", MartsReader.TOP_PERFORMERS);
    p.put("categories", performance(s.topCategories(), "category_id", "category_code"));
    p.put("categoryCount", s.topCategories().size());
    p.put("brands", performance(s.topBrands(), "brand_key", "brand"));
    p.put("brandCount", s.topBrands().size());
    p.put("cohortCount", s.cohorts().size());
    p.put("abandonmentDays", abandonment(s.abandonment()));
    p.put("abandonmentDayCount", s.abandonment().size());
    p.put("data", json(data(s)));
    return p;
  }

  private static List<Map<String, Object>> kpis(Totals t) {
    return List.of(
        tile(
            "events",
            "Events",
            count(t.events()),
            String.valueOf(t.events()),
            "views + carts + removes + purchases"),
        tile("views", "Views", count(t.views()), String.valueOf(t.views()), "view events"),
        tile("carts", "Carts", count(t.carts()), String.valueOf(t.carts()), "add-to-cart events"),
        tile(
            "removes",
            "Removes",
            count(t.removes()),
            String.valueOf(t.removes()),
            "remove-from-cart events"),
        tile(
            "purchases",
            "Purchases",
            count(t.purchases()),
            String.valueOf(t.purchases()),
            "purchase events"),
        tile(
            "revenue", "Revenue", money(t.revenue()), plain(t.revenue()), "sum of purchase prices"),
        tile(
            "users",
            "Users",
            count(t.users()),
            String.valueOf(t.users()),
            "users with a clean event"),
        tile(
            "sessions",
            "Sessions",
            count(t.sessions()),
            String.valueOf(t.sessions()),
            "sessions with a clean event"),
        tile(
            "view-to-cart",
            "View → cart",
            percent(t.viewToCart()),
            ratio(t.viewToCart()),
            "carts / views"),
        tile(
            "cart-to-purchase",
            "Cart → purchase",
            percent(t.cartToPurchase()),
            ratio(t.cartToPurchase()),
            "purchases / carts"),
        tile(
            "purchasing-session-share",
            "Sessions with a purchase",
            percent(t.purchaseSessionShare()),
            ratio(t.purchaseSessionShare()),
            count(t.purchasingSessions()) + " of " + count(t.sessions())),
        tile(
            "revenue-per-purchasing-session",
            "Revenue per purchasing session",
            money(t.revenuePerPurchasingSession()),
            plain(t.revenuePerPurchasingSession()),
            "session revenue / purchasing sessions"));
  }

  private static Map<String, Object> histogram(RateHistogram h) {
    boolean viewToCart = h.column().equals("view_to_cart_rate");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", h.column().replace('_', '-'));
    m.put("column", h.column());
    m.put("label", viewToCart ? "view → cart" : "cart → purchase");
    m.put("denominator", viewToCart ? "views" : "carts");
    m.put("binned", h.binnedUsers());
    m.put("binnedShown", count(h.binnedUsers()));
    m.put("nullCount", h.nullCount());
    m.put("nullShown", count(h.nullCount()));
    return m;
  }

  private static List<Map<String, Object>> topSessions(List<TopSession> sessions) {
    List<Map<String, Object>> rows = new ArrayList<>();
    int rank = 1;
    for (TopSession s : sessions) {
      String userId = s.userId() == null ? null : String.valueOf(s.userId());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rank", rank++);
      row.put("userSession", s.userSession());
      row.put(
          "cells",
          List.of(
              cell("user_session", s.userSession(), s.userSession(), false),
              cell("user_id", userId == null ? "–" : userId, userId, true),
              cell("total_revenue", money(s.totalRevenue()), plain(s.totalRevenue()), true),
              cell("purchases", count(s.purchases()), String.valueOf(s.purchases()), true),
              cell("events", count(s.events()), String.valueOf(s.events()), true),
              cell("first_event_at", shown(s.firstEventAt()), machine(s.firstEventAt()), false),
              cell("last_event_at", shown(s.lastEventAt()), machine(s.lastEventAt()), false)));
      rows.add(row);
    }
    return rows;
  }

  /** Rows of the top categories or brands table: key and label columns, then the measures. */
  private static List<Map<String, Object>> performance(
      List<Performance> rows, String keyColumn, String labelColumn) {
    List<Map<String, Object>> out = new ArrayList<>();
    int rank = 1;
    for (Performance p : rows) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rank", rank++);
      row.put("key", p.key());
      row.put(
          "cells",
          List.of(
              cell(labelColumn, p.label() == null ? "–" : p.label(), p.label(), false),
              cell(keyColumn, String.valueOf(p.key()), String.valueOf(p.key()), true),
              cell("revenue", money(p.revenue()), plain(p.revenue()), true),
              cell("views", count(p.views()), String.valueOf(p.views()), true),
              cell("carts", count(p.carts()), String.valueOf(p.carts()), true),
              cell("purchases", count(p.purchases()), String.valueOf(p.purchases()), true),
              cell("view_to_cart_rate", percent(p.viewToCart()), ratio(p.viewToCart()), true),
              cell(
                  "cart_to_purchase_rate",
                  percent(p.cartToPurchase()),
                  ratio(p.cartToPurchase()),
                  true)));
      out.add(row);
    }
    return out;
  }

  private static List<Map<String, Object>> abandonment(List<AbandonmentDay> days) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (AbandonmentDay d : days) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("date", d.date().toString());
      row.put(
          "cells",
          List.of(
              cell("session_date", d.date().toString(), d.date().toString(), false),
              cell(
                  "carting_sessions",
                  count(d.cartingSessions()),
                  String.valueOf(d.cartingSessions()),
                  true),
              cell(
                  "abandoned_sessions",
                  count(d.abandonedSessions()),
                  String.valueOf(d.abandonedSessions()),
                  true),
              cell("abandoned_value", money(d.abandonedValue()), plain(d.abandonedValue()), true),
              cell(
                  "cart_purchase_rate",
                  percent(d.cartPurchaseRate()),
                  ratio(d.cartPurchaseRate()),
                  true)));
      out.add(row);
    }
    return out;
  }

  /**
   * Shown instead of the error column when the connecting user may not read
   * pipeline_batches.error_message.
   */
  static final String ERROR_TEXTS_HIDDEN =
      "Error texts are visible to administrators only: this page was written by a user that may not"
          + " read pipeline_batches.error_message (such as the reporting user). A failed batch"
          + " shows in its status and stages; administrators read its error in the batches Iceberg"
          + " table or in pipeline_batches.error_message.";

  private static List<Map<String, Object>> freshnessTiles(Freshness f, LocalDateTime now) {
    Double hours = f.hoursSinceLastSuccessfulBatch(now);
    return List.of(
        tile(
            "last-successful-batch-at",
            "Last successful batch",
            shown(f.lastSuccessfulBatchAt()),
            machine(f.lastSuccessfulBatchAt()),
            "finished_at of the newest succeeded batch (UTC)"),
        tile(
            "last-export-at",
            "Last export to MySQL",
            shown(f.lastExportAt()),
            machine(f.lastExportAt()),
            "export_at of the newest done export (UTC)"),
        tile(
            "hours-since-last-successful-batch",
            "Age at generation",
            hours == null ? "–" : String.format(Locale.US, "%.1f h", hours),
            hours == null ? "" : String.valueOf(hours),
            "hours from the last successful batch to this page"),
        tile(
            "batches",
            "Batches",
            count(f.batches()),
            String.valueOf(f.batches()),
            "rows in pipeline_batches"),
        tile(
            "failed-batches",
            "Failed batches",
            count(f.failedBatches()),
            String.valueOf(f.failedBatches()),
            "status = failed"));
  }

  private static List<Map<String, Object>> batches(List<Batch> batches, boolean errorTexts) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Batch batch : batches) {
      Boolean ok = batch.accountingHolds();
      String status = batch.status() == null ? "" : batch.status().toLowerCase(Locale.ROOT);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("batchId", batch.batchId());
      row.put("status", status);
      row.put("accounting", ok == null ? "unknown" : ok ? "ok" : "mismatch");
      row.put("mismatch", Boolean.FALSE.equals(ok));
      row.put("head", List.of(cell("batch_id", batch.batchId(), batch.batchId(), false)));
      row.put("statusValue", nullToEmpty(batch.status()));
      row.put("statusShown", batch.status() == null ? "–" : batch.status());
      row.put(
          "counts",
          List.of(
              cell("started_at", shown(batch.startedAt()), machine(batch.startedAt()), false),
              cell("finished_at", shown(batch.finishedAt()), machine(batch.finishedAt()), false),
              countCell("rows_read", batch.rowsRead()),
              countCell("rows_clean", batch.rowsClean()),
              countCell("rows_quarantined", batch.rowsQuarantined()),
              countCell("rows_duplicate", batch.rowsDuplicate())));
      // every reason is in the DOM; only the non-zero ones take room on screen
      List<Map<String, Object>> reasons = new ArrayList<>();
      for (Map.Entry<String, Long> q : batch.quarantinedByReason().entrySet()) {
        Long n = q.getValue();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("code", q.getKey());
        r.put("zero", n == null || n == 0);
        r.put("value", n == null ? "" : String.valueOf(n));
        r.put("shown", n == null ? "–" : count(n));
        reasons.add(r);
      }
      row.put("reasons", reasons);
      row.put(
          "noReasons",
          batch.quarantinedByReason().values().stream().allMatch(n -> n == null)
              ? "–"
              : batch.quarantinedByReason().values().stream().allMatch(n -> n == null || n == 0)
                  ? "none"
                  : null);
      List<Map<String, Object>> stages = new ArrayList<>();
      for (Map.Entry<String, String> st : batch.stageStatus().entrySet()) {
        String v = st.getValue() == null ? "" : st.getValue().toLowerCase(Locale.ROOT);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", st.getKey());
        m.put("cls", v.isEmpty() ? "none" : v);
        m.put("value", v);
        m.put("shown", v.isEmpty() ? "not run" : v);
        stages.add(m);
      }
      row.put("stages", stages);
      if (errorTexts) {
        String error = nullToEmpty(batch.errorMessage());
        row.put(
            "error",
            Map.of(
                "full",
                error,
                "short",
                error.length() > 80 ? error.substring(0, 79) + "…" : error));
      } else {
        row.put("error", null);
      }
      rows.add(row);
    }
    return rows;
  }

  /**
   * Writes the data island ({@code <script type="application/json">}). Besides JSON escaping it
   * escapes {@code <}, {@code >}, {@code &} and U+2028/U+2029, so no value can close the script
   * element or break the page, whatever a session id contains.
   */
  private static final ObjectWriter DATA_ISLAND =
      new ObjectMapper(new JsonFactoryBuilder().characterEscapes(new ScriptSafeEscapes()).build())
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .writer();

  private static String json(Object value) {
    try {
      return DATA_ISLAND.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "no JSON form for the dashboard data: " + e.getMessage(), e);
    }
  }

  /** JSON's escapes plus the characters that are markup inside a script element. */
  private static final class ScriptSafeEscapes extends CharacterEscapes {
    private final int[] escapes = CharacterEscapes.standardAsciiEscapesForJSON();

    ScriptSafeEscapes() {
      escapes['<'] = CharacterEscapes.ESCAPE_STANDARD;
      escapes['>'] = CharacterEscapes.ESCAPE_STANDARD;
      escapes['&'] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch == 0x2028 || ch == 0x2029
          ? new SerializedString(String.format("\\u%04x", ch))
          : null;
    }
  }

  /** The JSON data island the charts are drawn from. */
  private static Map<String, Object> data(MartsSnapshot s) {
    Map<String, Object> d = new LinkedHashMap<>();
    Totals t = s.totals();
    d.put(
        "funnel",
        List.of(
            stage("views", "Views", t.views()),
            stage("carts", "Carts", t.carts()),
            stage("purchases", "Purchases", t.purchases())));
    List<Object> days = new ArrayList<>();
    for (Day day : s.days()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("date", day.date().toString());
      m.put("views", day.views());
      m.put("carts", day.carts());
      m.put("removes", day.removes());
      m.put("purchases", day.purchases());
      m.put("revenue", plain(day.revenue()));
      m.put("sessions", day.sessions());
      m.put("purchasingSessions", day.purchasingSessions());
      m.put("buyers", day.buyers());
      m.put("users", day.users());
      days.add(m);
    }
    d.put("days", days);
    Map<String, Object> hist = new LinkedHashMap<>();
    for (RateHistogram h : List.of(s.viewToCart(), s.cartToPurchase())) {
      List<Object> bins = new ArrayList<>();
      for (int i = 0; i < h.bins().size(); i++) {
        bins.add(map("label", h.bins().get(i).label(), "count", h.counts().get(i)));
      }
      hist.put(h.column(), map("bins", bins, "nullCount", h.nullCount()));
    }
    d.put("histograms", hist);
    List<Object> reasons = new ArrayList<>();
    s.freshness()
        .quarantinedByReason()
        .forEach((reason, n) -> reasons.add(map("reason", reason, "count", n)));
    d.put("quarantine", reasons);
    d.put("categories", performanceData(s.topCategories()));
    d.put("brands", performanceData(s.topBrands()));
    List<Object> hourly = new ArrayList<>();
    for (HourCell c : s.hourly()) {
      Map<String, Object> m = map("day", c.dayOfWeek(), "hour", c.hour());
      m.put("events", c.events());
      m.put("purchases", c.purchases());
      m.put("revenue", plain(c.revenue()));
      hourly.add(m);
    }
    d.put("hourly", hourly);
    List<Object> cohorts = new ArrayList<>();
    for (Cohort c : s.cohorts()) {
      List<Object> weeks = new ArrayList<>();
      for (CohortWeek w : c.weeks()) {
        Map<String, Object> m = map("offset", w.offset(), "active", w.activeUsers());
        m.put("purchasing", w.purchasingUsers());
        m.put("retention", ratio(w.retention()));
        weeks.add(m);
      }
      Map<String, Object> m = map("week", c.week().toString(), "users", c.users());
      m.put("weeks", weeks);
      cohorts.add(m);
    }
    d.put("cohorts", cohorts);
    List<Object> abandonment = new ArrayList<>();
    for (AbandonmentDay a : s.abandonment()) {
      Map<String, Object> m = map("date", a.date().toString(), "value", plain(a.abandonedValue()));
      m.put("abandoned", a.abandonedSessions());
      m.put("carting", a.cartingSessions());
      abandonment.add(m);
    }
    d.put("abandonment", abandonment);
    return d;
  }

  private static List<Object> performanceData(List<Performance> rows) {
    List<Object> out = new ArrayList<>();
    for (Performance p : rows) {
      Map<String, Object> m = map("key", String.valueOf(p.key()), "label", p.label());
      m.put("revenue", plain(p.revenue()));
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> stage(String key, String label, long value) {
    Map<String, Object> m = map("key", key, "label", label);
    m.put("value", value);
    return m;
  }

  /** A two-entry map that keeps its order, so the page is the same bytes for the same data. */
  private static Map<String, Object> map(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static Map<String, Object> tile(
      String key, String label, String shown, String value, String hint) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", key);
    m.put("label", label);
    m.put("shown", shown);
    m.put("value", value);
    m.put("hint", hint);
    return m;
  }

  /** A table cell: {@code shown} on screen, {@code value} in machine form in {@code data-value}. */
  private static Map<String, Object> cell(String col, String shown, String value, boolean numeric) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("col", col);
    m.put("shown", shown);
    m.put("value", nullToEmpty(value));
    m.put("numeric", numeric);
    return m;
  }

  private static Map<String, Object> countCell(String col, Long n) {
    return cell(col, n == null ? "–" : count(n), n == null ? "" : String.valueOf(n), true);
  }

  private static Map<String, Object> time(LocalDateTime t) {
    return Map.of("shown", shown(t), "machine", machine(t));
  }

  private static String resource(String name) {
    try (InputStream in = HtmlDashboard.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String count(long n) {
    return String.format(Locale.US, "%,d", n);
  }

  static String money(BigDecimal d) {
    if (d == null) {
      return "–";
    }
    DecimalFormat f = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.US));
    return f.format(d);
  }

  static String percent(Double r) {
    return r == null ? "–" : String.format(Locale.US, "%.1f%%", r * 100);
  }

  private static String ratio(Double r) {
    return r == null ? "" : String.valueOf(r);
  }

  private static String plain(BigDecimal d) {
    return d == null ? "" : d.toPlainString();
  }

  private static String shown(LocalDateTime t) {
    return t == null ? "–" : SHOWN.format(t);
  }

  private static String machine(LocalDateTime t) {
    return t == null ? "" : MACHINE.format(t);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}

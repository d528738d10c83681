package io.clicklake.local.dashboard;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.clicklake.local.dashboard.MartsSnapshot.Batch;
import io.clicklake.local.dashboard.MartsSnapshot.Day;
import io.clicklake.local.dashboard.MartsSnapshot.Freshness;
import io.clicklake.local.dashboard.MartsSnapshot.RateHistogram;
import io.clicklake.local.dashboard.MartsSnapshot.TopSession;
import io.clicklake.local.dashboard.MartsSnapshot.Totals;
import java.math.BigDecimal;
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
 * Renders a {@link MartsSnapshot} as one self-contained HTML page: inline CSS, inline script, inline
 * SVG, no external resource. KPI tiles and tables are plain HTML written here; the charts are drawn
 * by the inline script from a JSON data island, so a browser that runs the page proves the charts
 * render. Every number is also in the DOM in machine form: {@code data-kpi}/{@code data-value} on
 * tiles, {@code data-col}/{@code data-value} on table cells, {@code data-value} on chart bars.
 */
final class HtmlDashboard {
  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter MACHINE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private final StringBuilder out = new StringBuilder(64 * 1024);

  private HtmlDashboard() {}

  static String render(MartsSnapshot s) {
    return new HtmlDashboard().page(s);
  }

  private String page(MartsSnapshot s) {
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Clickstream dashboard · ").append(esc(s.database())).append("</title>\n")
        .append("<style>").append(DashboardAssets.CSS).append("</style>\n</head>\n")
        .append("<body data-rendered=\"false\" data-database=\"").append(esc(s.database()))
        .append("\" data-generated-at=\"").append(machine(s.generatedAt())).append("\">\n<main>\n");
    header(s);
    kpis(s.totals());
    out.append("<div class=\"grid2\">\n");
    section("funnel-section", "Funnel", "All clean events so far (daily_funnel).",
        "<figure id=\"funnel\" class=\"chart\" data-chart=\"funnel\"></figure>");
    rates(s.viewToCart(), s.cartToPurchase());
    out.append("</div>\n");
    section("daily-section", "Daily funnel",
        "Events and revenue per UTC day (daily_funnel); each panel has its own scale.",
        "<figure id=\"daily-funnel\" class=\"chart\" data-chart=\"daily-funnel\" data-days=\"" + s.days().size()
            + "\"></figure>");
    topSessions(s.topSessions());
    freshness(s.freshness(), s.recentBatches(), s.errorTextsReadable(), s.generatedAt());
    out.append("<pre id=\"render-errors\"></pre>\n")
        .append("<footer>Written by <code>bin/pipeline dashboard</code> from the MySQL tables of"
            + " <code>sql/01_tables.sql</code>. Times are UTC.</footer>\n</main>\n")
        .append("<script type=\"application/json\" id=\"dashboard-data\">").append(json(data(s)))
        .append("</script>\n<script>").append(DashboardAssets.SCRIPT).append("</script>\n</body>\n</html>\n");
    return out.toString();
  }

  private void header(MartsSnapshot s) {
    Freshness f = s.freshness();
    out.append("<header>\n<h1>Clickstream dashboard</h1>\n<p class=\"sub\">Database <code>")
        .append(esc(s.database())).append("</code> · generated <time id=\"generated-at\" datetime=\"")
        .append(machine(s.generatedAt())).append("\">").append(shown(s.generatedAt())).append(" UTC</time>")
        .append(" · last successful batch ").append(f.lastSuccessfulBatchAt() == null ? "none yet" : shown(f.lastSuccessfulBatchAt()) + " UTC")
        .append("</p>\n</header>\n");
  }

  private void kpis(Totals t) {
    out.append("<section id=\"kpis\" class=\"card\">\n<h2>Key figures</h2>\n<div class=\"tiles\">\n");
    tile("events", "Events", count(t.events()), String.valueOf(t.events()), "views + carts + removes + purchases");
    tile("views", "Views", count(t.views()), String.valueOf(t.views()), "view events");
    tile("carts", "Carts", count(t.carts()), String.valueOf(t.carts()), "add-to-cart events");
    tile("removes", "Removes", count(t.removes()), String.valueOf(t.removes()), "remove-from-cart events");
    tile("purchases", "Purchases", count(t.purchases()), String.valueOf(t.purchases()), "purchase events");
    tile("revenue", "Revenue", money(t.revenue()), plain(t.revenue()), "sum of purchase prices");
    tile("users", "Users", count(t.users()), String.valueOf(t.users()), "users with a clean event");
    tile("sessions", "Sessions", count(t.sessions()), String.valueOf(t.sessions()), "sessions with a clean event");
    tile("view-to-cart", "View → cart", percent(t.viewToCart()), ratio(t.viewToCart()), "carts / views");
    tile("cart-to-purchase", "Cart → purchase", percent(t.cartToPurchase()), ratio(t.cartToPurchase()), "purchases / carts");
    tile("purchasing-session-share", "Sessions with a purchase", percent(t.purchaseSessionShare()),
        ratio(t.purchaseSessionShare()), count(t.purchasingSessions()) + " of " + count(t.sessions()));
    tile("revenue-per-purchasing-session", "Revenue per purchasing session", money(t.revenuePerPurchasingSession()),
        plain(t.revenuePerPurchasingSession()), "session revenue / purchasing sessions");
    out.append("</div>\n</section>\n");
  }

  private void rates(RateHistogram viewToCart, RateHistogram cartToPurchase) {
    StringBuilder body = new StringBuilder();
    for (RateHistogram h : List.of(viewToCart, cartToPurchase)) {
      String id = h.column().replace('_', '-');
      String label = h.column().equals("view_to_cart_rate") ? "view → cart" : "cart → purchase";
      String denominator = h.column().equals("view_to_cart_rate") ? "views" : "carts";
      body.append("<figure id=\"hist-").append(id).append("\" class=\"chart\" data-chart=\"histogram\" data-column=\"")
          .append(h.column()).append("\" data-binned=\"").append(h.binnedUsers()).append("\" data-null-count=\"")
          .append(h.nullCount()).append("\"><figcaption>Users by ").append(label).append(" rate (<code>")
          .append(h.column()).append("</code>): <span data-binned-users>").append(count(h.binnedUsers()))
          .append("</span> users; <span class=\"null-count\" data-null-users>").append(count(h.nullCount()))
          .append("</span> without ").append(denominator).append(" (rate NULL) are not shown.</figcaption></figure>\n");
    }
    section("rates-section", "Conversion rates per user", "user_engagement; a bar is the number of users in a rate bin.",
        "<div class=\"pair\">\n" + body + "</div>\n");
  }

  private void topSessions(List<TopSession> sessions) {
    StringBuilder t = new StringBuilder();
    if (sessions.isEmpty()) {
      t.append("<p class=\"empty\" id=\"top-sessions-empty\">No session with revenue yet.</p>\n");
    }
    t.append("<table id=\"top-sessions\" data-rows=\"").append(sessions.size()).append("\">\n<thead><tr>")
        .append("<th class=\"num\">#</th><th>user_session</th><th class=\"num\">user_id</th>")
        .append("<th class=\"num\">total_revenue</th><th class=\"num\">purchases</th><th class=\"num\">events</th>")
        .append("<th>first_event_at</th><th>last_event_at</th></tr></thead>\n<tbody>\n");
    int rank = 1;
    for (TopSession s : sessions) {
      t.append("<tr data-rank=\"").append(rank).append("\" data-user-session=\"").append(esc(s.userSession())).append("\">")
          .append("<td class=\"num\">").append(rank++).append("</td>")
          .append(cell("user_session", esc(s.userSession()), s.userSession(), false))
          .append(cell("user_id", s.userId() == null ? "–" : String.valueOf(s.userId()), s.userId() == null ? "" : String.valueOf(s.userId()), true))
          .append(cell("total_revenue", money(s.totalRevenue()), plain(s.totalRevenue()), true))
          .append(cell("purchases", count(s.purchases()), String.valueOf(s.purchases()), true))
          .append(cell("events", count(s.events()), String.valueOf(s.events()), true))
          .append(cell("first_event_at", shown(s.firstEventAt()), machine(s.firstEventAt()), false))
          .append(cell("last_event_at", shown(s.lastEventAt()), machine(s.lastEventAt()), false))
          .append("</tr>\n");
    }
    t.append("</tbody>\n</table>\n");
    section("top-sessions-section", "Top " + MartsReader.TOP_SESSIONS + " sessions by revenue",
        "session_revenue, sessions with revenue above 0, highest first.", t.toString());
  }

  /** Shown instead of the error column when the connecting user may not read pipeline_batches.error_message. */
  static final String ERROR_TEXTS_HIDDEN =
      "Error texts are visible to administrators only: this page was written by a user that may not read"
          + " pipeline_batches.error_message (such as the reporting user). A failed batch shows in its status and"
          + " stages; administrators read its error in the batches Iceberg table or in"
          + " pipeline_batches.error_message.";

  private void freshness(Freshness f, List<Batch> batches, boolean errorTexts, LocalDateTime now) {
    StringBuilder b = new StringBuilder("<div class=\"pair\">\n<div class=\"tiles two\">\n");
    Double hours = f.hoursSinceLastSuccessfulBatch(now);
    b.append(tileHtml("last-successful-batch-at", "Last successful batch", shown(f.lastSuccessfulBatchAt()),
        machine(f.lastSuccessfulBatchAt()), "finished_at of the newest succeeded batch (UTC)"));
    b.append(tileHtml("last-export-at", "Last export to MySQL", shown(f.lastExportAt()), machine(f.lastExportAt()),
        "export_at of the newest done export (UTC)"));
    b.append(tileHtml("hours-since-last-successful-batch", "Age at generation",
        hours == null ? "–" : String.format(Locale.US, "%.1f h", hours), hours == null ? "" : String.valueOf(hours),
        "hours from the last successful batch to this page"));
    b.append(tileHtml("batches", "Batches", count(f.batches()), String.valueOf(f.batches()), "rows in pipeline_batches"));
    b.append(tileHtml("failed-batches", "Failed batches", count(f.failedBatches()), String.valueOf(f.failedBatches()),
        "status = failed"));
    b.append("</div>\n<figure id=\"quarantine-by-reason\" class=\"chart\" data-chart=\"quarantine\"><figcaption>")
        .append("Quarantined rows by reason, all batches (sum of the q_* columns).</figcaption></figure>\n</div>\n");
    if (batches.isEmpty()) {
      b.append("<p class=\"empty\" id=\"batches-empty\">No batch recorded yet.</p>\n");
    }
    if (!errorTexts) {
      b.append("<p class=\"note\" id=\"error-texts-hidden\">").append(esc(ERROR_TEXTS_HIDDEN)).append("</p>\n");
    }
    b.append("<div class=\"scroll\"><table id=\"batches\" data-rows=\"").append(batches.size())
        .append("\" data-error-texts=\"").append(errorTexts ? "shown" : "hidden").append("\">\n<thead><tr>")
        .append("<th>batch_id</th><th>status</th><th>started_at</th><th>finished_at</th>")
        .append("<th class=\"num\">rows_read</th><th class=\"num\">rows_clean</th><th class=\"num\">rows_quarantined</th>")
        .append("<th class=\"num\">rows_duplicate</th>");
    b.append("<th title=\"q_* columns\">quarantined by reason</th><th>stages</th>")
        .append(errorTexts ? "<th>error_message</th>" : "").append("</tr></thead>\n<tbody>\n");
    for (Batch batch : batches) {
      Boolean ok = batch.accountingHolds();
      String status = batch.status() == null ? "" : batch.status().toLowerCase(Locale.ROOT);
      b.append("<tr data-batch-id=\"").append(esc(batch.batchId())).append("\" data-status=\"").append(esc(status))
          .append("\" data-accounting=\"").append(ok == null ? "unknown" : ok ? "ok" : "mismatch").append("\"")
          .append(Boolean.FALSE.equals(ok) ? " title=\"rows_read differs from rows_clean + rows_quarantined + rows_duplicate\"" : "")
          .append(">")
          .append(cell("batch_id", esc(batch.batchId()), batch.batchId(), false))
          .append("<td data-col=\"status\" data-value=\"").append(esc(nullToEmpty(batch.status()))).append("\" class=\"status-")
          .append(esc(status)).append("\">").append(esc(batch.status() == null ? "–" : batch.status())).append("</td>")
          .append(cell("started_at", shown(batch.startedAt()), machine(batch.startedAt()), false))
          .append(cell("finished_at", shown(batch.finishedAt()), machine(batch.finishedAt()), false))
          .append(countCell("rows_read", batch.rowsRead()))
          .append(countCell("rows_clean", batch.rowsClean()))
          .append(countCell("rows_quarantined", batch.rowsQuarantined()))
          .append(countCell("rows_duplicate", batch.rowsDuplicate()));
      // every reason is in the DOM; only the non-zero ones take room on screen
      b.append("<td class=\"reasons\">");
      for (Map.Entry<String, Long> q : batch.quarantinedByReason().entrySet()) {
        Long n = q.getValue();
        b.append("<span class=\"reason").append(n == null || n == 0 ? " zero" : "").append("\" data-col=\"q_")
            .append(q.getKey()).append("\" data-value=\"").append(n == null ? "" : n).append("\">").append(q.getKey())
            .append(' ').append(n == null ? "–" : count(n)).append("</span> ");
      }
      if (batch.quarantinedByReason().values().stream().allMatch(n -> n == null)) {
        b.append("<span class=\"none\">–</span>");
      } else if (batch.quarantinedByReason().values().stream().allMatch(n -> n == null || n == 0)) {
        b.append("<span class=\"none\">none</span>");
      }
      b.append("</td>");
      b.append("<td data-col=\"stages\">");
      for (Map.Entry<String, String> st : batch.stageStatus().entrySet()) {
        String v = st.getValue() == null ? "" : st.getValue().toLowerCase(Locale.ROOT);
        b.append("<span class=\"stage stage-").append(v.isEmpty() ? "none" : esc(v)).append("\" data-stage=\"")
            .append(st.getKey()).append("\" data-value=\"").append(esc(v)).append("\" title=\"").append(st.getKey())
            .append("_status: ").append(v.isEmpty() ? "not run" : esc(v)).append("\">").append(st.getKey()).append("</span> ");
      }
      b.append("</td>");
      if (errorTexts) {
        String error = nullToEmpty(batch.errorMessage());
        String shortError = error.length() > 80 ? error.substring(0, 79) + "…" : error;
        b.append("<td data-col=\"error_message\" data-value=\"").append(esc(error)).append("\" class=\"error\" title=\"")
            .append(esc(error)).append("\">").append(esc(shortError)).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table></div>\n");
    section("freshness", "Batch freshness",
        "pipeline_batches: the " + MartsReader.RECENT_BATCHES + " newest batches, with rows read, kept and quarantined.",
        b.toString());
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
      throw new IllegalArgumentException("no JSON form for the dashboard data: " + e.getMessage(), e);
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
      return ch == 0x2028 || ch == 0x2029 ? new SerializedString(String.format("\\u%04x", ch)) : null;
    }
  }

  /** The JSON data island the charts are drawn from. */
  private static Map<String, Object> data(MartsSnapshot s) {
    Map<String, Object> d = new LinkedHashMap<>();
    Totals t = s.totals();
    d.put("funnel", List.of(
        stage("views", "Views", t.views()), stage("carts", "Carts", t.carts()), stage("purchases", "Purchases", t.purchases())));
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
    s.freshness().quarantinedByReason().forEach((reason, n) -> reasons.add(map("reason", reason, "count", n)));
    d.put("quarantine", reasons);
    return d;
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

  private void section(String id, String title, String note, String body) {
    out.append("<section id=\"").append(id).append("\" class=\"card\">\n<h2>").append(esc(title))
        .append("</h2>\n<p class=\"note\">").append(esc(note)).append("</p>\n").append(body).append("</section>\n");
  }

  private void tile(String key, String label, String shown, String value, String hint) {
    out.append(tileHtml(key, label, shown, value, hint));
  }

  private static String tileHtml(String key, String label, String shown, String value, String hint) {
    return "<div class=\"tile\" data-kpi=\"" + key + "\" data-value=\"" + esc(value) + "\"><span class=\"label\">"
        + esc(label) + "</span><span class=\"value\">" + esc(shown) + "</span><span class=\"hint\">" + esc(hint)
        + "</span></div>\n";
  }

  private static String cell(String col, String shownHtml, String value, boolean numeric) {
    return "<td data-col=\"" + col + "\" data-value=\"" + esc(nullToEmpty(value)) + "\"" + (numeric ? " class=\"num\"" : "")
        + ">" + shownHtml + "</td>";
  }

  private static String countCell(String col, Long n) {
    return cell(col, n == null ? "–" : count(n), n == null ? "" : String.valueOf(n), true);
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

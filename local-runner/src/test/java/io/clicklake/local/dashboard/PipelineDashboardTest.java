package io.clicklake.local.dashboard;

import static io.clicklake.local.dashboard.DomScan.tag;
import static org.assertj.core.api.Assertions.assertThat;

import io.clicklake.local.cli.Pipeline;
import io.clicklake.mariadb.EmbeddedMariaDb;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The analyst sections of the HTML dashboard on marts the pipeline built: generated events over
 * three weeks go through {@code bin/pipeline generate, land, run} (stage, clean, marts, export into
 * MariaDB), the dashboard is written from MariaDB and opened in headless Chromium, and every number
 * of the new sections must equal a direct query of its table. A screenshot is left at {@code
 * target/dashboard-pipeline.png}.
 */
class PipelineDashboardTest {
  static final Path WORK = DashboardWriterTest.TARGET.resolve("dashboard-pipeline-test");
  static final Path SCREENSHOT = DashboardWriterTest.TARGET.resolve("dashboard-pipeline.png");
  static final String DATABASE = "dashboard_pipeline";

  /** Three weeks of events, so that there are several cohorts and every weekday. */
  static final int MINUTES = 21 * 24 * 60;

  static EmbeddedMariaDb db;
  static Chromium chromium;
  static Connection marts;
  static Path page;
  static DomScan dom;

  @BeforeAll
  static void runThePipelineAndRender() throws Exception {
    chromium = Chromium.find(WORK);
    db = EmbeddedMariaDb.builder().authenticating().start();
    Path work = Files.createTempDirectory(Files.createDirectories(WORK), "run-");
    Path events = work.resolve("in/events.csv.gz");
    Files.createDirectories(events.getParent());
    cli(
        "generate",
        "--rows",
        "4000",
        "--seed",
        "15",
        "--users",
        "120",
        "--start",
        "2019-10-01T00:00",
        "--minutes",
        String.valueOf(MINUTES),
        "--out",
        events.toString());
    Path landing = work.resolve("landing");
    cli(
        "land",
        events.toString(),
        "--instance",
        "2019/10/22/00",
        "--landing",
        landing.toString(),
        "--workdir",
        work.toString());
    String run =
        cli(
            "run",
            "--landing",
            landing.toString(),
            "--warehouse",
            work.resolve("wh").toString(),
            "--mysql-url",
            db.url(DATABASE),
            "--workdir",
            work.toString());
    assertThat(run).contains("2019-10-22-00");
    marts = db.connect(DATABASE);
    page = DashboardWriter.write(marts, WORK.resolve("pipeline.html"));
    dom = DomScan.parse(chromium.dumpDom(page));
  }

  @AfterAll
  static void stop() throws SQLException {
    if (marts != null) {
      marts.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void theNewMartsHaveRowsFromThePipeline() throws SQLException {
    for (String table :
        List.of(
            "category_performance",
            "brand_performance",
            "hourly_activity",
            "cohort_retention",
            "cart_abandonment")) {
      assertThat(count("select count(*) from " + table))
          .as("rows the export wrote to %s", table)
          .isPositive();
    }
    assertThat(dom.one(tag("body"), "body").attr("data-rendered"))
        .as("rendered; errors: %s", dom.byId("render-errors").text())
        .isEqualTo("true");
  }

  @Test
  void topCategoriesAndBrandsEqualTheirMarts() throws SQLException {
    AnalystSections sections = new AnalystSections(dom, marts);
    assertThat(sections.categories()).as("categories shown").isNotEmpty();
    assertThat(sections.brands()).as("brands shown").isNotEmpty();
  }

  @Test
  void heatMapHas7x24CellsEqualToHourlyActivity() throws SQLException {
    Map<String, Long> cells = new AnalystSections(dom, marts).heatMap();
    assertThat(cells).hasSize(7 * 24);
    assertThat(cells.values().stream().mapToLong(Long::longValue).sum())
        .as("events of the heat map: every clean event, once")
        .isEqualTo(count("select sum(views + carts + removes + purchases) from daily_funnel"));
  }

  @Test
  void retentionTriangleEqualsCohortRetention() throws SQLException {
    Map<String, Long> cells = new AnalystSections(dom, marts).retention();
    assertThat(cells.keySet().stream().map(k -> k.split("/")[0]).distinct().count())
        .as("cohorts of three weeks of events")
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void cartAbandonmentEqualsItsMart() throws SQLException {
    assertThat(new AnalystSections(dom, marts).abandonment()).isNotEmpty();
  }

  @Test
  void screenshotIsWrittenUnderTarget() throws Exception {
    chromium.screenshot(page, SCREENSHOT, 1400, 3400);
    assertThat(Files.size(SCREENSHOT)).as("size of %s", SCREENSHOT).isGreaterThan(20_000);
  }

  private static long count(String sql) throws SQLException {
    try (Statement st = marts.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Runs the pipeline CLI in this JVM; fails with its output unless it exits 0. */
  private static String cli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Pipeline.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String output = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertThat(code).as("exit code of %s:%n%s", Arrays.toString(args), output).isZero();
    return output;
  }
}

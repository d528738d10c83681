package io.clicklake.local.dashboard;

import static io.clicklake.local.dashboard.DomScan.attr;
import static io.clicklake.local.dashboard.DomScan.tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.local.dashboard.DomScan.Element;
import io.clicklake.mariadb.EmbeddedMariaDb;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTML dashboard written as the read-only reporting user of {@code sql/02_reporting_user.sql}
 * (data contract section 7), on a MariaDB that has its grant tables from the start: that user may
 * not read {@code pipeline_batches.error_message}, so the page is written without error texts, with
 * a note saying who sees them, and everything else as for an administrator.
 */
class ReportingUserDashboardTest {
  static final Path WORK = DashboardWriterTest.TARGET.resolve("dashboard-reporting-test");
  static final String DATABASE = "dashboard_reporting";

  /** The error text of the failed batch of marts-small.sql. */
  static final String ERROR_TEXT = "BuildMartsJob: Java heap space <OutOfMemoryError>";

  static EmbeddedMariaDb secured;
  static String password;
  static Chromium chromium;

  @BeforeAll
  static void createMartsAndTheReportingUser() throws Exception {
    chromium = Chromium.find(WORK);
    secured = EmbeddedMariaDb.builder().secured().start();
    try (Connection admin = secured.connect(DATABASE)) {
      EmbeddedMariaDb.runScript(admin, Files.readString(Repo.tablesDdl()));
      EmbeddedMariaDb.runScript(admin, resource("/dashboard/marts-small.sql"));
    }
    // as the script's header says: an administrator, the database selected, the password from
    // outside
    password = "rp-" + UUID.randomUUID();
    secured.runClient(
        "set @pw = '"
            + password
            + "';\n"
            + Files.readString(
                Repo.root().resolve("sql/02_reporting_user.sql"), StandardCharsets.UTF_8),
        DATABASE);
  }

  @AfterAll
  static void stop() {
    if (secured != null) {
      secured.close();
    }
  }

  @Test
  void theReportingUserCannotReadErrorTexts() throws SQLException {
    try (Connection reporting = secured.connect(DATABASE, "reporting", password)) {
      assertThatThrownBy(
              () ->
                  reporting
                      .createStatement()
                      .executeQuery("select error_message from pipeline_batches"))
          .as("the grants this test relies on")
          .isInstanceOf(SQLException.class)
          .satisfies(
              e ->
                  assertThat(((SQLException) e).getErrorCode())
                      .isEqualTo(MartsReader.COLUMN_ACCESS_DENIED));
    }
  }

  @Test
  void pageWrittenAsTheReportingUserHasNoErrorTextsAndANote() throws Exception {
    Path page;
    try (Connection reporting = secured.connect(DATABASE, "reporting", password)) {
      reporting.setReadOnly(true); // as the command line does
      page =
          DashboardWriter.write(
              reporting, WORK.resolve("reporting.html"), DashboardWriterTest.CLOCK);
    }
    String html = Files.readString(page);
    assertThat(html)
        .as("the page written as reporting")
        .doesNotContain(HtmlDashboard.esc(ERROR_TEXT))
        .doesNotContain("Java heap space")
        .doesNotContain("OutOfMemoryError")
        .doesNotContain("data-col=\"error_message\"")
        .doesNotContain("<th>error_message</th>");

    DomScan dom = DomScan.parse(chromium.dumpDom(page));
    assertThat(dom.one(tag("body"), "body").attr("data-rendered"))
        .as("rendered; errors: %s", dom.byId("render-errors").text())
        .isEqualTo("true");
    assertThat(dom.byId("batches").attr("data-error-texts")).isEqualTo("hidden");
    assertThat(dom.byId("error-texts-hidden").text())
        .startsWith("Error texts are visible to administrators only");
    assertThat(dom.all(attr("data-col", "error_message"))).as("error cells").isEmpty();

    // the rest of the freshness section is there: a failed batch still shows as failed, with the
    // stage that failed
    List<Element> batches = dom.all(e -> e.tag().equals("tr") && e.has("data-batch-id"));
    assertThat(batches)
        .extracting(e -> e.attr("data-batch-id"))
        .containsExactly("2019-10-04-00", "2019-10-03-00", "2019-10-02-00", "2019-10-01-00");
    assertThat(batches)
        .extracting(e -> e.attr("data-status"))
        .containsExactly("running", "failed", "succeeded", "succeeded");
    assertThat(dom.between(batches.get(1), batches.get(2), attr("data-stage")))
        .extracting(e -> e.attr("data-stage") + "=" + e.attr("data-value"))
        .containsExactly("stage=done", "clean=done", "marts=failed", "export=", "purge=");
    assertThat(
            dom.one(attr("data-kpi", "failed-batches"), "failed batches tile").attr("data-value"))
        .isEqualTo("1");
    assertThat(dom.one(attr("data-kpi", "revenue"), "revenue tile").attr("data-value"))
        .isEqualTo("4920.75");
  }

  @Test
  void commandLineAsTheReportingUserWritesThePage() throws IOException {
    Path out = WORK.resolve("cli/reporting.html");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code =
        DashboardWriter.run(
            new String[] {
              "--jdbc-url", secured.url(DATABASE), "--user", "reporting", "--out", out.toString()
            },
            password,
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    assertThat(code).as("exit code; stderr: %s", stderr.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(Files.readString(out))
        .contains("id=\"error-texts-hidden\"")
        .doesNotContain("Java heap space");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ReportingUserDashboardTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("test resource " + name + " not found");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

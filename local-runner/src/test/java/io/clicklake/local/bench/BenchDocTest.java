package io.clicklake.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The report and the chart of {@code bin/pipeline bench} from fixed numbers: no Spark, no timing.
 */
class BenchDocTest {
  @TempDir Path tmp;

  private static List<StageTime> run(double clean, double marts) {
    return List.of(
        new StageTime("landing", 1.0, 1_000_000),
        new StageTime("clean", clean, 1_000_000),
        new StageTime("marts", marts, 1_000_000));
  }

  private static List<StageTime> batch(double clean, double marts) {
    return List.of(new StageTime("clean", clean, 57_000), new StageTime("marts", marts, 57_000));
  }

  /**
   * Three runs: end to end 31, 21 and 41 s; the baseline 40, 42, 44 s; two hourly batches per run
   * of 7 to 9 s.
   */
  static BenchResults results(double loadBefore2) {
    Series pipeline =
        new Series("pipeline", 1_000_000, List.of(run(10, 20), run(5, 15), run(15, 25)));
    Series baseline =
        new Series(
            "baseline",
            1_000_000,
            List.of(
                List.of(new StageTime("baseline", 44, 1_000_000)),
                List.of(new StageTime("baseline", 40, 1_000_000)),
                List.of(new StageTime("baseline", 42, 1_000_000))));
    Series hourly =
        new Series(
            "hourly batch",
            57_000,
            List.of(batch(3, 4), batch(4, 5), batch(3, 4), batch(4, 5), batch(4, 4), batch(4, 4)));
    return new BenchResults(
        "rows-1000000-hourly-2",
        "bin/pipeline bench --rows 1000000 --hourly 2 --repeat 3",
        LocalDate.of(2026, 12, 7),
        "2 cores, 4096 MB heap",
        pipeline,
        baseline,
        null,
        null,
        hourly,
        List.of(
            new LoadAverage(0.2, 0.3, 0.4),
            new LoadAverage(loadBefore2, 1, 1),
            new LoadAverage(Double.NaN, Double.NaN, Double.NaN)),
        List.of(new LoadAverage(1.5, 1, 1), new LoadAverage(1.9, 1, 1), new LoadAverage(1.8, 1, 1)),
        1.0);
  }

  @Test
  void statsTakeTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
    assertThat(Stats.of(List.of(3.0, 1.0, 2.0))).isEqualTo(new Stats(1, 2, 3, 3));
    assertThat(Stats.of(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(new Stats(1, 2.5, 4, 4));
  }

  @Test
  void theSectionHoldsMediansMinMaxRowsPerSecondAndTheBaselineRatio() {
    String md = BenchDoc.section(results(0.4), "benchmarks/rows-1000000-hourly-2.svg");
    assertThat(md)
        .as("the medians of 31, 21, 41 s end to end and of the stages")
        .contains("| clean | 10.0 | 5.0 | 15.0 | 1,000,000 | 100,000 |\n")
        .contains("| **end to end** | **31.0** | 21.0 | 41.0 | 1,000,000 | 32,258 |\n")
        .contains("| baseline, same data | 42.0 | 40.0 | 44.0 | 1,000,000 | 23,810 |\n")
        .as("the baseline ratio of the medians: 42 / 31")
        .contains("| **speed vs baseline** (baseline median / end-to-end median) | **1.35x** |");
    assertThat(md)
        .as("the hourly batches: 7 to 9 s end to end, median 8 s, target 8 s")
        .contains("2 per run (6 in all) of 57,000 rows each")
        .contains("| **end to end** | **8.0** | 7.0 | 9.0 | 57,000 | 7,125 |\n")
        .contains("Target: the median batch ≤ 8 s end to end. Measured: **8.0 s**, met.");
    assertThat(md)
        .as("the load average of each run, an unknown one as n/a, and no warning")
        .contains("0.20 → 1.50, 0.40 → 1.90, n/a → 1.80 (quiet: ≤ 1.00).")
        .doesNotContain("Warning");
    assertThat(md)
        .startsWith(BenchDoc.begin("rows-1000000-hourly-2") + "\n### 1,000,000 rows, then 2 hourly")
        .contains("![stage times: 1,000,000 rows")
        .contains("](benchmarks/rows-1000000-hourly-2.svg)\n")
        .endsWith(BenchDoc.end("rows-1000000-hourly-2") + "\n");
  }

  @Test
  void aRunThatStartedOnABusyMachineIsFlagged() {
    String md = BenchDoc.section(results(1.7), "c.svg");
    assertThat(md)
        .contains("**Warning:** run 2 started on a machine that was not quiet")
        .as("a run whose load average is unknown is not flagged")
        .doesNotContain("runs 2, 3");
  }

  @Test
  void aNewSectionGoesBeforeTheRunsTableAndANewRunReplacesIt() {
    String doc = "# Benchmarks\n\nintro\n\n## Runs\n\n| date |\n|---|\n| 1 |\n";
    String first =
        BenchDoc.upsert(doc, "k", BenchDoc.begin("k") + "\nold\n" + BenchDoc.end("k") + "\n");
    assertThat(first)
        .isEqualTo(
            "# Benchmarks\n\nintro\n\n"
                + BenchDoc.begin("k")
                + "\nold\n"
                + BenchDoc.end("k")
                + "\n\n## Runs\n\n| date |\n|---|\n| 1 |\n");
    String second =
        BenchDoc.upsert(first, "k", BenchDoc.begin("k") + "\nnew\n" + BenchDoc.end("k") + "\n");
    assertThat(second).isEqualTo(first.replace("\nold\n", "\nnew\n"));
    assertThat(BenchDoc.upsert("", "k", "S\n")).as("an empty doc").isEqualTo("S\n");
    assertThatThrownBy(() -> BenchDoc.upsert(BenchDoc.begin("k") + "\n", "k", "S\n"))
        .hasMessageContaining("not its end marker");
  }

  @Test
  void theChartIsWellFormedSvgWithOneStackedBarPerModeOnOneScale() throws Exception {
    String svg = BenchChart.svg("Stage <times> & more", BenchDoc.bars(results(0.4)));
    Document d =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(d.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(svg).contains("Stage &lt;times&gt; &amp; more");
    NodeList rects = d.getElementsByTagName("rect");
    // background + 4 legend squares (landing, clean, marts, baseline) + 3 + 1 + 2 segments
    assertThat(rects.getLength()).isEqualTo(1 + 4 + 3 + 1 + 2);
    Element clean = (Element) rects.item(1 + 4 + 1);
    assertThat(clean.getTextContent()).isEqualTo("clean: 10.0 s");
    // the longest bar (the baseline, 42 s) spans the whole bar area; clean (10 s) its share
    Element base = (Element) rects.item(1 + 4 + 3);
    assertThat(Double.parseDouble(base.getAttribute("width"))).isEqualTo(BenchChart.BAR_AREA);
    assertThat(Double.parseDouble(clean.getAttribute("width")))
        .isCloseTo(BenchChart.BAR_AREA * 10 / 42.0, org.assertj.core.data.Offset.offset(0.06));
    assertThat(svg)
        .contains(">pipeline, 1,000,000 rows (median)</text>")
        .contains(">baseline, same data (median)</text>")
        .contains(">hourly batch, 57,000 rows (median)</text>")
        .contains(">31.0 s</text>")
        .contains(">8.0 s</text>");
  }

  @Test
  void theLoadAverageComesFromProcLoadavgOrTheJvm() throws IOException {
    Path f = tmp.resolve("loadavg");
    Files.writeString(f, "0.52 0.41 0.30 1/303 5298\n");
    LoadAverage l = LoadAverage.read(f);
    assertThat(l).isEqualTo(new LoadAverage(0.52, 0.41, 0.30));
    assertThat(l.above(0.5)).isTrue();
    assertThat(l.toString()).isEqualTo("0.52 0.41 0.30");
    LoadAverage none = LoadAverage.read(tmp.resolve("missing"));
    assertThat(none.five()).as("the JVM knows only the 1-minute figure").isNaN();
    assertThat(none.toString()).endsWith("n/a n/a");
  }
}

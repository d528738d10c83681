package io.clicklake.local.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The markdown of a bench result for docs/benchmarks.md: a section per scenario (medians, min/max,
 * rows/s, the baseline ratio, the hourly target and a link to the chart), fenced by comment markers
 * so that the next run of the same scenario replaces it, and the bars of its chart.
 */
public final class BenchDoc {
  /** Where new sections go: before the table of individual runs, which stays last. */
  static final String RUNS_HEADING = "\n## Runs\n";

  private BenchDoc() {}

  static String begin(String key) {
    return "<!-- bench:" + key + " begin: written by bin/pipeline bench --write-doc -->";
  }

  static String end(String key) {
    return "<!-- bench:" + key + " end -->";
  }

  /** The section of {@code r}, its chart linked as {@code chartLink} (relative to the doc). */
  public static String section(BenchResults r, String chartLink) {
    StringBuilder s = new StringBuilder();
    s.append(begin(r.key())).append("\n### ").append(title(r)).append("\n\n");
    int runs = r.pipeline().runs().size();
    s.append(
        String.format(
            Locale.ROOT,
            "`%s` on %s, %d run%s: %s. Each figure is the median of the runs, with the fastest and"
                + " the slowest beside it; rows/s = rows / median seconds.\n\n",
            r.command(),
            r.date(),
            runs,
            runs == 1 ? "" : "s",
            r.machine()));
    s.append(loadSentence(r)).append("\n\n");
    s.append(table(r.pipeline(), r.baseline(), null)).append('\n');
    if (r.incremental() != null) {
      s.append(
              String.format(
                  Locale.ROOT,
                  "**Incremental:** a batch of %,d rows on top, the next hourly instance.\n\n",
                  r.incremental().rows()))
          .append(table(r.incremental(), null, r.fullRefresh()))
          .append('\n');
    }
    if (r.hourly() != null) {
      double median = r.hourly().total().median();
      s.append(
              String.format(
                  Locale.ROOT,
                  "**Hourly batches:** %d per run (%d in all) of %,d rows each, each its own"
                      + " landing instance (the next hours), through every stage on the same warm"
                      + " JVM; the figures are over all of them.\n\n",
                  hourlyPerRun(r),
                  r.hourly().runs().size(),
                  r.hourly().rows()))
          .append(table(r.hourly(), null, null))
          .append(
              String.format(
                  Locale.ROOT,
                  "\nTarget: the median batch ≤ %.0f s end to end. Measured: **%.1f s**, %s.\n\n",
                  BenchResults.HOURLY_TARGET_SECONDS,
                  median,
                  median <= BenchResults.HOURLY_TARGET_SECONDS ? "met" : "not met"));
    }
    s.append("![stage times: ")
        .append(title(r))
        .append("](")
        .append(chartLink)
        .append(")\n")
        .append(end(r.key()))
        .append('\n');
    return s.toString();
  }

  public static String title(BenchResults r) {
    StringBuilder t =
        new StringBuilder(String.format(Locale.ROOT, "%,d rows", r.pipeline().rows()));
    if (r.incremental() != null) {
      t.append(String.format(Locale.ROOT, ", then %,d incremental", r.incremental().rows()));
    }
    if (r.hourly() != null) {
      t.append(
          String.format(
              Locale.ROOT,
              ", then %d hourly batch%s of %,d",
              hourlyPerRun(r),
              hourlyPerRun(r) == 1 ? "" : "es",
              r.hourly().rows()));
    }
    return t.toString();
  }

  private static int hourlyPerRun(BenchResults r) {
    return r.hourly().runs().size() / r.pipeline().runs().size();
  }

  private static String loadSentence(BenchResults r) {
    List<String> loads = new ArrayList<>();
    for (int i = 0; i < r.loadBefore().size(); i++) {
      LoadAverage l = r.loadBefore().get(i);
      loads.add(one(l) + (i < r.loadAfter().size() ? " → " + one(r.loadAfter().get(i)) : ""));
    }
    List<Integer> loud = r.noisyRuns();
    String s =
        "1-minute load average before → after each run: "
            + String.join(", ", loads)
            + String.format(Locale.ROOT, " (quiet: ≤ %.2f).", r.loadLimit());
    if (loud.isEmpty()) {
      return s;
    }
    return s
        + " **Warning:** run"
        + (loud.size() == 1 ? " " : "s ")
        + String.join(", ", loud.stream().map(String::valueOf).toList())
        + " started on a machine that was not quiet; their times may be slower than the code.";
  }

  private static String one(LoadAverage l) {
    return l.known() ? String.format(Locale.ROOT, "%.2f", l.one()) : "n/a";
  }

  private static String table(Series series, Series baseline, Series fullRefresh) {
    StringBuilder s = new StringBuilder();
    s.append("| stage, seconds | median | min | max | rows | rows/s |\n")
        .append("|---|---|---|---|---|---|\n");
    for (String stage : series.stages()) {
      s.append(row(stage, series.stage(stage), series.rows(stage), false));
    }
    s.append(row("end to end", series.total(), series.rows(), true));
    if (fullRefresh != null) {
      s.append(
          row(
              "full refresh of all marts (to compare with the marts stage)",
              fullRefresh.total(),
              fullRefresh.rows(),
              false));
    }
    if (baseline != null) {
      s.append(row("baseline, same data", baseline.total(), baseline.rows(), false))
          .append(
              String.format(
                  Locale.ROOT,
                  "| **speed vs baseline** (baseline median / end-to-end median) | **%.2fx** | | |"
                      + " | |\n",
                  baseline.total().median() / series.total().median()));
    }
    return s.toString();
  }

  private static String row(String name, Stats st, long rows, boolean bold) {
    String b = bold ? "**" : "";
    return String.format(
        Locale.ROOT,
        "| %s%s%s | %s%.1f%s | %.1f | %.1f | %,d | %,.0f |\n",
        b,
        name,
        b,
        b,
        st.median(),
        b,
        st.min(),
        st.max(),
        rows,
        rows / Math.max(st.median(), 1e-3));
  }

  /**
   * {@code doc} with {@code section} in place of the earlier section of the same key; a new key
   * goes before the "## Runs" table (or at the end when the doc has none).
   */
  public static String upsert(String doc, String key, String section) {
    int from = doc.indexOf(begin(key));
    if (from >= 0) {
      String endMarker = end(key);
      int to = doc.indexOf(endMarker, from);
      if (to < 0) {
        throw new IllegalArgumentException(
            "the report has the start marker of " + key + " but not its end marker " + endMarker);
      }
      int after = to + endMarker.length();
      if (after < doc.length() && doc.charAt(after) == '\n') {
        after++;
      }
      return doc.substring(0, from) + section + doc.substring(after);
    }
    int runs = doc.indexOf(RUNS_HEADING);
    if (runs >= 0) {
      return doc.substring(0, runs + 1) + section + "\n" + doc.substring(runs + 1);
    }
    return doc
        + (doc.isEmpty() || doc.endsWith("\n\n") ? "" : doc.endsWith("\n") ? "\n" : "\n\n")
        + section;
  }

  /** The chart's bars: the pipeline, its baseline, then each further mode's median stages. */
  public static List<BenchChart.Bar> bars(BenchResults r) {
    List<BenchChart.Bar> bars = new ArrayList<>();
    bars.add(
        bar(String.format(Locale.ROOT, "pipeline, %,d rows", r.pipeline().rows()), r.pipeline()));
    if (r.baseline() != null) {
      bars.add(bar("baseline, same data", r.baseline()));
    }
    if (r.incremental() != null) {
      bars.add(
          bar(
              String.format(Locale.ROOT, "incremental, %,d rows", r.incremental().rows()),
              r.incremental()));
    }
    if (r.fullRefresh() != null) {
      bars.add(bar("full refresh of all marts", r.fullRefresh()));
    }
    if (r.hourly() != null) {
      bars.add(
          bar(String.format(Locale.ROOT, "hourly batch, %,d rows", r.hourly().rows()), r.hourly()));
    }
    return bars;
  }

  /** The median stages stacked, labelled with the median end to end. */
  private static BenchChart.Bar bar(String label, Series s) {
    return new BenchChart.Bar(label + " (median)", s.medians(), s.total().median());
  }
}

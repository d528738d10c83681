package io.clicklake.local.bench;

import io.clicklake.local.Console;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The console summary of a bench: min, median and max over the runs of every stage and end to end,
 * the baseline ratio of the medians, the hourly target, and which runs were not on a quiet machine.
 */
public final class BenchSummary {
  private BenchSummary() {}

  /** Min, median and max over the runs: per stage, end to end, the baseline and its ratio. */
  public static void print(BenchResults r) {
    int runs = r.pipeline().runs().size();
    Console.say("");
    Console.say(
        "summary of %d run%s (median, min, max; rows/s at the median):",
        runs, runs == 1 ? "" : "s");
    printStats("stage", r.pipeline(), r.baseline());
    if (r.baseline() != null) {
      Console.say(
          "  pipeline is %.2fx the baseline's speed (baseline median / end-to-end median)",
          r.speedVsBaseline());
    }
    if (r.incremental() != null) {
      printStats("incremental", r.incremental(), r.fullRefresh());
    }
    if (r.hourly() != null) {
      printStats("hourly batch", r.hourly(), null);
      Stats h = r.hourly().total();
      Console.say(
          "  hourly batch end to end over %d batches: median %.1f s (min %.1f, max %.1f);"
              + " target median <= %.0f s: %s",
          h.count(),
          h.median(),
          h.min(),
          h.max(),
          BenchResults.HOURLY_TARGET_SECONDS,
          h.median() <= BenchResults.HOURLY_TARGET_SECONDS ? "met" : "not met");
    }
    List<Integer> noisy = r.noisyRuns();
    if (!noisy.isEmpty()) {
      Console.say(
          "WARNING: run(s) %s started with a 1-minute load average above %.2f: not a quiet machine",
          String.join(", ", noisy.stream().map(String::valueOf).toList()), r.loadLimit());
    }
  }

  private static void printStats(String title, Series s, Series extra) {
    List<List<Object>> lines = new ArrayList<>();
    for (String stage : s.stages()) {
      lines.add(statsRow(stage, s.stage(stage), s.rows(stage)));
    }
    lines.add(statsRow("end to end", s.total(), s.rows()));
    if (extra != null) {
      lines.add(statsRow(extra.name(), extra.total(), extra.rows()));
    }
    Console.table(List.of(title, "median s", "min s", "max s", "rows", "rows/s"), lines);
  }

  private static List<Object> statsRow(String name, Stats st, long rows) {
    return List.of(
        name,
        String.format(Locale.ROOT, "%.1f", st.median()),
        String.format(Locale.ROOT, "%.1f", st.min()),
        String.format(Locale.ROOT, "%.1f", st.max()),
        rows,
        String.format(Locale.ROOT, "%,.0f", rows / Math.max(st.median(), 1e-3)));
  }
}

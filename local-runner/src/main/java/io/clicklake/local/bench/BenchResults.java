package io.clicklake.local.bench;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code bin/pipeline bench} invocation measured over its runs, for the report and the
 * chart. {@code baseline}, {@code incremental}, {@code fullRefresh} and {@code hourly} are null
 * when the run did not measure them; {@code hourly} holds one "run" per hourly batch, over all
 * runs.
 *
 * @param key names the scenario in the report (a new invocation with the same key replaces it)
 * @param command the command line that reproduces it
 * @param loadBefore the load average before each run, in run order
 * @param loadLimit the 1-minute load average above which a run was not on a quiet machine
 */
public record BenchResults(
    String key,
    String command,
    LocalDate date,
    String machine,
    Series pipeline,
    Series baseline,
    Series incremental,
    Series fullRefresh,
    Series hourly,
    List<LoadAverage> loadBefore,
    List<LoadAverage> loadAfter,
    double loadLimit) {

  /** The target of issue 14 for the median hourly batch, end to end on a warm JVM. */
  public static final double HOURLY_TARGET_SECONDS = 8.0;

  public BenchResults {
    loadBefore = List.copyOf(loadBefore);
    loadAfter = List.copyOf(loadAfter);
  }

  /** The runs (1-based) whose 1-minute load average before they started was above the limit. */
  public List<Integer> noisyRuns() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < loadBefore.size(); i++) {
      if (loadBefore.get(i).above(loadLimit)) {
        out.add(i + 1);
      }
    }
    return out;
  }

  /** Baseline median / pipeline median: above 1, the pipeline is faster. NaN without baseline. */
  public double speedVsBaseline() {
    return baseline == null ? Double.NaN : baseline.total().median() / pipeline.total().median();
  }
}

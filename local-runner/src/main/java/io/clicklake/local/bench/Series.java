package io.clicklake.local.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The same scenario measured several times ("pipeline, 10,000,000 rows" in each of 3 runs; or every
 * hourly batch): each run is its stages in order; end to end is their sum.
 */
public record Series(String name, long rows, List<List<StageTime>> runs) {
  public Series {
    runs = List.copyOf(runs);
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("series " + name + " has no runs");
    }
  }

  /** The stage names in the order they ran, over all runs. */
  public List<String> stages() {
    Set<String> names = new LinkedHashSet<>();
    for (List<StageTime> run : runs) {
      for (StageTime t : run) {
        names.add(t.stage());
      }
    }
    return List.copyOf(names);
  }

  /** One stage over the runs that have it. */
  public Stats stage(String stage) {
    List<Double> s = new ArrayList<>();
    for (List<StageTime> run : runs) {
      for (StageTime t : run) {
        if (t.stage().equals(stage)) {
          s.add(t.seconds());
        }
      }
    }
    return Stats.of(s);
  }

  /** The rows of a stage in the first run that has it. */
  public long rows(String stage) {
    for (List<StageTime> run : runs) {
      for (StageTime t : run) {
        if (t.stage().equals(stage)) {
          return t.rows();
        }
      }
    }
    return rows;
  }

  /** End to end: the sum of each run's stages. */
  public Stats total() {
    List<Double> s = new ArrayList<>();
    for (List<StageTime> run : runs) {
      s.add(run.stream().mapToDouble(StageTime::seconds).sum());
    }
    return Stats.of(s);
  }

  /** Each stage's median, in stage order: what a chart bar stacks. */
  public List<StageTime> medians() {
    List<StageTime> out = new ArrayList<>();
    for (String s : stages()) {
      out.add(new StageTime(s, stage(s).median(), rows(s)));
    }
    return out;
  }
}

package io.clicklake.local.bench;

import io.clicklake.local.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** The table of individual bench runs at the end of docs/benchmarks.md: one row per run. */
public final class RunsTable {
  private RunsTable() {}

  /**
   * Appends one row for a run to the table at the end of {@code file}: the main batches' stages,
   * the baseline ({@code base}, null if not run) and the incremental batch's end to end ({@code
   * inc}, empty if not run).
   */
  public static void append(
      Path file,
      long rows,
      double faults,
      int batches,
      long incRows,
      List<Timing> main,
      List<Timing> inc,
      Timing base)
      throws IOException {
    double total = main.stream().mapToDouble(t -> t.seconds).sum();
    double incTotal = inc.stream().mapToDouble(t -> t.seconds).sum();
    double baseline = base == null ? 0 : base.seconds;
    StringBuilder sb = new StringBuilder();
    if (!Files.exists(file)) {
      sb.append(
              "# Benchmarks\n\n## Runs\n\n"
                  + "Rows appended by `bin/pipeline bench` (one row per run). Stage seconds are"
                  + " wall time; ")
          .append(
              "rows/s = input rows / end-to-end seconds; peak heap is the driver JVM's (local mode:"
                  + " driver and executors share it).\n\n")
          .append(
              "| date | machine | versions | rows | faults | batches | landing s | stage s | clean"
                  + " s | marts s | export s | purge s | end-to-end s | rows/s | peak heap MB |"
                  + " baseline s | speed-up | incremental rows | incremental s | rows to MySQL |"
                  + " export rows/s |\n")
          .append(
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    }
    String machine = machine();
    String versions = versions();
    sb.append("| ")
        .append(LocalDate.now())
        .append(" | ")
        .append(machine)
        .append(" | ")
        .append(versions)
        .append(" | ")
        .append(String.format(Locale.ROOT, "%,d", rows))
        .append(" | ")
        .append(faults)
        .append(" | ")
        .append(batches);
    for (Timing t : main) {
      sb.append(" | ").append(String.format(Locale.ROOT, "%.1f", t.seconds));
    }
    long peak = main.stream().mapToLong(t -> t.peakHeap).max().orElse(0);
    sb.append(
        String.format(
            Locale.ROOT,
            " | %.1f | %,.0f | %,.0f | %s | %s | %s | %s |\n",
            total,
            rows / total,
            peak / 1e6,
            baseline > 0 ? String.format(Locale.ROOT, "%.1f", baseline) : "-",
            baseline > 0 ? String.format(Locale.ROOT, "%.2fx", baseline / total) : "-",
            incRows > 0 ? String.format(Locale.ROOT, "%,d", incRows) : "-",
            incRows > 0 ? String.format(Locale.ROOT, "%.1f", incTotal) : "-"));
    sb.setLength(sb.length() - 1);
    Timing export = main.stream().filter(t -> t.outputRows >= 0).findFirst().orElse(null);
    sb.append(
        export == null
            ? " - | - |\n"
            : String.format(
                Locale.ROOT,
                " %,d | %,.0f |\n",
                export.outputRows,
                export.outputRows / Math.max(export.seconds, 1e-3)));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file,
        sb.toString(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Console.say("appended to %s", file);
  }

  public static String machine() {
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + (Runtime.getRuntime().maxMemory() >> 20)
        + " MB heap";
  }

  public static String versions() {
    return "Spark "
        + org.apache.spark.package$.MODULE$.SPARK_VERSION()
        + ", Iceberg "
        + org.apache.iceberg.IcebergBuild.version().split(" ")[0]
        + ", Java "
        + System.getProperty("java.version");
  }
}

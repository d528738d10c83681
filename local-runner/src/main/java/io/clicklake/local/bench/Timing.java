package io.clicklake.local.bench;

import io.clicklake.local.Console;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One timed stage of a bench run: wall time, rows, bytes read and the peak heap while it ran.
 * {@link #timed} measures one.
 */
public final class Timing {
  public final String stage;
  public final double seconds;
  public final long rows;
  public final long bytes;
  public final long peakHeap;

  /**
   * Rows the stage wrote out, where that differs from its input (the export: rows published to
   * MySQL); else -1.
   */
  public final long outputRows;

  Timing(String stage, double seconds, long rows, long bytes, long peakHeap) {
    this(stage, seconds, rows, bytes, peakHeap, -1);
  }

  private Timing(
      String stage, double seconds, long rows, long bytes, long peakHeap, long outputRows) {
    this.stage = stage;
    this.seconds = seconds;
    this.rows = rows;
    this.bytes = bytes;
    this.peakHeap = peakHeap;
    this.outputRows = outputRows;
  }

  public Timing withOutputRows(long n) {
    return new Timing(stage, seconds, rows, bytes, peakHeap, n);
  }

  /** The row of a console table: stage, seconds, rows, rows/s, MB/s, peak heap MB. */
  public List<Object> row() {
    return List.of(
        stage,
        String.format(Locale.ROOT, "%.1f", seconds),
        rows,
        String.format(Locale.ROOT, "%,.0f", rows / Math.max(seconds, 1e-3)),
        String.format(Locale.ROOT, "%.1f", bytes / 1e6 / Math.max(seconds, 1e-3)),
        String.format(Locale.ROOT, "%.0f", peakHeap / 1e6));
  }

  /**
   * Runs {@code work} after a GC, adds its timing to {@code out} and prints it in one line: the
   * bench's unit of measurement.
   */
  public static <T> T timed(
      List<Timing> out, String stage, long rows, long bytes, Supplier<T> work) {
    System.gc();
    T r;
    long t0;
    long peak;
    try (HeapSampler heap = new HeapSampler()) {
      t0 = System.nanoTime();
      r = work.get();
      peak = heap.peak();
    }
    Timing t = new Timing(stage, (System.nanoTime() - t0) / 1e9, rows, bytes, peak);
    out.add(t);
    Console.say(
        "  %-10s %8.1f s  %,14d rows  %,12.0f rows/s  peak heap %,6.0f MB",
        stage, t.seconds, rows, rows / Math.max(t.seconds, 1e-3), t.peakHeap / 1e6);
    return r;
  }
}

package io.clicklake.local.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine's load average (1, 5 and 15 minutes) from {@code /proc/loadavg}; where that file does
 * not exist, the 1-minute figure the JVM reports (NaN for the others), or all NaN where the JVM has
 * none either (Windows).
 */
public record LoadAverage(double one, double five, double fifteen) {
  static final Path PROC = Path.of("/proc/loadavg");

  public static LoadAverage read() {
    return read(PROC);
  }

  static LoadAverage read(Path file) {
    try {
      String[] f = Files.readString(file, StandardCharsets.US_ASCII).trim().split("\\s+");
      return new LoadAverage(
          Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
    } catch (IOException | RuntimeException e) {
      double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return new LoadAverage(one < 0 ? Double.NaN : one, Double.NaN, Double.NaN);
    }
  }

  public boolean known() {
    return !Double.isNaN(one);
  }

  /** True when the 1-minute figure is known and above {@code limit}. */
  public boolean above(double limit) {
    return known() && one > limit;
  }

  @Override
  public String toString() {
    return fmt(one) + " " + fmt(five) + " " + fmt(fifteen);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
  }
}

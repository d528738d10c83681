package io.clicklake.local.dashboard;

import java.util.ArrayList;
import java.util.List;

/**
 * The bins of the conversion-rate histograms, defined once here and turned into the SQL {@code
 * case} that counts users per bin. A rate of exactly 0 (viewed, never carted) has its own bin
 * because it is by far the most common value; rates above 1 are possible (data contract 5: rates
 * are not capped) and share the last bin. NULL rates are not binned: the dashboard counts them
 * apart.
 */
final class RateBins {

  /** A bin between two bounds; a null bound is open-ended. */
  record Bin(
      String label, Double lower, boolean lowerInclusive, Double upper, boolean upperInclusive) {
    boolean contains(double rate) {
      boolean aboveLower = lower == null || (lowerInclusive ? rate >= lower : rate > lower);
      boolean belowUpper = upper == null || (upperInclusive ? rate <= upper : rate < upper);
      return aboveLower && belowUpper;
    }
  }

  /** 0 | (0, 10%) | [10%, 20%) ... [80%, 90%) | [90%, 100%] | above 100%. */
  static final List<Bin> BINS = build();

  private RateBins() {}

  private static List<Bin> build() {
    List<Bin> bins = new ArrayList<>();
    bins.add(new Bin("0%", 0.0, true, 0.0, true));
    bins.add(new Bin("0–10%", 0.0, false, 0.1, false));
    for (int tenth = 1; tenth < 10; tenth++) {
      boolean last = tenth == 9;
      bins.add(
          new Bin(
              tenth * 10 + "–" + (tenth + 1) * 10 + "%",
              tenth / 10.0,
              true,
              (tenth + 1) / 10.0,
              last));
    }
    bins.add(new Bin(">100%", 1.0, false, null, false));
    return List.copyOf(bins);
  }

  /** Index of the bin holding {@code rate}, or -1 when none does (a negative rate). */
  static int indexOf(double rate) {
    for (int i = 0; i < BINS.size(); i++) {
      if (BINS.get(i).contains(rate)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * SQL expression giving the bin index of {@code column}: NULL for NULL, -1 outside every bin. The
   * bounds are written as double literals ({@code 0.1e0}), so MySQL and MariaDB compare doubles as
   * {@link #indexOf} does and a rate stored as 0.7 lands in the same bin on both sides.
   */
  static String caseExpression(String column) {
    StringBuilder sql = new StringBuilder("case when ").append(column).append(" is null then null");
    for (int i = 0; i < BINS.size(); i++) {
      Bin b = BINS.get(i);
      List<String> conditions = new ArrayList<>();
      if (b.lower() != null) {
        conditions.add(column + (b.lowerInclusive() ? " >= " : " > ") + b.lower() + "e0");
      }
      if (b.upper() != null) {
        conditions.add(column + (b.upperInclusive() ? " <= " : " < ") + b.upper() + "e0");
      }
      sql.append(" when ").append(String.join(" and ", conditions)).append(" then ").append(i);
    }
    return sql.append(" else -1 end").toString();
  }
}

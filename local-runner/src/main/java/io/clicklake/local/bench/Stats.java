package io.clicklake.local.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Minimum, median and maximum of some measurements. The median of an even count is the mean of the
 * two middle values.
 */
public record Stats(double min, double median, double max, int count) {
  public static Stats of(Collection<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values to summarize");
    }
    List<Double> v = new ArrayList<>(values);
    Collections.sort(v);
    int n = v.size();
    double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    return new Stats(v.get(0), median, v.get(n - 1), n);
  }
}

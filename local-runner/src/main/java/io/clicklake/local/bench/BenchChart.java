package io.clicklake.local.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A stacked horizontal bar chart as a self-contained SVG string: one bar per scenario (the
 * pipeline, its baseline, the incremental batch, the median hourly batch, ...), one coloured
 * segment per stage, the end-to-end seconds at the end of each bar. All bars share one scale, so a
 * reader compares the wall clocks directly. Built by hand: the chart is simple and the project
 * needs no charting library for it.
 */
public final class BenchChart {
  /** One bar: its label, its stage segments in order, and the seconds printed after it. */
  public record Bar(String label, List<StageTime> segments, double total) {
    public Bar {
      segments = List.copyOf(segments);
    }

    /** A bar whose total is the sum of its segments. */
    public static Bar of(String label, List<StageTime> segments) {
      return new Bar(label, segments, segments.stream().mapToDouble(StageTime::seconds).sum());
    }
  }

  static final int WIDTH = 900;
  static final int LABEL_WIDTH = 250;
  static final int BAR_AREA = 540;
  static final int BAR_HEIGHT = 22;
  static final int BAR_GAP = 12;
  static final int TOP = 76;

  /** The stages of the pipeline keep their colour in every chart; others take the spares. */
  private static final Map<String, String> STAGE_COLOURS =
      Map.of(
          "landing", "#9e9e9e",
          "stage", "#8c6d31",
          "clean", "#1f77b4",
          "marts", "#ff7f0e",
          "export", "#2ca02c",
          "purge", "#bcbd22",
          "baseline", "#7f7f7f",
          "full refresh of marts", "#d62728");

  private static final List<String> SPARE_COLOURS =
      List.of("#9467bd", "#17becf", "#e377c2", "#8c564b", "#aec7e8");

  private BenchChart() {}

  public static String svg(String title, List<Bar> bars) {
    Map<String, String> colours = colours(bars);
    double max = 0;
    for (Bar b : bars) {
      max =
          Math.max(
              max,
              Math.max(b.total(), b.segments().stream().mapToDouble(StageTime::seconds).sum()));
    }
    double scale = max > 0 ? BAR_AREA / max : 0;
    int height = TOP + bars.size() * (BAR_HEIGHT + BAR_GAP) + 24;
    StringBuilder s = new StringBuilder();
    s.append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0"
                    + " %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
                WIDTH,
                height,
                WIDTH,
                height))
        .append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n")
        .append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">")
        .append(escape(title))
        .append("</text>\n");
    int x = 10;
    for (Map.Entry<String, String> c : colours.entrySet()) {
      s.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%d\" y=\"38\" width=\"12\" height=\"12\" fill=\"%s\"/>",
                  x,
                  c.getValue()))
          .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"49\">", x + 16))
          .append(escape(c.getKey()))
          .append("</text>\n");
      x += 16 + 7 * c.getKey().length() + 18;
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"68\" fill=\"#555555\">seconds, wall time (one scale for all"
                + " bars)</text>\n",
            LABEL_WIDTH));
    int y = TOP;
    for (Bar b : bars) {
      s.append(
              String.format(
                  Locale.ROOT,
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
                  LABEL_WIDTH - 8,
                  y + 15))
          .append(escape(b.label()))
          .append("</text>\n");
      double left = LABEL_WIDTH;
      for (StageTime t : b.segments()) {
        double w = t.seconds() * scale;
        s.append(
                String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>",
                    left,
                    y,
                    w,
                    BAR_HEIGHT,
                    colours.get(t.stage())))
            .append(escape(String.format(Locale.ROOT, "%s: %.1f s", t.stage(), t.seconds())))
            .append("</title></rect>\n");
        left += w;
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\">%.1f s</text>\n",
              // after the segments: the per-stage medians of a bar may add up to more than its
              // median total
              Math.max(left, LABEL_WIDTH + b.total() * scale) + 6,
              y + 15,
              b.total()));
      y += BAR_HEIGHT + BAR_GAP;
    }
    return s.append("</svg>\n").toString();
  }

  private static Map<String, String> colours(List<Bar> bars) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> spare = new ArrayList<>(SPARE_COLOURS);
    for (Bar b : bars) {
      for (StageTime t : b.segments()) {
        if (!out.containsKey(t.stage())) {
          String c = STAGE_COLOURS.get(t.stage());
          out.put(t.stage(), c != null ? c : spare.isEmpty() ? "#000000" : spare.remove(0));
        }
      }
    }
    return out;
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}

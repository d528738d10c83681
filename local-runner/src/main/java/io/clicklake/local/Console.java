package io.clicklake.local;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.collection.Iterator;

/**
 * What the user sees: one progress line per long stage (rows, rate, elapsed) fed by the jobs'
 * {@code clicklake.rows} accumulator, and plain tables for summaries.
 */
public final class Console {
  private final AtomicLong rows = new AtomicLong();
  private volatile String stage;
  private volatile long stageStart;
  private Thread ticker;

  /** Resolved at each call, so a caller (or a test) may redirect System.out. */
  public static PrintStream out() {
    return System.out;
  }

  private SparkListener listener;

  void detach(SparkContext sc) {
    if (listener != null) {
      sc.removeSparkListener(listener);
      listener = null;
    }
  }

  void attach(SparkContext sc) {
    sc.addSparkListener(
        listener =
            new SparkListener() {
              @Override
              public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskInfo() == null) {
                  return;
                }
                Iterator<AccumulableInfo> it = end.taskInfo().accumulables().iterator();
                while (it.hasNext()) {
                  AccumulableInfo a = it.next();
                  if (a.name().isDefined()
                      && "clicklake.rows".equals(a.name().get())
                      && a.update().isDefined()) {
                    rows.addAndGet(((Number) a.update().get()).longValue());
                  }
                }
              }
            });
  }

  /** Starts a stage's progress line; refreshed every 2 s while it runs. */
  synchronized void begin(String name) {
    end();
    stage = name;
    stageStart = System.nanoTime();
    rows.set(0);
    ticker =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.sleep(2000);
                  printProgress(false);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "progress");
    ticker.setDaemon(true);
    ticker.start();
  }

  /** Ends the current stage; returns its seconds. */
  synchronized double end() {
    if (ticker == null) {
      return 0;
    }
    ticker.interrupt();
    ticker = null;
    printProgress(true);
    return (System.nanoTime() - stageStart) / 1e9;
  }

  private static final boolean TTY = System.console() != null;

  private void printProgress(boolean last) {
    if (!TTY && !last) {
      return;
    }
    double s = (System.nanoTime() - stageStart) / 1e9;
    long n = rows.get();
    String line =
        String.format(
            Locale.ROOT,
            "  %-8s %s%6.1f s",
            stage,
            n > 0
                ? String.format(
                    Locale.ROOT, "%,12d rows  %,10.0f rows/s  ", n, n / Math.max(s, 0.001))
                : "",
            s);
    out().print((TTY ? "\r" : "") + line + (last ? "\n" : ""));
    out().flush();
  }

  public static void say(String fmt, Object... args) {
    out().println(String.format(Locale.ROOT, fmt, args));
  }

  /** A plain text table. */
  public static void table(List<String> header, List<List<Object>> rows) {
    List<Integer> w = new ArrayList<>();
    for (String h : header) {
      w.add(h.length());
    }
    List<List<String>> cells = new ArrayList<>();
    for (List<Object> r : rows) {
      List<String> c = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        String s =
            v == null
                ? ""
                : v instanceof Long || v instanceof Integer
                    ? String.format(Locale.ROOT, "%,d", ((Number) v).longValue())
                    : v.toString();
        c.add(s);
        w.set(i, Math.max(w.get(i), s.length()));
      }
      cells.add(c);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < header.size(); i++) {
      sb.append(String.format("%-" + w.get(i) + "s  ", header.get(i)));
    }
    out().println("  " + sb.toString().stripTrailing());
    for (List<String> c : cells) {
      sb.setLength(0);
      for (int i = 0; i < c.size(); i++) {
        boolean num = !c.get(i).isEmpty() && c.get(i).matches("[-0-9.,]+");
        sb.append(String.format("%" + (num ? "" : "-") + w.get(i) + "s  ", c.get(i)));
      }
      out().println("  " + sb.toString().stripTrailing());
    }
  }
}

package io.clicklake.local.cli;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.generate.EventGenerator;
import io.clicklake.job.BuildMartsJob;
import io.clicklake.job.CleanEventsJob;
import io.clicklake.job.ExportMartsJob;
import io.clicklake.job.PurgeStagingJob;
import io.clicklake.job.SparkJob;
import io.clicklake.job.StageLandingJob;
import io.clicklake.local.Console;
import io.clicklake.local.Landing;
import io.clicklake.local.LocalEnv;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/pipeline bench}: generates data (not timed), runs the full pipeline on the embedded
 * defaults and, on the same data, a tutorial-style baseline (CSV with inferSchema, dropDuplicates,
 * groupBy marts, Spark's default JDBC overwrite); prints per-stage wall time, rows/s, MB/s and peak
 * heap, and appends the run to docs/benchmarks.md.
 */
@Command(
    name = "bench",
    description = {
      "benchmark the pipeline against a tutorial-style baseline",
      "Generates N rows in B hourly files (not timed), runs landing → stage → clean → marts → MySQL"
          + " → purge and times each stage; with --incremental-rows, then times one more batch of M"
          + " rows on top. The baseline runs on the same files."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--rows",
      paramLabel = "N",
      required = true,
      description = "events in the main batches")
  long rows;

  @Option(
      names = "--faults",
      paramLabel = "F",
      defaultValue = "0.01",
      description = "share of faulty rows (default ${DEFAULT-VALUE})")
  double faults;

  @Option(
      names = "--batches",
      paramLabel = "B",
      defaultValue = "1",
      description = "hourly batches (default ${DEFAULT-VALUE})")
  int batches;

  @Option(
      names = "--incremental-rows",
      paramLabel = "M",
      defaultValue = "0",
      description = "then time one more batch of M rows on top")
  long incRows;

  @Option(names = "--no-baseline", description = "skip the baseline")
  boolean noBaseline;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      defaultValue = "docs/benchmarks.md",
      description = "the report the run is appended to (default ${DEFAULT-VALUE})")
  Path report;

  @Mixin HelpOption help;

  @Mixin EnvOptions options;

  /** One timed stage. */
  static final class Timing {
    final String stage;
    final double seconds;
    final long rows;
    final long bytes;
    final long peakHeap;

    /**
     * Rows the stage wrote out, where that differs from its input (the export: rows published to
     * MySQL); else -1.
     */
    final long outputRows;

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

    Timing withOutputRows(long n) {
      return new Timing(stage, seconds, rows, bytes, peakHeap, n);
    }

    List<Object> row() {
      return List.of(
          stage,
          String.format(Locale.ROOT, "%.1f", seconds),
          rows,
          String.format(Locale.ROOT, "%,.0f", rows / Math.max(seconds, 1e-3)),
          String.format(Locale.ROOT, "%.1f", bytes / 1e6 / Math.max(seconds, 1e-3)),
          String.format(Locale.ROOT, "%.0f", peakHeap / 1e6));
    }
  }

  /**
   * The highest used heap (all pools together) seen while a stage runs, sampled every 50 ms.
   * Summing each pool's own peak would overstate it: the pools peak at different times.
   */
  static final class HeapSampler implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicLong peak =
        new java.util.concurrent.atomic.AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    HeapSampler() {
      thread =
          new Thread(
              () -> {
                java.lang.management.MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
                while (running) {
                  peak.accumulateAndGet(heap.getHeapMemoryUsage().getUsed(), Math::max);
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "clicklake-heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long peak() {
      return Math.max(
          peak.get(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }

  static <T> T timed(List<Timing> out, String stage, long rows, long bytes, Supplier<T> work) {
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

  @Override
  public Integer call() throws IOException, SQLException {
    LocalEnv.Settings settings = options.settings("work/bench");
    WorkDir.delete(settings.workdir().toAbsolutePath().normalize());
    Console console = new Console();
    try (LocalEnv env = LocalEnv.open(settings, console)) {
      Path incoming = env.workdir.resolve("incoming");
      long users = Math.max(1, (rows + incRows) / 14);
      List<List<Path>> files = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int b = 0; b < batches + (incRows > 0 ? 1 : 0); b++) {
        long n = b < batches ? rows / batches + (b < rows % batches ? 1 : 0) : incRows;
        Path f = incoming.resolve(String.format("events-%02d.csv", b));
        EventGenerator.write(
            f,
            new EventGenerator.Options()
                .rows(n)
                .faultRate(faults)
                .seed(7)
                .users(users)
                .start(LocalDateTime.of(2019, 10, 1, 0, 0).plusHours(b))
                .minutes(60));
        files.add(List.of(f));
      }
      Console.say(
          "generated %,d rows in %d file(s) in %.0f s (not timed)",
          rows + incRows, files.size(), (System.nanoTime() - t0) / 1e9);
      JobConfig cfg = env.withDatabase();
      SparkSession spark = env.spark();
      // not timed: table creation and the first Spark job of the JVM (steady state is what is
      // measured)
      io.clicklake.table.Lake.configure(spark, cfg)
          .ensure(spark, io.clicklake.table.TableNames.all());
      spark.range(1000).selectExpr("sum(id)").collect();
      List<Timing> main = new ArrayList<>();
      long bytes = 0;
      for (int b = 0; b < batches; b++) {
        bytes += Files.size(files.get(b).get(0));
      }
      double total = pipeline(env, cfg, spark, files.subList(0, batches), rows, bytes, main, 0);
      List<Timing> inc = new ArrayList<>();
      double incTotal = 0;
      if (incRows > 0) {
        long incBytes = Files.size(files.get(batches).get(0));
        Console.say("incremental batch of %,d rows on top of %,d:", incRows, rows);
        incTotal =
            pipeline(
                env,
                cfg,
                spark,
                files.subList(batches, batches + 1),
                incRows,
                incBytes,
                inc,
                batches);
        // the same marts rebuilt from all events, for comparison with the incremental marts stage
        timed(
            inc,
            "full refresh of marts",
            rows + incRows,
            0,
            () ->
                new BuildMartsJob()
                    .run(spark, cfg.with(java.util.Map.of(Keys.FULL_REFRESH.name(), "true"))));
      }
      double baseline = 0;
      List<Timing> base = new ArrayList<>();
      if (!noBaseline) {
        List<String> paths = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
          paths.add(files.get(b).get(0).toUri().toString());
        }
        timed(
            base,
            "baseline",
            rows,
            bytes,
            () -> {
              baseline(spark, cfg, paths);
              return null;
            });
        baseline = base.get(0).seconds;
      }
      Console.say("");
      Console.table(
          List.of("stage", "seconds", "rows", "rows/s", "MB/s", "peak heap MB"), toRows(main));
      Console.say(
          "  pipeline end to end: %.1f s (%,.0f rows/s)%s",
          total,
          rows / total,
          baseline > 0
              ? String.format(
                  Locale.ROOT,
                  "; baseline %.1f s; pipeline is %.2fx the baseline's speed",
                  baseline,
                  baseline / total)
              : "");
      if (incRows > 0) {
        Console.table(
            List.of("incremental", "seconds", "rows", "rows/s", "MB/s", "peak heap MB"),
            toRows(inc));
        Console.say("  incremental batch end to end: %.1f s", incTotal);
      }
      report(report, rows, faults, batches, incRows, main, total, inc, incTotal, baseline, env);
      return 0;
    }
  }

  private static List<List<Object>> toRows(List<Timing> ts) {
    List<List<Object>> out = new ArrayList<>();
    for (Timing t : ts) {
      out.add(t.row());
    }
    return out;
  }

  /** Lands and runs the batches; returns the end-to-end seconds (landing included). */
  private static double pipeline(
      LocalEnv env,
      JobConfig cfg,
      SparkSession spark,
      List<List<Path>> files,
      long rows,
      long bytes,
      List<Timing> out,
      int hourOffset) {
    String landing = cfg.require(Keys.LANDING_ROOT);
    List<String> instances = new ArrayList<>();
    timed(
        out,
        "landing",
        rows,
        bytes,
        () -> {
          for (int i = 0; i < files.size(); i++) {
            String inst = String.format("2019/10/01/%02d", hourOffset + i);
            try {
              instances.add(
                  Landing.land(
                          env.fs(landing), landing, inst, files.get(i), cfg.get(Keys.DONE_FLAG))
                      .toString());
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
          return null;
        });
    List<Supplier<SparkJob<?>>> jobs =
        List.of(
            StageLandingJob::new,
            CleanEventsJob::new,
            BuildMartsJob::new,
            ExportMartsJob::new,
            PurgeStagingJob::new);
    long exported = 0;
    for (Supplier<SparkJob<?>> j : jobs) {
      String stage = j.get().stage().code();
      List<Object> results =
          timed(
              out,
              stage,
              rows,
              bytes,
              () -> {
                List<Object> rs = new ArrayList<>();
                for (String inst : instances) {
                  rs.add(j.get().run(spark, cfg.withInstance(inst)));
                }
                return rs;
              });
      for (Object r : results) {
        if (r instanceof ExportMartsJob.Result) {
          exported +=
              ((ExportMartsJob.Result) r).rows.values().stream().mapToLong(Long::longValue).sum();
        }
      }
    }
    Timing export =
        out.stream()
            .filter(t -> t.stage.equals(new ExportMartsJob().stage().code()))
            .findFirst()
            .orElseThrow();
    out.set(out.indexOf(export), export.withOutputRows(exported));
    Console.say(
        "  %-10s %,d rows published to MySQL: %,.0f rows/s",
        "", exported, exported / Math.max(export.seconds, 1e-3));
    return out.stream().mapToDouble(t -> t.seconds).sum();
  }

  /** What tutorials do: inferSchema, dropDuplicates, groupBy, JDBC overwrite. */
  static void baseline(SparkSession spark, JobConfig cfg, List<String> paths) {
    Dataset<Row> raw =
        spark
            .read()
            .option("header", "true")
            .option("inferSchema", "true")
            .csv(paths.toArray(new String[0]));
    Dataset<Row> clean = raw.na().drop().dropDuplicates();
    clean.createOrReplaceTempView("baseline_events");
    Dataset<Row> users =
        spark
            .sql(
                "select user_id, sum(case when event_type = 'view' then 1 else 0 end) as"
                    + " total_views, sum(case when event_type = 'cart' then 1 else 0 end) as"
                    + " total_add_to_cart, sum(case when event_type = 'purchase' then 1 else 0 end)"
                    + " as total_purchases from baseline_events group by user_id")
            .selectExpr(
                "*",
                "total_add_to_cart / nullif(total_views, 0) as view_to_cart_rate",
                "total_purchases / nullif(total_add_to_cart, 0) as cart_to_purchase_rate");
    Dataset<Row> sessions =
        spark.sql(
            "select user_session, sum(case when event_type = 'purchase' then price else 0 end) as"
                + " total_revenue from baseline_events group by user_session");
    Properties p = new Properties();
    p.setProperty("user", cfg.get(Keys.MYSQL_USER));
    p.setProperty(
        "password",
        io.clicklake.config.Secrets.mysqlPassword(cfg, new org.apache.hadoop.conf.Configuration()));
    p.setProperty("driver", "com.mysql.cj.jdbc.Driver");
    String url =
        cfg.require(Keys.MYSQL_URL)
            .replace("rewriteBatchedStatements=true", "rewriteBatchedStatements=false");
    users.write().mode(SaveMode.Overwrite).jdbc(url, "baseline_user_engagement", p);
    sessions.write().mode(SaveMode.Overwrite).jdbc(url, "baseline_session_revenue", p);
  }

  private static void report(
      Path file,
      long rows,
      double faults,
      int batches,
      long incRows,
      List<Timing> main,
      double total,
      List<Timing> inc,
      double incTotal,
      double baseline,
      LocalEnv env)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    if (!Files.exists(file)) {
      sb.append(
              "# Benchmarks\n\n"
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
    String machine =
        Runtime.getRuntime().availableProcessors()
            + " cores, "
            + (Runtime.getRuntime().maxMemory() >> 20)
            + " MB heap";
    String versions =
        "Spark "
            + org.apache.spark.package$.MODULE$.SPARK_VERSION()
            + ", Iceberg "
            + org.apache.iceberg.IcebergBuild.version().split(" ")[0]
            + ", Java "
            + System.getProperty("java.version");
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
}

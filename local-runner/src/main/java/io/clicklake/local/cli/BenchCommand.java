package io.clicklake.local.cli;

import static io.clicklake.local.bench.Timing.timed;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.generate.EventGenerator;
import io.clicklake.job.BuildMartsJob;
import io.clicklake.job.CleanEventsJob;
import io.clicklake.job.ExportMartsJob;
import io.clicklake.job.PurgeStagingJob;
import io.clicklake.job.SparkJob;
import io.clicklake.job.StageLandingJob;
import io.clicklake.local.CliException;
import io.clicklake.local.Console;
import io.clicklake.local.Landing;
import io.clicklake.local.LocalEnv;
import io.clicklake.local.bench.BenchChart;
import io.clicklake.local.bench.BenchDoc;
import io.clicklake.local.bench.BenchResults;
import io.clicklake.local.bench.BenchSummary;
import io.clicklake.local.bench.LoadAverage;
import io.clicklake.local.bench.RunsTable;
import io.clicklake.local.bench.Series;
import io.clicklake.local.bench.StageTime;
import io.clicklake.local.bench.Timing;
import io.clicklake.local.bench.TutorialBaseline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/pipeline bench}: generates data (not timed), runs the full pipeline on the embedded
 * defaults and, on the same data, a tutorial-style baseline (CSV with inferSchema, dropDuplicates,
 * groupBy marts, Spark's default JDBC overwrite); prints per-stage wall time, rows/s, MB/s and peak
 * heap. With {@code --repeat N} it does so N times, each run in a fresh environment, and prints
 * min/median/max; {@code --hourly N} adds N hourly batches of 57,000 rows on the same JVM. The load
 * average before and after each run says whether the machine was quiet. The doc and its chart are
 * written only when asked ({@code --write-doc}, {@code --chart}, {@code --report}).
 */
@Command(
    name = "bench",
    description = {
      "benchmark the pipeline against a tutorial-style baseline",
      "Generates N rows in B files (not timed) at the REES46 October rate of 57,000 events an hour"
          + " (10M rows span 7.3 days), runs landing → stage → clean → marts → MySQL → purge and"
          + " times each stage; with --incremental-rows, then times one more batch of M"
          + " rows on top; with --hourly, then N more batches of 57,000 rows, one hourly landing"
          + " instance each (the REES46 October average per hour). The baseline runs on the main"
          + " files. --repeat runs it all N times, each in a fresh <workdir>/run-N, and prints"
          + " min/median/max. A run that starts with a 1-minute load average above --max-load is"
          + " flagged: the machine was not quiet."
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
      description = "main batches, one landing instance each (default ${DEFAULT-VALUE})")
  int batches;

  @Option(
      names = "--incremental-rows",
      paramLabel = "M",
      defaultValue = "0",
      description = "then time one more batch of M rows on top")
  long incRows;

  @Option(
      names = "--hourly",
      paramLabel = "N",
      defaultValue = "0",
      description = "then time N hourly batches of 57,000 rows each (median target: 8 s)")
  int hourly;

  @Option(names = "--no-baseline", description = "skip the baseline")
  boolean noBaseline;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "run the whole measurement N times; print min/median/max (default ${DEFAULT-VALUE})")
  int repeat;

  @Option(
      names = "--max-load",
      paramLabel = "L",
      description =
          "warn when the 1-minute load average before a run is above L (default 0.5 x cores)")
  Double maxLoad;

  @Option(
      names = "--settle",
      paramLabel = "S",
      defaultValue = "0",
      description =
          "wait up to S seconds before each run for the load to fall to --max-load (default"
              + " ${DEFAULT-VALUE})")
  int settle;

  @Option(
      names = "--write-doc",
      paramLabel = "FILE",
      description =
          "write the results section and chart (FILE's dir/benchmarks/*.svg) into FILE, e.g."
              + " docs/benchmarks.md, and append the runs to its table")
  Path writeDoc;

  @Option(names = "--chart", paramLabel = "FILE", description = "write the SVG chart to FILE")
  Path chart;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "append one table row per run to FILE")
  Path report;

  /** The REES46 October average of events per hour: the size of an --hourly batch. */
  static final long HOURLY_ROWS = 57_000;

  static final LocalDateTime FIRST_HOUR = LocalDateTime.of(2019, 10, 1, 0, 0);
  static final DateTimeFormatter INSTANCE = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH");
  static final String FULL_REFRESH = "full refresh of marts";

  @Mixin HelpOption help;

  @Mixin EnvOptions options;

  /**
   * One generated file and the hour (from {@link #FIRST_HOUR}) its events start at, which is also
   * its landing instance.
   */
  private record Drop(Path file, int hour) {}

  /** The generated input: the main batches, the incremental batch (or null), the hourly batches. */
  private record Inputs(List<Drop> main, Drop incremental, List<Drop> hourly) {}

  /** What one run measured. {@code incremental}, {@code fullRefresh}, {@code baseline}: if run. */
  private record RunResult(
      List<Timing> main,
      List<Timing> incremental,
      Timing fullRefresh,
      List<List<Timing>> hourly,
      Timing baseline) {}

  @Override
  public Integer call() throws IOException, SQLException {
    LocalEnv.Settings settings = options.settings("work/bench");
    if (repeat < 1 || hourly < 0 || batches < 1) {
      throw new CliException(
          "--repeat and --batches expect at least 1 and --hourly at least 0, found --repeat "
              + repeat
              + " --batches "
              + batches
              + " --hourly "
              + hourly);
    }
    if (repeat > 1
        && (settings.landing() != null
            || settings.warehouse() != null
            || settings.mysqlUrl() != null)) {
      throw new CliException(
          "--repeat needs a fresh landing, warehouse and database for each run: drop --landing,"
              + " --warehouse and --mysql-url (every run then has its own <workdir>/run-N)");
    }
    Path root = settings.workdir().toAbsolutePath().normalize();
    WorkDir.delete(root);
    Inputs in = generate(root.resolve("incoming"));
    double limit = maxLoad != null ? maxLoad : 0.5 * Runtime.getRuntime().availableProcessors();
    Console console = new Console();
    List<RunResult> runs = new ArrayList<>();
    List<LoadAverage> before = new ArrayList<>();
    List<LoadAverage> after = new ArrayList<>();
    for (int r = 1; r <= repeat; r++) {
      Path workdir = repeat == 1 ? root : root.resolve("run-" + r);
      if (r > 1) {
        WorkDir.delete(root.resolve("run-" + (r - 1)));
      }
      try (LocalEnv env = LocalEnv.open(withWorkdir(settings, workdir), console)) {
        JobConfig cfg = env.withDatabase();
        SparkSession spark = env.spark();
        // not timed: table creation and the first Spark job of the run (steady state is what is
        // measured)
        io.clicklake.table.Lake.configure(spark, cfg)
            .ensure(spark, io.clicklake.table.TableNames.all());
        spark.range(1000).selectExpr("sum(id)").collect();
        LoadAverage load = settle(limit);
        before.add(load);
        Console.say("");
        Console.say("run %d of %d: load average before %s", r, repeat, load);
        if (load.above(limit)) {
          Console.say(
              "WARNING: the 1-minute load average before run %d was %.2f, above %.2f (--max-load;"
                  + " default 0.5 x %d cores): the machine was not quiet, so this run may be slower"
                  + " than the code. --settle S waits up to S seconds for a quiet machine.",
              r, load.one(), limit, Runtime.getRuntime().availableProcessors());
        }
        RunResult result = runOnce(env, cfg, spark, in);
        runs.add(result);
        LoadAverage end = LoadAverage.read();
        after.add(end);
        Console.say("run %d of %d: load average after %s", r, repeat, end);
        for (Path table : new LinkedHashSet<>(Arrays.asList(report, writeDoc))) {
          if (table != null) {
            RunsTable.append(
                table,
                rows,
                faults,
                batches,
                incRows,
                result.main(),
                result.incremental(),
                result.baseline());
          }
        }
      }
    }
    BenchResults results = results(runs, before, after, limit);
    BenchSummary.print(results);
    if (chart != null) {
      writeChart(chart, results);
    }
    if (writeDoc != null) {
      writeDoc(writeDoc, results);
    }
    return 0;
  }

  /**
   * Writes the input files (not timed): the main batches, the incremental and hourly batches. The
   * events come at the REES46 October rate: a file of n rows spans n / 57,000 hours (at least one),
   * and each file starts where the one before ended. So 10M rows cover about 7 days of about 1.4M
   * events each, as the real data does, and the day-grain marts recompute days of a real size.
   */
  private Inputs generate(Path incoming) throws IOException {
    long users = Math.max(1, (rows + incRows) / 14);
    long t0 = System.nanoTime();
    List<Drop> main = new ArrayList<>();
    int hour = 0;
    for (int b = 0; b < batches; b++) {
      long n = rows / batches + (b < rows % batches ? 1 : 0);
      main.add(write(incoming, b, hour, n, users, 7));
      hour += hours(n);
    }
    Drop inc = null;
    if (incRows > 0) {
      inc = write(incoming, batches, hour, incRows, users, 7);
      hour += hours(incRows);
    }
    List<Drop> hourlyFiles = new ArrayList<>();
    int firstFile = batches + (incRows > 0 ? 1 : 0);
    for (int h = 0; h < hourly; h++) {
      // a seed per hour: each hour has its own sessions, as real traffic does
      hourlyFiles.add(
          write(incoming, firstFile + h, hour + h, HOURLY_ROWS, users, 7 + firstFile + h));
    }
    Console.say(
        "generated %,d rows in %d file(s) in %.0f s (not timed)",
        rows + incRows + hourly * HOURLY_ROWS,
        main.size() + (inc != null ? 1 : 0) + hourlyFiles.size(),
        (System.nanoTime() - t0) / 1e9);
    return new Inputs(main, inc, hourlyFiles);
  }

  /** The hours that n events span at the REES46 October rate of {@link #HOURLY_ROWS} per hour. */
  static int hours(long n) {
    return (int) Math.max(1, (n + HOURLY_ROWS - 1) / HOURLY_ROWS);
  }

  private Drop write(Path incoming, int index, int hour, long n, long users, long seed)
      throws IOException {
    Path f = incoming.resolve(String.format(Locale.ROOT, "events-%02d.csv", index));
    EventGenerator.write(
        f,
        new EventGenerator.Options()
            .rows(n)
            .faultRate(faults)
            .seed(seed)
            .users(users)
            .start(FIRST_HOUR.plusHours(hour))
            .minutes(60 * hours(n)));
    return new Drop(f, hour);
  }

  private static LocalEnv.Settings withWorkdir(LocalEnv.Settings s, Path workdir) {
    return new LocalEnv.Settings(
        workdir,
        s.landing(),
        s.warehouse(),
        s.mysqlUrl(),
        s.mysqlUser(),
        s.mysqlPassword(),
        s.mysqlPort(),
        s.configFile(),
        s.conf(),
        s.hdfs(),
        s.verbose());
  }

  /**
   * The load average once it is at or below {@code limit}, or after {@code --settle} seconds. The
   * bench's own data generation and previous run count too: the 1-minute figure takes about a
   * minute to forget them.
   */
  private LoadAverage settle(double limit) {
    long deadline = System.nanoTime() + (long) (settle * 1e9);
    LoadAverage load = LoadAverage.read();
    if (load.above(limit) && settle > 0) {
      Console.say(
          "waiting up to %d s for the 1-minute load average (%.2f) to fall to %.2f",
          settle, load.one(), limit);
    }
    while (load.above(limit) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      load = LoadAverage.read();
    }
    return load;
  }

  /** One run of the measured scenario in a fresh environment; prints its tables. */
  private RunResult runOnce(LocalEnv env, JobConfig cfg, SparkSession spark, Inputs in)
      throws IOException {
    List<Timing> main = new ArrayList<>();
    long bytes = 0;
    for (Drop d : in.main()) {
      bytes += Files.size(d.file());
    }
    double total = pipeline(env, cfg, spark, in.main(), rows, bytes, main);
    List<Timing> inc = new ArrayList<>();
    double incTotal = 0;
    Timing fullRefresh = null;
    if (in.incremental() != null) {
      Console.say("incremental batch of %,d rows on top of %,d:", incRows, rows);
      incTotal =
          pipeline(
              env,
              cfg,
              spark,
              List.of(in.incremental()),
              incRows,
              Files.size(in.incremental().file()),
              inc);
      // the same marts rebuilt from all events, for comparison with the incremental marts stage
      List<Timing> refresh = new ArrayList<>();
      timed(
          refresh,
          FULL_REFRESH,
          rows + incRows,
          0,
          () ->
              new BuildMartsJob()
                  .run(spark, cfg.with(java.util.Map.of(Keys.FULL_REFRESH.name(), "true"))));
      fullRefresh = refresh.get(0);
    }
    List<List<Timing>> hourlyRuns = new ArrayList<>();
    for (int h = 0; h < in.hourly().size(); h++) {
      Drop d = in.hourly().get(h);
      Console.say(
          "hourly batch %d of %d (%s, %,d rows):",
          h + 1, in.hourly().size(), instance(d.hour()), HOURLY_ROWS);
      List<Timing> batch = new ArrayList<>();
      pipeline(env, cfg, spark, List.of(d), HOURLY_ROWS, Files.size(d.file()), batch);
      hourlyRuns.add(batch);
    }
    Timing base = null;
    if (!noBaseline) {
      List<String> paths = new ArrayList<>();
      for (Drop d : in.main()) {
        paths.add(d.file().toUri().toString());
      }
      List<Timing> b = new ArrayList<>();
      long baseBytes = bytes;
      timed(
          b,
          "baseline",
          rows,
          baseBytes,
          () -> {
            TutorialBaseline.run(spark, cfg, paths);
            return null;
          });
      base = b.get(0);
    }
    double baseline = base == null ? 0 : base.seconds;
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
    if (in.incremental() != null) {
      List<Timing> incRowsTable = new ArrayList<>(inc);
      incRowsTable.add(fullRefresh);
      Console.table(
          List.of("incremental", "seconds", "rows", "rows/s", "MB/s", "peak heap MB"),
          toRows(incRowsTable));
      Console.say("  incremental batch end to end: %.1f s", incTotal);
    }
    if (!hourlyRuns.isEmpty()) {
      printHourly(hourlyRuns, in.hourly());
    }
    return new RunResult(main, inc, fullRefresh, hourlyRuns, base);
  }

  /** One line per hourly batch: its instance, each stage's seconds, end to end. */
  private static void printHourly(List<List<Timing>> batches, List<Drop> drops) {
    List<String> header = new ArrayList<>(List.of("hourly batch", "instance"));
    for (Timing t : batches.get(0)) {
      header.add(t.stage + " s");
    }
    header.add("end to end s");
    List<List<Object>> lines = new ArrayList<>();
    for (int i = 0; i < batches.size(); i++) {
      List<Object> line = new ArrayList<>(List.of(i + 1, instance(drops.get(i).hour())));
      for (Timing t : batches.get(i)) {
        line.add(String.format(Locale.ROOT, "%.1f", t.seconds));
      }
      line.add(
          String.format(
              Locale.ROOT, "%.1f", batches.get(i).stream().mapToDouble(t -> t.seconds).sum()));
      lines.add(line);
    }
    Console.table(header, lines);
  }

  private BenchResults results(
      List<RunResult> runs, List<LoadAverage> before, List<LoadAverage> after, double limit) {
    List<List<StageTime>> main = new ArrayList<>();
    List<List<StageTime>> inc = new ArrayList<>();
    List<List<StageTime>> refresh = new ArrayList<>();
    List<List<StageTime>> hourlyRuns = new ArrayList<>();
    List<List<StageTime>> base = new ArrayList<>();
    for (RunResult r : runs) {
      main.add(stageTimes(r.main()));
      if (!r.incremental().isEmpty()) {
        inc.add(stageTimes(r.incremental()));
        refresh.add(stageTimes(List.of(r.fullRefresh())));
      }
      for (List<Timing> h : r.hourly()) {
        hourlyRuns.add(stageTimes(h));
      }
      if (r.baseline() != null) {
        base.add(stageTimes(List.of(r.baseline())));
      }
    }
    return new BenchResults(
        key(),
        command(),
        LocalDate.now(),
        RunsTable.machine() + ", " + RunsTable.versions(),
        new Series("pipeline", rows, main),
        base.isEmpty() ? null : new Series("baseline", rows, base),
        inc.isEmpty() ? null : new Series("incremental", incRows, inc),
        refresh.isEmpty() ? null : new Series(FULL_REFRESH, rows + incRows, refresh),
        hourlyRuns.isEmpty() ? null : new Series("hourly batch", HOURLY_ROWS, hourlyRuns),
        before,
        after,
        limit);
  }

  private static List<StageTime> stageTimes(List<Timing> ts) {
    List<StageTime> out = new ArrayList<>();
    for (Timing t : ts) {
      out.add(new StageTime(t.stage, t.seconds, t.rows));
    }
    return out;
  }

  private static void writeChart(Path file, BenchResults r) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(
        file,
        BenchChart.svg("Stage times: " + BenchDoc.title(r), BenchDoc.bars(r)),
        StandardCharsets.UTF_8);
    Console.say("wrote the chart %s", file);
  }

  /** The chart beside the doc (benchmarks/KEY.svg) and this scenario's section in the doc. */
  private static void writeDoc(Path doc, BenchResults r) throws IOException {
    String link = "benchmarks/" + r.key() + ".svg";
    writeChart(doc.toAbsolutePath().getParent().resolve(link), r);
    String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    Files.writeString(
        doc, BenchDoc.upsert(text, r.key(), BenchDoc.section(r, link)), StandardCharsets.UTF_8);
    Console.say("wrote the results of %s to %s", r.key(), doc);
  }

  /** Names the scenario: a later run with the same options replaces its section in the doc. */
  String key() {
    StringBuilder k = new StringBuilder("rows-" + rows);
    if (batches != 1) {
      k.append("-batches-").append(batches);
    }
    if (incRows > 0) {
      k.append("-inc-").append(incRows);
    }
    if (hourly > 0) {
      k.append("-hourly-").append(hourly);
    }
    if (faults != 0.01) {
      k.append("-faults-").append(faults);
    }
    if (noBaseline) {
      k.append("-no-baseline");
    }
    return k.toString();
  }

  /** The command line that reproduces the measurement (without the output options). */
  String command() {
    StringBuilder c = new StringBuilder("bin/pipeline bench --rows " + rows);
    if (faults != 0.01) {
      c.append(" --faults ").append(faults);
    }
    if (batches != 1) {
      c.append(" --batches ").append(batches);
    }
    if (incRows > 0) {
      c.append(" --incremental-rows ").append(incRows);
    }
    if (hourly > 0) {
      c.append(" --hourly ").append(hourly);
    }
    if (noBaseline) {
      c.append(" --no-baseline");
    }
    if (repeat != 1) {
      c.append(" --repeat ").append(repeat);
    }
    return c.toString();
  }

  static String instance(int hour) {
    return FIRST_HOUR.plusHours(hour).format(INSTANCE);
  }

  private static List<List<Object>> toRows(List<Timing> ts) {
    List<List<Object>> out = new ArrayList<>();
    for (Timing t : ts) {
      out.add(t.row());
    }
    return out;
  }

  /**
   * Lands each file as the hourly instance of its first hour and runs the batches; returns the
   * end-to-end seconds (landing included).
   */
  private static double pipeline(
      LocalEnv env,
      JobConfig cfg,
      SparkSession spark,
      List<Drop> drops,
      long rows,
      long bytes,
      List<Timing> out) {
    String landing = cfg.require(Keys.LANDING_ROOT);
    List<String> instances = new ArrayList<>();
    timed(
        out,
        "landing",
        rows,
        bytes,
        () -> {
          for (Drop d : drops) {
            String inst = instance(d.hour());
            try {
              instances.add(
                  Landing.land(
                          env.fs(landing),
                          landing,
                          inst,
                          List.of(d.file()),
                          cfg.get(Keys.DONE_FLAG))
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
}

package io.clicklake.local;

import io.clicklake.config.ConfigException;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.config.Secrets;
import io.clicklake.generate.EventGenerator;
import io.clicklake.job.ExportMartsJob;
import io.clicklake.job.InputException;
import io.clicklake.job.MaintainTablesJob;
import io.clicklake.lock.Lease;
import io.clicklake.local.dashboard.DashboardWriter;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;

/**
 * {@code bin/pipeline}: the same jobs as the Oozie workflow, run on this machine with embedded
 * defaults. Exit code 0 only on success; 2 for a problem the user can fix (the message says what);
 * 1 for anything else.
 */
public final class Pipeline {
  private static final String USAGE =
      String.join("\n",
          "usage: bin/pipeline <command> [options]",
          "",
          "commands:",
          "  demo       generate a sample, land it as three hourly instances and run every stage; print the marts",
          "  generate   write REES46-shaped event files (optionally with faults)",
          "  land       copy local files into a new landing instance (atomic, done-flag last)",
          "  run        process every complete landing instance, oldest first, then exit",
          "  watch      like run, polling the landing directory until stopped",
          "  status     the last batches with their counts and stage states",
          "  export     export the marts to MySQL (--full-refresh: everything, swapped in atomically)",
          "  maintain   Iceberg maintenance: compaction, manifests, snapshot expiry, orphan files",
          "  unlock     remove a step's lock left by a run that is gone (bin/pipeline unlock NAME)",
          "  dashboard  write the self-contained HTML dashboard from the MySQL marts",
          "  bench      benchmark the pipeline against a tutorial-style baseline",
          "",
          "common options:",
          "  --workdir DIR        working directory for the embedded defaults (default ./work)",
          "  --landing DIR|URI    landing root (default <workdir>/landing)",
          "  --warehouse URI      Iceberg warehouse (default file://<workdir>/warehouse)",
          "  --mysql-url URL      use this MySQL/MariaDB instead of the embedded MariaDB",
          "  --mysql-user U       MySQL user (or env CLICKLAKE_MYSQL_USER; default root)",
          "  --mysql-password P   MySQL password (better: env CLICKLAKE_MYSQL_PASSWORD)",
          "  --mysql-port N       port of the embedded MariaDB (default 3307)",
          "  --config FILE        properties file of clicklake.* keys (docs/configuration.md)",
          "  --conf KEY=VALUE     one clicklake.* setting (repeatable)",
          "  --hdfs               start a MiniDFSCluster (data in <workdir>/hdfs) and keep landing and warehouse there",
          "  --verbose            show Spark and Hadoop logs",
          "  --help               help of a command: bin/pipeline <command> --help");

  private Pipeline() {}

  public static void main(String[] argv) {
    int code = run(argv);
    System.exit(code);
  }

  static int run(String[] argv) {
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
      Console.say("%s", USAGE);
      return argv.length == 0 ? 2 : 0;
    }
    String cmd = argv[0];
    List<String> rest = Arrays.asList(argv).subList(1, argv.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      Console.say("%s", help(cmd));
      return 0;
    }
    try {
      switch (cmd) {
        case "demo": return Demo.run(rest);
        case "generate": return generate(rest);
        case "land": return land(rest);
        case "run": return runOrWatch(rest, false);
        case "watch": return runOrWatch(rest, true);
        case "status": return status(rest);
        case "export": return export(rest);
        case "maintain": return maintain(rest);
        case "unlock": return unlock(rest);
        case "dashboard": return dashboard(rest);
        case "bench": return Bench.run(rest);
        default:
          Console.say("error: unknown command '%s'; expected one of demo, generate, land, run, watch, status, export, maintain, unlock, dashboard, bench", cmd);
          return 2;
      }
    } catch (CliException | ConfigException | InputException e) {
      System.out.flush();
      System.err.println("\nerror: " + e.getMessage());
      return 2;
    } catch (RuntimeException | IOException | SQLException e) {
      System.out.flush();
      System.err.println("\nerror: " + rootMessage(e));
      if (Arrays.asList(argv).contains("--verbose")) {
        e.printStackTrace();
      } else {
        System.err.println("(run again with --verbose for the stack trace and logs)");
      }
      return 1;
    }
  }

  /**
   * One line for the user: the message of our own exception in the cause chain if there is one (bad
   * input, MySQL unreachable, a broken invariant), else the innermost cause's first line. Spark wraps a
   * task's failure in several layers whose messages carry whole stack traces.
   */
  static String rootMessage(Throwable e) {
    Throwable innermost = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CliException || t instanceof ConfigException || t instanceof InputException
          || t.getClass().getName().startsWith("io.clicklake.")) {
        return firstLine(t.getMessage());
      }
      innermost = t;
    }
    String m = innermost.getMessage();
    return (innermost == e ? "" : innermost.getClass().getSimpleName() + ": ") + firstLine(m == null ? e.toString() : m);
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "(no message)";
    }
    String s = m.strip();
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl).strip();
  }

  static Set<String> set(String[]... groups) {
    Set<String> s = new HashSet<>();
    for (String[] g : groups) {
      s.addAll(Arrays.asList(g));
    }
    return s;
  }

  static String help(String cmd) {
    switch (cmd) {
      case "demo":
        return "usage: bin/pipeline demo [--rows N (default 210000)] [--faults F (default 0.01)] [--workdir DIR (default ./work/demo)] [--hdfs] [--keep]\n"
            + "Generates N rows with faults as three hourly files, lands them as three instances with done-flags,\n"
            + "runs stage, clean, marts, export and purge over them, prints each batch's accounting and the marts,\n"
            + "writes the HTML dashboard, and says how to connect. Starts from an empty work directory unless --keep.";
      case "generate":
        return "usage: bin/pipeline generate --rows N [--faults F] [--seed S] [--start 2019-10-01T00:00] [--minutes M] [--users U] --out FILE(.csv|.csv.gz)";
      case "land":
        return "usage: bin/pipeline land FILE... [--instance yyyy/MM/dd/HH (default: the current UTC hour)] [--landing DIR] [--workdir DIR]\n"
            + "Copies the files into a temporary directory of the landing root, renames it to the instance, then writes the done-flag.";
      case "run":
        return "usage: bin/pipeline run [--landing DIR] [--warehouse URI] [--mysql-url URL [--mysql-user U] [--mysql-password P]] [common options]\n"
            + "Processes every complete landing instance (with its done-flag), oldest first: stage, clean, marts, export, purge.";
      case "watch":
        return "usage: bin/pipeline watch [--interval SECONDS (default 30)] [same options as run]\nPolls the landing directory until stopped (Ctrl-C).";
      case "status":
        return "usage: bin/pipeline status [--last N (default 20)] [--warehouse URI] [--workdir DIR]";
      case "export":
        return "usage: bin/pipeline export --full-refresh [--mysql-url URL ...]\nRe-exports every mart row and swaps the MySQL tables in with one RENAME TABLE.";
      case "maintain":
        return "usage: bin/pipeline maintain [--conf clicklake.maintain.*=...]";
      case "unlock":
        return "usage: bin/pipeline unlock runner|ingest|marts|export|purge|maintain [--workdir DIR]\n"
            + "Removes the lock of a step whose holder is gone on another host. A lock of a process that ended on this host,\n"
            + "or one not renewed for clicklake.lock.stale-seconds, is removed by the next run without this command.";
      case "dashboard":
        return "usage: bin/pipeline dashboard [--out FILE (default <workdir>/dashboard.html)] [--mysql-url URL ...]";
      case "bench":
        return Bench.HELP;
      default:
        return USAGE;
    }
  }

  private static Args parse(List<String> rest, String[] valued, String[] flags) {
    return Args.parse(rest, set(LocalEnv.VALUED, valued), set(LocalEnv.FLAGS, flags));
  }

  static int generate(List<String> rest) throws IOException {
    Args a = Args.parse(rest, set(new String[] {"--rows", "--faults", "--seed", "--start", "--minutes", "--users", "--out"}), Set.of());
    if (!a.has("--out")) {
      throw new CliException("generate needs --out FILE (.csv or .csv.gz)");
    }
    EventGenerator.Options o = new EventGenerator.Options()
        .rows(a.getLong("--rows", 100_000)).faultRate(a.getDouble("--faults", 0.0)).seed(a.getLong("--seed", 42))
        .minutes((int) a.getLong("--minutes", 60));
    if (a.has("--start")) {
      o.start(LocalDateTime.parse(a.get("--start", null)));
    }
    if (a.has("--users")) {
      o.users(a.getLong("--users", 0));
    }
    Path out = Path.of(a.get("--out", null));
    EventGenerator.Stats s = EventGenerator.write(out, o);
    Console.say("wrote %s: %s", out, s);
    return 0;
  }

  static int land(List<String> rest) throws IOException {
    Args a = parse(rest, new String[] {"--instance"}, new String[0]);
    if (a.positional.isEmpty()) {
      throw new CliException("land needs at least one FILE");
    }
    try (LocalEnv env = LocalEnv.open(a, new Console())) {
      String root = env.config.require(Keys.LANDING_ROOT);
      String instance = a.get("--instance", Landing.currentHour());
      List<Path> files = new ArrayList<>();
      for (String f : a.positional) {
        files.add(Path.of(f));
      }
      org.apache.hadoop.fs.Path p = Landing.land(env.fs(root), root, instance, files, env.config.get(Keys.DONE_FLAG));
      Console.say("landed %d file(s) as %s (done-flag %s written last)", files.size(), p, env.config.get(Keys.DONE_FLAG));
      return 0;
    }
  }

  static int runOrWatch(List<String> rest, boolean watch) throws IOException, SQLException {
    Args a = parse(rest, new String[] {"--interval"}, new String[0]);
    Console console = new Console();
    try (LocalEnv env = LocalEnv.open(a, console)) {
      String landing = env.config.require(Keys.LANDING_ROOT);
      if (!env.fs(landing).exists(new org.apache.hadoop.fs.Path(landing))) {
        throw new CliException("landing directory " + landing + " does not exist; create it or pass --landing DIR");
      }
      JobConfig cfg = env.withDatabase();
      Runner runner = new Runner(env, console);
      runner.verbose = a.has("--verbose");
      // one run or watch at a time over this staging area: a second one fails here, naming the first
      try (Lease lease = Lease.acquire(cfg, env.hadoopConf(), "runner", "bin/pipeline " + (watch ? "watch" : "run"), null)) {
        if (!watch) {
          runner.runOnce(cfg);
          runner.printSummary();
          printMarts(cfg, env);
          return runner.failures.isEmpty() ? 0 : 1;
        }
        long interval = a.getLong("--interval", 30);
        Console.say("watching %s every %d s (Ctrl-C to stop)", landing, interval);
        while (true) {
          int n = runner.runOnce(cfg);
          if (n > 0 || !runner.failures.isEmpty()) {
            runner.printSummary();
            runner.summary.clear();
            runner.failures.clear();
          }
          try {
            Thread.sleep(interval * 1000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
          }
        }
      }
    }
  }

  static int unlock(List<String> rest) {
    Args a = parse(rest, new String[0], new String[0]);
    if (a.positional.size() != 1) {
      throw new CliException("unlock needs one lock name: runner, ingest, marts, export, purge or maintain");
    }
    try (LocalEnv env = LocalEnv.open(a, new Console())) {
      String holder = Lease.breakLease(env.config, env.hadoopConf(), a.positional.get(0));
      Console.say(holder == null ? "no %s lock was held" : "removed the %s lock held by %s", a.positional.get(0), holder);
      return 0;
    }
  }

  static int status(List<String> rest) {
    Args a = parse(rest, new String[] {"--last"}, new String[0]);
    try (LocalEnv env = LocalEnv.open(a, new Console())) {
      Lake lake = Lake.configure(env.spark(), env.config);
      lake.ensure(env.spark(), TableNames.INGEST);
      List<List<Object>> rows = new ArrayList<>();
      for (Row r : env.spark().sql("select batch_id, status, stage_status, clean_status, marts_status, export_status, purge_status,"
              + " rows_read, rows_clean, rows_quarantined, rows_duplicate, files_rejected, date_format(coalesce(finished_at, started_at), 'yyyy-MM-dd HH:mm:ss')"
              + " from " + lake.table(TableNames.BATCHES) + " order by started_at desc limit " + a.getLong("--last", 20)).collectAsList()) {
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
          l.add(r.get(i));
        }
        rows.add(l);
      }
      if (rows.isEmpty()) {
        Console.say("no batches yet in %s", env.config.get(Keys.CATALOG_WAREHOUSE));
        return 0;
      }
      Console.table(List.of("batch", "status", "stage", "clean", "marts", "export", "purge", "read", "clean", "quarantined", "duplicate", "rejected files", "at (UTC)"), rows);
      List<List<Object>> reasons = new ArrayList<>();
      // one column per reason code, in rule order: a new reason shows up here without touching this code
      List<String> reasonCodes = Arrays.stream(io.clicklake.quality.Reason.values())
          .map(io.clicklake.quality.Reason::code).collect(java.util.stream.Collectors.toList());
      String reasonCols = reasonCodes.stream().map(c -> "q_" + c).collect(java.util.stream.Collectors.joining(", "));
      for (Row r : env.spark().sql("select batch_id, " + reasonCols + " from " + lake.table(TableNames.BATCHES)
              + " order by started_at desc limit " + a.getLong("--last", 20)).collectAsList()) {
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
          l.add(r.get(i));
        }
        reasons.add(l);
      }
      Console.say("");
      Console.say("quarantined rows by reason:");
      List<String> reasonHeader = new ArrayList<>(List.of("batch"));
      reasonHeader.addAll(reasonCodes);
      Console.table(reasonHeader, reasons);
      List<List<Object>> errors = new ArrayList<>();
      for (Row r : env.spark().sql("select batch_id, error_message from " + lake.table(TableNames.BATCHES)
              + " where status = 'failed' order by started_at desc limit " + a.getLong("--last", 20)).collectAsList()) {
        String m = r.isNullAt(1) ? "" : r.getString(1).replaceAll("\\s+", " ");
        errors.add(List.of(r.getString(0), m.length() > 200 ? m.substring(0, 197) + "..." : m));
      }
      if (!errors.isEmpty()) {
        Console.say("");
        Console.say("failed batches (the next run retries them):");
        Console.table(List.of("batch", "error"), errors);
      }
      return 0;
    }
  }

  static int export(List<String> rest) throws SQLException {
    Args a = parse(rest, new String[0], new String[] {"--full-refresh"});
    if (!a.has("--full-refresh")) {
      throw new CliException("export runs with --full-refresh (incremental exports run per batch in run/watch)");
    }
    try (LocalEnv env = LocalEnv.open(a, new Console())) {
      JobConfig cfg = env.withDatabase().with(Map.of(Keys.FULL_REFRESH.name(), "true"));
      if (!cfg.isSet(Keys.BATCH_ID)) {
        // a full refresh publishes everything; it is recorded on the latest batch whose marts are built
        Lake lake = Lake.configure(env.spark(), cfg);
        lake.ensure(env.spark(), TableNames.INGEST);
        List<Row> latest = env.spark().sql("select batch_id from " + lake.table(TableNames.BATCHES)
            + " where marts_status = 'done' order by started_at desc, batch_id desc limit 1").collectAsList();
        if (latest.isEmpty()) {
          throw new CliException("nothing to export: no batch has its marts built yet in " + cfg.get(Keys.CATALOG_WAREHOUSE) + "; run bin/pipeline run first");
        }
        cfg = cfg.with(Map.of(Keys.BATCH_ID.name(), latest.get(0).getString(0)));
      }
      ExportMartsJob.Result r = new ExportMartsJob().runLocked(env.spark(), cfg);
      Console.say("%s", r);
      printMarts(cfg, env);
      return 0;
    }
  }

  static int maintain(List<String> rest) {
    Args a = parse(rest, new String[0], new String[0]);
    try (LocalEnv env = LocalEnv.open(a, new Console())) {
      MaintainTablesJob.Result r = new MaintainTablesJob().runLocked(env.spark(), env.config);
      Console.say("%s", r);
      return 0;
    }
  }

  static int dashboard(List<String> rest) throws SQLException, IOException {
    Args a = parse(rest, new String[] {"--out"}, new String[0]);
    try (LocalEnv env = LocalEnv.open(a, new Console())) {
      JobConfig cfg = env.withDatabase();
      Path out = Path.of(a.get("--out", env.workdir.resolve("dashboard.html").toString()));
      Console.say("dashboard written to %s", writeDashboard(cfg, env, out));
      return 0;
    }
  }

  static Path writeDashboard(JobConfig cfg, LocalEnv env, Path out) throws SQLException, IOException {
    try (Connection c = connect(cfg, env)) {
      return DashboardWriter.write(c, out);
    }
  }

  static Connection connect(JobConfig cfg, LocalEnv env) throws SQLException {
    return DriverManager.getConnection(cfg.require(Keys.MYSQL_URL), cfg.get(Keys.MYSQL_USER),
        Secrets.mysqlPassword(cfg, new org.apache.hadoop.conf.Configuration()));
  }

  /** The marts summary printed after run, export and demo. */
  static void printMarts(JobConfig cfg, LocalEnv env) throws SQLException {
    try (Connection c = connect(cfg, env); Statement s = c.createStatement()) {
      Console.say("");
      try (ResultSet r = c.getMetaData().getTables(c.getCatalog(), null, "session_revenue", null)) {
        if (!r.next()) {
          Console.say("no marts in MySQL yet (nothing exported)");
          return;
        }
      }
      Console.say("marts in MySQL:");
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery("select count(*), coalesce(sum(total_views),0), coalesce(sum(total_add_to_cart),0), coalesce(sum(total_purchases),0),"
          + " avg(view_to_cart_rate), avg(cart_to_purchase_rate), sum(view_to_cart_rate is null) from user_engagement")) {
        r.next();
        rows.add(List.of("user_engagement", r.getLong(1) + " users", "views " + r.getLong(2) + ", carts " + r.getLong(3) + ", purchases " + r.getLong(4)
            + String.format(Locale.ROOT, "; avg view→cart %.4f, avg cart→purchase %.4f; %d users with no views (rate NULL)",
                r.getDouble(5), r.getDouble(6), r.getLong(7))));
      }
      try (ResultSet r = s.executeQuery("select count(*), sum(total_revenue > 0), coalesce(sum(total_revenue), 0), max(total_revenue) from session_revenue")) {
        r.next();
        rows.add(List.of("session_revenue", r.getLong(1) + " sessions",
            r.getLong(2) + " with a purchase; revenue " + r.getBigDecimal(3) + "; largest session " + r.getBigDecimal(4)));
      }
      try (ResultSet r = s.executeQuery("select count(*), min(event_date), max(event_date), coalesce(sum(purchases),0) from daily_funnel")) {
        r.next();
        rows.add(List.of("daily_funnel", r.getLong(1) + " days", r.getString(2) + " .. " + r.getString(3) + ", purchases " + r.getLong(4)));
      }
      try (ResultSet r = s.executeQuery("select count(*), max(export_at) from pipeline_batches")) {
        r.next();
        rows.add(List.of("pipeline_batches", r.getLong(1) + " batches", "last export " + r.getString(2) + " UTC"));
      }
      Console.table(List.of("table", "rows", "summary"), rows);
      Console.say("");
      Console.say("top sessions by revenue:");
      List<List<Object>> top = new ArrayList<>();
      try (ResultSet r = s.executeQuery("select user_session, total_revenue, user_id, purchases from session_revenue order by total_revenue desc, user_session limit 5")) {
        while (r.next()) {
          top.add(List.of(r.getString(1), r.getBigDecimal(2).toPlainString(), String.valueOf(r.getLong(3)), r.getLong(4)));
        }
      }
      Console.table(List.of("user_session", "total_revenue", "user_id", "purchases"), top);
    }
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.delete(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

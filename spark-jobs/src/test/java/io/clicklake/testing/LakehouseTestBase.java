package io.clicklake.testing;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.job.SparkJob;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Starts one MiniDFSCluster (127.0.0.1, one datanode) and one local[2] SparkSession per test class.
 * Each test gets its own HDFS root and Iceberg namespace from {@link #newEnv(String)}, so tests in
 * a class never see each other's tables or files.
 */
public abstract class LakehouseTestBase {
  protected static MiniDFSCluster hdfs;
  protected static FileSystem fs;
  protected static SparkSession spark;
  protected static String warehouse;
  private static File baseDir;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @BeforeAll
  static void startInfrastructure() throws IOException {
    baseDir = Files.createTempDirectory("clicklake-minidfs").toFile();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.getAbsolutePath());
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.setBoolean("dfs.permissions.enabled", false);
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    fs = hdfs.getFileSystem();
    warehouse = fs.getUri() + "/warehouse";
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("clicklake-test")
            .config("spark.sql.extensions", SparkJob.ICEBERG_EXTENSIONS)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.hadoop.fs.defaultFS", fs.getUri().toString())
            .getOrCreate();
  }

  @AfterAll
  static void stopInfrastructure() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
    if (hdfs != null) {
      hdfs.shutdown();
      hdfs = null;
    }
  }

  /** A fresh, isolated environment: its own HDFS paths and namespace in the class's warehouse. */
  protected static Env newEnv(String name) {
    String id =
        name.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase() + "_" + COUNTER.incrementAndGet();
    return new Env(id);
  }

  /** One test's paths, namespace and config. */
  public static final class Env {
    public final String id;
    public final Path root;
    public final Path landing;
    public final Path staging;
    public final Path rejected;

    Env(String id) {
      this.id = id;
      this.root = new Path(fs.getUri() + "/tests/" + id);
      this.landing = new Path(root, "landing");
      this.staging = new Path(root, "staging");
      this.rejected = new Path(root, "rejected");
    }

    public JobConfig config() {
      return JobConfig.builder()
          .set(Keys.CATALOG_WAREHOUSE, warehouse)
          .set(Keys.NAMESPACE, id)
          .set(Keys.LANDING_ROOT, landing.toString())
          .set(Keys.STAGING_ROOT, staging.toString())
          .set(Keys.REJECTED_ROOT, rejected.toString())
          .build();
    }

    public JobConfig config(String instance) {
      return config().withInstance(instance);
    }

    public String table(String name) {
      return "lake." + id + "." + name;
    }

    /**
     * Creates a landing instance (relative path like 2019/10/01/00) with the given files; done-flag
     * optional.
     */
    public Path instance(String rel, boolean ready, Object... nameThenContent) throws IOException {
      Path dir = new Path(landing, rel);
      fs.mkdirs(dir);
      for (int i = 0; i < nameThenContent.length; i += 2) {
        write(new Path(dir, (String) nameThenContent[i]), nameThenContent[i + 1]);
      }
      if (ready) {
        markReady(dir);
      }
      return dir;
    }

    /**
     * The contract fixture ({@code clean/shop-a.csv} and {@code shop-b.csv}) landed as instance
     * 2019/10/01/00 with its done-flag: the input of the golden tests.
     */
    public Path goldenInstance() throws IOException {
      return instance(
          "2019/10/01/00",
          true,
          "shop-a.csv",
          resource("clean/shop-a.csv"),
          "shop-b.csv",
          resource("clean/shop-b.csv"));
    }

    public void markReady(Path dir) throws IOException {
      fs.create(new Path(dir, "_READY"), true).close();
    }
  }

  /** Writes text (gzipped when the name ends .gz) or raw bytes. */
  public static void write(Path p, Object content) throws IOException {
    byte[] bytes =
        content instanceof byte[]
            ? (byte[]) content
            : ((String) content).getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = fs.create(p, true)) {
      if (p.getName().endsWith(".gz") && !(content instanceof byte[])) {
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
          gz.write(bytes);
        }
      } else {
        out.write(bytes);
      }
    }
  }

  public static byte[] gzip(String text) throws IOException {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bos.toByteArray();
  }

  public static String resource(String name) throws IOException {
    try (var in = LakehouseTestBase.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Rows of a query as pipe-joined strings, NULL shown as &lt;null&gt;. */
  public static List<String> rows(String sql) {
    List<String> out = new ArrayList<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length(); i++) {
        if (i > 0) {
          sb.append('|');
        }
        sb.append(r.isNullAt(i) ? "<null>" : String.valueOf(r.get(i)));
      }
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * Runs a job as SparkJob.main and the local runner do: a failure is recorded in the batch row,
   * then rethrown.
   */
  public static <R> R runAsCaller(SparkJob<R> job, JobConfig config) {
    return job.runRecorded(spark, config);
  }

  public static long count(String sql) {
    return spark.sql(sql).count();
  }
}

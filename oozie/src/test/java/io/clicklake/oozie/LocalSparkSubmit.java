package io.clicklake.oozie;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Runs a clicklake job the way {@code spark-submit} in client mode runs its main class, inside the
 * Oozie launcher of a {@code <java>} action that {@link SparkToJavaWorkflow} made from a {@code
 * <spark>} action: the job's own {@code main} gets the action's {@code <arg>}s unchanged, and each
 * {@code --conf key=value} of the action's {@code <spark-opts>} (after Oozie's EL) becomes a {@code
 * key} system property, which is where Spark's {@code SparkConf} reads spark-submit's settings
 * from. Only the master changes: Spark runs {@code local[2]} in the launcher instead of on YARN.
 *
 * <p>Spark cannot share a class loader with the launcher (Oozie's Hadoop 3.3.6, old Guava, Jackson
 * and Jetty are on its class path), so the job runs in a class loader of its own, above the JDK
 * only, holding the Spark runtime (the jars of {@code
 * spark-jobs/target/spark-runtime-classpath.txt}, what a Spark sharelib holds) and the action's
 * {@code <jar>}, copied from HDFS as spark-submit copies its primary resource. {@code System.exit}
 * of the job is caught by Oozie's launcher, which reports its code, as for any {@code <java>}
 * action.
 */
public final class LocalSparkSubmit {

  /** Settings that only make sense on this machine, on top of what the workflow passes. */
  static final Map<String, String> LOCAL_CONF =
      Map.of(
          "spark.master", "local[2]",
          "spark.submit.deployMode", "client",
          "spark.ui.enabled", "false",
          "spark.driver.host", "127.0.0.1",
          "spark.driver.bindAddress", "127.0.0.1",
          "spark.sql.shuffle.partitions", "4");

  private LocalSparkSubmit() {}

  public static void main(String[] args) throws Throwable {
    Configuration action = SparkToJavaWorkflow.actionConf();
    String jobClass = required(action, SparkToJavaWorkflow.JOB_CLASS);
    Map<String, String> sparkConf = sparkConf(action.get(SparkToJavaWorkflow.SPARK_OPTS, ""));
    sparkConf.put("spark.app.name", required(action, SparkToJavaWorkflow.APP_NAME));
    sparkConf.putAll(LOCAL_CONF);
    sparkConf.forEach(System::setProperty);

    List<URL> classpath = new ArrayList<>();
    for (String jar : sparkRuntime(required(action, SparkToJavaWorkflow.SPARK_CLASSPATH))) {
      classpath.add(new File(jar).toURI().toURL());
    }
    classpath.add(localCopy(required(action, SparkToJavaWorkflow.JAR)).toUri().toURL());

    System.out.println(
        "local spark-submit of " + jobClass + " " + String.join(" ", args) + " with " + sparkConf);
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader spark =
        new URLClassLoader(classpath.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      Thread.currentThread().setContextClassLoader(spark);
      Method main = Class.forName(jobClass, true, spark).getMethod("main", String[].class);
      try {
        main.invoke(null, (Object) args);
      } catch (InvocationTargetException e) {
        // Unwrapped, so that the launcher sees the SecurityException of an intercepted System.exit
        // and its code.
        throw e.getCause();
      } finally {
        stopSpark(spark);
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /**
   * The Spark conf spark-submit derives from {@code <spark-opts>}: {@code --conf k=v} and the few
   * options the workflows use. Anything else is an error, so that the test notices an option it
   * does not pass on.
   */
  static Map<String, String> sparkConf(String sparkOpts) {
    Map<String, String> conf = new TreeMap<>();
    List<String> tokens =
        Arrays.stream(sparkOpts.trim().split("\\s+")).filter(t -> !t.isEmpty()).toList();
    for (int i = 0; i < tokens.size(); i += 2) {
      String option = tokens.get(i);
      if (i + 1 >= tokens.size()) {
        throw new IllegalArgumentException(
            "spark-opts: expected a value after " + option + " in: " + sparkOpts);
      }
      String value = tokens.get(i + 1);
      switch (option) {
        case "--conf" -> {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException(
                "spark-opts: expected --conf key=value, found --conf " + value);
          }
          conf.put(value.substring(0, eq), value.substring(eq + 1));
        }
        case "--driver-memory" -> conf.put("spark.driver.memory", value);
        case "--executor-memory" -> conf.put("spark.executor.memory", value);
        case "--executor-cores" -> conf.put("spark.executor.cores", value);
        case "--num-executors" -> conf.put("spark.executor.instances", value);
        case "--queue" -> conf.put("spark.yarn.queue", value);
        default ->
            throw new IllegalArgumentException(
                "spark-opts: expected --conf, --driver-memory, --executor-memory, --executor-cores,"
                    + " --num-executors or --queue, found "
                    + option
                    + " in: "
                    + sparkOpts);
      }
    }
    return conf;
  }

  private static List<String> sparkRuntime(String classpathFile) throws Exception {
    Path file = Path.of(classpathFile);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "expected the Spark runtime class path in " + file + ", found no such file");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).trim();
    return Arrays.stream(text.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
  }

  /** The action's {@code <jar>} (an HDFS URI), copied into the container's directory. */
  private static Path localCopy(String jarUri) throws Exception {
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(jarUri);
    Path local = Path.of("__app__.jar").toAbsolutePath();
    FileSystem fs = remote.getFileSystem(new Configuration());
    if (!fs.exists(remote)) {
      throw new IllegalStateException(
          "expected the job jar at " + jarUri + " (the action's <jar>), found nothing");
    }
    fs.copyToLocalFile(remote, new org.apache.hadoop.fs.Path(local.toUri()));
    return local;
  }

  /**
   * The jobs leave their session to System.exit; here the JVM goes on, so stop it for the launcher
   * to end cleanly.
   */
  private static void stopSpark(ClassLoader spark) {
    try {
      Class<?> session = Class.forName("org.apache.spark.sql.SparkSession", false, spark);
      Object defaultSession = session.getMethod("getDefaultSession").invoke(null);
      if ((Boolean) defaultSession.getClass().getMethod("isDefined").invoke(defaultSession)) {
        Object s = defaultSession.getClass().getMethod("get").invoke(defaultSession);
        session.getMethod("stop").invoke(s);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("could not stop the Spark session: " + e);
    }
  }

  private static String required(Configuration conf, String key) {
    String value = conf.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "expected " + key + " in the action configuration, found none");
    }
    return value;
  }
}

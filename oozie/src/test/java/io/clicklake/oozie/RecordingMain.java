package io.clicklake.oozie;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Stands in for a clicklake job in the end-to-end test: the real jobs need Spark, whose classpath cannot live with
 * Oozie's in one JVM. Run by a {@code <java>} action (see {@link SparkToJavaWorkflow}), it records on HDFS what
 * the workflow gave the job: the job class, its arguments, the spark-opts after EL resolution, and the action.
 * It fails, as a job exiting non-zero would, when its class is the one named by {@code clicklake.test.failClass}.
 */
public final class RecordingMain {

  static final String JOB_CLASS = "clicklake.test.jobClass";
  static final String ACTION = "clicklake.test.action";
  static final String SPARK_OPTS = "clicklake.test.sparkOpts";
  static final String RECORD_ROOT = "clicklake.test.recordRoot";
  static final String FAIL_CLASS = "clicklake.test.failClass";

  private RecordingMain() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration(false);
    // The Oozie launcher hands the action's configuration to the main class in this file.
    conf.addResource(new Path("file://" + System.getProperty("oozie.action.conf.xml")));

    String action = conf.get(ACTION);
    String jobClass = conf.get(JOB_CLASS);
    Properties record = new Properties();
    record.setProperty("action", action);
    record.setProperty("class", jobClass);
    record.setProperty("sparkOpts", conf.get(SPARK_OPTS, "").replaceAll("\\s+", " ").trim());
    record.setProperty("args", String.join(" ", args));
    record.setProperty("time", String.valueOf(System.currentTimeMillis()));

    URI root = URI.create(conf.get(RECORD_ROOT));
    FileSystem fs = FileSystem.get(root, new Configuration());
    Path file = new Path(new Path(root), action + "-" + UUID.randomUUID() + ".properties");
    try (OutputStream out = fs.create(file, false)) {
      record.store(out, null);
    }
    System.out.println("recorded " + jobClass + " " + String.join(" ", args) + " in " + file);

    if (jobClass.equals(conf.get(FAIL_CLASS, ""))) {
      throw new IllegalStateException("injected failure of " + jobClass);
    }
  }

  static Properties read(FileSystem fs, Path file) throws Exception {
    Properties props = new Properties();
    try (var in = fs.open(file)) {
      props.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
    }
    return props;
  }
}

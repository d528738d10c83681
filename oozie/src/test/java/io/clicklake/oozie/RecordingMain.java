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
 * Stands in for a clicklake job where the end-to-end test is about Oozie rather than the jobs (the
 * failure and rerun test: a real job run costs 30 to 50 s here). Run by a {@code <java>} action
 * (see {@link SparkToJavaWorkflow}), it records on HDFS what the workflow gave the job: the job
 * class, its jar, its arguments, the spark-opts after EL resolution, and the action. It fails, as a
 * job exiting non-zero would, when its class is the one named by {@code clicklake.test.failClass}.
 */
public final class RecordingMain {

  private RecordingMain() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = SparkToJavaWorkflow.actionConf();

    String action = conf.get(SparkToJavaWorkflow.ACTION);
    String jobClass = conf.get(SparkToJavaWorkflow.JOB_CLASS);
    Properties record = new Properties();
    record.setProperty("action", action);
    record.setProperty("class", jobClass);
    record.setProperty("jar", conf.get(SparkToJavaWorkflow.JAR));
    record.setProperty(
        "sparkOpts", conf.get(SparkToJavaWorkflow.SPARK_OPTS, "").replaceAll("\\s+", " ").trim());
    record.setProperty("args", String.join(" ", args));
    record.setProperty("time", String.valueOf(System.currentTimeMillis()));

    URI root = URI.create(conf.get(SparkToJavaWorkflow.RECORD_ROOT));
    FileSystem fs = FileSystem.get(root, new Configuration());
    Path file = new Path(new Path(root), action + "-" + UUID.randomUUID() + ".properties");
    try (OutputStream out = fs.create(file, false)) {
      record.store(out, null);
    }
    System.out.println("recorded " + jobClass + " " + String.join(" ", args) + " in " + file);

    if (jobClass.equals(conf.get(SparkToJavaWorkflow.FAIL_CLASS, ""))) {
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

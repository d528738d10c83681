package io.clicklake.oozie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clicklake.mariadb.EmbeddedMariaDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.oozie.action.hadoop.LauncherMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production ingest coordinator and workflow, unchanged, on LocalOozie over a MiniDFSCluster
 * and a MiniYARNCluster: each {@code <spark>} action runs Oozie's SparkMain from the Spark
 * sharelib, which submits the job from the cluster jar in YARN cluster mode (a launcher container,
 * then the Spark ApplicationMaster with the driver and one executor). The sharelib is installed as
 * cluster-config/README.md tells admins: a {@code spark3} directory in the newest {@code
 * lib_<timestamp>} with the Spark jars of the default line (spark-jobs' provided scope, as a Spark
 * distribution's {@code jars/}, plus spark-yarn), {@code oozie-sharelib-spark} copied from Oozie's
 * own {@code spark} directory, and cluster-config's spark-defaults.conf; then {@code
 * -sharelibupdate}. The workflow picks it with {@code sparkSharelib=spark3} from
 * ingest/job.properties. The test then checks one batch end to end: the done-flag, the Iceberg
 * tables, the ledger and the marts in MySQL, the purge ({@link IngestEndToEnd#loadOneBatch}), and
 * the five Spark applications on YARN.
 *
 * <p>What the test changes, all in job.properties and spark-defaults.conf, as an admin of a small
 * cluster would: the cluster addresses; {@code sparkOpts} (driver and one executor of 768 MB, 2
 * cores); and, appended to spark-defaults.conf, what MiniYARN lacks or needs ({@link
 * #MINICLUSTER_SPARK_DEFAULTS}).
 *
 * <p>Time on 2 cores, with other builds running: 241 to 257 s for the class, 178 to 211 s for the
 * test; the workflow's actions 24 to 51 s each (stage 29, clean 36, marts 46, export 31, purge 24 s
 * in the fastest run), three JVMs each (launcher, ApplicationMaster with the driver, one executor).
 * Details in oozie/README.md ("The Spark action in the test"). The failure, rerun and bundle cases
 * run faster as {@code <java>} actions in {@link IngestCoordinatorEndToEndTest}.
 */
class IngestSparkActionEndToEndTest {

  private static final Duration WORKFLOW_TIMEOUT = Duration.ofMinutes(15);

  /** The sharelib directory an admin creates; the timestamp only has to be the newest. */
  private static final String SHARELIB = LocalOozieCluster.SHARE_LIB + "/lib_20261201000000";

  /**
   * Appended to cluster-config/spark-defaults.conf in the sharelib (a later key wins). MiniYARN
   * runs no Spark shuffle service (so no dynamic allocation) and has only the default queue; its
   * configuration names a topology class of Hadoop's test jar, which the Spark jars do not hold; no
   * UI and no event log, and few shuffle partitions and C1 JVMs because the batch is a few hundred
   * rows on 2 cores.
   */
  private static final List<String> MINICLUSTER_SPARK_DEFAULTS =
      List.of(
          "spark.yarn.queue default",
          "spark.dynamicAllocation.enabled false",
          "spark.shuffle.service.enabled false",
          "spark.eventLog.enabled false",
          "spark.ui.enabled false",
          "spark.sql.shuffle.partitions 2",
          "spark.hadoop.net.topology.node.switch.mapping.impl"
              + " org.apache.hadoop.net.ScriptBasedMapping");

  private static final String SHORT_JVM_OPTS = " -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  /**
   * The sharelib is 150 files, 215 MB; one at a time they took 36 s here, most of it each file's
   * close waiting for the datanode's block report, so they go up in parallel (and MariaDB starts
   * meanwhile).
   */
  private static final int UPLOAD_THREADS = 8;

  @TempDir static Path base;
  private static LocalOozieCluster cluster;
  private static FileSystem fs;
  private static IngestEndToEnd ingest;
  private static RealJobs realJobs;
  private static EmbeddedMariaDb mariaDb;

  @BeforeAll
  static void startOozieWithTheSparkShareLibAndDeployTheApp() throws Exception {
    realJobs = RealJobs.fromBuild();
    assumeTrue(
        realJobs.available(),
        "the <spark> actions need the cluster jar (built without -Dclicklake.noClusterJar)");
    ExecutorService background = Executors.newFixedThreadPool(UPLOAD_THREADS);
    try {
      Future<EmbeddedMariaDb> db =
          background.submit(() -> EmbeddedMariaDb.builder().authenticating().start());
      cluster = LocalOozieCluster.withShareLib(base);
      fs = cluster.fs();
      ingest = new IngestEndToEnd(cluster);

      installSparkShareLib(background);
      assertThat(cluster.updateShareLib())
          .as("sharelibs after -sharelibupdate")
          .contains("oozie", "spark", "spark3");

      String appRoot = ingest.resolved("appRoot");
      for (String file : List.of("coordinator.xml", "workflow.xml")) {
        ingest.copy(OozieApps.app("ingest").resolve(file), appRoot + "/ingest/" + file);
      }
      upload(realJobs.clusterJar(), appRoot + "/lib/clicklake-spark-jobs.jar");
      mariaDb = db.get();
    } finally {
      background.shutdown();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    IngestEndToEnd.closeAll(cluster, mariaDb);
  }

  /**
   * cluster-config/README.md's steps, on MiniDFS. Oozie's own install holds the launcher's jar in
   * {@code oozie/} and oozie-sharelib-spark in {@code spark/}; the admin's {@code spark3/} gets the
   * Spark jars, that jar from {@code spark/} and spark-defaults.conf; log4j2.properties goes where
   * spark-defaults.conf's {@code spark.yarn.dist.files} names it.
   */
  private static void installSparkShareLib(ExecutorService uploads) throws Exception {
    Path clusterConfig = Path.of(System.getProperty("clicklake.cluster.config.dir"));
    Path sharelibJars = Path.of(System.getProperty("clicklake.spark.sharelib.jars"));
    String spark = SHARELIB + "/spark";
    String spark3 = SHARELIB + "/spark3";

    List<Path> sparkJars = new ArrayList<>();
    for (String jar :
        Files.readString(realJobs.sparkRuntimeClasspath())
            .trim()
            .split(java.io.File.pathSeparator)) {
      sparkJars.add(Path.of(jar));
    }
    Path oozieSparkJar = null;
    try (var jars = Files.list(sharelibJars)) {
      for (Path jar : jars.sorted().toList()) {
        if (jar.getFileName().toString().startsWith("oozie-sharelib-spark-")) {
          oozieSparkJar = jar;
        } else {
          sparkJars.add(jar);
        }
      }
    }
    assertThat(oozieSparkJar).as("oozie-sharelib-spark in %s", sharelibJars).isNotNull();
    // What Oozie's own install (oozie-setup.sh sharelib create) puts there: the launcher's jar, and
    // the spark/ lib.
    Path launcherJar =
        Path.of(LauncherMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    upload(launcherJar, SHARELIB + "/oozie/" + launcherJar.getFileName());
    upload(oozieSparkJar, spark + "/" + oozieSparkJar.getFileName());

    List<Future<Void>> uploaded = new ArrayList<>();
    for (Path jar : sparkJars) {
      uploaded.add(uploads.submit(() -> upload(jar, spark3 + "/" + jar.getFileName())));
    }
    for (Future<Void> upload : uploaded) {
      upload.get();
    }
    FileUtil.copy(
        fs,
        new org.apache.hadoop.fs.Path(spark + "/" + oozieSparkJar.getFileName()),
        fs,
        new org.apache.hadoop.fs.Path(spark3 + "/"),
        false,
        fs.getConf());
    ingest.write(
        spark3 + "/spark-defaults.conf",
        sparkDefaults(clusterConfig.resolve("spark-defaults.conf")));
    String logConfig = cluster.nameNode() + "/user/etl/apps/clicklake-conf/log4j2.properties";
    upload(clusterConfig.resolve("log4j2.properties"), logConfig);
  }

  /**
   * cluster-config's spark-defaults.conf for this cluster: its addresses and Java, then the
   * minicluster's settings.
   */
  private static String sparkDefaults(Path template) throws Exception {
    String text =
        Files.readString(template, StandardCharsets.UTF_8)
            .replace("hdfs://namenode.example.com:8020", cluster.nameNode())
            .replace("/usr/lib/jvm/java-17-openjdk", System.getProperty("java.home"));
    StringBuilder out =
        new StringBuilder(text).append("\n# ---- MiniYARN (IngestSparkActionEndToEndTest) ----\n");
    MINICLUSTER_SPARK_DEFAULTS.forEach(line -> out.append(line).append('\n'));
    for (String line : text.split("\n")) {
      if (line.startsWith("spark.driver.extraJavaOptions")
          || line.startsWith("spark.executor.extraJavaOptions")) {
        out.append(line.trim()).append(SHORT_JVM_OPTS).append('\n');
      }
    }
    return out.toString();
  }

  private static Void upload(Path local, String target) throws Exception {
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(target));
    return null;
  }

  @Test
  void theSparkActionsLoadTheInstanceIntoIcebergAndMySqlOnYarn() throws Exception {
    Properties props =
        ingest.withMySql(ingest.jobProperties("2026-11-27T14:00Z", "2026-11-27T15:00Z"), mariaDb);
    assertThat(props.getProperty("sparkSharelib"))
        .as("the sharelib job.properties picks")
        .isEqualTo("spark3");
    props.setProperty(
        "sparkOpts",
        "--driver-memory 768m --executor-memory 768m --executor-cores 2 --num-executors 1");

    ingest.loadOneBatch(props, mariaDb, WORKFLOW_TIMEOUT);

    List<ApplicationReport> sparkApps = cluster.yarnApplications("SPARK");
    sparkApps.forEach(
        app ->
            System.out.println(
                "YARN "
                    + app.getName()
                    + " "
                    + app.getFinalApplicationStatus()
                    + " in "
                    + (app.getFinishTime() - app.getStartTime()) / 1000
                    + " s"));
    assertThat(sparkApps)
        .as("the Spark applications SparkMain submitted to YARN")
        .extracting(ApplicationReport::getName, ApplicationReport::getFinalApplicationStatus)
        .containsExactlyInAnyOrderElementsOf(
            IngestEndToEnd.STEPS.stream()
                .map(
                    step ->
                        tuple(
                            "clicklake-" + step + "-2026-11-27-14",
                            FinalApplicationStatus.SUCCEEDED))
                .toList());
  }
}

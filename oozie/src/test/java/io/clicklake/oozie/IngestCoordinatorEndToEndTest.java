package io.clicklake.oozie;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.oozie.client.CoordinatorJob;
import org.apache.oozie.client.OozieClient;
import org.apache.oozie.client.WorkflowAction;
import org.apache.oozie.client.WorkflowJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest coordinator on a real Oozie engine (LocalOozie over a MiniDFSCluster and a
 * MiniYARNCluster), submitted with the real ingest/job.properties (only the cluster addresses and
 * the schedule overridden), for the cases that are about Oozie's control flow: a failed step and
 * the rerun of the failed nodes, and the bundle. The coordinator and the workflow graph are the
 * production ones; each {@code <spark>} action is swapped for a {@code <java>} action ({@link
 * SparkToJavaWorkflow}) whose {@link RecordingMain} records what the job was given and fails on
 * demand, a few seconds per action where a real job costs half a minute.
 *
 * <p>The real jobs, through the production {@code <spark>} actions, Oozie's SparkMain and the Spark
 * sharelib on YARN, run in {@link IngestSparkActionEndToEndTest}.
 */
class IngestCoordinatorEndToEndTest {

  private static final Duration WORKFLOW_TIMEOUT = Duration.ofMinutes(5);
  private static final Map<String, String> JOB_CLASSES =
      Map.of(
          "stage", "io.clicklake.job.StageLandingJob",
          "clean", "io.clicklake.job.CleanEventsJob",
          "marts", "io.clicklake.job.BuildMartsJob",
          "export", "io.clicklake.job.ExportMartsJob",
          "purge", "io.clicklake.job.PurgeStagingJob");

  /** Where the RecordingMain variant of the app is deployed, beside job.properties' appRoot. */
  private static final String RECORDING_APP = "/user/etl/apps/clicklake-recording";

  @TempDir static Path base;
  private static LocalOozieCluster cluster;
  private static FileSystem fs;
  private static String nameNode;
  private static IngestEndToEnd ingest;

  @BeforeAll
  static void startOozieAndDeployTheApp() throws Exception {
    cluster = new LocalOozieCluster(base);
    fs = cluster.fs();
    nameNode = cluster.nameNode();
    ingest = new IngestEndToEnd(cluster);
    String workflow = OozieApps.read(OozieApps.app("ingest").resolve("workflow.xml"));

    String recordingRoot = nameNode + RECORDING_APP;
    copy(
        OozieApps.app("ingest").resolve("coordinator.xml"),
        recordingRoot + "/ingest/coordinator.xml");
    write(
        recordingRoot + "/ingest/workflow.xml",
        SparkToJavaWorkflow.rewrite(workflow, SparkToJavaWorkflow.recording()));
    fs.mkdirs(new org.apache.hadoop.fs.Path(recordingRoot + "/lib"));
  }

  @AfterAll
  static void stop() throws Exception {
    IngestEndToEnd.closeAll(cluster);
  }

  /**
   * ingest/job.properties for this cluster; LocalOozie has no sharelib, the launchers get this
   * JVM's classpath.
   */
  private static Properties jobProperties(String start, String end) throws Exception {
    Properties props = ingest.jobProperties(start, end);
    props.setProperty(OozieClient.USE_SYSTEM_LIBPATH, "false");
    return props;
  }

  /** For the RecordingMain variant of the app. */
  private static Properties recordingJobProperties(
      String start, String end, String recordRoot, String failClass) throws Exception {
    Properties props = jobProperties(start, end);
    props.setProperty("appRoot", "${nameNode}" + RECORDING_APP);
    props.setProperty("testRecordRoot", recordRoot);
    props.setProperty("testFailClass", failClass);
    return props;
  }

  private static String resolved(String key) throws Exception {
    return ingest.resolved(key);
  }

  private static void copy(Path local, String target) throws Exception {
    ingest.copy(local, target);
  }

  private static void write(String target, String text) throws Exception {
    ingest.write(target, text);
  }

  /** What RecordingMain recorded, oldest first. */
  private static List<Properties> records(String recordRoot) throws Exception {
    List<Properties> records = new ArrayList<>();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(recordRoot);
    if (fs.exists(root)) {
      for (FileStatus status : fs.listStatus(root)) {
        records.add(RecordingMain.read(fs, status.getPath()));
      }
    }
    records.sort(Comparator.comparingLong(p -> Long.parseLong(p.getProperty("time"))));
    return records;
  }

  @Test
  void aFailedStepKillsTheWorkflowAndARerunOfTheFailedNodesFinishesIt() throws Exception {
    String instance = ingest.landingInstance("2026/11/27/16");
    write(instance + "/events-0001.csv.gz", "x");
    write(instance + "/_READY", "");
    String recordRoot = nameNode + "/test/records/rerun";

    String coordId =
        cluster
            .coordClient()
            .run(
                recordingJobProperties(
                    "2026-11-27T16:00Z",
                    "2026-11-27T17:00Z",
                    recordRoot,
                    JOB_CLASSES.get("marts")));
    WorkflowJob failed = ingest.waitForEnd(ingest.workflowOf(coordId).getId(), WORKFLOW_TIMEOUT);

    assertThat(failed.getStatus())
        .as(IngestEndToEnd.describe(failed))
        .isEqualTo(WorkflowJob.Status.KILLED);
    Map<String, WorkflowAction> actions =
        failed.getActions().stream().collect(Collectors.toMap(WorkflowAction::getName, a -> a));
    assertThat(actions.get("marts").getStatus())
        .as(IngestEndToEnd.describe(failed))
        .isEqualTo(WorkflowAction.Status.ERROR);
    assertThat(actions)
        .as("no step after the failed one ran")
        .doesNotContainKeys("export", "purge");
    assertThat(actions).as("no mail without notifyEmail").doesNotContainKey("notify-failure");
    assertThat(actions.get("fail").getErrorMessage())
        .as("the kill node's message")
        .contains("clicklake ingest failed at [marts]");
    assertThat(records(recordRoot))
        .extracting(r -> r.getProperty("action"))
        .containsExactly("stage", "clean", "marts");

    // The README's recipe: rerun only the failed nodes, once the cause is fixed.
    Properties rerun = new Properties();
    rerun.setProperty(OozieClient.RERUN_FAIL_NODES, "true");
    rerun.setProperty("testFailClass", "none");
    rerun.setProperty(
        OozieClient.APP_PATH, IngestEndToEnd.workflowConf(failed).get(OozieClient.APP_PATH));
    rerun.setProperty(OozieClient.USER_NAME, cluster.user);
    cluster.workflowClient().reRun(failed.getId(), rerun);
    WorkflowJob rerunDone =
        IngestEndToEnd.poll("the rerun to end", WORKFLOW_TIMEOUT)
            .until(
                () -> cluster.workflowClient().getJobInfo(failed.getId()),
                wf ->
                    wf.getStatus() == WorkflowJob.Status.SUCCEEDED
                        || wf.getStatus() == WorkflowJob.Status.KILLED
                            && wf.getRun() > failed.getRun()
                        || wf.getStatus() == WorkflowJob.Status.FAILED);
    assertThat(rerunDone.getStatus())
        .as(IngestEndToEnd.describe(rerunDone))
        .isEqualTo(WorkflowJob.Status.SUCCEEDED);
    List<Properties> records = records(recordRoot);
    assertThat(records)
        .extracting(r -> r.getProperty("action"))
        .as("stage and clean are not run again; marts is retried and the batch goes on")
        .containsExactly("stage", "clean", "marts", "marts", "export", "purge");
    String appRoot = nameNode + RECORDING_APP;
    for (Properties record : records) {
      String action = record.getProperty("action");
      assertThat(record.getProperty("class"))
          .as("job class of %s", action)
          .isEqualTo(JOB_CLASSES.get(action));
      assertThat(record.getProperty("args"))
          .as("arguments of %s", action)
          .isEqualTo("--instance " + instance);
      assertThat(record.getProperty("jar"))
          .as("jar of %s", action)
          .isEqualTo(appRoot + "/lib/clicklake-spark-jobs.jar");
      assertThat(record.getProperty("sparkOpts"))
          .as("spark-opts of %s after EL", action)
          .contains("--conf spark.clicklake.landing.root=" + resolved("landingRoot"))
          .contains("--conf spark.clicklake.staging.root=" + resolved("stagingRoot"))
          .contains("--conf spark.clicklake.catalog.warehouse=" + resolved("warehouse"))
          .contains("--conf spark.clicklake.mysql.password.alias=clicklake.mysql.password")
          .contains(
              "--conf spark.hadoop.hadoop.security.credential.provider.path="
                  + resolved("credentialProviderPath"))
          .contains("--conf spark.executorEnv.JAVA_HOME=" + System.getProperty("java.home"))
          .doesNotContain("${");
    }
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(instance + "/events-0001.csv.gz")))
        .as("the workflow itself deletes nothing from the landing instance")
        .isTrue();
  }

  @Test
  void theBundleStartsBothCoordinatorsOnTheEngine() throws Exception {
    String appRoot = resolved("appRoot");
    copy(OozieApps.app("bundle").resolve("bundle.xml"), appRoot + "/bundle/bundle.xml");
    copy(OozieApps.app("ingest").resolve("coordinator.xml"), appRoot + "/ingest/coordinator.xml");
    copy(
        OozieApps.app("maintenance").resolve("coordinator.xml"),
        appRoot + "/maintenance/coordinator.xml");
    copy(
        OozieApps.app("maintenance").resolve("workflow.xml"),
        appRoot + "/maintenance/workflow.xml");

    Properties props = OozieApps.jobProperties("bundle");
    props.setProperty("nameNode", nameNode);
    props.setProperty("resourceManager", cluster.resourceManager());
    props.setProperty(OozieClient.USER_NAME, cluster.user);
    // In the future: the engine accepts and starts the coordinators, and no action runs during the
    // test.
    props.setProperty("start", "2099-01-01T00:00Z");
    props.setProperty("maintenanceStart", "2099-01-01T03:00Z");
    props.setProperty("end", "2099-02-01T00:00Z");

    OozieClient bundles = cluster.bundleClient();
    String bundleId = bundles.run(props);
    org.apache.oozie.client.BundleJob bundle =
        IngestEndToEnd.poll("the bundle to submit its coordinators", Duration.ofSeconds(60))
            .until(
                () -> bundles.getBundleJobInfo(bundleId),
                b ->
                    b.getCoordinators().size() == 2
                        && b.getCoordinators().stream().allMatch(c -> c.getId() != null));
    assertThat(bundle.getCoordinators())
        .extracting(CoordinatorJob::getAppName)
        .containsExactlyInAnyOrder("clicklake-ingest", "clicklake-maintenance");
    for (CoordinatorJob summary : bundle.getCoordinators()) {
      CoordinatorJob coordinator = cluster.coordClient().getCoordJobInfo(summary.getId());
      assertThat(coordinator.getStatus())
          .as("status of %s", coordinator.getAppName())
          .isIn(CoordinatorJob.Status.PREP, CoordinatorJob.Status.RUNNING);
      assertThat(coordinator.getConcurrency())
          .as("concurrency of %s", coordinator.getAppName())
          .isEqualTo(1);
    }
    bundles.kill(bundleId);
  }
}

package io.clicklake.oozie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clicklake.mariadb.EmbeddedMariaDb;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.oozie.client.CoordinatorAction;
import org.apache.oozie.client.CoordinatorJob;
import org.apache.oozie.client.OozieClient;
import org.apache.oozie.client.WorkflowAction;
import org.apache.oozie.client.WorkflowJob;
import org.apache.oozie.util.XConfiguration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest coordinator on a real Oozie engine (LocalOozie over a MiniDFSCluster and a
 * MiniYARNCluster), submitted with the real ingest/job.properties (only the cluster addresses, the
 * MySQL URL, the credential store and the schedule overridden). The coordinator and the workflow
 * graph are the production ones; each {@code <spark>} action is swapped for a {@code <java>} action
 * ({@link SparkToJavaWorkflow}):
 *
 * <ul>
 *   <li>for the happy path, {@link LocalSparkSubmit} runs the real job class from the cluster jar
 *       in the app's {@code lib/}, with the action's arguments and spark-opts, Spark local in the
 *       launcher; the test then reads the Iceberg tables on the MiniDFS warehouse and the marts the
 *       export wrote to a real MariaDB;
 *   <li>for the failure and rerun, and the bundle, {@link RecordingMain} records what each job was
 *       given, because those tests are about Oozie's control flow and a real job run costs 30 to 50
 *       s here.
 * </ul>
 *
 * <p>Why {@code <java>} and not the {@code <spark>} action itself (tried on this MiniYARNCluster
 * with oozie-sharelib-spark 5.2.1's SparkMain, master yarn, mode cluster, spark.yarn.jars pointing
 * at the Spark runtime):
 *
 * <ol>
 *   <li>First failure: the driver in the Spark ApplicationMaster died in {@code SparkContext} with
 *       {@code SparkException: External scheduler cannot be instantiated}, caused by {@code
 *       ClassNotFoundException: Class org.apache.hadoop.net.StaticMapping not found}: the
 *       minicluster's configuration names a topology class from Hadoop's test jar. Test-only;
 *       {@code --conf
 *       spark.hadoop.net.topology.node.switch.mapping.impl=org.apache.hadoop.net.ScriptBasedMapping}
 *       fixes it.
 *   <li>Second failure, a real bug: StageLandingJob ran to its end, then YARN reported the
 *       application FAILED, {@code ApplicationMaster: Final app status: FAILED, exitCode: 16,
 *       (reason: Shutdown hook called before final status was reported.)}, and Oozie failed the
 *       action with JA018. The jobs' {@code main} called {@code System.exit(0)}, which Spark's
 *       ApplicationMaster counts as an early exit in cluster mode. Fixed in {@code SparkJob.main}
 *       (stop the session and return on success).
 *   <li>With both fixed, stage and clean succeeded as {@code <spark>} actions on YARN, but each
 *       action took 85 to 90 s here (launcher, Spark ApplicationMaster and an executor: three JVMs
 *       on two cores), about 7 minutes for the workflow: over the time this module may add to CI.
 *       So the test keeps {@code <java>} actions, which run the same job classes with the same
 *       arguments and configuration in 30 to 50 s each.
 * </ol>
 */
class IngestCoordinatorEndToEndTest {

  private static final Duration WORKFLOW_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration REAL_WORKFLOW_TIMEOUT = Duration.ofMinutes(8);
  private static final List<String> STEPS = List.of("stage", "clean", "marts", "export", "purge");
  private static final Map<String, String> JOB_CLASSES =
      Map.of(
          "stage", "io.clicklake.job.StageLandingJob",
          "clean", "io.clicklake.job.CleanEventsJob",
          "marts", "io.clicklake.job.BuildMartsJob",
          "export", "io.clicklake.job.ExportMartsJob",
          "purge", "io.clicklake.job.PurgeStagingJob");

  /**
   * Where the RecordingMain variant of the app is deployed, beside the real one at job.properties'
   * appRoot.
   */
  private static final String RECORDING_APP = "/user/etl/apps/clicklake-recording";

  private static final String MYSQL_DATABASE = "clicklake";

  @TempDir static Path base;
  private static LocalOozieCluster cluster;
  private static FileSystem fs;
  private static String nameNode;
  private static RealJobs realJobs;
  private static EmbeddedMariaDb mariaDb;

  @BeforeAll
  static void startOozieAndDeployTheApp() throws Exception {
    cluster = new LocalOozieCluster(base);
    fs = cluster.fs();
    nameNode = cluster.nameNode();
    String ingest = OozieApps.read(OozieApps.app("ingest").resolve("workflow.xml"));

    String recordingRoot = nameNode + RECORDING_APP;
    copy(
        OozieApps.app("ingest").resolve("coordinator.xml"),
        recordingRoot + "/ingest/coordinator.xml");
    write(
        recordingRoot + "/ingest/workflow.xml",
        SparkToJavaWorkflow.rewrite(ingest, SparkToJavaWorkflow.recording()));
    fs.mkdirs(new org.apache.hadoop.fs.Path(recordingRoot + "/lib"));

    realJobs = RealJobs.fromBuild();
    if (realJobs.available()) {
      String appRoot = resolved("appRoot");
      copy(OozieApps.app("ingest").resolve("coordinator.xml"), appRoot + "/ingest/coordinator.xml");
      write(
          appRoot + "/ingest/workflow.xml",
          SparkToJavaWorkflow.rewrite(
              ingest, SparkToJavaWorkflow.realJobs(realJobs.java17ModuleFlags())));
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(realJobs.clusterJar().toUri()),
          new org.apache.hadoop.fs.Path(appRoot + "/lib/clicklake-spark-jobs.jar"));
      mariaDb = EmbeddedMariaDb.builder().authenticating().start();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (mariaDb != null) {
        mariaDb.close();
      }
    }
  }

  /**
   * ingest/job.properties for this cluster: what an admin would edit, plus what only the test
   * needs.
   */
  private static Properties jobProperties(String start, String end) throws Exception {
    Properties props = OozieApps.jobProperties("ingest");
    props.setProperty("nameNode", nameNode);
    props.setProperty("resourceManager", cluster.resourceManager());
    props.setProperty("queueName", "default");
    props.setProperty("javaHome", System.getProperty("java.home"));
    props.setProperty("start", start);
    props.setProperty("end", end);
    props.setProperty(OozieClient.USER_NAME, cluster.user);
    // LocalOozie has no sharelib; the launchers get this JVM's classpath instead.
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

  /**
   * For the real jobs: the MySQL marts in the test's MariaDB, whose password the jobs read from a
   * credential store on this cluster (the production mechanism; the password is in no property),
   * and the Spark runtime.
   */
  private static Properties realJobProperties(String start, String end) throws Exception {
    Properties props = jobProperties(start, end);
    String password = UUID.randomUUID().toString();
    mariaDb.createUser(props.getProperty("mysqlUser"), password, MYSQL_DATABASE);
    props.setProperty("mysqlUrl", mariaDb.url(MYSQL_DATABASE));
    String provider =
        "jceks://hdfs@" + URI.create(nameNode).getAuthority() + "/user/etl/clicklake.jceks";
    props.setProperty("credentialProviderPath", provider);
    Configuration conf = new Configuration(cluster.clusterConf);
    conf.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, provider);
    CredentialProvider store = CredentialProviderFactory.getProviders(conf).get(0);
    store.createCredentialEntry(props.getProperty("mysqlPasswordAlias"), password.toCharArray());
    store.flush();
    props.setProperty("testSparkClasspath", realJobs.sparkRuntimeClasspath().toString());
    return props;
  }

  /**
   * A property of ingest/job.properties, with ${...} resolved as Oozie resolves it, on this
   * cluster.
   */
  private static String resolved(String key) throws Exception {
    Configuration conf = new Configuration(false);
    Properties props = OozieApps.jobProperties("ingest");
    props.stringPropertyNames().forEach(k -> conf.set(k, props.getProperty(k)));
    conf.set("nameNode", nameNode);
    return conf.get(key);
  }

  private static void copy(Path local, String target) throws Exception {
    write(target, OozieApps.read(local));
  }

  private static void write(String target, String text) throws Exception {
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(target), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String landingInstance(String yyyyMmDdHh) throws Exception {
    return resolved("landingRoot") + "/" + yyyyMmDdHh;
  }

  /** Waiting on the asynchronous engine: {@code what} names the wait in the timeout's message. */
  private static ConditionFactory poll(String what, Duration timeout) {
    return Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(250));
  }

  private static CoordinatorAction onlyAction(String coordId) throws Exception {
    CoordinatorJob job = cluster.coordClient().getCoordJobInfo(coordId);
    return job.getActions().isEmpty() ? null : job.getActions().get(0);
  }

  private static WorkflowJob workflowOf(String coordId) throws Exception {
    CoordinatorAction action =
        poll("coordinator " + coordId + " to start a workflow", Duration.ofSeconds(60))
            .until(() -> onlyAction(coordId), a -> a != null && a.getExternalId() != null);
    return cluster.workflowClient().getJobInfo(action.getExternalId());
  }

  private static WorkflowJob waitForEnd(String wfId, Duration timeout) throws Exception {
    OozieClient client = cluster.workflowClient();
    return poll("workflow " + wfId + " to end", timeout)
        .until(
            () -> client.getJobInfo(wfId),
            wf ->
                wf.getStatus() != WorkflowJob.Status.PREP
                    && wf.getStatus() != WorkflowJob.Status.RUNNING
                    && wf.getStatus() != WorkflowJob.Status.SUSPENDED);
  }

  private static String describe(WorkflowJob wf) {
    return wf.getId()
        + " "
        + wf.getStatus()
        + " actions: "
        + wf.getActions().stream()
            .map(
                a ->
                    a.getName()
                        + "="
                        + a.getStatus()
                        + seconds(a)
                        + (a.getErrorMessage() == null
                            ? ""
                            : " (" + a.getErrorCode() + ": " + a.getErrorMessage() + ")"))
            .collect(Collectors.joining(", "));
  }

  private static String seconds(WorkflowAction action) {
    return action.getStartTime() == null || action.getEndTime() == null
        ? ""
        : " in " + (action.getEndTime().getTime() - action.getStartTime().getTime()) / 1000 + " s";
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

  private static Map<String, String> workflowConf(WorkflowJob wf) throws Exception {
    XConfiguration conf = new XConfiguration(new StringReader(wf.getConf()));
    Map<String, String> result = new TreeMap<>();
    conf.forEach(e -> result.put(e.getKey(), e.getValue()));
    return result;
  }

  /**
   * The input: the first 240 rows of data/sample-2019-10-01-00.csv, which hold one malformed row
   * (an extra column) and one exact duplicate, plus a row with a bad price and one with a bad event
   * type. So 242 rows read, 238 clean (232 views, 2 carts, 4 purchases worth 803.06) of 42 users in
   * 48 sessions, 3 quarantined, 1 duplicate.
   */
  private static String smallInput() throws Exception {
    List<String> sample =
        java.nio.file.Files.readAllLines(
            OozieApps.appsDir().resolve("../../data/sample-2019-10-01-00.csv"));
    List<String> lines = new ArrayList<>(sample.subList(0, 241));
    lines.add(
        "2019-10-01 00:10:00"
            + " UTC,view,1000001,2053013552768937352,,atlant,-5.00,500000297,5ce48c40-d5d5-de23-097c-6b6e05f7696b");
    lines.add(
        "2019-10-01 00:11:00"
            + " UTC,click,1000001,2053013552768937352,,atlant,5.00,500000297,5ce48c40-d5d5-de23-097c-6b6e05f7696b");
    return String.join("\n", lines) + "\n";
  }

  @Test
  void theDoneFlagGatesTheWorkflowWhichLoadsTheInstanceIntoIcebergAndMySql() throws Exception {
    assumeTrue(
        realJobs.available(),
        "the real jobs need the cluster jar (built without -Dclicklake.noClusterJar)");
    String instance = landingInstance("2026/11/27/14");
    String batchId = "2026-11-27-14";
    write(instance + "/events-0001.csv", smallInput());

    String coordId =
        cluster.coordClient().run(realJobProperties("2026-11-27T14:00Z", "2026-11-27T15:00Z"));

    CoordinatorAction waiting =
        poll("the coordinator action to wait for its input", Duration.ofSeconds(60))
            .until(
                () -> onlyAction(coordId),
                a ->
                    a != null
                        && a.getStatus() == CoordinatorAction.Status.WAITING
                        && a.getMissingDependencies() != null);
    assertThat(waiting.getMissingDependencies()).as("what the action waits for").contains(instance);
    // during: the condition must hold on every poll for 5 s; atMost leaves room for one poll after
    // that
    poll(
            "the action to keep WAITING while the instance has files but no _READY",
            Duration.ofSeconds(6))
        .during(Duration.ofSeconds(5))
        .until(
            () -> onlyAction(coordId),
            a -> a.getStatus() == CoordinatorAction.Status.WAITING && a.getExternalId() == null);

    write(instance + "/_READY", "");
    WorkflowJob wf = waitForEnd(workflowOf(coordId).getId(), REAL_WORKFLOW_TIMEOUT);
    assertThat(wf.getStatus()).as(describe(wf)).isEqualTo(WorkflowJob.Status.SUCCEEDED);
    System.out.println("real jobs: " + describe(wf));
    CoordinatorAction done =
        poll("the coordinator action to end", Duration.ofSeconds(60))
            .until(
                () -> onlyAction(coordId),
                a -> a != null && a.getStatus() != CoordinatorAction.Status.RUNNING);
    assertThat(done.getStatus())
        .as("coordinator action")
        .isEqualTo(CoordinatorAction.Status.SUCCEEDED);

    assertThat(workflowConf(wf))
        .as("what the coordinator passed to the workflow")
        .containsEntry("instancePath", instance)
        .containsEntry("nominalTime", "2026-11-27T14:00Z")
        .containsEntry("batchId", batchId);
    List<WorkflowAction> steps =
        wf.getActions().stream()
            .filter(a -> STEPS.contains(a.getName()))
            .sorted(Comparator.comparing(WorkflowAction::getStartTime))
            .toList();
    assertThat(steps)
        .extracting(WorkflowAction::getName)
        .as("steps run, in order")
        .isEqualTo(STEPS);
    assertThat(steps)
        .extracting(WorkflowAction::getStatus)
        .as(describe(wf))
        .containsOnly(WorkflowAction.Status.OK);

    // Iceberg, on the warehouse of job.properties: one commit of the batch per table, nothing
    // deleted.
    String warehouse = resolved("warehouse");
    Map<String, Long> expectedRows =
        Map.of(
            "events",
            238L,
            "events_quarantine",
            3L,
            "mart_user_engagement",
            42L,
            "mart_session_revenue",
            48L);
    for (Map.Entry<String, Long> table : new TreeMap<>(expectedRows).entrySet()) {
      IcebergSnapshot snapshot =
          IcebergSnapshot.current(fs, warehouse, "clickstream", table.getKey());
      assertThat(snapshot.totalRecords()).as("rows of %s", snapshot).isEqualTo(table.getValue());
      assertThat(snapshot.totalDeletes()).as("deletes in %s", snapshot).isZero();
      assertThat(snapshot.batchId())
          .as("batch of the last commit to %s", snapshot)
          .isEqualTo(batchId);
    }

    // MySQL: the batch record and the marts, exported with the password from the credential store.
    assertThat(
            mariaDb.rows(
                MYSQL_DATABASE,
                "select batch_id, instance_path, status, rows_read, rows_clean, rows_quarantined,"
                    + " rows_duplicate, rows_clean + rows_quarantined + rows_duplicate,"
                    + " q_malformed_row, q_bad_price, q_bad_event_type, stage_status, clean_status,"
                    + " marts_status, export_status, purge_status from pipeline_batches"))
        .as("pipeline_batches: read = clean + quarantined + duplicate, every stage done")
        .containsExactly(
            batchId + "|" + instance + "|succeeded|242|238|3|1|242|1|1|1|done|done|done|done|done");
    assertThat(
            mariaDb.rows(
                MYSQL_DATABASE,
                "select count(*), sum(total_views), sum(total_add_to_cart), sum(total_purchases),"
                    + " sum(total_revenue), min(updated_batch_id) from user_engagement"))
        .as("user_engagement: users, views, carts, purchases, revenue")
        .containsExactly("42|232|2|4|803.06|" + batchId);
    assertThat(
            mariaDb.rows(
                MYSQL_DATABASE,
                "select count(*), sum(events), sum(purchases), sum(total_revenue) from"
                    + " session_revenue"))
        .as("session_revenue: sessions, events, purchases, revenue")
        .containsExactly("48|238|4|803.06");

    assertThat(fs.exists(new org.apache.hadoop.fs.Path(resolved("stagingRoot") + "/" + batchId)))
        .as("the batch's staging directory, purged after the export")
        .isFalse();
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(instance)))
        .as("the landing instance, removed by the purge")
        .isFalse();
  }

  @Test
  void aFailedStepKillsTheWorkflowAndARerunOfTheFailedNodesFinishesIt() throws Exception {
    String instance = landingInstance("2026/11/27/16");
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
    WorkflowJob failed = waitForEnd(workflowOf(coordId).getId(), WORKFLOW_TIMEOUT);

    assertThat(failed.getStatus()).as(describe(failed)).isEqualTo(WorkflowJob.Status.KILLED);
    Map<String, WorkflowAction> actions =
        failed.getActions().stream().collect(Collectors.toMap(WorkflowAction::getName, a -> a));
    assertThat(actions.get("marts").getStatus())
        .as(describe(failed))
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
    rerun.setProperty(OozieClient.APP_PATH, workflowConf(failed).get(OozieClient.APP_PATH));
    rerun.setProperty(OozieClient.USER_NAME, cluster.user);
    cluster.workflowClient().reRun(failed.getId(), rerun);
    WorkflowJob rerunDone =
        poll("the rerun to end", WORKFLOW_TIMEOUT)
            .until(
                () -> cluster.workflowClient().getJobInfo(failed.getId()),
                wf ->
                    wf.getStatus() == WorkflowJob.Status.SUCCEEDED
                        || wf.getStatus() == WorkflowJob.Status.KILLED
                            && wf.getRun() > failed.getRun()
                        || wf.getStatus() == WorkflowJob.Status.FAILED);
    assertThat(rerunDone.getStatus())
        .as(describe(rerunDone))
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
    // Also there when the real-jobs app was not deployed (-Dclicklake.noClusterJar).
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
        poll("the bundle to submit its coordinators", Duration.ofSeconds(60))
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

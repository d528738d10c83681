package io.clicklake.oozie;

import static org.assertj.core.api.Assertions.assertThat;

import io.clicklake.mariadb.EmbeddedMariaDb;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * What the end-to-end tests of the ingest coordinator share, whichever way the workflow's actions
 * run ({@code <java>} actions in {@link IngestCoordinatorEndToEndTest}, the production {@code
 * <spark>} actions in {@link IngestSparkActionEndToEndTest}): ingest/job.properties for the test's
 * cluster, deploying files to MiniDFS, waiting on the engine, and {@link #loadOneBatch}, the real
 * jobs' run of one landing instance with everything it checks.
 */
final class IngestEndToEnd {

  static final List<String> STEPS = List.of("stage", "clean", "marts", "export", "purge");
  private static final String MYSQL_DATABASE = "clicklake";

  private final LocalOozieCluster cluster;
  private final FileSystem fs;
  private final String nameNode;

  IngestEndToEnd(LocalOozieCluster cluster) throws Exception {
    this.cluster = cluster;
    this.fs = cluster.fs();
    this.nameNode = cluster.nameNode();
  }

  /**
   * Closes each of {@code resources} that was started (not null), in order, even when one fails.
   */
  static void closeAll(AutoCloseable... resources) throws Exception {
    Exception failure = null;
    for (AutoCloseable resource : resources) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * ingest/job.properties for this cluster: what an admin would edit, plus the test's schedule and
   * user.
   */
  Properties jobProperties(String start, String end) throws Exception {
    Properties props = OozieApps.jobProperties("ingest");
    props.setProperty("nameNode", nameNode);
    props.setProperty("resourceManager", cluster.resourceManager());
    props.setProperty("queueName", "default");
    props.setProperty("javaHome", System.getProperty("java.home"));
    props.setProperty("start", start);
    props.setProperty("end", end);
    props.setProperty(OozieClient.USER_NAME, cluster.user);
    return props;
  }

  /**
   * For the real jobs: the MySQL marts in {@code mariaDb}, whose password the jobs read from a
   * credential store on this cluster (the production mechanism; the password is in no property).
   */
  Properties withMySql(Properties props, EmbeddedMariaDb mariaDb) throws Exception {
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
    return props;
  }

  /**
   * A property of ingest/job.properties, with ${...} resolved as Oozie resolves it, on this
   * cluster.
   */
  String resolved(String key) throws Exception {
    Configuration conf = new Configuration(false);
    Properties props = OozieApps.jobProperties("ingest");
    props.stringPropertyNames().forEach(k -> conf.set(k, props.getProperty(k)));
    conf.set("nameNode", nameNode);
    return conf.get(key);
  }

  void copy(Path local, String target) throws Exception {
    write(target, OozieApps.read(local));
  }

  void write(String target, String text) throws Exception {
    try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(target), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  String landingInstance(String yyyyMmDdHh) throws Exception {
    return resolved("landingRoot") + "/" + yyyyMmDdHh;
  }

  /** Waiting on the asynchronous engine: {@code what} names the wait in the timeout's message. */
  static ConditionFactory poll(String what, Duration timeout) {
    return Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(250));
  }

  CoordinatorAction onlyAction(String coordId) throws Exception {
    CoordinatorJob job = cluster.coordClient().getCoordJobInfo(coordId);
    return job.getActions().isEmpty() ? null : job.getActions().get(0);
  }

  WorkflowJob workflowOf(String coordId) throws Exception {
    CoordinatorAction action =
        poll("coordinator " + coordId + " to start a workflow", Duration.ofSeconds(60))
            .until(() -> onlyAction(coordId), a -> a != null && a.getExternalId() != null);
    return cluster.workflowClient().getJobInfo(action.getExternalId());
  }

  WorkflowJob waitForEnd(String wfId, Duration timeout) throws Exception {
    OozieClient client = cluster.workflowClient();
    return poll("workflow " + wfId + " to end", timeout)
        .until(
            () -> client.getJobInfo(wfId),
            wf ->
                wf.getStatus() != WorkflowJob.Status.PREP
                    && wf.getStatus() != WorkflowJob.Status.RUNNING
                    && wf.getStatus() != WorkflowJob.Status.SUSPENDED);
  }

  static String describe(WorkflowJob wf) {
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

  static Map<String, String> workflowConf(WorkflowJob wf) throws Exception {
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
        Files.readAllLines(OozieApps.appsDir().resolve("../../data/sample-2019-10-01-00.csv"));
    List<String> lines = new ArrayList<>(sample.subList(0, 241));
    lines.add(
        "2019-10-01 00:10:00"
            + " UTC,view,1000001,2053013552768937352,,atlant,-5.00,500000297,5ce48c40-d5d5-de23-097c-6b6e05f7696b");
    lines.add(
        "2019-10-01 00:11:00"
            + " UTC,click,1000001,2053013552768937352,,atlant,5.00,500000297,5ce48c40-d5d5-de23-097c-6b6e05f7696b");
    return String.join("\n", lines) + "\n";
  }

  /**
   * Submits the ingest coordinator with {@code props} for the hour 2026-11-27T14 and checks one
   * batch end to end: the action waits while the instance has files but no {@code _READY}; {@code
   * _READY} starts the workflow, whose steps run in order and succeed; then the Iceberg tables on
   * the MiniDFS warehouse, the ledger and the marts in MySQL, and the purged staging directory and
   * landing instance. Returns the workflow, for its action records.
   */
  WorkflowJob loadOneBatch(Properties props, EmbeddedMariaDb mariaDb, Duration workflowTimeout)
      throws Exception {
    String instance = landingInstance("2026/11/27/14");
    String batchId = "2026-11-27-14";
    write(instance + "/events-0001.csv", smallInput());
    props.setProperty("start", "2026-11-27T14:00Z");
    props.setProperty("end", "2026-11-27T15:00Z");

    String coordId = cluster.coordClient().run(props);

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
    WorkflowJob wf = waitForEnd(workflowOf(coordId).getId(), workflowTimeout);
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
    return wf;
  }
}

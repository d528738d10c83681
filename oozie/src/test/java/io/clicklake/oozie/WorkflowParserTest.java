package io.clicklake.oozie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.oozie.service.LiteWorkflowStoreService;
import org.apache.oozie.service.SchemaService;
import org.apache.oozie.service.Services;
import org.apache.oozie.workflow.WorkflowException;
import org.apache.oozie.workflow.lite.ActionNodeDef;
import org.apache.oozie.workflow.lite.LiteWorkflowApp;
import org.apache.oozie.workflow.lite.LiteWorkflowAppParser;
import org.apache.oozie.workflow.lite.NodeDef;
import org.apache.oozie.workflow.lite.StartNodeDef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * The workflows as Oozie's own parser sees them (schema, parameters, graph: transitions, kill and
 * decision nodes, action types known to the ActionService), given the configuration the coordinator
 * hands them.
 */
class WorkflowParserTest {

  @TempDir static Path home;
  private static LiteWorkflowAppParser parser;

  @BeforeAll
  static void startServices() throws Exception {
    OozieHome.create(
        home,
        Map.of(
            "oozie.services",
            "org.apache.oozie.service.SchemaService,org.apache.oozie.service.ActionService"),
        null);
    new Services().init();
    parser =
        new LiteWorkflowAppParser(
            Services.get().get(SchemaService.class).getSchema(SchemaService.SchemaName.WORKFLOW),
            LiteWorkflowStoreService.LiteControlNodeHandler.class,
            LiteWorkflowStoreService.LiteDecisionHandler.class,
            LiteWorkflowStoreService.LiteActionHandler.class);
  }

  @AfterAll
  static void stopServices() {
    if (Services.get() != null) {
      Services.get().destroy();
    }
  }

  /**
   * The workflow's configuration when its coordinator starts it: job.properties plus the action
   * configuration.
   */
  private static Configuration runConf(String app) throws Exception {
    Configuration conf = new Configuration(false);
    Properties props = OozieApps.jobProperties(app);
    props.stringPropertyNames().forEach(k -> conf.set(k, props.getProperty(k)));
    Element coordinator =
        OozieApps.parse(OozieApps.app(app).resolve("coordinator.xml")).getDocumentElement();
    Element workflow = OozieApps.child(OozieApps.child(coordinator, "action"), "workflow");
    OozieApps.configuration(workflow).forEach((k, v) -> conf.set(k, "resolved-by-coordinator"));
    return conf;
  }

  private static LiteWorkflowApp parse(String app, Configuration conf) throws Exception {
    String xml = Files.readString(OozieApps.app(app).resolve("workflow.xml"));
    return parser.validateAndParse(new StringReader(xml), conf);
  }

  /** The path the workflow takes when every action succeeds. */
  private static List<String> happyPath(LiteWorkflowApp app) {
    List<String> path = new ArrayList<>();
    NodeDef node = app.getNode(app.getNode(StartNodeDef.START).getTransitions().get(0));
    while (node instanceof ActionNodeDef) {
      path.add(node.getName());
      node = app.getNode(node.getTransitions().get(0));
    }
    path.add(node.getName());
    return path;
  }

  @Test
  void ingestRunsTheBatchStepsInOrderAndFailsThroughTheKillNode() throws Exception {
    LiteWorkflowApp app = parse("ingest", runConf("ingest"));

    assertThat(happyPath(app))
        .as("ok-transitions from start")
        .containsExactly("stage", "clean", "marts", "export", "purge", "late-files");
    assertThat(app.getNode("late-files").getTransitions())
        .as("after the purge: a follow-up run for files that arrived late, else the end")
        .containsExactly("follow-up", "end");
    assertThat(app.getNode("follow-up").getTransitions())
        .as("the follow-up run")
        .containsExactly("end", "on-failure");
    for (String action : List.of("stage", "clean", "marts", "export", "purge")) {
      assertThat(app.getNode(action).getTransitions())
          .as("ok and error transitions of %s", action)
          .containsExactly(app.getNode(action).getTransitions().get(0), "on-failure");
    }
    assertThat(app.getNode("on-failure").getTransitions())
        .as("the failure decision mails or goes straight to the kill node")
        .containsExactlyInAnyOrder("notify-failure", "fail");
    assertThat(app.getNode("notify-failure").getTransitions()).containsOnly("fail");
  }

  @Test
  void maintenanceRunsTheMaintenanceJob() throws Exception {
    LiteWorkflowApp app = parse("maintenance", runConf("maintenance"));
    assertThat(happyPath(app)).containsExactly("maintain", "end");
    assertThat(app.getNode("maintain").getTransitions()).containsExactly("end", "on-failure");
  }

  @Test
  void theIngestWorkflowRequiresTheInstancePath() throws Exception {
    Configuration conf = runConf("ingest");
    conf.unset("instancePath");
    assertThatThrownBy(() -> parse("ingest", conf))
        .as("a run without instancePath must be refused at submission")
        .isInstanceOf(WorkflowException.class)
        .hasMessageContaining("instancePath");
  }

  @Test
  void theParserCatchesABrokenTransition() throws Exception {
    String xml =
        Files.readString(OozieApps.app("ingest").resolve("workflow.xml"))
            .replace("<ok to=\"export\"/>", "<ok to=\"exprot\"/>");
    assertThatThrownBy(() -> parser.validateAndParse(new StringReader(xml), runConf("ingest")))
        .isInstanceOf(WorkflowException.class)
        .hasMessageContaining("exprot");
  }
}

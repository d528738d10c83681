package io.clicklake.oozie;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Every {@code ${...}} variable the apps use is defined where Oozie will look for it: the
 * job.properties it is submitted with, the app's {@code <parameters>} defaults, or (for a workflow)
 * the configuration its coordinator passes. EL functions ({@code coord:}, {@code wf:}) and EL
 * constants are not variables. Checked for each way the apps are submitted: the bundle, and each
 * coordinator alone.
 */
class AppPropertiesTest {

  private static final Pattern EL = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern STRING_LITERAL = Pattern.compile("'[^']*'|\"[^\"]*\"");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w:.])([A-Za-z_][\\w]*)(?![\\w(:])");
  private static final Set<String> EL_WORDS =
      Set.of(
          "and",
          "or",
          "not",
          "eq",
          "ne",
          "lt",
          "gt",
          "le",
          "ge",
          "true",
          "false",
          "null",
          "empty",
          "div",
          "mod",
          "instanceof");

  /** EL constants of Oozie (sizes, SLA time units). */
  private static final Set<String> EL_CONSTANTS =
      Set.of("KB", "MB", "GB", "TB", "PB", "MINUTES", "HOURS", "DAYS");

  /** Only meaningful inside a dataset's uri-template. */
  private static final Set<String> URI_TEMPLATE_VARIABLES =
      Set.of("YEAR", "MONTH", "DAY", "HOUR", "MINUTE");

  /** Keys whose values differ between the job.properties files on purpose. */
  private static final Set<String> PER_APP_KEYS =
      Set.of("oozie.coord.application.path", "oozie.bundle.application.path");

  /** Variables used in one XML file, with where they occur (for the failure message). */
  static Map<String, String> variablesUsed(Path xml) throws Exception {
    Map<String, String> used = new TreeMap<>();
    collect(OozieApps.parse(xml).getDocumentElement(), xml.getFileName().toString(), used);
    return used;
  }

  private static void collect(Element element, String where, Map<String, String> used) {
    String here = where + "/" + element.getLocalName();
    boolean uriTemplate = element.getLocalName().equals("uri-template");
    NamedNodeMap attributes = element.getAttributes();
    for (int i = 0; i < attributes.getLength(); i++) {
      Attr attr = (Attr) attributes.item(i);
      addVariables(attr.getValue(), here + "/@" + attr.getName(), false, used);
    }
    NodeList nodes = element.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node node = nodes.item(i);
      if (node instanceof Element) {
        collect((Element) node, here, used);
      } else if (node.getNodeType() == Node.TEXT_NODE
          || node.getNodeType() == Node.CDATA_SECTION_NODE) {
        addVariables(node.getNodeValue(), here, uriTemplate, used);
      }
    }
  }

  static void addVariables(
      String text, String where, boolean uriTemplate, Map<String, String> used) {
    Matcher el = EL.matcher(text);
    while (el.find()) {
      String body = STRING_LITERAL.matcher(el.group(1)).replaceAll(" ");
      Matcher id = IDENTIFIER.matcher(body);
      while (id.find()) {
        String name = id.group(1);
        if (EL_WORDS.contains(name)
            || EL_CONSTANTS.contains(name)
            || (uriTemplate && URI_TEMPLATE_VARIABLES.contains(name))
            || name.matches("\\d.*")) {
          continue;
        }
        used.putIfAbsent(name, where);
      }
    }
  }

  private static Set<String> keys(Properties props) {
    return new HashSet<>(props.stringPropertyNames());
  }

  /**
   * Checks a coordinator and the workflow it starts, given what is defined when it is submitted.
   */
  private static void checkCoordinator(String app, Set<String> submitted, List<String> missing)
      throws Exception {
    Path coordinatorXml = OozieApps.app(app).resolve("coordinator.xml");
    Element coordinator = OozieApps.parse(coordinatorXml).getDocumentElement();
    Set<String> coordinatorDefined = new HashSet<>(submitted);
    coordinatorDefined.addAll(OozieApps.parameters(coordinator).keySet());
    report(app + "/coordinator.xml", variablesUsed(coordinatorXml), coordinatorDefined, missing);

    Element workflowElement = OozieApps.child(OozieApps.child(coordinator, "action"), "workflow");
    String appPath = OozieApps.childText(workflowElement, "app-path");
    assertThat(appPath).as("workflow app-path of %s", app).isEqualTo("${appRoot}/" + app);

    Path workflowXml = OozieApps.app(app).resolve("workflow.xml");
    Element workflow = OozieApps.parse(workflowXml).getDocumentElement();
    Set<String> workflowDefined = new HashSet<>(coordinatorDefined);
    workflowDefined.addAll(OozieApps.configuration(workflowElement).keySet());
    workflowDefined.addAll(OozieApps.parameters(workflow).keySet());
    report(app + "/workflow.xml", variablesUsed(workflowXml), workflowDefined, missing);
  }

  private static void report(
      String file, Map<String, String> used, Set<String> defined, List<String> missing) {
    used.forEach(
        (name, where) -> {
          if (!defined.contains(name)) {
            missing.add(file + ": ${" + name + "} (first used at " + where + ")");
          }
        });
  }

  @Test
  void theExtractorFindsVariablesButNotFunctionsOrLiterals() {
    Map<String, String> used = new TreeMap<>();
    addVariables(
        "${coord:formatTime(coord:nominalTime(), 'yyyy-MM-dd-HH')} ${a * MINUTES} ${not empty"
            + " notifyEmail} ${wf:errorMessage(wf:lastErrorNode())} ${landingRoot}/${YEAR}",
        "test",
        false,
        used);
    assertThat(used.keySet()).containsExactlyInAnyOrder("a", "notifyEmail", "landingRoot", "YEAR");
  }

  @Test
  void everyVariableIsDefinedWhenSubmittedAsTheBundle() throws Exception {
    Properties props = OozieApps.jobProperties("bundle");
    List<String> missing = new ArrayList<>();
    Path bundleXml = OozieApps.app("bundle").resolve("bundle.xml");
    Element bundle = OozieApps.parse(bundleXml).getDocumentElement();
    Set<String> bundleDefined = keys(props);
    bundleDefined.addAll(OozieApps.parameters(bundle).keySet());
    report("bundle/bundle.xml", variablesUsed(bundleXml), bundleDefined, missing);

    Set<String> coordinators = new LinkedHashSet<>();
    for (Element coordinator : OozieApps.children(bundle, "coordinator")) {
      String appPath = OozieApps.childText(coordinator, "app-path");
      assertThat(appPath).as("bundle app-path").startsWith("${appRoot}/");
      String app = appPath.substring("${appRoot}/".length());
      coordinators.add(app);
      Set<String> submitted = new HashSet<>(bundleDefined);
      submitted.addAll(OozieApps.configuration(coordinator).keySet());
      checkCoordinator(app, submitted, missing);
    }
    assertThat(coordinators)
        .as("coordinators of the bundle")
        .containsExactly("ingest", "maintenance");
    assertThat(missing).as("variables used but never defined").isEmpty();
  }

  @Test
  void everyVariableIsDefinedWhenACoordinatorIsSubmittedAlone() throws Exception {
    List<String> missing = new ArrayList<>();
    for (String app : List.of("ingest", "maintenance")) {
      Properties props = OozieApps.jobProperties(app);
      assertThat(props.getProperty("oozie.coord.application.path"))
          .as("%s/job.properties submits its own coordinator", app)
          .isEqualTo("${appRoot}/" + app);
      checkCoordinator(app, keys(props), missing);
    }
    assertThat(missing).as("variables used but never defined").isEmpty();
  }

  @Test
  void aMissingPropertyIsReported() throws Exception {
    Properties props = OozieApps.jobProperties("ingest");
    props.remove("landingRoot");
    List<String> missing = new ArrayList<>();
    checkCoordinator("ingest", keys(props), missing);
    assertThat(missing)
        .as("removing landingRoot from job.properties must be caught")
        .anySatisfy(m -> assertThat(m).startsWith("ingest/coordinator.xml: ${landingRoot}"))
        .anySatisfy(m -> assertThat(m).startsWith("ingest/workflow.xml: ${landingRoot}"));
  }

  @Test
  void theJobPropertiesFilesShareOneEnvironment() throws Exception {
    Map<String, Map<String, String>> envs = new HashMap<>();
    for (String app : OozieApps.APPS) {
      Properties props = OozieApps.jobProperties(app);
      Map<String, String> env = new TreeMap<>();
      props.stringPropertyNames().stream()
          .filter(k -> !PER_APP_KEYS.contains(k))
          .forEach(k -> env.put(k, props.getProperty(k)));
      envs.put(app, env);
    }
    assertThat(envs.get("ingest"))
        .as("ingest vs bundle job.properties")
        .isEqualTo(envs.get("bundle"));
    assertThat(envs.get("maintenance"))
        .as("maintenance vs bundle job.properties")
        .isEqualTo(envs.get("bundle"));
    assertThat(OozieApps.jobProperties("bundle").getProperty("oozie.bundle.application.path"))
        .isEqualTo("${appRoot}/bundle");
  }

  @Test
  void noPasswordAnywhereInTheApps() throws Exception {
    Set<String> offending = new TreeSet<>();
    for (String app : OozieApps.APPS) {
      Properties props = OozieApps.jobProperties(app);
      for (String key : props.stringPropertyNames()) {
        String lower = key.toLowerCase();
        if ((lower.contains("password") || lower.contains("secret"))
            && !(key.endsWith("PasswordAlias") || key.endsWith("ProviderPath"))) {
          offending.add(app + "/job.properties: " + key);
        }
      }
    }
    for (Path xml : OozieApps.allXml()) {
      String text = OozieApps.read(xml);
      Matcher m = Pattern.compile("password[\\w.-]*=").matcher(text);
      while (m.find()) {
        if (!m.group().equals("password.alias=")) {
          offending.add(OozieApps.appsDir().relativize(xml) + ": " + m.group());
        }
      }
    }
    assertThat(offending)
        .as("passwords must come from the credential provider (alias), never from a property")
        .isEmpty();
  }
}

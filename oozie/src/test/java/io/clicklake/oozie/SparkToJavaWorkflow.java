package io.clicklake.oozie;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Rewrites a production workflow for the end-to-end test: each {@code <spark>} action becomes a
 * {@code <java>} action with the same arguments and prepare steps, whose main class is given
 * ({@link RecordingMain}, to record what the job was given). What spark-submit would have received
 * — the job class, {@code <jar>}, {@code <name>}, {@code <spark-opts>} — travels as action
 * configuration, resolved by Oozie's EL like the original. Everything else — parameters, global
 * section, transitions, decision, e-mail and kill nodes — is the production workflow as it is.
 */
final class SparkToJavaWorkflow {

  static final String ACTION = "clicklake.test.action";
  static final String JOB_CLASS = "clicklake.test.jobClass";
  static final String JAR = "clicklake.test.jar";
  static final String APP_NAME = "clicklake.test.appName";
  static final String SPARK_OPTS = "clicklake.test.sparkOpts";

  /** RecordingMain: where to record, and which job class to fail. */
  static final String RECORD_ROOT = "clicklake.test.recordRoot";

  static final String FAIL_CLASS = "clicklake.test.failClass";

  /**
   * How the rewritten actions run: main class, launcher JVM options, launcher memory, extra
   * configuration.
   */
  record Launch(
      Class<?> mainClass,
      String javaOpts,
      int launcherMemoryMb,
      Map<String, String> configuration) {}

  /** RecordingMain: C1 only and serial GC because each launcher JVM lives a few seconds. */
  static Launch recording() {
    return new Launch(
        RecordingMain.class,
        "--add-opens=java.base/java.lang=ALL-UNNAMED -Xmx256m -XX:TieredStopAtLevel=1"
            + " -XX:+UseSerialGC",
        512,
        Map.of(RECORD_ROOT, "${testRecordRoot}", FAIL_CLASS, "${testFailClass}"));
  }

  private SparkToJavaWorkflow() {}

  static String rewrite(String workflowXml, Launch launch) throws Exception {
    Document doc = OozieApps.parse(workflowXml);
    Element root = doc.getDocumentElement();
    String ns = OozieApps.WORKFLOW_NS;
    for (Element action : OozieApps.children(root, "action")) {
      Element spark = OozieApps.child(action, "spark");
      if (spark == null) {
        continue;
      }
      Element java = doc.createElementNS(ns, "java");
      Element prepare = OozieApps.child(spark, "prepare");
      if (prepare != null) {
        Element copy = doc.createElementNS(ns, "prepare");
        for (Element step : children(prepare)) {
          Element stepCopy = doc.createElementNS(ns, step.getLocalName());
          stepCopy.setAttribute("path", step.getAttribute("path"));
          copy.appendChild(stepCopy);
        }
        java.appendChild(copy);
      }
      Element configuration = doc.createElementNS(ns, "configuration");
      property(
          doc,
          configuration,
          "oozie.launcher.memory.mb",
          String.valueOf(launch.launcherMemoryMb()));
      property(doc, configuration, ACTION, action.getAttribute("name"));
      property(doc, configuration, JOB_CLASS, OozieApps.childText(spark, "class"));
      property(doc, configuration, JAR, OozieApps.childText(spark, "jar"));
      property(doc, configuration, APP_NAME, OozieApps.childText(spark, "name"));
      property(doc, configuration, SPARK_OPTS, OozieApps.childText(spark, "spark-opts"));
      launch.configuration().forEach((k, v) -> property(doc, configuration, k, v));
      java.appendChild(configuration);
      text(doc, java, "main-class", launch.mainClass().getName());
      text(doc, java, "java-opts", launch.javaOpts());
      for (Element arg : OozieApps.children(spark, "arg")) {
        text(doc, java, "arg", arg.getTextContent());
      }
      action.replaceChild(java, spark);
    }
    return OozieApps.toXml(doc);
  }

  /**
   * In a launcher: the action's configuration, which Oozie hands to the main class in this file.
   */
  static Configuration actionConf() {
    Configuration conf = new Configuration(false);
    conf.addResource(new Path("file://" + System.getProperty("oozie.action.conf.xml")));
    return conf;
  }

  private static List<Element> children(Element parent) {
    List<Element> result = new java.util.ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element) {
        result.add((Element) n);
      }
    }
    return result;
  }

  private static void property(Document doc, Element configuration, String name, String value) {
    Element property = doc.createElementNS(OozieApps.WORKFLOW_NS, "property");
    text(doc, property, "name", name);
    text(doc, property, "value", value);
    configuration.appendChild(property);
  }

  private static void text(Document doc, Element parent, String name, String value) {
    Element element = doc.createElementNS(OozieApps.WORKFLOW_NS, name);
    element.setTextContent(value);
    parent.appendChild(element);
  }
}

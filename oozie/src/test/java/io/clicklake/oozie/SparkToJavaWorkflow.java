package io.clicklake.oozie;

import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Rewrites a production workflow for the end-to-end test: each {@code <spark>} action becomes a {@code <java>}
 * action running {@link RecordingMain} with the same arguments, its prepare steps, and (as configuration, resolved
 * by Oozie's EL like the original) the job class and spark-opts. Everything else — parameters, global section,
 * transitions, decision, e-mail and kill nodes — is the production workflow as it is.
 */
final class SparkToJavaWorkflow {

  /** Java 17 opens for the launcher; C1 only and serial GC because each launcher JVM lives a few seconds. */
  static final String LAUNCHER_JAVA_OPTS =
      "--add-opens=java.base/java.lang=ALL-UNNAMED -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private SparkToJavaWorkflow() {}

  static String rewrite(String workflowXml) throws Exception {
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
      property(doc, configuration, RecordingMain.ACTION, action.getAttribute("name"));
      property(doc, configuration, RecordingMain.JOB_CLASS, OozieApps.childText(spark, "class"));
      property(doc, configuration, RecordingMain.SPARK_OPTS, OozieApps.childText(spark, "spark-opts"));
      property(doc, configuration, RecordingMain.RECORD_ROOT, "${testRecordRoot}");
      property(doc, configuration, RecordingMain.FAIL_CLASS, "${testFailClass}");
      java.appendChild(configuration);
      text(doc, java, "main-class", RecordingMain.class.getName());
      text(doc, java, "java-opts", LAUNCHER_JAVA_OPTS);
      for (Element arg : OozieApps.children(spark, "arg")) {
        text(doc, java, "arg", arg.getTextContent());
      }
      action.replaceChild(java, spark);
    }
    return OozieApps.toXml(doc);
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

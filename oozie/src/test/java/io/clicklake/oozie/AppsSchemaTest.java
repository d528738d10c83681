package io.clicklake.oozie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.xml.sax.SAXParseException;

/**
 * Every XML under oozie/apps is valid against the XSDs of the Oozie version we deploy to, at the
 * versions we use.
 */
class AppsSchemaTest {

  private static Schema schema;

  @BeforeAll
  static void loadSchemas() throws Exception {
    schema = OozieApps.schema();
  }

  static Stream<Path> appXml() throws Exception {
    return OozieApps.allXml().stream();
  }

  @Test
  void theAppsAreAllThere() throws Exception {
    assertThat(OozieApps.allXml())
        .as("app XML files")
        .extracting(p -> OozieApps.appsDir().relativize(p).toString())
        .containsExactlyInAnyOrder(
            "bundle/bundle.xml",
            "ingest/coordinator.xml",
            "ingest/workflow.xml",
            "maintenance/coordinator.xml",
            "maintenance/workflow.xml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("appXml")
  void validAgainstOozieXsd(Path xml) throws Exception {
    Validator validator = schema.newValidator();
    try {
      validator.validate(new StreamSource(new StringReader(OozieApps.read(xml)), xml.toString()));
    } catch (SAXParseException e) {
      throw new AssertionError(
          xml + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage(), e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("appXml")
  void usesTheAgreedSchemaVersions(Path xml) throws Exception {
    Element root = OozieApps.parse(xml).getDocumentElement();
    String expected =
        switch (root.getLocalName()) {
          case "workflow-app" -> OozieApps.WORKFLOW_NS;
          case "coordinator-app" -> OozieApps.COORDINATOR_NS;
          case "bundle-app" -> OozieApps.BUNDLE_NS;
          default ->
              throw new AssertionError("unexpected root " + root.getLocalName() + " in " + xml);
        };
    assertThat(root.getNamespaceURI()).as("namespace of %s", xml).isEqualTo(expected);

    if (root.getLocalName().equals("workflow-app")) {
      for (Element action : OozieApps.children(root, "action")) {
        Element body = (Element) action.getElementsByTagNameNS("*", "*").item(0);
        assertThat(body.getNamespaceURI())
            .as(
                "action %s of %s: spark-action, email-action, or a sub-workflow of workflow:1.0",
                action.getAttribute("name"), xml)
            .isIn(Set.of(OozieApps.SPARK_NS, OozieApps.EMAIL_NS, OozieApps.WORKFLOW_NS));
      }
    }
  }

  @Test
  void theValidatorRejectsASparkActionWithoutJar() throws Exception {
    String broken =
        OozieApps.read(OozieApps.app("maintenance").resolve("workflow.xml"))
            .replaceFirst("<jar>[^<]*</jar>", "");
    Validator validator = schema.newValidator();
    assertThatThrownBy(() -> validator.validate(new StreamSource(new StringReader(broken))))
        .as("a spark action without <jar> must not validate")
        .isInstanceOf(SAXParseException.class)
        .hasMessageContaining("spark-opts");
  }

  @Test
  void theValidatorRejectsAnUnknownActionNamespace() throws Exception {
    String broken =
        OozieApps.read(OozieApps.app("maintenance").resolve("workflow.xml"))
            .replace(OozieApps.SPARK_NS, "uri:oozie:spark-action:9.9");
    Validator validator = schema.newValidator();
    assertThatThrownBy(() -> validator.validate(new StreamSource(new StringReader(broken))))
        .as("an action whose schema is unknown must not validate")
        .isInstanceOf(SAXParseException.class);
  }
}

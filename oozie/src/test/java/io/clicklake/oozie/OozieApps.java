package io.clicklake.oozie;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Source;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The Oozie apps under {@code oozie/apps/} as the tests see them: where they are, their
 * job.properties, their XML as DOM, and Oozie's own XSDs (taken from the oozie-client jar, the
 * schemas the server validates with).
 */
final class OozieApps {

  static final String WORKFLOW_NS = "uri:oozie:workflow:1.0";
  static final String COORDINATOR_NS = "uri:oozie:coordinator:0.5";
  static final String BUNDLE_NS = "uri:oozie:bundle:0.2";
  static final String SPARK_NS = "uri:oozie:spark-action:1.0";
  static final String EMAIL_NS = "uri:oozie:email-action:0.2";
  static final String SLA_NS = "uri:oozie:sla:0.2";

  /**
   * Every schema the apps may use, in one set: the workflow's {@code <xs:any namespace="##other">}
   * action slot is strict, so an action's schema must be known to the same validator.
   */
  static final List<String> XSDS =
      List.of(
          "oozie-workflow-1.0.xsd",
          "spark-action-1.0.xsd",
          "email-action-0.2.xsd",
          "oozie-sla-0.2.xsd",
          "oozie-coordinator-0.5.xsd",
          "oozie-bundle-0.2.xsd");

  /** The app folders, as deployed under appRoot. */
  static final List<String> APPS = List.of("ingest", "maintenance", "bundle");

  private OozieApps() {}

  static Path appsDir() {
    String configured = System.getProperty("clicklake.apps.dir");
    Path dir = configured != null ? Paths.get(configured) : Paths.get("apps");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("Oozie apps directory not found: " + dir.toAbsolutePath());
    }
    return dir;
  }

  static Path app(String name) {
    return appsDir().resolve(name);
  }

  static List<Path> allXml() throws IOException {
    try (Stream<Path> files = Files.walk(appsDir())) {
      return files.filter(p -> p.toString().endsWith(".xml")).sorted().collect(Collectors.toList());
    }
  }

  static Properties jobProperties(String app) throws IOException {
    Properties props = new Properties();
    try (Reader reader =
        Files.newBufferedReader(app(app).resolve("job.properties"), StandardCharsets.UTF_8)) {
      props.load(reader);
    }
    return props;
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /**
   * Oozie's XSDs with their jar URL as system id, so that {@code xs:include} of oozie-common
   * resolves. The JDK's own SchemaFactory is named: Oozie brings an old Xerces that would otherwise
   * be picked.
   */
  static Schema schema() throws Exception {
    SchemaFactory factory =
        SchemaFactory.newInstance(
            XMLConstants.W3C_XML_SCHEMA_NS_URI,
            "com.sun.org.apache.xerces.internal.jaxp.validation.XMLSchemaFactory",
            OozieApps.class.getClassLoader());
    List<Source> sources = new ArrayList<>();
    for (String xsd : XSDS) {
      URL url = OozieApps.class.getClassLoader().getResource(xsd);
      if (url == null) {
        throw new IllegalStateException(
            xsd + " is not on the classpath (it comes with oozie-client)");
      }
      InputStream in = url.openStream();
      sources.add(new StreamSource(in, url.toExternalForm()));
    }
    return factory.newSchema(sources.toArray(new Source[0]));
  }

  static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory =
        DocumentBuilderFactory.newInstance(
            "com.sun.org.apache.xerces.internal.jaxp.DocumentBuilderFactoryImpl",
            OozieApps.class.getClassLoader());
    factory.setNamespaceAware(true);
    DocumentBuilder builder = factory.newDocumentBuilder();
    return builder.parse(new InputSource(new StringReader(xml)));
  }

  static Document parse(Path file) throws Exception {
    return parse(read(file));
  }

  static String toXml(Document doc) throws Exception {
    Transformer transformer =
        TransformerFactory.newInstance(
                "com.sun.org.apache.xalan.internal.xsltc.trax.TransformerFactoryImpl",
                OozieApps.class.getClassLoader())
            .newTransformer();
    transformer.setOutputProperty(OutputKeys.INDENT, "yes");
    StringWriter out = new StringWriter();
    transformer.transform(new DOMSource(doc), new StreamResult(out));
    return out.toString();
  }

  /** Child elements of {@code parent} with the given local name, in any namespace. */
  static List<Element> children(Element parent, String localName) {
    List<Element> result = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node node = nodes.item(i);
      if (node instanceof Element && localName.equals(node.getLocalName())) {
        result.add((Element) node);
      }
    }
    return result;
  }

  static Element child(Element parent, String localName) {
    List<Element> found = children(parent, localName);
    return found.isEmpty() ? null : found.get(0);
  }

  static String childText(Element parent, String localName) {
    Element child = child(parent, localName);
    return child == null ? null : child.getTextContent().trim();
  }

  /** All descendant elements with the given local name, document order. */
  static List<Element> descendants(Element root, String localName) {
    List<Element> result = new ArrayList<>();
    NodeList nodes = root.getElementsByTagNameNS("*", localName);
    for (int i = 0; i < nodes.getLength(); i++) {
      result.add((Element) nodes.item(i));
    }
    return result;
  }

  /**
   * {@code <parameters>} of an app: name -> default value, or null when the parameter is required.
   */
  static Map<String, String> parameters(Element root) {
    Map<String, String> result = new LinkedHashMap<>();
    Element params = child(root, "parameters");
    if (params != null) {
      for (Element property : children(params, "property")) {
        Element value = child(property, "value");
        result.put(
            childText(property, "name"), value == null ? null : value.getTextContent().trim());
      }
    }
    return result;
  }

  /** {@code <configuration>} properties below {@code parent}: name -> value. */
  static Map<String, String> configuration(Element parent) {
    Map<String, String> result = new LinkedHashMap<>();
    Element configuration = child(parent, "configuration");
    if (configuration != null) {
      for (Element property : children(configuration, "property")) {
        result.put(childText(property, "name"), childText(property, "value"));
      }
    }
    return result;
  }
}

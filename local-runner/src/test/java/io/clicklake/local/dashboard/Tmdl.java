package io.clicklake.local.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Just enough of a TMDL reader to check a semantic model against the DDL: the tables with their
 * columns, measures and M partitions, the relationships, the named expressions and the {@code ref
 * table} list of model.tmdl. Indentation is tabs, as Power BI Desktop writes it.
 */
final class Tmdl {
  record Column(String name, String dataType, String sourceColumn, int line) {}

  record Measure(String name, String expression, int line) {}

  record Partition(String name, String kind, String source, int line) {}

  record Table(
      String name,
      Path file,
      List<Column> columns,
      List<Measure> measures,
      List<Partition> partitions) {}

  record Relationship(String name, String fromColumn, String toColumn) {}

  record Model(
      List<Table> tables,
      List<Relationship> relationships,
      Map<String, String> expressions,
      List<String> refTables) {}

  private static final Pattern OBJECT =
      Pattern.compile("^(\\w+)\\s+('(?:[^']|'')*'|[^\\s=]+)\\s*(?:=\\s*(.*))?$");

  private Tmdl() {}

  static Model read(Path definition) throws IOException {
    List<Table> tables = new ArrayList<>();
    try (Stream<Path> files = Files.list(definition.resolve("tables"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".tmdl")).sorted().toList()) {
        tables.add(table(f));
      }
    }
    List<Relationship> relationships = new ArrayList<>();
    Map<String, String> props = null;
    String relName = null;
    for (String line : lines(definition.resolve("relationships.tmdl"))) {
      if (line.startsWith("relationship ")) {
        if (relName != null) {
          relationships.add(
              new Relationship(relName, props.get("fromColumn"), props.get("toColumn")));
        }
        relName = line.substring("relationship ".length()).trim();
        props = new LinkedHashMap<>();
      } else if (relName != null && line.startsWith("\t") && line.contains(":")) {
        props.put(
            line.substring(0, line.indexOf(':')).trim(),
            line.substring(line.indexOf(':') + 1).trim());
      }
    }
    if (relName != null) {
      relationships.add(new Relationship(relName, props.get("fromColumn"), props.get("toColumn")));
    }
    Map<String, String> expressions = new LinkedHashMap<>();
    for (String line : lines(definition.resolve("expressions.tmdl"))) {
      Matcher m = OBJECT.matcher(line);
      if (!line.startsWith("\t") && m.matches() && m.group(1).equals("expression")) {
        expressions.put(unquote(m.group(2)), m.group(3));
      }
    }
    List<String> refs = new ArrayList<>();
    for (String line : lines(definition.resolve("model.tmdl"))) {
      if (line.startsWith("ref table ")) {
        refs.add(unquote(line.substring("ref table ".length()).trim()));
      }
    }
    return new Model(tables, relationships, expressions, refs);
  }

  private static Table table(Path file) throws IOException {
    List<String> lines = lines(file);
    String name = null;
    List<Column> columns = new ArrayList<>();
    List<Measure> measures = new ArrayList<>();
    List<Partition> partitions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int depth = depth(line);
      String body = line.trim();
      if (body.isEmpty() || body.startsWith("///")) {
        continue;
      }
      Matcher m = OBJECT.matcher(body);
      if (depth == 0 && m.matches() && m.group(1).equals("table")) {
        name = unquote(m.group(2));
      } else if (depth == 1 && m.matches() && m.group(1).equals("column")) {
        String source = null;
        String dataType = null;
        for (int j = i + 1;
            j < lines.size() && (lines.get(j).isBlank() || depth(lines.get(j)) >= 2);
            j++) {
          String p = lines.get(j).trim();
          if (depth(lines.get(j)) == 2 && p.startsWith("sourceColumn:")) {
            source = p.substring("sourceColumn:".length()).trim();
          } else if (depth(lines.get(j)) == 2 && p.startsWith("dataType:")) {
            dataType = p.substring("dataType:".length()).trim();
          }
        }
        columns.add(new Column(unquote(m.group(2)), dataType, source, i + 1));
      } else if (depth == 1 && m.matches() && m.group(1).equals("measure")) {
        StringBuilder expr = new StringBuilder(m.group(3) == null ? "" : m.group(3));
        for (int j = i + 1;
            j < lines.size() && (lines.get(j).isBlank() || depth(lines.get(j)) >= 3);
            j++) {
          expr.append('\n').append(lines.get(j).trim());
        }
        measures.add(new Measure(unquote(m.group(2)), expr.toString().trim(), i + 1));
      } else if (depth == 1 && m.matches() && m.group(1).equals("partition")) {
        StringBuilder source = new StringBuilder();
        boolean inSource = false;
        for (int j = i + 1;
            j < lines.size() && (lines.get(j).isBlank() || depth(lines.get(j)) >= 2);
            j++) {
          String l = lines.get(j);
          if (depth(l) == 2) {
            inSource = l.trim().startsWith("source =");
          } else if (inSource) {
            source.append(l.trim()).append('\n');
          }
        }
        partitions.add(new Partition(unquote(m.group(2)), m.group(3), source.toString(), i + 1));
      }
    }
    return new Table(name, file, columns, measures, partitions);
  }

  private static int depth(String line) {
    int d = 0;
    while (d < line.length() && line.charAt(d) == '\t') {
      d++;
    }
    return d;
  }

  static String unquote(String name) {
    return name.startsWith("'") && name.endsWith("'")
        ? name.substring(1, name.length() - 1).replace("''", "'")
        : name;
  }

  private static List<String> lines(Path f) throws IOException {
    return Files.readAllLines(f);
  }
}

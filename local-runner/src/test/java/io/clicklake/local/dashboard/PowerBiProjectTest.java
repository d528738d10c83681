package io.clicklake.local.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clicklake.local.dashboard.Tmdl.Column;
import io.clicklake.local.dashboard.Tmdl.Measure;
import io.clicklake.local.dashboard.Tmdl.Model;
import io.clicklake.local.dashboard.Tmdl.Partition;
import io.clicklake.local.dashboard.Tmdl.Relationship;
import io.clicklake.local.dashboard.Tmdl.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Power BI project in {@code dashboards/powerbi} is well-formed text and names only what {@code
 * sql/01_tables.sql} creates: every JSON file parses, every table and column the TMDL or a report
 * visual references exists in the DDL, and the measures and pages of issue 7 exist.
 */
class PowerBiProjectTest {
  static final List<String> REQUIRED_MEASURES =
      List.of(
          "Total revenue",
          "View→Cart conversion",
          "Cart→Purchase conversion",
          "Share of sessions with a purchase",
          "Avg revenue per purchasing session",
          "Last successful batch time");
  static final List<String> REQUIRED_PAGES =
      List.of("Overview", "Users", "Sessions", "Data freshness");
  static final String MICROSOFT_SCHEMAS = "https://developer.microsoft.com/json-schemas/fabric/";

  /**
   * Columns the reporting user of sql/02_reporting_user.sql, which Power BI connects as, may not
   * read (its grant on pipeline_batches is column by column, without this one).
   */
  static final String HIDDEN_FROM_REPORTING = "error_message";

  static final ObjectMapper JSON = new ObjectMapper();
  static Path project;
  static Map<String, Set<String>> ddl;
  static Model model;
  static Map<String, Set<String>> measuresByTable;

  @BeforeAll
  static void read() throws IOException {
    project = Repo.powerBi();
    ddl = SqlDdl.tables(Repo.tablesDdl());
    model = Tmdl.read(project.resolve("Clickstream.SemanticModel/definition"));
    measuresByTable = new LinkedHashMap<>();
    for (Table t : model.tables()) {
      measuresByTable.put(
          t.name(), t.measures().stream().map(Measure::name).collect(Collectors.toSet()));
    }
  }

  @Test
  void everyJsonFileParsesAndNamesAMicrosoftSchema() throws IOException {
    List<Path> files = jsonFiles();
    assertThat(files).as("JSON files of the project").hasSizeGreaterThan(10);
    for (Path f : files) {
      JsonNode doc;
      try {
        doc = JSON.readTree(f.toFile());
      } catch (IOException e) {
        throw new AssertionError(
            project.relativize(f) + " is not valid JSON: " + e.getMessage(), e);
      }
      assertThat(doc.isObject()).as("%s holds a JSON object", project.relativize(f)).isTrue();
      assertThat(doc.path("$schema").asText())
          .as("$schema of %s", project.relativize(f))
          .startsWith(MICROSOFT_SCHEMAS);
    }
  }

  @Test
  void projectFilesPointAtEachOther() throws IOException {
    JsonNode pbip = JSON.readTree(project.resolve("Clickstream.pbip").toFile());
    String report = pbip.path("artifacts").path(0).path("report").path("path").asText();
    assertThat(project.resolve(report).resolve("definition.pbir"))
        .as("report of Clickstream.pbip")
        .isRegularFile();
    JsonNode pbir = JSON.readTree(project.resolve(report).resolve("definition.pbir").toFile());
    String model = pbir.path("datasetReference").path("byPath").path("path").asText();
    assertThat(project.resolve(report).resolve(model).normalize().resolve("definition.pbism"))
        .as("semantic model of definition.pbir (byPath %s)", model)
        .isRegularFile();
  }

  @Test
  void tablesAreThePublishedMySqlTables() {
    assertThat(ddl.keySet())
        .as("tables of sql/01_tables.sql")
        .contains("user_engagement", "session_revenue", "daily_funnel", "pipeline_batches");
    List<String> names = model.tables().stream().map(Table::name).toList();
    assertThat(names)
        .as("tables of the semantic model")
        .containsExactlyInAnyOrder(
            "user_engagement", "session_revenue", "daily_funnel", "pipeline_batches");
    assertThat(model.refTables())
        .as("ref table lines of model.tmdl")
        .containsExactlyInAnyOrderElementsOf(names);
    for (Table t : model.tables()) {
      assertThat(ddl)
          .as("table %s (%s) in sql/01_tables.sql", t.name(), t.file().getFileName())
          .containsKey(t.name());
      assertThat(t.file().getFileName().toString()).isEqualTo(t.name() + ".tmdl");
    }
  }

  @Test
  void everyColumnExistsInTheDdl() {
    for (Table t : model.tables()) {
      Set<String> columns = ddl.get(t.name());
      assertThat(t.columns()).as("columns of %s", t.name()).isNotEmpty();
      for (Column c : t.columns()) {
        assertThat(columns)
            .as(
                "%s.%s (%s line %s) in sql/01_tables.sql",
                t.name(), c.name(), t.file().getFileName(), c.line())
            .contains(c.name());
        assertThat(c.sourceColumn())
            .as("sourceColumn of %s.%s", t.name(), c.name())
            .isEqualTo(c.name());
      }
    }
  }

  @Test
  void partitionsReadTheirTableFromTheMySqlParameters() {
    assertThat(model.expressions())
        .as("M parameters of expressions.tmdl")
        .containsKeys("Server", "Database");
    for (String p : List.of("Server", "Database")) {
      assertThat(model.expressions().get(p))
          .as("parameter %s", p)
          .contains("IsParameterQuery=true")
          .contains("Type=\"Text\"");
    }
    for (Table t : model.tables()) {
      assertThat(t.partitions()).as("partitions of %s", t.name()).hasSize(1);
      Partition p = t.partitions().get(0);
      assertThat(p.kind()).as("partition kind of %s", t.name()).isEqualTo("m");
      assertThat(p.source())
          .as("M source of %s", t.name())
          .contains("MySQL.Database(Server, Database");
      Matcher items = Pattern.compile("Item\\s*=\\s*\"([^\"]+)\"").matcher(p.source());
      List<String> read = new ArrayList<>();
      while (items.find()) {
        read.add(items.group(1));
      }
      assertThat(read)
          .as("MySQL tables the partition of %s reads", t.name())
          .containsExactly(t.name());
    }
  }

  @Test
  void noTableOrVisualReadsWhatTheReportingUserCannot() throws IOException {
    for (Table t : model.tables()) {
      assertThat(t.columns())
          .extracting(Column::name)
          .as("columns of %s", t.name())
          .doesNotContain(HIDDEN_FROM_REPORTING);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(project)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(
                  p ->
                      p.toString().endsWith(".tmdl")
                          || p.getFileName().toString().equals("visual.json"))
              .filter(p -> !p.toString().contains("/.pbi/"))
              .sorted()
              .toList();
    }
    assertThat(files).as("TMDL files and visuals").hasSizeGreaterThan(20);
    for (Path f : files) {
      assertThat(Files.readString(f))
          .as(
              "%s names %s, which the reporting user cannot read",
              project.relativize(f), HIDDEN_FROM_REPORTING)
          .doesNotContainIgnoringCase(HIDDEN_FROM_REPORTING);
    }
  }

  @Test
  void pipelineBatchesPartitionNamesItsColumnsBecauseSelectStarIsRefused() {
    // the reporting user may read every DDL column of pipeline_batches but one, so `select *` on it
    // is refused:
    // the query keeps the model's columns by name (Table.SelectColumns, folded into the SELECT
    // list)
    Table batches =
        model.tables().stream()
            .filter(t -> t.name().equals("pipeline_batches"))
            .findFirst()
            .orElseThrow();
    Matcher select =
        Pattern.compile("Table\\.SelectColumns\\(\\s*pipeline_batches\\s*,\\s*\\{([^}]*)\\}\\s*\\)")
            .matcher(batches.partitions().get(0).source());
    assertThat(select.find())
        .as(
            "Table.SelectColumns(pipeline_batches, {...}) in the M source of pipeline_batches:%n%s",
            batches.partitions().get(0).source())
        .isTrue();
    List<String> selected = new ArrayList<>();
    Matcher names = Pattern.compile("\"([^\"]+)\"").matcher(select.group(1));
    while (names.find()) {
      selected.add(names.group(1));
    }
    assertThat(selected)
        .as("columns the pipeline_batches query selects: those of the model, in its order")
        .containsExactlyElementsOf(batches.columns().stream().map(Column::name).toList());
    List<String> readable = new ArrayList<>(ddl.get("pipeline_batches"));
    readable.remove(HIDDEN_FROM_REPORTING);
    assertThat(readable)
        .as("pipeline_batches columns the reporting user may read")
        .containsAll(selected);
  }

  @Test
  void daxReferencesResolve() {
    Set<String> allMeasures = allMeasures();
    Pattern columnRef = Pattern.compile("('(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_]*)\\[([^\\]]+)\\]");
    Pattern measureRef = Pattern.compile("(?<![\\w'\\]])\\[([^\\]]+)\\]");
    for (Table t : model.tables()) {
      for (Measure m : t.measures()) {
        String dax = m.expression().replaceAll("\"[^\"]*\"", "\"\"");
        Matcher c = columnRef.matcher(dax);
        while (c.find()) {
          String table = Tmdl.unquote(c.group(1));
          assertThat(ddl)
              .as("table %s in measure [%s] of %s", table, m.name(), t.name())
              .containsKey(table);
          assertThat(ddl.get(table))
              .as("column %s[%s] in measure [%s] of %s", table, c.group(2), m.name(), t.name())
              .contains(c.group(2));
        }
        Matcher r = measureRef.matcher(dax);
        while (r.find()) {
          assertThat(allMeasures)
              .as("measure [%s] used by [%s]", r.group(1), m.name())
              .contains(r.group(1));
        }
      }
    }
  }

  @Test
  void relationshipsJoinExistingColumns() {
    assertThat(model.relationships()).as("relationships").isNotEmpty();
    assertThat(model.relationships())
        .extracting(Relationship::fromColumn, Relationship::toColumn)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "session_revenue.user_id", "user_engagement.user_id"));
    for (Relationship r : model.relationships()) {
      for (String end : List.of(r.fromColumn(), r.toColumn())) {
        String[] parts = end.split("\\.", 2);
        String table = Tmdl.unquote(parts[0]);
        assertThat(ddl.get(table))
            .as("%s of relationship %s", end, r.name())
            .isNotNull()
            .contains(Tmdl.unquote(parts[1]));
      }
    }
  }

  @Test
  void requiredMeasuresExistAndNoMeasureShadowsAColumn() {
    Set<String> allMeasures = allMeasures();
    assertThat(allMeasures).as("measures of issue 7").containsAll(REQUIRED_MEASURES);
    Set<String> columns = new HashSet<>();
    ddl.values().forEach(cs -> cs.forEach(c -> columns.add(c.toLowerCase(Locale.ROOT))));
    for (String m : allMeasures) {
      assertThat(columns)
          .as("measure [%s] must not share its name with a column (names are case-insensitive)", m)
          .doesNotContain(m.toLowerCase(Locale.ROOT));
    }
    assertThat(allMeasures.stream().map(m -> m.toLowerCase(Locale.ROOT)).distinct().count())
        .as("measure names are unique in the model")
        .isEqualTo(allMeasures.size());
  }

  @Test
  void reportPagesExistAndVisualsUseExistingFields() throws IOException {
    Path pages = project.resolve("Clickstream.Report/definition/pages");
    JsonNode meta = JSON.readTree(pages.resolve("pages.json").toFile());
    List<String> displayNames = new ArrayList<>();
    int visuals = 0;
    for (JsonNode name : meta.path("pageOrder")) {
      Path page = pages.resolve(name.asText());
      JsonNode pageJson = JSON.readTree(page.resolve("page.json").toFile());
      assertThat(pageJson.path("name").asText())
          .as("name in %s/page.json", name.asText())
          .isEqualTo(name.asText());
      displayNames.add(pageJson.path("displayName").asText());
      try (Stream<Path> files = Files.walk(page.resolve("visuals"))) {
        for (Path v :
            files.filter(p -> p.getFileName().toString().equals("visual.json")).toList()) {
          visuals++;
          JsonNode visual = JSON.readTree(v.toFile());
          assertThat(visual.path("name").asText())
              .as("name of %s", project.relativize(v))
              .isEqualTo(v.getParent().getFileName().toString());
          List<JsonNode> refs = new ArrayList<>();
          collectFieldRefs(visual.path("visual"), refs);
          assertThat(refs).as("fields of %s", project.relativize(v)).isNotEmpty();
          for (JsonNode ref : refs) {
            checkFieldRef(ref, project.relativize(v));
          }
        }
      }
    }
    assertThat(displayNames).as("report pages").containsExactlyElementsOf(REQUIRED_PAGES);
    assertThat(visuals).as("visuals in the report").isGreaterThan(20);
  }

  private static void collectFieldRefs(JsonNode node, List<JsonNode> out) {
    if (node.isObject()) {
      if (node.has("Column") || node.has("Measure")) {
        out.add(node);
      }
      node.elements().forEachRemaining(child -> collectFieldRefs(child, out));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(child -> collectFieldRefs(child, out));
    }
  }

  private static void checkFieldRef(JsonNode ref, Path where) {
    boolean isColumn = ref.has("Column");
    JsonNode field = isColumn ? ref.get("Column") : ref.get("Measure");
    String table = field.path("Expression").path("SourceRef").path("Entity").asText();
    String property = field.path("Property").asText();
    if (isColumn) {
      assertThat(ddl.get(table))
          .as("column %s.%s used in %s", table, property, where)
          .isNotNull()
          .contains(property);
      assertThat(
              model.tables().stream()
                  .filter(t -> t.name().equals(table))
                  .flatMap(t -> t.columns().stream())
                  .map(Column::name))
          .as("column %s.%s of %s in the semantic model", table, property, where)
          .contains(property);
    } else {
      assertThat(measuresByTable.get(table))
          .as("measure %s[%s] used in %s", table, property, where)
          .isNotNull()
          .contains(property);
    }
  }

  private static Set<String> allMeasures() {
    Set<String> all = new HashSet<>();
    measuresByTable.values().forEach(all::addAll);
    return all;
  }

  private static List<Path> jsonFiles() throws IOException {
    try (Stream<Path> files = Files.walk(project)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json")
                    || n.endsWith(".pbir")
                    || n.endsWith(".pbism")
                    || n.endsWith(".pbip")
                    || n.equals(".platform");
              })
          .filter(p -> !p.toString().contains("/.pbi/"))
          .sorted()
          .toList();
    }
  }
}

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
 * visual references exists in the DDL with the matching data type, every DAX reference and
 * relationship resolves, and the measures and pages of issues 7 and 15 exist.
 */
class PowerBiProjectTest {
  static final List<String> REQUIRED_MEASURES =
      List.of(
          "Total revenue",
          "View→Cart conversion",
          "Cart→Purchase conversion",
          "Share of sessions with a purchase",
          "Avg revenue per purchasing session",
          "Last successful batch time",
          "Category revenue",
          "Category view→cart conversion",
          "Category cart→purchase conversion",
          "Brand revenue",
          "Brand view→cart conversion",
          "Brand cart→purchase conversion",
          "Abandoned cart value",
          "Cart abandonment rate",
          "Retention rate");
  static final List<String> REQUIRED_PAGES =
      List.of(
          "Overview",
          "Users",
          "Sessions",
          "Data freshness",
          "Categories",
          "Brands",
          "Time of day",
          "Retention",
          "Abandoned carts");

  /** The published tables of sql/01_tables.sql, which the model holds one for one. */
  static final List<String> PUBLISHED_TABLES =
      List.of(
          "user_engagement",
          "session_revenue",
          "daily_funnel",
          "pipeline_batches",
          "category_performance",
          "brand_performance",
          "product_performance",
          "hourly_activity",
          "cohort_retention",
          "cart_abandonment");

  /** The TMDL data type a column of each MySQL type is imported as. */
  static final Map<String, String> DATA_TYPES =
      Map.ofEntries(
          Map.entry("bigint", "int64"),
          Map.entry("int", "int64"),
          Map.entry("tinyint", "int64"),
          Map.entry("double", "double"),
          Map.entry("decimal", "decimal"),
          Map.entry("date", "dateTime"),
          Map.entry("datetime", "dateTime"),
          Map.entry("varchar", "string"),
          Map.entry("text", "string"));

  static final String MICROSOFT_SCHEMAS = "https://developer.microsoft.com/json-schemas/fabric/";

  /**
   * Columns the reporting user of sql/02_reporting_user.sql, which Power BI connects as, may not
   * read (its grant on pipeline_batches is column by column, without this one).
   */
  static final String HIDDEN_FROM_REPORTING = "error_message";

  static final ObjectMapper JSON = new ObjectMapper();
  static Path project;
  static Map<String, Set<String>> ddl;
  static Map<String, Map<String, String>> ddlTypes;
  static Map<String, List<String>> primaryKeys;
  static Model model;
  static Map<String, Set<String>> measuresByTable;

  @BeforeAll
  static void read() throws IOException {
    project = Repo.powerBi();
    ddl = SqlDdl.tables(Repo.tablesDdl());
    ddlTypes = SqlDdl.types(Repo.tablesDdl());
    primaryKeys = SqlDdl.primaryKeys(Repo.tablesDdl());
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
    assertThat(ddl.keySet()).as("tables of sql/01_tables.sql").containsAll(PUBLISHED_TABLES);
    List<String> names = model.tables().stream().map(Table::name).toList();
    assertThat(names)
        .as("tables of the semantic model")
        .containsExactlyInAnyOrderElementsOf(PUBLISHED_TABLES);
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
  void everyColumnHasTheDataTypeOfItsDdlType() {
    for (Table t : model.tables()) {
      for (Column c : t.columns()) {
        String mysql = ddlTypes.get(t.name()).get(c.name());
        assertThat(DATA_TYPES)
            .as("MySQL type %s of %s.%s", mysql, t.name(), c.name())
            .containsKey(mysql);
        assertThat(c.dataType())
            .as(
                "dataType of %s.%s (%s line %s), %s in sql/01_tables.sql",
                t.name(), c.name(), t.file().getFileName(), c.line(), mysql)
            .isEqualTo(DATA_TYPES.get(mysql));
      }
    }
  }

  @Test
  void everyReadableDdlColumnIsInTheModel() {
    for (Table t : model.tables()) {
      List<String> readable = new ArrayList<>(ddl.get(t.name()));
      readable.remove(HIDDEN_FROM_REPORTING);
      assertThat(t.columns())
          .extracting(Column::name)
          .as(
              "columns of %s: those of sql/01_tables.sql the reporting user may read, in order",
              t.name())
          .containsExactlyElementsOf(readable);
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
          Table referenced = table(table);
          assertThat(referenced)
              .as("table %s of measure [%s] in the semantic model", table, m.name())
              .isNotNull();
          // 'Table'[Name] names a column of that table, or one of its measures
          Set<String> names = new HashSet<>(measuresByTable.get(table));
          if (!names.contains(c.group(2))) {
            assertThat(ddl.get(table))
                .as("column %s[%s] in measure [%s] of %s", table, c.group(2), m.name(), t.name())
                .contains(c.group(2));
          }
          referenced.columns().forEach(col -> names.add(col.name()));
          assertThat(names)
              .as(
                  "%s[%s] in measure [%s] of %s: a column or measure of %s in the model",
                  table, c.group(2), m.name(), t.name(), table)
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
  void divisionsUseDivideSoThatAZeroDenominatorGivesBlank() {
    // a rate's denominator can be 0 (no views, no carts, an empty cohort): DIVIDE gives blank
    // there,
    // the / operator an error or infinity; only a division by a number literal is safe
    Pattern division = Pattern.compile("/(?!\\s*\\d)");
    for (Table t : model.tables()) {
      for (Measure m : t.measures()) {
        String dax = m.expression().replaceAll("\"[^\"]*\"", "\"\"").replaceAll("//[^\n]*", "");
        assertThat(division.matcher(dax).find())
            .as("measure [%s] of %s divides with / instead of DIVIDE: %s", m.name(), t.name(), dax)
            .isFalse();
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
    assertThat(model.relationships())
        .extracting(Relationship::fromColumn, Relationship::toColumn)
        .as("marts per day share daily_funnel's event_date as their date")
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "category_performance.event_date", "daily_funnel.event_date"),
            org.assertj.core.groups.Tuple.tuple(
                "brand_performance.event_date", "daily_funnel.event_date"),
            org.assertj.core.groups.Tuple.tuple(
                "cart_abandonment.session_date", "daily_funnel.event_date"));
    for (Relationship r : model.relationships()) {
      List<Column> ends = new ArrayList<>();
      for (String end : List.of(r.fromColumn(), r.toColumn())) {
        String[] parts = end.split("\\.", 2);
        String table = Tmdl.unquote(parts[0]);
        String column = Tmdl.unquote(parts[1]);
        assertThat(ddl.get(table))
            .as("%s of relationship %s", end, r.name())
            .isNotNull()
            .contains(column);
        assertThat(table(table)).as("table of %s in the semantic model", end).isNotNull();
        ends.add(
            table(table).columns().stream()
                .filter(c -> c.name().equals(column))
                .findFirst()
                .orElseThrow(() -> new AssertionError(end + " is not a column of the model")));
      }
      assertThat(ends.get(0).dataType())
          .as("data types of the two ends of %s -> %s", r.fromColumn(), r.toColumn())
          .isEqualTo(ends.get(1).dataType());
      // many to one: the "to" column must be unique, which the DDL guarantees as a one-column key
      String toTable = Tmdl.unquote(r.toColumn().split("\\.", 2)[0]);
      assertThat(primaryKeys.get(toTable))
          .as("primary key of %s, the one side of %s -> %s", toTable, r.fromColumn(), r.toColumn())
          .containsExactly(ends.get(1).name());
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

  @Test
  void heatMapsAreMatricesColouredByTheirValue() throws IOException {
    assertHeatMap("time_of_day", "hourly_activity", "day_of_week", "hour_of_day", "Hourly events");
    assertHeatMap("retention", "cohort_retention", "cohort_week", "week_offset", "Retention rate");
  }

  private static void assertHeatMap(
      String page, String table, String rows, String columns, String measure) throws IOException {
    List<JsonNode> matrices =
        visuals(page).stream()
            .filter(v -> v.path("visual").path("visualType").asText().equals("pivotTable"))
            .toList();
    assertThat(matrices).as("matrices on page %s", page).hasSize(1);
    JsonNode visual = matrices.get(0).path("visual");
    JsonNode state = visual.path("query").path("queryState");
    assertThat(state.path("Rows").path("projections").path(0).path("queryRef").asText())
        .as("rows of the matrix on %s", page)
        .isEqualTo(table + "." + rows);
    assertThat(state.path("Columns").path("projections").path(0).path("queryRef").asText())
        .as("columns of the matrix on %s", page)
        .isEqualTo(table + "." + columns);
    assertThat(state.path("Values").path("projections").path(0).path("queryRef").asText())
        .as("values of the matrix on %s", page)
        .isEqualTo(table + "." + measure);
    JsonNode rule =
        visual
            .path("objects")
            .path("values")
            .path(0)
            .path("properties")
            .path("backColor")
            .path("solid")
            .path("color")
            .path("expr")
            .path("FillRule");
    assertThat(rule.path("Input").path("Measure").path("Property").asText())
        .as("conditional background colour of the matrix on %s, by its value", page)
        .isEqualTo(measure);
    assertThat(rule.path("FillRule").has("linearGradient2"))
        .as("colour scale of the matrix on %s", page)
        .isTrue();
  }

  @Test
  void categoryBrandAndCartPagesAreSliceableByDate() throws IOException {
    for (String page : List.of("categories", "brands", "abandoned_carts")) {
      List<JsonNode> visuals = visuals(page);
      List<JsonNode> slicers =
          visuals.stream()
              .filter(v -> v.path("visual").path("visualType").asText().equals("slicer"))
              .toList();
      assertThat(slicers).as("slicers on page %s", page).hasSize(1);
      String field =
          slicers
              .get(0)
              .path("visual")
              .path("query")
              .path("queryState")
              .path("Values")
              .path("projections")
              .path(0)
              .path("queryRef")
              .asText();
      assertThat(field).as("the slicer of page %s", page).isEqualTo("daily_funnel.event_date");
      // the slicer filters the page's mart through a relationship to daily_funnel
      Set<String> filtered = new HashSet<>(Set.of("daily_funnel"));
      model.relationships().stream()
          .filter(r -> r.toColumn().equals("daily_funnel.event_date"))
          .forEach(r -> filtered.add(r.fromColumn().split("\\.", 2)[0]));
      for (JsonNode v : visuals) {
        List<JsonNode> refs = new ArrayList<>();
        collectFieldRefs(v.path("visual"), refs);
        for (JsonNode ref : refs) {
          JsonNode f = ref.has("Column") ? ref.get("Column") : ref.get("Measure");
          assertThat(filtered)
              .as("table of %s on page %s, filtered by the date slicer", v.path("name"), page)
              .contains(f.path("Expression").path("SourceRef").path("Entity").asText());
        }
      }
      if (!page.equals("abandoned_carts")) {
        assertThat(visuals)
            .extracting(v -> v.path("visual").path("visualType").asText())
            .as("visuals of page %s", page)
            .contains("tableEx", "clusteredBarChart");
      }
    }
  }

  private static List<JsonNode> visuals(String page) throws IOException {
    Path dir =
        project.resolve("Clickstream.Report/definition/pages").resolve(page).resolve("visuals");
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path v :
          files.filter(p -> p.getFileName().toString().equals("visual.json")).sorted().toList()) {
        out.add(JSON.readTree(v.toFile()));
      }
    }
    return out;
  }

  private static Table table(String name) {
    return model.tables().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
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

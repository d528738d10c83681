package io.clicklake.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The column tables of docs/star-schema.md are the DDL files of iceberg-ddl/, rendered: one row per
 * column, in DDL order, with the DDL's type and comment (an opening angle bracket as an HTML
 * entity). The DDL is the one definition; after changing it, run this test with {@code
 * -Dclicklake.docs.write=true} to rewrite the tables, then review the diff.
 */
class StarSchemaDocTest {
  private static final Path DOC = Path.of("..", "docs", "star-schema.md");
  private static final Path DDL = Path.of("..", "iceberg-ddl");
  private static final String HEADER = "| column | type | description |";

  @Test
  void everyTableSectionListsExactlyTheColumnsOfItsDdl() throws IOException {
    List<String> doc = new ArrayList<>(Files.readAllLines(DOC, StandardCharsets.UTF_8));
    List<String> problems = new ArrayList<>();
    for (String table : TableNames.all()) {
      List<String> expected =
          rendered(Files.readString(DDL.resolve(table + ".sql"), StandardCharsets.UTF_8));
      int section = doc.indexOf("### " + table);
      if (section < 0) {
        problems.add("docs/star-schema.md has no section '### " + table + "'");
        continue;
      }
      int header = section + 1;
      while (header < doc.size()
          && !doc.get(header).equals(HEADER)
          && !doc.get(header).startsWith("#")) {
        header++;
      }
      if (header >= doc.size() || !doc.get(header).equals(HEADER)) {
        problems.add(
            "section '### " + table + "' has no column table starting with '" + HEADER + "'");
        continue;
      }
      int first = header + 2; // after the |---| line
      int end = first;
      while (end < doc.size() && doc.get(end).startsWith("|")) {
        end++;
      }
      List<String> found = new ArrayList<>(doc.subList(first, end));
      if (!found.equals(expected)) {
        if (Boolean.getBoolean("clicklake.docs.write")) {
          doc.subList(first, end).clear();
          doc.addAll(first, expected);
        } else {
          problems.add(
              table
                  + ": expected the rows\n    "
                  + String.join("\n    ", expected)
                  + "\n  found\n    "
                  + String.join("\n    ", found));
        }
      }
    }
    if (Boolean.getBoolean("clicklake.docs.write")) {
      Files.write(DOC, doc, StandardCharsets.UTF_8);
    }
    assertThat(problems)
        .as(
            "docs/star-schema.md column tables against iceberg-ddl/ (rewrite them with"
                + " -Dclicklake.docs.write=true)")
        .isEmpty();
  }

  @Test
  void everyDdlColumnHasAComment() throws IOException {
    for (String table : TableNames.all()) {
      for (String[] c :
          Lake.ddlColumns(Files.readString(DDL.resolve(table + ".sql"), StandardCharsets.UTF_8))) {
        assertThat(c[2])
            .as("iceberg-ddl/%s.sql: column %s has a comment", table, c[0])
            .isNotEmpty();
      }
    }
  }

  /**
   * An opening angle bracket as an entity, so that a renderer does not take {@code <string,
   * bigint>} for a tag.
   */
  private static String html(String text) {
    return text.replace("<", "&lt;");
  }

  /** The markdown rows of a DDL's columns: name, type, comment ('' unquoted, pipes escaped). */
  static List<String> rendered(String ddl) {
    List<String> rows = new ArrayList<>();
    for (String[] c : Lake.ddlColumns(ddl)) {
      String comment =
          c[2].isEmpty()
              ? ""
              : c[2].replaceFirst("^comment\\s+'", "").replaceFirst("'$", "").replace("''", "'");
      rows.add("| " + c[0] + " | " + html(c[1]) + " | " + html(comment).replace("|", "\\|") + " |");
    }
    return rows;
  }
}

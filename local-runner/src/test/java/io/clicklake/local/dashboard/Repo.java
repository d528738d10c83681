package io.clicklake.local.dashboard;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository, found from the module directory Maven runs the tests in. */
final class Repo {
  private Repo() {}

  static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("sql/01_tables.sql"))
          && Files.isDirectory(p.resolve("dashboards"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no repository root (with sql/01_tables.sql) above " + Path.of("").toAbsolutePath());
  }

  /** The published MySQL tables: the source of truth for table and column names. */
  static Path tablesDdl() {
    return root().resolve("sql/01_tables.sql");
  }

  static Path powerBi() {
    return root().resolve("dashboards/powerbi");
  }
}

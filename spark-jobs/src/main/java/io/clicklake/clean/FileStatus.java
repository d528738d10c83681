package io.clicklake.clean;

/**
 * What the clean stage did with a staged file; {@link #code()} is its {@code batch_files.status}.
 */
public enum FileStatus {
  /** Its rows were parsed, counted and written. */
  LOADED("loaded"),
  /**
   * Its bytes (SHA-256) equal a file already loaded, by an earlier batch or earlier in this one:
   * read no further.
   */
  SKIPPED_DUPLICATE_FILE("skipped_duplicate_file"),
  /** Not a valid data file (name, gzip, text, header): moved whole to the rejected area. */
  REJECTED("rejected");

  private final String code;

  FileStatus(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}

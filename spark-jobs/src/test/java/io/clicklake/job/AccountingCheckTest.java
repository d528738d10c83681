package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.io.FileReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The accounting check that runs before the clean stage commits anything (data contract section 4). */
class AccountingCheckTest {
  static FileReport loaded(String name, long rowsRead) {
    return new FileReport(name, "/staging/b/" + name, 100, "sha-" + name, FileReport.OK, null, rowsRead, 1, false, List.of(), 100);
  }

  static final Map<String, String[]> LOADED = Map.of("a.csv", new String[] {"loaded", null});

  @Test
  void aBalancedFilePasses() {
    // 10 read = 8 parsed clean (7 kept + 1 later copy) + 2 quarantined
    assertThatCode(() -> CleanEventsJob.checkAccounting("b", List.of(loaded("a.csv", 10)), LOADED, Map.of("a.csv", 8L),
        Map.of("a.csv", Map.of("bad_price", 2L)), Map.of("a.csv", 1L))).doesNotThrowAnyException();
  }

  @Test
  void readNotEqualToTheSumFailsWithTheNumbers() {
    assertThatThrownBy(() -> CleanEventsJob.checkAccounting("b", List.of(loaded("a.csv", 11)), LOADED, Map.of("a.csv", 7L),
        Map.of("a.csv", Map.of("bad_price", 2L)), Map.of("a.csv", 1L)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("accounting broken for a.csv in batch b: rows_read 11 != clean 6 + quarantined 2 + duplicate 1"
            + " (each term must be >= 0); nothing was committed");
  }

  @Test
  void moreDuplicatesThanCleanRowsIsANegativeTermAndFails() {
    assertThatThrownBy(() -> CleanEventsJob.checkAccounting("b", List.of(loaded("a.csv", 4)), LOADED, Map.of("a.csv", 2L),
        Map.of(), Map.of("a.csv", 4L)))
        .hasMessageContaining("rows_read 4 != clean -2 + quarantined 0 + duplicate 4 (each term must be >= 0)");
  }

  @Test
  void aSkippedFileReadsNothing() {
    assertThatCode(() -> CleanEventsJob.checkAccounting("b", List.of(loaded("a.csv", 10)), Map.of("a.csv", new String[] {"skipped_duplicate_file", "x"}),
        Map.of(), Map.of(), Map.of())).doesNotThrowAnyException();
  }
}

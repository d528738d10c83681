package io.clicklake.clean;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.io.FileReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The accounting check that runs before the clean stage commits anything (data contract section 4).
 */
class AccountingCheckTest {
  static FileReport loaded(String name, long rowsRead) {
    return new FileReport(
        name,
        "/staging/b/" + name,
        100,
        "sha-" + name,
        FileReport.OK,
        null,
        rowsRead,
        1,
        false,
        List.of(),
        100);
  }

  static Accounting accounting(
      FileTriage triage,
      Map<String, Long> clean,
      Map<String, Map<String, Long>> quarantined,
      Map<String, Long> duplicates) {
    return new Accounting(
        "b", triage, new ParseSummary(clean, quarantined, null, null), duplicates);
  }

  static FileTriage loadedA(long rowsRead) {
    return FileTriage.decide(List.of(loaded("a.csv", rowsRead)), Set.of());
  }

  @Test
  void aBalancedFilePasses() {
    // 10 read = 8 parsed clean (7 kept + 1 later copy) + 2 quarantined
    assertThatCode(
            () ->
                accounting(
                        loadedA(10),
                        Map.of("a.csv", 8L),
                        Map.of("a.csv", Map.of("bad_price", 2L)),
                        Map.of("a.csv", 1L))
                    .checkBeforeWrite())
        .doesNotThrowAnyException();
  }

  @Test
  void readNotEqualToTheSumFailsWithTheNumbers() {
    assertThatThrownBy(
            () ->
                accounting(
                        loadedA(11),
                        Map.of("a.csv", 7L),
                        Map.of("a.csv", Map.of("bad_price", 2L)),
                        Map.of("a.csv", 1L))
                    .checkBeforeWrite())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "accounting broken for a.csv in batch b: rows_read 11 != clean 6 + quarantined 2 +"
                + " duplicate 1 (each term must be >= 0); nothing was committed");
  }

  @Test
  void moreDuplicatesThanCleanRowsIsANegativeTermAndFails() {
    assertThatThrownBy(
            () ->
                accounting(loadedA(4), Map.of("a.csv", 2L), Map.of(), Map.of("a.csv", 4L))
                    .checkBeforeWrite())
        .hasMessageContaining(
            "rows_read 4 != clean -2 + quarantined 0 + duplicate 4 (each term must be >= 0)");
  }

  @Test
  void aSkippedFileReadsNothing() {
    FileTriage skipped = FileTriage.decide(List.of(loaded("a.csv", 10)), Set.of("sha-a.csv"));
    assertThatCode(() -> accounting(skipped, Map.of(), Map.of(), Map.of()).checkBeforeWrite())
        .doesNotThrowAnyException();
  }
}

package io.clicklake.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code bin/pipeline bench} decides before it measures anything. No Spark. */
class BenchCommandTest {
  private static BenchCommand parse(String... args) {
    BenchCommand bench = new BenchCommand();
    new CommandLine(bench).parseArgs(args);
    return bench;
  }

  @Test
  void theScenarioKeyAndCommandLeaveOutTheOutputOptions() {
    BenchCommand b =
        parse(
            "--rows",
            "10000000",
            "--incremental-rows",
            "1000000",
            "--repeat",
            "3",
            "--write-doc",
            "docs/benchmarks.md");
    assertThat(b.key()).isEqualTo("rows-10000000-inc-1000000");
    assertThat(b.command())
        .isEqualTo("bin/pipeline bench --rows 10000000 --incremental-rows 1000000 --repeat 3");
    assertThat(parse("--rows", "1000", "--hourly", "24", "--no-baseline").key())
        .isEqualTo("rows-1000-hourly-24-no-baseline");
  }

  @Test
  void hourlyInstancesGoOnPastMidnight() {
    assertThat(BenchCommand.instance(0)).isEqualTo("2019/10/01/00");
    assertThat(BenchCommand.instance(25))
        .as("24 hourly batches after two")
        .isEqualTo("2019/10/02/01");
  }

  @Test
  void filesSpanTheirHoursAtTheRees46Rate() {
    assertThat(BenchCommand.hours(1)).isEqualTo(1);
    assertThat(BenchCommand.hours(57_000)).isEqualTo(1);
    assertThat(BenchCommand.hours(57_001)).isEqualTo(2);
    assertThat(BenchCommand.hours(10_000_000))
        .as("10M events: 7.3 days, so a day holds about 1.4M of them")
        .isEqualTo(176);
    assertThat(BenchCommand.instance(BenchCommand.hours(10_000_000)))
        .as("the batch after 10M rows lands on the eighth day")
        .isEqualTo("2019/10/08/08");
  }

  @Test
  void repeatedRunsRefuseASharedDatabase() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    PipelineHelpTest.Output o;
    try {
      o =
          PipelineHelpTest.run(
              "bench",
              "--rows",
              "10",
              "--repeat",
              "2",
              "--mysql-url",
              "jdbc:mysql://127.0.0.1:1/x");
    } finally {
      System.setErr(err);
    }
    assertThat(o.code()).isEqualTo(2);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("error: --repeat needs a fresh landing, warehouse and database for each run");
  }
}

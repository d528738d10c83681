package io.clicklake.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The help of {@code bin/pipeline} as picocli generates it, the README's copy of it, and the
 * messages of a command line picocli refuses. No Spark: nothing here gets past parsing.
 */
class PipelineHelpTest {
  /** A fenced block of the README that starts with {@code $ bin/pipeline ... --help}. */
  private static final Pattern QUOTED_HELP =
      Pattern.compile(
          "(?m)^```text\\n\\$ bin/pipeline ((?:\\S+ )*--help)\\n(.*?)^```$", Pattern.DOTALL);

  record Output(int code, String out, String err) {}

  static Output run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Pipeline.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Output(code, out.toString(), err.toString());
  }

  static Path readme() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("README.md"))
          && Files.isDirectory(dir.resolve("local-runner"))) {
        return dir.resolve("README.md");
      }
    }
    throw new AssertionError(
        "no README.md beside local-runner/ above " + Path.of("").toAbsolutePath());
  }

  @Test
  void theReadmeQuotesTheGeneratedHelp() throws IOException {
    String readme = Files.readString(readme(), StandardCharsets.UTF_8);
    Matcher m = QUOTED_HELP.matcher(readme);
    List<String> quoted = new ArrayList<>();
    while (m.find()) {
      String command = m.group(1);
      quoted.add(command);
      Output help = run(command.split(" "));
      assertThat(help.code()).as("exit code of %s", command).isZero();
      assertThat(m.group(2))
          .as(
              "README's copy of `bin/pipeline %s`; paste the output of that command into README.md",
              command)
          .isEqualTo(help.out().stripTrailing() + "\n");
    }
    assertThat(quoted).as("help blocks quoted in README.md").contains("--help", "run --help");
  }

  @Test
  void everyCommandHasItsHelp() {
    for (String command : Pipeline.commandLine().getSubcommands().keySet()) {
      Output help = run(command, "--help");
      assertThat(help.code()).as("exit code of %s --help", command).isZero();
      assertThat(help.out()).as("help of %s", command).startsWith("usage: bin/pipeline " + command);
    }
  }

  @Test
  void anUnknownOptionIsAProblemTheUserCanFix() {
    Output bad = run("run", "--landing", "/tmp/x", "--bogus");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().strip())
        .isEqualTo("error: Unknown option: '--bogus' (see bin/pipeline run --help)");
  }

  @Test
  void anUnknownCommandNamesTheCommands() {
    Output bad = run("frobnicate");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.out())
        .startsWith(
            "error: unknown command 'frobnicate'; expected one of demo, generate, land, run");
  }

  @Test
  void aBadNumberSaysWhatWasExpected() {
    Output bad = run("generate", "--rows", "12x", "--out", "/tmp/never.csv");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--rows").contains("expects a whole number, found '12x'");
  }

  @Test
  void withoutACommandItPrintsTheUsageAndFails() {
    Output none = run();
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.out()).startsWith("usage: bin/pipeline");
  }
}

package io.clicklake.local.cli;

import io.clicklake.local.Console;
import io.clicklake.local.LocalEnv;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/pipeline dashboard}: the HTML dashboard from the MySQL marts. */
@Command(
    name = "dashboard",
    description = "write the self-contained HTML dashboard from the MySQL marts")
final class DashboardCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "the HTML file (default <workdir>/dashboard.html)")
  Path out;

  @Mixin HelpOption help;

  @Mixin EnvOptions env;

  @Override
  public Integer call() throws SQLException, IOException {
    try (LocalEnv e = env.open(new Console())) {
      Path file = out == null ? e.workdir.resolve("dashboard.html") : out;
      Console.say("dashboard written to %s", Marts.writeDashboard(e.withDatabase(), file));
      return 0;
    }
  }
}

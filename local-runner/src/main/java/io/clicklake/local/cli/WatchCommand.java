package io.clicklake.local.cli;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/pipeline watch}: the local twin of the Oozie coordinator. */
@Command(
    name = "watch",
    description = {
      "like run, polling the landing directory until stopped",
      "Polls the landing directory until stopped (Ctrl-C)."
    })
final class WatchCommand implements Callable<Integer> {
  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "seconds between two polls (default ${DEFAULT-VALUE})")
  long interval;

  @Mixin HelpOption help;

  @Mixin EnvOptions env;

  @Override
  public Integer call() throws IOException, SQLException {
    return RunCommand.process(env, true, interval);
  }
}

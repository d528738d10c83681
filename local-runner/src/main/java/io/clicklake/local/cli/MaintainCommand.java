package io.clicklake.local.cli;

import io.clicklake.job.MaintainTablesJob;
import io.clicklake.local.Console;
import io.clicklake.local.LocalEnv;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bin/pipeline maintain}: {@link MaintainTablesJob} with the {@code clicklake.maintain.*}
 * settings.
 */
@Command(
    name = "maintain",
    description = {
      "Iceberg maintenance: compaction, manifests, snapshot expiry, orphan files",
      "Set what it does with --conf clicklake.maintain.*=..."
    })
final class MaintainCommand implements Callable<Integer> {
  @Mixin HelpOption help;

  @Mixin EnvOptions env;

  @Override
  public Integer call() {
    try (LocalEnv e = env.open(new Console())) {
      MaintainTablesJob.Result r = new MaintainTablesJob().runLocked(e.spark(), e.config);
      Console.say("%s", r);
      return 0;
    }
  }
}

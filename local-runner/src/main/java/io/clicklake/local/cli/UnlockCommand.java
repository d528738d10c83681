package io.clicklake.local.cli;

import io.clicklake.local.Console;
import io.clicklake.local.LocalEnv;
import io.clicklake.lock.Lease;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code bin/pipeline unlock}: removes a lock whose holder is gone on another host. */
@Command(
    name = "unlock",
    description = {
      "remove a step's lock left by a run that is gone (bin/pipeline unlock NAME)",
      "Removes the lock of a step whose holder is gone on another host. A lock of a process that"
          + " ended on this host, or one not renewed for clicklake.lock.stale-seconds, is removed"
          + " by the next run without this command."
    })
final class UnlockCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "NAME",
      description = "the lock: runner, ingest, marts, export, purge or maintain")
  String name;

  @Mixin HelpOption help;

  @Mixin EnvOptions env;

  @Override
  public Integer call() {
    try (LocalEnv e = env.open(new Console())) {
      String holder = Lease.breakLease(e.config, e.hadoopConf(), name);
      Console.say(
          holder == null ? "no %s lock was held" : "removed the %s lock held by %s", name, holder);
      return 0;
    }
  }
}

package io.clicklake.local.cli;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.local.CliException;
import io.clicklake.local.Console;
import io.clicklake.local.LocalEnv;
import io.clicklake.local.Runner;
import io.clicklake.lock.Lease;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bin/pipeline run}: one pass over the landing root, then exit. */
@Command(
    name = "run",
    description = {
      "process every complete landing instance, oldest first, then exit",
      "Processes every complete landing instance (with its done-flag), oldest first: stage, clean,"
          + " marts, export, purge."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin HelpOption help;

  @Mixin EnvOptions env;

  @Override
  public Integer call() throws IOException, SQLException {
    return process(env, false, 0);
  }

  /**
   * Processes the landing root once ({@code watch} false) or every {@code intervalSeconds} until
   * the thread is interrupted. One run or watch at a time over a staging area: a second one fails
   * on the runner lock, naming the first.
   */
  static int process(EnvOptions options, boolean watch, long intervalSeconds)
      throws IOException, SQLException {
    Console console = new Console();
    try (LocalEnv env = options.open(console)) {
      String landing = env.config.require(Keys.LANDING_ROOT);
      if (!env.fs(landing).exists(new org.apache.hadoop.fs.Path(landing))) {
        throw new CliException(
            "landing directory " + landing + " does not exist; create it or pass --landing DIR");
      }
      JobConfig cfg = env.withDatabase();
      Runner runner = new Runner(env, console);
      runner.verbose = options.verbose;
      String holder = "bin/pipeline " + (watch ? "watch" : "run");
      try (Lease lease = Lease.acquire(cfg, env.hadoopConf(), "runner", holder, null)) {
        if (!watch) {
          runner.runOnce(cfg);
          runner.printSummary();
          Marts.print(cfg);
          return runner.failures.isEmpty() ? 0 : 1;
        }
        Console.say("watching %s every %d s (Ctrl-C to stop)", landing, intervalSeconds);
        while (true) {
          int n = runner.runOnce(cfg);
          if (n > 0 || !runner.failures.isEmpty()) {
            runner.printSummary();
            runner.summary.clear();
            runner.failures.clear();
          }
          try {
            Thread.sleep(intervalSeconds * 1000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
          }
        }
      }
    }
  }
}

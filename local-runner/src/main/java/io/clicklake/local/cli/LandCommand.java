package io.clicklake.local.cli;

import io.clicklake.config.Keys;
import io.clicklake.local.Console;
import io.clicklake.local.Landing;
import io.clicklake.local.LocalEnv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/pipeline land}: the edge-node step, local files into a new landing instance. */
@Command(
    name = "land",
    description = {
      "copy local files into a new landing instance (atomic, done-flag last)",
      "Copies the files into a temporary directory of the landing root, renames it to the instance,"
          + " then writes the done-flag."
    })
final class LandCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "the files to land")
  List<Path> files;

  @Option(
      names = "--instance",
      paramLabel = "INSTANCE",
      description = "the landing instance, yyyy/MM/dd/HH (default: the current UTC hour)")
  String instance;

  @Mixin HelpOption help;

  @Mixin EnvOptions env;

  @Override
  public Integer call() throws IOException {
    try (LocalEnv e = env.open(new Console())) {
      String root = e.config.require(Keys.LANDING_ROOT);
      String flag = e.config.get(Keys.DONE_FLAG);
      org.apache.hadoop.fs.Path p =
          Landing.land(
              e.fs(root), root, instance == null ? Landing.currentHour() : instance, files, flag);
      Console.say("landed %d file(s) as %s (done-flag %s written last)", files.size(), p, flag);
      return 0;
    }
  }
}

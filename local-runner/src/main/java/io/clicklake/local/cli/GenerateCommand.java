package io.clicklake.local.cli;

import io.clicklake.generate.EventGenerator;
import io.clicklake.local.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/pipeline generate}: a REES46-shaped event file, optionally with faults. */
@Command(
    name = "generate",
    description = "write REES46-shaped event files (optionally with faults)")
final class GenerateCommand implements Callable<Integer> {
  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "100000",
      description = "events to write (default ${DEFAULT-VALUE})")
  long rows;

  @Option(
      names = "--faults",
      paramLabel = "F",
      defaultValue = "0.0",
      description = "share of faulty rows (default ${DEFAULT-VALUE})")
  double faults;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "42",
      description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--start",
      paramLabel = "TIME",
      description = "first event time, e.g. 2019-10-01T00:00")
  LocalDateTime start;

  @Option(
      names = "--minutes",
      paramLabel = "M",
      defaultValue = "60",
      description = "minutes the events span (default ${DEFAULT-VALUE})")
  int minutes;

  @Option(names = "--users", paramLabel = "U", description = "distinct users")
  Long users;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      required = true,
      description = "the file to write (.csv or .csv.gz)")
  Path out;

  @Mixin HelpOption help;

  @Override
  public Integer call() throws IOException {
    EventGenerator.Options o =
        new EventGenerator.Options().rows(rows).faultRate(faults).seed(seed).minutes(minutes);
    if (start != null) {
      o.start(start);
    }
    if (users != null) {
      o.users(users);
    }
    EventGenerator.Stats s = EventGenerator.write(out, o);
    Console.say("wrote %s: %s", out, s);
    return 0;
  }
}

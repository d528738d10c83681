package io.clicklake.local.cli;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.generate.EventGenerator;
import io.clicklake.local.CliException;
import io.clicklake.local.Console;
import io.clicklake.local.Landing;
import io.clicklake.local.LocalEnv;
import io.clicklake.local.Runner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/pipeline demo}: the whole system on one machine, from generated data to the dashboard.
 */
@Command(
    name = "demo",
    description = {
      "generate a sample, land it as three hourly instances and run every stage; print the marts",
      "Generates N rows with faults as three hourly files, lands them as three instances with"
          + " done-flags, runs stage, clean, marts, export and purge over them, prints each batch's"
          + " accounting and the marts, writes the HTML dashboard, and says how to connect. Starts"
          + " from an empty work directory unless --keep."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "210000",
      description = "events to generate (default ${DEFAULT-VALUE})")
  long rows;

  @Option(
      names = "--faults",
      paramLabel = "F",
      defaultValue = "0.01",
      description = "share of faulty rows (default ${DEFAULT-VALUE})")
  double faults;

  @Option(names = "--keep", description = "keep the working directory of an earlier demo")
  boolean keep;

  @Mixin HelpOption help;

  @Mixin EnvOptions options;

  @Override
  public Integer call() throws IOException, SQLException {
    if (rows < 3) {
      throw new CliException("--rows expects at least 3, found " + rows);
    }
    long t0 = System.nanoTime();
    LocalEnv.Settings settings = options.settings("work/demo");
    if (!keep) {
      WorkDir.delete(settings.workdir().toAbsolutePath().normalize());
    }
    Console console = new Console();
    try (LocalEnv env = LocalEnv.open(settings, console)) {
      Path incoming = env.workdir.resolve("incoming");
      Files.createDirectories(incoming);
      Console.say(
          "generating %,d events with %.1f%% faults in three hourly files under %s",
          rows, faults * 100, incoming);
      String landing = env.config.require(Keys.LANDING_ROOT);
      String flag = env.config.get(Keys.DONE_FLAG);
      long users = Math.max(1, rows / 14);
      String[] names = {
        "events-2019-10-01-00.csv", "events-2019-10-01-01.csv.gz", "events-2019-10-01-02.csv"
      };
      for (int h = 0; h < 3; h++) {
        long n = rows / 3 + (h < rows % 3 ? 1 : 0);
        Path f = incoming.resolve(names[h]);
        EventGenerator.Stats s =
            EventGenerator.write(
                f,
                new EventGenerator.Options()
                    .rows(n)
                    .faultRate(faults)
                    .seed(2019)
                    .users(users)
                    .start(LocalDateTime.of(2019, 10, 1, h, 0))
                    .minutes(60));
        List<Path> files = new ArrayList<>(List.of(f));
        if (h == 1) {
          // a file from a misconfigured exporter: rejected whole, kept with its reason
          Path broken = incoming.resolve("legacy-export.csv");
          Files.writeString(
              broken,
              "time,type,product,category,code,brand,price,user,session\n"
                  + "2019-10-01 01:00:00 UTC,view,1,,,,1.00,1,x\n",
              StandardCharsets.UTF_8);
          files.add(broken);
        }
        String instance = String.format("2019/10/01/%02d", h);
        Landing.land(env.fs(landing), landing, instance, files, flag);
        Console.say(
            "  landed %s as instance %s (%s)",
            names[h] + (h == 1 ? " + legacy-export.csv" : ""), instance, s);
      }
      JobConfig cfg = env.withDatabase();
      Runner runner = new Runner(env, console);
      runner.runOnce(cfg);
      runner.printSummary();
      Marts.print(cfg);
      Path dashboard = Marts.writeDashboard(cfg, env.workdir.resolve("dashboard.html"));
      Console.say("");
      Console.say("dashboard:  %s", dashboard);
      Console.say("database:   %s", env.describeDatabase());
      Console.say(
          "warehouse:  %s (Iceberg, namespace %s)",
          env.config.get(Keys.CATALOG_WAREHOUSE), env.config.get(Keys.NAMESPACE));
      Console.say("rejected:   %s", env.config.get(Keys.REJECTED_ROOT));
      Console.say("demo finished in %.1f s", (System.nanoTime() - t0) / 1e9);
      return 0;
    }
  }
}

package io.clicklake.local.cli;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.job.ExportMartsJob;
import io.clicklake.local.CliException;
import io.clicklake.local.Console;
import io.clicklake.local.LocalEnv;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/pipeline export --full-refresh}: every mart row to MySQL, swapped in at once. */
@Command(
    name = "export",
    description = {
      "export the marts to MySQL (--full-refresh: everything, swapped in atomically)",
      "Re-exports every mart row and swaps the MySQL tables in with one RENAME TABLE."
    })
final class ExportCommand implements Callable<Integer> {
  @Option(
      names = "--full-refresh",
      description = "required: incremental exports run per batch in run and watch")
  boolean fullRefresh;

  @Mixin HelpOption help;

  @Mixin EnvOptions env;

  @Override
  public Integer call() throws SQLException {
    if (!fullRefresh) {
      throw new CliException(
          "export runs with --full-refresh (incremental exports run per batch in run/watch)");
    }
    try (LocalEnv e = env.open(new Console())) {
      JobConfig cfg = e.withDatabase().with(Map.of(Keys.FULL_REFRESH.name(), "true"));
      if (!cfg.isSet(Keys.BATCH_ID)) {
        // a full refresh publishes everything; it is recorded on the latest batch whose marts are
        // built
        Lake lake = Lake.configure(e.spark(), cfg);
        lake.ensure(e.spark(), TableNames.INGEST);
        List<Row> latest =
            e.spark()
                .sql(
                    "select batch_id from "
                        + lake.table(TableNames.BATCHES)
                        + " where marts_status = 'done' order by started_at desc, batch_id desc"
                        + " limit 1")
                .collectAsList();
        if (latest.isEmpty()) {
          throw new CliException(
              "nothing to export: no batch has its marts built yet in "
                  + cfg.get(Keys.CATALOG_WAREHOUSE)
                  + "; run bin/pipeline run first");
        }
        cfg = cfg.with(Map.of(Keys.BATCH_ID.name(), latest.get(0).getString(0)));
      }
      ExportMartsJob.Result r = new ExportMartsJob().runLocked(e.spark(), cfg);
      Console.say("%s", r);
      Marts.print(cfg);
      return 0;
    }
  }
}

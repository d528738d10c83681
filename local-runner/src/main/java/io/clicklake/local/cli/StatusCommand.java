package io.clicklake.local.cli;

import io.clicklake.config.Keys;
import io.clicklake.local.Console;
import io.clicklake.local.LocalEnv;
import io.clicklake.quality.Reason;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/pipeline status}: the last batches of the batch ledger, their counts and stage states.
 */
@Command(name = "status", description = "the last batches with their counts and stage states")
final class StatusCommand implements Callable<Integer> {
  @Option(
      names = "--last",
      paramLabel = "N",
      defaultValue = "20",
      description = "batches to show (default ${DEFAULT-VALUE})")
  long last;

  @Mixin HelpOption help;

  @Mixin EnvOptions env;

  @Override
  public Integer call() {
    try (LocalEnv e = env.open(new Console())) {
      SparkSession spark = e.spark();
      Lake lake = Lake.configure(spark, e.config);
      lake.ensure(spark, TableNames.INGEST);
      String batches = lake.table(TableNames.BATCHES);
      List<List<Object>> rows =
          rows(
              spark,
              "select batch_id, status, stage_status, clean_status, marts_status, export_status,"
                  + " purge_status, rows_read, rows_clean, rows_quarantined, rows_duplicate,"
                  + " files_rejected, date_format(coalesce(finished_at, started_at), 'yyyy-MM-dd"
                  + " HH:mm:ss') from "
                  + batches
                  + " order by started_at desc limit "
                  + last);
      if (rows.isEmpty()) {
        Console.say("no batches yet in %s", e.config.get(Keys.CATALOG_WAREHOUSE));
        return 0;
      }
      Console.table(
          List.of(
              "batch",
              "status",
              "stage",
              "clean",
              "marts",
              "export",
              "purge",
              "read",
              "clean",
              "quarantined",
              "duplicate",
              "rejected files",
              "at (UTC)"),
          rows);
      // one column per reason code, in rule order: a new reason shows up here without touching this
      // code
      List<String> reasonCodes =
          Arrays.stream(Reason.values()).map(Reason::code).collect(Collectors.toList());
      String reasonCols = reasonCodes.stream().map(c -> "q_" + c).collect(Collectors.joining(", "));
      List<List<Object>> reasons =
          rows(
              spark,
              "select batch_id, "
                  + reasonCols
                  + " from "
                  + batches
                  + " order by started_at desc limit "
                  + last);
      Console.say("");
      Console.say("quarantined rows by reason:");
      List<String> reasonHeader = new ArrayList<>(List.of("batch"));
      reasonHeader.addAll(reasonCodes);
      Console.table(reasonHeader, reasons);
      List<List<Object>> errors = new ArrayList<>();
      for (Row r :
          spark
              .sql(
                  "select batch_id, error_message from "
                      + batches
                      + " where status = 'failed' order by started_at desc limit "
                      + last)
              .collectAsList()) {
        String m = r.isNullAt(1) ? "" : r.getString(1).replaceAll("\\s+", " ");
        errors.add(List.of(r.getString(0), m.length() > 200 ? m.substring(0, 197) + "..." : m));
      }
      if (!errors.isEmpty()) {
        Console.say("");
        Console.say("failed batches (the next run retries them):");
        Console.table(List.of("batch", "error"), errors);
      }
      return 0;
    }
  }

  private static List<List<Object>> rows(SparkSession spark, String sql) {
    List<List<Object>> rows = new ArrayList<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        l.add(r.get(i));
      }
      rows.add(l);
    }
    return rows;
  }
}

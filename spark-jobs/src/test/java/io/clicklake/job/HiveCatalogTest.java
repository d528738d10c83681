package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.mariadb.EmbeddedMariaDb;
import io.clicklake.table.TableNames;
import io.clicklake.testing.HiveLakehouseTestBase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hive.metastore.api.Table;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline with {@code clicklake.catalog.type=hive}: the golden clean → marts → export flow
 * with the tables registered in a Hive metastore, then found by name from a second session that
 * knows only the metastore URI, the way Hue's editors find them.
 */
class HiveCatalogTest extends HiveLakehouseTestBase {
  static EmbeddedMariaDb db;

  @BeforeAll
  static void startMariaDb() {
    db = EmbeddedMariaDb.builder().authenticating().start();
  }

  @AfterAll
  static void stopMariaDb() {
    if (db != null) {
      db.close();
      db = null;
    }
  }

  @Test
  void goldenFlowOnTheHiveCatalogIsVisibleThroughTheMetastoreAlone() throws Exception {
    Env env = newEnv("hive_golden");
    Path inst = env.goldenInstance();
    // what cluster-config/spark-defaults.conf sets so that Hive itself can read the tables
    spark.conf().set("spark.sql.catalog.lake.hadoop.iceberg.engine.hive.enabled", "true");
    JobConfig cfg =
        hiveConfig(env, inst.toString()).with(Map.of(Keys.MYSQL_URL.name(), db.url(env.id)));

    new StageLandingJob().run(spark, cfg);
    CleanEventsJob.Result clean = new CleanEventsJob().run(spark, cfg);
    new BuildMartsJob().run(spark, cfg);
    ExportMartsJob.Result export = new ExportMartsJob().run(spark, cfg);
    assertThat(clean.batchId).as("clean batch").isEqualTo(export.batchId);

    SparkSession hue = spark.newSession();
    hue.conf().set("spark.sql.catalog.hue", "org.apache.iceberg.spark.SparkCatalog");
    hue.conf().set("spark.sql.catalog.hue.type", "hive");
    hue.conf().set("spark.sql.catalog.hue.uri", metastoreUri);
    assertThat(hue.conf().contains("spark.sql.catalog.lake"))
        .as("the second session knows no warehouse")
        .isFalse();

    assertThat(column(hue, "show namespaces in hue", 0))
        .as("databases in the metastore")
        .contains(env.id);
    assertThat(column(hue, "show tables in hue." + env.id, 1))
        .as("tables in the metastore")
        .containsExactlyInAnyOrderElementsOf(TableNames.all());
    String ns = "hue." + env.id + ".";
    assertThat(rows(hue, "select count(*) from " + ns + "events")).containsExactly("10");
    assertThat(
            rows(
                hue,
                "select user_id, total_views, total_add_to_cart, total_purchases,"
                    + " view_to_cart_rate, cart_to_purchase_rate from "
                    + ns
                    + "mart_user_engagement order by user_id"))
        .as("user_engagement read through the metastore")
        .containsExactlyElementsOf(expected("marts/expected_user_engagement.txt"));
    assertThat(
            rows(
                hue,
                "select event_date, views, carts, removes, purchases, revenue, sessions,"
                    + " purchasing_sessions, buyers, users from "
                    + ns
                    + "mart_daily_funnel order by event_date"))
        .as("daily funnel read through the metastore")
        .containsExactly("2019-10-01|3|2|1|2|41.87|6|2|2|6", "2019-10-02|0|0|1|1|1081.98|1|1|1|1");
    assertThat(
            rows(
                hue,
                "select d.category_code, count(*) from "
                    + ns
                    + "events f join "
                    + ns
                    + "dim_category d on f.category_id = d.category_key where d.category_code ="
                    + " 'appliances.environment.water_heater' group by d.category_code"))
        .as("a star join by name")
        .containsExactly("appliances.environment.water_heater|1");

    Table fact = metastore.getTable(env.id, TableNames.EVENTS);
    assertThat(fact.getParameters())
        .as("what Hue's table browser and Hive see of events, the event-grain fact")
        .containsEntry("table_type", "ICEBERG")
        .containsEntry("storage_handler", "org.apache.iceberg.mr.hive.HiveIcebergStorageHandler");
    assertThat(fact.getSd().getLocation())
        .as("data on the cluster's file system")
        .startsWith(warehouse);
    assertThat(db.rows(env.id, "select count(*) from user_engagement"))
        .as("published to MySQL")
        .containsExactly(String.valueOf(expected("marts/expected_user_engagement.txt").size()));
  }

  private static List<String> expected(String resource) throws IOException {
    return Arrays.stream(resource(resource).split("\n"))
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .collect(Collectors.toList());
  }

  private static List<String> column(SparkSession session, String sql, int index) {
    return session.sql(sql).collectAsList().stream()
        .map(r -> r.getString(index))
        .collect(Collectors.toList());
  }

  private static List<String> rows(SparkSession session, String sql) {
    List<String> out = new ArrayList<>();
    for (Row r : session.sql(sql).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        cells.add(r.isNullAt(i) ? "<null>" : String.valueOf(r.get(i)));
      }
      out.add(String.join("|", cells));
    }
    return out;
  }
}

package io.clicklake.local.bench;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The baseline of the bench: a tutorial-style pipeline on the same files (CSV with inferSchema,
 * {@code na().drop().dropDuplicates()}, two groupBy marts, Spark's default JDBC writer with
 * overwrite). It does much less than the pipeline; users compare wall clocks anyway.
 */
public final class TutorialBaseline {
  private TutorialBaseline() {}

  /** What tutorials do: inferSchema, dropDuplicates, groupBy, JDBC overwrite. */
  public static void run(SparkSession spark, JobConfig cfg, List<String> paths) {
    Dataset<Row> raw =
        spark
            .read()
            .option("header", "true")
            .option("inferSchema", "true")
            .csv(paths.toArray(new String[0]));
    Dataset<Row> clean = raw.na().drop().dropDuplicates();
    clean.createOrReplaceTempView("baseline_events");
    Dataset<Row> users =
        spark
            .sql(
                "select user_id, sum(case when event_type = 'view' then 1 else 0 end) as"
                    + " total_views, sum(case when event_type = 'cart' then 1 else 0 end) as"
                    + " total_add_to_cart, sum(case when event_type = 'purchase' then 1 else 0 end)"
                    + " as total_purchases from baseline_events group by user_id")
            .selectExpr(
                "*",
                "total_add_to_cart / nullif(total_views, 0) as view_to_cart_rate",
                "total_purchases / nullif(total_add_to_cart, 0) as cart_to_purchase_rate");
    Dataset<Row> sessions =
        spark.sql(
            "select user_session, sum(case when event_type = 'purchase' then price else 0 end) as"
                + " total_revenue from baseline_events group by user_session");
    Properties p = new Properties();
    p.setProperty("user", cfg.get(Keys.MYSQL_USER));
    p.setProperty(
        "password",
        io.clicklake.config.Secrets.mysqlPassword(cfg, new org.apache.hadoop.conf.Configuration()));
    p.setProperty("driver", "com.mysql.cj.jdbc.Driver");
    String url =
        cfg.require(Keys.MYSQL_URL)
            .replace("rewriteBatchedStatements=true", "rewriteBatchedStatements=false");
    users.write().mode(SaveMode.Overwrite).jdbc(url, "baseline_user_engagement", p);
    sessions.write().mode(SaveMode.Overwrite).jdbc(url, "baseline_session_revenue", p);
  }
}

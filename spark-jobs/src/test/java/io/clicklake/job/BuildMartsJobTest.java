package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.generate.EventGenerator;
import io.clicklake.io.StagingArea;
import io.clicklake.mart.MartBuilder;
import io.clicklake.testing.LakehouseTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** Star schema and marts: golden marts, incremental = full refresh, reruns change nothing. */
class BuildMartsJobTest extends LakehouseTestBase {

  static List<String> expected(String resource) throws IOException {
    return Arrays.stream(resource("marts/" + resource).split("\n"))
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .collect(Collectors.toList());
  }

  static void ingestAndBuild(JobConfig config) {
    new StageLandingJob().run(spark, config);
    new CleanEventsJob().run(spark, config);
    new BuildMartsJob().run(spark, config);
  }

  /** Every table's rows, updated_batch_id left out (it names the batch that last wrote the row). */
  static Map<String, List<String>> snapshot(Env env) {
    Map<String, List<String>> out = new HashMap<>();
    for (String t : MartBuilder.tables()) {
      String cols =
          Arrays.stream(spark.table(env.table(t)).columns())
              .filter(c -> !c.equals("updated_batch_id") && !c.equals("batch_id"))
              .collect(Collectors.joining(", "));
      out.put(t, rows("select " + cols + " from " + env.table(t) + " order by " + cols));
    }
    return out;
  }

  @Test
  void goldenMartsOfTheContractFixture() throws IOException {
    Env env = newEnv("golden_marts");
    Path inst = env.goldenInstance();
    ingestAndBuild(env.config(inst.toString()));
    assertThat(
            rows(
                "select user_id, total_views, total_add_to_cart, total_purchases,"
                    + " view_to_cart_rate, cart_to_purchase_rate from "
                    + env.table("mart_user_engagement")
                    + " order by user_id"))
        .as("user_engagement")
        .containsExactlyElementsOf(expected("expected_user_engagement.txt"));
    assertThat(
            rows(
                "select user_session, total_revenue from "
                    + env.table("mart_session_revenue")
                    + " order by user_session"))
        .as("session_revenue")
        .containsExactlyElementsOf(expected("expected_session_revenue.txt"));
    assertThat(
            rows(
                "select event_date, views, carts, removes, purchases, revenue, sessions,"
                    + " purchasing_sessions, buyers, users from "
                    + env.table("mart_daily_funnel")
                    + " order by event_date"))
        .as("daily funnel")
        .containsExactly("2019-10-01|3|2|1|2|41.87|6|2|2|6", "2019-10-02|0|0|1|1|1081.98|1|1|1|1");
    assertThat(
            rows(
                "select category_code, level_1, level_2, level_3 from "
                    + env.table("dim_category")
                    + " where category_id = 2053013552326770905"))
        .containsExactly("appliances.environment.water_heater|appliances|environment|water_heater");
    assertThat(rows("select count(*) from " + env.table("fact_events"))).containsExactly("10");
  }

  /**
   * The analyst marts of issue 15 on the contract fixture plus two small files in two batches: a
   * session that spans both batches and two days (span-session: carted in the first, bought in the
   * second), a category whose code first appears in the second batch on another day, a late event
   * that moves a user to an earlier cohort, a product whose latest event has no brand, users who
   * buy without a cart. Every row was computed by hand.
   */
  @Test
  void goldenAnalystMartsOverTwoBatches() throws IOException {
    Env env = newEnv("golden_analyst");
    Path first = env.goldenInstance();
    env.instance("2019/10/01/00", true, "analyst-1.csv", resource("marts/analyst-1.csv"));
    ingestAndBuild(env.config(first.toString()));
    assertThat(
            rows(
                "select session_date, carting_sessions, abandoned_sessions, abandoned_value,"
                    + " cart_purchase_rate from "
                    + env.table("mart_cart_abandonment")))
        .as("after the first batch, span-session has carted but not bought")
        .containsExactly("2019-10-01|3|3|262.74|0.0");
    Path second =
        env.instance("2019/10/01/01", true, "analyst-2.csv", resource("marts/analyst-2.csv"));
    ingestAndBuild(env.config(second.toString()));

    assertThat(
            rows(
                "select event_date, category_id, category_code, top_category, views, carts,"
                    + " purchases, revenue, users, sessions, view_to_cart_rate,"
                    + " cart_to_purchase_rate from "
                    + env.table("mart_category_performance")
                    + " order by event_date, category_id"))
        .as("category_performance")
        .containsExactlyElementsOf(expected("expected_category_performance.txt"));
    assertThat(
            rows(
                "select event_date, brand, views, carts, purchases, revenue, users, sessions,"
                    + " view_to_cart_rate, cart_to_purchase_rate from "
                    + env.table("mart_brand_performance")
                    + " order by event_date, brand"))
        .as("brand_performance")
        .containsExactlyElementsOf(expected("expected_brand_performance.txt"));
    assertThat(
            count(
                "select * from "
                    + env.table("mart_brand_performance")
                    + " where brand_key <> case when brand is null then 0 else xxhash64(brand)"
                    + " end"))
        .as("brand_key: dim_brand's hash of the brand, 0 without a brand")
        .isZero();
    assertThat(
            rows(
                "select product_id, views, carts, purchases, revenue, view_to_cart_rate,"
                    + " cart_to_purchase_rate, first_seen_at, last_seen_at, brand, category_id,"
                    + " category_code from "
                    + env.table("mart_product_performance")
                    + " order by product_id"))
        .as("product_performance")
        .containsExactlyElementsOf(expected("expected_product_performance.txt"));
    assertThat(
            rows(
                "select day_of_week, hour_of_day, events, views, carts, removes, purchases,"
                    + " revenue from "
                    + env.table("mart_hourly_activity")
                    + " order by day_of_week, hour_of_day"))
        .as("hourly_activity: 2019-10-01 is a Tuesday (2), 2019-09-29 a Sunday (7)")
        .containsExactly(
            "2|0|8|3|2|1|2|41.87",
            "2|9|1|1|0|0|0|0.00",
            "2|23|2|1|1|0|0|0.00",
            "3|0|1|0|0|0|1|10.00",
            "3|10|2|0|0|1|1|1081.98",
            "7|12|1|1|0|0|0|0.00");
    assertThat(
            rows(
                "select cohort_week, week_offset, cohort_users, active_users, purchasing_users,"
                    + " retention_rate from "
                    + env.table("mart_cohort_retention")
                    + " order by cohort_week, week_offset"))
        .as("cohort_retention: user 42's late event of 2019-09-29 moves it to the cohort before")
        .containsExactly(
            "2019-09-23|0|1|1|0|1.0",
            "2019-09-23|1|1|1|1|1.0",
            "2019-09-30|0|7|7|3|1.0",
            "2019-09-30|1|7|1|0|0.14285714285714285");
    assertThat(
            rows(
                "select session_date, carting_sessions, abandoned_sessions, abandoned_value,"
                    + " cart_purchase_rate from "
                    + env.table("mart_cart_abandonment")))
        .as("cart_abandonment: span-session bought in the second batch, on the next day")
        .containsExactly("2019-10-01|3|2|252.74|0.3333333333333333");
    assertThat(
            rows(
                "select user_id, sessions, recency_score, frequency_score, monetary_score,"
                    + " rfm_segment from "
                    + env.table("mart_user_engagement")
                    + " order by user_id"))
        .as("user_engagement: sessions and RFM")
        .containsExactlyElementsOf(expected("expected_rfm.txt"));
    assertThat(
            rows(
                "select user_id from "
                    + env.table("mart_user_engagement")
                    + " where updated_batch_id = (select updated_batch_id from "
                    + env.table("mart_user_engagement")
                    + " where user_id = 42) order by user_id"))
        .as("the second batch writes only the users whose values changed (535871217: recency)")
        .containsExactly("42", "535871217", "541312140");

    Map<String, List<String>> incremental = snapshot(env);
    new BuildMartsJob().run(spark, env.config().with(Map.of(Keys.FULL_REFRESH.name(), "true")));
    Map<String, List<String>> full = snapshot(env);
    for (String t : MartBuilder.tables()) {
      assertThat(incremental.get(t))
          .as("%s: incremental equals full refresh", t)
          .isEqualTo(full.get(t));
    }
  }

  @Test
  void incrementalBatchesEqualAFullRefreshAndRerunsChangeNothing() throws IOException {
    Env env = newEnv("incremental");
    String[] hours = {"2019/10/01/22", "2019/10/01/23", "2019/10/02/00"};
    for (int h = 0; h < hours.length; h++) {
      ByteArrayOutputStream gen = new ByteArrayOutputStream();
      EventGenerator.write(
          gen,
          new EventGenerator.Options()
              .rows(1500)
              .faultRate(0.03)
              .seed(11)
              .users(60)
              .products(80)
              .start(LocalDateTime.of(2019, 10, 1, 22, 0).plusHours(h))
              .minutes(60));
      String extra =
          h == 0
              ? resource("marts/spanning.csv")
              : h == 1 ? resource("marts/spanning-2.csv") : null;
      Path inst =
          extra == null
              ? env.instance(hours[h], true, "gen.csv", gen.toString(StandardCharsets.UTF_8))
              : env.instance(
                  hours[h],
                  true,
                  "gen.csv",
                  gen.toString(StandardCharsets.UTF_8),
                  "span.csv",
                  extra);
      JobConfig cfg = env.config(inst.toString());
      if (h == 2) {
        new StageLandingJob().run(spark, cfg);
        new CleanEventsJob().run(spark, cfg);
        assertThatThrownBy(
                () ->
                    new BuildMartsJob()
                        .run(spark, cfg.with(Map.of(Keys.FAIL_AFTER.name(), "fact_sessions"))))
            .isInstanceOf(SparkJob.InjectedFailure.class);
        new BuildMartsJob().run(spark, cfg);
      } else {
        ingestAndBuild(cfg);
      }
    }
    assertThat(
            rows(
                "select total_views, total_add_to_cart, total_purchases, view_to_cart_rate,"
                    + " cart_to_purchase_rate from "
                    + env.table("mart_user_engagement")
                    + " where user_id = 43"))
        .as("a user who buys without a cart: rate not capped")
        .containsExactly("2|1|2|0.5|2.0");
    assertThat(
            rows(
                "select total_revenue, first_event_at, last_event_at, events from "
                    + env.table("mart_session_revenue")
                    + " where user_session = 'span-session'"))
        .as("a session spanning two batches and two days")
        .containsExactly("15.50|2019-10-01 23:59:58.0|2019-10-02 00:00:02.0|5");
    assertThat(rows("select brand from " + env.table("dim_product") + " where product_id = 77"))
        .as("latest brand wins")
        .containsExactly("duplo");

    Map<String, List<String>> incremental = snapshot(env);
    JobConfig last = env.config(new Path(env.landing, hours[2]).toString());
    BuildMartsJob.Result again = new BuildMartsJob().run(spark, last);
    assertThat(again.alreadyDone).as("rerun of a finished batch").isTrue();
    assertThat(snapshot(env)).as("rerun changes nothing").isEqualTo(incremental);

    long filesBefore = count("select * from " + env.table("mart_user_engagement") + ".files");
    MaintainTablesJob.Result maintained =
        new MaintainTablesJob()
            .run(
                spark,
                env.config()
                    .with(
                        Map.of(
                            Keys.MAINT_TABLES.name(),
                            "mart_user_engagement,fact_sessions,dim_product")));
    assertThat(maintained.total("rewritten_data_files")).as("small files compacted").isPositive();
    assertThat(count("select * from " + env.table("mart_user_engagement") + ".files"))
        .isLessThanOrEqualTo(filesBefore);
    assertThat(snapshot(env))
        .as("maintenance keeps query results identical")
        .isEqualTo(incremental);

    // a follow-up batch of the last instance: late events that move a session's start (and a user's
    // cohort) to an earlier day and week, and give category 9002 its first code, on another day
    Path lastInstance = new Path(env.landing, hours[2]);
    env.instance(hours[2], true, "follow-up.csv", resource("marts/follow-up.csv"));
    fs.create(new Path(lastInstance, StagingArea.FOLLOW_UP), true).close();
    ingestAndBuild(env.config(lastInstance.toString()));
    assertThat(
            rows(
                "select category_code from "
                    + env.table("mart_category_performance")
                    + " where category_id = 9002 order by event_date"))
        .as("category 9002's first code, on its earlier day too")
        .containsExactly("stationery.pens", "stationery.pens");
    Map<String, List<String>> withFollowUp = snapshot(env);

    new BuildMartsJob().run(spark, env.config().with(Map.of(Keys.FULL_REFRESH.name(), "true")));
    Map<String, List<String>> full = snapshot(env);
    for (String t : MartBuilder.tables()) {
      assertThat(withFollowUp.get(t))
          .as("%s: incremental (three batches and a follow-up) equals full refresh", t)
          .isEqualTo(full.get(t))
          .isNotEmpty();
    }
  }
}

package io.clicklake.table;

import java.util.List;

/** Names of the Iceberg tables; each has its DDL in iceberg-ddl/&lt;name&gt;.sql. */
public final class TableNames {
  public static final String EVENTS = "events";
  public static final String QUARANTINE = "events_quarantine";
  public static final String BATCHES = "batches";
  public static final String BATCH_FILES = "batch_files";
  public static final String BATCH_COMMITS = "batch_commits";
  public static final String DIM_DATE = "dim_date";
  public static final String DIM_PRODUCT = "dim_product";
  public static final String DIM_CATEGORY = "dim_category";
  public static final String DIM_BRAND = "dim_brand";
  public static final String DIM_USER = "dim_user";
  public static final String FACT_EVENTS = "fact_events";
  public static final String FACT_SESSIONS = "fact_sessions";
  public static final String FACT_USER_WEEKS = "fact_user_weeks";
  public static final String FACT_USER_SESSIONS = "fact_user_sessions";
  public static final String MART_USER_ENGAGEMENT = "mart_user_engagement";
  public static final String MART_SESSION_REVENUE = "mart_session_revenue";
  public static final String MART_DAILY_FUNNEL = "mart_daily_funnel";
  public static final String MART_CATEGORY_PERFORMANCE = "mart_category_performance";
  public static final String MART_BRAND_PERFORMANCE = "mart_brand_performance";
  public static final String MART_PRODUCT_PERFORMANCE = "mart_product_performance";
  public static final String MART_HOURLY_ACTIVITY = "mart_hourly_activity";
  public static final String MART_COHORT_RETENTION = "mart_cohort_retention";
  public static final String MART_CART_ABANDONMENT = "mart_cart_abandonment";

  public static final List<String> INGEST =
      List.of(EVENTS, QUARANTINE, BATCHES, BATCH_FILES, BATCH_COMMITS);
  public static final List<String> STAR =
      List.of(
          DIM_DATE,
          DIM_PRODUCT,
          DIM_CATEGORY,
          DIM_BRAND,
          DIM_USER,
          FACT_EVENTS,
          FACT_SESSIONS,
          FACT_USER_WEEKS,
          FACT_USER_SESSIONS);
  public static final List<String> MARTS =
      List.of(
          MART_USER_ENGAGEMENT,
          MART_SESSION_REVENUE,
          MART_DAILY_FUNNEL,
          MART_CATEGORY_PERFORMANCE,
          MART_BRAND_PERFORMANCE,
          MART_PRODUCT_PERFORMANCE,
          MART_HOURLY_ACTIVITY,
          MART_COHORT_RETENTION,
          MART_CART_ABANDONMENT);

  /** Every table, in creation order. */
  public static List<String> all() {
    java.util.List<String> l = new java.util.ArrayList<>(INGEST);
    l.addAll(STAR);
    l.addAll(MARTS);
    return l;
  }

  private TableNames() {}
}

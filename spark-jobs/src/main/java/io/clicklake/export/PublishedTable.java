package io.clicklake.export;

import io.clicklake.table.TableNames;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables the export publishes to MySQL, in load order, each with the Iceberg table it mirrors
 * and the column that names the batch that last changed a row: the one place that pairs MySQL and
 * Iceberg names. Columns and keys are those of {@code sql/01_tables.sql}, read back from the
 * database by {@link MySqlSchema#shape}, so they are not retyped here.
 */
public enum PublishedTable {
  USER_ENGAGEMENT("user_engagement", TableNames.MART_USER_ENGAGEMENT, "updated_batch_id"),
  SESSION_REVENUE("session_revenue", TableNames.MART_SESSION_REVENUE, "updated_batch_id"),
  DAILY_FUNNEL("daily_funnel", TableNames.MART_DAILY_FUNNEL, "updated_batch_id"),
  CATEGORY_PERFORMANCE(
      "category_performance", TableNames.MART_CATEGORY_PERFORMANCE, "updated_batch_id"),
  BRAND_PERFORMANCE("brand_performance", TableNames.MART_BRAND_PERFORMANCE, "updated_batch_id"),
  PRODUCT_PERFORMANCE(
      "product_performance", TableNames.MART_PRODUCT_PERFORMANCE, "updated_batch_id"),
  HOURLY_ACTIVITY("hourly_activity", TableNames.MART_HOURLY_ACTIVITY, "updated_batch_id"),
  /** Sent whole: its mart deletes a cohort whose users all moved to an earlier week. */
  COHORT_RETENTION("cohort_retention", TableNames.MART_COHORT_RETENTION, "updated_batch_id", true),
  /** Sent whole: its mart deletes a day whose carting sessions all moved to an earlier day. */
  CART_ABANDONMENT("cart_abandonment", TableNames.MART_CART_ABANDONMENT, "updated_batch_id", true),
  /** Last: its rows report the counts of the others. */
  PIPELINE_BATCHES("pipeline_batches", TableNames.BATCHES, "batch_id");

  public final String mysqlName;
  public final String icebergName;
  public final String batchColumn;

  /**
   * Whether every export sends all its rows and deletes the MySQL rows it did not send, in the same
   * transaction: for a small table whose mart deletes rows, which sending the changed rows alone
   * would leave behind.
   */
  public final boolean sentWhole;

  PublishedTable(String mysqlName, String icebergName, String batchColumn) {
    this(mysqlName, icebergName, batchColumn, false);
  }

  PublishedTable(String mysqlName, String icebergName, String batchColumn, boolean sentWhole) {
    this.mysqlName = mysqlName;
    this.icebergName = icebergName;
    this.batchColumn = batchColumn;
    this.sentWhole = sentWhole;
  }

  /** Whether the published table of MySQL name {@code mysqlName} is {@link #sentWhole}. */
  public static boolean sentWhole(String mysqlName) {
    for (PublishedTable t : values()) {
      if (t.mysqlName.equals(mysqlName)) {
        return t.sentWhole;
      }
    }
    return false;
  }

  /** Every published table, in load order. */
  public static List<PublishedTable> all() {
    return List.of(values());
  }

  /** The marts: every published table but the batch records. */
  public static List<PublishedTable> marts() {
    List<PublishedTable> marts = new ArrayList<>(all());
    marts.remove(PIPELINE_BATCHES);
    return List.copyOf(marts);
  }

  /** The MySQL names of {@code tables}, in their order. */
  public static List<String> mysqlNames(List<PublishedTable> tables) {
    List<String> out = new ArrayList<>();
    tables.forEach(t -> out.add(t.mysqlName));
    return out;
  }
}

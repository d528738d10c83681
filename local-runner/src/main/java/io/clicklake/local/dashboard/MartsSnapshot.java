package io.clicklake.local.dashboard;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the dashboard shows, read once from the MySQL marts. {@code errorTextsReadable} is
 * false when the connecting user may not read {@code pipeline_batches.error_message} (the reporting
 * user of {@code sql/02_reporting_user.sql}); every {@link Batch#errorMessage()} is null then.
 * Times are UTC wall-clock values, as stored in the DATETIME columns. Ratios are {@code null} where
 * their denominator is 0, like the rates of data contract section 5.
 */
record MartsSnapshot(
    String database,
    LocalDateTime generatedAt,
    Totals totals,
    List<Day> days,
    RateHistogram viewToCart,
    RateHistogram cartToPurchase,
    List<TopSession> topSessions,
    Freshness freshness,
    List<Batch> recentBatches,
    boolean errorTextsReadable,
    List<Performance> topCategories,
    List<Performance> topBrands,
    List<HourCell> hourly,
    List<Cohort> cohorts,
    List<AbandonmentDay> abandonment) {

  MartsSnapshot {
    days = List.copyOf(days);
    topSessions = List.copyOf(topSessions);
    recentBatches = List.copyOf(recentBatches);
    topCategories = List.copyOf(topCategories);
    topBrands = List.copyOf(topBrands);
    hourly = List.copyOf(hourly);
    cohorts = List.copyOf(cohorts);
    abandonment = List.copyOf(abandonment);
    if (hourly.size() != HourCell.DAYS * HourCell.HOURS) {
      throw new IllegalArgumentException(
          "the heat map needs all "
              + HourCell.DAYS * HourCell.HOURS
              + " cells, got "
              + hourly.size());
    }
  }

  /**
   * Whole-history totals: events and revenue from daily_funnel, users and sessions from their
   * marts.
   */
  record Totals(
      long views,
      long carts,
      long removes,
      long purchases,
      BigDecimal revenue,
      long users,
      long sessions,
      long purchasingSessions,
      BigDecimal sessionRevenue) {

    long events() {
      return views + carts + removes + purchases;
    }

    Double viewToCart() {
      return ratio(carts, views);
    }

    Double cartToPurchase() {
      return ratio(purchases, carts);
    }

    Double purchaseSessionShare() {
      return ratio(purchasingSessions, sessions);
    }

    BigDecimal revenuePerPurchasingSession() {
      return purchasingSessions == 0
          ? null
          : sessionRevenue.divide(BigDecimal.valueOf(purchasingSessions), 2, RoundingMode.HALF_UP);
    }

    static Double ratio(long numerator, long denominator) {
      return denominator == 0 ? null : (double) numerator / denominator;
    }
  }

  /** One row of daily_funnel. */
  record Day(
      LocalDate date,
      long views,
      long carts,
      long removes,
      long purchases,
      BigDecimal revenue,
      long sessions,
      long purchasingSessions,
      long buyers,
      long users) {}

  /** Users per rate bin; users whose rate is NULL are counted apart, not binned. */
  record RateHistogram(String column, List<RateBins.Bin> bins, List<Long> counts, long nullCount) {
    RateHistogram {
      bins = List.copyOf(bins);
      counts = List.copyOf(counts);
      if (bins.size() != counts.size()) {
        throw new IllegalArgumentException(bins.size() + " bins but " + counts.size() + " counts");
      }
    }

    long binnedUsers() {
      return counts.stream().mapToLong(Long::longValue).sum();
    }
  }

  /** One of the sessions with the highest total_revenue. */
  record TopSession(
      String userSession,
      Long userId,
      BigDecimal totalRevenue,
      long purchases,
      long events,
      LocalDateTime firstEventAt,
      LocalDateTime lastEventAt) {}

  /**
   * How fresh the marts are: the newest succeeded batch, the newest finished export, and
   * quarantined rows per reason over all batches (keys in rule order).
   */
  record Freshness(
      LocalDateTime lastSuccessfulBatchAt,
      LocalDateTime lastExportAt,
      long batches,
      long failedBatches,
      Map<String, Long> quarantinedByReason) {
    Freshness {
      quarantinedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(quarantinedByReason));
    }

    /** Hours between the last successful batch and {@code now}, or null without one. */
    Double hoursSinceLastSuccessfulBatch(LocalDateTime now) {
      return lastSuccessfulBatchAt == null
          ? null
          : Duration.between(lastSuccessfulBatchAt, now).toMinutes() / 60.0;
    }
  }

  /**
   * One row of pipeline_batches; counts are null where the stage has not written them, the error
   * text where there is none or the user may not read it.
   */
  record Batch(
      String batchId,
      String status,
      LocalDateTime startedAt,
      LocalDateTime finishedAt,
      Long rowsRead,
      Long rowsClean,
      Long rowsQuarantined,
      Long rowsDuplicate,
      Map<String, Long> quarantinedByReason,
      Map<String, String> stageStatus,
      String errorMessage) {
    Batch {
      quarantinedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(quarantinedByReason));
      stageStatus = Collections.unmodifiableMap(new LinkedHashMap<>(stageStatus));
    }

    /**
     * Data contract 4: rows_read = rows_clean + rows_quarantined + rows_duplicate (null until
     * known).
     */
    Boolean accountingHolds() {
      if (rowsRead == null
          || rowsClean == null
          || rowsQuarantined == null
          || rowsDuplicate == null) {
        return null;
      }
      return rowsRead == rowsClean + rowsQuarantined + rowsDuplicate;
    }
  }

  /**
   * A category or brand summed over all days of category_performance or brand_performance: {@code
   * key} is category_id or brand_key, {@code label} the category_code or brand (null when none is
   * known).
   */
  record Performance(
      long key, String label, long views, long carts, long purchases, BigDecimal revenue) {
    Double viewToCart() {
      return Totals.ratio(carts, views);
    }

    Double cartToPurchase() {
      return Totals.ratio(purchases, carts);
    }
  }

  /**
   * One cell of the weekday x hour heat map (hourly_activity): ISO day of week 1 = Monday .. 7,
   * hour 0..23, UTC. A cell without a row in the table holds zeros.
   */
  record HourCell(int dayOfWeek, int hour, long events, long purchases, BigDecimal revenue) {
    static final int DAYS = 7;
    static final int HOURS = 24;
  }

  /**
   * One cohort of cohort_retention: its week (the Monday), its users, and its weeks from offset 0
   * up to the last week the data reaches ({@code weeks.get(i)} is offset i; a week without a row
   * has no active users).
   */
  record Cohort(LocalDate week, long users, List<CohortWeek> weeks) {
    Cohort {
      weeks = List.copyOf(weeks);
    }
  }

  /** Active and purchasing users of a cohort in the week {@code offset} weeks after its first. */
  record CohortWeek(int offset, long activeUsers, long purchasingUsers, Double retention) {}

  /** One row of cart_abandonment. */
  record AbandonmentDay(
      LocalDate date,
      long cartingSessions,
      long abandonedSessions,
      BigDecimal abandonedValue,
      Double cartPurchaseRate) {}
}

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
    boolean errorTextsReadable) {

  MartsSnapshot {
    days = List.copyOf(days);
    topSessions = List.copyOf(topSessions);
    recentBatches = List.copyOf(recentBatches);
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

    private static Double ratio(long numerator, long denominator) {
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
}

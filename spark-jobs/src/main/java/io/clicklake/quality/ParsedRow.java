package io.clicklake.quality;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDateTime;

/**
 * The outcome of the row rules for one line: either a clean event (reason null) with its normalized
 * fields, or a quarantine reason with a detail saying what was expected and found.
 */
public final class ParsedRow implements Serializable {
  public final Reason reason;
  public final String detail;
  public final LocalDateTime eventTime;
  public final String eventType;
  public final long productId;
  public final Long categoryId;
  public final String categoryCode;
  public final String brand;
  public final BigDecimal price;
  public final long userId;
  public final String userSession;

  private ParsedRow(
      Reason reason,
      String detail,
      LocalDateTime eventTime,
      String eventType,
      long productId,
      Long categoryId,
      String categoryCode,
      String brand,
      BigDecimal price,
      long userId,
      String userSession) {
    this.reason = reason;
    this.detail = detail;
    this.eventTime = eventTime;
    this.eventType = eventType;
    this.productId = productId;
    this.categoryId = categoryId;
    this.categoryCode = categoryCode;
    this.brand = brand;
    this.price = price;
    this.userId = userId;
    this.userSession = userSession;
  }

  static ParsedRow bad(Reason reason, String detail) {
    return new ParsedRow(reason, detail, null, null, 0, null, null, null, null, 0, null);
  }

  static ParsedRow clean(
      LocalDateTime eventTime,
      String eventType,
      long productId,
      Long categoryId,
      String categoryCode,
      String brand,
      BigDecimal price,
      long userId,
      String userSession) {
    return new ParsedRow(
        null,
        null,
        eventTime,
        eventType,
        productId,
        categoryId,
        categoryCode,
        brand,
        price,
        userId,
        userSession);
  }

  public boolean isClean() {
    return reason == null;
  }
}

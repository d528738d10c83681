package io.clicklake.table;

import java.util.List;

/**
 * The star-schema columns that {@code events} carries as the event-grain fact (data contract
 * section 6): the one definition of each, as a Spark SQL expression over the event's own columns.
 * The clean stage writes them; {@link Lake} fills them in for events an older release loaded.
 */
public final class EventKeys {
  private EventKeys() {}

  /** The UTC day of {@code event_time}, by integer arithmetic on epoch microseconds. */
  private static final String DAY =
      "date_from_unix_date(cast((unix_micros(event_time) - pmod(unix_micros(event_time),"
          + " 86400000000)) div 86400000000 as int))";

  /**
   * dim_date.date_key: the UTC day of {@code event_time} as yyyymmdd, without a time-zone
   * conversion, whatever the session's zone.
   */
  public static final String DATE_KEY =
      "(year(" + DAY + ") * 10000 + month(" + DAY + ") * 100 + dayofmonth(" + DAY + "))";

  /** dim_brand.brand_key: xxhash64 of the brand, NULL without a brand. */
  public static final String BRAND_KEY =
      "case when brand is null then cast(null as bigint) else xxhash64(brand) end";

  /** The event's revenue: its price for a purchase, 0.00 otherwise (decimal(18,2)). */
  public static final String REVENUE =
      "cast(case when event_type = 'purchase' then price else 0 end as decimal(18,2))";

  /** {@code expression as column} for each key column, in the table's order. */
  public static List<String> columns() {
    return List.of(DATE_KEY + " as date_key", BRAND_KEY + " as brand_key", REVENUE + " as revenue");
  }
}

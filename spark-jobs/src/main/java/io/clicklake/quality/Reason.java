package io.clicklake.quality;

/** Quarantine reason codes of data contract section 2, in rule order. */
public enum Reason {
  MALFORMED_ROW("malformed_row"),
  BAD_EVENT_TIME("bad_event_time"),
  BAD_EVENT_TYPE("bad_event_type"),
  BAD_PRODUCT_ID("bad_product_id"),
  BAD_CATEGORY_ID("bad_category_id"),
  BAD_PRICE("bad_price"),
  BAD_USER_ID("bad_user_id"),
  MISSING_SESSION("missing_session"),
  BAD_SESSION("bad_session");

  private final String code;

  Reason(String code) {
    this.code = code;
  }

  /** The code stored in events_quarantine.reason and counted in batches.q_&lt;code&gt;. */
  public String code() {
    return code;
  }
}

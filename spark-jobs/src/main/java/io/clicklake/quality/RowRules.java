package io.clicklake.quality;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The eleven row rules of data contract section 2, applied in order; the first failing rule gives
 * the quarantine reason. Pure Java, no Spark: the same code runs in every task and in the tests.
 */
public final class RowRules {
  public static final int FIELD_COUNT = 9;

  /**
   * Longest user_session in characters (Unicode code points, as MySQL's utf8mb4 VARCHAR(64) counts
   * them).
   */
  public static final int MAX_SESSION_CHARS = 64;

  private static final BigDecimal PRICE_LIMIT = new BigDecimal("10000000000"); // 10^10
  private static final DateTimeFormatter CANONICAL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private RowRules() {}

  /** Applies the rules to one non-blank data line (line ending already removed). */
  public static ParsedRow apply(String line) {
    List<String> raw = CsvLine.split(line);
    if (raw == null) {
      return ParsedRow.bad(
          Reason.MALFORMED_ROW,
          "expected balanced RFC 4180 quotes, found an unbalanced or misplaced quote");
    }
    if (raw.size() != FIELD_COUNT) {
      return ParsedRow.bad(Reason.MALFORMED_ROW, "expected 9 fields, found " + raw.size());
    }
    String[] f = new String[FIELD_COUNT];
    for (int i = 0; i < FIELD_COUNT; i++) {
      f[i] = Text.strip(raw.get(i));
    }

    LocalDateTime time = parseTime(f[0]);
    if (time == null) {
      return ParsedRow.bad(
          Reason.BAD_EVENT_TIME,
          "expected 'yyyy-MM-dd HH:mm:ss[ UTC]' and a real date-time, found '" + clip(f[0]) + "'");
    }
    String type = f[1].toLowerCase(Locale.ROOT);
    if (!(type.equals("view")
        || type.equals("cart")
        || type.equals("remove_from_cart")
        || type.equals("purchase"))) {
      return ParsedRow.bad(
          Reason.BAD_EVENT_TYPE,
          "expected view, cart, remove_from_cart or purchase, found '" + clip(f[1]) + "'");
    }
    long product = parseId(f[2]);
    if (product <= 0) {
      return ParsedRow.bad(
          Reason.BAD_PRODUCT_ID, "expected digits > 0 fitting 64 bits, found '" + clip(f[2]) + "'");
    }
    Long category = null;
    if (!f[3].isEmpty()) {
      long c = parseId(f[3]);
      if (c <= 0) {
        return ParsedRow.bad(
            Reason.BAD_CATEGORY_ID,
            "expected empty or digits > 0 fitting 64 bits, found '" + clip(f[3]) + "'");
      }
      category = c;
    }
    String categoryCode = f[4].isEmpty() ? null : f[4].toLowerCase(Locale.ROOT);
    String brand = f[5].isEmpty() ? null : f[5].toLowerCase(Locale.ROOT);
    BigDecimal price = parsePrice(f[6]);
    if (price == null) {
      return ParsedRow.bad(
          Reason.BAD_PRICE,
          "expected digits with optional '.digits', below 10^10, found '" + clip(f[6]) + "'");
    }
    long user = parseId(f[7]);
    if (user <= 0) {
      return ParsedRow.bad(
          Reason.BAD_USER_ID, "expected digits > 0 fitting 64 bits, found '" + clip(f[7]) + "'");
    }
    if (f[8].isEmpty()) {
      return ParsedRow.bad(
          Reason.MISSING_SESSION, "expected a non-empty user_session, found an empty field");
    }
    int sessionChars = f[8].codePointCount(0, f[8].length());
    if (sessionChars > MAX_SESSION_CHARS) {
      return ParsedRow.bad(
          Reason.BAD_SESSION,
          "expected a user_session of at most "
              + MAX_SESSION_CHARS
              + " characters, found "
              + sessionChars
              + ": '"
              + clip(f[8])
              + "'");
    }
    return ParsedRow.clean(time, type, product, category, categoryCode, brand, price, user, f[8]);
  }

  /**
   * The outcome for a line longer than {@code maxBytes} (data contract section 1): not parsed,
   * quarantined as malformed_row with its length in the detail.
   */
  public static ParsedRow tooLong(long bytes, long maxBytes, int keptBytes) {
    return ParsedRow.bad(
        Reason.MALFORMED_ROW,
        "expected a line of at most "
            + maxBytes
            + " bytes, found "
            + bytes
            + " bytes (not parsed; raw_line keeps at most its first "
            + keptBytes
            + " bytes)");
  }

  /** {@code yyyy-MM-dd HH:mm:ss} with an optional {@code " UTC"}; null unless a real date-time. */
  static LocalDateTime parseTime(String s) {
    int n = s.length();
    if (n == 23) {
      if (!s.endsWith(" UTC")) {
        return null;
      }
    } else if (n != 19) {
      return null;
    }
    if (s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != ' '
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** A positive id that fits a signed 64-bit integer, or -1. Leading zeros are allowed. */
  static long parseId(String s) {
    int n = s.length();
    if (n == 0) {
      return -1;
    }
    int i = 0;
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    while (i < n - 1 && s.charAt(i) == '0') {
      i++;
    }
    if (n - i > 19) {
      return -1;
    }
    try {
      long v = Long.parseLong(s.substring(i));
      return v > 0 ? v : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Digits with an optional '.digits' part, below 10^10, rounded HALF_UP to 2 decimals; else null.
   */
  static BigDecimal parsePrice(String s) {
    int n = s.length();
    if (n == 0) {
      return null;
    }
    int dot = -1;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (dot >= 0 || i == 0 || i == n - 1) {
          return null;
        }
        dot = i;
      } else if (c < '0' || c > '9') {
        return null;
      }
    }
    BigDecimal v = new BigDecimal(s);
    if (v.compareTo(PRICE_LIMIT) >= 0) {
      return null;
    }
    return v.setScale(2, RoundingMode.HALF_UP);
  }

  /**
   * Identity of a clean event: the first 16 bytes of SHA-256 over the nine normalized fields, hex.
   * Equal ids mean equal events (data contract section 3).
   */
  public static String eventId(ParsedRow r) {
    StringBuilder sb = new StringBuilder(160);
    sb.append(CANONICAL_TIME.format(r.eventTime))
        .append('\u0001')
        .append(r.eventType)
        .append('\u0001')
        .append(r.productId)
        .append('\u0001')
        .append(r.categoryId == null ? "" : r.categoryId.toString())
        .append('\u0001')
        .append(r.categoryCode == null ? "" : r.categoryCode)
        .append('\u0001')
        .append(r.brand == null ? "" : r.brand)
        .append('\u0001')
        .append(r.price.toPlainString())
        .append('\u0001')
        .append(r.userId)
        .append('\u0001')
        .append(r.userSession);
    byte[] d = sha256().digest(sb.toString().getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(d, 0, 16);
  }

  private static final ThreadLocal<MessageDigest> SHA =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });

  private static MessageDigest sha256() {
    MessageDigest md = SHA.get();
    md.reset();
    return md;
  }

  /** At most 60 characters of a field for a detail message, never splitting a surrogate pair. */
  private static String clip(String s) {
    return s.codePointCount(0, s.length()) > 60
        ? s.substring(0, s.offsetByCodePoints(0, 60)) + "..."
        : s;
  }
}

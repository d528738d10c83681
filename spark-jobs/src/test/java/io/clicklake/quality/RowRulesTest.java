package io.clicklake.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The row rules without Spark: edge cases the golden file does not show line by line. */
class RowRulesTest {
  private static final String OK = "2019-10-01 00:00:00 UTC,view,1,2,a.b,brand,%s,3,s";

  static ParsedRow price(String p) {
    return RowRules.apply(String.format(OK, p));
  }

  @Test
  void priceLimitIsCheckedBeforeRoundingAndTheRoundedValueFits() {
    assertThat(price("9999999999.995").price)
        .as("rounds up to 10^10 and is kept")
        .isEqualByComparingTo(new BigDecimal("10000000000.00"));
    assertThat(price("9999999999.99").price).isEqualByComparingTo(new BigDecimal("9999999999.99"));
    assertThat(price("10000000000.00").reason).isEqualTo(Reason.BAD_PRICE);
    assertThat(price("0").price).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(price("1.005").price).as("HALF_UP").isEqualByComparingTo(new BigDecimal("1.01"));
    assertThat(price("+1").reason).isEqualTo(Reason.BAD_PRICE);
    assertThat(price("1,5").reason)
        .as("an extra comma is an extra field")
        .isEqualTo(Reason.MALFORMED_ROW);
    assertThat(price("\"1.5\"").price)
        .as("a quoted price is still a price")
        .isEqualByComparingTo(new BigDecimal("1.50"));
  }

  @Test
  void quotesFollowRfc4180() {
    assertThat(CsvLine.split("a,\"b,c\",\"d \"\"e\"\"\"")).containsExactly("a", "b,c", "d \"e\"");
    assertThat(CsvLine.split("a,\"b\" ,c"))
        .as("whitespace after a closing quote")
        .containsExactly("a", "b", "c");
    assertThat(CsvLine.split("a,\"b\"x,c")).as("text after a closing quote").isNull();
    assertThat(CsvLine.split("a,b\"c")).as("quote inside an unquoted field").isNull();
    assertThat(CsvLine.split("a,\"b")).as("unterminated quote").isNull();
    assertThat(CsvLine.split("a,,")).containsExactly("a", "", "");
  }

  @Test
  void timesAndIds() {
    assertThat(RowRules.parseTime("2020-02-29 23:59:59")).isNotNull();
    assertThat(RowRules.parseTime("2019-02-29 00:00:00")).isNull();
    assertThat(RowRules.parseTime("2019-10-01 00:00:60")).isNull();
    assertThat(RowRules.parseTime("2019-10-01 00:00:00 UTC ")).isNull();
    assertThat(RowRules.parseTime("2019-1-01 00:00:00")).isNull();
    assertThat(RowRules.parseId("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(RowRules.parseId("9223372036854775808")).isEqualTo(-1);
    assertThat(RowRules.parseId("000000000000000000000042")).isEqualTo(42);
    assertThat(RowRules.parseId("00")).isEqualTo(-1);
    assertThat(RowRules.parseId("１２")).as("only ASCII digits").isEqualTo(-1);
  }

  @Test
  void unicodeWhitespaceIsTrimmedAndBlankLinesAreUnicodeAware() {
    ParsedRow r =
        RowRules.apply("2019-10-01 00:00:00 UTC,view\u00a0,1,,,\u3000Brand\u2007,1,3,s\u00a0");
    assertThat(r.reason).as("no-break spaces are whitespace").isNull();
    assertThat(r.brand).isEqualTo("brand");
    assertThat(r.userSession).isEqualTo("s");
    byte[] nbsp = " \u00a0\t\u3000\r".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(Text.isBlankLine(nbsp, 0, nbsp.length)).isTrue();
    byte[] bom = "\uFEFF".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(Text.isBlankLine(bom, 0, bom.length)).as("a BOM is not whitespace").isFalse();
  }

  @Test
  void utf8Validation() {
    Text.Utf8Validator ok = new Text.Utf8Validator();
    byte[] good = "caf\u00e9 \u20ac \uD83D\uDE00".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ok.feed(good, 0, 5);
    ok.feed(good, 5, good.length - 5);
    assertThat(ok.valid()).isTrue();
    for (byte[] bad :
        new byte[][] {
          {(byte) 0xE9},
          {(byte) 0xC0, (byte) 0x80},
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
          {(byte) 0xE2, (byte) 0x82}
        }) {
      Text.Utf8Validator v = new Text.Utf8Validator();
      v.feed(bad, 0, bad.length);
      assertThat(v.valid()).as("invalid: %s", java.util.Arrays.toString(bad)).isFalse();
    }
  }

  @Test
  void eventIdIsTheIdentityOfTheNormalizedFields() {
    ParsedRow a = RowRules.apply("2019-10-01 00:00:00 UTC,VIEW,01,,,Brand,1.5,7,s");
    ParsedRow b = RowRules.apply(" 2019-10-01 00:00:00 , view ,1,, ,BRAND,1.50,007,s");
    ParsedRow c = RowRules.apply("2019-10-01 00:00:00 UTC,view,1,,,brand,1.50,7,S");
    assertThat(RowRules.eventId(a))
        .isEqualTo(RowRules.eventId(b))
        .isNotEqualTo(RowRules.eventId(c));
  }

  static ParsedRow session(String session) {
    return RowRules.apply("2019-10-01 00:00:00 UTC,view,1,2,a.b,brand,1.00,3," + session);
  }

  @Test
  void sessionsAreAtMost64CodePointsAfterTrimming() {
    String ascii64 = "s".repeat(64);
    assertThat(session(ascii64).isClean()).as("64 ASCII characters").isTrue();
    assertThat(session(ascii64).userSession).isEqualTo(ascii64);
    assertThat(session(ascii64 + "x").reason).as("65 characters").isEqualTo(Reason.BAD_SESSION);
    assertThat(session(ascii64 + "x").detail)
        .startsWith("expected a user_session of at most 64 characters, found 65: 'sss");
    // 64 code points of 2-, 3- and 4-byte characters (the 4-byte ones are two Java chars each):
    // MySQL counts 64
    String wide = "é".repeat(16) + "€".repeat(16) + "\uD83D\uDE00".repeat(32);
    assertThat(wide.codePointCount(0, wide.length())).isEqualTo(64);
    assertThat(wide.length()).as("Java chars").isEqualTo(96);
    assertThat(session(wide).isClean()).as("64 multi-byte code points").isTrue();
    assertThat(session(wide + "é").reason).isEqualTo(Reason.BAD_SESSION);
    assertThat(session(wide + "é").detail)
        .as("detail clipped at a whole character")
        .contains("found 65")
        .endsWith("...'");
    assertThat(session("  " + ascii64 + "\u00A0 ").isClean()).as("trimmed first").isTrue();
    assertThat(session("").reason).as("rule 10 comes first").isEqualTo(Reason.MISSING_SESSION);
    assertThat(
            RowRules.apply("2019-10-01 00:00:00 UTC,view,1,2,a.b,brand,1.00,0," + ascii64 + "x")
                .reason)
        .as("rules 1-9 come first")
        .isEqualTo(Reason.BAD_USER_ID);
    assertThat(Reason.values())
        .as("rule order")
        .endsWith(Reason.MISSING_SESSION, Reason.BAD_SESSION);
  }

  @Test
  void aLineTooLongIsMalformedAndNamesItsLength() {
    ParsedRow r = RowRules.tooLong(2_097_152, 1_048_576, 65_536);
    assertThat(r.reason).isEqualTo(Reason.MALFORMED_ROW);
    assertThat(r.detail)
        .isEqualTo(
            "expected a line of at most 1048576 bytes, found 2097152 bytes (not parsed; raw_line"
                + " keeps at most its first 65536 bytes)");
  }
}

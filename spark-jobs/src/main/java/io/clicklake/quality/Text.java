package io.clicklake.quality;

import java.nio.charset.StandardCharsets;

/**
 * What counts as whitespace and as text, in one place: field trimming, blank lines and the UTF-8
 * check all use it. Whitespace is Unicode whitespace including the no-break spaces (the set of
 * Python's {@code str.isspace}), so "trimmed" means the same to every reader of the contract.
 */
public final class Text {
  private Text() {}

  public static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
  }

  private static boolean isAsciiSpace(int u) {
    return u == ' ' || (u >= 0x09 && u <= 0x0D) || (u >= 0x1C && u <= 0x1F);
  }

  /** The string without leading and trailing whitespace. */
  public static String strip(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && isSpace(s.codePointAt(a))) {
      a += Character.charCount(s.codePointAt(a));
    }
    while (b > a && isSpace(s.codePointBefore(b))) {
      b -= Character.charCount(s.codePointBefore(b));
    }
    return s.substring(a, b);
  }

  /** Lines with more non-ASCII bytes than this are never blank (keeps the check bounded). */
  public static final int MAX_NON_ASCII_IN_BLANK = 65536;

  /** True when the line's bytes (UTF-8, line ending included or not) hold only whitespace. */
  public static boolean isBlankLine(byte[] b, int off, int len) {
    boolean nonAscii = false;
    int count = 0;
    for (int i = off; i < off + len; i++) {
      int u = b[i] & 0xff;
      if (u >= 0x80) {
        nonAscii = true;
        if (++count > MAX_NON_ASCII_IN_BLANK) {
          return false;
        }
      } else if (!isAsciiSpace(u)) {
        return false;
      }
    }
    if (!nonAscii) {
      return true;
    }
    String s = new String(b, off, len, StandardCharsets.UTF_8);
    return s.codePoints().allMatch(Text::isSpace);
  }

  /**
   * A streaming UTF-8 validator (rejects overlong forms, surrogates and code points above
   * U+10FFFF).
   */
  public static final class Utf8Validator {
    private int need;
    private int lo = 0x80;
    private int hi = 0xBF;
    private boolean bad;

    public void feed(byte[] buf, int off, int len) {
      if (bad) {
        return;
      }
      for (int i = off; i < off + len; i++) {
        int u = buf[i] & 0xff;
        if (need == 0) {
          if (u < 0x80) {
            continue;
          }
          lo = 0x80;
          hi = 0xBF;
          if (u >= 0xC2 && u <= 0xDF) {
            need = 1;
          } else if (u >= 0xE0 && u <= 0xEF) {
            need = 2;
            if (u == 0xE0) {
              lo = 0xA0;
            } else if (u == 0xED) {
              hi = 0x9F;
            }
          } else if (u >= 0xF0 && u <= 0xF4) {
            need = 3;
            if (u == 0xF0) {
              lo = 0x90;
            } else if (u == 0xF4) {
              hi = 0x8F;
            }
          } else {
            bad = true;
            return;
          }
        } else {
          if (u < lo || u > hi) {
            bad = true;
            return;
          }
          lo = 0x80;
          hi = 0xBF;
          need--;
        }
      }
    }

    /**
     * True as soon as an invalid sequence was fed (an incomplete sequence at the end of what was
     * fed is not yet one).
     */
    public boolean failed() {
      return bad;
    }

    /** True when everything fed so far is complete, valid UTF-8. */
    public boolean valid() {
      return !bad && need == 0;
    }
  }
}

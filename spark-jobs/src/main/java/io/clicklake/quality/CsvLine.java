package io.clicklake.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one physical line into fields following RFC 4180. A field is quoted when its first
 * character is a double quote; inside it a doubled quote stands for one quote and commas are data.
 * After the closing quote only whitespace may come before the next comma. A quote inside an
 * unquoted field, or a quoted field that never closes, makes the line malformed (null).
 */
public final class CsvLine {
  private CsvLine() {}

  /** The raw (untrimmed) fields, or null when the quotes are not balanced. */
  public static List<String> split(String line) {
    List<String> out = new ArrayList<>(10);
    int n = line.length();
    int i = 0;
    StringBuilder sb = new StringBuilder();
    while (true) {
      sb.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char c = line.charAt(i);
          if (c == '"') {
            if (i + 1 < n && line.charAt(i + 1) == '"') {
              sb.append('"');
              i += 2;
            } else {
              i++;
              closed = true;
              break;
            }
          } else {
            sb.append(c);
            i++;
          }
        }
        if (!closed) {
          return null;
        }
        while (i < n && line.charAt(i) != ',') {
          if (!Text.isSpace(line.charAt(i))) {
            return null;
          }
          i++;
        }
      } else {
        while (i < n) {
          char c = line.charAt(i);
          if (c == ',') {
            break;
          }
          if (c == '"') {
            return null;
          }
          sb.append(c);
          i++;
        }
      }
      out.add(sb.toString());
      if (i >= n) {
        return out;
      }
      i++; // the comma
      if (i == n) {
        out.add("");
        return out;
      }
    }
  }
}

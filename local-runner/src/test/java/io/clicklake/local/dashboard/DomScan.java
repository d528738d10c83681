package io.clicklake.local.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the elements of a DOM serialized by Chromium ({@code --dump-dom}) without an HTML library:
 * every start tag with its attributes, in document order, and the text right after it. Enough for a
 * page whose numbers are all in attributes, which is how the dashboard is written. Script and style
 * bodies are skipped.
 */
final class DomScan {
  private static final Pattern RAW_TEXT = Pattern.compile("(?is)<(script|style)\\b[^>]*>.*?</\\1>");
  private static final Pattern START_TAG =
      Pattern.compile(
          "<([a-zA-Z][a-zA-Z0-9-]*)((?:\\s+[^\\s/>=]+(?:\\s*=\\s*(?:\"[^\"]*\"|'[^']*'|[^\\s>]+))?)*)\\s*/?>");
  private static final Pattern ATTRIBUTE =
      Pattern.compile("([^\\s/>=]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+)))?");

  /** A start tag: its name, attributes, the text up to the next tag, and its position. */
  record Element(String tag, Map<String, String> attributes, String text, int index) {
    String attr(String name) {
      return attributes.get(name);
    }

    boolean has(String name) {
      return attributes.containsKey(name);
    }

    boolean has(String name, String value) {
      return value.equals(attributes.get(name));
    }

    double number(String name) {
      String v = attributes.get(name);
      if (v == null) {
        throw new AssertionError("<" + tag + "> has no " + name + ": " + attributes);
      }
      return Double.parseDouble(v);
    }

    boolean hasClass(String cls) {
      String c = attributes.get("class");
      return c != null && List.of(c.trim().split("\\s+")).contains(cls);
    }
  }

  private final List<Element> elements;

  private DomScan(List<Element> elements) {
    this.elements = elements;
  }

  static DomScan parse(String html) {
    String s = RAW_TEXT.matcher(html).replaceAll(m -> "<" + m.group(1) + "></" + m.group(1) + ">");
    List<Element> out = new ArrayList<>();
    Matcher m = START_TAG.matcher(s);
    while (m.find()) {
      Map<String, String> attrs = new LinkedHashMap<>();
      Matcher a = ATTRIBUTE.matcher(m.group(2));
      while (a.find()) {
        String v =
            a.group(2) != null
                ? a.group(2)
                : a.group(3) != null ? a.group(3) : a.group(4) != null ? a.group(4) : "";
        attrs.put(a.group(1).toLowerCase(), unescape(v));
      }
      int next = s.indexOf('<', m.end());
      String text = unescape(s.substring(m.end(), next < 0 ? s.length() : next));
      out.add(new Element(m.group(1).toLowerCase(), attrs, text, out.size()));
    }
    return new DomScan(out);
  }

  List<Element> all(Predicate<Element> p) {
    return elements.stream().filter(p).collect(Collectors.toList());
  }

  Optional<Element> first(Predicate<Element> p) {
    return elements.stream().filter(p).findFirst();
  }

  Element one(Predicate<Element> p, String what) {
    List<Element> found = all(p);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected exactly one " + what + ", found " + found.size() + ": " + found);
    }
    return found.get(0);
  }

  Element byId(String id) {
    return one(e -> e.has("id", id), "#" + id);
  }

  /** Elements after {@code start} and before {@code end} (to the end of the page when null). */
  List<Element> between(Element start, Element end, Predicate<Element> p) {
    return elements.subList(start.index() + 1, end == null ? elements.size() : end.index()).stream()
        .filter(p)
        .collect(Collectors.toList());
  }

  /** The first element after {@code start} matching {@code p}. */
  Element next(Element start, Predicate<Element> p, String what) {
    return elements.subList(start.index() + 1, elements.size()).stream()
        .filter(p)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + what + " after " + start));
  }

  static Predicate<Element> tag(String tag) {
    return e -> e.tag().equals(tag);
  }

  static Predicate<Element> attr(String name, String value) {
    return e -> e.has(name, value);
  }

  static Predicate<Element> attr(String name) {
    return e -> e.has(name);
  }

  private static String unescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    Matcher m = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos|nbsp);").matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String e = m.group(1);
      String r =
          switch (e) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            case "nbsp" -> "\u00a0";
            default ->
                new String(
                    Character.toChars(
                        e.startsWith("#x")
                            ? Integer.parseInt(e.substring(2), 16)
                            : Integer.parseInt(e.substring(1))));
          };
      m.appendReplacement(b, Matcher.quoteReplacement(r));
    }
    m.appendTail(b);
    return b.toString();
  }
}

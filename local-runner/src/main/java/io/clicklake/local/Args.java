package io.clicklake.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal option parser: {@code --name value}, {@code --flag}, repeated {@code --conf k=v}, positional rest. */
final class Args {
  final Map<String, String> options = new LinkedHashMap<>();
  final List<String> conf = new ArrayList<>();
  final List<String> positional = new ArrayList<>();

  static Args parse(List<String> args, Set<String> valued, Set<String> flags) {
    Args a = new Args();
    for (int i = 0; i < args.size(); i++) {
      String s = args.get(i);
      if (s.startsWith("--") && s.contains("=") && valued.contains(s.substring(0, s.indexOf('=')))) {
        a.options.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
      } else if (s.equals("--conf")) {
        if (i + 1 >= args.size()) {
          throw new CliException("--conf expects key=value");
        }
        a.conf.add(args.get(++i));
      } else if (valued.contains(s)) {
        if (i + 1 >= args.size()) {
          throw new CliException(s + " expects a value");
        }
        a.options.put(s, args.get(++i));
      } else if (flags.contains(s)) {
        a.options.put(s, "true");
      } else if (s.startsWith("--")) {
        throw new CliException("unknown option " + s + "; see --help");
      } else {
        a.positional.add(s);
      }
    }
    return a;
  }

  String get(String name, String def) {
    return options.getOrDefault(name, def);
  }

  boolean has(String name) {
    return options.containsKey(name);
  }

  long getLong(String name, long def) {
    String v = options.get(name);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new CliException(name + " expects a whole number, found '" + v + "'");
    }
  }

  double getDouble(String name, double def) {
    String v = options.get(name);
    if (v == null) {
      return def;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new CliException(name + " expects a number, found '" + v + "'");
    }
  }
}

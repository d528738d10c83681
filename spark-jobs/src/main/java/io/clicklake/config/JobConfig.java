package io.clicklake.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Immutable, typed configuration of a job.
 *
 * <p>Precedence, lowest first: key defaults ({@link Keys}) &lt; a properties file ({@code
 * --config-file}) &lt; Spark conf {@code spark.clicklake.*} &lt; {@code --conf key=value} &lt;
 * dedicated flags ({@code --instance}, {@code --batch-id}, {@code --full-refresh}). Unknown {@code
 * clicklake.*} keys are rejected so a typo never silently falls back to a default.
 */
public final class JobConfig {
  private final Map<String, String> values;
  private final String instance;

  private JobConfig(Map<String, String> values, String instance) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.instance = instance;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses job arguments: {@code [--config-file F] [--conf k=v]... [--instance URI] [--batch-id ID]
   * [--full-refresh]}.
   */
  public static JobConfig fromArgs(String[] args, Map<String, String> sparkConf) {
    Builder b = builder();
    Map<String, String> fromFile = new TreeMap<>();
    Map<String, String> fromConf = new TreeMap<>();
    Map<String, String> fromFlags = new TreeMap<>();
    String instance = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--config-file":
          fromFile.putAll(readProperties(need(args, ++i, a)));
          break;
        case "--conf":
          String kv = need(args, ++i, a);
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new ConfigException("--conf expects key=value, found '" + kv + "'");
          }
          fromConf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
          break;
        case "--instance":
          instance = need(args, ++i, a);
          break;
        case "--batch-id":
          fromFlags.put(Keys.BATCH_ID.name(), need(args, ++i, a));
          break;
        case "--full-refresh":
          fromFlags.put(Keys.FULL_REFRESH.name(), "true");
          break;
        default:
          throw new ConfigException(
              "unknown argument '"
                  + a
                  + "'; expected --config-file, --conf, --instance, --batch-id or --full-refresh");
      }
    }
    b.putAll(fromFile);
    if (sparkConf != null) {
      sparkConf.forEach(
          (k, v) -> {
            if (k.startsWith("spark.clicklake.")) {
              b.set(k.substring("spark.".length()), v);
            }
          });
    }
    b.putAll(fromConf);
    b.putAll(fromFlags);
    if (instance != null) {
      b.instance(instance);
    }
    return b.build();
  }

  private static String need(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new ConfigException(flag + " expects a value, found the end of the arguments");
    }
    return args[i];
  }

  /** Reads a properties file from a local path or any Hadoop filesystem URI. */
  public static Map<String, String> readProperties(String location) {
    Properties p = new Properties();
    try {
      Path path = new Path(location);
      FileSystem fs =
          URI.create(location).getScheme() == null
              ? FileSystem.getLocal(new Configuration())
              : path.getFileSystem(new Configuration());
      try (InputStream in = fs.open(path);
          Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        p.load(r);
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + location + ": " + e.getMessage(), e);
    }
    Map<String, String> m = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
    return m;
  }

  public String get(ConfigKey key) {
    String v = values.get(key.name());
    return v != null ? v : key.defaultValue();
  }

  /** The value, or a {@link ConfigException} naming the key when it is missing or empty. */
  public String require(ConfigKey key) {
    String v = get(key);
    if (v == null || v.isEmpty()) {
      throw new ConfigException("missing required setting " + key.name() + " (" + key.doc() + ")");
    }
    return v;
  }

  public long getLong(ConfigKey key) {
    String v = require(key);
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key.name() + " expects a whole number, found '" + v + "'");
    }
  }

  public int getInt(ConfigKey key) {
    long v = getLong(key);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new ConfigException(key.name() + " expects an int, found " + v);
    }
    return (int) v;
  }

  public boolean getBoolean(ConfigKey key) {
    String v = get(key);
    if (v == null || v.isEmpty()) {
      return false;
    }
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new ConfigException(key.name() + " expects true or false, found '" + v + "'");
  }

  public boolean isSet(ConfigKey key) {
    String v = get(key);
    return v != null && !v.isEmpty();
  }

  /** The landing instance the job works on, or null for jobs that take none. */
  public String instance() {
    return instance;
  }

  public String requireInstance() {
    if (instance == null || instance.isEmpty()) {
      throw new ConfigException("missing --instance <landing instance path>");
    }
    return instance;
  }

  /** Explicitly set values (not defaults), for passing on to another job. */
  public Map<String, String> values() {
    return values;
  }

  /** A copy with more settings on top. */
  public JobConfig with(Map<String, String> more) {
    Builder b = builder().putAll(values).putAll(more);
    if (instance != null) {
      b.instance(instance);
    }
    return b.build();
  }

  public JobConfig withInstance(String newInstance) {
    return builder().putAll(values).instance(newInstance).build();
  }

  /** The effective configuration, sorted, secrets masked: what jobs log at start. */
  public List<String> describe() {
    Map<String, String> eff = new TreeMap<>();
    Keys.all().values().forEach(k -> eff.put(k.name(), get(k)));
    eff.putAll(values);
    List<String> out = new ArrayList<>();
    eff.forEach(
        (k, v) -> {
          ConfigKey key = Keys.all().get(k);
          boolean secret =
              (key != null && key.secret())
                  || k.toLowerCase().contains("password")
                      && !k.endsWith(".file")
                      && !k.endsWith(".env")
                      && !k.endsWith(".alias");
          out.add(k + "=" + (v == null ? "" : secret && !v.isEmpty() ? "******" : v));
        });
    if (instance != null) {
      out.add("instance=" + instance);
    }
    return out;
  }

  @Override
  public String toString() {
    return String.join(", ", describe());
  }

  /** Builder; {@link #build()} validates every clicklake.* key. */
  public static final class Builder {
    private final Map<String, String> values = new TreeMap<>();
    private String instance;

    public Builder set(ConfigKey key, String value) {
      return set(key.name(), value);
    }

    public Builder set(String key, String value) {
      values.put(Objects.requireNonNull(key), value);
      return this;
    }

    public Builder putAll(Map<String, String> m) {
      m.forEach(this::set);
      return this;
    }

    public Builder instance(String i) {
      this.instance = i;
      return this;
    }

    public JobConfig build() {
      for (String k : values.keySet()) {
        if (k.startsWith("clicklake.") && !Keys.all().containsKey(k)) {
          throw new ConfigException(
              "unknown config key '"
                  + k
                  + "'"
                  + suggestion(k)
                  + "; see docs/configuration.md for the keys");
        }
      }
      return new JobConfig(values, instance);
    }

    /** The known key nearest to {@code k}, when at most four edits away. */
    private static String suggestion(String k) {
      LevenshteinDistance nearEnough = new LevenshteinDistance(4); // -1 when further
      String best = null;
      int bestD = Integer.MAX_VALUE;
      for (String known : Keys.all().keySet()) {
        int d = nearEnough.apply(k, known);
        if (d >= 0 && d < bestD) {
          bestD = d;
          best = known;
        }
      }
      return best != null ? " (did you mean '" + best + "'?)" : "";
    }
  }
}

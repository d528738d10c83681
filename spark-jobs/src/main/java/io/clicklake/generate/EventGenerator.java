package io.clicklake.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Writes REES46-shaped event files: about 14 events per user and 4.6 per session; view 96%, cart
 * 2.2%, purchase 1.7%, remove_from_cart the rest; empty category_code ~32%, empty brand ~14%;
 * prices 0–2600. Products fall into {@value #CATEGORIES} categories (the REES46 October file has a
 * few hundred category ids for its 167k products), and the category_code is the category's, so
 * every product of a category has the same code (none for ~32% of them). With a fault rate, that
 * share of rows is replaced by a row that breaks one rule (every reason code in turn), an exact
 * duplicate of an earlier row, or a valid but odd row (upper-case event type, quoted field with a
 * comma, no " UTC", three-decimal price). Deterministic for a seed; the user and product pools
 * depend only on the seed and pool sizes, so files written for several hours share users. Prices of
 * normal rows run from 1.00 to 2600.00 (log-uniform).
 */
public final class EventGenerator {
  /** How many category ids the products share. */
  static final int CATEGORIES = 600;

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  public static final String HEADER =
      "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session";
  private static final String[] CODES = {
    "electronics.smartphone",
    "electronics.audio.headphone",
    "electronics.video.tv",
    "computers.notebook",
    "appliances.kitchen.washer",
    "appliances.environment.vacuum",
    "apparel.shoes",
    "furniture.living_room.sofa",
    "construction.tools.drill",
    "kids.toys",
    "auto.accessories.player",
    "sport.bicycle",
    "accessories.bag"
  };
  private static final String[] BRANDS = {
    "samsung",
    "apple",
    "xiaomi",
    "huawei",
    "lucente",
    "bosch",
    "lg",
    "sony",
    "acer",
    "lenovo",
    "respect",
    "indesit",
    "artel",
    "oppo",
    "cordiant",
    "pulser",
    "elenberg",
    "redmond",
    "philips",
    "atlant"
  };

  /** Settings of one file. */
  public static final class Options {
    long rows = 100_000;
    double faultRate = 0.0;
    long seed = 42;
    LocalDateTime start = LocalDateTime.of(2019, 10, 1, 0, 0);
    int minutes = 60;
    long users = -1;
    long products = -1;

    public Options rows(long v) {
      rows = v;
      return this;
    }

    public Options faultRate(double v) {
      if (v < 0 || v > 1) {
        throw new IllegalArgumentException("fault rate expects 0..1, found " + v);
      }
      faultRate = v;
      return this;
    }

    public Options seed(long v) {
      seed = v;
      return this;
    }

    public Options start(LocalDateTime v) {
      start = v;
      return this;
    }

    public Options minutes(int v) {
      minutes = v;
      return this;
    }

    /**
     * Size of the user pool; default rows/14. Give the same value to files that should share users.
     */
    public Options users(long v) {
      users = v;
      return this;
    }

    public Options products(long v) {
      products = v;
      return this;
    }
  }

  /** Counts of what was written. */
  public static final class Stats {
    public long rows;
    public long faults;
    public long duplicates;
    public long oddButValid;

    @Override
    public String toString() {
      return "rows="
          + rows
          + " faults="
          + faults
          + " duplicates="
          + duplicates
          + " oddButValid="
          + oddButValid;
    }
  }

  private EventGenerator() {}

  public static Stats write(Path file, Options o) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      if (file.getFileName().toString().endsWith(".gz")) {
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
          return write(gz, o);
        }
      }
      return write(out, o);
    }
  }

  public static Stats write(OutputStream out, Options o) throws IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    long users = o.users > 0 ? o.users : Math.max(1, o.rows / 14);
    long products = o.products > 0 ? o.products : Math.max(10, o.rows / 40);
    SplittableRandom rnd = new SplittableRandom(o.seed ^ o.start.hashCode());
    Stats stats = new Stats();
    w.write(HEADER);
    w.write('\n');
    String previous = null;
    long secondsSpan = Math.max(1, o.minutes * 60L);
    int faultKind = 0;
    while (stats.rows < o.rows) {
      long user = 500_000_000L + (long) (Math.pow(rnd.nextDouble(), 1.3) * users);
      String session = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
      long sessionStart = rnd.nextLong(secondsSpan);
      int events = 1 + (int) Math.floor(Math.log(1 - rnd.nextDouble()) / Math.log(1 - 1 / 4.6));
      long t = sessionStart;
      for (int e = 0; e < events && stats.rows < o.rows; e++) {
        t = Math.min(secondsSpan - 1, t + rnd.nextInt(0, 40));
        long product = 1_000_000L + (long) (Math.pow(rnd.nextDouble(), 2) * products);
        String line = row(o.start.plusSeconds(t), eventType(rnd), product, user, session, rnd);
        if (o.faultRate > 0 && rnd.nextDouble() < o.faultRate) {
          int kind = faultKind++ % 13;
          if (kind == 11 && previous != null) {
            line = previous;
            stats.duplicates++;
          } else if (kind == 12 || kind == 11) {
            line = odd(o.start.plusSeconds(t), product, user, session, rnd);
            stats.oddButValid++;
          } else {
            line = fault(kind, line);
            stats.faults++;
          }
        }
        w.write(line);
        w.write('\n');
        previous = line;
        stats.rows++;
      }
    }
    w.flush();
    return stats;
  }

  private static String eventType(SplittableRandom rnd) {
    double p = rnd.nextDouble();
    return p < 0.96 ? "view" : p < 0.982 ? "cart" : p < 0.999 ? "purchase" : "remove_from_cart";
  }

  private static String row(
      LocalDateTime time,
      String type,
      long product,
      long user,
      String session,
      SplittableRandom ignored) {
    // product attributes are a pure function of the product id, so every file agrees on them
    SplittableRandom p = new SplittableRandom(product * 0x9E3779B97F4A7C15L);
    // the category and its code are a pure function of the category's index, distinct ids for
    // distinct indexes
    int index = p.nextInt(CATEGORIES);
    SplittableRandom c = new SplittableRandom((index + 1) * 0xC2B2AE3D27D4EB4FL);
    long category = 2_053_013_552_000_000_000L + index * 1_000_000L + c.nextLong(1_000_000L);
    String code = c.nextDouble() < 0.32 ? "" : CODES[c.nextInt(CODES.length)];
    String brand = p.nextDouble() < 0.14 ? "" : BRANDS[p.nextInt(BRANDS.length)];
    double base = Math.min(2600.0, Math.exp(p.nextDouble() * Math.log(2600.0)));
    String price = String.format(Locale.ROOT, "%.2f", base);
    return TIME.format(time)
        + " UTC,"
        + type
        + ","
        + product
        + ","
        + category
        + ","
        + code
        + ","
        + brand
        + ","
        + price
        + ","
        + user
        + ","
        + session;
  }

  /** Breaks one rule; kinds 0..10 cover every reason code (some twice, different ways). */
  private static String fault(int kind, String line) {
    String[] f = line.split(",", -1);
    switch (kind) {
      case 0:
        return line + ",extra"; // malformed_row: 10 fields
      case 1:
        f[4] = "\"" + f[4]; // malformed_row: unbalanced quote
        break;
      case 2:
        f[0] = "2019-02-30 10:00:00 UTC"; // bad_event_time: no such day
        break;
      case 3:
        f[0] = f[0].replace(' ', 'T'); // bad_event_time: wrong format
        break;
      case 4:
        f[1] = "click"; // bad_event_type
        break;
      case 5:
        f[2] = "-" + f[2]; // bad_product_id
        break;
      case 6:
        f[3] = "cat" + f[3]; // bad_category_id
        break;
      case 7:
        f[6] = "-" + f[6]; // bad_price
        break;
      case 8:
        f[6] = "1e3"; // bad_price
        break;
      case 9:
        f[7] = ""; // bad_user_id
        break;
      default:
        f[8] = ""; // missing_session
        break;
    }
    return String.join(",", f);
  }

  /** Valid but unusual: upper-case type, quoted comma, no " UTC", three-decimal price. */
  private static String odd(
      LocalDateTime time, long product, long user, String session, SplittableRandom rnd) {
    return TIME.format(time)
        + ",VIEW,"
        + product
        + ",2053013552326770905,\"computers,notebook\",\"Acme, Inc\","
        + (rnd.nextInt(2600) + "." + String.format(Locale.ROOT, "%03d", rnd.nextInt(1000)))
        + ","
        + user
        + ","
        + session;
  }

  /**
   * {@code generate --rows N [--faults F] [--seed S] [--start 2019-10-01T00:00] [--minutes M]
   * [--users U] --out FILE}.
   */
  public static void main(String[] args) throws IOException {
    Options o = new Options();
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--rows":
          o.rows(Long.parseLong(v));
          i++;
          break;
        case "--faults":
          o.faultRate(Double.parseDouble(v));
          i++;
          break;
        case "--seed":
          o.seed(Long.parseLong(v));
          i++;
          break;
        case "--start":
          o.start(LocalDateTime.parse(v));
          i++;
          break;
        case "--minutes":
          o.minutes(Integer.parseInt(v));
          i++;
          break;
        case "--users":
          o.users(Long.parseLong(v));
          i++;
          break;
        case "--out":
          out = Path.of(v);
          i++;
          break;
        default:
          throw new IllegalArgumentException(
              "unknown argument "
                  + a
                  + "; expected --rows, --faults, --seed, --start, --minutes, --users, --out");
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("--out FILE is required (.csv or .csv.gz)");
    }
    System.out.println(out + ": " + write(out, o));
  }
}

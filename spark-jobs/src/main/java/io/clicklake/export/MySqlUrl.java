package io.clicklake.export;

import io.clicklake.config.ConfigException;
import io.clicklake.config.Keys;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MySQL or MariaDB JDBC URL ({@code jdbc:mysql://host[:port]/database[?options]}, also {@code
 * jdbc:mariadb:} and sub-protocols such as {@code jdbc:mysql:loadbalance:}), taken apart into what
 * the pipeline needs: the first host and its port (3306 when none), and the database. The one
 * parser of such URLs in every module.
 */
public final class MySqlUrl {
  public static final int DEFAULT_PORT = 3306;
  private static final Pattern URL =
      Pattern.compile("^jdbc:(?:mysql|mariadb)(?::[a-z]+)*://([^/?#]*)(?:/([^?#]*))?");

  public final String url;
  public final String host;
  public final int port;

  /** The database the URL names; empty when it names none. */
  public final String database;

  private MySqlUrl(String url, String host, int port, String database) {
    this.url = url;
    this.host = host;
    this.port = port;
    this.database = database;
  }

  /**
   * Takes a URL apart.
   *
   * @throws ConfigException when it is not a MySQL JDBC URL, or carries credentials before the host
   */
  public static MySqlUrl parse(String url) {
    Matcher m = url == null ? null : URL.matcher(url);
    if (m == null || !m.find()) {
      throw new ConfigException(
          Keys.MYSQL_URL.name()
              + " expects jdbc:mysql://host[:port]/database[?options], found '"
              + url
              + "'");
    }
    String authority = m.group(1);
    if (authority.contains("@")) {
      throw new ConfigException(
          Keys.MYSQL_URL.name()
              + " must not carry credentials before the host; set "
              + Keys.MYSQL_USER.name()
              + " and a password source");
    }
    String database = m.group(2) == null ? "" : m.group(2);
    String first = authority.split(",")[0].trim();
    if (first.isEmpty()) {
      return new MySqlUrl(url, "localhost", DEFAULT_PORT, database);
    }
    String host;
    String port;
    if (first.startsWith("[")) { // [ipv6]:port
      int close = first.indexOf(']');
      host = first.substring(1, close);
      String rest = first.substring(close + 1);
      port = rest.startsWith(":") ? rest.substring(1) : "";
    } else {
      int colon = first.lastIndexOf(':');
      host = colon < 0 ? first : first.substring(0, colon);
      port = colon < 0 ? "" : first.substring(colon + 1);
    }
    try {
      return new MySqlUrl(
          url, host, port.isEmpty() ? DEFAULT_PORT : Integer.parseInt(port), database);
    } catch (NumberFormatException e) {
      throw new ConfigException(
          Keys.MYSQL_URL.name()
              + " names port '"
              + port
              + "', which is not a number, in '"
              + url
              + "'");
    }
  }

  /** The URL as it may be printed: a password given in it is masked. */
  public static String masked(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  /** host:port, for messages. */
  public String where() {
    return host + ":" + port;
  }

  @Override
  public String toString() {
    return masked(url);
  }
}

package io.clicklake.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.ConfigException;
import org.junit.jupiter.api.Test;

class MySqlUrlTest {

  @Test
  void hostPortAndDatabaseOfTheUrlsThePipelineMeets() {
    assertParsed(
        "jdbc:mysql://db.example:3307/clickstream?sslMode=DISABLED",
        "db.example",
        3307,
        "clickstream");
    assertParsed("jdbc:mysql://db/clickstream", "db", 3306, "clickstream");
    assertParsed("jdbc:mariadb://127.0.0.1:3306/x", "127.0.0.1", 3306, "x");
    assertParsed("jdbc:mysql:loadbalance://a:3310,b:3311/lb", "a", 3310, "lb");
    assertParsed("jdbc:mysql://[::1]:3308/v6", "::1", 3308, "v6");
    assertParsed("jdbc:mysql://[::1]/v6", "::1", 3306, "v6");
    assertParsed("jdbc:mysql:///local", "localhost", 3306, "local");
    assertParsed("jdbc:mysql://h:1?createDatabaseIfNotExist=true", "h", 1, "");
    assertParsed("jdbc:mysql://h:1/", "h", 1, "");
  }

  @Test
  void anythingElseIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> MySqlUrl.parse("jdbc:postgresql://h/db"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "clicklake.mysql.url expects jdbc:mysql://host[:port]/database[?options],"
                + " found 'jdbc:postgresql://h/db'");
    assertThatThrownBy(() -> MySqlUrl.parse("db:3306/x"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expects jdbc:mysql://");
    assertThatThrownBy(() -> MySqlUrl.parse("jdbc:mysql://u:secret@h/db"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must not carry credentials before the host")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> MySqlUrl.parse("jdbc:mysql://h:port/db"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("names port 'port', which is not a number");
  }

  @Test
  void printedFormsMaskThePasswordAndDropTheOptions() {
    assertThat(MySqlUrl.masked("jdbc:mysql://h/db?user=u&password=secret&sslMode=DISABLED"))
        .isEqualTo("jdbc:mysql://h/db?user=u&password=***&sslMode=DISABLED");
    MySqlUrl u = MySqlUrl.parse("jdbc:mysql://h:3307/db?Password=secret");
    assertThat(u.toString()).isEqualTo("jdbc:mysql://h:3307/db?Password=***");
    assertThat(u.where()).isEqualTo("h:3307");
  }

  private static void assertParsed(String url, String host, int port, String database) {
    MySqlUrl u = MySqlUrl.parse(url);
    assertThat(u.host + "|" + u.port + "|" + u.database)
        .as(url)
        .isEqualTo(host + "|" + port + "|" + database);
  }
}

package io.clicklake.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration: every key documented, precedence as written, typos caught, secrets masked. */
class KeysDocTest {
  @Test
  void everyKeyIsDocumented() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    assertThat(Keys.all().keySet())
        .allSatisfy(
            k ->
                assertThat(doc).as("docs/configuration.md mentions %s", k).contains("`" + k + "`"));
  }

  @Test
  void precedenceAndValidation() {
    JobConfig c =
        JobConfig.fromArgs(
            new String[] {
              "--conf", "clicklake.namespace=from_conf", "--batch-id", "b1", "--instance", "/x"
            },
            Map.of(
                "spark.clicklake.namespace", "from_spark", "spark.clicklake.catalog.name", "cat"));
    assertThat(c.get(Keys.NAMESPACE)).as("--conf beats spark conf").isEqualTo("from_conf");
    assertThat(c.get(Keys.CATALOG_NAME)).as("spark conf beats defaults").isEqualTo("cat");
    assertThat(c.get(Keys.BATCH_ID)).isEqualTo("b1");
    assertThat(c.get(Keys.DONE_FLAG)).isEqualTo("_READY");
    assertThatThrownBy(
            () -> JobConfig.fromArgs(new String[] {"--conf", "clicklake.done-flg=_X"}, Map.of()))
        .hasMessageContaining(
            "unknown config key 'clicklake.done-flg' (did you mean 'clicklake.done-flag'?)");
    assertThatThrownBy(
            () ->
                JobConfig.builder().set(Keys.SPLIT_BYTES, "lots").build().getLong(Keys.SPLIT_BYTES))
        .hasMessageContaining("clicklake.clean.split-bytes expects a whole number, found 'lots'");
    JobConfig secret = JobConfig.builder().set(Keys.MYSQL_PASSWORD, "s3cr3t-value").build();
    assertThat(secret.describe())
        .noneMatch(l -> l.contains("s3cr3t-value"))
        .contains("clicklake.mysql.password=******");
    assertThat(secret.toString()).doesNotContain("s3cr3t-value");
  }
}

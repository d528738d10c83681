package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.ConfigException;
import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import io.clicklake.testing.LakehouseTestBase;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Maintenance compacts, expires and removes orphans by the age settings, never changes what a query
 * returns, and computes its cutoffs as instants: a JVM running in a time zone 14 hours ahead of UTC
 * expires nothing younger than the configured age.
 */
class MaintainTablesJobTest extends LakehouseTestBase {
  private static final String TABLE = TableNames.DIM_BRAND;
  private TimeZone jvmZone;

  @BeforeEach
  void farFromUtc() {
    jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati")); // UTC+14
  }

  @AfterEach
  void restoreZone() {
    TimeZone.setDefault(jvmZone);
  }

  private static JobConfig maintain(Env env, int expireHours, int orphanHours) {
    return env.config()
        .with(
            Map.of(
                Keys.MAINT_TABLES.name(),
                TABLE,
                Keys.MAINT_SNAPSHOT_AGE_HOURS.name(),
                String.valueOf(expireHours),
                Keys.MAINT_ORPHAN_AGE_HOURS.name(),
                String.valueOf(orphanHours),
                Keys.MAINT_RETAIN_LAST.name(),
                "1"));
  }

  @Test
  void compactsAndKeepsWhatIsYoungerThanTheAgesThenExpiresAndRemovesOrphansOnceOldEnough()
      throws IOException {
    Env env = newEnv("maintain");
    Lake lake = Lake.configure(spark, env.config());
    lake.ensure(spark, List.of(TABLE));
    for (String brand : List.of("acer", "bosch", "canon")) {
      spark.sql(
          "insert into " + env.table(TABLE) + " select xxhash64('" + brand + "'), '" + brand + "'");
    }
    List<String> before =
        rows("select brand_key, brand from " + env.table(TABLE) + " order by brand");
    Path orphan =
        new Path(
            lake.iceberg(spark, TABLE).location() + "/data/orphan-from-a-failed-write.parquet");
    write(orphan, "not referenced by any snapshot");

    MaintainTablesJob.Result young = new MaintainTablesJob().run(spark, maintain(env, 1, 1));

    assertThat(young.perTable).as("only the configured table").containsOnlyKeys(TABLE);
    assertThat(young.total("rewritten_data_files"))
        .as("three one-row files compacted")
        .isEqualTo(3);
    assertThat(young.total("added_data_files")).as("into one").isEqualTo(1);
    assertThat(young.total("expired_data_files"))
        .as("every snapshot is younger than 1 h, whatever the JVM's zone")
        .isZero();
    assertThat(young.total("orphan_files")).as("the orphan is younger than 1 h").isZero();
    assertThat(fs.exists(orphan)).as("young orphan kept").isTrue();
    Table table = lake.iceberg(spark, TABLE);
    assertThat(table.snapshots())
        .as("no snapshot expired: 3 appends and the compaction at least")
        .hasSizeGreaterThanOrEqualTo(4);
    assertThat(rows("select brand_key, brand from " + env.table(TABLE) + " order by brand"))
        .as("rows unchanged")
        .isEqualTo(before);

    MaintainTablesJob.Result old = new MaintainTablesJob().run(spark, maintain(env, 0, 0));

    assertThat(old.total("expired_data_files"))
        .as("the three compacted files go with their snapshots")
        .isEqualTo(3);
    assertThat(old.total("orphan_files")).as("the orphan").isEqualTo(1);
    assertThat(fs.exists(orphan)).as("orphan removed").isFalse();
    assertThat(lake.iceberg(spark, TABLE).snapshots()).as("retain-last 1").hasSize(1);
    assertThat(rows("select brand_key, brand from " + env.table(TABLE) + " order by brand"))
        .as("rows unchanged")
        .isEqualTo(before);
  }

  @Test
  void anUnknownTableNameFailsNamingTheKnownOnes() {
    Env env = newEnv("maintain_unknown");
    JobConfig config = env.config().with(Map.of(Keys.MAINT_TABLES.name(), "events,mart_nothing"));
    assertThatThrownBy(() -> new MaintainTablesJob().run(spark, config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("clicklake.maintain.tables expects names from")
        .hasMessageContaining("found 'mart_nothing'");
  }
}

package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import io.clicklake.table.BatchLedger;
import io.clicklake.table.BatchRecord;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import io.clicklake.testing.LakehouseTestBase;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * The purge touches only what is its own: the files its batch recorded, under the configured roots,
 * and only the instance the batch was staged from. Batches are recorded by hand (export done), so
 * no MySQL is needed.
 */
class PurgeStagingJobTest extends LakehouseTestBase {
  /**
   * A batch whose export is done, staged from {@code instance}, with one recorded staged file and
   * one stray one.
   */
  static JobConfig exported(Env env, Path instance) throws IOException {
    JobConfig cfg = env.config(instance.toString());
    Lake lake = Lake.configure(spark, cfg);
    lake.ensure(spark, TableNames.INGEST);
    Path staging = new Path(env.staging, "2019-10-01-00");
    write(new Path(staging, "a.csv"), "x");
    write(new Path(staging, "stray.csv"), "not the batch's");
    spark.sql(
        "insert into "
            + env.table(TableNames.BATCH_FILES)
            + " values ('2019-10-01-00', 'a.csv', 0, 1, 's', 'loaded', null, 0, 0, 0, 0)");
    new BatchLedger(spark, lake)
        .update(
            "2019-10-01-00",
            BatchRecord.Stage.EXPORT,
            BatchRecord.changes()
                .set("instance_path", instance.toString())
                .set("staging_path", staging.toString())
                .set("status", "running")
                .done(BatchRecord.Stage.STAGE)
                .done(BatchRecord.Stage.CLEAN)
                .done(BatchRecord.Stage.MARTS)
                .done(BatchRecord.Stage.EXPORT));
    return cfg;
  }

  @Test
  void deletesExactlyTheRecordedFilesAndKeepsTheRest() throws IOException {
    Env env = newEnv("purge_own");
    Path inst = env.instance("2019/10/01/00", true);
    PurgeStagingJob.Result r = new PurgeStagingJob().run(spark, exported(env, inst));
    Path staging = new Path(env.staging, "2019-10-01-00");
    assertThat(r.purgedFiles).as("only the recorded file").isEqualTo(1);
    assertThat(fs.exists(new Path(staging, "a.csv"))).isFalse();
    assertThat(fs.exists(new Path(staging, "stray.csv")))
        .as("a file the batch did not record stays")
        .isTrue();
    assertThat(fs.exists(inst)).as("the instance held only its done-flag: removed").isFalse();
    assertThat(rows("select purge_status, purged_files, status from " + env.table("batches")))
        .containsExactly("done|1|succeeded");
  }

  @Test
  void refusesAnInstanceOtherThanTheRecordedOneAndAnyPathOutsideTheRoots() throws IOException {
    Env env = newEnv("purge_refuses");
    Path inst = env.instance("2019/10/01/00", true);
    JobConfig cfg = exported(env, inst);
    Path other = env.instance("2019/10/01/01", true, "keep.csv", "mine");
    assertThatThrownBy(
            () ->
                new PurgeStagingJob()
                    .run(
                        spark,
                        cfg.withInstance(other.toString())
                            .with(Map.of(Keys.BATCH_ID.name(), "2019-10-01-00"))))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(
            "batch 2019-10-01-00 was staged from " + inst + ", not from the --instance given");
    assertThat(fs.exists(new Path(other, "keep.csv"))).isTrue();

    // a record that points outside the landing root (edited by hand, or another root configured
    // since)
    Path outside = new Path(env.root, "elsewhere/2019/10/01/00");
    fs.mkdirs(outside);
    write(new Path(outside, "precious.csv"), "do not delete");
    Lake lake = Lake.configure(spark, cfg);
    new BatchLedger(spark, lake)
        .update(
            "2019-10-01-00",
            BatchRecord.Stage.PURGE,
            BatchRecord.changes().set("instance_path", outside.toString()));
    assertThatThrownBy(
            () ->
                new PurgeStagingJob()
                    .run(spark, env.config().with(Map.of(Keys.BATCH_ID.name(), "2019-10-01-00"))))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("refusing to purge the landing instance")
        .hasMessageContaining("it lies outside clicklake.landing.root");
    assertThat(fs.exists(new Path(outside, "precious.csv"))).isTrue();
    assertThat(fs.exists(new Path(new Path(env.staging, "2019-10-01-00"), "a.csv")))
        .as("nothing was deleted")
        .isTrue();
  }
}

package io.clicklake.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clicklake.config.JobConfig;
import io.clicklake.io.StagingArea;
import io.clicklake.testing.LakehouseTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * What staging guarantees (README "stage", data contract section 1 and docs/data-contract.md): only
 * a complete instance is touched; its data files move by rename into {@code staging/<batch-id>/}
 * and the batch is registered; a rerun changes nothing; files that land before the batch's clean
 * begins join it, files that land after form follow-up batch {@code <batch-id>.<n>}.
 */
class StageLandingJobTest extends LakehouseTestBase {
  private static final String CSV =
      PoisonInputTest.HEADER + "2019-10-01 00:00:00 UTC,view,1,,,,1.00,1,s\n";
  private static final String BATCH = "2019-10-01-00";

  private static StageLandingJob.Result stage(JobConfig config) {
    return new StageLandingJob().run(spark, config);
  }

  private static List<String> names(Path dir) throws IOException {
    return Arrays.stream(fs.listStatus(dir))
        .map(s -> s.getPath().getName())
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  void anInstanceWithoutItsDoneFlagIsNotTouched() throws IOException {
    Env env = newEnv("no_flag");
    Path inst = env.instance("2019/10/01/00", false, "a.csv", CSV);
    assertThatThrownBy(() -> stage(env.config(inst.toString())))
        .isInstanceOf(InputException.class)
        .hasMessage(
            "landing instance "
                + inst
                + " has no done-flag _READY; it is not complete and was not touched");
    assertThat(names(inst)).as("instance left as landed").containsExactly("a.csv");
    assertThat(fs.exists(env.staging)).as("nothing staged").isFalse();
  }

  @Test
  void registersTheBatchMovesItsDataFilesByRenameAndARerunChangesNothing() throws IOException {
    Env env = newEnv("staged");
    Path inst =
        env.instance(
            "2019/10/01/00",
            true,
            "a.csv",
            CSV,
            "b.csv.gz",
            CSV,
            "_notes",
            "kept",
            ".hidden",
            "kept",
            "c.csv._COPYING_",
            "still being written");
    long landedAt = fs.getFileStatus(new Path(inst, "a.csv")).getModificationTime();
    JobConfig cfg = env.config(inst.toString());
    Path staging = new Path(env.staging, BATCH);

    StageLandingJob.Result r = stage(cfg);

    assertThat(List.of(r.batchId, r.stagingPath, r.filesMoved, r.filesStaged))
        .containsExactly(BATCH, staging.toString(), 2, 2);
    assertThat(names(staging)).as("staged files").containsExactly("a.csv", "b.csv.gz");
    assertThat(fs.getFileStatus(new Path(staging, "a.csv")).getModificationTime())
        .as("moved by rename, not copied")
        .isEqualTo(landedAt);
    assertThat(
            new String(fs.open(new Path(staging, "a.csv")).readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo(CSV);
    assertThat(names(inst))
        .as("what staging leaves in the instance")
        .containsExactly(".hidden", "_READY", "_notes", "c.csv._COPYING_");
    String ledger =
        "select batch_id, instance_path, staging_path, files_total, stage_status, status,"
            + " clean_status from "
            + env.table("batches");
    assertThat(rows(ledger))
        .as("registered batch")
        .containsExactly(BATCH + "|" + inst + "|" + staging + "|2|done|running|<null>");

    List<String> before = rows("select * from " + env.table("batches"));
    StageLandingJob.Result again = stage(cfg);
    assertThat(List.of(again.batchId, again.filesMoved, again.filesStaged))
        .as("rerun")
        .containsExactly(BATCH, 0, 2);
    assertThat(rows("select * from " + env.table("batches")))
        .as("batch record after the rerun")
        .isEqualTo(before);
    assertThat(names(staging)).containsExactly("a.csv", "b.csv.gz");
  }

  @Test
  void filesLandingBeforeTheCleanJoinTheBatchAndFilesLandingAfterFormAFollowUpBatch()
      throws IOException {
    Env env = newEnv("follow_up");
    Path inst = env.instance("2019/10/01/00", true, "a.csv", CSV);
    JobConfig cfg = env.config(inst.toString());
    stage(cfg);

    write(new Path(inst, "b.csv"), CSV);
    StageLandingJob.Result late = stage(cfg);
    assertThat(List.of(late.batchId, late.filesMoved, late.filesStaged))
        .as("before the clean")
        .containsExactly(BATCH, 1, 2);

    // the clean's first step
    StagingArea.seal(spark.sparkContext().hadoopConfiguration(), new Path(env.staging, BATCH));
    write(new Path(inst, "c.csv"), CSV);
    fs.create(new Path(inst, StagingArea.FOLLOW_UP), true).close();
    StageLandingJob.Result followUp = stage(cfg);

    assertThat(List.of(followUp.batchId, followUp.filesMoved, followUp.filesStaged))
        .as("after the clean began")
        .containsExactly(BATCH + ".2", 1, 1);
    assertThat(names(new Path(env.staging, BATCH + ".2"))).containsExactly("c.csv");
    assertThat(names(new Path(env.staging, BATCH)))
        .as("the sealed batch keeps its files")
        .containsExactly("_CLEAN_STARTED", "a.csv", "b.csv");
    assertThat(fs.exists(new Path(inst, StagingArea.FOLLOW_UP)))
        .as("staging consumes the follow-up marker")
        .isFalse();
    String ledger =
        "select batch_id, instance_path, files_total, stage_status from " + env.table("batches");
    assertThat(rows(ledger + " order by batch_id"))
        .containsExactly(BATCH + "|" + inst + "|2|done", BATCH + ".2|" + inst + "|1|done");

    StageLandingJob.Result again = stage(cfg);
    assertThat(List.of(again.batchId, again.filesMoved, again.filesStaged))
        .as("rerun")
        .containsExactly(BATCH + ".2", 0, 1);
  }

  @Test
  void aSecondCopyOfAStagedFileStopsTheJobAndStaysInTheInstance() throws IOException {
    Env env = newEnv("second_copy");
    Path inst = env.instance("2019/10/01/00", true, "a.csv", CSV);
    JobConfig cfg = env.config(inst.toString());
    stage(cfg);
    write(new Path(inst, "a.csv"), CSV);

    assertThatThrownBy(() -> stage(cfg))
        .isInstanceOf(InputException.class)
        .hasMessage(
            "file a.csv is already staged for batch "
                + BATCH
                + " at "
                + new Path(env.staging, BATCH + "/a.csv")
                + "; a second copy landed in "
                + inst
                + ". Remove one of them and rerun.");
    assertThat(names(inst)).containsExactly("_READY", "a.csv");
  }
}

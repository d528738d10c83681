package io.clicklake.oozie;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/deploy-oozie on an app directory laid out like the assembly, with a stand-in for the hdfs
 * command.
 */
class DeployScriptTest {

  @TempDir Path tmp;
  private Path appDir;

  @BeforeEach
  void layOutAnAppDirectory() throws IOException {
    appDir = tmp.resolve("clicklake-oozie-test-app");
    for (String app : OozieApps.APPS) {
      Path dir = Files.createDirectories(appDir.resolve(app));
      try (var files = Files.list(OozieApps.app(app))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
    Files.createDirectories(appDir.resolve("lib"));
    Files.writeString(appDir.resolve("lib/clicklake-spark-jobs.jar"), "jar");
  }

  private record Result(int exitCode, String output) {}

  private Result run(Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                System.getProperty(
                    "clicklake.deploy.script", Paths.get("..", "bin", "deploy-oozie").toString())));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("deploy-oozie finished").isTrue();
    return new Result(process.exitValue(), output);
  }

  @Test
  void dryRunPrintsTheUploadAndTheSubmitCommandAndRunsNoHdfs() throws Exception {
    Path log = tmp.resolve("hdfs.log");
    Result result =
        run(
            Map.of("HDFS_CMD", stubHdfs(log).toString()),
            "--app-dir",
            appDir.toString(),
            "--dry-run",
            "--oozie",
            "http://oozie.example.com:11000/oozie");

    assertThat(result.exitCode()).as(result.output()).isZero();
    String target = "hdfs://namenode.example.com:8020/user/etl/apps/clicklake";
    assertThat(result.output())
        .as("dry-run output")
        .contains("HDFS target:   " + target)
        .contains(target + "/ingest/workflow.xml")
        .contains(target + "/lib/clicklake-spark-jobs.jar")
        .contains("dfs -put -f " + appDir + "/ingest")
        .contains(
            "oozie job -oozie http://oozie.example.com:11000/oozie -config "
                + appDir
                + "/bundle/job.properties -run");
    assertThat(log).as("hdfs must not be called on a dry run").doesNotExist();
  }

  @Test
  void deployUploadsBesideTheTargetAndSwapsItIn() throws Exception {
    Path log = tmp.resolve("hdfs.log");
    Result result =
        run(
            Map.of("HDFS_CMD", stubHdfs(log).toString()),
            "--app-dir",
            appDir.toString(),
            "--target",
            "hdfs://nn:8020/apps/clicklake",
            "--app",
            "ingest");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(Files.readAllLines(log))
        .as("hdfs commands, in order")
        .containsExactly(
            "dfs -rm -r -f -skipTrash hdfs://nn:8020/apps/clicklake.deploying",
            "dfs -mkdir -p hdfs://nn:8020/apps/clicklake.deploying",
            "dfs -put -f "
                + appDir
                + "/ingest "
                + appDir
                + "/maintenance "
                + appDir
                + "/bundle "
                + appDir
                + "/lib hdfs://nn:8020/apps/clicklake.deploying/",
            "dfs -rm -r -f -skipTrash hdfs://nn:8020/apps/clicklake.previous",
            "dfs -mkdir -p hdfs://nn:8020/apps",
            "dfs -test -d hdfs://nn:8020/apps/clicklake",
            "dfs -mv hdfs://nn:8020/apps/clicklake hdfs://nn:8020/apps/clicklake.previous",
            "dfs -mv hdfs://nn:8020/apps/clicklake.deploying hdfs://nn:8020/apps/clicklake",
            "dfs -rm -r -f -skipTrash hdfs://nn:8020/apps/clicklake.previous");
    assertThat(result.output()).contains("-config " + appDir + "/ingest/job.properties -run");
  }

  @Test
  void refusesAnAppDirectoryWithoutTheClusterJar() throws Exception {
    Files.delete(appDir.resolve("lib/clicklake-spark-jobs.jar"));
    Result result = run(Map.of(), "--app-dir", appDir.toString(), "--dry-run");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("clicklake-spark-jobs.jar is missing");
  }

  /** An hdfs command that logs its arguments; {@code -test -d} answers "exists". */
  private Path stubHdfs(Path log) throws IOException {
    Path stub = tmp.resolve("hdfs");
    Files.writeString(stub, "#!/usr/bin/env bash\necho \"$*\" >> '" + log + "'\nexit 0\n");
    stub.toFile().setExecutable(true);
    return stub;
  }
}

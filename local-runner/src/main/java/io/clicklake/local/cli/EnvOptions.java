package io.clicklake.local.cli;

import io.clicklake.local.Console;
import io.clicklake.local.LocalEnv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every command but {@code generate} shares: where the embedded defaults live and what
 * replaces them. Precedence, lowest first: embedded defaults &lt; {@code --config} &lt; {@code
 * --conf} &lt; the dedicated options.
 */
final class EnvOptions {
  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description = "working directory (default ./work; demo: ./work/demo, bench: ./work/bench)")
  String workdir;

  @Option(
      names = "--landing",
      paramLabel = "DIR|URI",
      description = "landing root, clicklake.landing.root (default <workdir>/landing)")
  String landing;

  @Option(
      names = "--warehouse",
      paramLabel = "URI",
      description =
          "Iceberg warehouse, clicklake.catalog.warehouse (default file://<workdir>/warehouse)")
  String warehouse;

  @Option(
      names = "--mysql-url",
      paramLabel = "URL",
      description = "use this MySQL 8 / MariaDB instead of the embedded one, clicklake.mysql.url")
  String mysqlUrl;

  @Option(
      names = "--mysql-user",
      paramLabel = "U",
      description = "MySQL user (or env CLICKLAKE_MYSQL_USER; default root)")
  String mysqlUser;

  @Option(
      names = "--mysql-password",
      paramLabel = "P",
      description = "MySQL password, kept in memory only (better: env CLICKLAKE_MYSQL_PASSWORD)")
  String mysqlPassword;

  @Option(
      names = "--mysql-port",
      paramLabel = "N",
      defaultValue = "3307",
      description = "port of the embedded MariaDB (default ${DEFAULT-VALUE})")
  int mysqlPort;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "properties file of clicklake.* keys (docs/configuration.md)")
  String configFile;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "one clicklake.* setting (repeatable)")
  List<String> conf = new ArrayList<>();

  @Option(
      names = "--hdfs",
      description =
          "start a MiniDFSCluster (data in <workdir>/hdfs) holding landing, staging and warehouse")
  boolean hdfs;

  @Option(names = "--verbose", description = "show Spark and Hadoop logs, and stack traces")
  boolean verbose;

  /**
   * The environment these options describe; {@code defaultWorkdir} applies without {@code
   * --workdir}.
   */
  LocalEnv open(String defaultWorkdir, Console console) {
    return LocalEnv.open(settings(defaultWorkdir), console);
  }

  LocalEnv open(Console console) {
    return open("work", console);
  }

  LocalEnv.Settings settings(String defaultWorkdir) {
    return new LocalEnv.Settings(
        Path.of(workdir == null ? defaultWorkdir : workdir),
        landing,
        warehouse,
        mysqlUrl,
        mysqlUser,
        mysqlPassword,
        mysqlPort,
        configFile,
        List.copyOf(conf),
        hdfs,
        verbose);
  }
}

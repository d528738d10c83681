package io.clicklake.oozie;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.security.authorize.ProxyUsers;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.oozie.client.OozieClient;
import org.apache.oozie.local.LocalOozie;
import org.apache.oozie.util.ClasspathUtils;

/**
 * A real Oozie engine in this JVM: LocalOozie (the server's services, an in-memory HSQLDB) over a
 * MiniDFSCluster and a MiniYARNCluster that runs the actions' launchers. Started once per test
 * class; it takes about 20 s.
 */
final class LocalOozieCluster implements AutoCloseable {

  /**
   * Services that need a deployed server (sharelib on HDFS, log streaming, spark-defaults, DB
   * schema checks).
   */
  private static final List<String> UNUSED_SERVICES =
      List.of(
          "org.apache.oozie.service.ShareLibService",
          "org.apache.oozie.service.XLogStreamingService",
          "org.apache.oozie.service.JvmPauseMonitorService",
          "org.apache.oozie.service.SparkConfigurationService",
          "org.apache.oozie.service.SchemaCheckerService");

  final String user = System.getProperty("user.name");
  private final MiniDFSCluster dfs;
  private final MiniYARNCluster yarn;
  final Configuration clusterConf;

  LocalOozieCluster(Path base) throws Exception {
    System.setProperty("hadoop.log.dir", base.resolve("logs").toString());
    Configuration conf = new Configuration();
    conf.set("hadoop.proxyuser." + user + ".hosts", "*");
    conf.set("hadoop.proxyuser." + user + ".groups", "*");
    conf.setBoolean("dfs.permissions.enabled", false);
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    dfs =
        new MiniDFSCluster.Builder(conf, base.resolve("dfs").toFile())
            .numDataNodes(1)
            .nameNodePort(0)
            .build();
    dfs.waitActive();
    conf.set("fs.defaultFS", dfs.getFileSystem().getUri().toString());
    ProxyUsers.refreshSuperUserGroupsConfiguration(conf);

    YarnConfiguration yarnConf = new YarnConfiguration(conf);
    yarnConf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    yarnConf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    yarnConf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    yarnConf.setInt(YarnConfiguration.NM_PMEM_MB, 4096);
    yarnConf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
    yarnConf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0");
    yarn = new MiniYARNCluster("clicklake-oozie", 1, 1, 1);
    yarn.init(yarnConf);
    yarn.start();
    clusterConf = new Configuration(yarn.getConfig());

    // The launcher containers get this JVM's classpath (Oozie's own tests do the same):
    // RecordingMain is on it.
    ClasspathUtils.setUsingMiniYarnCluster(true);

    Map<String, String> site = new HashMap<>();
    site.put("oozie.services", defaultServicesWithout(UNUSED_SERVICES));
    site.put("oozie.service.JPAService.jdbc.driver", "org.hsqldb.jdbcDriver");
    site.put("oozie.service.JPAService.jdbc.url", "jdbc:hsqldb:mem:oozie-" + UUID.randomUUID());
    site.put("oozie.service.JPAService.jdbc.username", "sa");
    site.put("oozie.service.JPAService.jdbc.password", "");
    site.put("oozie.service.JPAService.create.db.schema", "true");
    site.put("oozie.service.CallableQueueService.queue.awaitTermination.timeout.seconds", "1");
    // Short intervals so that a done-flag is seen within seconds rather than minutes.
    site.put("oozie.service.coord.input.check.requeue.interval", "1000");
    site.put("oozie.service.coord.input.check.requeue.interval.additional.delay", "0");
    site.put("oozie.service.CoordMaterializeTriggerService.lookup.interval", "2");
    site.put("oozie.service.CoordMaterializeTriggerService.scheduling.interval", "1");
    site.put("oozie.service.StatusTransitService.statusTransit.interval", "2");
    site.put("oozie.service.PauseTransitService.PauseTransit.interval", "2");
    site.put("oozie.service.ActionCheckerService.action.check.interval", "2");
    site.put("oozie.service.ActionCheckerService.action.check.delay", "2");
    site.put("oozie.service.coord.check.maximum.frequency", "false");
    site.put("oozie.service.HadoopAccessorService.supported.filesystems", "*");
    site.put("oozie.launcher.default.memory.mb", "512");
    site.put("oozie.service.ProxyUserService.proxyuser." + user + ".hosts", "*");
    site.put("oozie.service.ProxyUserService.proxyuser." + user + ".groups", "*");
    OozieHome.create(base.resolve("oozie"), site, clusterConf);

    LocalOozie.start();
  }

  private static String defaultServicesWithout(List<String> unused) throws Exception {
    Configuration defaults = new Configuration(false);
    try (InputStream in =
        LocalOozieCluster.class.getClassLoader().getResourceAsStream("oozie-default.xml")) {
      defaults.addResource(in);
      String services = defaults.get("oozie.services");
      return Arrays.stream(services.split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty() && !unused.contains(s))
          .collect(Collectors.joining(","));
    }
  }

  String nameNode() {
    return clusterConf.get("fs.defaultFS");
  }

  String resourceManager() {
    return clusterConf.get(YarnConfiguration.RM_ADDRESS);
  }

  FileSystem fs() throws Exception {
    return dfs.getFileSystem();
  }

  OozieClient coordClient() {
    return LocalOozie.getClientCoord(user);
  }

  OozieClient workflowClient() {
    return LocalOozie.getClient(user);
  }

  OozieClient bundleClient() {
    return LocalOozie.getClientBundle(user);
  }

  @Override
  public void close() {
    try {
      if (LocalOozie.isStarted()) {
        LocalOozie.stop();
      }
    } finally {
      try {
        yarn.stop();
      } finally {
        dfs.shutdown();
      }
    }
  }
}

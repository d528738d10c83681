package io.clicklake.oozie;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.security.authorize.ProxyUsers;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.oozie.client.OozieClient;
import org.apache.oozie.local.LocalOozie;
import org.apache.oozie.service.Services;
import org.apache.oozie.service.ShareLibService;
import org.apache.oozie.util.ClasspathUtils;

/**
 * A real Oozie engine in this JVM: LocalOozie (the server's services, an in-memory HSQLDB) over a
 * MiniDFSCluster and a MiniYARNCluster that runs the actions' launchers. Started once per test
 * class; it takes about 20 s.
 *
 * <p>{@link #withShareLib} keeps the services a {@code <spark>} action needs (the sharelib, read
 * from {@link #SHARE_LIB} on MiniDFS as a server reads its {@code
 * oozie.service.WorkflowAppService.system.libpath}, and the Spark configuration service). Either
 * way the launchers get this JVM's class path (Oozie and Hadoop 3.3.6), ahead of the sharelib's
 * jars.
 */
final class LocalOozieCluster implements AutoCloseable {

  /** Services that need a deployed server (log streaming, DB schema checks). */
  private static final List<String> UNUSED_SERVICES =
      List.of(
          "org.apache.oozie.service.XLogStreamingService",
          "org.apache.oozie.service.JvmPauseMonitorService",
          "org.apache.oozie.service.SchemaCheckerService");

  /**
   * What only a {@code <spark>} action needs: the sharelib on HDFS and the server's spark-defaults.
   */
  private static final List<String> SHARE_LIB_SERVICES =
      List.of(
          "org.apache.oozie.service.ShareLibService",
          "org.apache.oozie.service.SparkConfigurationService");

  /**
   * The system libpath of {@link #withShareLib}, Oozie's default for the user that runs the server.
   */
  static final String SHARE_LIB = "/user/" + System.getProperty("user.name") + "/share/lib";

  final String user = System.getProperty("user.name");
  private final MiniDFSCluster dfs;
  private final MiniYARNCluster yarn;
  final Configuration clusterConf;

  LocalOozieCluster(Path base) throws Exception {
    this(base, false);
  }

  static LocalOozieCluster withShareLib(Path base) throws Exception {
    return new LocalOozieCluster(base, true);
  }

  private LocalOozieCluster(Path base, boolean shareLib) throws Exception {
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
    List<String> unused = new ArrayList<>(UNUSED_SERVICES);
    if (shareLib) {
      site.put("oozie.service.WorkflowAppService.system.libpath", SHARE_LIB);
    } else {
      unused.addAll(SHARE_LIB_SERVICES);
    }
    site.put("oozie.services", defaultServicesWithout(unused));
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

  /**
   * What {@code oozie admin -sharelibupdate} does on a server: the newest {@code lib_<timestamp>}
   * directory under {@link #SHARE_LIB} becomes the sharelib. Returns the sharelib names it found.
   */
  Set<String> updateShareLib() throws Exception {
    ShareLibService shareLib = Services.get().get(ShareLibService.class);
    shareLib.updateShareLib();
    return shareLib.getShareLib().keySet();
  }

  /** The applications of a type (e.g. {@code SPARK}) that the MiniYARNCluster ran, oldest first. */
  List<ApplicationReport> yarnApplications(String type) throws Exception {
    try (YarnClient client = YarnClient.createYarnClient()) {
      client.init(clusterConf);
      client.start();
      return client.getApplications(Set.of(type)).stream()
          .sorted(Comparator.comparingLong(ApplicationReport::getStartTime))
          .toList();
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

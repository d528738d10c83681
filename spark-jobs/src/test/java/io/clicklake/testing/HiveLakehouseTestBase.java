package io.clicklake.testing;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import java.util.Map;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.iceberg.hive.TestHiveMetastore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link LakehouseTestBase} plus one in-process Hive metastore per test class (Iceberg's {@code
 * TestHiveMetastore}: Thrift on a free port, embedded Derby), so jobs can run with the {@code hive}
 * catalog type. The tables' files stay on the class's MiniDFSCluster; only their names and metadata
 * pointers live in the metastore, as on a cluster where Hue finds them.
 */
public abstract class HiveLakehouseTestBase extends LakehouseTestBase {
  protected static TestHiveMetastore metastore;

  /** {@code thrift://127.0.0.1:<port>} of the class's metastore. */
  protected static String metastoreUri;

  @BeforeAll
  static void startMetastore() {
    metastore = new TestHiveMetastore();
    metastore.start();
    String uri = metastore.hiveConf().get(HiveConf.ConfVars.METASTOREURIS.varname);
    metastoreUri = uri.replace("thrift://localhost:", "thrift://127.0.0.1:");
  }

  @AfterAll
  static void stopMetastore() throws Exception {
    if (metastore != null) {
      metastore.stop();
      metastore = null;
      // start() set it JVM-wide; later test classes in this fork must not find a dead metastore
      System.clearProperty(HiveConf.ConfVars.METASTOREURIS.varname);
    }
  }

  /** The environment's job config with the hive catalog type on this class's metastore. */
  protected static JobConfig hiveConfig(Env env) {
    return env.config().with(hiveCatalog());
  }

  /** The same for a landing instance. */
  protected static JobConfig hiveConfig(Env env, String instance) {
    return env.config(instance).with(hiveCatalog());
  }

  private static Map<String, String> hiveCatalog() {
    return Map.of(Keys.CATALOG_TYPE.name(), "hive", Keys.CATALOG_URI.name(), metastoreUri);
  }
}

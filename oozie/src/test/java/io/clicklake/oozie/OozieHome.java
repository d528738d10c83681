package io.clicklake.oozie;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * A throw-away Oozie home for an in-JVM Oozie: {@code conf/oozie-site.xml}, {@code
 * conf/hadoop-conf/} (the cluster configuration Oozie's HadoopAccessorService hands to actions),
 * {@code conf/action-conf/}, and the system properties that point Oozie at them.
 */
final class OozieHome {

  private OozieHome() {}

  static Path create(Path dir, Map<String, String> oozieSite, Configuration hadoopConf)
      throws IOException {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(conf.resolve("action-conf"));
    Path hadoopConfDir = Files.createDirectories(conf.resolve("hadoop-conf"));
    Files.createDirectories(dir.resolve("data"));

    Configuration site = new Configuration(false);
    oozieSite.forEach(site::set);
    write(site, conf.resolve("oozie-site.xml"));
    write(
        hadoopConf == null ? new Configuration(false) : hadoopConf,
        hadoopConfDir.resolve("core-site.xml"));

    System.setProperty("oozie.home.dir", dir.toAbsolutePath().toString());
    System.setProperty("oozie.config.dir", conf.toAbsolutePath().toString());
    System.setProperty("oozie.data.dir", dir.resolve("data").toAbsolutePath().toString());
    System.setProperty("oozie.log.dir", dir.toAbsolutePath().toString());
    System.setProperty("oozielocal.log", dir.resolve("oozielocal.log").toAbsolutePath().toString());
    return dir;
  }

  private static void write(Configuration conf, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      conf.writeXml(out);
    }
  }
}

package io.clicklake.oozie;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the end-to-end test needs to run the real jobs through Oozie's Spark action, as the build
 * hands it over (system properties set by oozie/pom.xml's cluster-jar profile): the cluster jar of
 * spark-jobs and the file listing the Spark runtime jars
 * (spark-jobs/target/spark-runtime-classpath.txt), which go into the Spark sharelib. Under {@code
 * -Dclicklake.noClusterJar} there is no cluster jar and the real-jobs test is skipped.
 */
record RealJobs(Path clusterJar, Path sparkRuntimeClasspath) {

  static RealJobs fromBuild() {
    String jar = System.getProperty("clicklake.cluster.jar");
    String classpath = System.getProperty("clicklake.spark.runtime.classpath");
    if (jar == null || jar.isBlank() || jar.startsWith("${")) {
      return new RealJobs(null, null);
    }
    RealJobs jobs = new RealJobs(Path.of(jar), classpath == null ? null : Path.of(classpath));
    for (Path file : new Path[] {jobs.clusterJar(), jobs.sparkRuntimeClasspath()}) {
      if (file == null || !Files.isRegularFile(file)) {
        throw new IllegalStateException(
            "expected the cluster jar and the Spark runtime class path of spark-jobs' build, found"
                + " no "
                + file
                + "; build spark-jobs first (mvn -pl spark-jobs,oozie -am verify), or pass"
                + " -Dclicklake.noClusterJar to skip the real-jobs test");
      }
    }
    return jobs;
  }

  boolean available() {
    return clusterJar != null;
  }
}

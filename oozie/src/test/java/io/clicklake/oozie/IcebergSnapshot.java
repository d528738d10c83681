package io.clicklake.oozie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The current snapshot's summary of an Iceberg table of a Hadoop catalog, read from the table's
 * metadata files ({@code metadata/version-hint.text}, then {@code metadata/v<N>.metadata.json}) as
 * Iceberg's HadoopTableOperations reads them. The test reads the tables this way because Iceberg's
 * Java API cannot live on Oozie's class path.
 */
record IcebergSnapshot(String table, long totalRecords, long totalDeletes, String batchId) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The current snapshot of {@code <warehouse>/<namespace>/<table>}. */
  static IcebergSnapshot current(FileSystem fs, String warehouse, String namespace, String table)
      throws Exception {
    Path metadata = new Path(warehouse + "/" + namespace + "/" + table + "/metadata");
    Path hint = new Path(metadata, "version-hint.text");
    if (!fs.exists(hint)) {
      throw new AssertionError(
          "expected Iceberg table "
              + namespace
              + "."
              + table
              + " at "
              + metadata.getParent()
              + ", found no "
              + hint.getName());
    }
    String version = read(fs, hint).trim();
    JsonNode root = JSON.readTree(read(fs, new Path(metadata, "v" + version + ".metadata.json")));
    long current = root.path("current-snapshot-id").asLong(-1);
    for (JsonNode snapshot : root.path("snapshots")) {
      if (snapshot.path("snapshot-id").asLong() == current) {
        JsonNode summary = snapshot.path("summary");
        return new IcebergSnapshot(
            table,
            summary.path("total-records").asLong(),
            summary.path("total-position-deletes").asLong()
                + summary.path("total-equality-deletes").asLong(),
            summary.path("clicklake.batch-id").asText(null));
      }
    }
    throw new AssertionError(
        "expected a current snapshot in "
            + namespace
            + "."
            + table
            + " v"
            + version
            + ".metadata.json, found current-snapshot-id "
            + current);
  }

  private static String read(FileSystem fs, Path file) throws Exception {
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

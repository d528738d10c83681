package io.clicklake.clean;

import static org.apache.spark.sql.functions.col;

import io.clicklake.io.Chunk;
import io.clicklake.io.FileInspector;
import io.clicklake.io.FileReport;
import io.clicklake.io.StagingArea;
import io.clicklake.table.Lake;
import io.clicklake.table.TableNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.hadoop.SerializableConfiguration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * First step of the clean stage: inspects every staged file of a batch once, one Spark task per
 * file ({@link FileInspector}: SHA-256, gzip, header, non-blank line count, chunk offsets), and
 * decides each file's {@link FileStatus}: rejected when the inspection failed, skipped when its
 * bytes equal a file already loaded (by another batch, or earlier in this one), loaded otherwise
 * (data contract sections 1 and 3). The chunk offsets depend on {@code
 * clicklake.clean.split-bytes}.
 */
public final class FileTriage {
  static final String SAME_CONTENT = "same SHA-256 as a file already loaded";

  /** Status and reason of one file. */
  private static final class Decision {
    final FileStatus status;
    final String reason;

    Decision(FileStatus status, String reason) {
      this.status = status;
      this.reason = reason;
    }
  }

  private final List<FileReport> reports;
  private final Map<String, Decision> decisions;

  private FileTriage(List<FileReport> reports, Map<String, Decision> decisions) {
    this.reports = Collections.unmodifiableList(new ArrayList<>(reports));
    this.decisions = decisions;
  }

  /** Inspects the data files in {@code staging} and decides each one's status. */
  public static FileTriage run(
      SparkSession spark, Lake lake, String batchId, Path staging, long splitBytes) {
    List<FileReport> reports = inspect(spark, staging, splitBytes);
    List<String> shas = reports.stream().map(r -> r.sha256).collect(Collectors.toList());
    return decide(reports, loadedShas(spark, lake, batchId, shas));
  }

  /**
   * The decision for inspected files (in name order) given the SHA-256 of the files other batches
   * loaded: of several files with equal bytes in the batch, the first in name order is loaded.
   */
  public static FileTriage decide(List<FileReport> reports, Set<String> loadedElsewhere) {
    Map<String, Decision> decisions = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (FileReport r : reports) {
      if (!r.ok()) {
        decisions.put(r.name, new Decision(FileStatus.REJECTED, r.verdict + ": " + r.detail));
      } else if (loadedElsewhere.contains(r.sha256) || !seen.add(r.sha256)) {
        decisions.put(r.name, new Decision(FileStatus.SKIPPED_DUPLICATE_FILE, SAME_CONTENT));
      } else {
        decisions.put(r.name, new Decision(FileStatus.LOADED, null));
      }
    }
    return new FileTriage(reports, decisions);
  }

  /** The batch's files in name order; a file's position is its {@code file_index}. */
  public List<FileReport> reports() {
    return reports;
  }

  public FileStatus status(FileReport r) {
    return decisions.get(r.name).status;
  }

  /** Why a file was not loaded; null for a loaded file. */
  public String reason(FileReport r) {
    return decisions.get(r.name).reason;
  }

  /**
   * The file's rows_read: its non-blank data lines when it is loaded, else 0 (nothing of it is
   * read).
   */
  public long rowsRead(FileReport r) {
    return status(r) == FileStatus.LOADED ? r.rowsRead : 0;
  }

  /** The parse chunks of the loaded files, each tagged with its file's index. */
  public List<Chunk> chunks() {
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      if (status(reports.get(i)) == FileStatus.LOADED) {
        chunks.addAll(Chunk.of(i, reports.get(i)));
      }
    }
    return chunks;
  }

  /** One task per file: the streaming inspection. Reports are small (a few numbers per file). */
  private static List<FileReport> inspect(SparkSession spark, Path staging, long splitBytes) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<String> paths = new ArrayList<>();
    try {
      FileSystem fs = staging.getFileSystem(hadoop);
      for (org.apache.hadoop.fs.FileStatus f : StagingArea.dataFiles(fs, staging)) {
        paths.add(f.getPath().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + staging, e);
    }
    if (paths.isEmpty()) {
      return List.of();
    }
    SerializableConfiguration conf = new SerializableConfiguration(hadoop);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    spark.sparkContext().setJobDescription("inspect " + paths.size() + " file(s)");
    List<FileReport> reports =
        new ArrayList<>(
            jsc.parallelize(paths, paths.size())
                .map(
                    p -> {
                      Path path = new Path(p);
                      return FileInspector.inspect(
                          path.getFileSystem(conf.get()), path, splitBytes);
                    })
                .collect());
    reports.sort((a, b) -> a.name.compareTo(b.name));
    return reports;
  }

  private static Set<String> loadedShas(
      SparkSession spark, Lake lake, String batchId, List<String> shas) {
    if (shas.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (Row r :
        spark
            .table(lake.table(TableNames.BATCH_FILES))
            .where(
                col("status")
                    .equalTo(FileStatus.LOADED.code())
                    .and(col("batch_id").notEqual(batchId))
                    .and(col("sha256").isin(shas.toArray())))
            .select("sha256")
            .collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }
}

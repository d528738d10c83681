package io.clicklake.io;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout of the staging area that the stage, clean and purge jobs share: one directory per
 * batch under {@code clicklake.staging.root}, the markers the jobs leave for each other, and which
 * of its files are data (data contract section 1).
 */
public final class StagingArea {
  private static final Logger LOG = LoggerFactory.getLogger(StagingArea.class);

  /** The lease stage and clean share: a file must never move into a batch while it is cleaned. */
  public static final String INGEST_LOCK = "ingest";

  /**
   * Marker a clean run writes into a batch's staging directory before it lists the files: from then
   * on, files that reach the instance belong to a follow-up batch, never to this one.
   */
  public static final String CLEAN_STARTED = "_CLEAN_STARTED";

  /**
   * Marker the purge leaves in an instance it keeps because files arrived after staging; the ingest
   * workflow's late-files decision then runs the workflow again. Staging the instance removes it.
   */
  public static final String FOLLOW_UP = "_FOLLOW_UP";

  /**
   * Where the parsed rows of a batch are kept between the steps of the clean stage; deleted when it
   * is done.
   */
  public static final String PARSED_DIR = "_parsed";

  private StagingArea() {}

  /** The per-batch staging directory. */
  public static Path dir(JobConfig config, String batchId) {
    return new Path(config.require(Keys.STAGING_ROOT), batchId);
  }

  /** Data files of a directory in name order (hidden and _-prefixed files excluded). */
  public static List<FileStatus> dataFiles(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus f : fs.listStatus(dir)) {
      String n = f.getPath().getName();
      if (f.isFile() && !n.startsWith("_") && !n.startsWith(".")) {
        out.add(f);
      }
    }
    out.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    return out;
  }

  /**
   * Marks the staging directory: from now on, files landing in the instance form a follow-up batch.
   */
  public static void seal(Configuration hadoop, Path staging) {
    try {
      FileSystem fs = staging.getFileSystem(hadoop);
      Path marker = new Path(staging, CLEAN_STARTED);
      if (!fs.exists(marker)) {
        fs.create(marker, true).close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mark " + staging + " as being cleaned", e);
    }
  }

  /**
   * Deletes the batch's parsed rows, best effort: the purge removes them with the staging directory
   * anyway.
   */
  public static void deleteParsed(Configuration hadoop, Path staging) {
    Path dir = new Path(staging, PARSED_DIR);
    try {
      dir.getFileSystem(hadoop).delete(dir, true);
    } catch (IOException e) {
      LOG.warn(
          "cannot delete {} (the purge stage removes it with the staging directory): {}",
          dir,
          e.getMessage());
    }
  }
}

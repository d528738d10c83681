package io.clicklake.clean;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rejected area, {@code <clicklake.rejected.root>/<batch-id>/}: a rejected file is moved there
 * whole, by rename, with a {@code .reason} file beside it (data contract section 1). Nothing is
 * deleted and nothing is overwritten.
 */
public final class RejectedArea {
  private static final Logger LOG = LoggerFactory.getLogger(RejectedArea.class);

  private RejectedArea() {}

  /**
   * Moves the batch's rejected files out of {@code staging}. Idempotent: a file already moved is
   * skipped.
   */
  public static void moveRejected(
      JobConfig config,
      Configuration hadoop,
      String batchId,
      Path staging,
      List<FileResult> files) {
    List<FileResult> rejected =
        files.stream().filter(f -> f.is(FileStatus.REJECTED)).collect(Collectors.toList());
    if (rejected.isEmpty()) {
      return;
    }
    Path target = new Path(config.require(Keys.REJECTED_ROOT), batchId);
    try {
      FileSystem fs = staging.getFileSystem(hadoop);
      fs.mkdirs(target);
      for (FileResult f : rejected) {
        Path src = new Path(staging, f.fileName);
        if (!fs.exists(src)) {
          continue; // moved by an earlier attempt (its reason file was written before the move)
        }
        // a name already taken in the rejected area (say a landed a.csv.reason next to the reason
        // file of a
        // rejected a.csv) gets a suffix: the file is kept under another name, never left behind or
        // overwritten
        Path dst = new Path(target, f.fileName);
        for (int n = 2; fs.exists(dst); n++) {
          dst = new Path(target, f.fileName + "~" + n);
        }
        Path why = new Path(target, dst.getName() + ".reason");
        try (OutputStream out = fs.create(why, true)) {
          String storedAs = dst.getName().equals(f.fileName) ? "" : "\nstored as " + dst.getName();
          String text =
              "batch "
                  + batchId
                  + "\nfile "
                  + f.fileName
                  + storedAs
                  + "\nbytes "
                  + f.bytes
                  + "\nsha256 "
                  + f.sha256
                  + "\nreason "
                  + f.reason
                  + "\n";
          out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        if (!fs.rename(src, dst)) {
          throw new IOException("rename failed: " + src + " -> " + dst);
        }
        LOG.warn("batch {}: rejected {} -> {} ({})", batchId, f.fileName, dst, f.reason);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move rejected files to " + target, e);
    }
  }
}

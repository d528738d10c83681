package io.clicklake.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/** The edge-node side of the pipeline: landing files atomically, and finding complete instances. */
public final class Landing {
  static final DateTimeFormatter INSTANCE = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH");

  private Landing() {}

  /**
   * Copies local files into a landing instance atomically: into a hidden temporary directory,
   * renamed into place, the done-flag written last. A reader never sees a half-copied instance.
   * When the instance already exists (its batch is staged but not yet purged), each file is renamed
   * into it (a name already there is refused) and the done-flag is written again: the next run
   * loads the new files as a follow-up batch of that instance.
   */
  public static org.apache.hadoop.fs.Path land(
      FileSystem fs, String landingRoot, String instance, List<Path> files, String doneFlag)
      throws IOException {
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new CliException("cannot land " + f + ": no such file");
      }
    }
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(landingRoot);
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(root, instance);
    boolean exists = fs.exists(target);
    if (exists) {
      for (Path f : files) {
        if (fs.exists(new org.apache.hadoop.fs.Path(target, f.getFileName().toString()))) {
          throw new CliException(
              "landing instance "
                  + target
                  + " already holds "
                  + f.getFileName()
                  + "; rename the file or pass another --instance");
        }
      }
    }
    org.apache.hadoop.fs.Path tmp =
        new org.apache.hadoop.fs.Path(
            root, "_tmp-" + instance.replace('/', '-') + "-" + System.nanoTime());
    fs.mkdirs(tmp);
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f);
          OutputStream out =
              fs.create(new org.apache.hadoop.fs.Path(tmp, f.getFileName().toString()), false)) {
        in.transferTo(out);
      }
    }
    if (!exists) {
      fs.mkdirs(target.getParent());
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename failed: " + tmp + " -> " + target);
      }
    } else {
      for (FileStatus f : fs.listStatus(tmp)) {
        org.apache.hadoop.fs.Path dst =
            new org.apache.hadoop.fs.Path(target, f.getPath().getName());
        if (!fs.rename(f.getPath(), dst)) {
          throw new IOException("rename failed: " + f.getPath() + " -> " + dst);
        }
      }
      fs.delete(tmp, true);
    }
    fs.create(new org.apache.hadoop.fs.Path(target, doneFlag), true).close();
    return target;
  }

  public static String currentHour() {
    return INSTANCE.format(LocalDateTime.now(ZoneOffset.UTC));
  }

  /**
   * Instances below the root: directories that hold files (not other directories), sorted by path =
   * by time.
   */
  static List<FileStatus> instances(FileSystem fs, org.apache.hadoop.fs.Path root)
      throws IOException {
    List<FileStatus> out = new ArrayList<>();
    walk(fs, root, out);
    out.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
    return out;
  }

  private static void walk(FileSystem fs, org.apache.hadoop.fs.Path dir, List<FileStatus> out)
      throws IOException {
    boolean hasFiles = false;
    for (FileStatus s : fs.listStatus(dir)) {
      String n = s.getPath().getName();
      if (s.isDirectory()) {
        if (!n.startsWith("_") && !n.startsWith(".")) {
          walk(fs, s.getPath(), out);
        }
      } else {
        hasFiles = true;
      }
    }
    if (hasFiles) {
      out.add(fs.getFileStatus(dir));
    }
  }
}

package io.clicklake.lock;

import io.clicklake.config.JobConfig;
import io.clicklake.config.Keys;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease on one step of the pipeline, held as a file created atomically ({@code create} with
 * overwrite off on HDFS, {@code O_CREAT|O_EXCL} on a local filesystem) under {@code
 * <staging.root>/_locks/} (or {@code <warehouse>/_locks/} for jobs without a staging root). The
 * file holds the holder: a random id, host, process id and start time, step and batch. While held,
 * a daemon thread renews it (its modification time) every {@link #RENEW_EVERY_MS} ms.
 *
 * <p>A lease is stale, and the next run breaks it, when its holder cannot be running: it was taken
 * on this host by a process that no longer exists (a SIGKILL, a crashed JVM), or it was not renewed
 * for {@code clicklake.lock.stale-seconds}. Breaking is a rename to a unique name, then a check
 * that the renamed file is the stale one (else it goes back), so two runs that find the same stale
 * lease never both take it.
 *
 * <p>A second run waits up to {@code clicklake.lock.wait-seconds} (default 0) and then fails with
 * {@link LockHeldException}, whose message names the holder.
 */
public final class Lease implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);
  static final long RENEW_EVERY_MS = 10_000;
  private static final long POLL_MS = 500;

  private final FileSystem fs;
  private final Path path;
  private final String id;
  private final Thread renewer;
  private volatile boolean released;

  private Lease(FileSystem fs, Path path, String id) {
    this.fs = fs;
    this.path = path;
    this.id = id;
    this.renewer = new Thread(this::renewLoop, "clicklake-lease-" + path.getName());
    renewer.setDaemon(true);
    renewer.start();
  }

  /** Where the leases of a configuration live. */
  public static Path root(JobConfig config) {
    if (config.isSet(Keys.STAGING_ROOT)) {
      return new Path(config.get(Keys.STAGING_ROOT), "_locks");
    }
    if (config.isSet(Keys.CATALOG_WAREHOUSE)) {
      return new Path(config.get(Keys.CATALOG_WAREHOUSE), "_locks");
    }
    throw new io.clicklake.config.ConfigException(
        "expected "
            + Keys.STAGING_ROOT.name()
            + " or "
            + Keys.CATALOG_WAREHOUSE.name()
            + " to hold the step leases, found neither");
  }

  /**
   * Takes the lease {@code name} for {@code step} of {@code batch}: at once, after breaking a stale
   * one, or after waiting up to {@code clicklake.lock.wait-seconds}; else throws {@link
   * LockHeldException} naming the holder.
   */
  public static Lease acquire(
      JobConfig config, Configuration hadoop, String name, String step, String batch) {
    Path path = new Path(root(config), name + ".lock");
    long waitMs = Math.max(0, config.getLong(Keys.LOCK_WAIT_SECONDS)) * 1000;
    long staleMs = Math.max(1, config.getLong(Keys.LOCK_STALE_SECONDS)) * 1000;
    long deadline = System.currentTimeMillis() + waitMs;
    String id = UUID.randomUUID().toString();
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      fs.mkdirs(path.getParent());
      boolean told = false;
      while (true) {
        if (tryCreate(fs, path, id, step, batch)) {
          return new Lease(fs, path, id);
        }
        Holder h = Holder.read(fs, path);
        if (h == null) {
          continue; // released between our create and our read: try again at once
        }
        if (h.id.isEmpty() && System.currentTimeMillis() - h.renewedAt < 5_000) {
          pause(50); // its holder is still writing it: read it again in a moment
          continue;
        }
        String why = h.staleBecause(staleMs);
        if (why != null) {
          Path broken = new Path(path.getParent(), path.getName() + ".broken-" + id);
          if (fs.rename(path, broken)) {
            Holder moved = Holder.read(fs, broken);
            if (moved != null && !moved.id.equals(h.id)) {
              // another run broke the stale lease first and took a fresh one in between: give it
              // back
              fs.rename(broken, path);
              continue;
            }
            LOG.warn("broke the stale lease {} ({}): {}", path, why, h);
            fs.delete(broken, false);
          }
          continue;
        }
        if (System.currentTimeMillis() >= deadline) {
          throw new LockHeldException(
              "the "
                  + name
                  + " lock is held by "
                  + h
                  + " (lease "
                  + path
                  + "); another run of this step is in progress."
                  + (waitMs > 0 ? " Waited " + waitMs / 1000 + " s." : "")
                  + " Wait for it, pass "
                  + Keys.LOCK_WAIT_SECONDS.name()
                  + "=N to wait, or delete the lease if that run is gone");
        }
        if (!told) {
          LOG.info("waiting up to {} s for the {} lock held by {}", waitMs / 1000, name, h);
          told = true;
        }
        pause(Math.min(POLL_MS, Math.max(1, deadline - System.currentTimeMillis())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the lease " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes a lease whatever its state (bin/pipeline unlock); returns the holder it named, or null.
   */
  public static String breakLease(JobConfig config, Configuration hadoop, String name) {
    Path path = new Path(root(config), name + ".lock");
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      Holder h = Holder.read(fs, path);
      if (h == null) {
        return null;
      }
      fs.delete(path, false);
      return h.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the lease " + path + ": " + e.getMessage(), e);
    }
  }

  private static boolean tryCreate(FileSystem fs, Path path, String id, String step, String batch)
      throws IOException {
    Properties p = new Properties();
    p.setProperty("id", id);
    p.setProperty("host", host());
    p.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
    ProcessHandle.current()
        .info()
        .startInstant()
        .ifPresent(t -> p.setProperty("process_started", t.toString()));
    p.setProperty("step", step);
    p.setProperty("batch", batch == null ? "" : batch);
    p.setProperty("since", Instant.now().toString());
    try (OutputStream out = createNew(fs, path)) {
      p.store(out, "clicklake step lease");
      return true;
    } catch (FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      // HDFS reports an existing file as a RemoteException (FileAlreadyExistsException, or
      // AlreadyBeingCreatedException while its creator is still writing it)
      if (fs.exists(path)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Creates the file only if it does not exist, atomically. HDFS's create without overwrite is; the
   * local filesystem's checks and then opens, so two local runs could both get it: there the JDK's
   * CREATE_NEW (one open(2) with O_EXCL) is used instead.
   */
  private static OutputStream createNew(FileSystem fs, Path path) throws IOException {
    if ("file".equals(fs.getUri().getScheme())) {
      return java.nio.file.Files.newOutputStream(
          java.nio.file.Paths.get(fs.makeQualified(path).toUri()),
          java.nio.file.StandardOpenOption.CREATE_NEW,
          java.nio.file.StandardOpenOption.WRITE);
    }
    return fs.create(path, false);
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private void renewLoop() {
    while (!released) {
      try {
        Thread.sleep(RENEW_EVERY_MS); // a heartbeat period, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
      if (released) {
        return;
      }
      try {
        fs.setTimes(path, System.currentTimeMillis(), -1);
      } catch (IOException e) {
        LOG.warn("cannot renew the lease {}: {}", path, e.getMessage());
      }
    }
  }

  /** Releases the lease if it is still ours (a breaker may have taken it after we stalled). */
  @Override
  public void close() {
    released = true;
    renewer.interrupt();
    try {
      Holder h = Holder.read(fs, path);
      if (h != null && id.equals(h.id)) {
        fs.delete(path, false);
      } else {
        LOG.warn("lease {} was no longer ours when released (now {})", path, h);
      }
    } catch (IOException e) {
      LOG.warn("cannot release the lease {}: {}", path, e.getMessage());
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(
          ms); // waiting for another run to release its lease, bounded by the configured wait
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockHeldException("interrupted while waiting for a lease");
    }
  }

  /** The holder recorded in a lease file. */
  static final class Holder {
    final String id;
    final String host;
    final long pid;
    final String processStarted;
    final String step;
    final String batch;
    final String since;
    final long renewedAt;

    private Holder(Properties p, long renewedAt) {
      this.id = p.getProperty("id", "");
      this.host = p.getProperty("host", "");
      this.pid = parse(p.getProperty("pid"));
      this.processStarted = p.getProperty("process_started");
      this.step = p.getProperty("step", "");
      this.batch = p.getProperty("batch", "");
      this.since = p.getProperty("since", "");
      this.renewedAt = renewedAt;
    }

    private static long parse(String s) {
      try {
        return s == null ? -1 : Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    static Holder read(FileSystem fs, Path path) throws IOException {
      try {
        FileStatus st = fs.getFileStatus(path);
        Properties p = new Properties();
        try (InputStream in = fs.open(path)) {
          p.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
        }
        return new Holder(p, st.getModificationTime());
      } catch (FileNotFoundException e) {
        return null;
      }
    }

    /** Why the holder cannot be running any more, or null when it may be. */
    String staleBecause(long staleMs) {
      if (host.equals(host()) && pid > 0) {
        java.util.Optional<ProcessHandle> ph = ProcessHandle.of(pid);
        if (ph.isEmpty() || !ph.get().isAlive()) {
          return "process " + pid + " on this host has ended";
        }
        String started = ph.get().info().startInstant().map(Instant::toString).orElse(null);
        if (processStarted != null && started != null && !processStarted.equals(started)) {
          return "process "
              + pid
              + " on this host is another process than the holder (its id was reused)";
        }
      }
      long age = System.currentTimeMillis() - renewedAt;
      if (age > staleMs) {
        return "not renewed for " + age / 1000 + " s";
      }
      return null;
    }

    @Override
    public String toString() {
      return step
          + (batch.isEmpty() ? "" : " of batch " + batch)
          + " (host "
          + host
          + ", pid "
          + pid
          + ", since "
          + since
          + ")";
    }
  }
}

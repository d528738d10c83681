package io.clicklake.local.dashboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's {@code chromium} package) driven from the command line: the DOM after
 * the page's scripts ran ({@code --dump-dom}) and screenshots. Every run gets a fresh profile and
 * no network features, and is killed after {@link #TIMEOUT_SECONDS}.
 */
final class Chromium {
  static final long TIMEOUT_SECONDS = 90;
  static final String INSTALL_HINT = "apt-get update && apt-get install -y chromium";

  private final Path binary;
  private final Path workDir;

  private Chromium(Path binary, Path workDir) {
    this.binary = binary;
    this.workDir = workDir;
  }

  /**
   * The browser named by -Dchromium.binary, else /usr/bin/chromium; fails with the install command.
   */
  static Chromium find(Path workDir) {
    Path binary = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "headless Chromium not found at "
              + binary
              + ": install it with `"
              + INSTALL_HINT
              + "` or point -Dchromium.binary at a Chromium executable");
    }
    return new Chromium(binary, workDir);
  }

  /** The serialized DOM of {@code page} after its scripts ran. */
  String dumpDom(Path page) throws IOException, InterruptedException {
    return new String(run(List.of("--dump-dom", page.toUri().toString())), StandardCharsets.UTF_8);
  }

  /** Writes a PNG screenshot of {@code page} at the given window size. */
  void screenshot(Path page, Path png, int width, int height)
      throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    run(
        List.of(
            "--screenshot=" + png.toAbsolutePath(),
            "--window-size=" + width + "," + height,
            "--hide-scrollbars",
            page.toUri().toString()));
    if (!Files.isRegularFile(png)) {
      throw new IllegalStateException("chromium ran but wrote no screenshot at " + png);
    }
  }

  private byte[] run(List<String> args) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path profile = Files.createTempDirectory(workDir, "chromium-profile-");
    Path stdout = Files.createTempFile(workDir, "chromium-", ".out");
    Path stderr = Files.createTempFile(workDir, "chromium-", ".err");
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile));
    command.addAll(args);
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "chromium did not finish in "
                + TIMEOUT_SECONDS
                + " s: "
                + command
                + "\n"
                + tail(stderr));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "chromium exited with " + p.exitValue() + ": " + command + "\n" + tail(stderr));
      }
      return Files.readAllBytes(stdout);
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // a profile file chromium still holds is harmless under target/
    }
  }

  private static String tail(Path file) throws IOException {
    String s = Files.readString(file, StandardCharsets.UTF_8);
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }
}

package io.clicklake.mart;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The models of {@code src/main/resources/models/} (staging, star, marts), loaded from the
 * classpath (they ship in the jar), and their build order derived from what each reads: waves of
 * models whose refs are all built by the waves before, so the models of a wave can run
 * concurrently.
 *
 * <p>A ref names a model (its file name) or a source, a relation the builder provides. Views (the
 * staging models) may read only sources and views: the builder creates them all before the first
 * table.
 */
final class Models {
  static final String FOLDER = "models";

  private final List<List<ModelFile>> waves;

  /**
   * Orders {@code models}; a ref to neither a model nor one of {@code sources}, or a cycle, fails.
   */
  Models(Collection<ModelFile> models, Set<String> sources) {
    Map<String, ModelFile> byName = new LinkedHashMap<>();
    for (ModelFile m : models) {
      ModelFile before = byName.put(m.name, m);
      if (before != null) {
        throw new IllegalArgumentException(
            "two models named " + m.name + ": " + before.path + " and " + m.path);
      }
      if (sources.contains(m.name)) {
        throw new IllegalArgumentException(
            m.path + ": the model has the name of a source, " + m.name);
      }
    }
    for (ModelFile m : models) {
      for (String r : m.reads) {
        ModelFile read = byName.get(r);
        if (read == null && !sources.contains(r)) {
          throw new IllegalArgumentException(
              m.path
                  + " reads ref('"
                  + r
                  + "'), which is neither a model of "
                  + FOLDER
                  + "/ "
                  + byName.keySet()
                  + " nor a source "
                  + new java.util.TreeSet<>(sources));
        }
        if (read != null && !m.isTable() && read.isTable()) {
          throw new IllegalArgumentException(
              m.path
                  + " is a view but reads the table "
                  + r
                  + "; views may read only views and sources");
        }
      }
    }
    Map<String, Integer> depth = new HashMap<>();
    for (ModelFile m : byName.values()) {
      depth(m, byName, depth, new ArrayList<>());
    }
    Map<String, Integer> dependents = new HashMap<>();
    for (ModelFile m : byName.values()) {
      dependents.put(m.name, downstream(m.name, byName).size());
    }
    Map<Integer, List<ModelFile>> byDepth = new TreeMap<>();
    for (ModelFile m : byName.values()) {
      byDepth.computeIfAbsent(depth.get(m.name), d -> new ArrayList<>()).add(m);
    }
    // In a wave, the models others wait for go first (they end the wave sooner), then by name, for
    // a stable order.
    Comparator<ModelFile> order =
        Comparator.<ModelFile>comparingInt(m -> -dependents.get(m.name)).thenComparing(m -> m.name);
    this.waves =
        byDepth.values().stream()
            .map(w -> w.stream().sorted(order).collect(Collectors.toUnmodifiableList()))
            .collect(Collectors.toUnmodifiableList());
  }

  /**
   * The models in {@code models/} of the classpath; the sources are the relations the builder
   * provides.
   */
  static Models load(Set<String> sources) {
    List<ModelFile> files = new ArrayList<>();
    for (String path : paths()) {
      try (InputStream in = Models.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException(
              "model file " + path + " is listed but cannot be read from the classpath");
        }
        files.add(ModelFile.parse(path, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read model file " + path, e);
      }
    }
    if (files.isEmpty()) {
      throw new IllegalStateException(
          "no model files (" + FOLDER + "/<layer>/<name>.sql) on the classpath");
    }
    return new Models(files, sources);
  }

  /**
   * The paths of the model files, from the directory or jar this class was loaded from (a class
   * loader cannot list a folder of resources).
   */
  private static List<String> paths() {
    Path where;
    try {
      where = Path.of(Models.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot tell where the classes of " + Models.class.getName() + " come from", e);
    }
    List<String> paths = new ArrayList<>();
    try {
      if (Files.isDirectory(where)) {
        Path root = where.resolve(FOLDER);
        if (Files.isDirectory(root)) {
          try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> p.toString().endsWith(".sql"))
                .forEach(
                    p ->
                        paths.add(FOLDER + "/" + root.relativize(p).toString().replace('\\', '/')));
          }
        }
      } else {
        try (ZipFile jar = new ZipFile(where.toFile())) {
          for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            if (name.startsWith(FOLDER + "/") && name.endsWith(".sql")) {
              paths.add(name);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the model files in " + where, e);
    }
    paths.sort(null);
    return paths;
  }

  /**
   * The length of the longest chain of model refs below {@code m}: 0 when it reads only sources.
   */
  private static int depth(
      ModelFile m, Map<String, ModelFile> byName, Map<String, Integer> depth, List<String> path) {
    Integer known = depth.get(m.name);
    if (known != null) {
      return known;
    }
    if (path.contains(m.name)) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(m.name), path.size()));
      cycle.add(m.name);
      throw new IllegalArgumentException(
          "the models read each other in a cycle, "
              + String.join(" -> ", cycle)
              + " ("
              + byName.get(cycle.get(0)).path
              + "); a model can only read models built before it");
    }
    path.add(m.name);
    int d = 0;
    for (String r : m.reads) {
      ModelFile read = byName.get(r);
      if (read != null) {
        d = Math.max(d, 1 + depth(read, byName, depth, path));
      }
    }
    path.remove(path.size() - 1);
    depth.put(m.name, d);
    return d;
  }

  /** The models that read {@code name}, directly or through others. */
  private static Set<String> downstream(String name, Map<String, ModelFile> byName) {
    Set<String> seen = new HashSet<>();
    List<String> todo = new ArrayList<>(List.of(name));
    while (!todo.isEmpty()) {
      String n = todo.remove(todo.size() - 1);
      for (ModelFile m : byName.values()) {
        if (m.reads.contains(n) && seen.add(m.name)) {
          todo.add(m.name);
        }
      }
    }
    return seen;
  }

  /** Every model, in waves: a model's refs are all in earlier waves. */
  List<List<ModelFile>> waves() {
    return waves;
  }

  /** The views, in an order where each comes after the views it reads. */
  List<ModelFile> views() {
    return waves.stream()
        .flatMap(List::stream)
        .filter(m -> !m.isTable())
        .collect(Collectors.toUnmodifiableList());
  }

  /** The tables in waves that can each run concurrently, once the views exist. */
  List<List<ModelFile>> tableWaves() {
    return waves.stream()
        .map(w -> w.stream().filter(ModelFile::isTable).collect(Collectors.toUnmodifiableList()))
        .filter(w -> !w.isEmpty())
        .collect(Collectors.toUnmodifiableList());
  }

  /** The tables {@code m} reads directly (the views it reads read no table). */
  List<String> tablesRead(ModelFile m) {
    return m.reads.stream()
        .filter(
            r ->
                waves.stream().flatMap(List::stream).anyMatch(t -> t.name.equals(r) && t.isTable()))
        .collect(Collectors.toUnmodifiableList());
  }

  /** The tables in build order. */
  List<String> tables() {
    return tableWaves().stream()
        .flatMap(List::stream)
        .map(m -> m.name)
        .collect(Collectors.toUnmodifiableList());
  }

  ModelFile get(String name) {
    return waves.stream()
        .flatMap(List::stream)
        .filter(m -> m.name.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no model " + name));
  }
}

package io.clicklake.local;

import java.util.List;

/** {@code bin/pipeline bench}: see docs/benchmarks.md. */
final class Bench {
  static final String HELP = "usage: bin/pipeline bench --rows N [--faults F] [--batches B]";

  private Bench() {}

  static int run(List<String> rest) {
    throw new CliException("bench is not available yet");
  }
}

package io.clicklake.local.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} on every command: its generated usage, exit code 0. */
final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help")
  boolean requested;
}

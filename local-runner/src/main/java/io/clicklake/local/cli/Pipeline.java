package io.clicklake.local.cli;

import io.clicklake.config.ConfigException;
import io.clicklake.job.InputException;
import io.clicklake.local.CliException;
import io.clicklake.local.OneLine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code bin/pipeline}: the same jobs as the Oozie workflow, run on this machine with embedded
 * defaults. Exit code 0 only on success; 2 for a problem the user can fix (the message says what);
 * 1 for anything else.
 */
@Command(
    name = "bin/pipeline",
    synopsisSubcommandLabel = "<command>",
    description =
        "The clicklake pipeline on this machine, with embedded defaults (working directory,"
            + " MariaDB, Spark local[*]).",
    commandListHeading = "%nCommands:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:anything else (add --verbose for the stack trace and logs)",
      "2:a problem you can fix, said in one line (bad option, missing landing directory,"
          + " unreachable MySQL, busy port, unknown config key, held lock, ...)"
    },
    footer = "%n`bin/pipeline <command> --help` shows a command's options.",
    subcommands = {
      DemoCommand.class,
      GenerateCommand.class,
      LandCommand.class,
      RunCommand.class,
      WatchCommand.class,
      StatusCommand.class,
      ExportCommand.class,
      MaintainCommand.class,
      UnlockCommand.class,
      DashboardCommand.class,
      BenchCommand.class,
      HelpCommand.class
    })
public final class Pipeline implements Callable<Integer> {
  /** Usage help wider than picocli's 80 columns, so option descriptions stay on one line. */
  private static final int HELP_WIDTH = 120;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help (bin/pipeline <command> --help: that command's)")
  boolean help;

  @Spec CommandSpec spec;

  public static void main(String[] argv) {
    System.exit(run(argv));
  }

  /** Runs one command; returns its exit code. */
  public static int run(String... argv) {
    CommandLine cli = commandLine();
    try {
      return cli.execute(argv);
    } finally {
      cli.getOut().flush();
      cli.getErr().flush();
    }
  }

  /** The command line with this project's help layout, value conversions and exit codes. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Pipeline());
    cli.setOut(new PrintWriter(System.out, true));
    cli.setErr(new PrintWriter(System.err, true));
    cli.setUsageHelpWidth(HELP_WIDTH);
    // a file name may start with @: it is a file to land, not a file of arguments
    cli.setExpandAtFiles(false);
    cli.registerConverter(Long.class, Pipeline::wholeNumber);
    cli.registerConverter(long.class, Pipeline::wholeNumber);
    cli.setParameterExceptionHandler(Pipeline::badArguments);
    cli.setExecutionExceptionHandler((e, command, parsed) -> failed(e, parsed.originalArgs()));
    cli.getSubcommands()
        .get("help")
        .getCommandSpec()
        .usageMessage()
        .header(new String[0])
        .description("help of a command: bin/pipeline help <command>");
    List<CommandLine> all = new ArrayList<>(cli.getSubcommands().values());
    all.add(cli);
    for (CommandLine c : all) {
      c.getCommandSpec()
          .usageMessage()
          .synopsisHeading("usage: ")
          .abbreviateSynopsis(c != cli)
          .parameterListHeading("%nParameters:%n")
          .optionListHeading("%nOptions:%n")
          .sortOptions(false);
    }
    return cli;
  }

  /** Without a command: the usage, and 2, since nothing was done. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /** {@code 210_000} reads as 210000, as in Java. */
  private static Long wholeNumber(String s) {
    try {
      return Long.parseLong(s.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("expects a whole number, found '" + s + "'");
    }
  }

  /**
   * A command line picocli refuses: exit code 2 and one line. An unknown command lists the commands
   * (on standard output, as the usage is); anything else names the command whose help to read.
   */
  private static int badArguments(ParameterException e, String[] argv) {
    CommandLine c = e.getCommandLine();
    if (e instanceof UnmatchedArgumentException u
        && c.getParent() == null
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      c.getOut()
          .printf(
              "error: unknown command '%s'; expected one of %s%n",
              u.getUnmatched().get(0),
              String.join(
                  ", ",
                  c.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList()));
      return 2;
    }
    c.getOut().flush();
    c.getErr()
        .printf(
            "%nerror: %s (see %s --help)%n", e.getMessage(), c.getCommandSpec().qualifiedName());
    return 2;
  }

  /**
   * A command that threw: 2 and its message for what the user can fix, else 1 and the root cause's
   * line.
   */
  private static int failed(Exception e, List<String> argv) {
    System.out.flush();
    if (e instanceof CliException || e instanceof ConfigException || e instanceof InputException) {
      System.err.println("\nerror: " + e.getMessage());
      return 2;
    }
    System.err.println("\nerror: " + OneLine.of(e));
    if (argv.contains("--verbose")) {
      e.printStackTrace();
    } else {
      System.err.println("(run again with --verbose for the stack trace and logs)");
    }
    return 1;
  }
}

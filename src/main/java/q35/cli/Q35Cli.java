package q35.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ./q35} launcher: one subcommand per job. */
@Command(
    name = "q35",
    mixinStandardHelpOptions = true,
    version = "q35 0.1.0",
    description = "Verified reference implementation of 3.5-bit weight quantization.",
    subcommands = {
      CommandLine.HelpCommand.class,
      VerifyCommand.class,
      ConformanceCommand.class,
      ProveCommand.class,
      OpenJmlCommand.class,
      ReportCommand.class,
      GenerateCommand.class,
      QuantizeCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      ExportOnnxCommand.class,
    })
public final class Q35Cli implements Runnable {

  @CommandLine.Spec
  @SuppressWarnings("nullness:initialization.field.uninitialized") // injected by picocli before run()
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the CLI and exits with the command's status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The CLI as {@link #main} runs it: refused inputs end in one line (see {@link Failure}). */
  static CommandLine commandLine() {
    return new CommandLine(new Q35Cli()).setExecutionExceptionHandler(new Failure());
  }
}

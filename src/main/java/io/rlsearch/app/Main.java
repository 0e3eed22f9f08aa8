package io.rlsearch.app;

import io.rlsearch.sim.SettingsException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rlsearch} command line: {@code ./rlsearch <command> [options]}.
 *
 * <p>Every command that reports results takes {@code --json} and then prints exactly one JSON object
 * on stdout; logs go to stderr. A bad option or configuration value prints one line and exits 2;
 * an unexpected failure prints one line and exits 1 (set {@code RLSEARCH_DEBUG=1} for the trace).
 */
@Command(
    name = "rlsearch",
    mixinStandardHelpOptions = true,
    version = "rlsearch 0.1.0",
    footer = "%nDocumentation: README.md and docs/ (one page per area).",
    description = "Reinforcement learning for e-commerce search ranking: the zoosim world and its learners.",
    subcommands = {WorldCommand.class, BenchCommand.class, BattleCommand.class, TemplatesCommand.class, OpeCommand.class, DriftCommand.class, TrainCommand.class, RetentionCommand.class, SwapTestCommand.class, ServeCommand.class, ParetoCommand.class, NonstationaryCommand.class, ToyCommand.class, LogCommand.class, OfflineCommand.class, DiversityCommand.class, NodeCommand.class, LabCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Inherited by every command: engine start-up messages and informational logs on stderr. */
  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Show informational logs and the engine's start-up messages (GPU probe, native warnings).")
  void setVerbose(boolean verbose) {
    if (verbose) {
      Logging.verbose();
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Entry point. */
  public static void main(String[] args) {
    // Initialise logging before any thread logs, so SLF4J does not replay early calls with a warning.
    org.slf4j.LoggerFactory.getILoggerFactory();
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line with the given streams and returns its exit code (tests call this). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("rlsearch: " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("Try './rlsearch " + commandPath(ex.getCommandLine()) + " --help'.");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof SettingsException || ex instanceof io.rlsearch.api.BadRequestException
          || ex instanceof io.rlsearch.learn.DeviceUnavailableException) {
        err.println("rlsearch: " + ex.getMessage());
        return 2;
      }
      err.println("rlsearch: error: " + ex);
      if (System.getenv("RLSEARCH_DEBUG") != null) {
        ex.printStackTrace(err);
      }
      return 1;
    });
    return cl.execute(args);
  }

  private static String commandPath(CommandLine cl) {
    StringBuilder sb = new StringBuilder();
    for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
      sb.insert(0, c.getCommandName() + " ");
    }
    return sb.toString().trim();
  }

  /** A bad request from the user (exit 2, one line). */
  static final class UsageException extends io.rlsearch.api.BadRequestException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}

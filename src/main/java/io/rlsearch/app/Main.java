package io.rlsearch.app;

import io.rlsearch.sim.SettingsException;
import java.io.PrintWriter;
import java.util.List;
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
    description = "Reinforcement learning for e-commerce search ranking: the zoosim world and its learners.")
public final class Main implements Runnable {
  /** Every command, in the order of the usage help (then {@code help}). */
  static final List<Class<?>> COMMANDS = List.of(WorldCommand.class, BenchCommand.class, BattleCommand.class,
      TemplatesCommand.class, OpeCommand.class, DriftCommand.class, TrainCommand.class, RetentionCommand.class,
      SwapTestCommand.class, ServeCommand.class, ParetoCommand.class, NonstationaryCommand.class, ToyCommand.class,
      LogCommand.class, OfflineCommand.class, DiversityCommand.class, NodeCommand.class, LabCommand.class,
      ExportCommand.class, LearnCommand.class);

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
  public static void main(String[] args) throws InterruptedException {
    // Logging starts on a thread of its own while picocli builds the command line (each takes a tenth
    // of a second or two); both are done before the command runs, so no thread logs before logging is
    // set up (SLF4J would replay such calls with a warning).
    Thread logging = new Thread(org.slf4j.LoggerFactory::getILoggerFactory, "rlsearch-logging-start");
    logging.start();
    CommandLine cl = prepare(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    logging.join(LOGGING_START_DEADLINE_MS);
    System.exit(cl.execute(args));
  }

  /** How long the command waits for logging to start (it then runs, and logging starts on first use). */
  private static final long LOGGING_START_DEADLINE_MS = 10_000;

  /** Runs a command line with the given streams and returns its exit code (tests call this). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return prepare(args, out, err).execute(args);
  }

  /** The command line for {@code args}, writing to {@code out} and {@code err}, with rlsearch's error handling. */
  private static CommandLine prepare(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      // One line: the problem, the nearest names picocli suggests, and where the help is.
      StringBuilder line = new StringBuilder("rlsearch: ").append(oneLine(ex.getMessage()));
      if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
        line.append("; did you mean: ").append(String.join(" or ", u.getSuggestions())).append('?');
      }
      String path = commandPath(ex.getCommandLine());
      line.append("; see './rlsearch ").append(path.isEmpty() ? "" : path + " ").append("--help'");
      err.println(line);
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof SettingsException || ex instanceof io.rlsearch.api.BadRequestException
          || ex instanceof io.rlsearch.learn.DeviceUnavailableException) {
        err.println("rlsearch: " + ex.getMessage());
        return 2;
      }
      if (ex instanceof io.rlsearch.api.PipelineRunner.RunFailedException) {
        // A run that failed or could not complete: one line, its cause.
        String path = commandPath(cmd);
        err.println("rlsearch: " + (path.isEmpty() ? "" : path + ": ") + ex.getMessage());
        return 1;
      }
      err.println("rlsearch: error: " + ex);
      if (System.getenv("RLSEARCH_DEBUG") != null) {
        ex.printStackTrace(err);
      }
      return 1;
    });
    return cl;
  }

  /** The command line with every command. */
  static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for {@code args}: when they name a command, with that command alone (picocli
   * builds the model of every command it is given, about 0.15 s for all of them); otherwise
   * with every command, for the usage help, {@code help} and the suggestions for a mistyped name.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    Class<?> only = named(args);
    for (Class<?> c : COMMANDS) {
      if (only == null || c == only) {
        cl.addSubcommand(c);
      }
    }
    if (only == null) {
      cl.addSubcommand(CommandLine.HelpCommand.class);
    }
    return cl;
  }

  /** The command the first argument that is not an option names, or null. */
  private static Class<?> named(String[] args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        for (Class<?> c : COMMANDS) {
          Command command = c.getAnnotation(Command.class);
          if (command.name().equals(a) || List.of(command.aliases()).contains(a)) {
            return c;
          }
        }
        return null;
      }
    }
    return null;
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

  /** A message on one line: line breaks become "; ", a trailing period goes. */
  static String oneLine(String message) {
    String m = message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }
}

package io.rlsearch.app;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * rlsearch's Logback configuration, in code: Logback finds it through the {@code ServiceLoader} before
 * looking for XML, and reading this costs about a tenth of a second less at every start than parsing
 * the same configuration from {@code logback.xml}.
 *
 * <p>Logs go to stderr (stdout carries results: one JSON object with {@code --json}) through an
 * asynchronous appender, at WARN, laid out by a pattern layout that is built when the first line is
 * written ({@link LazyPatternEncoder}: a run that logs nothing never builds it). A logged failure shows
 * its message, not its stack trace (users see one line; developers get the traces with
 * {@code -Drlsearch.log.exceptions=%ex}). DJL probes for CUDA on every start and warns when it finds
 * none, which on a CPU machine is not news: its logger {@code ai.djl.util.cuda} is at ERROR
 * ({@code --verbose} sets both back to INFO, {@link Logging}).
 *
 * <p>An application with a configuration of its own keeps it: when {@code logback.configurationFile}
 * is set or a {@code logback-test.xml} or {@code logback.xml} is on the class path, this configures
 * nothing and Logback goes on to read that.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** The pattern of a log line. */
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (System.getProperty("logback.configurationFile") != null
        || hasOwnConfiguration(LogSetup.class.getClassLoader())) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(ctx);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Whether {@code loader} sees a Logback XML configuration (which then takes precedence). */
  static boolean hasOwnConfiguration(ClassLoader loader) {
    return loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null;
  }

  /** Configures {@code ctx} as described above. */
  static void apply(LoggerContext ctx) {
    LazyPatternEncoder encoder =
        new LazyPatternEncoder(PATTERN + System.getProperty("rlsearch.log.exceptions", "%nopex"));
    encoder.setContext(ctx);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("STDERR");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    AsyncAppender async = new AsyncAppender();
    async.setContext(ctx);
    async.setName("ASYNC");
    async.addAppender(console);
    async.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(async);
    ctx.getLogger("ai.djl.util.cuda").setLevel(Level.ERROR);
  }
}

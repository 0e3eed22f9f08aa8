package io.rlsearch.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log levels the command line changes at run time. */
final class Logging {
  private Logging() {}

  /**
   * Informational logs, including DJL's GPU probe (quiet by default: on a CPU machine it warns on
   * every start that it found no CUDA driver).
   */
  static void verbose() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
      ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
      ctx.getLogger("ai.djl.util.cuda").setLevel(Level.INFO);
    }
  }
}

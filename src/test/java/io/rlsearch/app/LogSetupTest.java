package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSetupTest {

  @Test
  void logbackFindsTheConfiguratorAsAService() {
    assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(p -> p.type() == LogSetup.class));
  }

  @Test
  void warningsGoToStderrThroughAnAsyncAppenderAndTheCudaProbeIsQuiet() {
    LoggerContext ctx = new LoggerContext();
    try {
      LogSetup.apply(ctx);
      Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
      assertEquals(Level.WARN, root.getLevel());
      assertEquals(Level.ERROR, ctx.getLogger("ai.djl.util.cuda").getLevel());
      AsyncAppender async = assertInstanceOf(AsyncAppender.class, root.getAppender("ASYNC"));
      assertTrue(async.isStarted());
      ConsoleAppender<?> console = assertInstanceOf(ConsoleAppender.class, async.getAppender("STDERR"));
      assertEquals("System.err", console.getTarget());
      LazyPatternEncoder enc = assertInstanceOf(LazyPatternEncoder.class, console.getEncoder());
      assertEquals(LogSetup.PATTERN + "%nopex", enc.getPattern());
      assertFalse(enc.built(), "nothing was logged, so the pattern layout is not built");
    } finally {
      ctx.stop();
    }
  }

  @Test
  void theLazyEncoderWritesThePatternEncodersLines() {
    LoggerContext ctx = new LoggerContext();
    try {
      String pattern = LogSetup.PATTERN + "%nopex";
      PatternLayoutEncoder eager = new PatternLayoutEncoder();
      eager.setContext(ctx);
      eager.setPattern(pattern);
      eager.start();
      LazyPatternEncoder lazy = new LazyPatternEncoder(pattern);
      lazy.setContext(ctx);
      lazy.start();
      Logger logger = ctx.getLogger("io.rlsearch.serving.ShardActor");
      LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "shed {} requests",
          new IllegalStateException("full"), new Object[] {42});
      event.setTimeStamp(1_700_000_000_123L);
      assertNull(lazy.headerBytes());
      String line = new String(lazy.encode(event), StandardCharsets.UTF_8);
      assertTrue(lazy.built());
      assertEquals(new String(eager.encode(event), StandardCharsets.UTF_8), line);
      assertTrue(line.contains(" WARN  i.r.s.ShardActor - shed 42 requests"), line);
      assertFalse(line.contains("IllegalStateException"), "one line, without the trace: " + line);
      lazy.stop();
    } finally {
      ctx.stop();
    }
  }

  @Test
  void anApplicationsOwnXmlConfigurationTakesPrecedence(@TempDir Path dir) throws Exception {
    try (URLClassLoader none = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertFalse(LogSetup.hasOwnConfiguration(none));
    }
    Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
    try (URLClassLoader own = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertTrue(LogSetup.hasOwnConfiguration(own));
    }
    // the tests' own logback-test.xml is on this class path, so the tests keep their configuration
    assertTrue(LogSetup.hasOwnConfiguration(LogSetup.class.getClassLoader()));
  }
}

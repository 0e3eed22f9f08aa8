package io.rlsearch.app;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * Logback's {@link PatternLayoutEncoder}, built when the first event is written rather than at start.
 * Loading Logback's pattern layout generates about 66 lambda classes (its converter table), and that
 * bytecode generation runs hot enough for the JIT to compile the generator with its optimizing compiler
 * (about 0.5 s of CPU at every start, measured with the compilation log). Most runs of a study log
 * nothing at WARN, so they never pay it; the first warning does, once.
 *
 * <p>The lines are exactly those of a {@code PatternLayoutEncoder} with the same pattern (tested).
 */
final class LazyPatternEncoder extends EncoderBase<ILoggingEvent> {
  private final String pattern;
  private volatile Encoder<ILoggingEvent> delegate;

  LazyPatternEncoder(String pattern) {
    this.pattern = pattern;
  }

  /** The pattern the lines are laid out with. */
  String getPattern() {
    return pattern;
  }

  /** Whether the pattern layout has been built (by the first event). */
  boolean built() {
    return delegate != null;
  }

  @Override
  public byte[] headerBytes() {
    // a pattern layout without a file header writes none
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate().encode(event);
  }

  @Override
  public byte[] footerBytes() {
    Encoder<ILoggingEvent> d = delegate;
    return d == null ? null : d.footerBytes();
  }

  @Override
  public void stop() {
    Encoder<ILoggingEvent> d = delegate;
    if (d != null) {
      d.stop();
    }
    super.stop();
  }

  private Encoder<ILoggingEvent> delegate() {
    Encoder<ILoggingEvent> d = delegate;
    if (d == null) {
      synchronized (this) {
        d = delegate;
        if (d == null) {
          PatternLayoutEncoder p = new PatternLayoutEncoder();
          p.setContext(getContext());
          p.setPattern(pattern);
          p.start();
          delegate = d = p;
        }
      }
    }
    return d;
  }
}

package io.rlsearch.actors.serve;

import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The serving path's decision log: every served decision as a JSON Line (the format `ope` reads).
 *
 * <p>Nothing already on disk is truncated: a file that exists is first moved aside to the first free
 * {@code NAME.1}, {@code NAME.2}, ... Lines are buffered and flushed every second, on request, and
 * when the actor stops; the serving system drains and flushes it in a coordinated-shutdown task before
 * the actor system stops, so a SIGTERM under load loses no answered decision. A line that cannot be
 * written is counted as lost and reported (the first at once, then every 10 s, at ERROR), and the
 * log goes on with the next lines: the loss is loud, never silent.
 *
 * <p>Decisions reach the log through a {@link Backlog} of {@link #QUEUE} lines: a shard sends a line
 * only while fewer wait, so a slow disk cannot grow the heap nor slow the serving path. A line that
 * finds the backlog full is dropped, counted ({@link Flushed#dropped()}, the metrics) and reported
 * like a lost one: within a second, then every 10 s, and when the log closes.
 */
public final class DecisionLogActor extends AbstractBehavior<DecisionLogActor.Command> {
  /** Messages accepted by the log. */
  public sealed interface Command {}

  /** A decision to write. */
  public record Write(LoggedDecision decision) implements Command {}

  /** Flushes and replies with the lines written and lost so far. */
  public record Flush(ActorRef<Flushed> replyTo) implements Command {}

  /**
   * The log's counts after a flush.
   *
   * @param lines lines written
   * @param lost lines that could not be written (the disk refused them)
   * @param dropped lines never sent to the log because its backlog was full
   */
  public record Flushed(long lines, long lost, long dropped) {}

  /** Lines that may wait for the log (about 10 MB; 1.6 s of a disk stall at 10,000 requests/s). */
  public static final int QUEUE = 16_384;

  private enum Tick implements Command { INSTANCE }

  /** How often buffered lines are flushed. */
  static final java.time.Duration FLUSH_EVERY = java.time.Duration.ofSeconds(1);

  /**
   * A log writing to {@code file} (an existing file is moved aside first, never truncated); lines reach
   * it through {@code backlog} (the shards take a place there, the log gives it back).
   */
  public static Behavior<Command> create(Path file, Backlog backlog) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, FLUSH_EVERY);
      return new DecisionLogActor(ctx, file, backlog);
    }));
  }

  /**
   * The adapter shards write through. A {@link Flush} sent to it reaches the log after every decision
   * the adapter received before it (one mailbox, in order): what a drain must flush.
   */
  public static Behavior<Object> writer(ActorRef<Command> log) {
    return Behaviors.receiveMessage(m -> {
      if (m instanceof LoggedDecision d) {
        log.tell(new Write(d));
      } else if (m instanceof Flush f) {
        log.tell(f);
      }
      return Behaviors.same();
    });
  }

  /** Moves an existing {@code file} to the first free {@code file.N}; the path it was moved to, if any. */
  static java.util.Optional<Path> rotate(Path file) throws IOException {
    if (!Files.exists(file)) {
      return java.util.Optional.empty();
    }
    for (int n = 1; ; n++) {
      Path aside = file.resolveSibling(file.getFileName() + "." + n);
      if (!Files.exists(aside)) {
        Files.move(file, aside);
        return java.util.Optional.of(aside);
      }
    }
  }

  private final BufferedWriter out;
  private final Path file;
  private long lines;
  private long lost;
  private long lostReported;
  private String lastError = "";
  private long ticks;
  private final Backlog backlog;
  private long droppedReported;

  private DecisionLogActor(ActorContext<Command> ctx, Path file, Backlog backlog) throws IOException {
    super(ctx);
    this.file = file;
    this.backlog = java.util.Objects.requireNonNull(backlog, "backlog");
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    java.util.Optional<Path> aside = rotate(file);
    aside.ifPresent(a -> ctx.getLog().warn("decision log {} existed: moved to {}", file, a));
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Write.class, w -> {
          backlog.taken();
          try {
            out.write(DecisionLog.toLine(w.decision()));
            out.write('\n');
            lines++;
          } catch (IOException e) {
            lost(1, e);
          }
          return this;
        })
        .onMessage(Flush.class, f -> {
          flush();
          f.replyTo().tell(new Flushed(lines, lost, backlog.dropped()));
          return this;
        })
        .onMessage(Tick.class, t -> {
          flush();
          if (++ticks % 10 == 0 || (droppedReported == 0 && backlog.dropped() > 0)) {
            report();
          }
          return this;
        })
        .onSignal(PostStop.class, s -> {
          flush();
          report();
          try {
            out.close();
          } catch (IOException e) {
            getContext().getLog().error("Decision log {} not closed cleanly: [{}]", file, e.toString());
          }
          return this;
        })
        .build();
  }

  private long unflushed() {
    return lines - flushedLines;
  }

  private long flushedLines;

  private void flush() {
    try {
      out.flush();
      flushedLines = lines;
    } catch (IOException e) {
      // The buffered lines are gone with the failed flush: counted as lost (written no more).
      long gone = unflushed();
      lines -= gone;
      lost(gone, e);
    }
  }

  private void lost(long n, IOException e) {
    lost += n;
    lastError = e.getMessage();
    if (lostReported == 0) {
      report();
    }
  }

  /**
   * Reports the lines lost and dropped since the last report (the first loss at once, the first drop
   * within a tick, then every 10 ticks, and when the log closes).
   */
  private void report() {
    long dropped = backlog.dropped();
    if (dropped > droppedReported) {
      getContext().getLog().error("decision log {}: {} line(s) dropped, the log could not keep up ({} dropped in all;"
          + " it holds at most {} waiting)", file, dropped - droppedReported, dropped, backlog.counts().capacity());
      droppedReported = dropped;
    }
    if (lost > lostReported) {
      getContext().getLog().error("decision log {}: {} line(s) could not be written ({} lost in all): {}", file,
          lost - lostReported, lost, lastError);
      lostReported = lost;
    }
  }
}

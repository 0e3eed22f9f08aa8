package io.rlsearch.actors.serve;

import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.LoggedDecision;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The serving path's decision log: every served decision as a JSON Line (the format `ope` reads),
 * buffered, flushed on request and when the actor stops (a clean shutdown loses nothing).
 */
public final class DecisionLogActor extends AbstractBehavior<DecisionLogActor.Command> {
  /** Messages accepted by the log. */
  public sealed interface Command {}

  /** A decision to write. */
  public record Write(LoggedDecision decision) implements Command {}

  /** Flushes and replies with the lines written so far. */
  public record Flush(ActorRef<Long> replyTo) implements Command {}

  /** A log writing to {@code file} (replaced if it exists). */
  public static Behavior<Command> create(Path file) {
    return Behaviors.setup(ctx -> new DecisionLogActor(ctx, file));
  }

  /** The adapter shards write through. */
  public static Behavior<LoggedDecision> writer(ActorRef<Command> log) {
    return Behaviors.receiveMessage(d -> {
      log.tell(new Write(d));
      return Behaviors.same();
    });
  }

  private final BufferedWriter out;
  private long lines;

  private DecisionLogActor(ActorContext<Command> ctx, Path file) throws IOException {
    super(ctx);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Write.class, w -> {
          try {
            out.write(DecisionLog.toLine(w.decision()));
            out.write('\n');
          } catch (IOException e) {
            throw new UncheckedIOException("cannot write the decision log: " + e.getMessage(), e);
          }
          lines++;
          return this;
        })
        .onMessage(Flush.class, f -> {
          flush();
          f.replyTo().tell(lines);
          return this;
        })
        .onSignal(PostStop.class, s -> {
          try {
            out.close();
          } catch (IOException e) {
            getContext().getLog().error("Decision log not closed cleanly: [{}]", e.toString());
          }
          return this;
        })
        .build();
  }

  private void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush the decision log: " + e.getMessage(), e);
    }
  }
}

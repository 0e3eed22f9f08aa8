package io.rlsearch.actors.cluster;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * A clustered run's policy registry, a cluster singleton on a learner node: takes each version the
 * learner publishes, keeps the ones published last and the history of version numbers, pushes every version
 * to all nodes by pub-sub and answers the nodes that ask for one they missed.
 */
public final class PolicyRegistrySingleton {
  /** Versions kept to answer late requests. */
  static final int KEEP = 8;

  private PolicyRegistrySingleton() {}

  /** Messages accepted by the registry. */
  public sealed interface Command extends CborSerializable {}

  /** A new version, from the learner. */
  public record Publish(PolicyPublished policy) implements Command {}

  /** A node's cache asks for a version it missed; answered with the version or {@link PolicyMissing}. */
  public record FetchPolicy(String runId, long version, ActorRef<FetchReply> replyTo) implements Command {}

  /** The answer to {@link FetchPolicy}: {@link PolicyPublished} or {@link PolicyMissing}. */
  public interface FetchReply extends CborSerializable {}

  /** The registry does not hold that version (not published yet, or long replaced). */
  public record PolicyMissing(String runId, long version) implements FetchReply {}

  /** Replies with the version numbers published so far. */
  public record GetHistory(ActorRef<History> replyTo) implements Command {}

  /** The version numbers published, in order. */
  public record History(List<Long> versions) implements CborSerializable {}

  /** A registry publishing to {@code topic}. */
  public static Behavior<Command> create(ActorRef<Topic.Command<PolicyPublished>> topic) {
    return Behaviors.setup(ctx -> {
      // The versions published last (a coordinator resumed from a checkpoint publishes older versions
      // again, and its shards ask for those): insertion order, a version published again moves to the end.
      java.util.LinkedHashMap<Long, PolicyPublished> kept = new java.util.LinkedHashMap<>();
      List<Long> history = new ArrayList<>();
      return Behaviors.receive(Command.class)
          .onMessage(Publish.class, p -> {
            // A coordinator that resumed (another learner node, or a restart) publishes its version again.
            if (!history.contains(p.policy().version())) {
              history.add(p.policy().version());
            }
            kept.remove(p.policy().version());
            kept.put(p.policy().version(), p.policy());
            while (kept.size() > KEEP) {
              kept.remove(kept.keySet().iterator().next());
            }
            topic.tell(Topic.publish(p.policy()));
            return Behaviors.same();
          })
          .onMessage(FetchPolicy.class, f -> {
            PolicyPublished p = kept.get(f.version());
            if (p != null && p.runId().equals(f.runId())) {
              f.replyTo().tell(p);
            } else {
              f.replyTo().tell(new PolicyMissing(f.runId(), f.version()));
            }
            return Behaviors.same();
          })
          .onMessage(GetHistory.class, g -> {
            g.replyTo().tell(new History(List.copyOf(history)));
            return Behaviors.same();
          })
          .build();
    });
  }
}

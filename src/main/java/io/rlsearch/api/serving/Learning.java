package io.rlsearch.api.serving;

import com.typesafe.config.Config;
import io.rlsearch.actors.serve.OnlineLearningActor;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.api.BadRequestException;
import io.rlsearch.api.RunConfig;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.serving.Joined;
import io.rlsearch.serving.OnlineLearning;
import io.rlsearch.serving.ServingSchema;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Online learning on a running serving path ({@code serve --learn AGENT}): the agent learns from the
 * joined decisions of the feedback join, through the same learner actor as {@code train}, and each
 * version it publishes enters as the canary, gated ({@link OnlineLearningActor},
 * {@link io.rlsearch.serving.CanaryGate}). Off unless asked for.
 */
public final class Learning {
  private Learning() {}

  /**
   * The settings of the flags over those of {@code serving.learn} in {@code config}
   * ({@link OnlineLearning.Settings#of}); empty: learning is off.
   *
   * @throws BadRequestException one line naming the flag or key and what it accepts
   */
  public static Optional<OnlineLearning.Settings> settings(Optional<String> agent, Optional<Double> share,
      Optional<Integer> gate, Optional<Integer> publishEvery, Optional<Config> config) {
    try {
      return OnlineLearning.Settings.of(config.orElse(com.typesafe.config.ConfigFactory.empty()), agent, share, gate,
          publishEvery);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  /**
   * Starts online learning on {@code sys} with {@code s}, under its schema, on the joined decisions of
   * its feedback join ({@link ServingSystem#subscribeJoined}). The agent's native resources (a neural
   * agent's shared DJL learner) are released when {@code sys} closes.
   *
   * @return the online-learning actor (for its counts)
   * @throws BadRequestException one line when the agent or the schema cannot learn online
   */
  public static ActorRef<OnlineLearningActor.Command> start(ServingSystem sys, OnlineLearning.Settings s) {
    ServingSchema schema = sys.schema();
    if (schema.candidate().size() != 10) {
      throw new BadRequestException("--learn: its agents weigh 10 candidate features (the boost weights); the"
          + " serving schema has " + schema.candidate().size());
    }
    if (!OnlineLearning.NEURAL.contains(s.agent())
        && !schema.candidate().containsAll(io.rlsearch.serving.ServingSchema.WORLD_CANDIDATE)) {
      // The template bandits' arms are the templates, boost vectors over the world's candidate features.
      throw new BadRequestException("--learn " + s.agent() + ": its arms are the eight templates, boost vectors over"
          + " the candidate features " + String.join(", ", io.rlsearch.serving.ServingSchema.WORLD_CANDIDATE)
          + "; the serving schema lacks some of them (contq, reinforce, reinforce_baseline and ppo learn weights over"
          + " any 10)");
    }
    int dim = io.rlsearch.serving.ServingPolicies.bareContext(schema).size();
    RunConfig cfg = RunConfig.load(Optional.empty(), Optional.empty());
    boolean neural = OnlineLearning.NEURAL.contains(s.agent());
    SharedLearner shared = neural ? new SharedLearner(cfg.learnerDevice()) : null;
    PolicySnapshot v0;
    AgentBuilder agent;
    try {
      // Single-session: each joined decision is its own one-step episode.
      agent = neural ? RunConfig.neural(s.agent(), shared, false) : cfg.agent(s.agent());
      UpdateRule rule = agent.create(OnlineLearning.templates().size(), dim);
      try {
        v0 = rule.snapshot(0);
      } finally {
        rule.close();
      }
    } catch (RuntimeException e) {
      if (shared != null) {
        shared.close();
      }
      throw new BadRequestException("--learn " + s.agent() + ": " + e.getMessage());
    }
    if (shared != null) {
      sys.closeAfterStop(shared);
    }
    ActorRef<OnlineLearningActor.Command> actor = sys.spawnPart(OnlineLearningActor.create(agent, v0, dim, s,
        sys.registry()), "online-learning");
    ActorRef<Joined> inbox = AskPattern.<OnlineLearningActor.Command, ActorRef<Joined>>ask(actor,
        OnlineLearningActor.GetInbox::new, Duration.ofSeconds(10), sys.system().scheduler()).toCompletableFuture()
        .join();
    actor.tell(new OnlineLearningActor.Subscribed(sys.subscribeJoined(inbox)));
    return actor;
  }

  /** The online learner's counts. */
  public static OnlineLearningActor.Stats stats(ServingSystem sys, ActorRef<OnlineLearningActor.Command> actor) {
    return AskPattern.<OnlineLearningActor.Command, OnlineLearningActor.Stats>ask(actor,
        OnlineLearningActor.GetStats::new, Duration.ofSeconds(10), sys.system().scheduler()).toCompletableFuture()
        .join();
  }
}

package io.rlsearch.serving;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import io.rlsearch.experiments.Task;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Online learning from real feedback: which agents learn from a search service's joined decisions,
 * which decisions each can use, and the transition it learns from.
 *
 * <p>The agents are those of the serving task, whose policies rank a request by boost weights over
 * the schema's ten candidate features:
 *
 * <ul>
 *   <li><b>On-policy</b> Gaussian policies ({@code reinforce}, {@code reinforce_baseline},
 *       {@code ppo}) learn only from decisions their own versions made. REINFORCE treats each action
 *       as a sample of its current policy and does not read the propensity; PPO reads it as the
 *       behaviour density {@code mu} and weights each decision's advantage by the truncated
 *       importance ratio {@code min(1, pi / mu)} of its current policy (V-trace), which corrects for
 *       the versions it published since the decision was served.
 *   <li><b>Off-policy weights</b> ({@code contq}) fits a Q-function of context and weight vector:
 *       any decision that is a weight vector of ten values (a template arm is its weight vector),
 *       whichever version made it; it does not read the propensity.
 *   <li><b>Template arms</b> ({@code linucb}, {@code ts} and the drift-aware {@code
 *       discounted_linucb}, {@code restart_linucb}, {@code sliding_ts}) fit a reward model per
 *       template: any decision that is one of the eight battle templates, as an arm or as a weight
 *       vector equal to the template's given for sure (the ranking is the same); they do not read
 *       the propensity.
 * </ul>
 *
 * <p>A decision is judged by what its propensity is ({@link Propensity}): a probability and a density
 * are never compared with one another (see {@link #usable}).
 *
 * Pure and deterministic.
 */
public final class OnlineLearning {
  private OnlineLearning() {}

  /** How an agent learns, and so which decisions it can use. */
  public enum Kind {
    /** Gaussian policies that learn from their own decisions. */
    ON_POLICY,
    /** A Q-function over weight vectors, from any weight decision. */
    WEIGHTS,
    /** A reward model per template arm, from any decision that is a template. */
    TEMPLATES
  }

  /** The agents {@code serve --learn} accepts, in the order the refusal names them. */
  public static final List<String> ACCEPTED = List.of("contq", "reinforce", "reinforce_baseline", "ppo", "linucb",
      "ts", "discounted_linucb", "restart_linucb", "sliding_ts");

  /** The weight-task agents among {@link #ACCEPTED} (they train in the shared DJL learner). */
  public static final List<String> NEURAL = List.of("contq", "reinforce", "reinforce_baseline", "ppo");

  /**
   * How {@code agent} learns.
   *
   * @throws IllegalArgumentException one line naming the agents accepted
   */
  public static Kind kind(String agent) {
    return switch (agent) {
      case "reinforce", "reinforce_baseline", "ppo" -> Kind.ON_POLICY;
      case "contq" -> Kind.WEIGHTS;
      case "linucb", "ts", "discounted_linucb", "restart_linucb", "sliding_ts" -> Kind.TEMPLATES;
      default -> throw new IllegalArgumentException("--learn: '" + agent + "' cannot learn online on the serving task;"
          + " accepted: " + String.join(", ", ACCEPTED));
    };
  }

  /** The template arms' weight vectors (the eight battle templates). */
  public static List<double[]> templates() {
    return Task.BoostWeights.battleTemplates().armWeights();
  }

  /**
   * Online learning's settings.
   *
   * @param agent the learning agent
   * @param share the traffic share each candidate version gets as the canary, in (0, 1)
   * @param gate joined feedbacks on the candidate before the gate decides (at least 2)
   * @param publishEvery transitions learned between published versions
   * @param buffer joined decisions that may wait for the learner; beyond, one is dropped and counted
   */
  public record Settings(String agent, double share, int gate, int publishEvery, int buffer) {
    /** The default share: a candidate serves a tenth of the traffic. */
    public static final double SHARE = 0.1;
    /** The default gate. */
    public static final int GATE = 1000;
    /** The default interval between published versions. */
    public static final int PUBLISH_EVERY = 500;
    /** The default bound of the learner's queue. */
    public static final int BUFFER = 4096;

    public Settings {
      Objects.requireNonNull(agent, "agent");
      Kind kind = kind(agent);
      if (!(share > 0 && share < 1)) {
        throw new IllegalArgumentException("--learn-share must lie in (0, 1): the live version keeps the rest to"
            + " compare with; got " + share);
      }
      if (gate < 2) {
        throw new IllegalArgumentException("--learn-gate must be >= 2 feedbacks (an interval needs two), got " + gate);
      }
      if (publishEvery < 1) {
        throw new IllegalArgumentException("--learn-publish-every must be >= 1, got " + publishEvery);
      }
      if (kind == Kind.ON_POLICY && publishEvery > gate) {
        throw new IllegalArgumentException("--learn " + agent + " learns only from its own versions' decisions:"
            + " --learn-publish-every (" + publishEvery + ") must be <= --learn-gate (" + gate + ") so that every"
            + " candidate's feedback yields the next version");
      }
      if (buffer < 1 || buffer > 1_000_000) {
        throw new IllegalArgumentException("serving.learn.buffer must be in 1..1000000, got " + buffer);
      }
    }

    /** {@code agent} with the default share, gate, interval and buffer. */
    public static Settings of(String agent) {
      return new Settings(agent, SHARE, GATE, PUBLISH_EVERY, BUFFER);
    }

    /**
     * The settings of {@code c}'s {@code serving.learn} section: {@code agent}, {@code share},
     * {@code gate}, {@code publish_every}, {@code buffer}; what is absent takes the default. Empty
     * without an {@code agent} (online learning is off by default).
     *
     * @throws IllegalArgumentException one line naming the key and what it accepts
     */
    public static Optional<Settings> fromConfig(Config c) {
      return of(c, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The settings of the command's flags over those of {@code c}'s {@code serving.learn} section
     * (see {@link #fromConfig}). Without a flag or a key, the default; an on-policy agent's default
     * interval is at most its gate. Empty when neither names an agent.
     *
     * @throws IllegalArgumentException one line naming the flag or key and what it accepts
     */
    public static Optional<Settings> of(Config c, Optional<String> agent, Optional<Double> share,
        Optional<Integer> gate, Optional<Integer> publishEvery) {
      try {
        Config l = c.hasPath("serving.learn") ? c.getConfig("serving.learn") : com.typesafe.config.ConfigFactory.empty();
        for (String k : l.root().keySet()) {
          if (!Set.of("agent", "share", "gate", "publish_every", "buffer").contains(k)) {
            throw new IllegalArgumentException("serving.learn." + k + " is not a key; accepted: agent, share, gate,"
                + " publish_every, buffer");
          }
        }
        Optional<String> a = agent.or(() -> l.hasPath("agent") ? Optional.of(l.getString("agent")) : Optional.empty());
        if (a.isEmpty()) {
          if (share.isPresent() || gate.isPresent() || publishEvery.isPresent()) {
            throw new IllegalArgumentException("--learn-share, --learn-gate and --learn-publish-every need --learn"
                + " AGENT (or serving.learn.agent)");
          }
          return Optional.empty();
        }
        Kind kind = kind(a.get());
        double sh = share.orElse(l.hasPath("share") ? l.getDouble("share") : SHARE);
        int g = gate.orElse(l.hasPath("gate") ? l.getInt("gate") : GATE);
        int p = publishEvery.orElse(l.hasPath("publish_every") ? l.getInt("publish_every")
            : kind == Kind.ON_POLICY && g >= 1 ? Math.min(PUBLISH_EVERY, g) : PUBLISH_EVERY);
        return Optional.of(new Settings(a.get(), sh, g, p, l.hasPath("buffer") ? l.getInt("buffer") : BUFFER));
      } catch (ConfigException e) {
        throw new IllegalArgumentException("serving.learn: " + e.getMessage());
      }
    }

  }

  /**
   * What a logged propensity is, by the decision's {@code propensity_of} ({@link Ranked#propensityOf}):
   * a probability or a density, and of what. A probability lies in (0, 1]; a density is any finite
   * positive number (above 1 for a narrow Gaussian): the two are never compared or converted into one
   * another.
   */
  public enum Propensity {
    /** {@code arm}: the probability of the template arm chosen. */
    ARM,
    /**
     * {@code weights}: the density of the boost-weight vector chosen (1, a marker, for a policy that
     * gives its weights for sure: a constant or greedy one).
     */
    WEIGHTS,
    /**
     * {@code ranking}, {@code exploration}, {@code deterministic}: a slate policy's probability of its
     * ranking or of its exploration branch; its decision is the candidates' scores, not boost weights.
     */
    SLATE,
    /** Anything else: not known, so not used. */
    UNKNOWN;

    /** The kind that {@code propensityOf} names. */
    public static Propensity of(String propensityOf) {
      return switch (propensityOf) {
        case "arm" -> ARM;
        case "weights" -> WEIGHTS;
        case "ranking", "exploration", "deterministic" -> SLATE;
        default -> UNKNOWN;
      };
    }
  }

  /**
   * The decision {@code kind} learns from {@code d}, whose propensity is of kind {@code propensityOf},
   * or empty if it cannot use it. The rule per kind of propensity:
   *
   * <ul>
   *   <li>an arm's probability ({@code arm}, an arm decision): the template bandits take it as it
   *       is; the Q-function ({@link Kind#WEIGHTS}) takes the template's weights, keeping the arm's
   *       probability (it reads no propensity); an on-policy agent, which reads the behaviour density,
   *       does not take it;
   *   <li>a weight vector's density ({@code weights}, ten weights): the weight learners take it as it
   *       is, whatever its size; the template bandits take it only when the weights are a template's
   *       and the density is the marker 1 of a policy that gives its weights for sure: that policy
   *       chose the template with probability 1. A density puts no mass on one vector, so any other
   *       density says nothing of the template's probability and the decision is not taken (a density
   *       is never clamped into a probability);
   *   <li>a slate's probability ({@code ranking}, {@code exploration}, {@code deterministic}): its
   *       decision is the candidates' scores, never boost weights, whatever their number: not taken;
   *   <li>a decision whose form disagrees with its kind (an arm said to have a density, weights said
   *       to be an arm), or an unknown kind: not taken.
   * </ul>
   *
   * An on-policy agent takes only its lineage's decisions.
   *
   * @param fromLineage whether the version that served it is one the learner published
   */
  public static Optional<Decision> usable(Kind kind, Decision d, String propensityOf, boolean fromLineage) {
    List<double[]> arms = templates();
    Propensity of = Propensity.of(propensityOf);
    boolean arm = of == Propensity.ARM && !d.continuous() && d.arm() < arms.size();
    boolean weights = of == Propensity.WEIGHTS && d.continuous() && d.action().length == 10;
    switch (kind) {
      case TEMPLATES -> {
        if (arm) {
          return Optional.of(d);
        }
        if (!weights || d.propensity() != 1.0) {
          return Optional.empty();
        }
        double[] w = d.action();
        for (int a = 0; a < arms.size(); a++) {
          if (Arrays.equals(arms.get(a), w)) {
            // The same weights rank the same way, given for sure: that template, with probability 1.
            return Optional.of(Decision.arm(a, 1.0));
          }
        }
        return Optional.empty();
      }
      case WEIGHTS -> {
        if (arm) {
          return Optional.of(Decision.continuous(arms.get(d.arm()), d.propensity()));
        }
        return weights ? Optional.of(d) : Optional.empty();
      }
      case ON_POLICY -> {
        return fromLineage && weights ? Optional.of(d) : Optional.empty();
      }
      default -> throw new IllegalStateException("unknown kind " + kind);
    }
  }

  /**
   * The transition the learner learns from joined decision {@code j}, or empty when {@code kind}
   * cannot use it (see {@link #usable}) or its policy read another number of context features than
   * the learner's {@code dim}.
   *
   * <p>What a real request gives: the context (the features the policy read, in its order), the
   * decision and its logged propensity, the reward, the outcome's parts (GMV, CM2, strategic
   * purchases, clicks), the purchases as orders, the returned candidates as impressions, and per
   * returned position whether it was clicked and bought. What the simulator fills and a real request
   * lacks takes a neutral value that no learner reads as an observation: each decision is its own
   * one-session user ({@code user = episode}, {@code session = 0}); the satisfaction, the rank
   * change, the private-label exposure and the diversity are NaN (not measured); the segment is -1
   * (unknown); there is no slate of simulator slots and no per-position reward.
   *
   * @param episode the transition's running number (unique within the learner's run)
   * @param lineage whether a serving version's id is one the learner published
   */
  public static Optional<Transition> transition(Joined j, long episode, Kind kind, LongPredicate lineage, int dim) {
    PendingDecision p = j.decision();
    double[] x = p.policyInput();
    if (x.length != dim) {
      return Optional.empty();
    }
    Optional<Decision> d = usable(kind, p.decision(), p.propensityOf(), lineage.test(p.version()));
    if (d.isEmpty()) {
      return Optional.empty();
    }
    Feedback f = j.feedback();
    List<String> shown = p.returned();
    Set<String> clicks = Set.copyOf(f.clicks());
    Set<String> bought = new java.util.HashSet<>();
    for (Feedback.Purchase b : f.purchases()) {
      bought.add(b.id());
    }
    int[] clicked = new int[shown.size()];
    int[] boughtAt = new int[shown.size()];
    for (int i = 0; i < shown.size(); i++) {
      clicked[i] = clicks.contains(shown.get(i)) ? 1 : 0;
      boughtAt[i] = bought.contains(shown.get(i)) ? 1 : 0;
    }
    long strategic = f.purchases().stream().filter(Feedback.Purchase::strategic).count();
    Decision dd = d.get();
    return Optional.of(new Transition(episode, episode, 0, p.policy(), p.version(), x, dd.arm(),
        dd.continuous() ? dd.action() : null, dd.propensity(), j.reward(),
        new RewardBreakdown(f.gmv(), f.cm2(), strategic, f.clicks().size()), f.purchases().size(), shown.size(),
        Double.NaN, -1, null, clicked, boughtAt, Double.NaN, Double.NaN, Double.NaN, null));
  }
}

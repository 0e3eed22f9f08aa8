package io.rlsearch.sim;

import io.rlsearch.core.Action;
import io.rlsearch.core.Step;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;
import io.rlsearch.eval.Summary;
import java.util.ArrayList;
import java.util.List;

/**
 * A paired comparison of fixed ranking policies on one world, with common random numbers.
 *
 * <p>Episode {@code i} of every policy runs on its own stream, {@code SeedSequence(seed).child(i)}:
 * each policy meets the same user, the same query and the same base-score noise, and its session
 * starts from the same uniforms; differences between policies are then measured per episode and
 * their confidence intervals are those of paired differences, much narrower than comparing two
 * independent runs (the reference's Battle Royale shares one stream sequentially, so its agents
 * never see the same users).
 */
public final class StaticComparison {
  /** A fixed policy: how it ranks in one episode. */
  public sealed interface Policy {
    /** Display name. */
    String name();
  }

  /** A Chapter-6 template: ranks by base + template boosts. */
  public record Template(String name, float[] boosts) implements Policy {}

  /** A fixed boost-weight vector over the 10 features (zero = rank by base relevance). */
  public record Weights(String name, double[] weights) implements Policy {}

  /** Uniform random boost weights in [-a_max, a_max], drawn from the policy's own stream. */
  public record RandomWeights(String name) implements Policy {}

  /**
   * Per-policy results.
   *
   * @param name policy name
   * @param reward scalar reward per episode
   * @param gmv GMV per episode
   * @param cm2 CM2 per episode
   * @param orders purchases per episode
   * @param clicks clicks per episode
   * @param rewardVsFirst paired reward difference to the first policy
   */
  public record Result(String name, Summary reward, Summary gmv, Summary cm2, Summary orders, Summary clicks,
      Summary rewardVsFirst) {}

  private StaticComparison() {}

  /** The 8 standard templates and a random-weights policy, in that order. */
  public static List<Policy> standardPolicies(World world) {
    SimSettings s = world.settings();
    float[][] boosts = Templates.all(world.catalog(), s.action().aMax(), s.templates().popularAmplitude());
    List<Policy> out = new ArrayList<>();
    for (int id = 0; id < boosts.length; id++) {
      out.add(new Template(Templates.NAMES.get(id), boosts[id]));
    }
    out.add(new RandomWeights("Random weights"));
    return out;
  }

  /** Runs {@code episodes} paired episodes of every policy. */
  public static List<Result> run(World world, List<Policy> policies, long seed, int episodes) {
    if (episodes < 2) {
      throw new IllegalArgumentException("episodes must be >= 2 for confidence intervals, got " + episodes);
    }
    SeedSequence root = SeedSequence.of(seed);
    SearchSimulator env = new SearchSimulator(world, new NumpyRandom(root.child(0)));
    double[][][] m = new double[policies.size()][5][episodes];
    for (int p = 0; p < policies.size(); p++) {
      Policy policy = policies.get(p);
      NumpyRandom policyRng = new NumpyRandom(SeedSequence.of(seed).child(1_000_000 + p));
      for (int i = 0; i < episodes; i++) {
        env.useStream(new NumpyRandom(root.child(i)));
        env.reset();
        Step step = act(env, policy, policyRng, world.settings().action().aMax());
        m[p][0][i] = step.reward();
        m[p][1][i] = step.info().reward().gmv();
        m[p][2][i] = step.info().reward().cm2();
        int orders = 0;
        for (int b : step.info().buys()) {
          orders += b;
        }
        m[p][3][i] = orders;
        m[p][4][i] = step.info().reward().clicks();
      }
    }
    List<Result> out = new ArrayList<>();
    for (int p = 0; p < policies.size(); p++) {
      double[] diff = new double[episodes];
      for (int i = 0; i < episodes; i++) {
        diff[i] = m[p][0][i] - m[0][0][i];
      }
      out.add(new Result(policies.get(p).name(), Summary.of(m[p][0]), Summary.of(m[p][1]), Summary.of(m[p][2]),
          Summary.of(m[p][3]), Summary.of(m[p][4]), Summary.of(diff)));
    }
    return out;
  }

  private static Step act(SearchSimulator env, Policy policy, NumpyRandom policyRng, double aMax) {
    if (policy instanceof Template t) {
      return env.stepWithBoosts(t.boosts());
    }
    if (policy instanceof Weights w) {
      return env.step(new Action(w.weights()));
    }
    double[] a = new double[env.actionDim()];
    for (int d = 0; d < a.length; d++) {
      a[d] = policyRng.uniform(-aMax, aMax);
    }
    return env.step(new Action(a));
  }
}

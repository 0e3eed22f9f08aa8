package io.rlsearch.agents.bandit;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;

/**
 * The template agents on the runtime's SPI: a fixed template, uniform random, LinUCB and linear
 * Thompson sampling.
 *
 * <p>Snapshot semantics (the runtime acts with frozen snapshots, so a step counter cannot advance per
 * selection as in {@link LinUcb#select}): LinUCB's adaptive width uses {@code t = observations + 1}
 * at the snapshot; Thompson sampling draws its posterior sample from the episode's policy stream,
 * one {@code standard_normal(d)} per arm in arm order, and logs the exact probability of its choice (a
 * one-dimensional integral over independent Gaussian scores, {@code ThompsonSnapshot.choiceProbability}).
 * A Monte-Carlo count that includes the played draw would log {@code p + (1 - p) / S} in expectation,
 * several times too much for a rare arm, which shrinks its importance weights by as much.
 */
public final class BanditAgents {
  private BanditAgents() {}

  /** Always template {@code arm}. */
  public static AgentBuilder fixed(String name, int arm) {
    return new Stateless(name, (nArms, version) -> new FixedSnapshot(name, version, checkArm(arm, nArms), nArms));
  }

  /** Every template with probability {@code 1 / arms}. */
  public static AgentBuilder random() {
    return new Stateless("random", (nArms, version) -> new RandomSnapshot(version, nArms));
  }

  /** LinUCB with {@code settings}; the width is in reward units. */
  public static AgentBuilder linUcb(LinUcb.Settings settings) {
    return linUcb(settings, false);
  }

  /**
   * LinUCB with {@code settings}; with {@code scaled}, the width is {@code alpha} times the residual
   * standard deviation of the rewards, estimated online ({@link #noiseScale}), so alpha means the same
   * at any reward scale.
   */
  public static AgentBuilder linUcb(LinUcb.Settings settings, boolean scaled) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return "linucb";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        RidgeArm[] a = new RidgeArm[arms];
        for (int i = 0; i < arms; i++) {
          a[i] = new RidgeArm(dim, settings.lambda());
        }
        return new RidgeRule("linucb", a, 1.0, (frozen, version, observed, scale) -> new LinUcbSnapshot(version, frozen,
            settings, observed, scale), 0, Adaptation.none(settings.lambda()), scaled);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        if (!(snapshot instanceof LinUcbSnapshot s)) {
          throw new IllegalArgumentException("not a LinUCB snapshot: " + snapshot.agent());
        }
        return new RidgeRule("linucb", thaw(s.arms), 1.0, (frozen, version, observed, scale) -> new LinUcbSnapshot(
            version, frozen, settings, observed, scale), s.observed, Adaptation.none(settings.lambda()), scaled)
            .withNoise(s.observed, s.scale);
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        return ridgeRestore(state, "linucb", 1.0, (frozen, version, observed, scale) -> new LinUcbSnapshot(version,
            frozen, settings, observed, scale), scaled);
      }
    };
  }

  /**
   * Linear Thompson sampling with {@code settings}. {@code propensitySamples} is validated and kept for
   * configuration files that set it, but no longer used: the logged propensity is exact.
   */
  public static AgentBuilder thompson(LinearThompson.Settings settings, int propensitySamples) {
    return thompson(settings, propensitySamples, false);
  }

  /**
   * Linear Thompson sampling; with {@code scaled}, the posterior's covariance is scaled by the residual
   * variance of the rewards estimated online ({@link #noiseScale}) instead of {@code sigma^2}.
   */
  public static AgentBuilder thompson(LinearThompson.Settings settings, int propensitySamples, boolean scaled) {
    if (propensitySamples < 1) {
      throw new IllegalArgumentException("propensity samples must be >= 1, got " + propensitySamples);
    }
    double w = 1.0 / (settings.sigma() * settings.sigma());
    return new AgentBuilder() {
      @Override
      public String name() {
        return "ts";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        RidgeArm[] a = new RidgeArm[arms];
        for (int i = 0; i < arms; i++) {
          a[i] = new RidgeArm(dim, settings.lambda());
        }
        return new RidgeRule("ts", a, w, (frozen, version, observed, scale) -> new ThompsonSnapshot(version, frozen,
            observed, scale), 0, Adaptation.none(settings.lambda()), scaled);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        if (!(snapshot instanceof ThompsonSnapshot s)) {
          throw new IllegalArgumentException("not a Thompson sampling snapshot: " + snapshot.agent());
        }
        return new RidgeRule("ts", thaw(s.arms), w, (frozen, version, observed, scale) -> new ThompsonSnapshot(version,
            frozen, observed, scale), s.observed, Adaptation.none(settings.lambda()), scaled)
            .withNoise(s.observed, s.scale);
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        return ridgeRestore(state, "ts", w, (frozen, version, observed, scale) -> new ThompsonSnapshot(version, frozen,
            observed, scale), scaled);
      }
    };
  }

  /**
   * A drift-aware LinUCB ("discounted_linucb", "restart_linucb", ...): LinUCB whose statistics follow a
   * changing world as {@code adaptation} says.
   */
  public static AgentBuilder adaptiveLinUcb(String name, LinUcb.Settings settings, Adaptation adaptation) {
    SnapshotFactory f = (frozen, version, observed, scale) -> new LinUcbSnapshot(version, frozen, settings, observed,
        scale);
    return adaptive(name, settings.lambda(), 1.0, f, adaptation);
  }

  /** A drift-aware Thompson sampling ("sliding_ts", "discounted_ts", ...). */
  public static AgentBuilder adaptiveThompson(String name, LinearThompson.Settings settings, int propensitySamples,
      Adaptation adaptation) {
    double w = 1.0 / (settings.sigma() * settings.sigma());
    SnapshotFactory f = (frozen, version, observed, scale) -> new ThompsonSnapshot(version, frozen, observed, scale);
    return adaptive(name, settings.lambda(), w, f, adaptation);
  }

  private static AgentBuilder adaptive(String name, double lambda, double weight, SnapshotFactory f,
      Adaptation adaptation) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        RidgeArm[] a = new RidgeArm[arms];
        for (int i = 0; i < arms; i++) {
          a[i] = new RidgeArm(dim, lambda);
        }
        return new RidgeRule(name, a, weight, f, 0, adaptation, false);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        RidgeArm.Frozen[] frozen = snapshot instanceof LinUcbSnapshot ls ? ls.arms
            : ((ThompsonSnapshot) snapshot).arms;
        long observed = snapshot instanceof LinUcbSnapshot ls2 ? ls2.observed : ((ThompsonSnapshot) snapshot).observed;
        return new RidgeRule(name, thaw(frozen), weight, f, observed, adaptation, false);
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        RidgeRule r = ridgeRestore(state, name, weight, f, false);
        return new RidgeRule(name, r.arms, weight, f, r.observed, adaptation, false);
      }
    };
  }

  /**
   * The residual standard deviation of the rewards: the root mean square of the prequential residuals
   * (each reward minus its arm's prediction before it), with one pseudo-residual of 1 as a prior so
   * that the first snapshot has a width: {@code sqrt((1 + sum e^2) / (1 + n))}.
   */
  static double noiseScale(long n, double sumSq) {
    return Math.sqrt((1 + sumSq) / (1 + n));
  }

  /** Restarts after detected changes of a rule built here (0 for rules that never restart). */
  static long restarts(UpdateRule rule) {
    return rule instanceof RidgeRule r ? r.restarts() : 0;
  }

  private static int checkArm(int arm, int arms) {
    if (arm < 0 || arm >= arms) {
      throw new IllegalArgumentException("template id must be in 0.." + (arms - 1) + ", got " + arm);
    }
    return arm;
  }

  private static RidgeArm[] thaw(RidgeArm.Frozen[] frozen) {
    RidgeArm[] out = new RidgeArm[frozen.length];
    for (int i = 0; i < frozen.length; i++) {
      out[i] = RidgeArm.thaw(frozen[i]);
    }
    return out;
  }

  private interface SnapshotFactory {
    PolicySnapshot make(RidgeArm.Frozen[] arms, long version, long observed, double scale);
  }

  /**
   * How a ridge rule follows a world that changes (Chapter 15): discounting (every arm's statistics
   * fade by {@code gamma} per step, the prior kept at {@code lambda}), a sliding window (the oldest of
   * the last {@code window} observations is removed), or restarts (every arm and the detector back to
   * their start when a Page-Hinkley test on the standardised reward signals a drop; its delta and
   * threshold are in standard deviations of the reward, estimated over its first min-instances
   * rewards after each start).
   *
   * @param gamma discount per step (1: none)
   * @param window observations kept (0: all)
   * @param restart the change detector's settings, if restarts are on
   * @param lambda the ridge prior
   */
  public record Adaptation(double gamma, int window, java.util.Optional<io.rlsearch.eval.drift.PageHinkley.Settings> restart,
      double lambda) {
    public Adaptation {
      if (!(gamma > 0 && gamma <= 1) || window < 0 || !(lambda > 0)) {
        throw new IllegalArgumentException("adaptation needs gamma in (0, 1], window >= 0, lambda > 0");
      }
    }

    /** No adaptation (the stationary bandits). */
    static Adaptation none(double lambda) {
      return new Adaptation(1.0, 0, java.util.Optional.empty(), lambda);
    }
  }

  private record Observation(int arm, double[] x, double r) {}

  /** Ridge state per arm, shared by LinUCB and Thompson sampling (they differ in weight and in acting). */
  private static final class RidgeRule implements UpdateRule {
    private final String name;
    private final RidgeArm[] arms;
    private final double weight;
    private final SnapshotFactory factory;
    private long observed;
    private final Adaptation adaptation;
    private final java.util.ArrayDeque<Observation> window = new java.util.ArrayDeque<>();
    private final io.rlsearch.eval.drift.PageHinkley detector;
    private long restarts;
    private long scaleN;
    private double scaleMean;
    private double scaleM2;
    private final boolean scaled;
    /** Rewards seen by the noise estimate and their summed squared prediction residuals. */
    private long noiseN;
    private double noiseSumSq;

    /** This rule with the noise estimate of {@code n} residuals of root mean square {@code scale}. */
    RidgeRule withNoise(long n, double scale) {
      noiseN = n;
      noiseSumSq = Math.max(0, scale * scale * (n + 1) - 1);
      return this;
    }

    /** The width or posterior scale the snapshots use: the residual sd when scaled, else 1. */
    double scale() {
      return scaled ? noiseScale(noiseN, noiseSumSq) : 1.0;
    }

    RidgeRule(String name, RidgeArm[] arms, double weight, SnapshotFactory factory, long observed,
        Adaptation adaptation, boolean scaled) {
      this.scaled = scaled;
      this.name = name;
      this.arms = arms;
      this.weight = weight;
      this.factory = factory;
      this.observed = observed;
      this.adaptation = adaptation;
      this.detector = adaptation.restart().map(io.rlsearch.eval.drift.PageHinkley::new).orElse(null);
    }

    /**
     * Feeds the detector the reward in units of its spread: the first {@code minInstances} rewards
     * after a (re)start estimate the mean and standard deviation, and later ones go in as
     * {@code -(r - mean) / sd}, so the detector's delta and threshold are in standard deviations
     * whatever the reward's scale.
     */
    private boolean watch(double reward) {
      int warm = adaptation.restart().orElseThrow().minInstances();
      if (scaleN < warm) {
        scaleN++;
        double d = reward - scaleMean;
        scaleMean += d / scaleN;
        scaleM2 += d * (reward - scaleMean);
        return false;
      }
      double sd = scaleN > 1 ? Math.sqrt(scaleM2 / (scaleN - 1)) : 0;
      double z = sd > 0 ? (reward - scaleMean) / sd : 0;
      return detector.update(-z);
    }

    /** Restarts after detected changes. */
    long restarts() {
      return restarts;
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      int arm = decision.arm();
      if (arm < 0 || arm >= arms.length) {
        throw new IllegalArgumentException("arm must be in 0.." + (arms.length - 1) + ", got " + arm);
      }
      if (adaptation.gamma() < 1) {
        for (RidgeArm a : arms) {
          a.discount(adaptation.gamma(), adaptation.lambda());
        }
      }
      // Prequential residual: the arm's prediction before it sees this reward.
      double e = reward - arms[arm].dotTheta(context);
      noiseSumSq += e * e;
      noiseN++;
      arms[arm].update(context, reward, weight);
      observed++;
      if (adaptation.window() > 0) {
        window.add(new Observation(arm, context.clone(), reward));
        if (window.size() > adaptation.window()) {
          Observation old = window.poll();
          arms[old.arm()].downdate(old.x(), old.r(), weight);
        }
      }
      if (detector != null && watch(reward)) {
        for (RidgeArm a : arms) {
          a.reset(adaptation.lambda());
        }
        window.clear();
        // The detector restarts with the arms: its baseline held the old world's rewards, and a
        // persisting drop would otherwise alarm again and wipe the bandit every few dozen steps.
        detector.reset();
        scaleN = 0;
        scaleMean = 0;
        scaleM2 = 0;
        restarts++;
      }
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      RidgeArm.Frozen[] f = new RidgeArm.Frozen[arms.length];
      for (int i = 0; i < arms.length; i++) {
        f[i] = arms[i].freeze();
      }
      return factory.make(f, version, observed, scale());
    }

    @Override
    public boolean learns() {
      return true;
    }

    @Override
    public java.util.Optional<AgentState> state() {
      AgentState st = ridgeState(name, arms, observed);
      java.util.Map<String, double[]> a = new java.util.HashMap<>(st.arrays());
      java.util.Map<String, Long> c = new java.util.HashMap<>(st.counters());
      a.put("noise.sum_sq", new double[] {noiseSumSq});
      c.put("noise.n", noiseN);
      return java.util.Optional.of(new AgentState(name, a, c));
    }
  }

  private static AgentState ridgeState(String name, RidgeArm[] arms, long observed) {
    java.util.Map<String, double[]> a = new java.util.HashMap<>();
    java.util.Map<String, Long> c = new java.util.HashMap<>();
    c.put("arms", (long) arms.length);
    c.put("observed", observed);
    for (int i = 0; i < arms.length; i++) {
      RidgeArm.Frozen f = arms[i].freeze();
      a.put("arm" + i + ".theta", f.theta());
      a.put("arm" + i + ".l", f.cholesky());
      a.put("arm" + i + ".a", f.precisionMatrix());
      a.put("arm" + i + ".b", f.rhsVector());
      c.put("arm" + i + ".updates", f.updates());
      c.put("dim", (long) f.d());
    }
    return new AgentState(name, a, c);
  }

  private static RidgeRule ridgeRestore(AgentState s, String name, double weight, SnapshotFactory factory,
      boolean scaled) {
    checkAgent(s, name);
    int n = Math.toIntExact(s.counter("arms"));
    int d = Math.toIntExact(s.counter("dim"));
    RidgeArm[] arms = new RidgeArm[n];
    for (int i = 0; i < n; i++) {
      arms[i] = RidgeArm.thaw(new RidgeArm.Frozen(d, s.array("arm" + i + ".theta", d), s.array("arm" + i + ".l", d * d),
          s.array("arm" + i + ".a", d * d), s.array("arm" + i + ".b", d), s.counter("arm" + i + ".updates")));
    }
    RidgeRule r = new RidgeRule(name, arms, weight, factory, s.counter("observed"), Adaptation.none(1.0), scaled);
    if (s.has("noise.sum_sq")) {
      r.noiseSumSq = s.array("noise.sum_sq", 1)[0];
      r.noiseN = s.counter("noise.n");
    }
    return r;
  }

  private static void checkAgent(AgentState s, String name) {
    if (!s.agent().equals(name)) {
      throw new IllegalArgumentException("the state is agent '" + s.agent() + "''s, not '" + name + "''s");
    }
  }

  private interface StatelessFactory {
    PolicySnapshot make(int arms, long version);
  }

  /** A fixed policy: nothing to learn; every snapshot acts the same. */
  private record Stateless(String name, StatelessFactory factory) implements AgentBuilder {
    @Override
    public UpdateRule create(int arms, int dim) {
      return new UpdateRule() {
        @Override
        public void observe(double[] context, Decision decision, double reward) {
          // A fixed policy learns nothing.
        }

        @Override
        public PolicySnapshot snapshot(long version) {
          return factory.make(arms, version);
        }

        @Override
        public boolean learns() {
          return false;
        }

        @Override
        public java.util.Optional<AgentState> state() {
          return java.util.Optional.of(new AgentState(name, java.util.Map.of(), java.util.Map.of("arms", (long) arms)));
        }
      };
    }

    @Override
    public UpdateRule restore(PolicySnapshot snapshot) {
      int arms = snapshot instanceof RandomSnapshot r ? r.arms() : ((FixedSnapshot) snapshot).arms();
      return create(arms, 0);
    }

    @Override
    public UpdateRule restoreState(AgentState state) {
      checkAgent(state, name);
      return create(Math.toIntExact(state.counter("arms")), 0);
    }
  }

  private record FixedSnapshot(String agent, long version, int arm, int arms) implements PolicySnapshot {
    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      return Decision.arm(arm, 1.0);
    }
  }

  private record RandomSnapshot(long version, int arms) implements PolicySnapshot {
    @Override
    public String agent() {
      return "random";
    }

    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      return Decision.arm((int) rng.integers(0, arms), 1.0 / arms);
    }
  }

  /** A ridge bandit without exploration: the arm with the largest predicted reward. */
  private record MeanSnapshot(String agent, long version, RidgeArm.Frozen[] arms) implements PolicySnapshot {
    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < arms.length; a++) {
        double s = arms[a].dotTheta(x);
        if (s > bestScore) {
          bestScore = s;
          best = a;
        }
      }
      return Decision.arm(best, 1.0);
    }
  }

  /** LinUCB frozen at a version: the arm with the largest upper confidence bound. */
  private static final class LinUcbSnapshot implements PolicySnapshot {
    private final long version;
    private final RidgeArm.Frozen[] arms;
    private final double width;
    private final long observed;
    private final double scale;

    LinUcbSnapshot(long version, RidgeArm.Frozen[] arms, LinUcb.Settings s, long observed, double scale) {
      this.version = version;
      this.arms = arms;
      this.observed = observed;
      this.scale = scale;
      this.width = scale * (s.adaptiveAlpha() ? s.alpha() * Math.sqrt(Math.log1p(observed + 1)) : s.alpha());
    }

    @Override
    public PolicySnapshot greedy() {
      return new MeanSnapshot("linucb", version, arms);
    }

    @Override
    public String agent() {
      return "linucb";
    }

    @Override
    public long version() {
      return version;
    }

    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < arms.length; a++) {
        double s = arms[a].dotTheta(x) + width * Math.sqrt(Math.max(arms[a].quadraticForm(x), 0));
        if (s > bestScore) {
          bestScore = s;
          best = a;
        }
      }
      return Decision.arm(best, 1.0);
    }
  }

  /**
   * The standard normal CDF through the complementary error function (Chebyshev fit of Numerical
   * Recipes' erfcc, fractional error below 1.2e-7 everywhere).
   */
  static double normalCdf(double z) {
    double x = -z / Math.sqrt(2);
    double ax = Math.abs(x);
    double t = 1.0 / (1.0 + 0.5 * ax);
    double erfc = t * Math.exp(-ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
        + t * 0.17087277)))))))));
    double erfcX = x >= 0 ? erfc : 2 - erfc;
    return 0.5 * erfcX;
  }

  /** Simpson intervals of the exact propensity's integral. */
  static final int PROPENSITY_GRID = 256;

  /** Thompson sampling frozen at a version. */
  private static final class ThompsonSnapshot implements PolicySnapshot {
    private final long version;
    private final RidgeArm.Frozen[] arms;
    private final long observed;
    private final double scale;

    ThompsonSnapshot(long version, RidgeArm.Frozen[] arms, long observed, double scale) {
      this.version = version;
      this.arms = arms;
      this.observed = observed;
      this.scale = scale;
    }

    @Override
    public PolicySnapshot greedy() {
      return new MeanSnapshot("ts", version, arms);
    }

    @Override
    public String agent() {
      return "ts";
    }

    @Override
    public long version() {
      return version;
    }

    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      double[] z = new double[arms[0].d()];
      int chosen = draw(x, rng, z);
      return Decision.arm(chosen, choiceProbability(x, chosen));
    }

    /**
     * The exact probability that arm {@code k} has the largest sampled score: each arm's score
     * {@code theta_a^T x} with {@code theta_a ~ N(mean_a, A_a^-1)} is an independent Gaussian of mean
     * {@code mean_a^T x} and variance {@code x^T A_a^-1 x}, so {@code P(k) = E_t[prod_{j != k}
     * Phi((mu_k + s_k t - mu_j) / s_j)]} over a standard normal t, a one-dimensional integral taken by
     * composite Simpson over t in [-8, 8] (the mass outside is below 1e-15). Floored at 1e-12 (the arm
     * was chosen, so its probability is not 0).
     */
    double choiceProbability(double[] x, int k) {
      int n = arms.length;
      double[] mu = new double[n];
      double[] sd = new double[n];
      for (int a = 0; a < n; a++) {
        mu[a] = arms[a].dotTheta(x);
        sd[a] = scale * Math.sqrt(Math.max(arms[a].quadraticForm(x), 0));
      }
      if (n == 1) {
        return 1.0;
      }
      int steps = PROPENSITY_GRID;
      double lo = -8;
      double h = 16.0 / steps;
      double sum = 0;
      for (int i = 0; i <= steps; i++) {
        double t = lo + i * h;
        double s = mu[k] + sd[k] * t;
        double f = Math.exp(-0.5 * t * t);
        for (int j = 0; j < n && f > 0; j++) {
          if (j != k) {
            f *= sd[j] > 0 ? normalCdf((s - mu[j]) / sd[j]) : (s > mu[j] ? 1 : s == mu[j] ? 0.5 : 0);
          }
        }
        sum += (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2) * f;
      }
      double p = sum * h / 3 / Math.sqrt(2 * Math.PI);
      return Math.min(1.0, Math.max(p, 1e-12));
    }

    private int draw(double[] x, NumpyRandom rng, double[] z) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < arms.length; a++) {
        for (int i = 0; i < z.length; i++) {
          z[i] = scale * rng.standardNormal();
        }
        double s = arms[a].sampledScore(z, x);
        if (s > bestScore) {
          bestScore = s;
          best = a;
        }
      }
      return best;
    }
  }
}

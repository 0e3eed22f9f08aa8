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
            frozen, settings, observed, scale), scaled, Adaptation.none(settings.lambda()));
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
            observed, scale), scaled, Adaptation.none(settings.lambda()));
      }
    };
  }

  /**
   * A drift-aware LinUCB ("discounted_linucb", "restart_linucb", ...): LinUCB whose statistics follow a
   * changing world as {@code adaptation} says; its width is {@code alpha} residual standard deviations
   * of the reward, as {@link #linUcb(LinUcb.Settings, boolean)}'s when scaled.
   */
  public static AgentBuilder adaptiveLinUcb(String name, LinUcb.Settings settings, Adaptation adaptation) {
    SnapshotFactory f = (frozen, version, observed, scale) -> new LinUcbSnapshot(version, frozen, settings, observed,
        scale);
    return adaptive(name, settings.lambda(), 1.0, f, adaptation);
  }

  /**
   * A drift-aware Thompson sampling ("sliding_ts", "discounted_ts", ...); its posterior is scaled by the
   * residual variance of the reward, as {@link #thompson(LinearThompson.Settings, int, boolean)}'s when
   * scaled.
   */
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
        return new RidgeRule(name, a, weight, f, 0, adaptation, true);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        RidgeArm.Frozen[] frozen = snapshot instanceof LinUcbSnapshot ls ? ls.arms
            : ((ThompsonSnapshot) snapshot).arms;
        long observed = snapshot instanceof LinUcbSnapshot ls2 ? ls2.observed : ((ThompsonSnapshot) snapshot).observed;
        double scale = snapshot instanceof LinUcbSnapshot ls3 ? ls3.scale : ((ThompsonSnapshot) snapshot).scale;
        return new RidgeRule(name, thaw(frozen), weight, f, observed, adaptation, true).withNoise(observed, scale);
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        return ridgeRestore(state, name, weight, f, true, adaptation);
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
      if (adaptation.window() > 0) {
        // The window's observations, oldest first: each is downdated when it leaves.
        int d = arms[0].dim();
        double[] wa = new double[window.size()];
        double[] wx = new double[window.size() * d];
        double[] wr = new double[window.size()];
        int i = 0;
        for (Observation o : window) {
          wa[i] = o.arm();
          System.arraycopy(o.x(), 0, wx, i * d, d);
          wr[i] = o.r();
          i++;
        }
        a.put("window.arm", wa);
        a.put("window.x", wx);
        a.put("window.r", wr);
      }
      if (detector != null) {
        a.put("detector.page_hinkley", detector.state());
        a.put("detector.standardise", new double[] {scaleN, scaleMean, scaleM2});
        c.put("restarts", restarts);
      }
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
      boolean scaled, Adaptation adaptation) {
    checkAgent(s, name);
    long arms0 = s.counter("arms");
    long dim0 = s.counter("dim");
    // Checked before anything is allocated: a state edited by hand (its checksum recomputed) may say
    // anything. Each arm brings four arrays, and d * d must be an array length.
    if (arms0 < 1 || arms0 > s.arrays().size() || dim0 < 1 || dim0 > 46_340) {
      throw new IllegalArgumentException("the state of '" + name + "' has " + arms0 + " arm(s) of dimension " + dim0
          + " beside " + s.arrays().size() + " arrays; expected 1 or more arms, each with its arrays, and a dimension"
          + " of 1..46340");
    }
    int n = (int) arms0;
    int d = (int) dim0;
    RidgeArm[] arms = new RidgeArm[n];
    for (int i = 0; i < n; i++) {
      arms[i] = RidgeArm.thaw(new RidgeArm.Frozen(d, s.array("arm" + i + ".theta", d), s.array("arm" + i + ".l", d * d),
          s.array("arm" + i + ".a", d * d), s.array("arm" + i + ".b", d), s.counter("arm" + i + ".updates")));
    }
    RidgeRule r = new RidgeRule(name, arms, weight, factory, s.counter("observed"), adaptation, scaled);
    if (s.has("noise.sum_sq")) {
      r.noiseSumSq = s.array("noise.sum_sq", 1)[0];
      r.noiseN = s.counter("noise.n");
    }
    if (adaptation.window() > 0) {
      if (!s.has("window.arm")) {
        throw new IllegalArgumentException("the state of '" + name + "' has no sliding window (a checkpoint"
            + " written before windows were saved); it cannot continue exactly, so start a new run");
      }
      double[] wa = s.array("window.arm");
      int m = wa.length;
      if (m > adaptation.window()) {
        throw new IllegalArgumentException("the state of '" + name + "' holds a window of " + m
            + " observations, more than the agent's " + adaptation.window());
      }
      double[] wx = s.array("window.x", m * d);
      double[] wr = s.array("window.r", m);
      for (int i = 0; i < m; i++) {
        int arm = (int) wa[i];
        if (arm != wa[i] || arm < 0 || arm >= n) {
          throw new IllegalArgumentException("the state of '" + name + "' has a window arm " + wa[i] + " outside 0.."
              + (n - 1));
        }
        r.window.add(new Observation(arm, java.util.Arrays.copyOfRange(wx, i * d, (i + 1) * d), wr[i]));
      }
    }
    if (r.detector != null) {
      if (!s.has("detector.page_hinkley")) {
        throw new IllegalArgumentException("the state of '" + name + "' has no change detector (a checkpoint"
            + " written before detectors were saved); it cannot continue exactly, so start a new run");
      }
      r.detector.restore(s.array("detector.page_hinkley"));
      double[] st = s.array("detector.standardise", 3);
      r.scaleN = (long) st[0];
      r.scaleMean = st[1];
      r.scaleM2 = st[2];
      r.restarts = s.counter("restarts");
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
   * The standard normal CDF: Hart's double-precision algorithm 5666 as given by West (2005, "Better
   * approximations to cumulative normal functions"), absolute error below 4e-16 on the whole line
   * (relative error below 1e-13 down to -7, below 1e-8 beyond, where the CDF is under 1e-12).
   */
  static double normalCdf(double z) {
    double x = Math.abs(z);
    double c;
    if (x > 37) {
      c = 0;
    } else {
      double e = Math.exp(-0.5 * x * x);
      if (x < 7.07106781186547) {
        double num = ((((((3.52624965998911e-02 * x + 0.700383064443688) * x + 6.37396220353165) * x
            + 33.912866078383) * x + 112.079291497871) * x + 221.213596169931) * x + 220.206867912376);
        double den = (((((((8.83883476483184e-02 * x + 1.75566716318264) * x + 16.064177579207) * x
            + 86.7807322029461) * x + 296.564248779674) * x + 637.333633378831) * x + 793.826512519948) * x
            + 440.413735824752);
        c = e * num / den;
      } else {
        double b = x + 1 / (x + 2 / (x + 3 / (x + 4 / (x + 0.65))));
        c = e / b / 2.506628274631;
      }
    }
    return z > 0 ? 1 - c : c;
  }

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
     * {@code mean_a^T x} and variance {@code x^T A_a^-1 x}; the static {@code choiceProbability}
     * integrates over them.
     */
    double choiceProbability(double[] x, int k) {
      int n = arms.length;
      double[] mu = new double[n];
      double[] sd = new double[n];
      for (int a = 0; a < n; a++) {
        mu[a] = arms[a].dotTheta(x);
        sd[a] = scale * Math.sqrt(Math.max(arms[a].quadraticForm(x), 0));
      }
      return BanditAgents.choiceProbability(mu, sd, k);
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

  /** The exact propensity's integral: relative tolerance of its estimated error. */
  static final double PROPENSITY_REL_TOL = 1e-10;

  /** The exact propensity's integral: absolute tolerance of its estimated error. */
  static final double PROPENSITY_ABS_TOL = 1e-14;

  /** The most subintervals the integral may use (far more than any case seen needs). */
  private static final int PROPENSITY_MAX_INTERVALS = 4000;

  /** Gauss-Kronrod 15-point nodes on [-1, 1] (the non-negative half; QUADPACK's qk15). */
  private static final double[] XGK = {0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
      0.864864423359769072789712788640926, 0.741531185599394439863864773280788, 0.586087235467691130294144845693013,
      0.405845151377397166906606412076961, 0.207784955007898467600689403773245, 0.0};

  /** Kronrod weights of {@link #XGK}. */
  private static final double[] WGK = {0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
      0.104790010322250183839876322541518, 0.140653259715525918745189590510238, 0.169004726639267902826583426598550,
      0.190350578064785409913256402421014, 0.204432940075298892414161999234649, 0.209482141084727828012999174891714};

  /** Gauss 7-point weights at {@code XGK[1], XGK[3], XGK[5], XGK[7]}. */
  private static final double[] WG = {0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
      0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

  /**
   * The probability that the independent Gaussian score {@code N(mu[k], sd[k]^2)} is the largest of
   * the scores {@code N(mu[a], sd[a]^2)}: {@code P(k) = E_t[prod_{j != k} Phi((mu_k + s_k t - mu_j) / s_j)]}
   * over a standard normal t. The integral over t in [-8, 8] (the mass outside is below 1.3e-15) is
   * taken by adaptive Gauss-Kronrod (7-15 points). It is split first where the chosen arm's score
   * crosses another arm's mean ({@code t_j = (mu_j - mu_k) / s_k}: there the integrand steps over a
   * width {@code s_j / s_k}, very narrow for a far more certain arm) and 8 such widths either side of
   * it; then the subinterval of largest error is bisected until the summed error estimate
   * (QUADPACK's) is below {@link #PROPENSITY_REL_TOL} of the result or {@link #PROPENSITY_ABS_TOL},
   * whichever is larger. Floored at 1e-12 (the arm was chosen, so its probability is not 0).
   */
  static double choiceProbability(double[] mu, double[] sd, int k) {
    int n = mu.length;
    if (n == 1) {
      return 1.0;
    }
    if (!(sd[k] > 0)) {
      // The chosen arm's score is certain: the product at its mean.
      double p = 1;
      for (int j = 0; j < n; j++) {
        if (j != k) {
          p *= beats(mu[k], mu[j], sd[j]);
        }
      }
      return Math.min(1.0, Math.max(p, 1e-12));
    }
    double lo = -8;
    double hi = 8;
    // Cuts every 2 (the Gaussian factor alone needs no more at 15 points), and where arm j's CDF
    // steps: at t_j and 8 of its widths either side (beyond them the factor is 0 or 1 within 1e-15),
    // so that no step hides between the nodes of a wide subinterval.
    double[] cuts = new double[3 * n + 9];
    int m = 0;
    for (int c = -8; c <= 8; c += 2) {
      cuts[m++] = c;
    }
    for (int j = 0; j < n; j++) {
      if (j == k) {
        continue;
      }
      double t = (mu[j] - mu[k]) / sd[k];
      double w = 8 * sd[j] / sd[k];
      for (double c : new double[] {t - w, t, t + w}) {
        if (c > lo && c < hi) {
          cuts[m++] = c;
        }
      }
    }
    java.util.Arrays.sort(cuts, 0, m);
    java.util.PriorityQueue<double[]> queue = new java.util.PriorityQueue<>(
        (x, y) -> Double.compare(y[3], x[3]));
    double total = 0;
    double error = 0;
    for (int i = 0; i + 1 < m; i++) {
      if (cuts[i + 1] > cuts[i]) {
        double[] piece = kronrod(mu, sd, k, cuts[i], cuts[i + 1]);
        queue.add(piece);
        total += piece[2];
        error += piece[3];
      }
    }
    while (error > Math.max(PROPENSITY_ABS_TOL, PROPENSITY_REL_TOL * Math.abs(total))
        && queue.size() < PROPENSITY_MAX_INTERVALS) {
      double[] worst = queue.poll();
      double mid = 0.5 * (worst[0] + worst[1]);
      double[] left = kronrod(mu, sd, k, worst[0], mid);
      double[] right = kronrod(mu, sd, k, mid, worst[1]);
      queue.add(left);
      queue.add(right);
      total += left[2] + right[2] - worst[2];
      error += left[3] + right[3] - worst[3];
    }
    // The result summed afresh in a fixed order (the running sum carries the subtractions' rounding).
    double[][] pieces = queue.toArray(new double[0][]);
    java.util.Arrays.sort(pieces, (x, y) -> Double.compare(x[0], y[0]));
    double p = 0;
    for (double[] piece : pieces) {
      p += piece[2];
    }
    return Math.min(1.0, Math.max(p, 1e-12));
  }

  /** {@code P(N(mu_j, sd_j^2) < s)}: a step at {@code mu_j} when {@code sd_j} is 0. */
  private static double beats(double s, double muJ, double sdJ) {
    return sdJ > 0 ? normalCdf((s - muJ) / sdJ) : s > muJ ? 1 : s == muJ ? 0.5 : 0;
  }

  /** The choice integrand at t: the standard normal density times the other arms' CDFs. */
  private static double integrand(double[] mu, double[] sd, int k, double t) {
    double s = mu[k] + sd[k] * t;
    double f = Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
    for (int j = 0; j < mu.length && f > 0; j++) {
      if (j != k) {
        f *= beats(s, mu[j], sd[j]);
      }
    }
    return f;
  }

  /**
   * {@code {a, b, Kronrod estimate, error estimate}} of the integrand over [a, b]: QUADPACK's qk15
   * estimate, {@code |K - G|} scaled down by {@code min(1, (200 |K - G| / resasc)^1.5)} where resasc
   * is the integral of {@code |f - mean f|}, and at least 50 ulps of the integral of {@code |f|}.
   */
  private static double[] kronrod(double[] mu, double[] sd, int k, double a, double b) {
    double c = 0.5 * (a + b);
    double h = 0.5 * (b - a);
    double[] lo = new double[7];
    double[] up = new double[7];
    double fc = integrand(mu, sd, k, c);
    double kr = WGK[7] * fc;
    double g = WG[3] * fc;
    double abs = WGK[7] * Math.abs(fc);
    for (int i = 0; i < 7; i++) {
      lo[i] = integrand(mu, sd, k, c - h * XGK[i]);
      up[i] = integrand(mu, sd, k, c + h * XGK[i]);
      kr += WGK[i] * (lo[i] + up[i]);
      abs += WGK[i] * (Math.abs(lo[i]) + Math.abs(up[i]));
      if (i % 2 == 1) {
        g += WG[i / 2] * (lo[i] + up[i]);
      }
    }
    double mean = 0.5 * kr;
    double asc = WGK[7] * Math.abs(fc - mean);
    for (int i = 0; i < 7; i++) {
      asc += WGK[i] * (Math.abs(lo[i] - mean) + Math.abs(up[i] - mean));
    }
    double err = Math.abs((kr - g) * h);
    asc *= Math.abs(h);
    abs *= Math.abs(h);
    if (asc != 0 && err != 0) {
      err = asc * Math.min(1, Math.pow(200 * err / asc, 1.5));
    }
    if (abs > Double.MIN_NORMAL / (50 * Math.ulp(1.0))) {
      err = Math.max(50 * Math.ulp(1.0) * abs, err);
    }
    return new double[] {a, b, kr * h, err};
  }
}
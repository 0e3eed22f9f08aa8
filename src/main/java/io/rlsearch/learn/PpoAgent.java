package io.rlsearch.learn;

import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.pg.Advantages;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PPO with a Gaussian policy and a learned value function, trained in the {@link SharedLearner}.
 *
 * <p>Transitions are gathered into rollouts of {@code rollout} sessions. For each rollout the learner
 * fixes {@code pi_old} (its current policy), groups the sessions by user in session order (a user's
 * sessions form one trajectory in the multi-session world), and estimates advantages and value targets
 * by GAE(gamma, lambda) with truncated importance weights (V-trace, rhoBar = cBar = 1) of
 * {@code pi_old} over the behaviour density that was logged with each action. It then runs
 * {@code epochs} passes of minibatch steps on the clipped surrogate against {@code pi_old} plus an
 * entropy bonus, and the same passes of value regression on the targets.
 *
 * <p><b>Stale actors.</b> In throughput mode, shards act with versions a few snapshots behind the
 * learner. The correction is decoupled: the truncated weights {@code min(1, pi_old / mu)} (mu the
 * logged behaviour density) re-weight the advantages for the gap between the acting version and the
 * learner's, and the clip keeps each update near {@code pi_old}, so a stale batch can neither blow up
 * the ratio nor push the policy far (Hilton et al., 2021, "batch size-invariance for policy
 * optimization"; Espeholt et al., 2018).
 *
 * <p>Over returning users ({@code terminalAfter > 0}) a user's last session in a rollout is held for
 * the user's next session, whose value bootstraps it, until {@code terminalAfter} other sessions have
 * arrived (then the user has left: bootstrap 0); for one-session episodes (the Battle Royale) every
 * session ends its trajectory. Policy advantages are standardised before the truncated importance
 * weight multiplies them ({@link #estimates}).
 */
public final class PpoAgent {
  private PpoAgent() {}

  /**
   * PPO settings.
   *
   * @param lr policy learning rate (Adam)
   * @param valueLr value learning rate (Adam)
   * @param rollout sessions per rollout batch
   * @param epochs passes over each rollout
   * @param minibatch minibatch size
   * @param clipEps the surrogate's clip range
   * @param entropyCoef entropy bonus
   * @param gamma discount across a user's sessions
   * @param lambda GAE's lambda
   * @param clipNorm global gradient-norm cap
   * @param hidden hidden sizes of both networks
   * @param normalizeAdvantages whether advantages are standardised per rollout
   * @param seed initialisation and minibatch-order seed
   */
  public record Settings(double lr, double valueLr, int rollout, int epochs, int minibatch, double clipEps,
      double entropyCoef, double gamma, double lambda, double clipNorm, int[] hidden, boolean normalizeAdvantages,
      long seed) {
    public Settings {
      hidden = hidden.clone();
      if (!(lr > 0) || !(valueLr > 0) || rollout < 2 || epochs < 1 || minibatch < 1 || !(clipEps > 0)
          || !(entropyCoef >= 0) || !(gamma >= 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
        throw new IllegalArgumentException("PPO needs lr, value lr, clip > 0; rollout >= 2; epochs, minibatch >= 1;"
            + " entropy >= 0; gamma and lambda in [0, 1]");
      }
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /**
     * The Battle Royale's PPO: lr 3e-4, value lr 1e-3, rollouts of 64 sessions, 4 epochs of
     * minibatches of 16, clip 0.2, entropy 0.01, gamma 0.99, lambda 0.95, gradient norm 0.5, hidden
     * (64, 64), advantages standardised (the usual PPO defaults, scaled to the run's length).
     */
    public static Settings battle() {
      return new Settings(3e-4, 1e-3, 64, 4, 16, 0.2, 0.01, 0.99, 0.95, 0.5, new int[] {64, 64}, true, 42);
    }
  }

  /**
   * A rollout laid out for learning: the transitions' indices grouped by user in session order
   * ({@code trajectories}), for each trajectory the index of the transition whose value bootstraps its
   * end ({@code bootstrapFrom}, -1 when the trajectory ended), and the transitions held back for their
   * user's next session ({@code held}).
   */
  record Split(List<int[]> trajectories, int[] bootstrapFrom, int[] held) {}

  /**
   * Splits {@code ts} (in arrival order; {@code arrivedAt[i]} counts the transitions that arrived
   * before {@code ts[i]}, {@code arrivals} all so far) into trajectories. A user's last session here
   * is held back for the user's next session while fewer than {@code terminalAfter} transitions have
   * arrived after it (the user may still return: the session before it bootstraps on its value); once
   * that many have, the user is taken to have left and the trajectory ends there (bootstrap 0). With
   * {@code terminalAfter} 0 every session is its user's last (one-session episodes).
   */
  static Split split(List<Transition> ts, long[] arrivedAt, long arrivals, int terminalAfter) {
    Map<Long, List<Integer>> byUser = new LinkedHashMap<>();
    for (int i = 0; i < ts.size(); i++) {
      byUser.computeIfAbsent(ts.get(i).user(), u -> new ArrayList<>()).add(i);
    }
    List<int[]> traj = new ArrayList<>();
    List<Integer> boot = new ArrayList<>();
    List<Integer> held = new ArrayList<>();
    for (List<Integer> idx : byUser.values()) {
      idx.sort(Comparator.comparingInt(i -> ts.get(i).session()));
      int last = idx.get(idx.size() - 1);
      boolean mayReturn = terminalAfter > 0 && arrivals - 1 - arrivedAt[last] < terminalAfter;
      if (mayReturn) {
        held.add(last);
        if (idx.size() > 1) {
          traj.add(idx.subList(0, idx.size() - 1).stream().mapToInt(Integer::intValue).toArray());
          boot.add(last);
        }
      } else {
        traj.add(idx.stream().mapToInt(Integer::intValue).toArray());
        boot.add(-1);
      }
    }
    held.sort(Comparator.naturalOrder());
    return new Split(traj, boot.stream().mapToInt(Integer::intValue).toArray(),
        held.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * Policy advantages and value targets of a split rollout. Value targets are V-trace's
   * ({@code rhoBar = cBar = 1}), each trajectory bootstrapped on its {@code bootstrapFrom} value. The
   * policy advantage of step t is GAE(lambda) with V-trace's truncated traces,
   * {@code A_t = delta_t + gamma lambda (vs_{t+1} - V(x_{t+1}))} with
   * {@code delta_t = r_t + gamma V(x_{t+1}) - V(x_t)} (0 for the correction past a trajectory's end):
   * {@code min(1, pi_old / mu) A_t} is exactly V-trace's {@code vs_t - V(x_t)}, and with every ratio 1
   * {@code A_t} is GAE(gamma, lambda) (Schulman et al., 2016; Espeholt et al., 2018). It is
   * standardised over the rollout when {@code normalize}, and only then weighted by
   * {@code min(1, pi_old / mu)}: standardising weighted advantages would re-centre the samples that
   * truncation zeroed and give them weight again. Entries of held transitions are 0.
   */
  static Advantages.Estimates estimates(double[] rewards, double[] values, double[] ratios, Split split, double gamma,
      double lambda, boolean normalize) {
    int n = rewards.length;
    double[] adv = new double[n];
    double[] targets = new double[n];
    int learned = 0;
    for (int[] traj : split.trajectories()) {
      learned += traj.length;
    }
    int[] order = new int[learned];
    double[] raw = new double[learned];
    int o = 0;
    for (int ti = 0; ti < split.trajectories().size(); ti++) {
      int[] traj = split.trajectories().get(ti);
      int from = split.bootstrapFrom()[ti];
      double bootstrap = from >= 0 ? values[from] : 0.0;
      int m = traj.length;
      double[] r = new double[m];
      double[] vv = new double[m];
      double[] ratio = new double[m];
      for (int k = 0; k < m; k++) {
        r[k] = rewards[traj[k]];
        vv[k] = values[traj[k]];
        ratio[k] = ratios[traj[k]];
      }
      double[] vs = Advantages.vtraceGae(r, vv, ratio, bootstrap, gamma, lambda, 1.0, 1.0).targets();
      for (int k = 0; k < m; k++) {
        targets[traj[k]] = vs[k];
        double nextValue = k + 1 < m ? vv[k + 1] : bootstrap;
        // The next step's V-trace correction vs - V; 0 past the end (bootstrap or terminal).
        double nextCorrection = k + 1 < m ? vs[k + 1] - vv[k + 1] : 0.0;
        order[o] = traj[k];
        raw[o++] = r[k] + gamma * nextValue - vv[k] + gamma * lambda * nextCorrection;
      }
    }
    if (normalize) {
      Rule.standardise(raw);
    }
    for (int k = 0; k < learned; k++) {
      adv[order[k]] = Math.min(1.0, ratios[order[k]]) * raw[k];
    }
    return new Advantages.Estimates(adv, targets);
  }

  /** The PPO agent ("ppo") for one-session episodes: every session is its user's last. */
  public static AgentBuilder builder(SharedLearner learner, Settings s) {
    return builder(learner, s, 0);
  }

  /**
   * The PPO agent ("ppo") over returning users: a user's last session in a rollout waits for the
   * user's next one (its value bootstraps the session before) until {@code terminalAfter} other
   * sessions have arrived, when the user is taken to have left; 0 for one-session episodes.
   */
  public static AgentBuilder builder(SharedLearner learner, Settings s, int terminalAfter) {
    if (terminalAfter < 0) {
      throw new IllegalArgumentException("terminalAfter must be >= 0, got " + terminalAfter);
    }
    return new AgentBuilder() {
      @Override
      public String name() {
        return "ppo";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new Rule(learner, s, dim, 10, null, terminalAfter);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        GaussianPolicySnapshot g = (GaussianPolicySnapshot) snapshot;
        return new Rule(learner, s, g.mu().inputs(), g.mu().outputs(), g, terminalAfter);
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        NeuralAgents.checkAgent(state, "ppo");
        int dim = Math.toIntExact(state.counter("dim"));
        int ad = Math.toIntExact(state.counter("action_dim"));
        Mlp like = MlpInit.create(NeuralAgents.sizes(dim, s.hidden(), ad), Mlp.Activation.TANH, new NumpyRandom(0));
        Rule r = new Rule(learner, s, dim, ad, new GaussianPolicySnapshot("ppo", 0, Mlp.fromState(state, "mu", like),
            state.array("log_std", ad)), terminalAfter);
        r.value.load(Mlp.fromState(state, "value", r.value.export()));
        r.updates = state.counter("updates");
        r.rng.restoreState("rng", state.counters());
        int n = Math.toIntExact(state.counter("rollout"));
        double[] c = state.array("rollout.context", n * dim);
        double[] a = state.array("rollout.action", n * ad);
        double[] p = state.array("rollout.propensity", n);
        double[] rw = state.array("rollout.reward", n);
        double[] u = state.array("rollout.user", n);
        double[] ss = state.array("rollout.session", n);
        double[] ep = state.array("rollout.episode", n);
        // Checkpoints written before held sessions existed have no arrival order: their rollout arrived in order.
        double[] arr = state.has("rollout.arrival") ? state.array("rollout.arrival", n) : null;
        r.arrivals = state.counters().containsKey("arrivals") ? state.counter("arrivals") : n;
        r.fresh = Math.toIntExact(state.counters().containsKey("fresh") ? state.counter("fresh") : n);
        for (int i = 0; i < n; i++) {
          r.rollout.add(new Transition((long) ep[i], (long) u[i], (int) ss[i], "ppo", 0,
              java.util.Arrays.copyOfRange(c, i * dim, (i + 1) * dim), -1, java.util.Arrays.copyOfRange(a, i * ad,
              (i + 1) * ad), p[i], rw[i], io.rlsearch.core.RewardBreakdown.ZERO, 0, 0, 0, 0));
          r.arrivedAt.add(arr != null ? (long) arr[i] : r.arrivals - n + i);
        }
        return r;
      }
    };
  }

  /** PPO's update rule; {@link #updates()} counts minibatch gradient steps (policy and value). */
  public static final class Rule implements UpdateRule {
    private final Settings s;
    private final GaussianPolicyModel policy;
    private final RegressionModel value;
    private final int dim;
    private final int actionDim;
    /** Transitions not learned yet: sessions held for their user's next one, then the new ones. */
    private final List<Transition> rollout = new ArrayList<>();
    /** For each of {@link #rollout}, the transitions that had arrived before it. */
    private final List<Long> arrivedAt = new ArrayList<>();
    private final int terminalAfter;
    private long arrivals;
    /** Transitions arrived since the last update. */
    private int fresh;
    private final NumpyRandom rng;
    private long updates;
    private double lastClipFraction;
    private Mlp exportedMu;
    private double[] exportedLogStd;

    Rule(SharedLearner learner, Settings s, int dim, int actionDim, GaussianPolicySnapshot from, int terminalAfter) {
      this.s = s;
      this.terminalAfter = terminalAfter;
      this.dim = dim;
      this.actionDim = actionDim;
      int[] ps = NeuralAgents.sizes(dim, s.hidden(), actionDim);
      Mlp mu = from != null ? from.mu() : MlpInit.create(ps, Mlp.Activation.TANH, new NumpyRandom(s.seed()));
      double[] logStd = from != null ? from.logStd() : new double[actionDim];
      this.policy = learner.gaussianPolicy("ppo-policy", mu, logStd, s.lr());
      this.value = learner.regression("ppo-value", MlpInit.create(NeuralAgents.sizes(dim, s.hidden(), 1), Mlp.Activation.TANH,
          new NumpyRandom(s.seed() + 1)), s.valueLr(), 0, s.clipNorm());
      this.rng = new NumpyRandom(s.seed() + 2);
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      // Without the transition's user and session, each decision is its own one-session trajectory.
      observe(new Transition(rollout.size(), -1 - rollout.size(), 0, "ppo", 0, context, -1, decision.action(),
          decision.propensity(), reward, io.rlsearch.core.RewardBreakdown.ZERO, 0, 0, 0, 0));
    }

    @Override
    public void observe(Transition t) {
      if (t.arm() >= 0 || t.action().length != actionDim) {
        throw new IllegalArgumentException("PPO learns from continuous actions of " + actionDim + " values");
      }
      rollout.add(t);
      arrivedAt.add(arrivals++);
      fresh++;
      if (fresh >= s.rollout()) {
        train();
      }
    }

    /** Minibatch gradient steps taken (policy plus value). */
    public long updates() {
      return updates;
    }

    /** The clip fraction of the last policy minibatch. */
    public double lastClipFraction() {
      return lastClipFraction;
    }

    private void train() {
      exportedMu = null;
      int n = rollout.size();
      float[] x = new float[n * dim];
      double[] a = new double[n * actionDim];
      double[] logMu = new double[n];
      double[] rewards = new double[n];
      for (int i = 0; i < n; i++) {
        Transition t = rollout.get(i);
        double[] c = t.context();
        for (int j = 0; j < dim; j++) {
          x[i * dim + j] = (float) c[j];
        }
        System.arraycopy(t.action(), 0, a, i * actionDim, actionDim);
        logMu[i] = Math.log(t.propensity());
        rewards[i] = t.reward();
      }
      // pi_old: the learner's policy now; values from the current value net.
      GaussianPolicySnapshot old = new GaussianPolicySnapshot("ppo", 0, policy.exportMu(), policy.logStd());
      Mlp v = value.export();
      double[] logpOld = new double[n];
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        double[] xi = new double[dim];
        float[] xf = new float[dim];
        for (int j = 0; j < dim; j++) {
          xi[j] = x[i * dim + j];
          xf[j] = x[i * dim + j];
        }
        double[] ai = new double[actionDim];
        System.arraycopy(a, i * actionDim, ai, 0, actionDim);
        logpOld[i] = old.logDensity(xi, ai);
        values[i] = v.forward1(xf);
      }
      double[] ratios = new double[n];
      for (int i = 0; i < n; i++) {
        ratios[i] = Math.exp(Math.min(50, logpOld[i] - logMu[i]));
      }
      long[] at = new long[n];
      for (int i = 0; i < n; i++) {
        at[i] = arrivedAt.get(i);
      }
      Split split = split(rollout, at, arrivals, terminalAfter);
      Advantages.Estimates est = estimates(rewards, values, ratios, split, s.gamma(), s.lambda(),
          s.normalizeAdvantages());
      double[] adv = est.advantages();
      double[] targets = est.targets();
      int[] learnIdx = split.trajectories().stream().flatMapToInt(java.util.Arrays::stream).sorted().toArray();
      List<Transition> keep = new ArrayList<>();
      List<Long> keepAt = new ArrayList<>();
      for (int h : split.held()) {
        keep.add(rollout.get(h));
        keepAt.add(arrivedAt.get(h));
      }
      rollout.clear();
      rollout.addAll(keep);
      arrivedAt.clear();
      arrivedAt.addAll(keepAt);
      fresh = 0;
      if (learnIdx.length == 0) {
        return;
      }
      int nl = learnIdx.length;
      int[] perm = new int[nl];
      for (int epoch = 0; epoch < s.epochs(); epoch++) {
        System.arraycopy(learnIdx, 0, perm, 0, nl);
        for (int i = nl - 1; i > 0; i--) {
          int j = (int) rng.integers(0, i + 1);
          int tmp = perm[i];
          perm[i] = perm[j];
          perm[j] = tmp;
        }
        for (int start = 0; start < nl; start += s.minibatch()) {
          int m = Math.min(s.minibatch(), nl - start);
          float[] xb = new float[m * dim];
          double[] ab = new double[m * actionDim];
          double[] advb = new double[m];
          double[] lpb = new double[m];
          for (int k = 0; k < m; k++) {
            int i = perm[start + k];
            System.arraycopy(x, i * dim, xb, k * dim, dim);
            System.arraycopy(a, i * actionDim, ab, k * actionDim, actionDim);
            advb[k] = adv[i];
            lpb[k] = logpOld[i];
          }
          lastClipFraction = policy.ppoUpdate(xb, ab, advb, lpb, m, s.clipEps(), s.entropyCoef(), s.clipNorm());
          updates++;
        }
      }
      float[] xl = new float[nl * dim];
      float[] y = new float[nl];
      for (int k = 0; k < nl; k++) {
        System.arraycopy(x, learnIdx[k] * dim, xl, k * dim, dim);
        y[k] = (float) targets[learnIdx[k]];
      }
      value.fit(xl, y, nl, s.epochs(), s.minibatch(), rng);
      updates += (long) s.epochs() * ((nl + s.minibatch() - 1) / s.minibatch());
    }

    static void standardise(double[] v) {
      if (v.length < 2) {
        return;
      }
      double mean = 0;
      for (double d : v) {
        mean += d;
      }
      mean /= v.length;
      double var = 0;
      for (double d : v) {
        var += (d - mean) * (d - mean);
      }
      double sd = Math.sqrt(var / (v.length - 1));
      for (int i = 0; i < v.length; i++) {
        v[i] = (v[i] - mean) / (sd + 1e-8);
      }
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      // The policy changes only at a rollout's update: between two, snapshots share the exported weights.
      if (exportedMu == null) {
        exportedMu = policy.exportMu();
        exportedLogStd = policy.logStd();
      }
      return new GaussianPolicySnapshot("ppo", version, exportedMu, exportedLogStd);
    }

    /** Weights, log-stds, the rollout gathered so far and the minibatch stream (Adam's moments restart). */
    @Override
    public java.util.Optional<AgentState> state() {
      Map<String, double[]> m = new java.util.HashMap<>();
      policy.exportMu().putState("mu", m);
      m.put("log_std", policy.logStd());
      value.export().putState("value", m);
      int n = rollout.size();
      double[] c = new double[n * dim];
      double[] a = new double[n * actionDim];
      double[] p = new double[n];
      double[] rw = new double[n];
      double[] u = new double[n];
      double[] ss = new double[n];
      double[] ep = new double[n];
      for (int i = 0; i < n; i++) {
        Transition t = rollout.get(i);
        System.arraycopy(t.context(), 0, c, i * dim, dim);
        System.arraycopy(t.action(), 0, a, i * actionDim, actionDim);
        p[i] = t.propensity();
        rw[i] = t.reward();
        u[i] = t.user();
        ss[i] = t.session();
        ep[i] = t.episode();
      }
      m.put("rollout.context", c);
      m.put("rollout.action", a);
      m.put("rollout.propensity", p);
      m.put("rollout.reward", rw);
      m.put("rollout.user", u);
      m.put("rollout.session", ss);
      m.put("rollout.episode", ep);
      double[] arr = new double[n];
      for (int i = 0; i < n; i++) {
        arr[i] = arrivedAt.get(i);
      }
      m.put("rollout.arrival", arr);
      Map<String, Long> counters = new java.util.HashMap<>(Map.of("dim", (long) dim, "action_dim", (long) actionDim,
          "rollout", (long) n, "updates", updates, "arrivals", arrivals, "fresh", (long) fresh));
      rng.putState("rng", counters);
      return java.util.Optional.of(new AgentState("ppo", m, counters));
    }

    @Override
    public boolean learns() {
      return true;
    }

    @Override
    public void close() {
      policy.close();
      value.close();
    }
  }
}

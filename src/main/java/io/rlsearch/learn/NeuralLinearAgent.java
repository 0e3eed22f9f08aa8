package io.rlsearch.learn;

import io.rlsearch.agents.bandit.NeuralLinearSnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * The neural-linear bandit ("neural_linear", the book's Chapter 6a): it plays templates uniformly at
 * random for its first {@code pretrain} decisions and logs them; then it trains, in the shared
 * learner, a network that predicts the reward from {@code context ‖ one-hot(template)} (targets
 * standardised), freezes it, and from then on plays LinUCB on the network's last hidden layer
 * ({@link NeuralLinearSnapshot}), one ridge regression per template, whose statistics start from the
 * logged decisions. The bonus's width is {@code alpha} times the network's residual standard
 * deviation on the logged rewards, so alpha means the same at any reward scale.
 */
public final class NeuralLinearAgent {
  private NeuralLinearAgent() {}

  /**
   * Settings.
   *
   * @param hidden hidden sizes before the feature layer (relu)
   * @param features the learned features' dimension (the last hidden layer)
   * @param lr Adam's learning rate
   * @param pretrain logged uniform decisions before the representation is trained
   * @param epochs passes over the logged decisions
   * @param batch minibatch size
   * @param alpha LinUCB's width, in residual standard deviations
   * @param lambda ridge regularisation of each template's head
   * @param seed initialisation and minibatch seed
   */
  public record Settings(int[] hidden, int features, double lr, int pretrain, int epochs, int batch, double alpha,
      double lambda, long seed) {
    public Settings {
      hidden = hidden.clone();
      if (features < 1 || pretrain < 2 || epochs < 1 || batch < 1 || !(lr > 0) || !(alpha >= 0) || !(lambda > 0)) {
        throw new IllegalArgumentException("neural-linear needs features >= 1, pretrain >= 2, epochs and batch >= 1,"
            + " lr > 0, alpha >= 0 and lambda > 0");
      }
    }

    @Override
    public int[] hidden() {
      return hidden.clone();
    }

    /**
     * The book's demo: (64, 64) then 20 features, lr 1e-3, 2,000 logged decisions, 50 epochs of 128,
     * alpha 1, lambda 1.
     */
    public static Settings reference() {
      return new Settings(new int[] {64, 64}, 20, 1e-3, 2000, 50, 128, 1.0, 1.0, 42);
    }

    /** As {@link #reference()} with 300 logged decisions, so a run of 1,000 episodes learns for 700. */
    public static Settings battle() {
      return new Settings(new int[] {64, 64}, 20, 1e-3, 300, 50, 128, 1.0, 1.0, 42);
    }
  }

  /** The agent's builder. */
  public static AgentBuilder builder(SharedLearner learner, Settings s) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return "neural_linear";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new Rule(learner, s, arms, dim);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        if (!(snapshot instanceof NeuralLinearSnapshot n)) {
          throw new IllegalArgumentException("not a neural-linear snapshot: " + snapshot.agent());
        }
        Rule r = new Rule(learner, s, n.arms(), n.dim());
        if (n.trained()) {
          // The logged decisions are not in a snapshot, and are not needed once the representation is frozen.
          r.representation = n.representation();
          for (int k = 0; k < n.arms(); k++) {
            r.a[k] = n.precision(k);
            r.b[k] = n.rhs(k);
          }
          r.width = n.width();
        }
        return r;
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        NeuralAgents.checkAgent(state, "neural_linear");
        int arms = Math.toIntExact(state.counter("arms"));
        int dim = Math.toIntExact(state.counter("dim"));
        Rule r = new Rule(learner, s, arms, dim);
        r.restore(state);
        return r;
      }
    };
  }

  static int[] sizes(Settings s, int dim, int arms) {
    int[] h = s.hidden();
    int[] sizes = new int[h.length + 3];
    sizes[0] = dim + arms;
    System.arraycopy(h, 0, sizes, 1, h.length);
    sizes[h.length + 1] = s.features();
    sizes[h.length + 2] = 1;
    return sizes;
  }

  /** The network up to the feature layer (its output is the feature layer before the relu). */
  static Mlp representation(Mlp net) {
    int[] sizes = net.sizes();
    int layers = sizes.length - 2;
    float[][] w = new float[layers][];
    float[][] b = new float[layers][];
    for (int l = 0; l < layers; l++) {
      w[l] = net.weights(l);
      b[l] = net.bias(l);
    }
    return new Mlp(java.util.Arrays.copyOf(sizes, sizes.length - 1), w, b, net.activation());
  }

  /** {@code A^-1} of a symmetric positive-definite {@code f x f} matrix, through its Cholesky factor. */
  static double[] inverse(double[] a, int f) {
    double[] l = new double[f * f];
    for (int i = 0; i < f; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * f + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * f + k] * l[j * f + k];
        }
        l[i * f + j] = i == j ? Math.sqrt(s) : s / l[j * f + j];
      }
    }
    double[] inv = new double[f * f];
    double[] col = new double[f];
    for (int c = 0; c < f; c++) {
      java.util.Arrays.fill(col, 0);
      col[c] = 1;
      for (int i = 0; i < f; i++) {
        double s = col[i];
        for (int k = 0; k < i; k++) {
          s -= l[i * f + k] * col[k];
        }
        col[i] = s / l[i * f + i];
      }
      for (int i = f - 1; i >= 0; i--) {
        double s = col[i];
        for (int k = i + 1; k < f; k++) {
          s -= l[k * f + i] * col[k];
        }
        col[i] = s / l[i * f + i];
      }
      for (int i = 0; i < f; i++) {
        inv[i * f + c] = col[i];
      }
    }
    return inv;
  }

  private static final class Rule implements UpdateRule {
    private final Settings s;
    private final int arms;
    private final int dim;
    private final RegressionModel net;
    private final NumpyRandom rng;
    private final double[] loggedX;
    private final int[] loggedArm;
    private final double[] loggedR;
    private int logged;
    /** Per template: {@code A} (f x f) and {@code b}. */
    private final double[][] a;
    private final double[][] b;
    private Mlp representation;
    private double width;
    private long observed;
    private NeuralLinearSnapshot exported;

    Rule(SharedLearner learner, Settings s, int arms, int dim) {
      this.s = s;
      this.arms = arms;
      this.dim = dim;
      this.rng = new NumpyRandom(s.seed() + 1000);
      Mlp init = MlpInit.create(sizes(s, dim, arms), Mlp.Activation.RELU, new NumpyRandom(s.seed()));
      this.net = learner.regression("neural_linear", init, s.lr(), 0);
      this.loggedX = new double[s.pretrain() * dim];
      this.loggedArm = new int[s.pretrain()];
      this.loggedR = new double[s.pretrain()];
      int f = s.features();
      this.a = new double[arms][f * f];
      this.b = new double[arms][f];
      for (int k = 0; k < arms; k++) {
        for (int i = 0; i < f; i++) {
          a[k][i * f + i] = s.lambda();
        }
      }
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      if (decision.continuous()) {
        throw new IllegalArgumentException("the neural-linear bandit learns from templates (arms)");
      }
      observed++;
      if (representation == null) {
        System.arraycopy(context, 0, loggedX, logged * dim, dim);
        loggedArm[logged] = decision.arm();
        loggedR[logged] = reward;
        logged++;
        if (logged == s.pretrain()) {
          train();
        }
        return;
      }
      addToHead(context, decision.arm(), reward);
      exported = null;
    }

    private void addToHead(double[] x, int arm, double r) {
      double[] phi = NeuralLinearSnapshot.features(representation, x, arm, arms);
      int f = phi.length;
      for (int i = 0; i < f; i++) {
        b[arm][i] += r * phi[i];
        for (int j = 0; j < f; j++) {
          a[arm][i * f + j] += phi[i] * phi[j];
        }
      }
    }

    private void train() {
      int n = logged;
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += loggedR[i] / n;
      }
      double ss = 0;
      for (int i = 0; i < n; i++) {
        ss += (loggedR[i] - mean) * (loggedR[i] - mean);
      }
      double sd = Math.max(Math.sqrt(ss / (n - 1)), 1e-8);
      int in = dim + arms;
      float[] x = new float[n * in];
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < dim; j++) {
          x[i * in + j] = (float) loggedX[i * dim + j];
        }
        x[i * in + dim + loggedArm[i]] = 1f;
        y[i] = (float) ((loggedR[i] - mean) / sd);
      }
      net.fit(x, y, n, s.epochs(), s.batch(), rng);
      Mlp trained = net.export();
      float[] pred = trained.forwardBatch(x, n);
      double res = 0;
      for (int i = 0; i < n; i++) {
        double e = loggedR[i] - (pred[i] * sd + mean);
        res += e * e;
      }
      width = s.alpha() * Math.sqrt(res / n);
      representation = representation(trained);
      double[] row = new double[dim];
      for (int i = 0; i < n; i++) {
        System.arraycopy(loggedX, i * dim, row, 0, dim);
        addToHead(row, loggedArm[i], loggedR[i]);
      }
      exported = null;
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      if (representation == null) {
        return NeuralLinearSnapshot.uniform(version, arms, dim);
      }
      if (exported == null || exported.version() != version) {
        int f = s.features();
        double[][] inv = new double[arms][];
        double[][] theta = new double[arms][f];
        for (int k = 0; k < arms; k++) {
          inv[k] = inverse(a[k], f);
          for (int i = 0; i < f; i++) {
            for (int j = 0; j < f; j++) {
              theta[k][i] += inv[k][i * f + j] * b[k][j];
            }
          }
        }
        exported = NeuralLinearSnapshot.linear(version, arms, representation, theta, inv, a, b, width);
      }
      return exported;
    }

    @Override
    public java.util.Optional<AgentState> state() {
      Map<String, double[]> arr = new HashMap<>();
      net.export().putState("net", arr);
      arr.put("logged.x", java.util.Arrays.copyOf(loggedX, logged * dim));
      double[] la = new double[logged];
      for (int i = 0; i < logged; i++) {
        la[i] = loggedArm[i];
      }
      arr.put("logged.arm", la);
      arr.put("logged.r", java.util.Arrays.copyOf(loggedR, logged));
      for (int k = 0; k < arms; k++) {
        arr.put("head" + k + ".a", a[k].clone());
        arr.put("head" + k + ".b", b[k].clone());
      }
      arr.put("width", new double[] {width});
      Map<String, Long> c = new HashMap<>();
      c.put("arms", (long) arms);
      c.put("dim", (long) dim);
      c.put("logged", (long) logged);
      c.put("trained", representation == null ? 0L : 1L);
      c.put("observed", observed);
      rng.putState("rng", c);
      return java.util.Optional.of(new AgentState("neural_linear", arr, c));
    }

    void restore(AgentState st) {
      Mlp like = MlpInit.create(sizes(s, dim, arms), Mlp.Activation.RELU, new NumpyRandom(0));
      Mlp weights = Mlp.fromState(st, "net", like);
      net.load(weights);
      logged = Math.toIntExact(st.counter("logged"));
      if (logged > s.pretrain()) {
        throw new IllegalArgumentException("the state holds " + logged + " logged decisions, more than this agent's"
            + " pretrain of " + s.pretrain());
      }
      System.arraycopy(st.array("logged.x", logged * dim), 0, loggedX, 0, logged * dim);
      double[] la = st.array("logged.arm", logged);
      for (int i = 0; i < logged; i++) {
        loggedArm[i] = (int) la[i];
      }
      System.arraycopy(st.array("logged.r", logged), 0, loggedR, 0, logged);
      int f = s.features();
      for (int k = 0; k < arms; k++) {
        a[k] = st.array("head" + k + ".a", f * f);
        b[k] = st.array("head" + k + ".b", f);
      }
      width = st.array("width", 1)[0];
      observed = st.counter("observed");
      representation = st.counter("trained") == 1 ? representation(weights) : null;
      rng.restoreState("rng", st.counters());
      exported = null;
    }

    @Override
    public boolean learns() {
      return true;
    }

    @Override
    public void close() {
      net.close();
    }
  }
}

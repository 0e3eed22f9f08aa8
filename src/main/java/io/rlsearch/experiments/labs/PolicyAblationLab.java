package io.rlsearch.experiments.labs;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SyncRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lab 8.3, the policy-head ablation: REINFORCE on the Gym task (rich estimated features, 10 boost
 * weights in [-5, 5]) with four action distributions on the same users: a Gaussian with learned
 * standard deviations, a Gaussian with a fixed standard deviation 1, a squashed Gaussian
 * ({@code a = a_max tanh(u)}, u Gaussian) and a Beta scaled to the box. Each head is linear in the
 * context (mean, or the Beta's two concentrations {@code 1 + softplus(.)}), trained by REINFORCE with
 * hand-derived score functions and Adam (lr 0.01) on batches of 32 episodes whose rewards are centred
 * on a running mean and divided by a running standard deviation; no entropy bonus, so the heads
 * differ only in their distribution. 3,000 training users (seed 2025), then each head's mean action
 * serves 1,000 held-out users.
 *
 * <p>The reference's harness uses MLP heads in torch and records no run; this lab is pure Java with
 * linear heads, so it shows the distributions' effect, not the reference's numbers.
 */
public final class PolicyAblationLab implements Lab {
  static final double A_MAX = 5.0;
  static final int DIM = 10;

  /** The action distributions. */
  enum Head { GAUSSIAN, FIXED_STD, SQUASHED, BETA }

  @Override
  public String name() {
    return "ch08-policy-ablation";
  }

  @Override
  public String chapter() {
    return "8 (Lab 8.3)";
  }

  @Override
  public String shows() {
    return "how the action distribution (Gaussian, fixed std, squashed, Beta) changes what REINFORCE learns";
  }

  /** The digamma function: the recurrence up to 10, then the asymptotic series (error below 1e-13). */
  static double digamma(double x) {
    double r = 0;
    while (x < 10) {
      r -= 1 / x;
      x += 1;
    }
    double f = 1 / (x * x);
    return r + Math.log(x) - 0.5 / x
        - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
  }

  static double softplus(double z) {
    return z > 30 ? z : Math.log1p(Math.exp(z));
  }

  /**
   * A linear head's parameters: {@code w[k]} (k = 0 .. DIM-1 for the mean or the Beta's first
   * concentration, DIM .. 2 DIM - 1 for the second), each {@code d + 1} long (bias last), and
   * log standard deviations.
   */
  static final class Params {
    final double[][] w;
    final double[] logStd;

    Params(int rows, int d) {
      w = new double[rows][d + 1];
      logStd = new double[DIM];
    }

    Params copy() {
      Params p = new Params(w.length, w[0].length - 1);
      for (int i = 0; i < w.length; i++) {
        p.w[i] = w[i].clone();
      }
      System.arraycopy(logStd, 0, p.logStd, 0, DIM);
      return p;
    }

    double lin(int row, double[] x) {
      double s = w[row][x.length];
      for (int i = 0; i < x.length; i++) {
        s += w[row][i] * x[i];
      }
      return s;
    }
  }

  /** The frozen policy. */
  record Snapshot(Head head, Params p, long version, boolean greedyOnly) implements PolicySnapshot {
    @Override
    public String agent() {
      return head.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public PolicySnapshot greedy() {
      return new Snapshot(head, p, version, true);
    }

    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      double[] a = new double[DIM];
      for (int k = 0; k < DIM; k++) {
        switch (head) {
          case GAUSSIAN, FIXED_STD -> {
            double sd = head == Head.GAUSSIAN ? Math.exp(p.logStd[k]) : 1.0;
            a[k] = p.lin(k, x) + (greedyOnly ? 0 : sd * rng.standardNormal());
          }
          case SQUASHED -> a[k] = A_MAX * Math.tanh(p.lin(k, x)
              + (greedyOnly ? 0 : Math.exp(p.logStd[k]) * rng.standardNormal()));
          case BETA -> {
            double al = 1 + softplus(p.lin(k, x));
            double be = 1 + softplus(p.lin(DIM + k, x));
            double y;
            if (greedyOnly) {
              y = al / (al + be);
            } else {
              double g1 = rng.standardGamma(al);
              double g2 = rng.standardGamma(be);
              y = g1 / (g1 + g2);
            }
            a[k] = A_MAX * (2 * y - 1);
          }
          default -> throw new IllegalStateException();
        }
      }
      return Decision.continuous(a, 1.0);
    }
  }

  /** REINFORCE with Adam on the score function of the head. */
  static final class Rule implements UpdateRule {
    final Head head;
    final int d;
    final Params p;
    final Params m;
    final Params v;
    long adamSteps;
    final double[][] gw;
    final double[] gs;
    int inBatch;
    double mean;
    double var = 1;
    long seen;

    Rule(Head head, int d) {
      this.head = head;
      this.d = d;
      int rows = head == Head.BETA ? 2 * DIM : DIM;
      p = new Params(rows, d);
      m = new Params(rows, d);
      v = new Params(rows, d);
      gw = new double[rows][d + 1];
      gs = new double[DIM];
      if (head != Head.BETA) {
        java.util.Arrays.fill(p.logStd, Math.log(1.5));
      }
    }

    @Override
    public void observe(double[] x, Decision decision, double reward) {
      seen++;
      double delta = reward - mean;
      mean += delta / Math.min(seen, 1000);
      var += (delta * delta - var) / Math.min(seen, 1000);
      double adv = delta / Math.sqrt(Math.max(var, 1e-12));
      double[] a = decision.action();
      for (int k = 0; k < DIM; k++) {
        switch (head) {
          case GAUSSIAN, FIXED_STD, SQUASHED -> {
            double u = head == Head.SQUASHED
                ? atanh(Math.max(-1 + 1e-6, Math.min(1 - 1e-6, a[k] / A_MAX))) : a[k];
            double sd = head == Head.FIXED_STD ? 1.0 : Math.exp(p.logStd[k]);
            double z = (u - p.lin(k, x)) / sd;
            double dMu = z / sd;
            add(k, x, adv * dMu);
            if (head != Head.FIXED_STD) {
              gs[k] += adv * (z * z - 1);
            }
          }
          case BETA -> {
            double y = Math.max(1e-6, Math.min(1 - 1e-6, (a[k] / A_MAX + 1) / 2));
            double za = p.lin(k, x);
            double zb = p.lin(DIM + k, x);
            double al = 1 + softplus(za);
            double be = 1 + softplus(zb);
            double both = digamma(al + be);
            add(k, x, adv * (Math.log(y) - digamma(al) + both) * io.rlsearch.sim.Stats.sigmoid(za));
            add(DIM + k, x, adv * (Math.log1p(-y) - digamma(be) + both) * io.rlsearch.sim.Stats.sigmoid(zb));
          }
          default -> throw new IllegalStateException();
        }
      }
      if (++inBatch == 32) {
        step();
      }
    }

    private void add(int row, double[] x, double g) {
      for (int i = 0; i < d; i++) {
        gw[row][i] += g * x[i];
      }
      gw[row][d] += g;
    }

    private static double atanh(double y) {
      return 0.5 * Math.log((1 + y) / (1 - y));
    }

    /** One Adam ascent step on the batch's mean score-function gradient. */
    private void step() {
      adamSteps++;
      for (int r = 0; r < gw.length; r++) {
        Adam.ascend(p.w[r], gw[r], inBatch, m.w[r], v.w[r], adamSteps, 0.01);
      }
      Adam.ascend(p.logStd, gs, inBatch, m.logStd, v.logStd, adamSteps, 0.01);
      for (int k = 0; k < DIM; k++) {
        p.logStd[k] = Math.max(Math.log(0.05), Math.min(Math.log(5), p.logStd[k]));
      }
      inBatch = 0;
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      return new Snapshot(head, p.copy(), version, false);
    }

    @Override
    public boolean learns() {
      return true;
    }
  }

  static AgentBuilder builder(Head head) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return head.name().toLowerCase(java.util.Locale.ROOT);
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new Rule(head, dim);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        throw new UnsupportedOperationException("the ablation's heads are not restored");
      }
    };
  }

  /** A frozen policy as an agent that does not learn (the held-out evaluation). */
  static AgentBuilder frozen(PolicySnapshot s) {
    return new AgentBuilder() {
      @Override
      public String name() {
        return s.agent();
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new UpdateRule() {
          @Override
          public void observe(double[] context, Decision decision, double reward) {}

          @Override
          public PolicySnapshot snapshot(long version) {
            return s;
          }

          @Override
          public boolean learns() {
            return false;
          }
        };
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        return create(0, 0);
      }
    };
  }

  @Override
  public LabReport run(SimSettings settings) {
    World w = NeuralLabs.world(settings, 2025);
    Task task = new Task.BoostWeights(ContextFeatures.Mode.RICH_EST, A_MAX, List.of());
    LabReport r = new LabReport(name());
    Map<String, Double> train = new LinkedHashMap<>();
    Map<String, Double> held = new LinkedHashMap<>();
    for (Head h : Head.values()) {
      AgentBuilder b = builder(h);
      UpdateRule[] kept = new UpdateRule[1];
      AgentBuilder tracking = new AgentBuilder() {
        @Override
        public String name() {
          return b.name();
        }

        @Override
        public UpdateRule create(int arms, int dim) {
          kept[0] = b.create(arms, dim);
          return kept[0];
        }

        @Override
        public UpdateRule restore(PolicySnapshot snapshot) {
          return b.restore(snapshot);
        }
      };
      List<Transition> ts = SyncRunner.run(w, task, tracking, new RunStreams(2025), 3000, 32, true).transitions();
      train.put(b.name(), NeuralLabs.tail(ts, 500, false));
      PolicySnapshot greedy = kept[0].snapshot(1).greedy();
      List<Transition> eval = SyncRunner.run(w, task, frozen(greedy), new RunStreams(99), 1000, 1000, true)
          .transitions();
      held.put(b.name(), NeuralLabs.tail(eval, 1000, false));
    }
    List<Transition> random = SyncRunner.run(w, task, io.rlsearch.agents.continuous.ContinuousAgents.uniform(
        "random", DIM, A_MAX), new RunStreams(99), 1000, 1000, true).transitions();
    r.ours("train_reward_last_500", train);
    r.ours("held_out_reward_mean_action", held);
    r.ours("held_out_reward_random", NeuralLabs.tail(random, 1000, false));
    r.note("the book records no run of this lab (its harness prints per-run logs); one seed, no interval:"
        + " differences between heads below about 1 are within a single run's noise");
    return r;
  }
}

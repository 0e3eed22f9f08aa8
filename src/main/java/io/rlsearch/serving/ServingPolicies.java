package io.rlsearch.serving;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Binds policy snapshots to a schema so they rank real requests.
 *
 * <p>A boost-weight policy (continuous, or discrete over arm weight vectors such as the templates)
 * scores candidate {@code i} as {@code base_score_i + sum_j w_j f_ij} over the candidate features it
 * reads, the simulated world's ranking rule. The policy reads its context features by name, so a
 * schema may carry more features than a policy reads, in any order; a feature it reads and the schema
 * lacks refuses the bind with one line.
 */
public final class ServingPolicies {
  private ServingPolicies() {}

  /**
   * A boost-weight policy's form: what it reads and how its decision becomes weights.
   *
   * @param context the context features it reads, in its order
   * @param candidate the candidate features its weights apply to, in order
   * @param aMax the action box (a continuous action is clipped to it)
   * @param arms the weight vector of each arm, for a policy that picks arms (empty otherwise)
   */
  public record WeightForm(List<String> context, List<String> candidate, double aMax, List<double[]> arms) {
    public WeightForm {
      context = List.copyOf(context);
      candidate = List.copyOf(candidate);
      arms = arms.stream().map(double[]::clone).toList();
      if (!(aMax > 0)) {
        throw new IllegalArgumentException("a_max must be > 0, got " + aMax);
      }
      for (double[] a : arms) {
        if (a.length != candidate.size()) {
          throw new IllegalArgumentException("an arm's weight vector needs " + candidate.size() + " values, got "
              + a.length);
        }
      }
    }
  }

  /** Binds {@code p}, of form {@code form}, to {@code schema}. */
  public static ServingPolicy bindWeights(PolicySnapshot p, WeightForm form, ServingSchema schema) {
    Objects.requireNonNull(p, "policy");
    int[] ctx = indices("context", form.context(), schema.context(), p.agent());
    int[] cand = indices("candidate", form.candidate(), schema.candidate(), p.agent());
    return new WeightPolicy(p, p.greedy(), form, ctx, cand);
  }

  /**
   * The positions in {@code schema} of the features a policy reads.
   *
   * @throws IllegalArgumentException one line naming the first feature the schema lacks
   */
  public static int[] indices(String kind, List<String> reads, List<String> schema, String agent) {
    int[] out = new int[reads.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = schema.indexOf(reads.get(j));
      if (out[j] < 0) {
        throw new IllegalArgumentException("the policy of '" + agent + "' reads the " + kind + " feature '"
            + reads.get(j) + "', which the serving schema does not have (it was trained under another schema)");
      }
    }
    return out;
  }

  /** The top {@code k} indices of {@code scores}, best first; ties go to the earlier candidate. */
  public static int[] topK(double[] scores, int k) {
    Integer[] idx = new Integer[scores.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> {
      int c = Double.compare(scores[b], scores[a]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] out = new int[Math.min(k, scores.length)];
    for (int i = 0; i < out.length; i++) {
      out[i] = idx[i];
    }
    return out;
  }

  /** {@code x} gathered at {@code idx}. */
  static double[] gather(double[] x, int[] idx) {
    double[] out = new double[idx.length];
    for (int j = 0; j < idx.length; j++) {
      out[j] = x[idx[j]];
    }
    return out;
  }

  private record WeightPolicy(PolicySnapshot policy, PolicySnapshot greedy, WeightForm form, int[] ctx, int[] cand)
      implements ServingPolicy {
    @Override
    public String agent() {
      return policy.agent();
    }

    @Override
    public List<String> contextFeatures() {
      return form.context();
    }

    @Override
    public List<String> candidateFeatures() {
      return form.candidate();
    }

    private double[] weights(Decision d) {
      if (d.continuous()) {
        double[] a = d.action();
        if (a.length != cand.length) {
          throw new IllegalStateException("the policy of '" + policy.agent() + "' gave " + a.length
              + " weights; its form has " + cand.length);
        }
        for (int j = 0; j < a.length; j++) {
          if (Double.isNaN(a[j])) {
            throw new IllegalStateException("the policy of '" + policy.agent() + "' gave a NaN weight");
          }
          a[j] = Math.max(-form.aMax(), Math.min(form.aMax(), a[j]));
        }
        return a;
      }
      if (d.arm() >= form.arms().size()) {
        throw new IllegalStateException("the policy of '" + policy.agent() + "' chose arm " + d.arm() + "; its form"
            + " has " + form.arms().size());
      }
      return form.arms().get(d.arm());
    }

    @Override
    public Ranked rank(RankRequest r, NumpyRandom rng) {
      double[] x = gather(r.context(), ctx);
      Decision d = policy.act(x, rng);
      double[] w = weights(d);
      boolean explored = false;
      if (greedy != policy) {
        Decision g = greedy.act(x, new NumpyRandom(0));
        explored = d.continuous() ? !Arrays.equals(weights(g), w) : g.arm() != d.arm();
      }
      int n = r.size();
      double[] score = new double[n];
      for (int i = 0; i < n; i++) {
        double s = r.baseScore(i);
        for (int j = 0; j < cand.length; j++) {
          s += w[j] * r.feature(i, cand[j]);
        }
        score[i] = s;
      }
      int[] order = topK(score, r.k());
      double[] out = new double[order.length];
      for (int i = 0; i < order.length; i++) {
        out[i] = score[order[i]];
      }
      return new Ranked(order, out, explored, d.propensity(), d.continuous() ? "weights" : "arm", d, x);
    }
  }

  /**
   * Binds a snapshot of the boost-weight task to {@code schema}: it reads every context feature of the
   * schema, in order, and weighs the schema's candidate features with weights in [-3, 3]; a discrete
   * policy's arms are the eight templates as weight vectors
   * ({@link io.rlsearch.experiments.Task.BoostWeights#battleTemplates}).
   */
  public static ServingPolicy bind(PolicySnapshot p, ServingSchema schema) {
    List<double[]> arms = schema.candidate().size() == 10
        ? io.rlsearch.experiments.Task.BoostWeights.battleTemplates().armWeights() : List.of();
    return bindWeights(p, new WeightForm(schema.context(), schema.candidate(), 3.0, arms), schema);
  }
}

package io.rlsearch.eval.ope;

import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Off-policy estimators of a target policy's value from logged trajectories.
 *
 * <p>For step t of a trajectory {@code rho_t = pi_e(a_t | x_t) / pi_b(a_t | x_t)} and
 * {@code W_t = prod_{k <= t} rho_k}. A ratio above 1e10, or not finite (a logged propensity of 0), counts
 * as {@code 0}: for probabilities this is the reference's rule (it zeroes propensities below 1e-10),
 * but the guard is on the ratio, not on the propensity, since a density is not bounded by 1 and a
 * valid one can lie far below 1e-10 (a Gaussian's in 10 dimensions, for example).
 * <ul>
 *   <li>IPS: {@code mean(W_T G)}, {@code G = sum gamma^t r_t}; optionally with {@code W_T} clipped.
 *   <li>SNIPS: {@code sum(W_T G) / sum(W_T)}.
 *   <li>PDIS: {@code mean(sum_t gamma^t W_t r_t)}.
 *   <li>DM: {@code mean(V(x_0))}, {@code V(x) = sum_a pi_e(a | x) Q(x, a)} from the model.
 *   <li>DR (per-decision, Jiang and Li 2016): {@code V(x_0) + sum_t gamma^t W_t (r_t + gamma V(x_{t+1}) - Q(x_t, a_t))}.
 *   <li>SWITCH-DR (Wang, Agarwal and Dudik 2017): DR's correction only where {@code W_t <= tau}; the
 *       model alone elsewhere. tau is chosen from a grid to minimise the estimated mean squared error,
 *       {@code var/n + (max|r - Q| * mean(W 1[W > tau]))^2}: the second term bounds the bias of the
 *       dropped corrections ({@code E_b[W 1[W > tau]]} is the target's probability of a weight above tau).
 * </ul>
 * Confidence intervals are {@code estimate +- t se} with Student's t 0.975 quantile at n - 1 degrees
 * of freedom for n trajectories ({@link io.rlsearch.eval.Summary#t975}); se is the standard error of
 * the mean of the per-trajectory terms (the delta method for SNIPS). Model-based intervals hold the fitted models
 * fixed; with cross-fitted models ({@link ModelFit#crossFitted}) no trajectory is scored by a model
 * that saw it, so the terms are independent and the interval is honest about variance (not about a
 * misspecified model's bias). {@link #bootstrap} gives percentile intervals instead.
 */
public final class OffPolicyEstimators {
  /** The largest importance ratio of one decision that counts; larger ones count as 0. */
  private static final double MAX_RATIO = 1e10;
  private static final double[] SWITCH_GRID = {1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 200, 500, 1000,
      Double.POSITIVE_INFINITY};

  private final List<Trajectory> data;
  private final TargetPolicy target;
  private final double gamma;
  private final double[][] rho;
  private final double[][] cum;
  private final int zeroed;

  /** The estimators over {@code data} for {@code target} with discount {@code gamma}. */
  public OffPolicyEstimators(List<Trajectory> data, TargetPolicy target, double gamma) {
    if (data.isEmpty()) {
      throw new IllegalArgumentException("off-policy evaluation needs at least one logged trajectory");
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("gamma must lie in [0, 1], got " + gamma);
    }
    this.data = List.copyOf(data);
    this.target = target;
    this.gamma = gamma;
    this.rho = new double[data.size()][];
    this.cum = new double[data.size()][];
    int zeroedHere = 0;
    for (int i = 0; i < data.size(); i++) {
      List<LoggedDecision> steps = data.get(i).steps();
      rho[i] = new double[steps.size()];
      cum[i] = new double[steps.size()];
      double w = 1;
      for (int t = 0; t < steps.size(); t++) {
        LoggedDecision d = steps.get(t);
        double r = target.likelihood(d) / d.propensity();
        if (!(r <= MAX_RATIO)) {
          r = 0.0;
          zeroedHere++;
        }
        rho[i][t] = r;
        w *= r;
        cum[i][t] = w;
      }
    }
    this.zeroed = zeroedHere;
  }

  /**
   * How many logged decisions had an importance ratio above 1e10 or not finite, counted as 0 by the
   * weighted estimators (a target density that narrow against the logging one is beyond what the log
   * can say; the estimators that weight name this count in their note).
   */
  public int zeroedWeights() {
    return zeroed;
  }

  private String weighted(String note) {
    if (zeroed == 0) {
      return note;
    }
    String w = zeroed + " decision(s) with an importance ratio above 1e10 or not finite counted as 0";
    return note.isEmpty() ? w : note + "; " + w;
  }

  /** Number of trajectories. */
  public int size() {
    return data.size();
  }

  /** IPS; {@code clip} caps the trajectory weight (infinity for none). */
  public Estimate ips(double clip) {
    int n = data.size();
    double[] terms = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = Math.min(finalWeight(i), clip);
      terms[i] = w[i] * data.get(i).discountedReturn(gamma);
    }
    String name = Double.isInfinite(clip) ? "ips" : "clipped_ips";
    String note = Double.isInfinite(clip) ? "" : "clip=" + fmt(clip);
    return meanEstimate(name, terms, w, weighted(note));
  }

  /** Self-normalised IPS. */
  public Estimate snips() {
    int n = data.size();
    double[] w = new double[n];
    double[] g = new double[n];
    double sw = 0;
    double swg = 0;
    for (int i = 0; i < n; i++) {
      w[i] = finalWeight(i);
      g[i] = data.get(i).discountedReturn(gamma);
      sw += w[i];
      swg += w[i] * g[i];
    }
    double v = sw > 0 ? swg / sw : 0.0;
    double ss = 0;
    for (int i = 0; i < n; i++) {
      double u = w[i] * (g[i] - v);
      ss += u * u;
    }
    double se = sw > 0 ? Math.sqrt(ss) / sw : Double.NaN;
    double t = t975(n);
    return new Estimate("snips", v, v - t * se, v + t * se, se, ess(w), max(w), n, weighted(""));
  }

  /** Per-decision importance sampling. */
  public Estimate pdis() {
    int n = data.size();
    double[] terms = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      List<LoggedDecision> steps = data.get(i).steps();
      double disc = 1;
      double s = 0;
      for (int t = 0; t < steps.size(); t++) {
        s += disc * cum[i][t] * steps.get(t).reward();
        disc *= gamma;
      }
      terms[i] = s;
      w[i] = finalWeight(i);
    }
    return meanEstimate("pdis", terms, w, weighted(""));
  }

  /** The direct method with one model for every trajectory. */
  public Estimate dm(ActionValueModel model) {
    return dm(single(model));
  }

  /** The direct method: the model's value of the target policy at each trajectory's first context. */
  public Estimate dm(ModelFit models) {
    checkModels(models);
    int n = data.size();
    double[] terms = new double[n];
    for (int i = 0; i < n; i++) {
      terms[i] = models.model(i).value(data.get(i).steps().get(0).contextRef(), target);
    }
    double[] ones = new double[n];
    Arrays.fill(ones, 1.0);
    return meanEstimate("dm", terms, ones, "model=" + models.description());
  }

  /** Doubly robust with one model for every trajectory. */
  public Estimate dr(ActionValueModel model) {
    return dr(single(model));
  }

  /** Doubly robust (per-decision). */
  public Estimate dr(ModelFit models) {
    checkModels(models);
    double[] terms = drTerms(models, Double.POSITIVE_INFINITY);
    return meanEstimate("dr", terms, finalWeights(), weighted("model=" + models.description()));
  }

  /** SWITCH-DR with one model for every trajectory. */
  public Estimate switchDr(ActionValueModel model) {
    return switchDr(single(model));
  }

  /** SWITCH-DR with the threshold chosen by estimated MSE over a fixed grid. */
  public Estimate switchDr(ModelFit models) {
    checkModels(models);
    int n = data.size();
    double maxResidual = 0;
    long steps = 0;
    for (int i = 0; i < n; i++) {
      ActionValueModel model = models.model(i);
      for (LoggedDecision d : data.get(i).steps()) {
        maxResidual = Math.max(maxResidual, Math.abs(d.reward() - model.q(d.contextRef(), d.arm())));
        steps++;
      }
    }
    double bestMse = Double.POSITIVE_INFINITY;
    double bestTau = Double.POSITIVE_INFINITY;
    double[] bestTerms = null;
    for (double tau : SWITCH_GRID) {
      double[] terms = drTerms(models, tau);
      double mass = 0;
      for (int i = 0; i < n; i++) {
        for (double w : cum[i]) {
          if (w > tau) {
            mass += w;
          }
        }
      }
      mass /= steps;
      // One trajectory has no spread to estimate: weigh the bias alone (else every MSE is NaN and none is chosen).
      double se = n > 1 ? sd(terms) / Math.sqrt(n) : 0.0;
      double bias = maxResidual * mass;
      double mse = se * se + bias * bias;
      if (mse < bestMse) {
        bestMse = mse;
        bestTau = tau;
        bestTerms = terms;
      }
    }
    return meanEstimate("switch_dr", bestTerms, finalWeights(), weighted("tau=" + fmt(bestTau) + ", model="
        + models.description()));
  }

  private ModelFit single(ActionValueModel model) {
    return ModelFit.single(model, data.size(), modelName(model));
  }

  private void checkModels(ModelFit models) {
    if (models.perTrajectory().size() != data.size()) {
      throw new IllegalArgumentException("need one model per trajectory: " + data.size() + " trajectories, "
          + models.perTrajectory().size() + " models");
    }
  }

  private double[] drTerms(ModelFit models, double tau) {
    int n = data.size();
    double[] terms = new double[n];
    for (int i = 0; i < n; i++) {
      ActionValueModel model = models.model(i);
      List<LoggedDecision> steps = data.get(i).steps();
      double s = model.value(steps.get(0).contextRef(), target);
      double disc = 1;
      for (int t = 0; t < steps.size(); t++) {
        LoggedDecision d = steps.get(t);
        if (cum[i][t] <= tau) {
          double next = t + 1 < steps.size() && !d.done()
              ? gamma * model.value(steps.get(t + 1).contextRef(), target) : 0.0;
          s += disc * cum[i][t] * (d.reward() + next - model.q(d.contextRef(), d.arm()));
        }
        disc *= gamma;
      }
      terms[i] = s;
    }
    return terms;
  }

  /**
   * Every estimator: ips, clipped_ips (if {@code clip} is finite), snips, pdis, and with a model
   * dm, dr and switch_dr; in that order.
   */
  public Map<String, Estimate> all(double clip, ActionValueModel model) {
    return all(clip, model == null ? null : single(model));
  }

  /** As {@link #all(double, ActionValueModel)} with a model per trajectory (null: no model estimators). */
  public Map<String, Estimate> all(double clip, ModelFit model) {
    Map<String, Estimate> out = new LinkedHashMap<>();
    put(out, ips(Double.POSITIVE_INFINITY));
    if (!Double.isInfinite(clip)) {
      put(out, ips(clip));
    }
    put(out, snips());
    put(out, pdis());
    if (model != null) {
      put(out, dm(model));
      put(out, dr(model));
      put(out, switchDr(model));
    }
    return out;
  }

  private static void put(Map<String, Estimate> m, Estimate e) {
    m.put(e.estimator(), e);
  }

  /**
   * Percentile bootstrap intervals: {@code b} resamples of the trajectories (with replacement) drawn
   * from {@code rng}; each estimator re-run on each resample with the model held fixed. Returns the
   * estimates of {@link #all} with their intervals replaced.
   */
  public Map<String, Estimate> bootstrap(double clip, ActionValueModel model, int b, NumpyRandom rng) {
    return bootstrap(clip, model == null ? null : single(model), b, rng);
  }

  /** As {@link #bootstrap(double, ActionValueModel, int, NumpyRandom)}, each trajectory keeping its model. */
  public Map<String, Estimate> bootstrap(double clip, ModelFit model, int b, NumpyRandom rng) {
    if (b < 10) {
      throw new IllegalArgumentException("bootstrap needs at least 10 resamples, got " + b);
    }
    Map<String, Estimate> point = all(clip, model);
    Map<String, double[]> draws = new LinkedHashMap<>();
    for (String k : point.keySet()) {
      draws.put(k, new double[b]);
    }
    int n = data.size();
    for (int r = 0; r < b; r++) {
      List<Trajectory> sample = new ArrayList<>(n);
      int[] index = new int[n];
      for (int i = 0; i < n; i++) {
        index[i] = (int) rng.integers(0, n);
        sample.add(data.get(index[i]));
      }
      Map<String, Estimate> e = new OffPolicyEstimators(sample, target, gamma)
          .all(clip, model == null ? null : model.select(index));
      for (Map.Entry<String, Estimate> x : e.entrySet()) {
        draws.get(x.getKey())[r] = x.getValue().value();
      }
    }
    Map<String, Estimate> out = new LinkedHashMap<>();
    for (Map.Entry<String, Estimate> x : point.entrySet()) {
      double[] d = draws.get(x.getKey());
      Arrays.sort(d);
      Estimate p = x.getValue();
      out.put(x.getKey(), new Estimate(p.estimator(), p.value(), quantile(d, 0.025), quantile(d, 0.975), sd(d),
          p.ess(), p.maxWeight(), p.n(), (p.note().isEmpty() ? "" : p.note() + ", ") + "bootstrap=" + b));
    }
    return out;
  }

  private double finalWeight(int i) {
    return cum[i][cum[i].length - 1];
  }

  private double[] finalWeights() {
    double[] w = new double[data.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = finalWeight(i);
    }
    return w;
  }

  private static Estimate meanEstimate(String name, double[] terms, double[] weights, String note) {
    int n = terms.length;
    double mean = 0;
    for (double t : terms) {
      mean += t;
    }
    mean /= n;
    double se = n > 1 ? sd(terms) / Math.sqrt(n) : Double.NaN;
    double t = t975(n);
    return new Estimate(name, mean, mean - t * se, mean + t * se, se, ess(weights), max(weights), n, note);
  }

  /** Student's t 0.975 quantile for the mean of {@code n} terms (NaN for one term: no interval). */
  static double t975(int n) {
    return n > 1 ? io.rlsearch.eval.Summary.t975(n - 1) : Double.NaN;
  }

  static double ess(double[] w) {
    double s = 0;
    double s2 = 0;
    for (double v : w) {
      s += v;
      s2 += v * v;
    }
    return s2 == 0 ? 0.0 : s * s / s2;
  }

  private static double max(double[] w) {
    double m = 0;
    for (double v : w) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static double sd(double[] x) {
    int n = x.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    return Math.sqrt(ss / (n - 1));
  }

  /** numpy's default (linear) quantile of sorted values. */
  private static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static String fmt(double v) {
    return Double.isInfinite(v) ? "inf" : java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  private static String modelName(ActionValueModel m) {
    return m instanceof LinearFqe f ? "linear FQE (" + f.iterations() + (f.iterations() == 1 ? " iteration)" : " iterations)") : m.getClass().getSimpleName();
  }
}

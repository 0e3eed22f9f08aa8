package io.rlsearch.eval.ope.obd;

import io.rlsearch.core.random.LegacyRandom;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The action distribution of Bernoulli Thompson sampling over a ranked list, by Monte Carlo, as the
 * Open Bandit Pipeline's {@code BernoulliTS.compute_batch_action_dist}: each simulation draws one
 * {@code Beta(alpha_a, beta_a)} sample per item (the priors alone: no rewards are observed at batch
 * time), ranks the items by their samples, highest first, and puts the top {@code lenList} items at
 * positions {@code 0..lenList-1}. The distribution is, for each item and position, the share of the
 * simulations that put that item there; each position's column sums to 1.
 *
 * <p>The draws are the pipeline's own: numpy's legacy {@code RandomState(seed)} ({@link LegacyRandom}),
 * one {@code beta(alpha, beta)} per item in item order per simulation, as its
 * {@code random_.beta(a=alpha, b=beta)} draws them, so with the same seed and number of simulations
 * the distribution is the pipeline's exactly (its {@code random_state=12345} and
 * {@code n_sim=100000} give the fixtures' arrays cell for cell). Two items with equal samples (none
 * occur with the dataset's priors) are ranked the higher index first, as a reversed stable argsort;
 * numpy's argsort is not stable, so such a tie could be ordered otherwise there. The Monte Carlo
 * error of a cell with probability {@code p}, as an estimate of the policy's exact distribution, is
 * {@code sqrt(p (1 - p) / nSim)}.
 */
public final class BernoulliTsDistribution {
  private static final String PRIORS = "bts-priors.txt";
  private static final Map<String, Priors> ZOZOTOWN = readPriors();

  private BernoulliTsDistribution() {}

  /** Per-item Beta prior parameters, both positive. */
  public record Priors(double[] alpha, double[] beta) {
    public Priors {
      if (alpha.length != beta.length) {
        throw new IllegalArgumentException("priors: " + alpha.length + " alphas but " + beta.length + " betas");
      }
      if (alpha.length == 0) {
        throw new IllegalArgumentException("priors: no items");
      }
      for (int a = 0; a < alpha.length; a++) {
        if (!(alpha[a] > 0) || !(beta[a] > 0) || Double.isInfinite(alpha[a]) || Double.isInfinite(beta[a])) {
          throw new IllegalArgumentException("priors: item " + a + " has alpha " + alpha[a] + ", beta " + beta[a]
              + "; both must be finite and > 0");
        }
      }
      alpha = alpha.clone();
      beta = beta.clone();
    }

    @Override
    public double[] alpha() {
      return alpha.clone();
    }

    @Override
    public double[] beta() {
      return beta.clone();
    }

    public int items() {
      return alpha.length;
    }
  }

  /** The campaigns with published priors: {@code men}, {@code women}. */
  public static List<String> campaigns() {
    return ZOZOTOWN.keySet().stream().sorted().toList();
  }

  /**
   * The Open Bandit Dataset's published priors of its {@code bts} policy for a campaign
   * ({@code men}: 34 items, {@code women}: 46), from the Open Bandit Pipeline's
   * {@code obp/policy/conf/prior_bts.yaml} (Apache 2.0).
   */
  public static Priors zozotownPriors(String campaign) {
    Priors p = ZOZOTOWN.get(campaign);
    if (p == null) {
      throw new IllegalArgumentException("no Bernoulli TS priors for campaign '" + campaign + "'; known: "
          + String.join(", ", campaigns()));
    }
    return p;
  }

  /**
   * @param seed numpy's legacy seed, {@code 0 <= seed < 2^32}
   * @return {@code [item][position]}: the share of {@code nSim} simulations that rank the item at the position
   */
  public static double[][] compute(Priors priors, int lenList, int nSim, long seed) {
    int n = priors.items();
    if (lenList < 1 || lenList > n) {
      throw new IllegalArgumentException("lenList must be in 1.." + n + " (the number of items), got " + lenList);
    }
    if (nSim < 1) {
      throw new IllegalArgumentException("nSim must be >= 1, got " + nSim);
    }
    double[] alpha = priors.alpha;
    double[] beta = priors.beta;
    LegacyRandom rng = new LegacyRandom(seed);
    long[][] count = new long[n][lenList];
    double[] sample = new double[n];
    int[] top = new int[lenList];
    for (int s = 0; s < nSim; s++) {
      for (int a = 0; a < n; a++) {
        sample[a] = rng.beta(alpha[a], beta[a]);
      }
      // Top lenList by insertion; on a tie the higher item index ranks first, as a reversed stable argsort.
      int filled = 0;
      for (int a = 0; a < n; a++) {
        double x = sample[a];
        if (filled == lenList && x < sample[top[lenList - 1]]) {
          continue;
        }
        int k = Math.min(filled, lenList - 1);
        while (k > 0 && x >= sample[top[k - 1]]) {
          top[k] = top[k - 1];
          k--;
        }
        top[k] = a;
        if (filled < lenList) {
          filled++;
        }
      }
      for (int k = 0; k < lenList; k++) {
        count[top[k]][k]++;
      }
    }
    double[][] dist = new double[n][lenList];
    for (int a = 0; a < n; a++) {
      for (int k = 0; k < lenList; k++) {
        dist[a][k] = (double) count[a][k] / nSim;
      }
    }
    return dist;
  }

  private static Map<String, Priors> readPriors() {
    Map<String, double[]> values = new HashMap<>();
    try (InputStream in = BernoulliTsDistribution.class.getResourceAsStream(PRIORS)) {
      if (in == null) {
        throw new IllegalStateException("resource " + PRIORS + " is missing from the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\\s+");
        values.put(f[0] + " " + f[1],
            Arrays.stream(f, 2, f.length).mapToDouble(Double::parseDouble).toArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Priors> priors = new HashMap<>();
    for (String key : values.keySet()) {
      if (key.endsWith(" alpha")) {
        String campaign = key.substring(0, key.length() - " alpha".length());
        priors.put(campaign, new Priors(values.get(key), values.get(campaign + " beta")));
      }
    }
    return Map.copyOf(priors);
  }
}

package io.rlsearch.eval.fairness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Exposure fairness of rankings (the reference's {@code zoosim/evaluation/fairness.py}):
 * the attention a group of items receives is the sum of the position weights of the positions its
 * items hold, and a ranking's exposure shares are those sums normalised. Pure functions over group
 * labels and weights; the simulator maps products to groups (private label, category, strategic).
 *
 * <p>As the reference, position weights are the raw position-bias logits of the query type (an
 * unknown type falls back to "generic"), padded with the last value to the ranking depth.
 */
public final class ExposureFairness {
  /** Floor of shares and targets in the KL divergence. */
  static final double KL_FLOOR = 1e-10;

  private ExposureFairness() {}

  /**
   * The position weights of query type {@code queryType} for the first {@code k} positions.
   *
   * @param posBias the position-bias logits per query type (must include "generic")
   */
  public static double[] positionWeights(Map<String, double[]> posBias, String queryType, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("ranking depth k must be >= 1, got " + k);
    }
    double[] base = posBias.containsKey(queryType) ? posBias.get(queryType) : posBias.get("generic");
    if (base == null || base.length == 0) {
      throw new IllegalArgumentException("no position weights for query type '" + queryType + "' and no 'generic'"
          + " fallback; known types: " + posBias.keySet());
    }
    double[] w = new double[k];
    for (int i = 0; i < k; i++) {
      w[i] = base[Math.min(i, base.length - 1)];
    }
    return w;
  }

  /** Exposure by group: the sum of the weights of the positions each group's items hold (first k = weights.length). */
  public static Map<String, Double> exposure(List<String> groupsOfRanked, double[] weights) {
    Map<String, Double> out = new TreeMap<>();
    int k = Math.min(weights.length, groupsOfRanked.size());
    for (int i = 0; i < k; i++) {
      out.merge(groupsOfRanked.get(i), weights[i], Double::sum);
    }
    return out;
  }

  /** Exposure normalised to shares summing to 1 (all 0 when the total is not positive). */
  public static Map<String, Double> shares(Map<String, Double> exposure) {
    double total = 0;
    for (double v : exposure.values()) {
      total += v;
    }
    Map<String, Double> out = new TreeMap<>();
    for (Map.Entry<String, Double> e : exposure.entrySet()) {
      out.put(e.getKey(), total > 0 ? e.getValue() / total : 0.0);
    }
    return out;
  }

  /** {@code sum_g |share_g - target_g|} over every group in either map. */
  public static double l1Gap(Map<String, Double> shares, Map<String, Double> targets) {
    TreeSet<String> keys = new TreeSet<>(shares.keySet());
    keys.addAll(targets.keySet());
    double gap = 0;
    for (String g : keys) {
      gap += Math.abs(shares.getOrDefault(g, 0.0) - targets.getOrDefault(g, 0.0));
    }
    return gap;
  }

  /** {@code KL(shares || targets)}: shares and targets floored at 1e-10, groups with a zero share skipped. */
  public static double kl(Map<String, Double> shares, Map<String, Double> targets) {
    double d = 0;
    for (Map.Entry<String, Double> e : shares.entrySet()) {
      double s = Math.max(e.getValue(), KL_FLOOR);
      if (s <= KL_FLOOR) {
        continue;
      }
      double t = Math.max(targets.getOrDefault(e.getKey(), 0.0), KL_FLOOR);
      d += s * Math.log(s / t);
    }
    return d;
  }

  /**
   * A band check of one group's share.
   *
   * @param group the group
   * @param share its share
   * @param lo the band's lower end (target - band)
   * @param hi the band's upper end (target + band)
   * @param within whether the share lies in the band
   * @param deviation {@code share - lo} below the band, {@code share - hi} above it, 0 inside
   */
  public record BandCheck(String group, double share, double lo, double hi, boolean within, double deviation) {}

  /** Checks {@code share} against {@code target +- band}. */
  public static BandCheck withinBand(String group, double share, double target, double band) {
    if (!(band >= 0)) {
      throw new IllegalArgumentException("band must be >= 0, got " + band);
    }
    double lo = target - band;
    double hi = target + band;
    double dev = share < lo ? share - lo : share > hi ? share - hi : 0.0;
    return new BandCheck(group, share, lo, hi, dev == 0.0, dev);
  }

  /**
   * Fairness over a batch of rankings.
   *
   * @param meanShares the shares averaged over the rankings
   * @param l1Gap the mean shares' L1 gap to the targets
   * @param kl the mean shares' KL divergence from the targets
   * @param bandSatisfaction the share of (ranking, target group) checks within the band
   * @param maxDeviation the largest absolute band deviation of any ranking
   * @param rankings rankings averaged
   */
  public record BatchFairness(Map<String, Double> meanShares, double l1Gap, double kl, double bandSatisfaction,
      double maxDeviation, int rankings) {}

  /**
   * Averages exposure shares over rankings (each with its query type; "generic" when null) and checks
   * every ranking's share of each target group against {@code target +- band}.
   */
  public static BatchFairness batch(List<List<String>> rankingsGroups, List<String> queryTypes,
      Map<String, double[]> posBias, Map<String, Double> targets, double band, int k) {
    if (rankingsGroups.isEmpty() || queryTypes.size() != rankingsGroups.size()) {
      throw new IllegalArgumentException("need at least one ranking and one query type per ranking; got "
          + rankingsGroups.size() + " rankings and " + queryTypes.size() + " query types");
    }
    Map<String, Double> sum = new TreeMap<>();
    int checks = 0;
    int within = 0;
    double maxDev = 0;
    for (int r = 0; r < rankingsGroups.size(); r++) {
      String qt = queryTypes.get(r) == null ? "generic" : queryTypes.get(r);
      Map<String, Double> s = shares(exposure(rankingsGroups.get(r), positionWeights(posBias, qt, k)));
      for (Map.Entry<String, Double> e : s.entrySet()) {
        sum.merge(e.getKey(), e.getValue(), Double::sum);
      }
      for (Map.Entry<String, Double> t : targets.entrySet()) {
        BandCheck b = withinBand(t.getKey(), s.getOrDefault(t.getKey(), 0.0), t.getValue(), band);
        checks++;
        within += b.within() ? 1 : 0;
        maxDev = Math.max(maxDev, Math.abs(b.deviation()));
      }
    }
    Map<String, Double> mean = new TreeMap<>();
    for (Map.Entry<String, Double> e : sum.entrySet()) {
      mean.put(e.getKey(), e.getValue() / rankingsGroups.size());
    }
    return new BatchFairness(mean, l1Gap(mean, targets), kl(mean, targets),
        checks == 0 ? 1.0 : (double) within / checks, maxDev, rankingsGroups.size());
  }

  /** Mean reward per segment, in order of first appearance. */
  public static Map<String, Double> utilityBySegment(List<String> segments, double[] rewards) {
    if (segments.size() != rewards.length) {
      throw new IllegalArgumentException("one segment per reward: " + segments.size() + " vs " + rewards.length);
    }
    Map<String, double[]> acc = new LinkedHashMap<>();
    for (int i = 0; i < rewards.length; i++) {
      double[] a = acc.computeIfAbsent(segments.get(i), s -> new double[2]);
      a[0] += rewards[i];
      a[1]++;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    acc.forEach((s, a) -> out.put(s, a[0] / a[1]));
    return out;
  }

  /** {@code max - min} of the per-segment utilities (0 for fewer than two segments). */
  public static double utilityParityGap(Map<String, Double> utilities) {
    if (utilities.size() < 2) {
      return 0.0;
    }
    List<Double> v = new ArrayList<>(utilities.values());
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(0)
        - v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
  }
}

package io.rlsearch.eval;

import io.rlsearch.core.Transition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Online metrics of a run, fed one transition at a time in any order: per-episode reward, GMV,
 * CM2, CTR and orders in primitive columns, deduplicated by episode id.
 *
 * <p>Reports are computed on demand: means over all episodes and over the final 10% (by episode id),
 * and the same per policy version, each with a 95% confidence interval. Sorting by episode id before
 * reducing makes the report independent of arrival order.
 */
public final class OnlineMetrics {
  /** The metric names, in report order. */
  public static final List<String> NAMES = List.of("reward", "gmv", "cm2", "ctr", "orders", "exposure_pl",
      "diversity");

  private long[] episode = new long[1024];
  private long[] version = new long[1024];
  private int[] arm = new int[1024];
  private double[][] values = new double[NAMES.size()][1024];
  private int n;
  private long duplicates;
  private final BitSet seen = new BitSet();

  /** Adds a transition; false (and nothing recorded) if its episode was seen before. */
  public boolean add(Transition t) {
    if (t.episode() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("episode id beyond 2^31: " + t.episode());
    }
    int id = (int) t.episode();
    if (seen.get(id)) {
      duplicates++;
      return false;
    }
    seen.set(id);
    if (n == episode.length) {
      int cap = n * 2;
      episode = Arrays.copyOf(episode, cap);
      version = Arrays.copyOf(version, cap);
      arm = Arrays.copyOf(arm, cap);
      for (int k = 0; k < values.length; k++) {
        values[k] = Arrays.copyOf(values[k], cap);
      }
    }
    episode[n] = t.episode();
    version[n] = t.policyVersion();
    arm[n] = t.arm();
    values[0][n] = t.reward();
    values[1][n] = t.breakdown().gmv();
    values[2][n] = t.breakdown().cm2();
    values[3][n] = t.ctr();
    values[4][n] = t.orders();
    values[5][n] = t.exposurePl();
    values[6][n] = t.diversity();
    n++;
    return true;
  }

  /** Distinct episodes recorded. */
  public long count() {
    return n;
  }

  /** Duplicates refused. */
  public long duplicates() {
    return duplicates;
  }

  /**
   * One policy version's metrics.
   *
   * @param version the version
   * @param episodes episodes acted with it
   * @param metrics summaries by metric name
   */
  public record VersionMetrics(long version, long episodes, Map<String, Summary> metrics) {}

  /**
   * A report.
   *
   * @param episodes distinct episodes
   * @param mean summaries over all episodes
   * @param last summaries over the final 10% of episodes (by id)
   * @param versions per policy version, ascending
   * @param episodeIds episode ids, ascending
   * @param rewards rewards in that order
   * @param arms arms in that order
   * @param cm2 CM2 per episode in that order
   */
  public record Report(long episodes, Map<String, Summary> mean, Map<String, Summary> last, List<VersionMetrics> versions,
      long[] episodeIds, double[] rewards, int[] arms, double[] cm2) {

    /**
     * The share of consecutive windows of {@code window} episodes (in episode order) whose mean CM2 per
     * episode lies below {@code floor}: how often a CM2 floor on such windows is breached.
     */
    public double cm2FloorViolationRate(double floor, int window) {
      int windows = cm2.length / window;
      if (windows == 0) {
        return Double.NaN;
      }
      int breached = 0;
      for (int w = 0; w < windows; w++) {
        double sum = 0;
        for (int i = w * window; i < (w + 1) * window; i++) {
          sum += cm2[i];
        }
        breached += sum / window < floor ? 1 : 0;
      }
      return (double) breached / windows;
    }
  }

  /** The report of everything recorded so far. */
  public Report report() {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(episode[a], episode[b]));
    double[][] sorted = new double[values.length][n];
    long[] ids = new long[n];
    int[] arms = new int[n];
    for (int j = 0; j < n; j++) {
      int i = order[j];
      ids[j] = episode[i];
      arms[j] = arm[i];
      for (int k = 0; k < values.length; k++) {
        sorted[k][j] = values[k][i];
      }
    }
    int lastN = n == 0 ? 0 : Math.max(1, (int) Math.ceil(n / 10.0));
    Map<String, Summary> mean = new LinkedHashMap<>();
    Map<String, Summary> last = new LinkedHashMap<>();
    for (int k = 0; k < values.length; k++) {
      mean.put(NAMES.get(k), Summary.of(sorted[k]));
      last.put(NAMES.get(k), Summary.of(Arrays.copyOfRange(sorted[k], n - lastN, n)));
    }
    TreeMap<Long, List<Integer>> byVersion = new TreeMap<>();
    for (int j = 0; j < n; j++) {
      byVersion.computeIfAbsent(version[order[j]], v -> new ArrayList<>()).add(j);
    }
    List<VersionMetrics> versions = new ArrayList<>();
    for (Map.Entry<Long, List<Integer>> e : byVersion.entrySet()) {
      Map<String, Summary> m = new LinkedHashMap<>();
      for (int k = 0; k < values.length; k++) {
        double[] v = new double[e.getValue().size()];
        for (int j = 0; j < v.length; j++) {
          v[j] = sorted[k][e.getValue().get(j)];
        }
        m.put(NAMES.get(k), Summary.of(v));
      }
      versions.add(new VersionMetrics(e.getKey(), e.getValue().size(), m));
    }
    return new Report(n, mean, last, versions, ids, sorted[0], arms, sorted[2]);
  }
}

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
 * CM2, CTR and orders, deduplicated by episode id.
 *
 * <p>Reports are computed on demand: means over all episodes and over the final 10% (by episode id),
 * and the same per policy version, each with a 95% confidence interval.
 *
 * <p>Memory stays bounded however long the run. The first {@link #DETAIL} episodes (by arrival) are
 * kept whole, in primitive columns: while a run has no more, reports are exact two-pass summaries
 * sorted by episode id (independent of arrival order) and carry the per-episode columns. Every
 * episode is also folded, in episode-id order, into running sums (Welford's mean and squared
 * deviations) overall, per version and per block of 1,000 episode ids; a block is folded once it is
 * complete or once episodes 8 blocks later have arrived (ids need not be dense), and an episode
 * arriving for a block already folded (a retry that late) is added on arrival. Beyond {@link #DETAIL}
 * episodes, reports come from those sums: the final 10% is rounded to whole blocks, CM2-floor windows
 * are blocks of 100 episode ids, and the per-episode columns hold the first {@link #DETAIL} episodes.
 * What grows is a bit per episode id, 0.2 KB per block of 1,000 and 0.2 KB per policy version.
 */
public final class OnlineMetrics {
  /** The metric names, in report order. */
  public static final List<String> NAMES = List.of("reward", "gmv", "cm2", "ctr", "orders", "exposure_pl",
      "diversity");

  /** Episodes kept whole (about 80 bytes each): reports of runs up to this size are exact. */
  public static final int DETAIL = 100_000;

  /** Episode ids per folded block. */
  static final int BLOCK = 1000;

  /** Blocks an incomplete block waits for before it is folded. */
  static final int LOOKAHEAD = 8;

  private final int detail;
  private long[] episode = new long[1024];
  private long[] version = new long[1024];
  private int[] arm = new int[1024];
  private double[][] values = new double[NAMES.size()][1024];
  private int n;
  private long total;
  private long duplicates;
  private final BitSet seen = new BitSet();

  /** Running sums of one group of episodes, one per metric. */
  private static final class Acc {
    long n;
    final double[] mean = new double[NAMES.size()];
    final double[] m2 = new double[NAMES.size()];

    void add(double[] v) {
      n++;
      for (int k = 0; k < v.length; k++) {
        double d = v[k] - mean[k];
        mean[k] += d / n;
        m2[k] += d * (v[k] - mean[k]);
      }
    }

    /** Chan's merge of {@code o} into this. */
    void merge(Acc o) {
      if (o.n == 0) {
        return;
      }
      long m = n + o.n;
      for (int k = 0; k < mean.length; k++) {
        double d = o.mean[k] - mean[k];
        mean[k] += d * o.n / m;
        m2[k] += o.m2[k] + d * d * n * o.n / m;
      }
      n = m;
    }

    Acc copy() {
      Acc c = new Acc();
      c.merge(this);
      return c;
    }

    Map<String, Summary> summaries() {
      Map<String, Summary> out = new LinkedHashMap<>();
      for (int k = 0; k < mean.length; k++) {
        out.put(NAMES.get(k), Summary.ofMoments(n, mean[k], m2[k]));
      }
      return out;
    }
  }

  /** A block of {@link #BLOCK} episode ids: its episodes until folded, then its sums. */
  private static final class Block {
    final long index;
    double[][] rows = new double[BLOCK][];
    long[] versions = new long[BLOCK];
    int present;
    final Acc acc = new Acc();
    final double[] cm2Sum = new double[BLOCK / 100];
    final int[] cm2Count = new int[BLOCK / 100];

    Block(long index) {
      this.index = index;
    }
  }

  private final Acc overall = new Acc();
  private final TreeMap<Long, Acc> byVersion = new TreeMap<>();
  /** Folded blocks' sums, by block index. */
  private final TreeMap<Long, Block> folded = new TreeMap<>();
  /** Blocks not folded yet, by block index. */
  private final TreeMap<Long, Block> pending = new TreeMap<>();

  /** Metrics keeping the first {@link #DETAIL} episodes whole. */
  public OnlineMetrics() {
    this(DETAIL);
  }

  /** Metrics keeping the first {@code detail} episodes whole (tests use small values). */
  public OnlineMetrics(int detail) {
    if (detail < 1) {
      throw new IllegalArgumentException("detail must be >= 1, got " + detail);
    }
    this.detail = detail;
  }

  /** Whether an episode with this transition's id has been recorded. */
  public boolean seen(Transition t) {
    return t.episode() <= Integer.MAX_VALUE && t.episode() >= 0 && seen.get((int) t.episode());
  }

  /** A transition's metric values, in {@link #NAMES} order. */
  public static double[] row(Transition t) {
    return new double[] {t.reward(), t.breakdown().gmv(), t.breakdown().cm2(), t.ctr(), t.orders(), t.exposurePl(),
        t.diversity()};
  }

  /** Adds a transition; false (and nothing recorded) if its episode was seen before. */
  public boolean add(Transition t) {
    return add(t.episode(), t.policyVersion(), t.arm(), row(t));
  }

  /**
   * Adds an episode's metric values ({@link #row} of its transition: what a checkpoint keeps); false (and
   * nothing recorded) if the episode was seen before.
   */
  public boolean add(long episodeId, long policyVersion, int armPlayed, double[] row) {
    if (episodeId > Integer.MAX_VALUE || episodeId < 0) {
      throw new IllegalArgumentException("episode id outside 0..2^31-1: " + episodeId);
    }
    if (row.length != NAMES.size()) {
      throw new IllegalArgumentException("a metrics row has " + NAMES.size() + " values, got " + row.length);
    }
    int id = (int) episodeId;
    if (seen.get(id)) {
      duplicates++;
      return false;
    }
    seen.set(id);
    row = row.clone();
    fold(episodeId, policyVersion, row);
    total++;
    if (n >= detail) {
      return true;
    }
    if (n == episode.length) {
      int cap = n * 2;
      episode = Arrays.copyOf(episode, cap);
      version = Arrays.copyOf(version, cap);
      arm = Arrays.copyOf(arm, cap);
      for (int k = 0; k < values.length; k++) {
        values[k] = Arrays.copyOf(values[k], cap);
      }
    }
    episode[n] = episodeId;
    version[n] = policyVersion;
    arm[n] = armPlayed;
    for (int k = 0; k < row.length; k++) {
      values[k][n] = row[k];
    }
    n++;
    return true;
  }

  private void fold(long id, long v, double[] row) {
    long b = id / BLOCK;
    Block done = folded.get(b);
    if (done != null) {
      // Later than the look-ahead (a retry that late): added on arrival.
      add(done, id, v, row);
      return;
    }
    Block blk = pending.computeIfAbsent(b, Block::new);
    int at = (int) (id - b * BLOCK);
    blk.rows[at] = row;
    blk.versions[at] = v;
    blk.present++;
    while (!pending.isEmpty()) {
      Block first = pending.firstEntry().getValue();
      if (first.present < BLOCK && pending.lastKey() < first.index + LOOKAHEAD) {
        return;
      }
      pending.pollFirstEntry();
      for (int i = 0; i < BLOCK; i++) {
        if (first.rows[i] != null) {
          add(first, first.index * BLOCK + i, first.versions[i], first.rows[i]);
        }
      }
      first.rows = null;
      first.versions = null;
      folded.put(first.index, first);
    }
  }

  private void add(Block blk, long id, long v, double[] row) {
    overall.add(row);
    byVersion.computeIfAbsent(v, x -> new Acc()).add(row);
    blk.acc.add(row);
    int w = (int) ((id - blk.index * BLOCK) / 100);
    blk.cm2Sum[w] += row[2];
    blk.cm2Count[w]++;
  }

  /** Blocks waiting to be folded (bounded by the look-ahead and the stream's reordering). */
  int pendingBlocks() {
    return pending.size();
  }

  /** Distinct episodes recorded. */
  public long count() {
    return total;
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
   * @param cm2Hundreds beyond the kept episodes: the mean CM2 of each block of 100 episode ids, in id
   *     order (empty while every episode is kept)
   */
  public record Report(long episodes, Map<String, Summary> mean, Map<String, Summary> last, List<VersionMetrics> versions,
      long[] episodeIds, double[] rewards, int[] arms, double[] cm2, double[] cm2Hundreds) {

    /**
     * The share of consecutive windows of {@code window} episodes (in episode order) whose mean CM2 per
     * episode lies below {@code floor}: how often a CM2 floor on such windows is breached. Beyond the
     * kept episodes the windows are the blocks of 100 episode ids, and {@code window} must be 100.
     */
    public double cm2FloorViolationRate(double floor, int window) {
      if (cm2Hundreds.length > 0) {
        if (window != 100) {
          throw new IllegalArgumentException("beyond " + cm2.length + " episodes CM2 windows are 100 episodes");
        }
        int breached = 0;
        for (double m : cm2Hundreds) {
          breached += m < floor ? 1 : 0;
        }
        return (double) breached / cm2Hundreds.length;
      }
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
    if (total > n) {
      return summed(ids, sorted, arms);
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
    return new Report(n, mean, last, versions, ids, sorted[0], arms, sorted[2], new double[0]);
  }

  /** The report from the running sums (beyond the kept episodes), the pending blocks folded into a copy. */
  private Report summed(long[] ids, double[][] sorted, int[] arms) {
    Acc all = overall.copy();
    TreeMap<Long, Acc> versions = new TreeMap<>();
    byVersion.forEach((v, a) -> versions.put(v, a.copy()));
    TreeMap<Long, Acc> blockAcc = new TreeMap<>();
    TreeMap<Long, double[]> hundreds = new TreeMap<>();
    for (Block b : folded.values()) {
      blockAcc.put(b.index, b.acc);
      putHundreds(hundreds, b.index, b.cm2Sum, b.cm2Count);
    }
    for (Block b : pending.values()) {
      Acc a = new Acc();
      double[] sum = new double[BLOCK / 100];
      int[] cnt = new int[BLOCK / 100];
      for (int i = 0; i < BLOCK; i++) {
        if (b.rows[i] != null) {
          all.add(b.rows[i]);
          versions.computeIfAbsent(b.versions[i], x -> new Acc()).add(b.rows[i]);
          a.add(b.rows[i]);
          sum[i / 100] += b.rows[i][2];
          cnt[i / 100]++;
        }
      }
      blockAcc.put(b.index, a);
      putHundreds(hundreds, b.index, sum, cnt);
    }
    long lastN = Math.max(1, (long) Math.ceil(total / 10.0));
    Acc last = new Acc();
    for (Acc a : blockAcc.descendingMap().values()) {
      if (last.n >= lastN) {
        break;
      }
      last.merge(a);
    }
    List<VersionMetrics> vm = new ArrayList<>();
    versions.forEach((v, a) -> vm.add(new VersionMetrics(v, a.n, a.summaries())));
    double[] h = new double[hundreds.size()];
    int i = 0;
    for (double[] x : hundreds.values()) {
      h[i++] = x[0] / x[1];
    }
    return new Report(total, all.summaries(), last.summaries(), vm, ids, sorted[0], arms, sorted[2], h);
  }

  private static void putHundreds(TreeMap<Long, double[]> out, long block, double[] sum, int[] cnt) {
    for (int w = 0; w < sum.length; w++) {
      if (cnt[w] > 0) {
        out.put(block * (BLOCK / 100) + w, new double[] {sum[w], cnt[w]});
      }
    }
  }
}

package io.rlsearch.experiments.labs;

import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Catalog;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.RewardFunction;
import io.rlsearch.sim.SessionOutcome;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demos of Chapters 4 and 5, run on our world with their seeds: the generative world's
 * statistics (catalog, users, queries) and the relevance, feature and reward pipeline on hand-made
 * sessions. The recorded figures are the reference's verification run of 2026-01-16
 * ({@code verification_runs/ch00_06/run_20260116T105249Z/logs/15_ch04_demo.log} and
 * {@code 16_ch05_demo.log}).
 */
public final class WorldLabs {
  private WorldLabs() {}

  static final String RUN = "verification_runs/ch00_06/run_20260116T105249Z/logs/";

  /** Chapter 4's demo: the generative world on seed 20251108. */
  public static final class GenerativeWorld implements Lab {
    @Override
    public String name() {
      return "ch04-world";
    }

    @Override
    public String chapter() {
      return "4 (demo)";
    }

    @Override
    public String shows() {
      return "the generated catalog, users and queries follow their configured distributions, and a seed fixes the world";
    }

    @Override
    public LabReport run(SimSettings settings) {
      String src = RUN + "15_ch04_demo.log";
      LabReport r = new LabReport(name());
      long seed = 20251108L;
      List<String> cats = settings.catalog().categories();
      Catalog c = Catalog.generate(settings.catalog(), new NumpyRandom(seed));
      Map<String, Double> counts = new LinkedHashMap<>();
      Map<String, Double> medians = new LinkedHashMap<>();
      Map<String, Double> cm2 = new LinkedHashMap<>();
      int strategic = 0;
      for (int k = 0; k < cats.size(); k++) {
        int n = 0;
        double m = 0;
        for (int i = 0; i < c.size(); i++) {
          if (c.category(i) == k) {
            n++;
            m += c.cm2(i);
          }
        }
        double[] prices = new double[n];
        int j = 0;
        for (int i = 0; i < c.size(); i++) {
          if (c.category(i) == k) {
            prices[j++] = c.price(i);
            if (c.strategic(i)) {
              strategic++;
            }
          }
        }
        counts.put(cats.get(k), (double) n);
        medians.put(cats.get(k), io.rlsearch.eval.Summary.median(prices));
        cm2.put(cats.get(k), m / n);
      }
      r.withinAll("category_counts", counts, map(cats, 3531, 3452, 1497, 1520), 0, src, null);
      r.withinAll("price_median", medians, map(cats, 13.52, 12.19, 8.95, 6.24), 0.005, src, null);
      r.withinAll("mean_cm2", cm2, map(cats, 1.734, 1.446, -0.273, 1.440), 0.0005, src, null);
      r.put("strategic_products", strategic, 1497, src, strategic == 1497 ? LabReport.MATCH : "ours " + strategic);

      World w = new World(settings, c);
      NumpyRandom rng = new NumpyRandom(seed);
      List<String> segs = settings.users().segments();
      double[] segCount = new double[segs.size()];
      for (int i = 0; i < 10_000; i++) {
        User u = w.sampleUser(rng);
        segCount[u.segment()]++;
      }
      Map<String, Double> sc = new LinkedHashMap<>();
      for (int s = 0; s < segs.size(); s++) {
        sc.put(segs.get(s), segCount[s]);
      }
      r.withinAll("segment_counts", sc, map(segs, 3445, 2596, 1488, 2471), 0, src, null);

      rng = new NumpyRandom(seed);
      List<String> types = settings.queries().queryTypes();
      double[] typeCount = new double[types.size()];
      double[] perSeg = new double[segs.size()];
      double[] litter = new double[segs.size()];
      int litterIdx = cats.indexOf("litter");
      for (int i = 0; i < 5_000; i++) {
        User u = w.sampleUser(rng);
        Query q = w.sampleQuery(u, rng);
        typeCount[q.queryType()]++;
        perSeg[u.segment()]++;
        if (q.intentCategory() == litterIdx) {
          litter[u.segment()]++;
        }
      }
      Map<String, Double> tc = new LinkedHashMap<>();
      for (int t = 0; t < types.size(); t++) {
        tc.put(types.get(t), typeCount[t]);
      }
      r.withinAll("query_type_counts", tc, map(types, 3003, 1002, 995), 0, src, null);
      Map<String, Double> lr = new LinkedHashMap<>();
      for (int s = 0; s < segs.size(); s++) {
        lr.put(segs.get(s), litter[s] / perSeg[s]);
      }
      r.withinAll("litter_query_rate", lr, map(segs, 0.213, 0.212, 0.045, 0.860), 0.0005, src, null);
      Catalog a = Catalog.generate(settings.catalog(), new NumpyRandom(42));
      Catalog b = Catalog.generate(settings.catalog(), new NumpyRandom(123));
      r.decimals("seed42_product0_price", a.price(0), 10.64, 2, src);
      r.decimals("seed123_product0_price", b.price(0), 14.55, 2, src);
      return r;
    }
  }

  static Map<String, Double> map(List<String> keys, double... values) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      m.put(keys.get(i), values[i]);
    }
    return m;
  }

  /** Chapter 5's demo on seed 2025: relevance, features and the scalar reward. */
  public static final class Pipeline implements Lab {
    @Override
    public String name() {
      return "ch05-pipeline";
    }

    @Override
    public String chapter() {
      return "5 (demo)";
    }

    @Override
    public String shows() {
      return "base relevance, the 10 boost features and the scalar reward of a session, step by step";
    }

    /** Indices of the {@code k} largest base scores, largest first. */
    static int[] top(EpisodeScorer s, int n, int k) {
      Integer[] idx = new Integer[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, (x, y) -> Double.compare(s.base(y), s.base(x)));
      int[] out = new int[k];
      for (int i = 0; i < k; i++) {
        out[i] = idx[i];
      }
      return out;
    }

    @Override
    public LabReport run(SimSettings settings) {
      String src = RUN + "16_ch05_demo.log";
      LabReport r = new LabReport(name());
      NumpyRandom rng = new NumpyRandom(2025);
      // Part 1: relevance.
      World w1 = World.generate(settings, rng);
      User u1 = w1.sampleUser(rng);
      Query q1 = w1.sampleQuery(u1, rng);
      EpisodeScorer s1 = new EpisodeScorer(w1, settings.topK());
      s1.drawBase(u1, q1, rng);
      int n = w1.catalog().size();
      int[] top1 = top(s1, n, 10);
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double mean = 0;
      for (int i = 0; i < n; i++) {
        min = Math.min(min, s1.base(i));
        max = Math.max(max, s1.base(i));
        mean += s1.base(i) / n;
      }
      r.decimalsAll("top10_product_ids", Arrays.stream(top1).asDoubleStream().toArray(),
          new double[] {5419, 8204, 8061, 7736, 2170, 1985, 5712, 2544, 2671, 6263}, 0, src);
      double[] topScores = new double[10];
      for (int i = 0; i < 10; i++) {
        topScores[i] = s1.base(top1[i]);
      }
      r.decimalsAll("top10_scores", topScores,
          new double[] {0.648, 0.647, 0.638, 0.637, 0.627, 0.621, 0.620, 0.620, 0.614, 0.600}, 3, src);
      r.decimals("score_min", min, -0.324, 3, src);
      r.decimals("score_max", max, 0.648, 3, src);
      r.decimals("score_mean", mean, 0.191, 3, src);
      // Part 2: features of the top product among the top 20, raw and standardised over the 20.
      World w2 = World.generate(settings, rng);
      User u2 = w2.sampleUser(rng);
      Query q2 = w2.sampleQuery(u2, rng);
      EpisodeScorer s2 = new EpisodeScorer(w2, settings.topK());
      s2.drawBase(u2, q2, rng);
      int[] top2 = top(s2, n, 20);
      int d = settings.action().featureDim();
      double[][] raw = new double[20][d];
      for (int i = 0; i < 20; i++) {
        s2.rawFeatureRow(u2, q2, top2[i], raw[i]);
      }
      double[] std0 = new double[d];
      for (int j = 0; j < d; j++) {
        double m = 0;
        for (double[] row : raw) {
          m += row[j] / 20;
        }
        double v = 0;
        for (double[] row : raw) {
          v += (row[j] - m) * (row[j] - m) / 20;
        }
        double sd = Math.sqrt(v);
        std0[j] = (raw[0][j] - m) / (sd == 0 ? 1 : sd);
      }
      r.put("top_product_id_part2", top2[0], 7390, src, top2[0] == 7390 ? LabReport.MATCH : "ours " + top2[0]);
      r.decimalsAll("top_product_raw_features", raw[0],
          new double[] {1.665, 0.103, 0.000, 10.833, 2.391, 14.122, 0.000, -0.313, -0.000, 2.391}, 3, src);
      r.decimalsAll("top_product_standardized_features", std0,
          new double[] {0.378, 1.092, -0.816, 0.696, 0.694, 0.570, 0.000, -1.092, 0.816, 0.694}, 3, src);
      // Part 3: the reward of a hand-made session on a third catalog.
      World w3 = World.generate(settings, rng);
      int[] ranking = new int[20];
      for (int i = 0; i < 20; i++) {
        ranking[i] = i;
      }
      int[] clicks = new int[20];
      int[] buys = new int[20];
      for (int i : new int[] {0, 1, 3, 7}) {
        clicks[i] = 1;
      }
      buys[0] = 1;
      buys[3] = 1;
      RewardFunction rf3 = new RewardFunction(w3);
      RewardBreakdown b3 = rf3.breakdown(ranking, new SessionOutcome(clicks, buys, 0));
      r.decimals("part3_gmv", b3.gmv(), 15.45, 2, src);
      r.decimals("part3_cm2", b3.cm2(), 1.13, 2, src);
      r.decimals("part3_strategic", b3.strat(), 1.0, 1, src);
      r.decimals("reward", rf3.scalar(b3), 18.31, 2, src);
      // Part 4: random boosts in [-0.1, 0.1] over the top 20 of a fourth world, then a hand-made session.
      World w4 = World.generate(settings, rng);
      User u4 = w4.sampleUser(rng);
      Query q4 = w4.sampleQuery(u4, rng);
      EpisodeScorer s4 = new EpisodeScorer(w4, settings.topK());
      s4.drawBase(u4, q4, rng);
      int[] top4 = top(s4, n, 20);
      double[] adjusted = new double[20];
      for (int i = 0; i < 20; i++) {
        adjusted[i] = s4.base(top4[i]) + rng.uniform(-0.1, 0.1);
      }
      Integer[] order = new Integer[20];
      for (int i = 0; i < 20; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (x, y) -> Double.compare(adjusted[y], adjusted[x]));
      int[] finalRanking = new int[20];
      for (int i = 0; i < 20; i++) {
        finalRanking[i] = top4[order[i]];
      }
      int[] c4 = new int[20];
      int[] b4 = new int[20];
      c4[0] = 1;
      c4[1] = 1;
      c4[3] = 1;
      b4[0] = 1;
      b4[3] = 1;
      RewardFunction rf4 = new RewardFunction(w4);
      RewardBreakdown br4 = rf4.breakdown(finalRanking, new SessionOutcome(c4, b4, 0));
      r.decimals("part4_gmv", br4.gmv(), 20.19, 2, src);
      r.decimals("part4_cm2", br4.cm2(), 2.15, 2, src);
      r.decimals("part4_reward", rf4.scalar(br4), 21.35, 2, src);
      return r;
    }
  }
}

package io.rlsearch.experiments.labs;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Stats;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lab 2.2: base relevance scores are unbounded but square-integrable. On {@code default_rng(3)}: the
 * catalog, then 100 times a user, their query, 100 products drawn without replacement and their base
 * scores; the 10,000 scores' mean, standard deviation, extremes and percentiles.
 */
public final class BaseScoresLab implements Lab {
  static final String SOURCE = "docs/book/ch02/ch02_lab_solutions.md (Lab 2.2); " + WorldLabs.RUN
      + "12_ch02_lab_2_2.log";

  @Override
  public String name() {
    return "ch02-base-scores";
  }

  @Override
  public String chapter() {
    return "2 (Lab 2.2)";
  }

  @Override
  public String shows() {
    return "base scores of sampled queries and products have a finite mean and variance and leave [0, 1]";
  }

  @Override
  public LabReport run(SimSettings settings) {
    NumpyRandom rng = new NumpyRandom(3);
    World w = World.generate(settings, rng);
    EpisodeScorer scorer = new EpisodeScorer(w, settings.topK());
    int n = w.catalog().size();
    double[] all = new double[100 * 100];
    for (int i = 0; i < 100; i++) {
      User u = w.sampleUser(rng);
      Query q = w.sampleQuery(u, rng);
      int[] subset = rng.choiceWithoutReplacement(n, 100);
      double[] s = scorer.baseScores(q, subset, rng);
      System.arraycopy(s, 0, all, i * 100, 100);
    }
    double mean = Stats.mean(all);
    double std = Stats.populationStd(all, mean);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : all) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    LabReport r = new LabReport(name());
    r.decimals("score_mean", mean, 0.098, 3, SOURCE);
    r.decimals("score_std", std, 0.221, 3, SOURCE);
    r.decimals("score_min", min, -0.558, 3, SOURCE);
    r.decimals("score_max", max, 0.933, 3, SOURCE);
    Map<String, Double> pct = new LinkedHashMap<>();
    Map<String, Double> book = new LinkedHashMap<>();
    double[] qs = {5, 25, 50, 75, 95};
    double[] b = {-0.258, -0.057, 0.095, 0.248, 0.466};
    for (int i = 0; i < qs.length; i++) {
      pct.put(Integer.toString((int) qs[i]), Stats.percentile(all, qs[i]));
      book.put(Integer.toString((int) qs[i]), b[i]);
    }
    r.withinAll("score_percentiles", pct, book, 0.0005, SOURCE, null);
    return r;
  }
}

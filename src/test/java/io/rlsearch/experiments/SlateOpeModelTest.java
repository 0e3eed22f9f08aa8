package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.slate.PlackettLuce;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The slate study's reward model and the estimators built on it (direct method, cascade doubly robust),
 * recomputed from the description: the log replayed from the same streams, a ridge regression per
 * position on [1, the shown item's features, the context head] solved here by Gaussian elimination,
 * cross-fitted (each half scored by the model of the other half).
 */
class SlateOpeModelTest {
  private static final World WORLD =
      World.generate(ZoosimConfig.fromString("catalog { n_products = 400 }").withSeed(5), new NumpyRandom(5));

  private static double[] weights(double cm2, double pl, double bestseller) {
    double[] w = new double[10];
    w[0] = cm2;
    w[2] = pl;
    w[4] = bestseller;
    return w;
  }

  /** One logged ranking. */
  private record Logged(double[] x, int[] shown, double[] rewards, double[] muCond, double[] piCond,
      double[] piLogits, int[] targetDraw) {}

  private static double[] features(double[] x, int c, int head, int dim) {
    double[] f = new double[1 + dim + head];
    f[0] = 1;
    for (int j = 0; j < dim; j++) {
      f[1 + j] = x[head + c * dim + j];
    }
    for (int j = 0; j < head; j++) {
      f[1 + dim + j] = x[j];
    }
    return f;
  }

  /** Solves (F'F + ridge I) theta = F'r by Gauss-Jordan elimination with partial pivoting. */
  private static double[] ridge(List<double[]> fs, List<Double> rs, int p, double ridge) {
    double[][] a = new double[p][p + 1];
    for (int n = 0; n < fs.size(); n++) {
      double[] f = fs.get(n);
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          a[i][j] += f[i] * f[j];
        }
        a[i][p] += f[i] * rs.get(n);
      }
    }
    for (int i = 0; i < p; i++) {
      a[i][i] += ridge;
    }
    for (int col = 0; col < p; col++) {
      int piv = col;
      for (int r = col + 1; r < p; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
          piv = r;
        }
      }
      double[] t = a[col];
      a[col] = a[piv];
      a[piv] = t;
      for (int r = 0; r < p; r++) {
        if (r != col) {
          double m = a[r][col] / a[col][col];
          for (int c = col; c <= p; c++) {
            a[r][c] -= m * a[col][c];
          }
        }
      }
    }
    double[] theta = new double[p];
    for (int i = 0; i < p; i++) {
      theta[i] = a[i][p] / a[i][i];
    }
    return theta;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void theDirectAndDoublyRobustEstimatesUseTheCrossFittedRidgeModel() {
    checkModelEstimates(WORLD);
  }

  private static void checkModelEstimates(World world) {
    SlateOpeStudy.Settings s = new SlateOpeStudy.Settings(new SlateOpeStudy.Policy(weights(0.5, 0, 1), 1.0),
        new SlateOpeStudy.Policy(weights(0.5, 0.3, 1), 0.8), 11, 2, 4, 3, 0.7);
    SlateOpeStudy.Result r = SlateOpeStudy.run(world, s);

    // The log, replayed from the same streams.
    Task.Slate task = Task.Slate.reference();
    SlateEpisode ep = new SlateEpisode(world, task);
    RunStreams streams = new RunStreams(s.seed());
    int head = ep.headWidth();
    int dim = task.itemDim();
    int k = ep.impressions();
    List<Logged> log = new ArrayList<>();
    for (int e = 0; e < s.episodes(); e++) {
      Population.Arrival a = Population.firstSession(world, streams, e);
      NumpyRandom session = streams.session(a.user(), a.session());
      ep.prepare(a.profile(), a.query(), session);
      double[] x = ep.context();
      int n = ep.candidateCount();
      double[] mu = s.behavior().logits(x, head, n, dim);
      double[] pi = s.target().logits(x, head, n, dim);
      NumpyRandom policy = streams.policy(e);
      int[] ranking = PlackettLuce.sample(mu, n, policy);
      double[] scores = new double[task.candidates()];
      Arrays.fill(scores, -1e9);
      for (int p = 0; p < ranking.length; p++) {
        scores[ranking[p]] = ranking.length - p;
      }
      ep.play(Decision.continuous(scores, 1.0), session);
      double[] rw = ep.lastPositionRewards();
      int shown = Math.min(k, rw.length);
      int[] top = Arrays.copyOf(ranking, shown);
      PlackettLuce.marginals(mu, top, s.marginalSamples(), policy);
      PlackettLuce.marginals(pi, top, s.marginalSamples(), policy);
      log.add(new Logged(x, top, Arrays.copyOf(rw, shown), PlackettLuce.conditionals(mu, top),
          PlackettLuce.conditionals(pi, top), pi, PlackettLuce.sample(pi, shown, policy)));
    }
    // Cross-fitting: 11 rankings, halves [0, 5) and [5, 11).
    int half = 5;
    int p = 1 + dim + head;
    double[][][] model = new double[2][k][];
    for (int m = 0; m < 2; m++) {
      List<Logged> train = m == 0 ? log.subList(half, log.size()) : log.subList(0, half);
      for (int pos = 0; pos < k; pos++) {
        List<double[]> fs = new ArrayList<>();
        List<Double> rs = new ArrayList<>();
        for (Logged l : train) {
          if (pos < l.shown().length) {
            fs.add(features(l.x(), l.shown()[pos], head, dim));
            rs.add(l.rewards()[pos]);
          }
        }
        model[m][pos] = ridge(fs, rs, p, s.ridge());
      }
    }
    double dmSum = 0;
    double drSum = 0;
    boolean anyReward = false;
    for (int i = 0; i < log.size(); i++) {
      Logged l = log.get(i);
      double[][] th = model[i < half ? 0 : 1];
      int n = l.piLogits().length;
      double dm = 0;
      for (int pos = 0; pos < l.targetDraw().length; pos++) {
        dm += dot(th[pos], features(l.x(), l.targetDraw()[pos], head, dim));
      }
      dmSum += dm;
      // Cascade DR: sum over positions of w_p (r_p - q(logged)) + w_{p-1} E_pi[q | logged prefix].
      double prefix = 1;
      boolean[] placed = new boolean[n];
      double dr = 0;
      for (int pos = 0; pos < l.shown().length; pos++) {
        double before = prefix;
        prefix *= l.piCond()[pos] / l.muCond()[pos];
        double z = 0;
        for (int c = 0; c < n; c++) {
          if (!placed[c]) {
            z += Math.exp(l.piLogits()[c]);
          }
        }
        double expected = 0;
        for (int c = 0; c < n; c++) {
          if (!placed[c]) {
            expected += Math.exp(l.piLogits()[c]) / z * dot(th[pos], features(l.x(), c, head, dim));
          }
        }
        double qLogged = dot(th[pos], features(l.x(), l.shown()[pos], head, dim));
        dr += prefix * (l.rewards()[pos] - qLogged) + before * expected;
        placed[l.shown()[pos]] = true;
        anyReward |= l.rewards()[pos] != 0;
      }
      drSum += dr;
    }
    assertEquals(true, anyReward, "some logged position has a reward");
    assertNotEquals(0.0, dmSum, "the model predicts something");
    assertEquals(dmSum / log.size(), r.estimators().get("dm").value(), 1e-9, "dm");
    assertEquals(drSum / log.size(), r.estimators().get("cascade_dr").value(), 1e-9, "cascade_dr");
  }

  @Test
  void scoresShowTheRankingInOrderAndPushTheRestBelow() {
    assertArrayEquals(new double[] {2, -1e9, 3, -1e9, 1}, SlateOpeStudy.scoresOf(new int[] {2, 0, 4}, 5), 0.0);
  }

  @Test
  void theTruthRunsOnTheUsersAfterTheLoggedOnes() {
    // With the target as the logging policy, users 0..29's logged value splits into the log of 0..14 and
    // the truth on 15..29 (the users after the logged ones, each with its own policy stream).
    SlateOpeStudy.Policy pol = new SlateOpeStudy.Policy(weights(0.5, 0.3, 1), 1.0);
    SlateOpeStudy.Result all = SlateOpeStudy.run(WORLD, new SlateOpeStudy.Settings(pol, pol, 30, 2, 6, 2, 1.0));
    SlateOpeStudy.Result half = SlateOpeStudy.run(WORLD, new SlateOpeStudy.Settings(pol, pol, 15, 15, 6, 2, 1.0));
    assertNotEquals(0.0, half.truth().mean(), "the truth users earn something");
    assertEquals(30 * all.behaviorValue().mean(), 15 * half.behaviorValue().mean() + 15 * half.truth().mean(), 1e-9);
  }
}

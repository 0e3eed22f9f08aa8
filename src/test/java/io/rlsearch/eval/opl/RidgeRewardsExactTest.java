package io.rlsearch.eval.opl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.core.random.NumpyRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cross-fitted reward model against its definition, computed row by row; its folds, solver and features. */
class RidgeRewardsExactTest {
  /**
   * 30 rounds of two rows (positions 0 and 1) and one round with a row at position 2 alone; action 2 is logged only
   * in the first four rows, so most (fold, position, action) cells have no rows of their own.
   */
  static BanditData data() {
    NumpyRandom rng = new NumpyRandom(21);
    int n = 61;
    double[][] x = new double[n][];
    int[] a = new int[n];
    int[] p = new int[n];
    double[] r = new double[n];
    double[] ps = new double[n];
    long[] g = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {rng.normal(2, 1.5), rng.random() < 0.5 ? 1 : 0};
      a[i] = i < 4 ? 2 : (int) rng.integers(0, 2);
      p[i] = i == n - 1 ? 2 : i % 2;
      r[i] = rng.normal(a[i] + p[i] + x[i][0], 1);
      ps[i] = 0.5;
      g[i] = i / 2;
    }
    return new BanditData(x, a, p, r, ps, g, 3, 3, List.of("u", "v"), List.of("A", "B", "C"));
  }

  /** Gaussian elimination with partial pivoting. */
  static double[] gauss(double[][] m, double[] b) {
    int d = b.length;
    double[][] a = new double[d][];
    double[] y = b.clone();
    for (int i = 0; i < d; i++) {
      a[i] = m[i].clone();
    }
    for (int c = 0; c < d; c++) {
      int piv = c;
      for (int i = c + 1; i < d; i++) {
        piv = Math.abs(a[i][c]) > Math.abs(a[piv][c]) ? i : piv;
      }
      double[] t = a[c];
      a[c] = a[piv];
      a[piv] = t;
      double s = y[c];
      y[c] = y[piv];
      y[piv] = s;
      for (int i = c + 1; i < d; i++) {
        double f = a[i][c] / a[c][c];
        for (int j = c; j < d; j++) {
          a[i][j] -= f * a[c][j];
        }
        y[i] -= f * y[c];
      }
    }
    double[] x = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double s = y[i];
      for (int j = i + 1; j < d; j++) {
        s -= a[i][j] * x[j];
      }
      x[i] = s / a[i][i];
    }
    return x;
  }

  /**
   * The definition: for row i in fold k at position p, the rows of the other folds at p give the position mean m
   * (0 without any); action a's model is the ridge regression of r - m on phi over those rows with action a
   * (minimising sum (r - m - beta phi)^2 + ridge |beta|^2); the prediction is m + beta . phi_i.
   */
  static double[][] reference(BanditData data, int folds, double ridge, long seed) {
    int n = data.size();
    Features f = Features.fit(data.context(), data.dim());
    double[][] phi = f.phi(data.context());
    int d = f.dim();
    int[] fold = RidgeRewards.folds(data.groups(), folds, seed);
    double[][] q = new double[n][data.nActions()];
    for (int i = 0; i < n; i++) {
      int k = fold[i];
      int p = data.positions()[i];
      double s = 0;
      int c = 0;
      for (int j = 0; j < n; j++) {
        if (fold[j] != k && data.positions()[j] == p) {
          s += data.rewards()[j];
          c++;
        }
      }
      double m = c > 0 ? s / c : 0;
      for (int a = 0; a < data.nActions(); a++) {
        double[][] xx = new double[d][d];
        double[] xy = new double[d];
        for (int u = 0; u < d; u++) {
          xx[u][u] = ridge;
        }
        for (int j = 0; j < n; j++) {
          if (fold[j] != k && data.positions()[j] == p && data.actions()[j] == a) {
            for (int u = 0; u < d; u++) {
              for (int v = 0; v < d; v++) {
                xx[u][v] += phi[j][u] * phi[j][v];
              }
              xy[u] += phi[j][u] * (data.rewards()[j] - m);
            }
          }
        }
        double[] beta = gauss(xx, xy);
        double v = m;
        for (int u = 0; u < d; u++) {
          v += beta[u] * phi[i][u];
        }
        q[i][a] = v;
      }
    }
    return q;
  }

  @Test
  void crossFittedPredictionsFollowTheDefinition() {
    BanditData d = data();
    for (int folds : new int[] {2, 3}) {
      double[][] got = RidgeRewards.crossFit(d, folds, 0.7, 5).predictions();
      double[][] want = reference(d, folds, 0.7, 5);
      for (int i = 0; i < d.size(); i++) {
        assertArrayEquals(want[i], got[i], 1e-9, "row " + i + ", " + folds + " folds");
      }
    }
    // The lone position-2 row: no other fold has that position, so its mean is 0 and no model has rows.
    assertArrayEquals(new double[] {0, 0, 0}, RidgeRewards.crossFit(d, 2, 0.7, 5).predictions()[d.size() - 1]);
  }

  @Test
  void foldsDealTheShuffledRoundsOutInTurnAndKeepRoundsWhole() {
    long[] groups = {7, 7, 3, 9, 9, 9, 4, 1, 1};
    int[] fold = RidgeRewards.folds(groups, 2, 11);
    // Rounds in order of first appearance: 7, 3, 9, 4, 1; the r-th of the shuffled order goes to fold r % 2.
    int[] order = Split.shuffled(5, 11);
    long[] round = {7, 3, 9, 4, 1};
    for (int r = 0; r < 5; r++) {
      for (int i = 0; i < groups.length; i++) {
        if (groups[i] == round[order[r]]) {
          assertEquals(r % 2, fold[i], "row " + i);
        }
      }
    }
  }

  @Test
  void theCholeskySolveSolvesASymmetricPositiveDefiniteSystem() {
    // [[4, 2, 0], [2, 5, 1], [0, 1, 3]] x = [8, 15, 11] has x = [1, 2, 3].
    double[] x = RidgeRewards.solve(new double[] {4, 2, 0, 2, 5, 1, 0, 1, 3}, new double[] {8, 15, 11}, 3);
    assertArrayEquals(new double[] {1, 2, 3}, x, 1e-12);
    double[] y = RidgeRewards.solve(new double[] {9, 3, 3, 3, 5, 1, 3, 1, 6}, new double[] {3, 7, -2}, 3);
    assertArrayEquals(gauss(new double[][] {{9, 3, 3}, {3, 5, 1}, {3, 1, 6}}, new double[] {3, 7, -2}), y, 1e-12);
  }

  @Test
  void theSettingsNeedTwoFoldsAndAPositivePenalty() {
    BanditData d = data();
    assertThrows(IllegalArgumentException.class, () -> RidgeRewards.crossFit(d, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> RidgeRewards.crossFit(d, 2, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> RidgeRewards.crossFit(d, 2, Double.NaN, 1));
  }

  @Test
  void aSpreadExactlyAtTheCutOffCountsAsConstant() {
    // 0 and 2e-12: mean 1e-12, population sd exactly 1e-12 = 1e-12 x max(1, |mean|): the column is dropped.
    Features f = Features.fit(new double[][] {{0}, {2e-12}}, 1);
    assertArrayEquals(new double[] {0, 1}, f.phi(new double[] {0}), 0.0);
    // 0 and 4e-12 (sd 2e-12) is kept: z = -1.
    assertArrayEquals(new double[] {-1, 1}, Features.fit(new double[][] {{0}, {4e-12}}, 1).phi(new double[] {0}),
        1e-9);
  }

  @Test
  void featuresAreZScoresWithThePopulationSpreadAndABias() {
    // Column 0: 1, 3, 5 (mean 3, population sd sqrt(8 / 3)); column 1 constant; column 2 constant up to rounding.
    double big = 1e8;
    double[][] x = {{1, 5, big}, {3, 5, Math.nextUp(big)}, {5, 5, big}};
    Features f = Features.fit(x, 3);
    assertEquals(4, f.dim());
    double z = 2 / Math.sqrt(8.0 / 3);
    assertArrayEquals(new double[] {-z, 0, 0, 1}, f.phi(x[0]), 1e-12);
    assertArrayEquals(new double[] {0, 0, 0, 1}, f.phi(x[1]), 1e-12);
    assertArrayEquals(new double[] {z, 0, 0, 1}, f.phi(new double[] {5, 7, 0}), 1e-12);
    // Raw weights: theta . phi(x) = w . x + b for every x.
    double[][] theta = {{0.5, 2, 3, -1}, {-2, 0, 0, 0.25}};
    double[] b = new double[2];
    double[][] w = f.toRaw(theta, b);
    assertArrayEquals(new double[] {0.5 / Math.sqrt(8.0 / 3), 0, 0}, w[0], 1e-12);
    for (double[] row : new double[][] {{1, 5, 0}, {4, -1, 2}, {-3, 2, 1e8}}) {
      double[] phi = f.phi(row);
      for (int a = 0; a < 2; a++) {
        double want = 0;
        double got = b[a];
        for (int j = 0; j < 4; j++) {
          want += theta[a][j] * phi[j];
        }
        for (int j = 0; j < 3; j++) {
          got += w[a][j] * row[j];
        }
        assertEquals(want, got, 1e-9, "action " + a);
      }
    }
  }
}

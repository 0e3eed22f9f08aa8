package io.rlsearch.eval.opl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cross-fitted reward model {@code q(x, a, p)}: one ridge regression per (fold, position, action) on
 * the standardised context and a bias, fitted to the rewards minus the position's mean reward (so an
 * action with few rows is shrunk towards its position's mean), on the rows outside the fold. A row is
 * predicted by the models of its own fold, which never saw it. Folds are whole rounds, assigned by a
 * seeded shuffle.
 */
public final class RidgeRewards {
  private final double[][] q;

  private RidgeRewards(double[][] q) {
    this.q = q;
  }

  /** {@code q[row][action]} at the row's own position. */
  public double[][] predictions() {
    return q;
  }

  /**
   * Fits the models on {@code data} and predicts every row and action.
   *
   * @param folds cross-fitting folds, 2 or more (each row predicted by models that did not see it)
   * @param ridge the ridge penalty on the standardised features
   */
  public static RidgeRewards crossFit(BanditData data, int folds, double ridge, long seed) {
    if (folds < 2) {
      throw new IllegalArgumentException("cross-fitting needs at least 2 folds, got " + folds);
    }
    if (!(ridge > 0)) {
      throw new IllegalArgumentException("the ridge penalty must be > 0, got " + ridge);
    }
    int n = data.size();
    Features f = Features.fit(data.context(), data.dim());
    double[][] phi = f.phi(data.context());
    int d = f.dim();
    int[] fold = folds(data.groups(), folds, seed);
    int pCount = data.nPositions();
    int aCount = data.nActions();
    // Sufficient statistics per (fold, position, action): sum phi phi', sum phi r, rows; and per (fold, position).
    double[][][][] xx = new double[folds][pCount][aCount][];
    double[][][][] xy = new double[folds][pCount][aCount][];
    double[][] rSum = new double[folds][pCount];
    double[][] rCount = new double[folds][pCount];
    for (int i = 0; i < n; i++) {
      int k = fold[i];
      int p = data.positions()[i];
      rSum[k][p] += data.rewards()[i];
      rCount[k][p]++;
    }
    double[][] posMean = new double[folds][pCount];
    for (int k = 0; k < folds; k++) {
      for (int p = 0; p < pCount; p++) {
        double s = 0;
        double c = 0;
        for (int j = 0; j < folds; j++) {
          if (j != k) {
            s += rSum[j][p];
            c += rCount[j][p];
          }
        }
        posMean[k][p] = c > 0 ? s / c : 0;
      }
    }
    for (int i = 0; i < n; i++) {
      int k = fold[i];
      int p = data.positions()[i];
      int a = data.actions()[i];
      if (xx[k][p][a] == null) {
        xx[k][p][a] = new double[d * d];
        xy[k][p][a] = new double[d];
      }
      double[] x = phi[i];
      double[] m = xx[k][p][a];
      for (int u = 0; u < d; u++) {
        for (int v = 0; v < d; v++) {
          m[u * d + v] += x[u] * x[v];
        }
      }
      // The targets are centred on each training fold's position mean when the model is assembled.
      for (int u = 0; u < d; u++) {
        xy[k][p][a][u] += x[u] * data.rewards()[i];
      }
    }
    // Centred targets: sum phi (r - m) = sum phi r - m sum phi, and sum phi is the bias column of sum phi phi'.
    Map<Long, double[]> models = new LinkedHashMap<>();
    for (int k = 0; k < folds; k++) {
      for (int p = 0; p < pCount; p++) {
        for (int a = 0; a < aCount; a++) {
          double[] a2 = new double[d * d];
          double[] b = new double[d];
          for (int j = 0; j < folds; j++) {
            if (j == k || xx[j][p][a] == null) {
              continue;
            }
            for (int u = 0; u < d * d; u++) {
              a2[u] += xx[j][p][a][u];
            }
            for (int u = 0; u < d; u++) {
              b[u] += xy[j][p][a][u] - posMean[k][p] * xx[j][p][a][u * d + (d - 1)];
            }
          }
          for (int u = 0; u < d; u++) {
            a2[u * d + u] += ridge;
          }
          models.put(key(k, p, a, pCount, aCount), solve(a2, b, d));
        }
      }
    }
    double[][] q = new double[n][aCount];
    for (int i = 0; i < n; i++) {
      int k = fold[i];
      int p = data.positions()[i];
      for (int a = 0; a < aCount; a++) {
        double[] beta = models.get(key(k, p, a, pCount, aCount));
        double v = posMean[k][p];
        for (int u = 0; u < d; u++) {
          v += beta[u] * phi[i][u];
        }
        q[i][a] = v;
      }
    }
    return new RidgeRewards(q);
  }

  private static long key(int k, int p, int a, int pCount, int aCount) {
    return ((long) k * pCount + p) * aCount + a;
  }

  /** Each row's fold: the rounds shuffled with {@code NumpyRandom(seed)}, then dealt out in turn. */
  static int[] folds(long[] groups, int folds, long seed) {
    Map<Long, Integer> index = new LinkedHashMap<>();
    for (long g : groups) {
      index.putIfAbsent(g, index.size());
    }
    int rounds = index.size();
    int[] order = Split.shuffled(rounds, seed);
    int[] foldOfRound = new int[rounds];
    for (int r = 0; r < rounds; r++) {
      foldOfRound[order[r]] = r % folds;
    }
    int[] out = new int[groups.length];
    for (int i = 0; i < groups.length; i++) {
      out[i] = foldOfRound[index.get(groups[i])];
    }
    return out;
  }

  /** Solves the symmetric positive definite system {@code a x = b} ({@code a} row-major d x d) by Cholesky. */
  static double[] solve(double[] a, double[] b, int d) {
    double[] l = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * d + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * d + k] * l[j * d + k];
        }
        if (i == j) {
          l[i * d + i] = Math.sqrt(Math.max(s, 1e-300));
        } else {
          l[i * d + j] = s / l[j * d + j];
        }
      }
    }
    double[] y = new double[d];
    for (int i = 0; i < d; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i * d + k] * y[k];
      }
      y[i] = s / l[i * d + i];
    }
    double[] x = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < d; k++) {
        s -= l[k * d + i] * x[k];
      }
      x[i] = s / l[i * d + i];
    }
    return x;
  }
}

package io.rlsearch.testing;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.ServingSchema;
import java.util.Optional;

/** Rank requests of standard-normal context, base scores and features, for tests of ranking rules. */
public final class RandomRequests {
  private RandomRequests() {}

  /** A request of {@code n} candidates ("p0", "p1", ...) asking for {@code k}, drawn from {@code seed}, under {@code s}. */
  public static RankRequest of(ServingSchema s, int n, int k, long seed) {
    NumpyRandom g = new NumpyRandom(seed);
    double[] ctx = new double[s.context().size()];
    for (int j = 0; j < ctx.length; j++) {
      ctx[j] = g.standardNormal();
    }
    String[] ids = new String[n];
    double[] base = new double[n];
    double[][] f = new double[n][s.candidate().size()];
    for (int i = 0; i < n; i++) {
      ids[i] = "p" + i;
      base[i] = g.standardNormal();
      for (int j = 0; j < f[i].length; j++) {
        f[i][j] = g.standardNormal();
      }
    }
    return new RankRequest(Optional.empty(), Optional.empty(), ctx, ids, base, f, k);
  }
}

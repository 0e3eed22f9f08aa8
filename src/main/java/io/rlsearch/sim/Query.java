package io.rlsearch.sim;

import java.util.Arrays;
import java.util.List;

/**
 * A search query: intent category, query type, the intent as a one-hot, a 16-d query embedding and
 * its tokens.
 *
 * @param intentCategory index into {@code catalog.categories}
 * @param queryType index into {@code queries.query_types}
 * @param phiEmb query embedding: the user's taste plus small noise (float32)
 * @param tokens intent-category words, the query type, then two random vocabulary tokens
 */
public record Query(int intentCategory, int queryType, float[] phiEmb, List<String> tokens) {
  public Query {
    phiEmb = phiEmb.clone();
    tokens = List.copyOf(tokens);
  }

  @Override
  public float[] phiEmb() {
    return phiEmb.clone();
  }

  float[] embRef() {
    return phiEmb;
  }

  /** The intent as a one-hot over {@code nCategories} categories. */
  public double[] phiCat(int nCategories) {
    double[] out = new double[nCategories];
    out[intentCategory] = 1.0;
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Query q && q.intentCategory == intentCategory && q.queryType == queryType
        && Arrays.equals(q.phiEmb, phiEmb) && q.tokens.equals(tokens);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * intentCategory + queryType) + Arrays.hashCode(phiEmb);
  }

  @Override
  public String toString() {
    return "Query[intentCategory=" + intentCategory + ", queryType=" + queryType + ", tokens=" + tokens + "]";
  }
}

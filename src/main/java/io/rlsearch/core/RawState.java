package io.rlsearch.core;

import java.util.Arrays;

/**
 * The reference's state dict: who is searching and for what.
 *
 * @param userSegment segment name
 * @param queryCategory intent category name ("terminal" state: empty)
 * @param queryType query type name ("terminal" when a multi-session user has churned)
 * @param phiCat the intent as a one-hot over categories (empty when terminal)
 */
public record RawState(String userSegment, String queryCategory, String queryType, double[] phiCat) {
  /** No state (an info without raw_state). */
  public static final RawState NONE = new RawState("", "", "", new double[0]);

  public RawState {
    phiCat = phiCat.clone();
  }

  @Override
  public double[] phiCat() {
    return phiCat.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawState s && s.userSegment.equals(userSegment) && s.queryCategory.equals(queryCategory)
        && s.queryType.equals(queryType) && Arrays.equals(s.phiCat, phiCat);
  }

  @Override
  public int hashCode() {
    return userSegment.hashCode() * 31 + queryType.hashCode();
  }
}

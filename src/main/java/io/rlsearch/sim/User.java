package io.rlsearch.sim;

import java.util.Arrays;

/**
 * A simulated user: segment, price and private-label sensitivities, category preferences
 * (a point on the simplex) and a 16-d taste embedding.
 *
 * @param segment index into {@code users.segments}
 * @param thetaPrice price sensitivity (negative: price-averse)
 * @param thetaPl private-label affinity
 * @param thetaCat category preferences in catalog order, summing to 1
 * @param thetaEmb taste embedding (float32, as the reference)
 */
public record User(int segment, double thetaPrice, double thetaPl, double[] thetaCat, float[] thetaEmb) {
  public User {
    thetaCat = thetaCat.clone();
    thetaEmb = thetaEmb.clone();
  }

  @Override
  public double[] thetaCat() {
    return thetaCat.clone();
  }

  @Override
  public float[] thetaEmb() {
    return thetaEmb.clone();
  }

  double thetaCat(int k) {
    return thetaCat[k];
  }

  float[] embRef() {
    return thetaEmb;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof User u && u.segment == segment
        && Double.compare(u.thetaPrice, thetaPrice) == 0 && Double.compare(u.thetaPl, thetaPl) == 0
        && Arrays.equals(u.thetaCat, thetaCat) && Arrays.equals(u.thetaEmb, thetaEmb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * segment + Double.hashCode(thetaPrice)) + Arrays.hashCode(thetaEmb);
  }

  @Override
  public String toString() {
    return "User[segment=" + segment + ", thetaPrice=" + thetaPrice + ", thetaPl=" + thetaPl
        + ", thetaCat=" + Arrays.toString(thetaCat) + "]";
  }
}

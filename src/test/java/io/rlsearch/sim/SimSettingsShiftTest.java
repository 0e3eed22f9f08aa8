package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** {@link SimSettings#shifted}: the settings users arrive with after a scheduled shift, worked out by hand. */
class SimSettingsShiftTest {
  @Test
  void withoutAShiftTheSettingsAreTheirOwnShift() {
    SimSettings d = SimSettings.defaults();
    assertSame(d, d.shifted());
  }

  @Test
  void everyPartOfAShiftAppliesToEverySegment() {
    // premium's pl_std is set apart from price_hunter's so that their swap shows.
    SimSettings s = ZoosimConfig.fromString("users.segment_params.premium.pl_std = 0.25\n"
        + "drift { at = 0, segment_mix = [0.1, 0.2, 0.3, 0.4], price_scale = 2.0,"
        + " swap_segments = [premium, price_hunter], category_demand = [0.5, 1, 4, 1] }");
    SimSettings.Users u = s.shifted().users();
    assertEquals(s.users().segments(), u.segments());
    assertArrayEquals(new double[] {0.1, 0.2, 0.3, 0.4}, u.segmentMix());
    // price_hunter and premium exchange (indices 0 and 2), then every mean doubles.
    assertArrayEquals(new double[] {2.4, -3.6, -7.0, -2.0}, u.priceMean());
    assertArrayEquals(new double[] {0.25, 0.2, 0.3, 0.2}, u.priceStd());
    assertArrayEquals(new double[] {-2.0, 3.2, -1.0, 1.0}, u.plMean());
    assertArrayEquals(new double[] {0.25, 0.3, 0.2, 0.2}, u.plStd());
    // The swapped rows, times [0.5, 1, 4, 1] (powers of two: exact).
    assertArrayEquals(new double[] {0.25, 0.25, 0.2, 0.2}, u.catConc()[0]);
    assertArrayEquals(new double[] {0.1, 0.45, 0.8, 0.15}, u.catConc()[1]);
    assertArrayEquals(new double[] {0.15, 0.3, 0.8, 0.2}, u.catConc()[2]);
    assertArrayEquals(new double[] {0.025, 0.05, 3.4, 0.05}, u.catConc()[3]);
    // The unshifted settings stay as they were.
    assertArrayEquals(new double[] {-3.5, -1.8, 1.2, -1.0}, s.users().priceMean());
    assertArrayEquals(new double[] {0.30, 0.30, 0.20, 0.20}, s.users().catConc()[0]);
    assertArrayEquals(new double[] {0.35, 0.25, 0.15, 0.25}, s.users().segmentMix());
  }

  @Test
  void aShiftOfPriceAloneKeepsTheMixAndTheRestAndIsNotShiftedAgain() {
    SimSettings s = ZoosimConfig.fromString("seed = 9, top_k = 7, drift { at = 5, price_scale = 0.5 }");
    SimSettings t = s.shifted();
    assertArrayEquals(new double[] {0.35, 0.25, 0.15, 0.25}, t.users().segmentMix());
    assertArrayEquals(new double[] {-1.75, -0.9, 0.6, -0.5}, t.users().priceMean());
    assertArrayEquals(s.users().priceStd(), t.users().priceStd());
    assertArrayEquals(s.users().plMean(), t.users().plMean());
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(s.users().catConc()[i], t.users().catConc()[i]);
    }
    assertEquals(9, t.seed());
    assertEquals(7, t.topK());
    assertSame(s.catalog(), t.catalog());
    assertFalse(t.drift().active());
    assertSame(t, t.shifted());
  }
}

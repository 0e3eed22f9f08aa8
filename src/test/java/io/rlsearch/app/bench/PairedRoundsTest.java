package io.rlsearch.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairedRoundsTest {
  @Test
  void eachRatioIsTakenToItsOwnRoundsBaseline() {
    PairedRounds p = new PairedRounds(2);
    // the machine slows by half in round 2: both set-ups and the baseline with it
    p.add(10_000, new double[] {9_000, 16_000});
    p.add(5_000, new double[] {4_600, 8_200});
    p.add(10_000, new double[] {9_400, 17_000});
    assertEquals(3, p.rounds());
    assertArrayEquals(new double[] {0.9, 0.92, 0.94}, p.ratios(0), 1e-15);
    assertArrayEquals(new double[] {1.6, 1.64, 1.7}, p.ratios(1), 1e-15);
    assertEquals(0.92, io.rlsearch.eval.Summary.median(p.ratios(0)), 1e-15);
    // a ratio of medians would mix rounds of different speeds: 9,000 / 10,000
    assertEquals(0.9, io.rlsearch.eval.Summary.median(p.rates(0)) / io.rlsearch.eval.Summary.median(p.baselineRates()), 1e-15);
    assertArrayEquals(new double[] {10_000, 5_000, 10_000}, p.baselineRates());
    assertArrayEquals(new double[] {16_000, 8_200, 17_000}, p.rates(1));
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwoAndTheInputIsNotReordered() {
    double[] x = {4, 1, 3, 2};
    assertEquals(2.5, io.rlsearch.eval.Summary.median(x));
    assertArrayEquals(new double[] {4, 1, 3, 2}, x);
    assertEquals(7, io.rlsearch.eval.Summary.median(new double[] {7}));
    assertThrows(IllegalArgumentException.class, () -> io.rlsearch.eval.Summary.median(new double[0]));
  }

  @Test
  void aRoundIsCopiedAndBadRoundsAreRefused() {
    PairedRounds p = new PairedRounds(1);
    double[] rates = {3};
    p.add(2, rates);
    rates[0] = 99;
    assertArrayEquals(new double[] {1.5}, p.ratios(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.add(2, new double[] {1, 2}));
    assertTrue(e.getMessage().contains("1 set-up rates, got 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> p.add(0, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> p.add(Double.NaN, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> p.add(1, new double[] {Double.POSITIVE_INFINITY}));
    assertThrows(IllegalArgumentException.class, () -> new PairedRounds(0));
    assertEquals(1, p.rounds());
  }
}

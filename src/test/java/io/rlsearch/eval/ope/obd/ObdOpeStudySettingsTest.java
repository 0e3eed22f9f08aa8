package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every limit of the study's settings one below, at and one above it: the limit itself is accepted,
 * the value past it refused with one line naming the setting, what is accepted and what was given.
 */
class ObdOpeStudySettingsTest {
  private static final Path DIR = Path.of("data/obd");

  private static ObdOpeStudy.Settings settings(int mc, int bootstrap, long seed, int folds, double c) {
    return new ObdOpeStudy.Settings(DIR, "men", "random", "bts", mc, bootstrap, seed, "logistic", folds, c);
  }

  private static String refused(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  @Test
  void monteCarloSimulationsAreOneToTenMillion() {
    assertEquals("mc must be in 1..10000000, got 0", refused(() -> settings(0, 0, 1, 3, 1)));
    assertEquals(1, settings(1, 0, 1, 3, 1).mc());
    assertEquals(10_000_000, settings(ObdOpeStudy.MAX_MC, 0, 1, 3, 1).mc());
    assertEquals("mc must be in 1..10000000, got 10000001", refused(() -> settings(10_000_001, 0, 1, 3, 1)));
  }

  @Test
  void bootstrapIsZeroOrTenToOneHundredThousand() {
    assertEquals(0, settings(1, 0, 1, 3, 1).bootstrap());
    assertEquals("bootstrap must be 0 (no intervals) or in 10..100000, got 9", refused(() -> settings(1, 9, 1, 3, 1)));
    assertEquals("bootstrap must be 0 (no intervals) or in 10..100000, got -1",
        refused(() -> settings(1, -1, 1, 3, 1)));
    assertEquals(10, settings(1, 10, 1, 3, 1).bootstrap());
    assertEquals(100_000, settings(1, 100_000, 1, 3, 1).bootstrap());
    assertEquals("bootstrap must be 0 (no intervals) or in 10..100000, got 100001",
        refused(() -> settings(1, 100_001, 1, 3, 1)));
  }

  @Test
  void seedIsNumpysThirtyTwoBits() {
    String limits = "seed must be in 0..4294967295 (the folds shuffle with numpy's 32-bit legacy seed), got ";
    assertEquals(limits + "-1", refused(() -> settings(1, 0, -1, 3, 1)));
    assertEquals(0, settings(1, 0, 0, 3, 1).seed());
    assertEquals(4_294_967_295L, settings(1, 0, 4_294_967_295L, 3, 1).seed());
    assertEquals(limits + "4294967296", refused(() -> settings(1, 0, 4_294_967_296L, 3, 1)));
  }

  @Test
  void foldsAreTwoToTwenty() {
    assertEquals("folds must be in 2..20, got 1", refused(() -> settings(1, 0, 1, 1, 1)));
    assertEquals(2, settings(1, 0, 1, 2, 1).folds());
    assertEquals(20, settings(1, 0, 1, 20, 1).folds());
    assertEquals("folds must be in 2..20, got 21", refused(() -> settings(1, 0, 1, 21, 1)));
  }

  @Test
  void regularisationIsPositiveAndFinite() {
    assertEquals("C must be > 0 and finite, got 0.0", refused(() -> settings(1, 0, 1, 3, 0)));
    assertEquals("C must be > 0 and finite, got -0.0", refused(() -> settings(1, 0, 1, 3, -0.0)));
    assertEquals(Double.MIN_VALUE, settings(1, 0, 1, 3, Double.MIN_VALUE).c());
    assertEquals(Double.MAX_VALUE, settings(1, 0, 1, 3, Double.MAX_VALUE).c());
    assertEquals("C must be > 0 and finite, got Infinity",
        refused(() -> settings(1, 0, 1, 3, Double.POSITIVE_INFINITY)));
    assertEquals("C must be > 0 and finite, got NaN", refused(() -> settings(1, 0, 1, 3, Double.NaN)));
  }

  @Test
  void behaviorMustBeAPolicyOfTheDataset() {
    assertEquals("behavior 'greedy': accepted: random, bts", refused(() -> new ObdOpeStudy.Settings(DIR, "men",
        "greedy", "bts", 1, 0, 1, "logistic", 3, 1)));
  }

  @Test
  void defaultsAreTheProtocols() {
    ObdOpeStudy.Settings d = ObdOpeStudy.Settings.defaults(DIR, "women", "bts", "random");
    assertEquals(new ObdOpeStudy.Settings(DIR, "women", "bts", "random", 100_000, 2_000, 12345, "logistic", 3, 100.0),
        d);
  }
}

package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.rlsearch.sim.SimSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A lab that trains no neural agents keeps the interface's defaults: no learners, run with them = run without. */
class LabDefaultsTest {
  /** A lab overriding only the abstract methods, recording the settings it was run with. */
  private static final class Plain implements Lab {
    final LabReport report = new LabReport("plain");
    SimSettings seen;
    int runs;

    @Override
    public String name() {
      return "plain";
    }

    @Override
    public String chapter() {
      return "0";
    }

    @Override
    public String shows() {
      return "nothing";
    }

    @Override
    public LabReport run(SimSettings settings) {
      seen = settings;
      runs++;
      return report;
    }
  }

  @Test
  void aPlainLabNeedsNoLearnersAndRunsTheSameWithOrWithoutThem() {
    Plain lab = new Plain();
    assertFalse(lab.needsLearners());
    SimSettings settings = SimSettings.defaults();
    assertSame(lab.report, lab.run(settings, null));
    assertSame(settings, lab.seen);
    assertEquals(1, lab.runs);
  }

  @Test
  void worldLabsMapPairsEachValueWithItsKeyInOrder() {
    assertEquals(List.of("a", "b", "c"), List.copyOf(WorldLabs.map(List.of("a", "b", "c", "d"), 1, 2.5, -3).keySet()));
    assertEquals(java.util.Map.of("a", 1.0, "b", 2.5, "c", -3.0),
        WorldLabs.map(List.of("a", "b", "c", "d"), 1, 2.5, -3));
    assertEquals(java.util.Map.of("x", 4.0), WorldLabs.map(List.of("x"), 4));
  }
}

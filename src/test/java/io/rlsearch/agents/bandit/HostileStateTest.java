package io.rlsearch.agents.bandit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regressions found by the hostile-input run: a hand-edited state (its checkpoint checksum recomputed)
 * with an impossible arm count or dimension is refused with one line before anything is allocated.
 */
class HostileStateTest {
  private static AgentState edited(AgentBuilder b, String counter, long value) {
    UpdateRule r = b.create(3, 2);
    double[] x = {0.5, 1};
    Decision d = r.snapshot(0).act(x, new NumpyRandom(1));
    r.observe(x, d, 1.0);
    AgentState s = r.state().orElseThrow();
    Map<String, Long> counters = new LinkedHashMap<>(s.counters());
    counters.put(counter, value);
    return new AgentState(s.agent(), s.arrays(), counters);
  }

  @Test
  void impossibleArmCountsAndDimensionsAreRefusedInOneLine() {
    AgentBuilder linucb = BanditAgents.linUcb(LinUcb.Settings.defaults());
    AgentBuilder ts = BanditAgents.thompson(new LinearThompson.Settings(1.0, 1.0), 16);
    long[] bad = {-1, 0, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE};
    for (AgentBuilder b : new AgentBuilder[] {linucb, ts}) {
      for (String counter : new String[] {"arms", "dim"}) {
        for (long v : bad) {
          AgentState s = edited(b, counter, v);
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restoreState(s),
              b.name() + " " + counter + " = " + v);
          assertTrue(e.getMessage().contains(v + " arm(s)") || e.getMessage().contains("dimension " + v)
              || e.getMessage().contains("expected"), e.getMessage());
          assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
      }
    }
  }
}

package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.api.RunConfig;
import io.rlsearch.testing.Runs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The swap test's warm-up takes the paths the measured run takes: a promotion and, unless the run has
 * no bad version, the bad version and its rollback. Code first met in the measured run is compiled
 * there (and compiled code that meets a new path is thrown away and recompiled), which at 10,000
 * requests/s cost a burst of shed requests at the bad version's promotion.
 */
class SwapTestWarmUpTest {
  private static long promotions(SwapTest.RunResult r) {
    return r.state().events().stream().filter(e -> e.kind().equals("promote")).count() - 1;
  }

  @Test
  void theWarmUpPromotesAVersionAndRollsTheBadOneBack() {
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    SwapTest test = new SwapTest(800, 2, 3, 10, 2.0, new PrintWriter(new StringWriter()));
    SwapTest.RunResult r = test.warmUp(Runs.smallWorld(3), topo, 2.0, true);
    assertEquals(2, promotions(r), "a good version and the bad one: " + r.state().events());
    assertEquals(1, r.state().rollbacks(), r.state().events().toString());
    r = test.warmUp(Runs.smallWorld(3), topo, 1.0, false);
    assertEquals(1, promotions(r), "a good version: " + r.state().events());
    assertEquals(0, r.state().rollbacks());
  }
}

package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.actors.serve.ServingMonitorActor;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.serving.PolicyForm;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The simulated traffic of {@code serve --rate R} is served as a search service's requests, with the
 * policy bound to the schema: every family that serves real requests serves it too, and so do the
 * discrete versions that online learning publishes over the eight templates.
 */
class SimulatedTrafficFamiliesTest {
  private static final World WORLD = Runs.smallWorld(3);

  private static Map<String, PolicySnapshot> versions() {
    Map<String, PolicySnapshot> m = new LinkedHashMap<>();
    int dim17 = ServingPolicies.bareContext(ServingSchema.world(WORLD.settings())).size();
    // A LinUCB of the template task on the oracle context (its bias appended by the adapter).
    PolicyForm rich = PolicyForm.of(new Task.BoostTemplates(TemplateBandits.FeatureMode.RICH), WORLD.settings());
    PolicySnapshot templates = BanditAgents.linUcb(LinUcb.Settings.defaults(), true).create(8,
        rich.context().size()).snapshot(1);
    m.put("template linucb", new ServingPolicies.Trained(templates, rich));
    // A LinUCB over the eight template arms on the boost-weight context, as online learning makes it.
    m.put("eight-arm linucb", BanditAgents.linUcb(LinUcb.Settings.defaults(), true).create(8, dim17).snapshot(1));
    return m;
  }

  @Test
  void everyFamilyServesTheSimulatedUsersWithoutAFailure() {
    for (Map.Entry<String, PolicySnapshot> e : versions().entrySet()) {
      ServingSystem.Settings s = new ServingSystem.Settings(1, ServingMonitorActor.Settings.defaults(),
          Optional.empty(), 3, 0);
      try (ServingSystem sys = new ServingSystem(WORLD, Task.BoostWeights.battle(), e.getKey(), "test", e.getValue(),
          s, Runs.quietSystemConfig())) {
        sys.drive(0, 400, 0.5, t -> { }, () -> false);
        assertTrue(sys.awaitAnswers(Duration.ofSeconds(30)), e.getKey() + ": every request answered");
        ServingSystem.Counts c = sys.countsNow();
        assertEquals(200, c.sent(), e.getKey());
        assertEquals(0, c.failed(), e.getKey() + ": no request failed: " + c);
        assertEquals(c.admitted(), c.answered(), e.getKey());
        assertTrue(sys.metrics().versions().get(1L).requests() > 0, e.getKey() + ": version 1 served");
      }
    }
  }
}

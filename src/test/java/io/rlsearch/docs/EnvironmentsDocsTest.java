package io.rlsearch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.core.SearchEnv;
import io.rlsearch.sim.GymEnv;
import io.rlsearch.sim.MultiSessionEnv;
import io.rlsearch.sim.SearchSimulator;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.SlateEnv;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** docs/environments.md's summary table against each env built on the default world's settings. */
class EnvironmentsDocsTest {
  @Test
  void everyEnvCardStatesItsObservationActionAndEpisodeEnd() throws Exception {
    // the default world's settings with a small catalog: sizes do not depend on the catalog's length
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 300 }");
    Map<String, SearchEnv> envs = new LinkedHashMap<>();
    envs.put("search", new SearchSimulator(s, 7));
    envs.put("gym", new GymEnv(s, 7, false));
    envs.put("gym-rich", new GymEnv(s, 7, true));
    envs.put("slate", new SlateEnv(s, 7, 50));
    envs.put("multi", new MultiSessionEnv(s, 7));
    Map<String, List<String>> page = DocTables.table(Path.of("docs/environments.md"), "env (`bench env --env`)");
    assertEquals(envs.keySet(), page.keySet());
    for (Map.Entry<String, SearchEnv> e : envs.entrySet()) {
      SearchEnv env = e.getValue();
      List<String> row = page.get(e.getKey());
      String obs = String.valueOf(env.observationDim());
      if (env instanceof SlateEnv) {
        var o = env.reset();
        obs += ", plus " + o.nCandidates() + " candidates x " + o.candidateDim() + " features";
      }
      assertEquals(obs, row.get(1), e.getKey() + ": observation size");
      String action = Double.isFinite(env.actionLow())
          ? env.actionDim() + " boost weights in [" + fmt(env.actionLow()) + ", " + fmt(env.actionHigh()) + "]"
          : env.actionDim() + " scores, unbounded";
      assertEquals(action, row.get(2), e.getKey() + ": action");
      // the episode's end: one step, or (multi) as long as the user returns
      env.reset();
      int steps = 0;
      boolean done;
      do {
        done = env.step(io.rlsearch.core.Action.zeros(env.actionDim())).terminated();
        steps++;
      } while (!done && steps < 1000);
      if (row.get(4).equals("after one step")) {
        assertEquals(1, steps, e.getKey() + ": one step per episode");
      } else {
        assertEquals("when the user does not return", row.get(4));
      }
    }
  }

  private static String fmt(double x) {
    return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
  }
}

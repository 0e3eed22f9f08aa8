package io.rlsearch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.api.Agents;
import io.rlsearch.api.RunConfig;
import io.rlsearch.serving.OnlineLearning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * docs/agents.md's capability matrix, derived from the agent registry: every built-in agent has a row,
 * and each cell is what the lists the commands consult say. The pure-Java template agents are built
 * too, to check that the fixed ones do not learn and which keep a checkpoint state.
 */
class AgentsDocsTest {
  private static final Path PAGE = Path.of("docs/agents.md");
  private static final List<String> FIXED = List.of("static", "random", "random_weights", "static_slate");

  /** The matrix the code implies, one row per built-in agent, cells in the page's column order. */
  static Map<String, List<String>> derived() {
    Map<String, List<String>> m = new TreeMap<>();
    RunConfig cfg = RunConfig.load(Optional.empty(), Optional.empty());
    for (String a : Agents.BUILT_IN) {
      boolean slate = RunConfig.SLATE.contains(a) || a.equals("static_slate");
      boolean templates = Agents.TEMPLATE.contains(a) || RunConfig.TEMPLATE_NEURAL.contains(a);
      boolean offline = RunConfig.OFFLINE.contains(a);
      boolean train = Agents.TEMPLATE.contains(a) || RunConfig.NEURAL.contains(a);
      boolean bandit = a.equals("iql") || a.equals("td3_bc");
      String checkpoint;
      if (Agents.TEMPLATE.contains(a)) {
        // built here: whether the rule keeps a state a checkpoint can hold
        AgentBuilder b = cfg.agent(a);
        UpdateRule r = b.create(8, 9);
        assertEquals(!FIXED.contains(a), r.learns(), a + ": learns()");
        checkpoint = r.state().isPresent() ? "yes" : "no";
      } else {
        checkpoint = train ? "yes" : "no";
      }
      List<String> row = new ArrayList<>();
      row.add(slate ? "slate" : templates ? "templates" : "weights");
      row.add(offline ? "offline" : FIXED.contains(a) ? "none" : "online");
      row.add(RunConfig.NEURAL.contains(a) ? "yes" : "no");
      row.add(train ? "yes" : "no");
      row.add(Agents.BATTLE_DEFAULT.contains(a) ? "default" : Agents.BATTLE.contains(a) ? "optional" : "no");
      row.add(OnlineLearning.ACCEPTED.contains(a) ? "yes" : "no");
      row.add(train && !offline ? "yes" : "no");
      row.add(train && !bandit ? "yes" : "no");
      row.add(checkpoint);
      m.put(a, row);
    }
    return m;
  }

  @Test
  void theMatrixIsTheRegistrys() throws Exception {
    Map<String, List<String>> page = new TreeMap<>(DocTables.table(PAGE, "agent"));
    StringBuilder expected = new StringBuilder();
    StringBuilder actual = new StringBuilder();
    derived().forEach((k, v) -> expected.append(k).append(' ').append(v).append('\n'));
    page.forEach((k, v) -> actual.append(k).append(' ').append(v).append('\n'));
    assertEquals(expected.toString(), actual.toString(), "docs/agents.md's matrix against the code");
  }
}

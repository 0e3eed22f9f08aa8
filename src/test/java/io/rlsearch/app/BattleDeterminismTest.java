package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The battle gives the same numbers run after run, with every neural agent training side by side in
 * the shared learner. PyTorch's thread count is per calling thread under OpenMP: set on one thread
 * only, the learner's calls from the runtime's other threads ran reductions on two threads, in an
 * order that depended on which thread made the call. OMP_NUM_THREADS=1 (set by the launcher and the
 * test runner) pins every thread to one.
 */
class BattleDeterminismTest {
  @TempDir Path dir;

  @Test
  void twoRunsOfTheSameBattleGiveTheSameEvaluation() throws Exception {
    Path world = dir.resolve("world.conf");
    Files.writeString(world, "catalog { n_products = 400 }\n");
    String[] args = {"battle", "--episodes", "300", "--seeds", "2025", "--eval-users", "200", "--json"};
    ObjectMapper json = new ObjectMapper();
    JsonNode a = json.readTree(Cli.run(args).out());
    JsonNode b = json.readTree(Cli.run(args).out());
    for (int i = 0; i < a.get("agents").size(); i++) {
      JsonNode x = a.get("agents").get(i);
      JsonNode y = b.get("agents").get(i);
      assertEquals(x.get("name").asText(), y.get("name").asText());
      assertEquals(x.get("eval_return").get("mean").asDouble(), y.get("eval_return").get("mean").asDouble(), 0.0,
          x.get("name").asText());
      assertEquals(x.get("mean_return").asDouble(), y.get("mean_return").asDouble(), 0.0, x.get("name").asText());
    }
  }
}

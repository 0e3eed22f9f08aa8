package io.rlsearch.api.serving;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.api.BadRequestException;
import io.rlsearch.serving.OnlineLearning;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.World;
import io.rlsearch.testing.Runs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Online learning of template bandits is refused at start under a schema without the templates' features. */
class LearningSchemaTest {
  @Test
  void aTemplateBanditUnderASchemaWithoutTheWorldsCandidateFeaturesIsRefusedWithOneLine() {
    World world = Runs.smallWorld(3);
    ServingSchema all = ServingSchema.world(world.settings());
    // Ten candidate features of a service's own: the template arms (vectors over the world's) cannot apply.
    ServingSchema service = new ServingSchema(ServingPolicies.bareContext(all),
        IntStream.range(0, 10).mapToObj(i -> "f" + i).toList(), Map.of(), all.reward(), all.limits());
    try (Serving.Running run = Serving.start(world, "neutral", List.of(), 1, Optional.empty(), 3, "127.0.0.1", 0,
        Optional.empty(), 0, 0, service)) {
      BadRequestException e = assertThrows(BadRequestException.class,
          () -> Learning.start(run.system(), new OnlineLearning.Settings("linucb", 0.5, 20, 10, 1000)));
      assertTrue(e.getMessage().startsWith("--learn linucb: its arms are the eight templates"), e.getMessage());
      assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }
  }
}

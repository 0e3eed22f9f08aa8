package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.api.serving.PolicyCatalog;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.opl.LinearPolicy;
import io.rlsearch.serving.PolicyForm;
import io.rlsearch.serving.Ranked;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.World;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The context a template decision log records (what {@code ope --log} writes: {@link TemplateEpisode#context()}
 * as {@link OpeStudy} logs it) is, feature for feature, the vector a policy file learned from that log reads
 * when it serves a request for the same user and query: the server picks the file's {@code feature_names}
 * ({@link PolicyForm#templateContext}, as {@code learn} writes them) by name from the request's named
 * context ({@link SimulatedRequests}, the world as a search service). A name that pointed at another
 * column (the sensitivities swapped, an aggregate shifted, the bias misplaced) fails it.
 */
class TemplateLogServingContextTest {
  @TempDir Path dir;

  @Test
  void theLoggedContextIsTheServedPolicysInputForTheSameUserAndQuery() throws Exception {
    long seed = 5;
    World world = io.rlsearch.testing.Runs.smallWorld(3);
    ServingSchema schema = ServingSchema.world(world.settings());
    float[][] boosts = Templates.all(world.catalog(), world.settings().action().aMax(),
        world.settings().templates().popularAmplitude());
    for (TemplateBandits.FeatureMode mode : TemplateBandits.FeatureMode.values()) {
      List<String> names = PolicyForm.templateContext(mode, world.settings());
      Path file = dir.resolve(mode.cliName() + ".json");
      double[][][] w = new double[1][Templates.NAMES.size()][names.size()];
      new LinearPolicy("dr", names, Templates.NAMES, w, new double[1][Templates.NAMES.size()], true, 1, 1,
          Map.of("format", "decisions", "task", "templates", "features", mode.cliName())).write(file);
      ServingPolicies.Trained served = PolicyCatalog.fromFile(file, schema, null);
      SimulatedRequests requests = new SimulatedRequests(world, seed);
      RunStreams streams = new RunStreams(seed);
      // The logging path, as OpeStudy builds its episodes.
      TemplateEpisode ep = new TemplateEpisode(world, boosts, mode, TemplateBandits.Estimator.CH06);
      for (long i = 0; i < 40; i++) {
        SimulatedRequests.Session s = requests.session(i);
        Population.Arrival a = Population.firstSession(world, streams, i);
        ep.prepare(a.profile(), a.query(), streams.session(a.user(), a.session()));
        double[] logged = ep.context();
        Ranked out = ServingPolicies.bind(served, schema).rank(s.request(), new NumpyRandom(0));
        assertEquals(names.size(), logged.length, mode.cliName());
        assertArrayEquals(logged, out.policyInput(), 0.0, mode.cliName() + ", request " + i + ": " + names);
      }
    }
  }
}

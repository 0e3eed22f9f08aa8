package io.rlsearch.app;

import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.api.serving.PolicyCatalog;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingPolicy;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.serving.export.LinearBoost;
import io.rlsearch.serving.export.PolicyExport;
import io.rlsearch.serving.export.SegmentContexts;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export}: a policy's greedy ranking rule as a search engine's learning-to-rank model. */
@Command(name = "export", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/export.md",
    description = {"Writes a policy's ranking, without exploration, as a linear learning-to-rank model for Solr"
        + " (solr-ltr) or the OpenSearch/Elasticsearch LTR plugin (opensearch-ltr): score = the engine's query score"
        + " + sum_j w_j * feature_j over the serving schema's candidate features. Writes the feature store (or set),"
        + " one model per context and a README.txt with the upload commands into --out.",
        "Exports the built-ins (by name), and `train --checkpoint` files of the boost-weight agents (contq,"
        + " reinforce, reinforce_baseline, ppo), the template bandits and the neural bandits. Their weights depend"
        + " on the context: --segment takes a segment's mean context in the simulated world, --context sets"
        + " features. The slate agents (slateq, diffrank) are not linear in the features and are refused."})
final class ExportCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--format", paramLabel = "F", required = true,
      description = "solr-ltr or opensearch-ltr.")
  String format;

  @Option(names = "--policy", paramLabel = "FILE|NAME", required = true,
      description = "A `train --checkpoint` file, or a built-in's name (neutral, cm2_price, cm2, private_label,"
          + " price, bury).")
  String policy;

  @Option(names = "--segment", paramLabel = "SEG",
      description = "Export the model for this user segment's mean context (over the simulated world's first"
          + " 4,000 requests); repeatable: one model per segment.")
  List<String> segments = new ArrayList<>();

  @Option(names = "--context", paramLabel = "NAME=VALUE",
      description = "Set a context feature (over the segment's mean context, or over the mean context of all"
          + " requests without --segment); repeatable.")
  List<String> contexts = new ArrayList<>();

  @Option(names = "--base-query-field", paramLabel = "FIELD", defaultValue = "title",
      description = "opensearch-ltr: the text field whose match score on the query's keywords is the base score"
          + " (default: ${DEFAULT-VALUE}).")
  String baseQueryField;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "The directory to write into.")
  Path out;

  @Mixin ConfigOption config = new ConfigOption();

  @Override
  public Integer call() throws IOException {
    PolicyExport.Format f;
    try {
      f = PolicyExport.Format.parse(format);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new Main.UsageException("--out " + out + " is a file, not a directory");
    }
    SimSettings sim = config.load();
    ServingSchema schema = ServingSchema.world(sim);
    Path file = Path.of(policy);
    boolean builtIn = !Files.exists(file) && PolicyCatalog.builtIns().containsKey(policy);
    PolicySnapshot snapshot;
    String policyName;
    if (builtIn) {
      snapshot = PolicyCatalog.builtIn(policy);
      policyName = policy;
    } else if (!Files.isRegularFile(file)) {
      throw new Main.UsageException("--policy: no file '" + policy + "' and no built-in of that name; built-ins: "
          + String.join(", ", PolicyCatalog.builtIns().keySet()));
    } else {
      try (SharedLearner learner = new SharedLearner()) {
        snapshot = PolicyCatalog.fromFile(file, schema, learner);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--policy " + policy + ": " + e.getMessage());
      }
      String base = file.getFileName().toString();
      policyName = base.contains(".") ? base.substring(0, base.lastIndexOf('.')) : base;
    }
    ServingPolicy bound;
    try {
      bound = ServingPolicies.bind(snapshot, schema);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--policy " + policy + ": " + e.getMessage());
    }
    Map<String, double[]> chosen = contexts(sim, schema, builtIn);
    List<LinearBoost> models = new ArrayList<>();
    for (Map.Entry<String, double[]> c : chosen.entrySet()) {
      try {
        models.add(PolicyExport.linear(PolicyExport.modelName(policyName, c.getKey()), policyName, c.getKey(), bound,
            schema, c.getValue(), !builtIn));
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--policy " + policy + ": " + e.getMessage());
      }
    }
    Map<String, String> files = PolicyExport.files(f, models, baseQueryField);
    Files.createDirectories(out);
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path p = out.resolve(e.getKey());
      Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
      spec.commandLine().getOut().println("wrote " + p);
    }
    return 0;
  }

  /** The contexts to export for, by label, each in the schema's context order. */
  private Map<String, double[]> contexts(SimSettings sim, ServingSchema schema, boolean builtIn) {
    List<String> known = sim.users().segments();
    for (String s : segments) {
      if (!known.contains(s)) {
        throw new Main.UsageException("--segment: no segment '" + s + "'; segments: " + String.join(", ", known));
      }
    }
    Map<String, Double> set = new LinkedHashMap<>();
    for (String kv : contexts) {
      int eq = kv.indexOf('=');
      String name = eq < 0 ? kv : kv.substring(0, eq);
      if (eq <= 0 || !schema.context().contains(name)) {
        throw new Main.UsageException("--context must be NAME=VALUE with NAME a context feature of the schema ("
            + String.join(", ", schema.context()) + "), got '" + kv + "'");
      }
      double v;
      try {
        v = Double.parseDouble(kv.substring(eq + 1));
      } catch (NumberFormatException e) {
        throw new Main.UsageException("--context " + name + ": not a number: '" + kv.substring(eq + 1) + "'");
      }
      if (!Double.isFinite(v)) {
        throw new Main.UsageException("--context " + name + ": must be finite, got " + v);
      }
      set.put(name, v);
    }
    if (builtIn && segments.isEmpty() && set.isEmpty()) {
      return Map.of("all", new double[schema.context().size()]);
    }
    if (!builtIn && segments.isEmpty() && set.isEmpty()) {
      throw new Main.UsageException("--policy " + policy + ": its weights depend on the context: give --segment SEG"
          + " (segments: " + String.join(", ", known) + ") or --context NAME=VALUE");
    }
    Map<String, double[]> means = SegmentContexts.of(World.generate(sim, new NumpyRandom(sim.seed())));
    Map<String, double[]> out = new LinkedHashMap<>();
    if (segments.isEmpty()) {
      out.put(builtIn ? "all" : "context", with(means.get("all"), set, schema));
    }
    for (String s : segments) {
      out.put(s, with(means.get(s), set, schema));
    }
    return out;
  }

  private static double[] with(double[] mean, Map<String, Double> set, ServingSchema schema) {
    double[] x = mean.clone();
    for (Map.Entry<String, Double> e : set.entrySet()) {
      x[schema.context().indexOf(e.getKey())] = e.getValue();
    }
    return x;
  }
}

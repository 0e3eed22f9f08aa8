package io.rlsearch.api.serving;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.api.RunConfig;
import io.rlsearch.api.Training;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.learn.Checkpoints;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.serving.PolicyForm;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.ServingPolicies;
import io.rlsearch.serving.ServingPolicy;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Policies the serving path can register: built-in weight vectors on the boost-weight task (10
 * weights in [-3, 3]), and the policy of a `train --checkpoint` file of any agent that acts on a
 * context (the weight-task agents, the template bandits, the neural bandits, the slate agents), with
 * the features it was trained under ({@link #fromCheckpoint(Path, ServingSchema, SharedLearner)}).
 */
public final class PolicyCatalog {
  private PolicyCatalog() {}

  /** The built-in versions, by name. */
  public static Map<String, double[]> builtIns() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("neutral", new double[10]);
    m.put("cm2_price", w(3, 0, 0, 0, 0, 3));
    m.put("cm2", w(3));
    m.put("private_label", w(0, 0, 3));
    m.put("price", w(0, 0, 0, 0, 0, 3));
    // Deliberately bad: buries what the user likes (personalisation) and the pricier products.
    m.put("bury", w(0, 0, 0, -3, 0, -3));
    return m;
  }

  static double[] w(double... v) {
    double[] a = new double[10];
    System.arraycopy(v, 0, a, 0, v.length);
    return a;
  }

  /** A fixed weight vector as a policy. */
  public static PolicySnapshot weights(String name, double[] w) {
    return ContinuousAgents.constant(name, w).create(0, 0).snapshot(0);
  }

  /** The built-in called {@code name}. */
  public static PolicySnapshot builtIn(String name) {
    double[] w = builtIns().get(name);
    if (w == null) {
      throw new IllegalArgumentException("no built-in policy '" + name + "'; built-ins: "
          + String.join(", ", builtIns().keySet()));
    }
    return weights(name, w);
  }

  /**
   * The policy of a `train --checkpoint` file, checked to serve under {@code schema}: its agent's
   * snapshot with the form of the task it was trained on, whose features are the names the
   * checkpoint records ({@link Training#CONTEXT_FEATURES}, {@link Training#CANDIDATE_FEATURES}); a
   * checkpoint written before they were recorded is read as trained under the world schema of its
   * task and world settings. The policy is bound to {@code schema} (refused if the schema lacks a
   * feature it reads) and ranks a probe request (refused if it cannot act on its contexts).
   *
   * @param learner where a neural agent's networks are restored
   * @throws IllegalArgumentException one line naming the problem: a file that is not a readable,
   *     intact checkpoint; an agent that does not restore; the first feature the schema lacks; a
   *     policy that cannot act on the contexts its form names
   */
  public static ServingPolicies.Trained fromCheckpoint(Path file, ServingSchema schema, SharedLearner learner) {
    Checkpoints.Checkpoint c;
    try {
      c = Checkpoints.read(file);
    } catch (Checkpoints.CheckpointException e) {
      throw new IllegalArgumentException(oneLine(e.getMessage()));
    }
    String agent = c.state().agent();
    Map<String, String> config = c.config();
    PolicyForm form;
    AgentBuilder builder;
    try {
      Task task = taskOf(agent, config);
      SimSettings world = ZoosimConfig.fromOverlay(ConfigFactory.parseString(config.getOrDefault("world", "{}")));
      form = PolicyForm.of(task, world);
      String ctx = config.get(Training.CONTEXT_FEATURES);
      String cand = config.get(Training.CANDIDATE_FEATURES);
      if ((ctx == null) != (cand == null)) {
        throw new IllegalArgumentException("the checkpoint records its " + (ctx == null ? "candidate" : "context")
            + " features and not the others");
      }
      if (ctx != null) {
        form = form.withNames(PolicyForm.decode(ctx), PolicyForm.decode(cand));
      }
      builder = builder(agent, config, learner);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the checkpoint of '" + agent + "' cannot be read for serving: "
          + oneLine(e.getMessage()));
    }
    PolicySnapshot p;
    try {
      var rule = builder.restoreState(c.state());
      try {
        p = rule.snapshot(c.version());
      } finally {
        rule.close();
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the checkpoint does not restore: " + oneLine(e.getMessage()));
    }
    ServingPolicies.Trained t = new ServingPolicies.Trained(p, form);
    ServingPolicy bound = ServingPolicies.bind(t, schema);
    try {
      bound.rank(probe(schema), new NumpyRandom(0));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the checkpoint's policy cannot act on this task's contexts of "
          + form.context().size() + " values: " + oneLine(e.getMessage()));
    }
    return t;
  }

  /**
   * The policy of a file {@code serve --policy-file} or {@code export} is given: a policy file of
   * {@code learn} ({@link #fromLearnedPolicy}) or a {@code train --checkpoint} file
   * ({@link #fromCheckpoint}).
   */
  public static ServingPolicies.Trained fromFile(Path file, ServingSchema schema, SharedLearner learner) {
    return io.rlsearch.eval.opl.LinearPolicy.isPolicyFile(file) ? fromLearnedPolicy(file, schema)
        : fromCheckpoint(file, schema, learner);
  }

  /**
   * A policy file of {@code learn} learned from a template decision log: the greedy template of its
   * linear scores, with the template task's form (its context is the file's {@code feature_names},
   * the Chapter-6 context of the log's features with the bias {@code =1}; the templates rank as their
   * boost vectors), bound to {@code schema} and checked on a probe request.
   *
   * @throws IllegalArgumentException one line: a file that does not read, a policy not learned from a
   *     template log, the first feature the schema lacks
   */
  public static ServingPolicies.Trained fromLearnedPolicy(Path file, ServingSchema schema) {
    io.rlsearch.eval.opl.LinearPolicy p = io.rlsearch.eval.opl.LinearPolicy.read(file);
    if (!"templates".equals(p.info().get("task")) || p.actions() != io.rlsearch.sim.Templates.NAMES.size()) {
      throw new IllegalArgumentException("policy file " + file + " was not learned from a template decision log"
          + " (its task is '" + p.info().getOrDefault("task", "none") + "', " + p.actions() + " actions); only"
          + " template policies serve");
    }
    PolicyForm form = new PolicyForm(PolicyForm.Kind.BOOST, p.featureNames(), PolicyForm.TEMPLATE_CANDIDATE, 3.0,
        PolicyForm.templateArms());
    ServingPolicies.Trained t = new ServingPolicies.Trained(
        new io.rlsearch.serving.LinearGreedySnapshot(p, "learned:" + p.learner()), form);
    ServingPolicy bound = ServingPolicies.bind(t, schema);
    try {
      bound.rank(probe(schema), new NumpyRandom(0));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("policy file " + file + " cannot act on this task's contexts: "
          + oneLine(e.getMessage()));
    }
    return t;
  }

  /** A request of two candidates, every feature 0. */
  private static RankRequest probe(ServingSchema schema) {
    return new RankRequest(Optional.empty(), Optional.empty(), new double[schema.context().size()],
        new String[] {"a", "b"}, new double[2], new double[2][schema.candidate().size()], 2);
  }

  /**
   * The task a checkpoint's agent was trained on, as `train` chooses it: the slate task for the
   * slate agents, the boost-weight task for the other neural agents, else the template task with the
   * features its config's task names.
   */
  static Task taskOf(String agent, Map<String, String> config) {
    if (RunConfig.NEURAL.contains(agent) && !RunConfig.TEMPLATE_NEURAL.contains(agent)) {
      return RunConfig.neuralTask(agent);
    }
    String task = config.getOrDefault("task", "");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("8 boost templates, (\\w+) features").matcher(task);
    if (!m.matches()) {
      throw new IllegalArgumentException("its config does not say which context features it was trained on (task '"
          + task + "')");
    }
    return new Task.BoostTemplates(TemplateBandits.FeatureMode.parse(m.group(1)));
  }

  /** The builder that restores {@code agent}, with the agent settings its checkpoint recorded. */
  private static AgentBuilder builder(String agent, Map<String, String> config, SharedLearner learner) {
    if (RunConfig.NEURAL.contains(agent)) {
      return RunConfig.neural(agent, learner, false);
    }
    Config base = RunConfig.load(Optional.empty(), Optional.empty()).experiment;
    String settings = config.getOrDefault("agent_settings", "");
    Config exp = settings.isEmpty() || agent.contains(":") ? base
        : ConfigFactory.parseString(ConfigUtil.joinPath(agent) + " = " + settings).withFallback(base);
    return RunConfig.ofRenderedExperiment(exp.root().render(ConfigRenderOptions.concise())).agent(agent);
  }

  private static String oneLine(String s) {
    return s == null ? "(no message)" : s.replaceAll("\\s*\\R\\s*", " ");
  }
}

package io.rlsearch.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.rlsearch.actors.RunSpec;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.LinearThompson;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.sim.SettingsException;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reads an experiment file (what to run) and a topology file (how), each layered over its shipped
 * defaults ({@code config/experiments/default.conf}, {@code actors/local.conf}), refusing unknown keys
 * and bad values with one line, and builds the {@link RunSpec} and the ActorSystem's configuration.
 */
public final class RunConfig {
  public static final String EXPERIMENT_DEFAULTS = "config/experiments/default.conf";
  public static final String TOPOLOGY_DEFAULTS = "actors/local.conf";

  public final Config experiment;
  public final Config topology;

  private RunConfig(Config experiment, Config topology) {
    this.experiment = experiment;
    this.topology = topology;
  }

  /** The two files (absent: the defaults alone). */
  public static RunConfig load(Optional<Path> experimentFile, Optional<Path> topologyFile) {
    Config exp = layered(EXPERIMENT_DEFAULTS, experimentFile, "--experiment", "experiment.world.");
    Config top = layered(TOPOLOGY_DEFAULTS, topologyFile, "--topology", "pekko.");
    return new RunConfig(exp.getConfig("experiment"), top);
  }

  /** An experiment block as rendered by {@link #renderedExperiment}, with the default topology. */
  public static RunConfig ofRenderedExperiment(String rendered) {
    Config top = layered(TOPOLOGY_DEFAULTS, Optional.empty(), "--topology", "pekko.");
    return new RunConfig(ConfigFactory.parseString(rendered).resolve(), top);
  }

  /** The experiment block, rendered as HOCON (what a clustered run sends to every node). */
  public String renderedExperiment() {
    return experiment.root().render(com.typesafe.config.ConfigRenderOptions.concise());
  }

  private static Config layered(String resource, Optional<Path> file, String option, String openPrefix) {
    Config defaults = ConfigFactory.parseResources(RunConfig.class.getClassLoader(), resource,
        ConfigParseOptions.defaults().setAllowMissing(false));
    if (file.isEmpty()) {
      return defaults.resolve();
    }
    Path f = file.get();
    if (!Files.isRegularFile(f)) {
      throw new SettingsException(option, "no such file: " + f);
    }
    Config user;
    try {
      user = ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new SettingsException(f.toString(), "cannot be parsed: " + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(openPrefix) || key.startsWith("rlsearch.dispatchers.")
          || (option.equals("--topology") && key.startsWith("rlsearch.pipeline-system."))
          || (option.equals("--topology") && key.startsWith("rlsearch.cluster."))) {
        continue;
      }
      if (!defaults.hasPathOrNull(key)) {
        throw new SettingsException(key, "unknown key; accepted keys here: " + siblings(key, defaults));
      }
    }
    try {
      return user.withFallback(defaults).resolve();
    } catch (ConfigException e) {
      // An unresolved ${substitution}, a cycle: one line naming the file.
      throw new SettingsException(f.toString(), "cannot be resolved: " + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
  }

  private static String siblings(String key, Config defaults) {
    int dot = key.lastIndexOf('.');
    TreeSet<String> names = new TreeSet<>();
    if (dot < 0) {
      names.addAll(defaults.root().keySet());
    } else {
      String parent = key.substring(0, dot);
      if (defaults.hasPath(parent) && defaults.getValue(parent).valueType() == ConfigValueType.OBJECT) {
        names.addAll(defaults.getConfig(parent).root().keySet());
      } else {
        return siblings(parent, defaults);
      }
    }
    return String.join(", ", names);
  }

  /** Whether the topology lays the run out on Pekko Cluster ({@code pekko.actor.provider = cluster}). */
  public boolean clustered() {
    return topology.hasPath("pekko.actor.provider") && topology.getString("pekko.actor.provider").equals("cluster");
  }

  /** The ActorSystem's configuration: the topology over Pekko's reference configuration. */
  public Config systemConfig() {
    return topology.withFallback(ConfigFactory.defaultReference(RunConfig.class.getClassLoader())).resolve();
  }

  /** The topology's {@code rlsearch.learner.device}. */
  public io.rlsearch.learn.LearnerDevice learnerDevice() {
    String d = topology.getString("rlsearch.learner.device");
    try {
      return io.rlsearch.learn.LearnerDevice.parse(d);
    } catch (IllegalArgumentException e) {
      throw new SettingsException("rlsearch.learner.device", "must be auto, cpu or gpu; got '" + d + "'");
    }
  }

  public String agentName() {
    return string(experiment, "agent");
  }

  public TemplateBandits.FeatureMode features() {
    String f = string(experiment, "features");
    try {
      return TemplateBandits.FeatureMode.parse(f);
    } catch (IllegalArgumentException e) {
      throw new SettingsException("experiment.features", "must be simple, rich or rich_est; got '" + f + "'");
    }
  }

  public long seed() {
    long s = longValue(experiment, "seed");
    if (s < 0) {
      throw new SettingsException("experiment.seed", "must be >= 0, got " + s);
    }
    return s;
  }

  public long episodes() {
    long n = longValue(experiment, "episodes");
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new SettingsException("experiment.episodes", "must be in 1.." + Integer.MAX_VALUE + ", got " + n);
    }
    return n;
  }

  public boolean deterministic() {
    return bool(experiment, "deterministic");
  }

  public int roundSize() {
    return positiveInt(experiment, "round_size", "experiment.round_size");
  }

  public int shards() {
    return positiveInt(topology, "rlsearch.topology.shards", "rlsearch.topology.shards");
  }

  /** The world of the experiment, with its seed set to {@code seed}. */
  public World world(long seed) {
    SimSettings s = ZoosimConfig.fromOverlay(experiment.getConfig("world")).withSeed(seed);
    return World.generate(s, new NumpyRandom(seed));
  }

  /** The neural agents (they act on the boost-weight task and train in a shared DJL learner). */
  public static final List<String> NEURAL = List.of("contq", "reinforce", "reinforce_baseline", "ppo", "slateq",
      "slateq_simplified", "diffrank", "cql", "iql", "td3_bc", "random_weights", "neural_linear", "neural_ensemble");

  /** Agents of {@link #NEURAL} that choose among the boost templates (the template task). */
  public static final List<String> TEMPLATE_NEURAL = List.of("neural_linear", "neural_ensemble");

  /** Agents of {@link #NEURAL} trained offline from a logged-decision file before they act. */
  public static final List<String> OFFLINE = List.of("cql", "iql", "td3_bc");

  /** Agents of {@link #NEURAL} that act on the slate task (the others act on the boost weights). */
  public static final List<String> SLATE = List.of("slateq", "slateq_simplified", "diffrank");

  /**
   * Sessions PPO waits for a returning user's next session before taking the user to have left (as
   * SlateQ's terminal-after).
   */
  public static final int PPO_TERMINAL_AFTER = 256;

  /** The task agent {@code name} acts on: the template task for the template agents, else its neural task. */
  public Task taskFor(String name) {
    return NEURAL.contains(name) && !TEMPLATE_NEURAL.contains(name) ? neuralTask(name)
        : new Task.BoostTemplates(features());
  }

  /** The task a {@link #NEURAL} agent acts on. */
  public static Task neuralTask(String name) {
    return SLATE.contains(name) ? Task.Slate.reference() : Task.BoostWeights.battle();
  }

  /**
   * A neural agent with the Battle Royale's settings, trained in {@code learner}; with
   * {@code multiSession}, SlateQ bootstraps over a user's sessions (gamma 0.9). CQL is built apart
   * (it trains offline first).
   */
  public static AgentBuilder neural(String name, io.rlsearch.learn.SharedLearner learner, boolean multiSession) {
    Task.BoostWeights task = Task.BoostWeights.battle();
    return switch (name) {
      case "slateq" -> io.rlsearch.learn.SlateQAgent.builder(learner, io.rlsearch.learn.SlateQAgent.Settings.battle(
          io.rlsearch.agents.slate.SlateQSnapshot.Mode.DECOMPOSED).withGamma(multiSession ? 0.9 : 0.0));
      case "slateq_simplified" -> io.rlsearch.learn.SlateQAgent.builder(learner,
          io.rlsearch.learn.SlateQAgent.Settings.battle(io.rlsearch.agents.slate.SlateQSnapshot.Mode.SIMPLIFIED));
      case "diffrank" -> io.rlsearch.learn.DiffRankAgent.builder(learner,
          io.rlsearch.learn.DiffRankAgent.Settings.battle());
      case "neural_linear" -> io.rlsearch.learn.NeuralLinearAgent.builder(learner,
          io.rlsearch.learn.NeuralLinearAgent.Settings.reference());
      case "neural_ensemble" -> io.rlsearch.learn.NeuralAgents.neuralEnsemble(learner,
          io.rlsearch.learn.NeuralAgents.QEnsembleSettings.templates());
      case "random_weights" -> io.rlsearch.agents.continuous.ContinuousAgents.uniform("random_weights", 10,
          task.aMax());
      case "contq" -> io.rlsearch.learn.NeuralAgents.qEnsemble(learner,
          io.rlsearch.learn.NeuralAgents.QEnsembleSettings.battle(task.aMax()));
      case "reinforce" -> io.rlsearch.learn.NeuralAgents.reinforce(learner,
          io.rlsearch.learn.NeuralAgents.ReinforceSettings.battle(false));
      case "reinforce_baseline" -> io.rlsearch.learn.NeuralAgents.reinforce(learner,
          io.rlsearch.learn.NeuralAgents.ReinforceSettings.battle(true));
      case "ppo" -> io.rlsearch.learn.PpoAgent.builder(learner, io.rlsearch.learn.PpoAgent.Settings.battle(),
          multiSession ? PPO_TERMINAL_AFTER : 0);
      default -> throw new SettingsException("agent", "'" + name + "' is not a neural agent; accepted: "
          + String.join(", ", NEURAL));
    };
  }

  /** The agent called {@code name} with the experiment's hyper-parameters. */
  public AgentBuilder agent(String name) {
    switch (name) {
      case "linucb":
        return BanditAgents.linUcb(linUcbSettings(), true);
      case "ts":
        return BanditAgents.thompson(new LinearThompson.Settings(positive(experiment, "ts.lambda"),
            positive(experiment, "ts.sigma")), positiveInt(experiment, "ts.propensity_samples",
            "experiment.ts.propensity_samples"), true);
      case "discounted_linucb":
        return BanditAgents.adaptiveLinUcb(name, linUcbSettings(), new BanditAgents.Adaptation(0.999, 0,
            Optional.empty(), positive(experiment, "linucb.lambda")));
      case "restart_linucb":
        return BanditAgents.adaptiveLinUcb(name, linUcbSettings(), new BanditAgents.Adaptation(1.0, 0,
            Optional.of(new io.rlsearch.eval.drift.PageHinkley.Settings(0.1, 50.0, 500,
                io.rlsearch.eval.drift.DriftDetector.Form.TEXTBOOK)), positive(experiment, "linucb.lambda")));
      case "sliding_ts":
        return BanditAgents.adaptiveThompson(name, new LinearThompson.Settings(positive(experiment, "ts.lambda"),
            positive(experiment, "ts.sigma")), positiveInt(experiment, "ts.propensity_samples",
            "experiment.ts.propensity_samples"), new BanditAgents.Adaptation(1.0, 2000, Optional.empty(),
            positive(experiment, "ts.lambda")));
      case "random":
        return BanditAgents.random();
      case "static": {
        String t = string(experiment, "static.template");
        return template(t, "experiment.static.template");
      }
      default:
        if (name.startsWith("template:")) {
          return template(name.substring("template:".length()), "--agent");
        }
        AgentBuilder plugin = Agents.plugin(name);
        if (plugin != null) {
          return plugin;
        }
        throw new SettingsException("agent", "'" + name + "' is not an agent; accepted: " + String.join(", ", Agents.TEMPLATE)
            + ", template:NAME, " + String.join(", ", NEURAL)
            + Agents.pluginsListed());
    }
  }

  private LinUcb.Settings linUcbSettings() {
    return new LinUcb.Settings(positive(experiment, "linucb.lambda"), nonNegative(experiment, "linucb.alpha"),
        bool(experiment, "linucb.adaptive_alpha"));
  }

  public static AgentBuilder template(String name, String key) {
    String canonical = name.equalsIgnoreCase("neutral") ? "Neutral" : name;
    int id = Templates.NAMES.indexOf(canonical);
    if (id < 0) {
      throw new SettingsException(key, "'" + name + "' is not a template; accepted: " + String.join(", ", Templates.NAMES));
    }
    return BanditAgents.fixed("static:" + canonical, id);
  }

  /** The run's specification with the topology's layout, on the template task. */
  public RunSpec spec(World world, AgentBuilder agent, long seed, long users, boolean retention, int sessionsCap, double gamma,
      int shards, boolean deterministic, double faultRate, Optional<Path> log) {
    return spec(world, new Task.BoostTemplates(features()), agent, seed, users, retention, sessionsCap, gamma, shards,
        deterministic, faultRate, log, Optional.empty(), Optional.empty());
  }

  /** The experiment's settings for the agent, rendered (for checkpoint compatibility checks). */
  public String agentSettings(String name) {
    // A name such as template:Premium is not a config path; only a plain name can have a section.
    String key = com.typesafe.config.ConfigUtil.joinPath(name);
    return experiment.hasPath(key) ? experiment.getValue(key).render(com.typesafe.config.ConfigRenderOptions.concise())
        : "";
  }

  /** The experiment's world overlay, rendered. */
  public String worldSettings() {
    return experiment.getValue("world").render(com.typesafe.config.ConfigRenderOptions.concise());
  }

  /** The run's specification with the topology's layout. */
  public RunSpec spec(World world, Task task, AgentBuilder agent, long seed, long users, boolean retention, int sessionsCap,
      double gamma, int shards, boolean deterministic, double faultRate, Optional<Path> log,
      Optional<io.rlsearch.actors.Checkpointing.Resume> resume,
      Optional<io.rlsearch.actors.Checkpointing> checkpointing) {
    return spec(world, task, agent, seed, users, retention, sessionsCap, gamma, shards, deterministic, faultRate, log,
        resume, checkpointing, Optional.empty());
  }

  /** The topology's inference engine: "java", "djl" or "auto". */
  public String inference() {
    String e = string(topology.getConfig("rlsearch.topology"), "inference");
    if (!e.equals("java") && !e.equals("djl") && !e.equals("auto")) {
      throw new SettingsException("rlsearch.topology.inference", "must be java, djl or auto, got '" + e + "'");
    }
    return e;
  }

  /** As above, with the shared learner a "djl" inference engine runs in (empty: the engine is java). */
  public RunSpec spec(World world, Task task, AgentBuilder agent, long seed, long users, boolean retention, int sessionsCap,
      double gamma, int shards, boolean deterministic, double faultRate, Optional<Path> log,
      Optional<io.rlsearch.actors.Checkpointing.Resume> resume,
      Optional<io.rlsearch.actors.Checkpointing> checkpointing, Optional<io.rlsearch.learn.SharedLearner> learner) {
    Config t = topology.getConfig("rlsearch.topology");
    java.util.function.Supplier<io.rlsearch.agents.spi.InferenceEngine> engine =
        inference().equals("java") || learner.isEmpty() ? () -> io.rlsearch.agents.spi.InferenceEngine.JAVA
            : inference().equals("djl") ? () -> new io.rlsearch.learn.DjlInference(learner.get())
            : () -> new io.rlsearch.learn.DjlInference(learner.get(),
                positiveInt(t, "djl_min_batch", "rlsearch.topology.djl_min_batch"));
    try {
      return new RunSpec(world, task, agent, seed, users, retention, sessionsCap, gamma, shards,
          deterministic ? roundSize() : 0, positiveInt(t, "publish_every", "rlsearch.topology.publish_every"),
          positiveInt(t, "max_batch", "rlsearch.topology.max_batch"),
          positiveInt(t, "replay_capacity", "rlsearch.topology.replay_capacity"), faultRate,
          nonNegativeInt(t, "max_retries", "rlsearch.topology.max_retries"),
          duration(t, "session_timeout", "rlsearch.topology.session_timeout"),
          duration(t, "pull_timeout", "rlsearch.topology.pull_timeout"),
          positiveInt(t, "pull_parallelism", "rlsearch.topology.pull_parallelism"), log,
          shardDispatcher(t), positiveInt(t, "batch", "rlsearch.topology.batch"), resume, checkpointing,
          waitDuration(t, "max_wait", "rlsearch.topology.max_wait"), engine);
    } catch (IllegalArgumentException e) {
      if (e instanceof SettingsException) {
        throw e;
      }
      throw new BadRequestException(e.getMessage());
    }
  }

  private String shardDispatcher(Config t) {
    String d = string(t, "shard_dispatcher");
    if (!d.isEmpty() && !topology.hasPath(d)) {
      throw new SettingsException("rlsearch.topology.shard_dispatcher", "no dispatcher is configured at '" + d + "'");
    }
    return d;
  }

  private static String string(Config c, String key) {
    try {
      return c.getString(key);
    } catch (ConfigException e) {
      throw new SettingsException(key, "must be a string");
    }
  }

  private static boolean bool(Config c, String key) {
    try {
      return c.getBoolean(key);
    } catch (ConfigException e) {
      throw new SettingsException(key, "must be true or false");
    }
  }

  private static long longValue(Config c, String key) {
    try {
      return c.getLong(key);
    } catch (ConfigException e) {
      throw new SettingsException(key, "must be an integer");
    }
  }

  private static int positiveInt(Config c, String key, String name) {
    long v = longValue(c, key);
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new SettingsException(name, "must be a positive integer, got " + v);
    }
    return (int) v;
  }

  private static int nonNegativeInt(Config c, String key, String name) {
    long v = longValue(c, key);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new SettingsException(name, "must be an integer >= 0, got " + v);
    }
    return (int) v;
  }

  private static double number(Config c, String key) {
    try {
      return c.getDouble(key);
    } catch (ConfigException e) {
      throw new SettingsException(key, "must be a number");
    }
  }

  private static double positive(Config c, String key) {
    double v = number(c, key);
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new SettingsException("experiment." + key, "must be a finite number > 0, got " + v);
    }
    return v;
  }

  private static double nonNegative(Config c, String key) {
    double v = number(c, key);
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new SettingsException("experiment." + key, "must be a finite number >= 0, got " + v);
    }
    return v;
  }

  private static Duration waitDuration(Config c, String key, String name) {
    try {
      Duration d = c.getDuration(key);
      if (d.isNegative() || d.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new SettingsException(name, "must lie in 0..1s, got " + d.toMillis() + "ms");
      }
      return d;
    } catch (ConfigException e) {
      throw new SettingsException(name, "must be a duration such as 0, 500us or 1ms");
    }
  }

  private static Duration duration(Config c, String key, String name) {
    try {
      Duration d = c.getDuration(key);
      if (d.isNegative() || d.isZero()) {
        throw new SettingsException(name, "must be a positive duration");
      }
      return d;
    } catch (ConfigException e) {
      throw new SettingsException(name, "must be a duration such as 30s or 10m");
    }
  }
}

package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.Population;
import io.rlsearch.experiments.RunStreams;
import io.rlsearch.experiments.SessionRunner;
import io.rlsearch.experiments.Task;
import io.rlsearch.learn.NeuralAgents;
import io.rlsearch.learn.PpoAgent;
import io.rlsearch.learn.SharedLearner;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench learner}: how fast the shared learner trains the Q-ensemble and PPO. */
@Command(name = "learner", mixinStandardHelpOptions = true,
    description = {"Learner throughput of the Q-ensemble (5 members, (64, 64), every 32 transitions 8 minibatches of 64 per"
        + " member from a replay of 10,000)"
        + " and PPO (rollouts of 64, 4 epochs of minibatches of 16, value net) with the Battle Royale's settings:"
        + " N transitions of the uniform random policy on the Battle Royale's task are simulated first, then fed"
        + " to each agent's update rule alone (no actors, no acting), after a warm-up.",
        "Reports minibatch gradient steps per second (every optimiser step of every network: for the Q-ensemble"
        + " one member's step on its own minibatch of 64, for PPO one policy or one value step on a minibatch of"
        + " 16), the same steps per second of the learner thread's CPU time (a figure that holds on a shared"
        + " machine), and transitions learned per second. Each step is one member's minibatch update, so"
        + " member_updates_per_sec equals optimiser_steps_per_sec. On the CPU, Adam runs in Java over every"
        + " parameter at once; on the bundled Linux x86-64 PyTorch its float results are DJL's Adam's bit for"
        + " bit (LearnerEquivalenceTest checks it on the machine that runs the tests). On a GPU DJL's Adam runs.",
        "Then step_us_by_rows: microseconds per optimiser step of a Q-ensemble member's network on minibatches"
        + " of 1, 16, 64, 256 and 1,024 rows (minibatches taken in turn from a pool of 4,096 random rows), what"
        + " a step costs whatever its rows against what each row adds."})
final class LearnerBench implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--transitions", paramLabel = "N", defaultValue = "4096",
      description = "Transitions fed to each agent (default: ${DEFAULT-VALUE}).")
  int transitions;

  @Mixin ConfigOption config = new ConfigOption();

  @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

  @Option(names = "--optimiser", paramLabel = "java|djl", defaultValue = "java",
      description = "Adam as the learner runs it (java: one pass over every parameter, the default) or DJL's own"
          + " (one native call per parameter tensor), for comparing their speed; a GPU always uses djl"
          + " (default: ${DEFAULT-VALUE}).")
  String optimiser;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    if (transitions < 256 || transitions > 1_000_000) {
      throw new Main.UsageException("--transitions must be in 256..1000000, got " + transitions);
    }
    if (!optimiser.equals("java") && !optimiser.equals("djl")) {
      throw new Main.UsageException("--optimiser must be java or djl, got " + optimiser);
    }
    SimSettings sim = config.load();
    World world = World.generate(sim.withSeed(2025), new NumpyRandom(2025));
    Task.BoostWeights task = Task.BoostWeights.battle();
    List<Transition> data = simulate(world, task, transitions);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("transitions", transitions);
    List<Object> rows = new ArrayList<>();
    try (SharedLearner learner = deviceOption.learner()) {
      learner.useDjlOptimiser(optimiser.equals("djl"));
      out.put("device", learner.device());
      // On a GPU the networks keep DJL's Adam (the Java step reads CPU memory), whatever was asked.
      out.put("optimiser", learner.onGpu() ? "djl" : optimiser);
      int dim = data.get(0).context().length;
      List<AgentBuilder> agents = List.of(
          NeuralAgents.qEnsemble(learner, NeuralAgents.QEnsembleSettings.battle(task.aMax())),
          PpoAgent.builder(learner, PpoAgent.Settings.battle()));
      for (AgentBuilder b : agents) {
        // Warm-up: the first 1,024 transitions (JIT, native kernels), then the timed pass on a fresh rule.
        UpdateRule warm = b.create(0, dim);
        for (int i = 0; i < Math.min(1024, data.size()); i++) {
          warm.observe(data.get(i));
        }
        warm.close();
        UpdateRule rule = b.create(0, dim);
        long steps0 = learner.gradientSteps();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (Transition t : data) {
          rule.observe(t);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
        long steps = learner.gradientSteps() - steps0;
        rule.close();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("agent", b.name());
        row.put("gradient_steps", steps);
        row.put("wall_s", secs);
        row.put("updates_per_sec", steps / secs);
        row.put("transitions_per_sec", transitions / secs);
        // What one step is: one network's optimiser step on one minibatch (no step trains several members).
        row.put("step", "one optimiser step of one network on one minibatch");
        row.put("optimiser_steps_per_sec", steps / secs);
        row.put("member_updates_per_sec", steps / secs);
        row.put("cpu_s", cpu);
        row.put("updates_per_cpu_sec", cpu > 0 ? steps / cpu : Double.NaN);
        rows.add(row);
      }
      out.put("step_us_by_rows", stepCost(learner, dim + task.actionDim(), transitions / 4096.0));
    }
    out.put("agents", rows);
    if (json) {
      spec.commandLine().getOut().println(Json.write(out));
    } else {
      var w = spec.commandLine().getOut();
      w.printf(Locale.ROOT, "bench learner: %d transitions per agent on %s%n", transitions, out.get("device"));
      for (Object o : rows) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) o;
        w.printf(Locale.ROOT, "%-8s %8d gradient steps in %6.2f s: %9.0f updates/s, %9.0f transitions/s;"
            + " %6.2f s of CPU: %9.0f updates per CPU second%n",
            r.get("agent"), (long) r.get("gradient_steps"), (double) r.get("wall_s"), (double) r.get("updates_per_sec"),
            (double) r.get("transitions_per_sec"), (double) r.get("cpu_s"), (double) r.get("updates_per_cpu_sec"));
      }
      w.printf(Locale.ROOT, "one step of a Q-ensemble member's network, microseconds by minibatch rows: %s%n",
          out.get("step_us_by_rows"));
    }
    return 0;
  }

  /**
   * Microseconds per optimiser step of a Q-ensemble member's network ((in, 64, 64, 1), ReLU, Adam as the
   * learner runs it) on minibatches of 1 to 1,024 rows, after a warm-up at each size: what a step costs
   * whatever its rows (the 1-row figure: PyTorch's calls, autograd and Adam) against what each row adds.
   * {@code scale} scales the repetitions (1 at the default 4,096 transitions: about 5 s in all).
   */
  private static Map<String, Object> stepCost(SharedLearner learner, int in, double scale) {
    Map<String, Object> byRows = new LinkedHashMap<>();
    NumpyRandom rng = new NumpyRandom(5);
    io.rlsearch.agents.nn.Mlp init = io.rlsearch.learn.MlpInit.create(new int[] {in, 64, 64, 1},
        io.rlsearch.agents.nn.Mlp.Activation.RELU, new NumpyRandom(4));
    // A pool of rows the minibatches are taken from in turn, so that steps see changing rows, as a
    // learner's steps do: a network trained on one fixed minibatch keeps the same ReLU units silent, their
    // Adam moments decay into subnormal floats, and the Java Adam's arithmetic on those (100-odd cycles
    // a value on x86) would be measured instead of the step.
    int pool = 4096;
    float[] px = new float[pool * in];
    float[] py = new float[pool];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) rng.standardNormal();
    }
    for (int i = 0; i < pool; i++) {
      py[i] = (float) rng.standardNormal();
    }
    try (io.rlsearch.learn.RegressionModel m = learner.regression("bench-step", init, 1e-3, 0)) {
      int next = 0;
      for (int rows : new int[] {1, 16, 64, 256, 1024}) {
        float[] x = new float[rows * in];
        float[] y = new float[rows];
        int reps = Math.max(20, (int) (scale * 400_000 / (rows + 200)));
        long t = 0;
        for (int r = -reps / 4; r < reps; r++) {
          if (next + rows > pool) {
            next = 0;
          }
          System.arraycopy(px, next * in, x, 0, rows * in);
          System.arraycopy(py, next, y, 0, rows);
          next += rows;
          long t0 = System.nanoTime();
          m.fit(x, y, rows, 1, rows, rng);
          if (r >= 0) {
            t += System.nanoTime() - t0;
          }
        }
        byRows.put(String.valueOf(rows), Math.round(t / 1e2 / reps) / 10.0);
      }
    }
    return byRows;
  }

  /** Sessions of the uniform random policy on the task, one per user. */
  private static List<Transition> simulate(World world, Task.BoostWeights task, int n) {
    RunStreams streams = new RunStreams(11);
    Population pop = new Population(world, streams, n, false, 1);
    SessionRunner runner = new SessionRunner(world, task, streams);
    PolicySnapshot random = ContinuousAgents.uniform("random", 10, task.aMax()).create(0, 0).snapshot(0);
    List<Transition> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Population.Arrival a = pop.next().orElseThrow();
      double[] x = runner.prepare(a);
      Decision d = random.act(x, streams.policy(a.episode()));
      out.add(runner.finish(d, "random", 0));
    }
    return out;
  }
}

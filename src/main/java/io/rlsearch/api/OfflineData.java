package io.rlsearch.api;

import io.rlsearch.actors.Guardian;
import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.api.PipelineRunner;
import io.rlsearch.api.RunConfig;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Logged datasets for offline learners: a mixture of behaviour policies logged through the runtime. */
public final class OfflineData {
  /** The behaviour policies a mixture may hold: the uniform one, and Gaussians around the task's arms. */
  public static final List<String> POLICIES = List.of("uniform", "neutral", "revenue", "conversion", "own_brand");

  private OfflineData() {}

  /** The mixture of {@code names} (each a component) on the battle task. */
  public static AgentBuilder mixture(List<String> names, double sigma) {
    Task.BoostWeights task = Task.BoostWeights.battle();
    List<double[]> centres = new ArrayList<>();
    for (String n : names) {
      int i = POLICIES.indexOf(n);
      if (i < 0) {
        throw new io.rlsearch.api.BadRequestException("--policies: unknown policy '" + n + "'; accepted: " + String.join(", ",
            POLICIES));
      }
      centres.add(i == 0 ? null : task.armWeights().get(i - 1));
    }
    return ContinuousAgents.mixture("mixture", centres, task.actionDim(), sigma, task.aMax());
  }

  /**
   * Logs {@code episodes} single-session episodes of {@code agent} on {@code world}'s battle task
   * through the runtime (stream seed {@code streamSeed}) into {@code out}; refuses a run that lost
   * transitions or whose file does not hold one line per episode.
   */
  public static long log(World world, AgentBuilder agent, long streamSeed, int episodes, Path out) {
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Guardian.RunReport r = PipelineRunner.runAll(List.of(Battles.spec(world, Task.BoostWeights.battle(), agent,
          streamSeed, episodes, Optional.of(out))), topo.systemConfig()).get(0).report();
      if (r.failure().isPresent() || r.lost() != 0) {
        throw new IllegalStateException("logging failed: " + r.failure().orElse("lost " + r.lost() + " transitions"));
      }
      long lines;
      try (var s = Files.lines(out)) {
        lines = s.count();
      }
      if (lines != episodes || r.produced() != episodes) {
        throw new IllegalStateException("logged " + lines + " decisions of " + r.produced() + " produced, "
            + episodes + " asked");
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

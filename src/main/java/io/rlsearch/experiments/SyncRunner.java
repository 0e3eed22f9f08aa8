package io.rlsearch.experiments;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.eval.OnlineMetrics;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The plain single-thread training loop with the runtime's deterministic semantics: the run is cut
 * into rounds of {@code roundSize} episodes; every episode of round r acts with policy version r;
 * after the round its transitions are learned in episode order and version r + 1 is published.
 *
 * <p>The actor pipeline in deterministic mode gives exactly this result whatever its number of shards
 * (tested); it is also the single-thread baseline of {@code bench pipeline}.
 */
public final class SyncRunner {
  /**
   * The run's result.
   *
   * @param transitions every transition in episode order (empty unless kept)
   * @param policyVersions versions published, the initial one included
   * @param report the online metrics
   */
  public record Result(List<Transition> transitions, long policyVersions, OnlineMetrics.Report report) {}

  private SyncRunner() {}

  /** Trains {@code agent} for {@code episodes} single-session episodes. */
  public static Result run(World world, Task task, AgentBuilder agent, RunStreams streams,
      long episodes, int roundSize, boolean keepTransitions) {
    if (roundSize < 1) {
      throw new IllegalArgumentException("round size must be >= 1, got " + roundSize);
    }
    if (episodes < 1) {
      throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
    }
    SessionRunner runner = new SessionRunner(world, task, streams);
    Population population = new Population(world, streams, episodes, false, 1);
    UpdateRule rule = agent.create(runner.arms(), runner.contextDim());
    PolicySnapshot snapshot = rule.snapshot(0);
    long versions = 1;
    OnlineMetrics metrics = new OnlineMetrics();
    List<Transition> kept = new ArrayList<>();
    List<Transition> round = new ArrayList<>(roundSize);
    while (true) {
      Optional<Population.Arrival> next = population.next();
      if (next.isEmpty()) {
        break;
      }
      Population.Arrival a = next.get();
      double[] x = runner.prepare(a);
      Decision d = snapshot.act(x, streams.policy(a.episode()));
      Transition t = runner.finish(d, agent.name(), snapshot.version());
      population.finished(a.user(), a.session(), t.clicks(), t.satisfaction());
      metrics.add(t);
      round.add(t);
      if (keepTransitions) {
        kept.add(t);
      }
      if (round.size() == roundSize) {
        snapshot = endRound(rule, round, snapshot);
        versions++;
      }
    }
    if (!round.isEmpty()) {
      snapshot = endRound(rule, round, snapshot);
      versions++;
    }
    return new Result(kept, versions, metrics.report());
  }

  private static PolicySnapshot endRound(UpdateRule rule, List<Transition> round, PolicySnapshot current) {
    for (Transition t : round) {
      rule.observe(t);
    }
    round.clear();
    return rule.snapshot(current.version() + 1);
  }
}

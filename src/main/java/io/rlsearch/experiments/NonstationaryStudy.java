package io.rlsearch.experiments;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.eval.drift.DriftDetector;
import io.rlsearch.eval.drift.PageHinkley;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A world that shifts at episode {@code shiftAt} (Chapter 15): users arrive from {@code before} until
 * then and from {@code after} (the same catalog, other settings: e.g. another segment mix) from then
 * on. Each agent learns online on the template task, one episode at a time (act, then learn); every
 * template is also played on the same draws, so the best template of each phase is known by
 * simulation and regret is measured against it. Pure and seeded.
 */
public final class NonstationaryStudy {
  private NonstationaryStudy() {}

  /**
   * One agent's figures.
   *
   * @param agent its name
   * @param regretBefore best template's mean reward minus the agent's, before the shift
   * @param regretAfter the same after the shift
   * @param recoveryEpisodes episodes after the shift until the agent's trailing mean of 500 reached 95%
   *     of the best template's post-shift mean (-1 if it never did)
   * @param guardrailBreaches Page-Hinkley alarms on the drop of the agent's reward over the run
   */
  public record AgentFigures(String agent, double regretBefore, double regretAfter, long recoveryEpisodes,
      long guardrailBreaches) {}

  /**
   * The study's figures for one seed.
   *
   * @param bestBefore the best template before the shift and its mean reward
   * @param bestAfter the best template after it
   * @param agents per agent
   */
  public record Result(Map.Entry<String, Double> bestBefore, Map.Entry<String, Double> bestAfter,
      List<AgentFigures> agents) {}

  /** Runs the study for one seed. */
  public static Result run(World before, World after, TemplateBandits.FeatureMode features, List<AgentBuilder> agents,
      long seed, int episodes, int shiftAt) {
    if (shiftAt < 1 || shiftAt >= episodes) {
      throw new IllegalArgumentException("the shift must come after the first episode and before the last: "
          + shiftAt + " of " + episodes);
    }
    Task task = new Task.BoostTemplates(features);
    RunStreams streams = new RunStreams(seed);
    int arms = Templates.NAMES.size();
    // Every template on the same draws: the best of each phase.
    double[][] phaseMeans = new double[arms][2];
    for (int a = 0; a < arms; a++) {
      double[] r = play(before, after, task, BanditAgents.fixed("t" + a, a), streams, episodes, shiftAt);
      phaseMeans[a] = phases(r, shiftAt);
    }
    int bestB = 0;
    int bestA = 0;
    for (int a = 1; a < arms; a++) {
      bestB = phaseMeans[a][0] > phaseMeans[bestB][0] ? a : bestB;
      bestA = phaseMeans[a][1] > phaseMeans[bestA][1] ? a : bestA;
    }
    List<AgentFigures> out = new ArrayList<>();
    for (AgentBuilder b : agents) {
      double[] r = play(before, after, task, b, streams, episodes, shiftAt);
      double[] m = phases(r, shiftAt);
      long recovery = -1;
      double target = 0.95 * phaseMeans[bestA][1];
      double trailing = 0;
      for (int e = shiftAt; e < episodes; e++) {
        trailing += r[e];
        if (e - shiftAt >= 500) {
          trailing -= r[e - 500];
        }
        int w = Math.min(500, e - shiftAt + 1);
        if (w == 500 && trailing / w >= target) {
          recovery = e - shiftAt + 1;
          break;
        }
      }
      PageHinkley ph = new PageHinkley(new PageHinkley.Settings(1.0, 500.0, 500, DriftDetector.Form.TEXTBOOK));
      long alarms = 0;
      for (double x : r) {
        alarms += ph.update(-x) ? 1 : 0;
      }
      out.add(new AgentFigures(b.name(), phaseMeans[bestB][0] - m[0], phaseMeans[bestA][1] - m[1], recovery, alarms));
    }
    return new Result(Map.entry(Templates.NAMES.get(bestB), phaseMeans[bestB][0]),
        Map.entry(Templates.NAMES.get(bestA), phaseMeans[bestA][1]), out);
  }

  private static double[] phases(double[] r, int shiftAt) {
    double b = 0;
    double a = 0;
    for (int e = 0; e < r.length; e++) {
      if (e < shiftAt) {
        b += r[e];
      } else {
        a += r[e];
      }
    }
    return new double[] {b / shiftAt, a / (r.length - shiftAt)};
  }

  /** The agent's reward per episode, learning after each one. */
  private static double[] play(World before, World after, Task task, AgentBuilder agent, RunStreams streams,
      int episodes, int shiftAt) {
    SessionRunner runner = new SessionRunner(before, task, streams);
    UpdateRule rule = agent.create(runner.arms(), runner.contextDim());
    double[] rewards = new double[episodes];
    try {
      long version = 0;
      PolicySnapshot snapshot = rule.snapshot(version);
      for (int e = 0; e < episodes; e++) {
        Population.Arrival a = Population.firstSession(e < shiftAt ? before : after, streams, e);
        double[] x = runner.prepare(a);
        Decision d = snapshot.act(x, streams.policy(e));
        Transition t = runner.finish(d, agent.name(), version);
        rewards[e] = t.reward();
        if (rule.learns()) {
          rule.observe(t);
          snapshot = rule.snapshot(++version);
        }
      }
    } finally {
      rule.close();
    }
    return rewards;
  }

  /** Figures as a map (for reports). */
  public static Map<String, Object> toMap(AgentFigures f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("agent", f.agent());
    m.put("regret_before", f.regretBefore());
    m.put("regret_after", f.regretAfter());
    m.put("recovery_episodes", f.recoveryEpisodes());
    m.put("guardrail_breaches", f.guardrailBreaches());
    return m;
  }
}

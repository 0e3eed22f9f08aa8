package io.rlsearch.experiments;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.Summary;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.List;

/**
 * Diversity against GMV for slate policies (Chapter 13): each agent learns on the slate task for
 * {@code episodes} users, then its frozen policy serves the same fresh users once per re-ranking
 * strength {@code eta} ({@link DiversityReranker}); per strength, GMV, reward and diversity@5, and
 * the paired differences against {@code eta = 0}. Pure and seeded.
 */
public final class DiversityStudy {
  private DiversityStudy() {}

  /**
   * One agent at one strength.
   *
   * @param eta the re-ranker's bonus
   * @param gmv GMV per session
   * @param reward reward per session
   * @param diversity diversity@5 per session
   * @param gmvChange paired GMV difference against eta 0
   * @param diversityChange paired diversity difference against eta 0
   */
  public record Point(double eta, Summary gmv, Summary reward, Summary diversity, Summary gmvChange,
      Summary diversityChange) {}

  /**
   * One agent's curve.
   *
   * @param agent its name
   * @param trainingReward mean reward over its training episodes
   * @param points per strength, in the order given
   */
  public record Curve(String agent, double trainingReward, List<Point> points) {}

  /** Trains {@code agent} and measures it at every strength in {@code etas} on {@code evalEpisodes} users. */
  public static Curve run(World world, AgentBuilder agent, long seed, int episodes, int evalEpisodes, double[] etas) {
    if (episodes < 1 || evalEpisodes < 2 || etas.length == 0) {
      throw new IllegalArgumentException("the study needs >= 1 training and >= 2 evaluation episodes and a strength");
    }
    Task.Slate task = Task.Slate.reference();
    RunStreams streams = new RunStreams(seed);
    SessionRunner runner = new SessionRunner(world, task, streams);
    UpdateRule rule = agent.create(runner.arms(), runner.contextDim());
    double trainingReward = 0;
    PolicySnapshot snapshot;
    try {
      snapshot = rule.snapshot(0);
      for (long e = 0; e < episodes; e++) {
        double[] x = runner.prepare(Population.firstSession(world, streams, e));
        Transition t = runner.finish(snapshot.act(x, streams.policy(e)), agent.name(), snapshot.version());
        trainingReward += t.reward() / episodes;
        if (rule.learns()) {
          rule.observe(t);
          snapshot = rule.snapshot(e + 1);
        }
      }
    } finally {
      rule.close();
    }
    SlateEpisode episode = new SlateEpisode(world, task);
    double[][] gmv = new double[etas.length][evalEpisodes];
    double[][] reward = new double[etas.length][evalEpisodes];
    double[][] div = new double[etas.length][evalEpisodes];
    for (int i = 0; i < evalEpisodes; i++) {
      long id = episodes + i;
      for (int k = 0; k < etas.length; k++) {
        Population.Arrival a = Population.firstSession(world, streams, id);
        NumpyRandom session = streams.session(a.user(), a.session());
        episode.prepare(a.profile(), a.query(), session);
        double[] x = episode.context();
        Decision d = snapshot.act(x, streams.policy(id));
        double[] scores = DiversityReranker.rerank(d.action(), episode.candidateCategories(), etas[k],
            task.candidates());
        SessionEpisode.Played p = episode.play(Decision.continuous(scores, 1.0), session);
        gmv[k][i] = p.parts().gmv();
        reward[k][i] = p.reward();
        div[k][i] = p.diversity();
      }
    }
    List<Point> points = new ArrayList<>();
    for (int k = 0; k < etas.length; k++) {
      double[] dg = new double[evalEpisodes];
      double[] dd = new double[evalEpisodes];
      for (int i = 0; i < evalEpisodes; i++) {
        dg[i] = gmv[k][i] - gmv[0][i];
        dd[i] = div[k][i] - div[0][i];
      }
      points.add(new Point(etas[k], Summary.of(gmv[k]), Summary.of(reward[k]), Summary.of(div[k]), Summary.of(dg),
          Summary.of(dd)));
    }
    return new Curve(agent.name(), trainingReward, points);
  }
}

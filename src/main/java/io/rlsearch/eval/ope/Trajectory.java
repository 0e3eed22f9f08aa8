package io.rlsearch.eval.ope;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decisions of one episode, in step order.
 *
 * @param episode episode id
 * @param steps the decisions, step 0 first
 */
public record Trajectory(long episode, List<LoggedDecision> steps) {
  public Trajectory {
    steps = List.copyOf(steps);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("episode " + episode + " has no decisions");
    }
  }

  /** Number of decisions. */
  public int length() {
    return steps.size();
  }

  /** The discounted return {@code sum gamma^t r_t}. */
  public double discountedReturn(double gamma) {
    double g = 0;
    double disc = 1;
    for (LoggedDecision d : steps) {
      g += disc * d.reward();
      disc *= gamma;
    }
    return g;
  }

  /**
   * Groups decisions into trajectories by episode id (ascending), each sorted by step; refuses
   * duplicate steps, gaps in the step sequence and a {@code done} before the last step.
   */
  public static List<Trajectory> group(List<LoggedDecision> decisions) {
    Map<Long, List<LoggedDecision>> byEpisode = new TreeMap<>();
    for (LoggedDecision d : decisions) {
      byEpisode.computeIfAbsent(d.episode(), k -> new ArrayList<>()).add(d);
    }
    List<Trajectory> out = new ArrayList<>(byEpisode.size());
    for (Map.Entry<Long, List<LoggedDecision>> e : byEpisode.entrySet()) {
      List<LoggedDecision> steps = e.getValue();
      steps.sort(Comparator.comparingInt(LoggedDecision::step));
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i).step() != i) {
          throw new IllegalArgumentException("episode " + e.getKey() + ": expected step " + i + ", found step "
              + steps.get(i).step() + " (duplicate or missing step)");
        }
        if (steps.get(i).done() && i < steps.size() - 1) {
          throw new IllegalArgumentException("episode " + e.getKey() + ": step " + i + " is marked done but step "
              + (i + 1) + " follows");
        }
      }
      out.add(new Trajectory(e.getKey(), steps));
    }
    return out;
  }
}

package io.rlsearch.testkit;

import io.rlsearch.actors.Guardian;
import io.rlsearch.core.Transition;
import java.util.List;

/**
 * A finished run: the runtime's report (counts per consumer, losses, retries, learner and evaluator
 * figures, policy history, failure) and every transition the shards produced, in the order the stream
 * carried them.
 */
public record ObservedRun(Guardian.RunReport report, List<Transition> transitions) {
  public ObservedRun {
    transitions = List.copyOf(transitions);
  }

  /** The transitions sorted by episode id. */
  public List<Transition> byEpisode() {
    return transitions.stream().sorted(java.util.Comparator.comparingLong(Transition::episode)).toList();
  }
}

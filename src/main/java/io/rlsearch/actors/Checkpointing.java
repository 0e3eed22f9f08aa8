package io.rlsearch.actors;

import io.rlsearch.agents.spi.AgentState;
import java.util.Objects;

/**
 * Where and how often a run saves its learner's state.
 *
 * @param sink saves one checkpoint (the application writes the file, with the config of the run)
 * @param every transitions learned between checkpoints during the run (0: only at the end)
 */
public record Checkpointing(Sink sink, long every) {
  public Checkpointing {
    Objects.requireNonNull(sink, "sink");
    if (every < 0) {
      throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + every);
    }
  }

  /** Saves a checkpoint. Called by the guardian, one at a time. */
  @FunctionalInterface
  public interface Sink {
    /**
     * Saves {@code state}.
     *
     * @param version the policy version the state published last
     * @param usersDone users {@code 0 .. usersDone - 1} are all learned (a resumed run starts at {@code usersDone})
     * @param learned transitions learned by the run so far
     */
    void save(AgentState state, long version, long usersDone, long learned) throws java.io.IOException;
  }

  /**
   * Where a resumed run starts.
   *
   * @param state the learner's state
   * @param version its policy version
   * @param firstUser the first user to run
   */
  public record Resume(AgentState state, long version, long firstUser) {
    public Resume {
      Objects.requireNonNull(state, "state");
      if (version < 0 || firstUser < 0) {
        throw new IllegalArgumentException("resume needs version and first user >= 0");
      }
    }
  }
}

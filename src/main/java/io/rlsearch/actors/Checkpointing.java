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
     * @param learnedBeyond episodes learned past {@code usersDone} (throughput mode learns out of order):
     *     a resumed run runs them again but does not learn them twice
     */
    void save(AgentState state, long version, long usersDone, long learned, long[] learnedBeyond)
        throws java.io.IOException;
  }

  /**
   * Where a resumed run starts.
   *
   * @param state the learner's state
   * @param version its policy version
   * @param firstUser the first user to run
   * @param learnedBeyond episodes past {@code firstUser}'s first already learned (not learned again)
   */
  public record Resume(AgentState state, long version, long firstUser, long[] learnedBeyond) {
    /** A resume with nothing learned past its first user. */
    public Resume(AgentState state, long version, long firstUser) {
      this(state, version, firstUser, new long[0]);
    }

    public Resume {
      Objects.requireNonNull(state, "state");
      learnedBeyond = learnedBeyond.clone();
      if (version < 0 || firstUser < 0) {
        throw new IllegalArgumentException("resume needs version and first user >= 0");
      }
    }
  }
}

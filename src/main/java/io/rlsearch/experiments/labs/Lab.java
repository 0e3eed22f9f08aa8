package io.rlsearch.experiments.labs;

import io.rlsearch.sim.SimSettings;

/**
 * One of the book's labs: its protocol, seeds and settings, run on our world, with its figures set
 * beside the ones the book records.
 *
 * <p>A lab is pure and deterministic: everything it draws comes from seeded numpy-compatible streams
 * named by its protocol, and running it twice gives the same report.
 */
public interface Lab {
  /** The lab's name on the command line (e.g. {@code ch11-value-stability}). */
  String name();

  /** The book's chapter and lab (e.g. "11 (Lab 11.3)"). */
  String chapter();

  /** What the lab shows, in one sentence. */
  String shows();

  /**
   * Runs the lab.
   *
   * @param settings the world's default settings (labs that use the search world start from these)
   * @return the report
   */
  LabReport run(SimSettings settings);

  /** Whether the lab trains neural agents (then it runs through {@link #run(SimSettings, LabLearners)}). */
  default boolean needsLearners() {
    return false;
  }

  /** Runs the lab with neural agents built by {@code learners} (labs without any ignore them). */
  default LabReport run(SimSettings settings, LabLearners learners) {
    return run(settings);
  }
}

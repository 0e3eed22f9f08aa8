package io.rlsearch.eval.drift;

/** A sequential change detector: feed it one observation at a time; it says when the stream has shifted. */
public interface DriftDetector {
  /** Which form of the detector. */
  enum Form {
    /**
     * The textbook form (the book's ALG-10.1/10.2): the baseline mean and spread are those of the
     * samples before the current one, and an alarm restarts the cumulative sums (the baseline keeps
     * its samples, so a shift that persists raises alarms again).
     */
    TEXTBOOK,
    /** The reference's code: the mean includes the current sample and nothing resets after an alarm. */
    REFERENCE
  }

  /** Adds {@code x}; true if the detector signals a change at this sample. */
  boolean update(double x);

  /** Forgets everything (samples, sums), as at construction. */
  void reset();

  /** Samples seen since the last reset. */
  long samples();
}

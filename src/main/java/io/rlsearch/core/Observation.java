package io.rlsearch.core;

import java.util.Arrays;

/**
 * What an agent sees before it acts: a context vector and, for slate environments, a block of
 * per-candidate features.
 *
 * @param features the context (the whole observation of vector environments), float32
 * @param candidates per-candidate features, row-major {@code nCandidates x candidateDim}; empty for vector envs
 * @param nCandidates number of candidate rows
 * @param candidateDim features per candidate
 */
public record Observation(float[] features, float[] candidates, int nCandidates, int candidateDim) {
  /** The observation of a finished single-step episode (the reference returns None). */
  public static final Observation EMPTY = new Observation(new float[0], new float[0], 0, 0);

  public Observation {
    if (candidates.length != nCandidates * candidateDim) {
      throw new IllegalArgumentException("candidates must hold " + nCandidates + " x " + candidateDim
          + " values, got " + candidates.length);
    }
    features = features.clone();
    candidates = candidates.clone();
  }

  /** A plain vector observation. */
  public static Observation vector(float[] features) {
    return new Observation(features, new float[0], 0, 0);
  }

  @Override
  public float[] features() {
    return features.clone();
  }

  @Override
  public float[] candidates() {
    return candidates.clone();
  }

  /** Context dimension. */
  public int dim() {
    return features.length;
  }

  /** Feature {@code i} of the context. */
  public float feature(int i) {
    return features[i];
  }

  /** Feature {@code d} of candidate {@code c}. */
  public float candidate(int c, int d) {
    return candidates[c * candidateDim + d];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Observation x && x.nCandidates == nCandidates && x.candidateDim == candidateDim
        && Arrays.equals(x.features, features) && Arrays.equals(x.candidates, candidates);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(features) + Arrays.hashCode(candidates);
  }

  @Override
  public String toString() {
    return "Observation[features=" + Arrays.toString(features)
        + (nCandidates > 0 ? ", candidates=" + nCandidates + "x" + candidateDim : "") + "]";
  }
}

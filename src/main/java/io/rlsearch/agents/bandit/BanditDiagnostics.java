package io.rlsearch.agents.bandit;

/**
 * What a linear bandit reports about itself (the reference's {@code get_diagnostics}).
 *
 * @param selections how often each arm was selected
 * @param frequencies selections as shares of all selections (0 before the first)
 * @param thetaNorms {@code |theta_a|} per arm
 * @param traceInverse {@code trace(A_a^-1)} per arm (the posterior's total variance; shrinks with data)
 * @param alpha LinUCB's current width (NaN for Thompson sampling)
 */
public record BanditDiagnostics(long[] selections, double[] frequencies, double[] thetaNorms, double[] traceInverse,
    double alpha) {
  public BanditDiagnostics {
    selections = selections.clone();
    frequencies = frequencies.clone();
    thetaNorms = thetaNorms.clone();
    traceInverse = traceInverse.clone();
  }

  @Override
  public long[] selections() {
    return selections.clone();
  }

  @Override
  public double[] frequencies() {
    return frequencies.clone();
  }

  @Override
  public double[] thetaNorms() {
    return thetaNorms.clone();
  }

  @Override
  public double[] traceInverse() {
    return traceInverse.clone();
  }

  static BanditDiagnostics of(RidgeArm[] arms, long[] counts, double alpha) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double[] freq = new double[arms.length];
    double[] norms = new double[arms.length];
    double[] traces = new double[arms.length];
    for (int a = 0; a < arms.length; a++) {
      freq[a] = total == 0 ? 0 : (double) counts[a] / total;
      double s = 0;
      for (double v : arms[a].theta()) {
        s += v * v;
      }
      norms[a] = Math.sqrt(s);
      traces[a] = arms[a].traceOfInverse();
    }
    return new BanditDiagnostics(counts, freq, norms, traces, alpha);
  }
}

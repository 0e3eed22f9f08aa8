package io.rlsearch.eval.drift;

/**
 * Two-sided CUSUM (Page, 1954) on standardised deviations from a running baseline:
 * {@code S+ = max(0, S+ + x - mu - k)}, {@code S- = min(0, S- + x - mu + k)} with slack
 * {@code k = delta sd} and an alarm when either sum passes {@code lambda sd} (sd = 0 falls back to
 * the raw delta and lambda). Nothing is accumulated during the first {@code minInstances} samples.
 * See {@link DriftDetector.Form} for the two forms.
 */
public final class Cusum implements DriftDetector {
  /**
   * Settings (reference defaults: delta 0.005, lambda 50, min 30).
   *
   * @param delta slack in standard deviations
   * @param lambda alarm threshold in standard deviations
   * @param minInstances warm-up samples
   * @param form textbook or reference behaviour
   */
  public record Settings(double delta, double lambda, int minInstances, Form form) {
    public Settings {
      if (!(delta >= 0) || !(lambda > 0) || minInstances < 1 || form == null) {
        throw new IllegalArgumentException("CUSUM needs delta >= 0, lambda > 0, min_instances >= 1 and a form; got "
            + delta + ", " + lambda + ", " + minInstances + ", " + form);
      }
    }
  }

  private final Settings s;
  private long n;
  private double mean;
  private double m2;
  private double sPlus;
  private double sMinus;

  /** A fresh detector. */
  public Cusum(Settings settings) {
    this.s = settings;
  }

  @Override
  public boolean update(double x) {
    if (s.form() == Form.REFERENCE) {
      n++;
      double d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
      if (n < s.minInstances()) {
        return false;
      }
      return step(x, std());
    }
    // Textbook: test x against the baseline of the samples before it, then absorb it.
    boolean alarm = false;
    if (n >= s.minInstances()) {
      alarm = step(x, std());
    }
    if (alarm) {
      // The sums restart; the baseline keeps the samples (a persisting shift alarms again).
      sPlus = 0;
      sMinus = 0;
    }
    n++;
    double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
    return alarm;
  }

  private boolean step(double x, double std) {
    double m = std > 1e-9 ? s.delta() * std : s.delta();
    sPlus = Math.max(0, sPlus + x - mean - m);
    sMinus = Math.min(0, sMinus + x - mean + m);
    double thr = std > 1e-9 ? s.lambda() * std : s.lambda();
    return sPlus > thr || sMinus < -thr;
  }

  private double std() {
    return n >= 2 ? Math.sqrt(m2 / (n - 1)) : 0.0;
  }

  @Override
  public void reset() {
    n = 0;
    mean = 0;
    m2 = 0;
    sPlus = 0;
    sMinus = 0;
  }

  @Override
  public long samples() {
    return n;
  }
}

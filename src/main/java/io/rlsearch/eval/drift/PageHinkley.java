package io.rlsearch.eval.drift;

/**
 * Page-Hinkley test for an increase of the mean (Page, 1954; Hinkley, 1971):
 * {@code m_t = sum (x_i - mean - delta)}, {@code M_t = min m_t}, alarm when {@code m_t - M_t > threshold}
 * after {@code minInstances} samples. To detect a drop of a reward, feed it {@code -reward}.
 * See {@link DriftDetector.Form} for the two forms.
 */
public final class PageHinkley implements DriftDetector {
  /**
   * Settings (reference defaults: delta 0.005, threshold 50, min 30).
   *
   * @param delta tolerated drift per sample
   * @param threshold alarm threshold
   * @param minInstances warm-up samples
   * @param form textbook or reference behaviour
   */
  public record Settings(double delta, double threshold, int minInstances, Form form) {
    public Settings {
      if (!(delta >= 0) || !(threshold > 0) || minInstances < 1 || form == null) {
        throw new IllegalArgumentException("Page-Hinkley needs delta >= 0, threshold > 0, min_instances >= 1 and a"
            + " form; got " + delta + ", " + threshold + ", " + minInstances + ", " + form);
      }
    }
  }

  private final Settings s;
  private long n;
  private double mean;
  private double cum;
  private double minCum;

  /** A fresh detector. */
  public PageHinkley(Settings settings) {
    this.s = settings;
  }

  @Override
  public boolean update(double x) {
    if (s.form() == Form.REFERENCE) {
      n++;
      mean += (x - mean) / n;
      cum += x - mean - s.delta();
      minCum = Math.min(minCum, cum);
      if (n < s.minInstances()) {
        return false;
      }
      return cum - minCum > s.threshold();
    }
    // Textbook: the baseline is the mean of the samples before x; sums start after the warm-up.
    if (n >= s.minInstances()) {
      cum += x - mean - s.delta();
      minCum = Math.min(minCum, cum);
      if (cum - minCum > s.threshold()) {
        // The sums restart; the baseline keeps the samples (a persisting shift alarms again).
        cum = 0;
        minCum = 0;
        n++;
        mean += (x - mean) / n;
        return true;
      }
    }
    n++;
    mean += (x - mean) / n;
    return false;
  }

  /** The running state {@code {samples, mean, cumulative sum, its minimum}}, for checkpoints. */
  public double[] state() {
    return new double[] {n, mean, cum, minCum};
  }

  /** Continues from a {@link #state()} of a detector with the same settings. */
  public void restore(double[] state) {
    if (state.length != 4 || !(state[0] >= 0) || state[0] != Math.rint(state[0])) {
      throw new IllegalArgumentException("a Page-Hinkley state is {samples >= 0, mean, sum, minimum}, got "
          + java.util.Arrays.toString(state));
    }
    n = (long) state[0];
    mean = state[1];
    cum = state[2];
    minCum = state[3];
  }

  @Override
  public void reset() {
    n = 0;
    mean = 0;
    cum = 0;
    minCum = 0;
  }

  @Override
  public long samples() {
    return n;
  }
}

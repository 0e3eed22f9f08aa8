package io.rlsearch.eval.drift;

/**
 * A one-sided CUSUM on standardised batch means, its threshold chosen from a false-alarm budget.
 *
 * <p>The stream is cut into batches of {@code batch} samples. The in-control mean {@code mu0} and the
 * samples' standard deviation {@code sd} are those of every sample before the current batch (the first
 * {@code warmupBatches} batches only build them); each batch after gives
 * {@code z = (mean_b - mu0) / (sd / sqrt(batch))}, near-normal whatever the samples' law (batch means
 * tame heavy tails), and {@code S = max(0, S + z - k)} alarms when {@code S > h} (then {@code S}
 * restarts). It detects an increase: feed it {@code -reward} to detect a drop.
 *
 * <p>{@code h} is the smallest threshold whose in-control average run length (ARL0: samples to a false
 * alarm) reaches the budget, by Siegmund's approximation for a normal CUSUM (Siegmund, 1985):
 * {@code ARL0(h) = (exp(2 k b) - 2 k b - 1) / (2 k^2)} batches with {@code b = h + 1.166}. The budget is
 * in samples; {@code CalibratedCusumTest} checks the realised ARL0 by simulation.
 */
public final class CalibratedCusum implements DriftDetector {
  /**
   * Settings.
   *
   * @param batch samples per batch mean
   * @param warmupBatches batches estimating the in-control mean and spread
   * @param k the reference value (half the shift to detect), in standard errors of a batch mean
   * @param arl0 the false-alarm budget: average samples between false alarms on an unchanged stream
   */
  public record Settings(int batch, int warmupBatches, double k, double arl0) {
    public Settings {
      if (batch < 1 || warmupBatches < 2 || !(k > 0) || !(arl0 >= batch)) {
        throw new IllegalArgumentException("calibrated CUSUM needs batch >= 1, warm-up >= 2 batches, k > 0 and an"
            + " ARL0 of at least one batch; got " + batch + ", " + warmupBatches + ", " + k + ", " + arl0);
      }
    }
  }

  private final Settings s;
  private final double h;
  private long n;
  private double batchMeanRun;
  private double batchM2;
  private int inBatch;
  private long batches;
  private double mean0;
  private double m2;
  private long warm;
  private double cusum;

  /** A fresh detector. */
  public CalibratedCusum(Settings settings) {
    this.s = settings;
    this.h = threshold(settings.k(), settings.arl0() / settings.batch());
  }

  /** Siegmund's in-control ARL (in batches) of a normal one-sided CUSUM with reference k and threshold h. */
  public static double arl0(double k, double h) {
    double b = 2 * k * (h + 1.166);
    return (Math.exp(b) - b - 1) / (2 * k * k);
  }

  /** The threshold whose ARL0 (in batches) is {@code batches}, by bisection on {@link #arl0}. */
  public static double threshold(double k, double batches) {
    double lo = 0;
    double hi = 1;
    while (arl0(k, hi) < batches) {
      hi *= 2;
    }
    for (int i = 0; i < 100; i++) {
      double mid = (lo + hi) / 2;
      if (arl0(k, mid) < batches) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  /** The threshold in use. */
  public double threshold() {
    return h;
  }

  @Override
  public boolean update(double x) {
    n++;
    // The batch's own moments (Welford), merged into the baseline once the batch is judged.
    inBatch++;
    double d = x - batchMeanRun;
    batchMeanRun += d / inBatch;
    batchM2 += d * (x - batchMeanRun);
    if (inBatch < s.batch()) {
      return false;
    }
    boolean alarm = false;
    if (batches >= s.warmupBatches() && warm > 1) {
      // Judged against the baseline of every sample before this batch: its error shrinks as the stream
      // goes on (a fixed short warm-up would leave a bias of sqrt(batch / warm-up) standard errors).
      double sd = Math.sqrt(m2 / (warm - 1));
      if (sd > 0) {
        double z = (batchMeanRun - mean0) / (sd / Math.sqrt(s.batch()));
        cusum = Math.max(0, cusum + z - s.k());
        if (cusum > h) {
          cusum = 0;
          alarm = true;
        }
      }
    }
    // Chan's merge of the batch into the baseline.
    long total = warm + inBatch;
    double delta = batchMeanRun - mean0;
    mean0 += delta * inBatch / total;
    m2 += batchM2 + delta * delta * warm * inBatch / total;
    warm = total;
    batches++;
    inBatch = 0;
    batchMeanRun = 0;
    batchM2 = 0;
    return alarm;
  }

  @Override
  public void reset() {
    n = 0;
    batchMeanRun = 0;
    batchM2 = 0;
    inBatch = 0;
    batches = 0;
    mean0 = 0;
    m2 = 0;
    warm = 0;
    cusum = 0;
  }

  @Override
  public long samples() {
    return n;
  }
}

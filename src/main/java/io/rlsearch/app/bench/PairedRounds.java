package io.rlsearch.app.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Rates of a baseline and of several set-ups measured in rounds, each set-up's ratio taken to the
 * baseline of its own round: a machine whose speed drifts for seconds at a time moves a round's runs
 * together, so a ratio within a round is steadier than a ratio of two medians. Plain data, no clock:
 * the caller times the runs and records them here.
 */
public final class PairedRounds {
  private final int setups;
  private final List<Double> baseline = new ArrayList<>();
  private final List<double[]> rates = new ArrayList<>();

  /** Rounds of one baseline run and {@code setups} set-up runs each. */
  public PairedRounds(int setups) {
    if (setups < 1) {
      throw new IllegalArgumentException("setups must be >= 1, got " + setups);
    }
    this.setups = setups;
  }

  /** Records one round: the baseline's rate and each set-up's, in set-up order; every rate above 0. */
  public void add(double baselineRate, double[] setupRates) {
    if (setupRates.length != setups) {
      throw new IllegalArgumentException("a round has " + setups + " set-up rates, got " + setupRates.length);
    }
    if (!(baselineRate > 0) || Double.isInfinite(baselineRate)) {
      throw new IllegalArgumentException("baseline rate must be finite and > 0, got " + baselineRate);
    }
    for (double r : setupRates) {
      if (!(r > 0) || Double.isInfinite(r)) {
        throw new IllegalArgumentException("set-up rates must be finite and > 0, got " + r);
      }
    }
    baseline.add(baselineRate);
    rates.add(setupRates.clone());
  }

  /** Rounds recorded. */
  public int rounds() {
    return baseline.size();
  }

  /** The baseline's rate in each round. */
  public double[] baselineRates() {
    return baseline.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Set-up {@code s}'s rate in each round. */
  public double[] rates(int s) {
    return rates.stream().mapToDouble(r -> r[s]).toArray();
  }

  /** Set-up {@code s}'s ratio to its round's baseline, in each round. */
  public double[] ratios(int s) {
    double[] out = new double[rounds()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rates.get(i)[s] / baseline.get(i);
    }
    return out;
  }
}

package io.rlsearch.agents.bandit;

/** A "bandit" that always plays one arm and learns nothing: the safe fallback of a guardrail. */
public final class FixedArmBandit implements ContextualBandit {
  private final int arms;
  private final int dim;
  private final int arm;
  private final long[] counts;

  /** Always {@code arm} of {@code arms}, for {@code dim}-dimensional contexts. */
  public FixedArmBandit(int arms, int dim, int arm) {
    if (arm < 0 || arm >= arms) {
      throw new IllegalArgumentException("arm must be in 0.." + (arms - 1) + ", got " + arm);
    }
    this.arms = arms;
    this.dim = dim;
    this.arm = arm;
    this.counts = new long[arms];
  }

  @Override
  public int arms() {
    return arms;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int select(double[] x) {
    counts[arm]++;
    return arm;
  }

  @Override
  public void update(int a, double[] x, double reward) {
    // Learns nothing by design.
  }

  @Override
  public double[] meanScores(double[] x) {
    double[] s = new double[arms];
    s[arm] = 1;
    return s;
  }

  @Override
  public BanditDiagnostics diagnostics() {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double[] f = new double[arms];
    for (int a = 0; a < arms; a++) {
      f[a] = total == 0 ? 0 : (double) counts[a] / total;
    }
    return new BanditDiagnostics(counts, f, new double[arms], new double[arms], Double.NaN);
  }
}

package io.rlsearch.sim;

import java.util.Arrays;

/**
 * What a user did with a ranked list: clicks and purchases per position, and final satisfaction.
 *
 * @param clicks 1 where the item at that position was clicked (length min(top_k, list length))
 * @param buys 1 where it was bought
 * @param satisfaction final engagement state H (may be negative; feeds retention)
 */
public record SessionOutcome(int[] clicks, int[] buys, double satisfaction) {
  public SessionOutcome {
    clicks = clicks.clone();
    buys = buys.clone();
  }

  @Override
  public int[] clicks() {
    return clicks.clone();
  }

  @Override
  public int[] buys() {
    return buys.clone();
  }

  /** Total clicks. */
  public int totalClicks() {
    int s = 0;
    for (int c : clicks) {
      s += c;
    }
    return s;
  }

  /** Total purchases. */
  public int totalBuys() {
    int s = 0;
    for (int b : buys) {
      s += b;
    }
    return s;
  }

  /** Positions covered (min(top_k, list length)). */
  public int length() {
    return clicks.length;
  }

  int click(int j) {
    return clicks[j];
  }

  int buy(int j) {
    return buys[j];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionOutcome s && Arrays.equals(s.clicks, clicks) && Arrays.equals(s.buys, buys)
        && Double.compare(s.satisfaction, satisfaction) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(clicks) + Arrays.hashCode(buys);
  }

  @Override
  public String toString() {
    return "SessionOutcome[clicks=" + Arrays.toString(clicks) + ", buys=" + Arrays.toString(buys)
        + ", satisfaction=" + satisfaction + "]";
  }
}

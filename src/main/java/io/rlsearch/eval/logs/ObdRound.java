package io.rlsearch.eval.logs;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * One row of an Open Bandit Dataset file: one item shown at one position of ZOZOTOWN's three-item
 * recommendation widget, with the behavior policy's probability of that choice and whether it was
 * clicked. OBP's {@code obtain_batch_bandit_feedback} builds its arrays from the same columns.
 *
 * @param line the line of the CSV file the row was read from (the header is line 1)
 * @param timestamp the impression's time ({@code timestamp})
 * @param action the item shown, its index in {@code item_context.csv} ({@code item_id}; OBP's
 *     {@code action})
 * @param position the slot, 0-based: 0, 1, 2 for left, center, right ({@code position} 1..3 minus
 *     one; OBP's {@code position}, which is the dense rank minus one and so the same when all three
 *     slots occur)
 * @param reward 1 if the item was clicked, else 0 ({@code click}; OBP's {@code reward})
 * @param pscore the behavior policy's probability of showing this item at this position
 *     ({@code propensity_score}; OBP's {@code pscore}), in (0, 1]
 * @param userFeatures the four hashed user features ({@code user_feature_0..3}) as written; OBP's
 *     {@code context} is their one-hot encoding, see {@link ObdDataset#context()}
 * @param affinity the user-item affinities ({@code user-item_affinity_0..}), one per item, derived
 *     from the user's past clicks on it; not part of OBP's default {@code context}
 */
public record ObdRound(long line, Instant timestamp, int action, int position, int reward, double pscore,
    List<String> userFeatures, double[] affinity) {
  public ObdRound {
    userFeatures = List.copyOf(userFeatures);
    affinity = affinity.clone();
  }

  /** A copy of the affinities: the record stays immutable. */
  @Override
  public double[] affinity() {
    return affinity.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObdRound r && line == r.line && timestamp.equals(r.timestamp) && action == r.action
        && position == r.position && reward == r.reward && Double.compare(pscore, r.pscore) == 0
        && userFeatures.equals(r.userFeatures) && Arrays.equals(affinity, r.affinity);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Objects.hash(line, timestamp, action, position, reward, pscore, userFeatures)
        + Arrays.hashCode(affinity);
  }

  @Override
  public String toString() {
    return "ObdRound[line=" + line + ", timestamp=" + timestamp + ", action=" + action + ", position=" + position
        + ", reward=" + reward + ", pscore=" + pscore + ", userFeatures=" + userFeatures + ", affinity="
        + Arrays.toString(affinity) + "]";
  }
}

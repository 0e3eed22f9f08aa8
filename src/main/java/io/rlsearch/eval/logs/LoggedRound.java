package io.rlsearch.eval.logs;

import java.util.Arrays;

/**
 * One shown item of a team's own log ({@link TeamLog}): what was shown where, with what probability,
 * and what came of it. A ranking is several of these with the same {@code round}, one per position.
 *
 * @param line the line of the file the row was read from (CSV: the header is line 1)
 * @param round the round's id as written (an impression, a request); may repeat across positions
 * @param action the item's index in {@link TeamLog#actionIds()}
 * @param position the slot, 0-based (the file's {@code position} minus one)
 * @param reward the outcome: a click (0/1) or any finite number
 * @param pscore the logging policy's probability of showing this item at this position, in (0, 1]
 * @param context the context features, in the order of {@link TeamLog#contextNames()}
 */
public record LoggedRound(long line, String round, int action, int position, double reward, double pscore,
    double[] context) {
  public LoggedRound {
    context = context.clone();
  }

  /** A copy of the context: the record stays immutable. */
  @Override
  public double[] context() {
    return context.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoggedRound r && line == r.line && round.equals(r.round) && action == r.action
        && position == r.position && Double.compare(reward, r.reward) == 0 && Double.compare(pscore, r.pscore) == 0
        && Arrays.equals(context, r.context);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Objects.hash(line, round, action, position, reward, pscore) + Arrays.hashCode(context);
  }

  @Override
  public String toString() {
    return "LoggedRound[line=" + line + ", round=" + round + ", action=" + action + ", position=" + position
        + ", reward=" + reward + ", pscore=" + pscore + ", context=" + Arrays.toString(context) + "]";
  }
}

package io.rlsearch.serving;

import io.rlsearch.eval.ope.LoggedDecision;
import java.util.Objects;

/**
 * A served decision joined to its feedback: the reward the schema gives it, and the complete logged
 * decision (context, action, propensity, reward, outcome) that off-policy evaluation and offline
 * learning read.
 *
 * @param decision the served decision
 * @param feedback its feedback
 * @param reward the reward
 */
public record Joined(PendingDecision decision, Feedback feedback, double reward) {
  public Joined {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(feedback, "feedback");
    if (!Double.isFinite(reward)) {
      throw new IllegalArgumentException("a joined reward is finite, got " + reward);
    }
  }

  /**
   * The decision as the decision log writes it: episode {@code episode} (the log's running number),
   * one step, with the reward and outcome (GMV, CM2, strategic purchases, clicks, orders), what its
   * propensity is of, and a slate policy's candidates and ranking (in place of its score vector: the
   * action of a slate decision is left empty).
   */
  public LoggedDecision logged(long episode) {
    var d = decision.decision();
    long strategic = feedback.purchases().stream().filter(Feedback.Purchase::strategic).count();
    return new LoggedDecision(decision.policy(), decision.version(), episode, 0, decision.policyInput(),
        d.continuous() ? -1 : d.arm(), d.continuous() && decision.slate().isEmpty() ? d.action() : null,
        d.propensity(), null, reward, true,
        new LoggedDecision.Outcome(feedback.gmv(), feedback.cm2(), strategic, feedback.clicks().size(),
            feedback.purchases().size()), decision.propensityOf(), decision.slate().orElse(null));
  }
}

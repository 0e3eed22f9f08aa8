package io.rlsearch.serving;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A served decision waiting for its feedback: what the feedback join needs to score it, to tell the
 * guardrails which version it was and to write it to the decision log as a complete logged decision.
 *
 * @param decisionId the id returned to the caller
 * @param requestId the caller's request id, if it gave one
 * @param policy the serving version's name
 * @param version the serving version's number
 * @param returned the returned candidate ids, best first
 * @param policyInput the context features the policy read, in its order
 * @param decision the policy's decision (arm or weights) and its propensity
 * @param propensityOf what the propensity is of ({@link Ranked#propensityOf})
 * @param explored whether exploration changed the choice
 * @param slate a slate policy's candidates and ranking ({@link Ranked#slate}), kept until the feedback
 *     joins; empty for any other policy
 */
public record PendingDecision(String decisionId, Optional<String> requestId, String policy, long version,
    List<String> returned, double[] policyInput, Decision decision, String propensityOf, boolean explored,
    Optional<LoggedDecision.Slate> slate) {
  /** A decision without a slate (a boost-weight policy's). */
  public PendingDecision(String decisionId, Optional<String> requestId, String policy, long version,
      List<String> returned, double[] policyInput, Decision decision, String propensityOf, boolean explored) {
    this(decisionId, requestId, policy, version, returned, policyInput, decision, propensityOf, explored,
        Optional.empty());
  }

  public PendingDecision {
    Objects.requireNonNull(slate, "slate");
    Objects.requireNonNull(decisionId, "decisionId");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(propensityOf, "propensityOf");
    returned = List.copyOf(returned);
    policyInput = policyInput.clone();
  }

  @Override
  public double[] policyInput() {
    return policyInput.clone();
  }
}

package io.rlsearch.serving;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.Objects;
import java.util.Optional;

/**
 * A ranking of a request's candidates by a policy.
 *
 * @param order the returned candidates' indices into the request, best first (at most k)
 * @param scores the final score of each returned candidate, in {@code order}'s order
 * @param explored whether exploration changed the choice (the policy without exploration would have
 *     done otherwise)
 * @param propensity the probability, or density, the policy gave to what it did
 * @param propensityOf what the propensity is of: {@code arm} (a template or arm's probability),
 *     {@code weights} (a boost-weight vector's density), {@code ranking} (the returned ranking's
 *     probability under a stochastic slate policy), {@code exploration} (the probability of the
 *     branch an epsilon-exploring slate policy took: {@code 1 - epsilon} to rank by its scores,
 *     {@code epsilon} to perturb them; not the ranking's probability, which has no closed form) or
 *     {@code deterministic} (1: the policy does not explore)
 * @param decision the policy's decision, as the decision log keeps it
 * @param policyInput what the policy read (its context features, in its order), as the log keeps it
 * @param slate for a policy that scores every candidate (a slate policy): the candidates as the request
 *     gave them and this ranking, as the log keeps them; empty for any other
 */
public record Ranked(int[] order, double[] scores, boolean explored, double propensity, String propensityOf,
    Decision decision, double[] policyInput, Optional<LoggedDecision.Slate> slate) {
  /** A ranking without a slate (a boost-weight policy's). */
  public Ranked(int[] order, double[] scores, boolean explored, double propensity, String propensityOf,
      Decision decision, double[] policyInput) {
    this(order, scores, explored, propensity, propensityOf, decision, policyInput, Optional.empty());
  }

  public Ranked {
    Objects.requireNonNull(slate, "slate");
    order = order.clone();
    scores = scores.clone();
    policyInput = policyInput.clone();
    Objects.requireNonNull(propensityOf, "propensityOf");
    Objects.requireNonNull(decision, "decision");
    if (order.length != scores.length || order.length == 0) {
      throw new IllegalArgumentException("a ranking has one score per returned candidate, at least one");
    }
    if (!(propensity > 0) || !Double.isFinite(propensity)) {
      throw new IllegalArgumentException("a propensity is finite and > 0, got " + propensity);
    }
  }

  @Override
  public int[] order() {
    return order.clone();
  }

  @Override
  public double[] scores() {
    return scores.clone();
  }

  @Override
  public double[] policyInput() {
    return policyInput.clone();
  }
}

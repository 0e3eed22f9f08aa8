package io.rlsearch.serving;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.opl.LinearPolicy;
import java.util.Objects;

/**
 * A policy learned from logs ({@link LinearPolicy}, the {@code learn} command's file) as a snapshot
 * that serves: for the context {@code x} in the policy's feature order, the arm with the highest score
 * at position 0, with probability 1 (it does not explore). Bound with the template task's form, the
 * arm is a template and ranks as its boost vector.
 *
 * @param policy the learned policy
 * @param agent the name it serves under (its learner, {@code learned:dr} or {@code learned:ipw})
 */
public record LinearGreedySnapshot(LinearPolicy policy, String agent) implements PolicySnapshot {
  public LinearGreedySnapshot {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(agent, "agent");
  }

  @Override
  public long version() {
    return 0;
  }

  @Override
  public Decision act(double[] x, NumpyRandom rng) {
    return Decision.arm(policy.greedy(x, 0), 1.0);
  }
}

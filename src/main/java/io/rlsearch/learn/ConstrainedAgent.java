package io.rlsearch.learn;

import io.rlsearch.agents.constrained.Constraint;
import io.rlsearch.agents.constrained.LagrangeDuals;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The primal-dual constrained agent (CMDP) on REINFORCE with a learned baseline: every
 * session's reward is shaped by the Lagrangian terms of the constraints ({@link LagrangeDuals}) before
 * the policy learns from it, and every {@code dualEvery} sessions the multipliers take a dual-ascent
 * step on the window's mean of each constraint's value (CM2, rank change against the base ranking,
 * private-label exposure share, read from the transition by metric key; for a chance constraint, the
 * share of sessions below its level).
 *
 * <p>With {@code externalDual} the multipliers move only through {@link Rule#dualStep}, fed by whoever
 * runs the agent with the values its deployed policy (the mean action, no exploration) reaches on
 * evaluation sessions: the exploring sessions the policy learns from violate a chance constraint
 * whatever the mean action does, so a dual stepped on them climbs to its cap and the deployed policy
 * overshoots the constraint by far.
 */
public final class ConstrainedAgent {
  private ConstrainedAgent() {}

  /**
   * Settings.
   *
   * @param constraints the constraints
   * @param lambdaInit initial multipliers
   * @param lambdaLr the dual step
   * @param lambdaMax the multipliers' cap
   * @param dualEvery sessions per dual step
   * @param policy the REINFORCE settings (with a learned baseline)
   * @param externalDual whether the multipliers move only through {@link Rule#dualStep}
   * @param normalized whether the shaped reward is divided by {@code 1 + sum lambda w}
   *     ({@link LagrangeDuals#shapeNormalized}; the reference does not)
   */
  public record Settings(List<Constraint> constraints, double lambdaInit, double lambdaLr, double lambdaMax,
      int dualEvery, NeuralAgents.ReinforceSettings policy, boolean externalDual, boolean normalized) {
    /** Settings whose multipliers step on the sessions the agent learns from. */
    public Settings(List<Constraint> constraints, double lambdaInit, double lambdaLr, double lambdaMax, int dualEvery,
        NeuralAgents.ReinforceSettings policy) {
      this(constraints, lambdaInit, lambdaLr, lambdaMax, dualEvery, policy, false, false);
    }

    public Settings {
      constraints = List.copyOf(constraints);
      if (dualEvery < 1) {
        throw new IllegalArgumentException("dual step interval must be >= 1, got " + dualEvery);
      }
    }
  }

  /** The constrained agent ("cmdp"). */
  public static AgentBuilder builder(SharedLearner learner, Settings s) {
    AgentBuilder base = NeuralAgents.reinforce(learner, s.policy());
    return new AgentBuilder() {
      @Override
      public String name() {
        return "cmdp";
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        return new Rule(base.create(arms, dim), s);
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        GaussianPolicySnapshot g = (GaussianPolicySnapshot) snapshot;
        return new Rule(base.restore(new GaussianPolicySnapshot(base.name(), g.version(), g.mu(), g.logStd())), s);
      }

      @Override
      public UpdateRule restoreState(AgentState state) {
        NeuralAgents.checkAgent(state, "cmdp");
        Map<String, double[]> arrays = new HashMap<>(state.arrays());
        double[] lambdas = arrays.remove("lambda");
        Rule r = new Rule(base.restoreState(new AgentState(base.name(), arrays, state.counters())), s);
        r.duals.load(lambdas);
        return r;
      }
    };
  }

  /** The constrained agent's update rule. */
  public static final class Rule implements UpdateRule {
    private final UpdateRule base;
    private final LagrangeDuals duals;
    private final int dualEvery;
    private final boolean externalDual;
    private final boolean normalized;
    private final List<Constraint> constraints;
    private final double[] sums;
    private final int[] counts;
    private int inWindow;

    Rule(UpdateRule base, Settings s) {
      this.base = base;
      this.duals = new LagrangeDuals(s.constraints(), s.lambdaInit(), s.lambdaLr(), s.lambdaMax());
      this.dualEvery = s.dualEvery();
      this.externalDual = s.externalDual();
      this.normalized = s.normalized();
      this.constraints = s.constraints();
      this.sums = new double[constraints.size()];
      this.counts = new int[constraints.size()];
    }

    /**
     * One dual-ascent step on values measured elsewhere (by constraint name: the mean metric, or for
     * a chance constraint the share of violating sessions), e.g. on evaluation sessions of the
     * deployed policy.
     */
    public void dualStep(Map<String, Double> valuesByConstraint) {
      duals.updateByConstraint(valuesByConstraint);
    }

    /** The current multipliers, in constraint order. */
    public double[] lambdas() {
      return duals.lambdas();
    }

    private static Map<String, Double> metrics(Transition t) {
      Map<String, Double> m = new HashMap<>();
      m.put("cm2", t.breakdown().cm2());
      m.put("rank_change", t.rankChange());
      m.put("exposure_pl", t.exposurePl());
      return m;
    }

    @Override
    public void observe(double[] context, Decision decision, double reward) {
      throw new IllegalArgumentException("the constrained agent needs whole transitions (its constraint metrics)");
    }

    @Override
    public void observe(Transition t) {
      Map<String, Double> m = metrics(t);
      double shaped = normalized ? duals.shapeNormalized(t.reward(), m) : duals.shape(t.reward(), m);
      base.observe(t.context(), Decision.of(t), shaped);
      if (externalDual) {
        return;
      }
      for (int i = 0; i < constraints.size(); i++) {
        Double v = m.get(constraints.get(i).metric());
        if (v != null && Double.isFinite(v)) {
          sums[i] += constraints.get(i).value(v);
          counts[i]++;
        }
      }
      if (++inWindow == dualEvery) {
        Map<String, Double> mean = new HashMap<>();
        for (int i = 0; i < sums.length; i++) {
          if (counts[i] > 0) {
            mean.put(constraints.get(i).name(), sums[i] / counts[i]);
          }
          sums[i] = 0;
          counts[i] = 0;
        }
        duals.updateByConstraint(mean);
        inWindow = 0;
      }
    }

    @Override
    public PolicySnapshot snapshot(long version) {
      GaussianPolicySnapshot g = (GaussianPolicySnapshot) base.snapshot(version);
      return new GaussianPolicySnapshot("cmdp", version, g.mu(), g.logStd());
    }

    @Override
    public boolean learns() {
      return true;
    }

    @Override
    public Optional<AgentState> state() {
      return base.state().map(st -> {
        Map<String, double[]> a = new HashMap<>(st.arrays());
        a.put("lambda", duals.lambdas());
        return new AgentState("cmdp", a, st.counters());
      });
    }

    @Override
    public void close() {
      base.close();
    }
  }
}

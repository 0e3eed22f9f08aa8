package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.pg.Advantages;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PPO's rollout arithmetic: which sessions bootstrap on what, and how advantages are weighted. */
class PpoEstimatesTest {
  private static Transition t(long user, int session, double reward) {
    return new Transition(user * 10 + session, user, session, "ppo", 0, new double[] {0}, -1, new double[] {0}, 1.0,
        reward, RewardBreakdown.ZERO, 0, 0, 0, 0);
  }

  @Test
  void aReturningUsersLastSessionWaitsForTheNextAndTheOneBeforeBootstrapsOnIt() {
    // User 1 had sessions 0 and 1 in this rollout; user 2 one session; nothing says either has left.
    List<Transition> ts = List.of(t(1, 0, 1.0), t(1, 1, 2.0), t(2, 0, 3.0));
    PpoAgent.Split sp = PpoAgent.split(ts, new long[] {0, 1, 2}, 3, 100);
    assertEquals(1, sp.trajectories().size());
    assertArrayEquals(new int[] {0}, sp.trajectories().get(0));
    assertArrayEquals(new int[] {1}, sp.bootstrapFrom());
    assertArrayEquals(new int[] {1, 2}, sp.held());
    // The value target of session 0 is r + gamma V(session 1), not r alone.
    double[] values = {0.5, 4.0, 0.0};
    Advantages.Estimates e = PpoAgent.estimates(new double[] {1, 2, 3}, values, new double[] {1, 1, 1}, sp, 0.9, 0.95,
        false);
    assertEquals(1.0 + 0.9 * 4.0, e.targets()[0], 1e-12);
    assertEquals(1.0 + 0.9 * 4.0 - 0.5, e.advantages()[0], 1e-12);
  }

  @Test
  void aUserWhoDidNotReturnWithinTheWaitEndedAndOneSessionTasksNeverWait() {
    List<Transition> ts = List.of(t(1, 0, 1.0), t(2, 0, 3.0));
    // User 1 arrived 300 transitions ago with a wait of 100: left (no bootstrap); user 2 still waits.
    PpoAgent.Split sp = PpoAgent.split(ts, new long[] {0, 300}, 301, 100);
    assertEquals(1, sp.trajectories().size());
    assertArrayEquals(new int[] {0}, sp.trajectories().get(0));
    assertArrayEquals(new int[] {-1}, sp.bootstrapFrom());
    assertArrayEquals(new int[] {1}, sp.held());
    // A wait of 0: every session is its user's last (one-session episodes); nothing is held.
    PpoAgent.Split one = PpoAgent.split(ts, new long[] {0, 1}, 2, 0);
    assertEquals(2, one.trajectories().size());
    assertArrayEquals(new int[0], one.held());
    assertArrayEquals(new int[] {-1, -1}, one.bootstrapFrom());
  }

  @Test
  void advantagesAreStandardisedBeforeTheTruncatedImportanceWeightSoAZeroWeightStaysZero() {
    List<Transition> ts = List.of(t(1, 0, 1), t(2, 0, 5), t(3, 0, 2), t(4, 0, 8));
    PpoAgent.Split sp = PpoAgent.split(ts, new long[] {0, 1, 2, 3}, 4, 0);
    double[] ratios = {1.0, 0.0, 0.5, 3.0};
    Advantages.Estimates e = PpoAgent.estimates(new double[] {1, 5, 2, 8}, new double[4], ratios, sp, 0.99, 0.95,
        true);
    // Unweighted advantages r - V = (1, 5, 2, 8): mean 4, sample sd sqrt(10); then weights min(1, ratio).
    double sd = Math.sqrt(10);
    assertArrayEquals(new double[] {(1 - 4) / sd, 0.0, 0.5 * (2 - 4) / sd, (8 - 4) / sd}, e.advantages(), 1e-6);
  }

  @Test
  void onPolicyTheAdvantagesAcrossSessionsAreGaeLambda() {
    // User 1: three sessions, left (bootstrap 0); user 2: two sessions and a third held (bootstrap on its value).
    List<Transition> ts = List.of(t(1, 0, 1.0), t(2, 0, 0.5), t(1, 1, 0.0), t(2, 1, 2.0), t(1, 2, 2.0), t(2, 2, 1.0));
    PpoAgent.Split sp = PpoAgent.split(ts, new long[] {0, 1, 2, 3, 4, 500}, 501, 100);
    assertEquals(2, sp.trajectories().size());
    double[] rewards = {1.0, 0.5, 0.0, 2.0, 2.0, 1.0};
    double[] values = {0.5, 0.2, 0.3, 1.5, 1.0, 0.8};
    double gamma = 0.9;
    double lambda = 0.8;
    double[] ones = {1, 1, 1, 1, 1, 1};
    Advantages.Estimates e = PpoAgent.estimates(rewards, values, ones, sp, gamma, lambda, false);
    Advantages.Estimates u1 = Advantages.gae(new double[] {1.0, 0.0, 2.0}, new double[] {0.5, 0.3, 1.0}, 0.0, gamma,
        lambda);
    Advantages.Estimates u2 = Advantages.gae(new double[] {0.5, 2.0}, new double[] {0.2, 1.5}, 0.8, gamma, lambda);
    assertArrayEquals(new double[] {u1.advantages()[0], u2.advantages()[0], u1.advantages()[1], u2.advantages()[1],
        u1.advantages()[2], 0.0}, e.advantages(), 1e-9);
    assertArrayEquals(new double[] {u1.targets()[0], u2.targets()[0], u1.targets()[1], u2.targets()[1],
        u1.targets()[2], 0.0}, e.targets(), 1e-9);
    // Off-policy, the weighted advantage is V-trace's correction v_t - V(x_t) (rhoBar = cBar = 1).
    double[] ratios = {0.5, 2.0, 0.25, 1.0, 3.0, 1.0};
    Advantages.Estimates off = PpoAgent.estimates(rewards, values, ratios, sp, gamma, lambda, false);
    Advantages.Estimates v1 = Advantages.vtraceGae(new double[] {1.0, 0.0, 2.0}, new double[] {0.5, 0.3, 1.0},
        new double[] {0.5, 0.25, 3.0}, 0.0, gamma, lambda, 1.0, 1.0);
    Advantages.Estimates v2 = Advantages.vtraceGae(new double[] {0.5, 2.0}, new double[] {0.2, 1.5},
        new double[] {2.0, 1.0}, 0.8, gamma, lambda, 1.0, 1.0);
    assertArrayEquals(new double[] {v1.advantages()[0], v2.advantages()[0], v1.advantages()[1], v2.advantages()[1],
        v1.advantages()[2], 0.0}, off.advantages(), 1e-9);
  }
}

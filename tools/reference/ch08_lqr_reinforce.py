"""REINFORCE on Exercise 8.4's discounted 1-D LQR, as `lab ch08-lqr` states the protocol, in numpy.

System s' = s + a, reward -(s^2 + a^2), gamma 0.99; policy a ~ N(theta s, 0.5^2) from theta = 0; episodes
of 20 steps from s = 1; returns-to-go G_t; theta += lr * sum_t (a_t - theta s_t) s_t / sigma^2 G_t / 20;
numpy's default_rng(42) for the action noise. A run stops once |theta| passes 1e6 (the lab's divergence
test); with --no-cut it goes on until Python's float power overflows.

Usage: python3 tools/reference/ch08_lqr_reinforce.py [--no-cut]

Recorded result (numpy 2.4), quoted by LqrLabTest:
  step 0.05: theta 0.13786751568055006 after episode 0, -16.734015656001826 after episode 1, 8.864e59 after
    episode 2 (past 1e6); without the cut, OverflowError in episode 3
  step 0.01, 2,000 episodes: theta 0.02757350313611001 after episode 0, -0.25106431674727814 after episode 9,
    -0.6714255630216264 at the end, -0.6463863209499031 averaged over the last 1,000 episodes
The discounted Riccati root is 1.6152512456630115 and K* = -0.6152512456630115.
"""
import math
import sys

import numpy as np

GAMMA, SIGMA, HORIZON = 0.99, 0.5, 20


def reinforce(episodes, lr, seed, cut=True):
    rng = np.random.default_rng(seed)
    theta, out = 0.0, []
    for ep in range(episodes):
        s, states, actions, rewards = 1.0, [], [], []
        for _ in range(HORIZON):
            a = theta * s + SIGMA * rng.standard_normal()
            states.append(s)
            actions.append(a)
            try:
                rewards.append(-(s ** 2 + a ** 2))
            except OverflowError:
                print("OverflowError in episode", ep)
                return out, ep
            s = s + a
        g, ret = 0.0, [0.0] * HORIZON
        for t in reversed(range(HORIZON)):
            g = rewards[t] + GAMMA * g
            ret[t] = g
        grad = sum((actions[t] - theta * states[t]) * states[t] / SIGMA ** 2 * ret[t] for t in range(HORIZON))
        theta += lr * grad / HORIZON
        out.append(theta)
        if cut and (not math.isfinite(theta) or abs(theta) > 1e6):
            return out, ep
    return out, None


def main():
    cut = "--no-cut" not in sys.argv
    b = 1 - 2 * GAMMA
    p = (-b + math.sqrt(b * b + 4 * GAMMA)) / (2 * GAMMA)
    print("riccati P", repr(p), "K*", repr(-GAMMA * p / (1 + GAMMA * p)))
    thetas, stopped = reinforce(500, 0.05, 42, cut)
    print("step 0.05: thetas", thetas[:3], "stopped in episode", stopped)
    thetas, _ = reinforce(2000, 0.01, 42)
    print("step 0.01: theta0", repr(thetas[0]), "theta9", repr(thetas[9]), "final", repr(thetas[-1]),
          "mean of last 1000", repr(sum(thetas[1000:]) / 1000))


if __name__ == "__main__":
    main()

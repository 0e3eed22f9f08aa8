"""Runs the book's Chapter-10 drift demo over 20 numpy seeds and measures what the book reports.

The demo itself draws from numpy's global, unseeded stream and prints one recovery time; the book
states a detection delay of 35.2 +/- 4.1 and a recovery time of 140 +/- 18 over 20 seeds. This
harness seeds numpy (np.random.seed(s), s = 0..19), repeats the demo's loop with its own classes
and settings, and prints per seed the steps from the drift to the first fallback, the demo's
recovery time and the fallbacks before the drift, then means with 1.96 standard errors.

Usage (a checkout of the reference repository at REF; its numpy dependency only, the demo's
plotting libraries and torch may be stubs since nothing here plots or trains a network):

    PYTHONPATH=REF python3 tools/reference/ch10_drift_seeds.py

Recorded result (numpy 2.4): fallback delay 111.8 +/- 33.7, recovery 42.5 +/- 32.2, 8.7 fallbacks
before the drift per run. The `lab ch10-drift` command cites these figures.
"""
import contextlib
import io

import numpy as np

import scripts.ch10.ch10_drift_demo as demo


def run(seed):
    np.random.seed(seed)
    drift_step = 1500
    primary = demo.LinUCB(demo.get_dummy_templates(), 5, config=demo.LinUCBConfig(alpha=1.5, lambda_reg=1.0))
    monitor = demo.SafetyMonitor(
        primary_policy=primary,
        safe_policy=demo.StaticPolicy(0),
        config=demo.GuardrailConfig(enable_drift_detection=True, drift_patience=5, probe_frequency=100,
                                    enable_stability_check=True),
        drift_detector=demo.PageHinkley(demo.PageHinkleyConfig(threshold=30.0, delta=0.01, min_instances=30)),
    )
    env = demo.DriftEnvironment(4, drift_step)
    rewards, fallbacks = [], []
    for t in range(3000):
        features = np.random.randn(5)
        features /= np.linalg.norm(features)
        action = monitor.select_action(features)
        reward, _ = env.step(action)
        np.random.gamma(shape=2.0, scale=10.0)  # the demo's simulated latency draw
        before = monitor.in_fallback_mode
        with contextlib.redirect_stdout(io.StringIO()):
            monitor.update(action, features, reward)
        if monitor.in_fallback_mode and not before:
            fallbacks.append(t)
        rewards.append(reward)
    recovery = demo.calculate_recovery_time(rewards, drift_step)
    after = [t - drift_step for t in fallbacks if t >= drift_step]
    return (after[0] if after else None), recovery, len([t for t in fallbacks if t < drift_step])


def interval(xs):
    xs = np.asarray(xs, dtype=float)
    return xs.mean(), 1.96 * xs.std(ddof=1) / np.sqrt(len(xs)), len(xs)


if __name__ == "__main__":
    results = [run(s) for s in range(20)]
    for s, r in enumerate(results):
        print(s, r)
    print("fallback delay %.1f +/- %.1f (n=%d)" % interval([r[0] for r in results if r[0] is not None]))
    print("recovery time  %.1f +/- %.1f (n=%d)" % interval([r[1] for r in results if r[1] >= 0]))
    print("fallbacks before the drift per run %.1f" % np.mean([r[2] for r in results]))

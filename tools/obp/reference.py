#!/usr/bin/env python3
"""Reference off-policy estimates from the Open Bandit Pipeline (OBP) for rlsearch's tests.

Runs OBP itself (imported, not copied) on the 10,000-row Open Bandit Dataset samples that OBP
ships in its `obd/` folder, for campaign in {men, women} and (behavior, target) in
{(random, bts), (bts, random)}, and writes one small JSON per case into
src/test/resources/obp/. The Java tests only read those JSON files; they never run Python.

The protocol follows OBP's own examples:
  - examples/obd/evaluate_off_policy_estimators.py: the estimators, the Switch-DR and DRos
    lambda grid, SLOPE tuning, LogisticRegression(C=100, max_iter=10000, random_state=12345)
    and RandomForestClassifier(n_estimators=30, max_depth=5, min_samples_leaf=10,
    random_state=12345) as reward models (examples/obd/conf/hyperparams.yaml), 3-fold
    cross-fitting with random_state=12345;
  - examples/quickstart/obd.ipynb: BernoulliTS(is_zozotown_prior=True, random_state=12345)
    with compute_batch_action_dist(n_sim=100000, n_rounds=n_rounds), and bootstrap intervals
    with n_bootstrap_samples=10000, random_state=12345.
See tools/obp/README.md for how to regenerate and what each file holds.
"""
import argparse
import json
import platform
import sys
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

import obp
from obp.dataset import OpenBanditDataset
from obp.ope import DirectMethod
from obp.ope import DoublyRobust
from obp.ope import DoublyRobustWithShrinkageTuning
from obp.ope import InverseProbabilityWeighting
from obp.ope import OffPolicyEvaluation
from obp.ope import RegressionModel
from obp.ope import SelfNormalizedDoublyRobust
from obp.ope import SelfNormalizedInverseProbabilityWeighting
from obp.ope import SubGaussianInverseProbabilityWeightingTuning
from obp.ope import SwitchDoublyRobustTuning
from obp.policy import BernoulliTS
from obp.policy import Random

SNAPSHOT_COMMIT = "8cbd5fa4558b7ad2ba4781546d6604e4cc3e07c4"

RANDOM_STATE = 12345
N_SIM = 100000
N_FOLDS = 3
N_BOOTSTRAP = 10000
ALPHA = 0.05
# examples/obd/evaluate_off_policy_estimators.py
DR_LAMBDAS = [10, 50, 100, 500, 1000, 5000, 10000, np.inf]
# OBP's examples do not use sub-Gaussian IPW; this is the grid OBP's own tests give the
# sub-Gaussian estimators (tests/ope/test_offline_estimation_performance.py, SG-DR).
SG_LAMBDAS = [0.005, 0.01, 0.05, 0.1, 0.5]
LOGISTIC = dict(C=100, max_iter=10000, random_state=RANDOM_STATE)
FOREST = dict(n_estimators=30, max_depth=5, min_samples_leaf=10, random_state=RANDOM_STATE)

CASES = [
    (campaign, behavior, target)
    for campaign in ("men", "women")
    for behavior, target in (("random", "bts"), ("bts", "random"))
]

# fixture name -> OBP estimator_name
NAMES = {
    "dm": "dm",
    "ipw": "ipw",
    "snipw": "snipw",
    "dr": "dr",
    "sndr": "sndr",
    "switch_dr": "switch-dr",
    "dr_os": "dr-os",
    "ipw_subgaussian": "sg-ipw",
}


def jnum(x):
    """A float for JSON; infinity (a lambda that means 'no clipping') becomes the string 'inf'."""
    x = float(x)
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def fresh_estimators():
    # The tuning estimators cache their chosen lambda on the instance, so every
    # (case, reward model) gets new ones; lambdas lists are sorted in place, so copy them.
    return [
        DirectMethod(),
        InverseProbabilityWeighting(),
        SelfNormalizedInverseProbabilityWeighting(),
        DoublyRobust(),
        SelfNormalizedDoublyRobust(),
        SwitchDoublyRobustTuning(lambdas=list(DR_LAMBDAS)),
        DoublyRobustWithShrinkageTuning(lambdas=list(DR_LAMBDAS)),
        SubGaussianInverseProbabilityWeightingTuning(lambdas=list(SG_LAMBDAS)),
    ]


def target_action_dist(target, campaign, n_actions, len_list, n_rounds):
    if target == "bts":
        policy = BernoulliTS(
            n_actions=n_actions,
            len_list=len_list,
            random_state=RANDOM_STATE,
            is_zozotown_prior=True,
            campaign=campaign,
        )
        return policy.compute_batch_action_dist(n_rounds=n_rounds, n_sim=N_SIM)
    policy = Random(n_actions=n_actions, len_list=len_list, random_state=RANDOM_STATE)
    return policy.compute_batch_action_dist(n_rounds=n_rounds)


def estimate(bf, action_dist, q_hat, on_policy):
    ope = OffPolicyEvaluation(bandit_feedback=bf, ope_estimators=fresh_estimators())
    values = ope.estimate_policy_values(
        action_dist=action_dist, estimated_rewards_by_reg_model=q_hat
    )
    intervals = ope.estimate_intervals(
        action_dist=action_dist,
        estimated_rewards_by_reg_model=q_hat,
        alpha=ALPHA,
        n_bootstrap_samples=N_BOOTSTRAP,
        random_state=RANDOM_STATE,
    )
    lo_key = f"{100 * (1 - ALPHA)}% CI (lower)"
    hi_key = f"{100 * (1 - ALPHA)}% CI (upper)"
    out = {}
    for name, obp_name in NAMES.items():
        v = float(values[obp_name])
        iv = intervals[obp_name]
        entry = {
            "value": v,
            "ci_low": float(iv[lo_key]),
            "ci_high": float(iv[hi_key]),
            "bootstrap_mean": float(iv["mean"]),
            "relative_error": abs(v - on_policy) / on_policy,
        }
        est = ope.ope_estimators_[obp_name]
        if hasattr(est, "best_hyperparam"):
            entry["tuned_lambda"] = jnum(est.best_hyperparam)
        out[name] = entry
    return out


def logistic_per_fold(bf, dataset, q_hat):
    """Refit OBP's RegressionModel fold by fold with the same KFold split that fit_predict
    uses, record each fold's per-position coefficients, and check the refit reproduces
    fit_predict's cross-fitted q_hat exactly."""
    kf = KFold(n_splits=N_FOLDS, shuffle=True, random_state=RANDOM_STATE)
    n = bf["n_rounds"]
    fold_of_round = np.full(n, -1, dtype=int)
    folds = []
    for k, (train_idx, test_idx) in enumerate(kf.split(bf["context"])):
        fold_of_round[test_idx] = k
        rm = RegressionModel(
            n_actions=dataset.n_actions,
            len_list=dataset.len_list,
            action_context=dataset.action_context,
            base_model=LogisticRegression(**LOGISTIC),
        )
        rm.fit(
            context=bf["context"][train_idx],
            action=bf["action"][train_idx],
            reward=bf["reward"][train_idx],
            position=bf["position"][train_idx],
            pscore=bf["pscore"][train_idx],
        )
        refit = rm.predict(context=bf["context"][test_idx])
        if not np.allclose(refit, q_hat[test_idx], rtol=0, atol=1e-12):
            raise SystemExit(f"fold {k}: refit does not reproduce fit_predict's q_hat")
        folds.append(
            {
                "fold": k,
                "n_train": int(len(train_idx)),
                "per_position": [
                    {
                        "position": pos,
                        "intercept": float(m.intercept_[0]),
                        "coef": [float(c) for c in m.coef_[0]],
                    }
                    for pos, m in enumerate(rm.base_model_list)
                ],
            }
        )
    assert (fold_of_round >= 0).all()
    return fold_of_round, folds


def q_hat_summary(bf, q_hat):
    n = bf["n_rounds"]
    logged = q_hat[np.arange(n), bf["action"], bf["position"]]
    return {
        "shape": list(q_hat.shape),
        "mean": float(q_hat.mean()),
        "std": float(q_hat.std()),
        "min": float(q_hat.min()),
        "max": float(q_hat.max()),
        "mean_at_logged_action_position": float(logged.mean()),
        "mean_by_position": [float(x) for x in q_hat.mean(axis=(0, 1))],
        "mean_by_action_position": [
            [float(x) for x in row] for row in q_hat.mean(axis=0)
        ],
        "first_rounds_at_logged_action_position": [float(x) for x in logged[:20]],
    }


def run_case(data_path, campaign, behavior, target, versions):
    dataset = OpenBanditDataset(
        behavior_policy=behavior, campaign=campaign, data_path=data_path
    )
    bf = dataset.obtain_batch_bandit_feedback()
    n_rounds = int(bf["n_rounds"])
    on_policy = float(
        OpenBanditDataset.calc_on_policy_policy_value_estimate(
            behavior_policy=target, campaign=campaign, data_path=data_path
        )
    )
    action_dist = target_action_dist(
        target, campaign, dataset.n_actions, dataset.len_list, n_rounds
    )
    identical_rounds = bool((action_dist == action_dist[0]).all())

    q_hats = {}
    for model_name, base in (
        ("logistic", LogisticRegression(**LOGISTIC)),
        ("forest", RandomForestClassifier(**FOREST)),
    ):
        rm = RegressionModel(
            n_actions=dataset.n_actions,
            len_list=dataset.len_list,
            action_context=dataset.action_context,
            base_model=base,
        )
        q_hats[model_name] = rm.fit_predict(
            context=bf["context"],
            action=bf["action"],
            reward=bf["reward"],
            position=bf["position"],
            pscore=bf["pscore"],
            n_folds=N_FOLDS,
            random_state=RANDOM_STATE,
        )

    estimates = {
        name: estimate(bf, action_dist, q, on_policy) for name, q in q_hats.items()
    }
    fold_of_round, folds = logistic_per_fold(bf, dataset, q_hats["logistic"])

    case = f"{campaign}_{behavior}_to_{target}"
    fixture = {
        "case": case,
        "source": "Open Bandit Pipeline (st-tech/zr-obp, Apache-2.0), run by tools/obp/reference.py",
        "versions": versions,
        "data": {
            "campaign": campaign,
            "behavior_policy": behavior,
            "target_policy": target,
            "data_path": "obd/ in the OBP snapshot (the 10,000-row samples)",
            "n_rounds": n_rounds,
            "n_actions": int(dataset.n_actions),
            "len_list": int(dataset.len_list),
            "context_dim": int(bf["context"].shape[1]),
            "action_context_dim": int(dataset.action_context.shape[1]),
            "mean_reward_logged": float(bf["reward"].mean()),
        },
        "protocol": {
            "random_state": RANDOM_STATE,
            "target_action_dist": (
                f"BernoulliTS(is_zozotown_prior=True, campaign={campaign!r}, random_state={RANDOM_STATE})"
                f".compute_batch_action_dist(n_rounds={n_rounds}, n_sim={N_SIM})"
                if target == "bts"
                else "Random: uniform 1/n_actions for every action and position"
            ),
            "n_sim": N_SIM if target == "bts" else None,
            "action_dist_identical_across_rounds": identical_rounds,
            "reward_models": {
                "logistic": {"class": "sklearn.linear_model.LogisticRegression", **LOGISTIC},
                "forest": {"class": "sklearn.ensemble.RandomForestClassifier", **FOREST},
            },
            "reward_model_features": "np.c_[context, action_context[action]], one classifier per position",
            "n_folds": N_FOLDS,
            "fold_rule": f"sklearn KFold(n_splits={N_FOLDS}, shuffle=True, random_state={RANDOM_STATE}) over rounds",
            "tuning": {
                "switch_dr": {"class": "SwitchDoublyRobustTuning", "lambdas": [jnum(x) for x in DR_LAMBDAS]},
                "dr_os": {"class": "DoublyRobustWithShrinkageTuning", "lambdas": [jnum(x) for x in DR_LAMBDAS]},
                "ipw_subgaussian": {"class": "SubGaussianInverseProbabilityWeightingTuning", "lambdas": SG_LAMBDAS},
                "method": "slope",
                "delta": 0.1,
                "use_bias_upper_bound": True,
            },
            "bootstrap": {
                "method": "OffPolicyEvaluation.estimate_intervals (percentile bootstrap of round rewards)",
                "n_bootstrap_samples": N_BOOTSTRAP,
                "alpha": ALPHA,
                "random_state": RANDOM_STATE,
            },
            "relative_error": "|value - on_policy_value| / on_policy_value",
        },
        "on_policy_value": on_policy,
        "estimates": estimates,
    }

    model = {
        "case": case,
        "versions": versions,
        "n_rounds": n_rounds,
        "n_actions": int(dataset.n_actions),
        "len_list": int(dataset.len_list),
        "target_policy": target,
        "action_dist": {
            "identical_across_rounds": identical_rounds,
            "layout": "[action][position], the per-round distribution (every round has the same one)",
            "values": [[float(x) for x in row] for row in action_dist[0]],
        },
        "fold_rule": f"sklearn KFold(n_splits={N_FOLDS}, shuffle=True, random_state={RANDOM_STATE}) over rounds",
        "fold_of_round": "".join(str(k) for k in fold_of_round),
        "logistic": {
            "params": LOGISTIC,
            "features": "np.c_[context, action_context[action]], one classifier per position",
            "folds": folds,
            "estimated_rewards_by_reg_model": q_hat_summary(bf, q_hats["logistic"]),
        },
    }
    return case, fixture, model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--obp-root", required=True, help="work tree of the OBP snapshot")
    parser.add_argument("--snapshot-commit", default=SNAPSHOT_COMMIT)
    parser.add_argument(
        "--out",
        default=str(Path(__file__).resolve().parents[2] / "src/test/resources/obp"),
    )
    args = parser.parse_args()
    data_path = Path(args.obp_root) / "obd"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    versions = {
        "obp": obp.__version__,
        "obp_snapshot_commit": args.snapshot_commit,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
    }
    for campaign, behavior, target in CASES:
        case, fixture, model = run_case(data_path, campaign, behavior, target, versions)
        (out / f"{case}.json").write_text(json.dumps(fixture, indent=1) + "\n")
        (out / f"{case}.model.json").write_text(json.dumps(model) + "\n")
        print(f"{case}: on_policy={fixture['on_policy_value']:.6f}", file=sys.stderr)
        for name, e in fixture["estimates"]["logistic"].items():
            print(
                f"  {name:16s} {e['value']:.6f} [{e['ci_low']:.6f}, {e['ci_high']:.6f}]"
                f" rel_err={e['relative_error']:.4f} {e.get('tuned_lambda', '')}",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()

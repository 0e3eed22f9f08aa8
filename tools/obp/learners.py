#!/usr/bin/env python3
"""Reference off-policy learners from the Open Bandit Pipeline (OBP) on synthetic data with a known truth.

Follows OBP's own example examples/opl/evaluate_off_policy_learners.py (imported, not copied):
SyntheticBanditDataset(n_actions=10, dim_context=5, reward_function=logistic_reward_function,
beta=-3, random_state) with OBP's default behaviour policy softmax(beta * expected_reward), a
training log and a test set drawn one after the other from the same dataset object; IPWLearner with
LogisticRegression(C=100, max_iter=10000, random_state=12345) (examples/opl/conf/hyperparams.yaml);
NNPolicyLearner with one hidden layer of 100 ReLU units, Adam, batch size 200, early stopping and
random_state (the example README's command), once with off_policy_objective "ipw" and once "dr".

Writes into --out (default src/test/resources/opl/):
  obp_synthetic_train.csv  the training log in rlsearch's team-log CSV layout
                           (round,action,position,propensity,reward,ctx_x0..ctx_x4; action ids a0..a9)
  obp_synthetic_test.csv   the test contexts and their expected reward per action
                           (ctx_x0..ctx_x4,q_a0..q_a9)
  obp_synthetic_learners.json  OBP's learned policies' true values on the test contexts, the
                           behaviour's and the optimum's, each policy's greedy action per test row,
                           the protocol and the versions.
The learners are trained on the training log as written (the CSV read back), and evaluated on the
test contexts as written, so OBP and rlsearch see the same numbers. See tools/obp/README.md.
"""
import argparse
import io
import json
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import sklearn
import torch
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression

import obp
from obp.dataset import SyntheticBanditDataset
from obp.dataset import logistic_reward_function
from obp.policy import IPWLearner
from obp.policy import NNPolicyLearner

SNAPSHOT_COMMIT = "8cbd5fa4558b7ad2ba4781546d6604e4cc3e07c4"
N_ACTIONS = 10
DIM_CONTEXT = 5
BETA = -3.0
LOGISTIC = dict(C=100, max_iter=10000, random_state=12345)
NN = dict(hidden_layer_size=(100,), activation="relu", solver="adam", batch_size=200, early_stopping=True)
CONTEXT_FMT = "%.9g"
PSCORE_FMT = "%.12g"
Q_FMT = "%.10g"


def action_id(a):
    return "a%d" % a


def write_train(path, fb):
    n = fb["n_rounds"]
    cols = ["round", "action", "position", "propensity", "reward"] + ["ctx_x%d" % j for j in range(DIM_CONTEXT)]
    lines = [",".join(cols)]
    for i in range(n):
        row = [str(i + 1), action_id(int(fb["action"][i])), "1", PSCORE_FMT % fb["pscore"][i], str(int(fb["reward"][i]))]
        row += [CONTEXT_FMT % v for v in fb["context"][i]]
        lines.append(",".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_train(path):
    df = pd.read_csv(path, dtype={"action": str})
    context = df[["ctx_x%d" % j for j in range(DIM_CONTEXT)]].to_numpy(dtype=float)
    action = df["action"].str[1:].astype(int).to_numpy()
    return context, action, df["reward"].to_numpy(dtype=float), df["propensity"].to_numpy(dtype=float)


def write_test(path, context, q):
    cols = ["ctx_x%d" % j for j in range(DIM_CONTEXT)] + ["q_" + action_id(a) for a in range(N_ACTIONS)]
    lines = [",".join(cols)]
    for i in range(context.shape[0]):
        lines.append(",".join([CONTEXT_FMT % v for v in context[i]] + [Q_FMT % v for v in q[i]]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_test(path):
    df = pd.read_csv(path)
    context = df[["ctx_x%d" % j for j in range(DIM_CONTEXT)]].to_numpy(dtype=float)
    q = df[["q_" + action_id(a) for a in range(N_ACTIONS)]].to_numpy(dtype=float)
    return context, q


def value_summary(per_row):
    n = per_row.shape[0]
    return {"value": float(per_row.mean()), "se": float(per_row.std(ddof=1) / np.sqrt(n))}


def greedy_entry(dist, q):
    """A deterministic policy's action per test row (one digit per row) and its true value."""
    actions = dist[:, :, 0].argmax(axis=1)
    assert np.allclose(dist[:, :, 0].sum(axis=1), 1.0)
    assert np.allclose(dist[np.arange(len(actions)), actions, 0], 1.0)
    per_row = q[np.arange(len(actions)), actions]
    entry = value_summary(per_row)
    entry["actions"] = "".join(str(int(a)) for a in actions)
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="src/test/resources/opl", help="directory of the fixtures")
    parser.add_argument("--random-state", type=int, default=12345, help="the dataset's and the learners' seed")
    parser.add_argument("--n-train", type=int, default=5000)
    parser.add_argument("--n-test", type=int, default=5000)
    parser.add_argument("--max-iter", type=int, default=200, help="NNPolicyLearner's epochs (OBP's default 200)")
    parser.add_argument("--prefix", default="obp_synthetic", help="file name prefix")
    parser.add_argument("--snapshot-commit", default=SNAPSHOT_COMMIT)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rs = args.random_state
    torch.set_num_threads(1)

    dataset = SyntheticBanditDataset(
        n_actions=N_ACTIONS,
        dim_context=DIM_CONTEXT,
        reward_function=logistic_reward_function,
        beta=BETA,
        random_state=rs,
    )
    train_fb = dataset.obtain_batch_bandit_feedback(n_rounds=args.n_train)
    test_fb = dataset.obtain_batch_bandit_feedback(n_rounds=args.n_test)

    train_path = out / (args.prefix + "_train.csv")
    test_path = out / (args.prefix + "_test.csv")
    write_train(train_path, train_fb)
    # The test contexts as written (9 significant digits); their expected rewards are OBP's reward
    # function on exactly those contexts (deterministic for the random_state), written to 10 digits.
    test_context_written = np.array([[float(CONTEXT_FMT % v) for v in row] for row in test_fb["context"]])
    q_written_context = dataset.calc_expected_reward(test_context_written)
    q_drift = float(np.abs(q_written_context - test_fb["expected_reward"]).max())
    write_test(test_path, test_context_written, q_written_context)

    x_train, a_train, r_train, p_train = read_train(train_path)
    assert np.array_equal(a_train, train_fb["action"]) and np.array_equal(r_train, train_fb["reward"])
    x_test, q = read_test(test_path)
    n_test = x_test.shape[0]

    ipw = IPWLearner(n_actions=N_ACTIONS, base_classifier=LogisticRegression(**LOGISTIC))
    ipw.fit(context=x_train, action=a_train, reward=r_train, pscore=p_train)
    policies = {"obp_ipw_learner": greedy_entry(ipw.predict(context=x_test), q)}

    for objective in ["ipw", "dr"]:
        nn = NNPolicyLearner(n_actions=N_ACTIONS, dim_context=DIM_CONTEXT, off_policy_objective=objective,
                             max_iter=args.max_iter, random_state=rs, **NN)
        nn.fit(context=x_train, action=a_train, reward=r_train, pscore=p_train)
        greedy = greedy_entry(nn.predict(context=x_test), q)
        proba = nn.predict_proba(context=x_test)[:, :, 0].astype(float)  # float32 from torch
        stochastic = value_summary((proba * q).sum(axis=1))
        assert abs(dataset.calc_ground_truth_policy_value(expected_reward=q, action_dist=proba[:, :, None])
                   - stochastic["value"]) < 1e-6
        greedy["stochastic_value"] = stochastic["value"]
        greedy["stochastic_se"] = stochastic["se"]
        policies["obp_nn_" + objective] = greedy

    pi_b = softmax(BETA * q, axis=1)
    policies["behavior"] = value_summary((pi_b * q).sum(axis=1))
    policies["optimum"] = greedy_entry(np.eye(N_ACTIONS)[q.argmax(axis=1)][:, :, None], q)
    policies["uniform"] = value_summary(q.mean(axis=1))

    fixture = {
        "versions": {
            "obp": obp.__version__,
            "obp_snapshot_commit": args.snapshot_commit,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "sklearn": sklearn.__version__,
            "torch": torch.__version__,
        },
        "protocol": {
            "dataset": "SyntheticBanditDataset",
            "n_actions": N_ACTIONS,
            "dim_context": DIM_CONTEXT,
            "reward_type": "binary",
            "reward_function": "logistic_reward_function",
            "behavior_policy": "softmax(beta * expected_reward) (OBP's default)",
            "beta": BETA,
            "random_state": rs,
            "n_train": args.n_train,
            "n_test": n_test,
            "ipw_learner_base_classifier": "LogisticRegression(" + ", ".join(
                "%s=%s" % kv for kv in LOGISTIC.items()) + ")",
            "nn_policy_learner": dict(NN, hidden_layer_size=list(NN["hidden_layer_size"]), max_iter=args.max_iter,
                                      random_state=rs),
            "action_ids": [action_id(a) for a in range(N_ACTIONS)],
            "context_format": CONTEXT_FMT,
            "pscore_format": PSCORE_FMT,
            "expected_reward_format": Q_FMT,
            "max_expected_reward_change_from_rounding_contexts": q_drift,
            "value": "mean over the test contexts of sum_a pi(a|x) q(x, a); se = sd over the rows / sqrt(n)",
            "actions": "greedy action index per test row, one digit per row",
        },
        "train": {
            "file": train_path.name,
            "rows": int(len(a_train)),
            "mean_reward": float(r_train.mean()),
            "min_pscore": float(p_train.min()),
            "action_counts": np.bincount(a_train, minlength=N_ACTIONS).tolist(),
        },
        "test": {"file": test_path.name, "rows": n_test},
        "policies": policies,
    }
    json_path = out / (args.prefix + "_learners.json")
    json_path.write_text(json.dumps(fixture, indent=2) + "\n", encoding="utf-8")
    for name, p in policies.items():
        extra = "" if "stochastic_value" not in p else "  (softmax %.4f)" % p["stochastic_value"]
        print("%-16s %.4f +- %.4f%s" % (name, p["value"], p["se"], extra))


if __name__ == "__main__":
    sys.exit(main())

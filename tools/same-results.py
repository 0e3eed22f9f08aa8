#!/usr/bin/env python3
"""Compares two `rlsearch ... --json` outputs field by field, ignoring wall times.

Usage: tools/same-results.py BEFORE.json AFTER.json

Every number, string and list must be identical (floats compared exactly, as written); fields whose
name is `wall_s` or `cpu_s` or ends in `_wall_s`, `_seconds`, `_per_sec` or `_per_cpu_sec` are skipped,
since they measure the run, not its results; NaN equals NaN. Prints each difference with its path and exits 1 if there is any, else prints how many
values matched and exits 0.
"""
import json
import sys


def timing(key):
    # wall and CPU times and rates measure the run, not its results
    return (key in ("wall_s", "cpu_s") or key.endswith("_wall_s") or key.endswith("_seconds")
            or key.endswith("_per_sec") or key.endswith("_per_cpu_sec"))


def compare(a, b, path, out, counter):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if timing(k):
                continue
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'after' if k not in a else 'before'}")
                continue
            compare(a[k], b[k], f"{path}.{k}", out, counter)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items before, {len(b)} after")
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}[{i}]", out, counter)
    else:
        counter[0] += 1
        nan = isinstance(a, float) and isinstance(b, float) and a != a and b != b
        if type(a) is not type(b) or (a != b and not nan):
            out.append(f"{path}: {a!r} before, {b!r} after")


def main():
    if len(sys.argv) != 3:
        print("usage: tools/same-results.py BEFORE.json AFTER.json", file=sys.stderr)
        sys.exit(2)
    docs = []
    for p in sys.argv[1:]:
        try:
            with open(p) as f:
                docs.append(json.load(f))
        except (OSError, ValueError) as e:
            print(f"same-results: cannot read {p}: {e}", file=sys.stderr)
            sys.exit(2)
    out, counter = [], [0]
    compare(docs[0], docs[1], "$", out, counter)
    for line in out:
        print(line)
    if out:
        print(f"{len(out)} differences")
        sys.exit(1)
    print(f"identical: {counter[0]} values (wall times skipped)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Shares of a search episode's passes in a JFR recording of `bench env`.

Usage: python3 tools/jfr-pass-shares.py RECORDING.jfr
Each execution sample that has a frame of rlsearch's code is counted once, for the innermost frame
that matches a pass below (samples in vector code land on whichever instruction waits, so a pass that
waits on memory collects that wait: see docs/performance.md). Needs the JDK's `jfr` on the PATH.
"""
import collections
import re
import subprocess
import sys

PASSES = [
    ('noise: PCG64 words and ziggurat', r'Pcg64\.|NumpyRandom\.(fillNormal|standardNormal|zigguratFrom|normal)'),
    ('relevance: dot products', r'VectorScoring\d*\.dots|ScalarScoring\.dot\b'),
    ('relevance: division, roundings, lexical term, moments',
     r'VectorScoring\d*\.finish|ScalarScoring\.relevance|EpisodeScorer\.pass'),
    ("ranking by weights and the baseline's offers",
     r'VectorScoring\d*\.(weightsChunk|rankByWeights)|ScalarScoring\.rankByWeights|TopK\.offer|EpisodeScorer\.rankByWeights'),
    ('baseline selection (its own pass)', r'VectorScoring\d*\.(baseChunk|rankByBase)|ScalarScoring\.rankByBase|EpisodeScorer\.baseline'),
    ('user and query sampling', r'World\.sample|TorchRandom|dirichlet'),
    ('session, reward, info', r'Behavior\.|RewardFunction|infoFeatures|Metrics\.|SearchSimulator\.finish|StepInfo'),
]


def main(path):
    text = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', path],
                          capture_output=True, text=True, check=True).stdout
    counts = collections.Counter()
    total = 0
    for event in text.split('jdk.ExecutionSample'):
        frames = re.findall(r'^\s+([\w.$<>]+)\(', event, re.M)
        if not any('rlsearch' in f for f in frames):
            continue
        total += 1
        name = 'other'
        for f in frames:
            hit = [p for p, pattern in PASSES if re.search(pattern, f)]
            if hit:
                name = hit[0]
                break
        counts[name] += 1
    print(f'{total} samples')
    for name, n in counts.most_common():
        print(f'| {name} | {n} | {100 * n / max(total, 1):.0f}% |')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: python3 tools/jfr-pass-shares.py RECORDING.jfr')
    main(sys.argv[1])

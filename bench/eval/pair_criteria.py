#!/usr/bin/env python3
"""Issue 2's two quality criteria for a clustering against the exact oracle's pairs.

usage: pair_criteria.py PAIRS.tsv CLUSTERS.jsonl [--hi 0.85] [--lo 0.7]

PAIRS.tsv is `exact_pairs.py` output (0-based line numbers i<TAB>j<TAB>jaccard), run with
`--min` at most `--lo`; CLUSTERS.jsonl is `reprint dedup --clusters` output, one line per input
record. Prints the share of oracle pairs with Jaccard >= hi that share a cluster, and the share
of same-cluster pairs whose oracle Jaccard is >= lo.
"""
import argparse
import json
from collections import defaultdict

ap = argparse.ArgumentParser()
ap.add_argument("pairs")
ap.add_argument("clusters")
ap.add_argument("--hi", type=float, default=0.85)
ap.add_argument("--lo", type=float, default=0.7)
a = ap.parse_args()

cluster = [json.dumps(json.loads(line)["cluster"]) for line in open(a.clusters, encoding="utf-8")]
jaccard = {}
for line in open(a.pairs):
    if not line.startswith("#"):
        i, j, s = line.split("\t")
        jaccard[(int(i), int(j))] = float(s)

high = [p for p, s in jaccard.items() if s >= a.hi]
high_together = sum(cluster[i] == cluster[j] for i, j in high)
members = defaultdict(list)
for i, c in enumerate(cluster):
    members[c].append(i)
same = same_similar = 0
for m in members.values():
    for x in range(len(m)):
        for y in range(x + 1, len(m)):
            same += 1
            same_similar += jaccard.get((m[x], m[y]), 0.0) >= a.lo
print(f"oracle pairs with J >= {a.hi} in one cluster: {high_together} / {len(high)} = {high_together / max(len(high), 1):.4f}")
print(f"same-cluster pairs with J >= {a.lo}: {same_similar} / {same} = {same_similar / max(same, 1):.4f}")

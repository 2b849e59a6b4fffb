#!/usr/bin/env python3
"""Issue 2's two quality criteria for a clustering against the exact oracle's pairs.

usage: pair_criteria.py PAIRS.tsv CLUSTERS.jsonl [--hi 0.85] [--lo 0.7] [--also 0.8]
                        [--without-cjk CORPUS.jsonl]

PAIRS.tsv is `exact_pairs.py` output (0-based line numbers i<TAB>j<TAB>jaccard), run with
`--min` at most `--lo`; CLUSTERS.jsonl is `reprint dedup --clusters` output, one line per input
record. Prints the share of oracle pairs with Jaccard >= hi that share a cluster, and the share
of same-cluster pairs whose oracle Jaccard is >= lo. `--also T` prints the first share again
at Jaccard >= T. `--without-cjk CORPUS.jsonl` keeps only pairs of documents whose text (field
`text` of the corpus the oracle was run on) has no Han, Kana or Hangul character: on those, a
`\\w+` oracle and one that takes each such character as a token agree.
"""
import argparse
import json
import re
from collections import defaultdict

CJK = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7ff\uf900-\ufaff]")

ap = argparse.ArgumentParser()
ap.add_argument("pairs")
ap.add_argument("clusters")
ap.add_argument("--hi", type=float, default=0.85)
ap.add_argument("--lo", type=float, default=0.7)
ap.add_argument("--also", type=float, action="append", default=[])
ap.add_argument("--without-cjk", metavar="CORPUS")
a = ap.parse_args()

cluster = [json.dumps(json.loads(line)["cluster"]) for line in open(a.clusters, encoding="utf-8")]
jaccard = {}
for line in open(a.pairs):
    if not line.startswith("#"):
        i, j, s = line.split("\t")
        jaccard[(int(i), int(j))] = float(s)
if a.without_cjk:
    cjk = [bool(CJK.search(json.loads(line)["text"])) for line in open(a.without_cjk, encoding="utf-8")]
    jaccard = {(i, j): s for (i, j), s in jaccard.items() if not cjk[i] and not cjk[j]}
    cluster = [c if not cjk[i] else f"cjk-{i}" for i, c in enumerate(cluster)]

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
for t in a.also:
    pairs = [p for p, s in jaccard.items() if s >= t]
    together = sum(cluster[i] == cluster[j] for i, j in pairs)
    print(f"oracle pairs with J >= {t} in one cluster: {together} / {len(pairs)} = {together / max(len(pairs), 1):.4f}")
print(f"same-cluster pairs with J >= {a.lo}: {same_similar} / {same} = {same_similar / max(same, 1):.4f}")

"""Shared plumbing for the peer scripts: arguments, JSONL in/out, shingles, timing, union-find.

Each peer script imports this module from its own directory; nothing here depends on a peer.
"""
import argparse
import json
import re
import sys
import time
from contextlib import contextmanager

try:  # orjson is faster; json is the fallback
    import orjson as _fastjson

    def _loads(line):
        return _fastjson.loads(line)

    def _dumps(obj):
        return _fastjson.dumps(obj).decode()
except ImportError:  # pragma: no cover
    def _loads(line):
        return json.loads(line)

    def _dumps(obj):
        return json.dumps(obj, ensure_ascii=False)

WORD_RE = re.compile(r"\w+")


def parse_args(description, extra=None):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("input", metavar="IN.jsonl")
    ap.add_argument("output", metavar="OUT.jsonl")
    ap.add_argument("--threshold", type=float, default=0.8, help="Jaccard threshold (default 0.8)")
    ap.add_argument("--num-perm", type=int, default=128, help="signature length (default 128)")
    ap.add_argument("--ngram", type=int, default=5, help="words per shingle (default 5)")
    ap.add_argument("--bands", type=int, default=16,
                    help="LSH bands; rows per band = num_perm // bands (default 16, i.e. 16x8)")
    ap.add_argument("--field", default="text", help="JSON field holding the text (default text)")
    ap.add_argument("--id-field", default="id", help="JSON field holding the id (default id)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch", type=int, default=2000,
                    help="documents shingled and sketched per batch, to bound memory (default 2000)")
    if extra:
        extra(ap)
    a = ap.parse_args()
    if a.bands > 0 and a.num_perm % a.bands:
        ap.error(f"--bands {a.bands} must divide --num-perm {a.num_perm}")
    return a


class Phases:
    """Times named phases and prints each to stderr as `[peer] phase <name> <seconds>s`."""

    def __init__(self, peer):
        self.peer = peer
        self.start = time.perf_counter()
        self.times = {}

    @contextmanager
    def __call__(self, name, quiet=False):
        """Time a phase; with quiet=True the time is only added up, for report() to print."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            dt = time.perf_counter() - t0
            self.times[name] = self.times.get(name, 0.0) + dt
            if not quiet:
                self.report(name, dt)

    def report(self, name, dt=None):
        dt = self.times.get(name, 0.0) if dt is None else dt
        print(f"[{self.peer}] phase {name:<10} {dt:9.3f}s", file=sys.stderr, flush=True)

    def done(self, **info):
        total = time.perf_counter() - self.start
        extra = " ".join(f"{k}={v}" for k, v in info.items())
        print(f"[{self.peer}] total      {total:9.3f}s {extra}", file=sys.stderr, flush=True)


def read_jsonl(path, field, id_field):
    """Return (ids, texts, input_bytes). A missing id becomes the line's document index;
    a missing or non-string text becomes ''. Blank lines are skipped."""
    ids, texts, nbytes = [], [], 0
    with open(path, "rb") as f:
        for line in f:
            nbytes += len(line)
            if not line.strip():
                continue
            d = _loads(line)
            i = d.get(id_field)
            ids.append(len(ids) if i is None else i)
            t = d.get(field)
            texts.append(t if isinstance(t, str) else "")
    return ids, texts, nbytes


def word_shingles(text, n):
    """Shingles of n lowercased \\w+ tokens, joined by a space. A text with fewer than n tokens
    (but at least one) is one shingle of all its tokens; a text with no tokens has none."""
    toks = WORD_RE.findall(text.lower())
    k = len(toks)
    if k == 0:
        return []
    if k <= n:
        return [" ".join(toks)]
    return [" ".join(toks[i:i + n]) for i in range(k - n + 1)]


class UnionFind:
    """Union-find whose root is always the smallest index in its set."""

    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, x):
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if ra < rb:
            self.parent[rb] = ra
        else:
            self.parent[ra] = rb
        return True

    def roots(self):
        return [self.find(i) for i in range(len(self.parent))]


def write_clusters(path, ids, roots):
    """One {"id", "cluster"} line per document, in input order; cluster is the id of the
    smallest-index member of the document's cluster."""
    with open(path, "w", encoding="utf-8") as f:
        for i, r in zip(ids, roots):
            f.write(_dumps({"id": i, "cluster": ids[r]}))
            f.write("\n")


def summary(roots):
    clusters = {}
    for r in roots:
        clusters[r] = clusters.get(r, 0) + 1
    dup_clusters = sum(1 for c in clusters.values() if c > 1)
    dup_docs = sum(c - 1 for c in clusters.values() if c > 1)
    return {"docs": len(roots), "dup_clusters": dup_clusters, "removable": dup_docs}

#!/usr/bin/env python3
"""Near-duplicate clusters with rensa (R-MinHash + RMinHashLSH).

Follows rensa's README: sketches built in one batch call (RMinHash.from_token_sets), indexed in
an RMinHashLSH, candidates from the index checked against the estimated Jaccard similarity.
Shingles are word n-grams of lowercased \\w+ tokens built in Python (rensa takes token lists).
The rho sketch (digest_matrix_from_token_sets_rho) is not used: rensa exposes only per-row
duplicate flags for it, not pairs, so it cannot produce clusters.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Phases, UnionFind, parse_args, read_jsonl, summary, word_shingles, write_clusters  # noqa: E402


def main():
    a = parse_args(__doc__.splitlines()[0])
    if a.bands <= 0:
        sys.exit("rensa needs --bands > 0")
    from rensa import RMinHash, RMinHashLSH

    ph = Phases("rensa")
    with ph("read"):
        ids, texts, nbytes = read_jsonl(a.input, a.field, a.id_field)
    keep, mhs = [], []  # keep[k] = input index of the k-th sketched text
    for lo in range(0, len(texts), a.batch):
        with ph("shingle", quiet=True):
            token_sets = []
            for i in range(lo, min(lo + a.batch, len(texts))):
                sh = word_shingles(texts[i], a.ngram)
                if sh:  # a text with no tokens is nobody's duplicate
                    keep.append(i)
                    token_sets.append(sh)
        with ph("sketch", quiet=True):
            mhs.extend(RMinHash.from_token_sets(token_sets, num_perm=a.num_perm, seed=a.seed))
        del token_sets
    ph.report("shingle")
    ph.report("sketch")
    with ph("index"):
        lsh = RMinHashLSH(threshold=a.threshold, num_perm=a.num_perm, num_bands=a.bands)
        lsh.insert_many(mhs, start_key=0)
    with ph("query"):
        cands = lsh.query_all(mhs)
        pairs = []
        for k, cs in enumerate(cands):
            m = mhs[k]
            for c in cs:
                if c > k and m.jaccard(mhs[c]) >= a.threshold:
                    pairs.append((keep[k], keep[c]))
    with ph("cluster"):
        uf = UnionFind(len(ids))
        for x, y in pairs:
            uf.union(x, y)
        roots = uf.roots()
    with ph("write"):
        write_clusters(a.output, ids, roots)
    ph.done(bytes=nbytes, pairs=len(pairs), **summary(roots))


if __name__ == "__main__":
    main()

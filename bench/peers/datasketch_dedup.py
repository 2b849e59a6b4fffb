#!/usr/bin/env python3
"""Near-duplicate clusters with datasketch (MinHash + MinHashLSH).

Follows datasketch's docs for speed: MinHash.generator (one initialised MinHash copied per
document, filled with update_batch), MinHashLSH with explicit (bands, rows) filled
through an insertion_session, then one query per document. MinHashLSH returns candidates that
share a band; by default they are kept as they are (datasketch's own notion of a match), and
--verify also checks MinHash.jaccard >= threshold. Shingles are word n-grams of lowercased \\w+
tokens, UTF-8 encoded (the default SHA-1 hash takes bytes).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Phases, UnionFind, parse_args, read_jsonl, summary, word_shingles, write_clusters  # noqa: E402


def extra(ap):
    ap.add_argument("--verify", action="store_true",
                    help="keep only candidate pairs whose estimated Jaccard >= threshold")
    ap.add_argument("--hashfunc", choices=["sha1", "xxhash"], default="sha1",
                    help="token hash: datasketch's default sha1, or xxhash32 (faster)")


def main():
    a = parse_args(__doc__.splitlines()[0], extra)
    from datasketch import MinHash, MinHashLSH

    kw = {"num_perm": a.num_perm, "seed": a.seed}
    if a.hashfunc == "xxhash":
        import xxhash

        kw["hashfunc"] = xxhash.xxh32_intdigest

    ph = Phases("datasketch")
    with ph("read"):
        ids, texts, nbytes = read_jsonl(a.input, a.field, a.id_field)
    keep, mhs = [], []  # keep[k] = input index of the k-th sketched text
    for lo in range(0, len(texts), a.batch):
        with ph("shingle", quiet=True):
            byte_sets = []
            for i in range(lo, min(lo + a.batch, len(texts))):
                sh = word_shingles(texts[i], a.ngram)
                if sh:  # a text with no tokens is nobody's duplicate
                    keep.append(i)
                    byte_sets.append([s.encode("utf-8") for s in sh])
        with ph("sketch", quiet=True):
            mhs.extend(MinHash.generator(byte_sets, **kw))
        del byte_sets
    ph.report("shingle")
    ph.report("sketch")
    with ph("index"):
        if a.bands > 0:
            lsh = MinHashLSH(num_perm=a.num_perm, params=(a.bands, a.num_perm // a.bands))
        else:  # let datasketch pick (b, r) for the threshold
            lsh = MinHashLSH(threshold=a.threshold, num_perm=a.num_perm)
        with lsh.insertion_session() as session:
            for k, m in enumerate(mhs):
                session.insert(k, m, check_duplication=False)
    print(f"[datasketch] lsh b={lsh.b} r={lsh.r}", file=sys.stderr)
    with ph("query"):
        pairs = []
        for k, m in enumerate(mhs):
            for c in lsh.query(m):
                if c > k and (not a.verify or m.jaccard(mhs[c]) >= a.threshold):
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

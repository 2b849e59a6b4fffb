#!/usr/bin/env python3
"""Near-duplicate clusters with gaoya (MinHashStringIndex).

Uses gaoya's own Rust tokenizer and shingler (analyzer='word', lowercase=True,
ngram_range=(n, n)) and its multi-threaded bulk calls: par_bulk_insert_docs, then
par_bulk_query, which already drops candidates whose estimated Jaccard is below the threshold.
gaoya's 'word' tokens are runs of characters that are neither ASCII whitespace nor ASCII
punctuation (close to, not the same as, \\w+).

gaoya gives a text with fewer than n tokens an empty signature, which would match every other
such text. Those texts are therefore hashed as one token made of all their words (the same rule
the other scripts and reprint use), through the index's insert_tokens/query_tokens; texts with no
token are nobody's duplicate.
"""
import os
import re
import sys
from itertools import islice

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Phases, UnionFind, parse_args, read_jsonl, summary, write_clusters  # noqa: E402

# gaoya splits on c.is_ascii_whitespace() || c.is_ascii_punctuation()
GAOYA_TOKEN = re.compile(r"[^\t\n\x0c\r\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+")


def extra(ap):
    ap.add_argument("--hash-size", type=int, default=32, choices=[8, 16, 32, 64],
                    help="bits per signature value (gaoya default 32)")
    ap.add_argument("--id-container", default="vec", choices=["set", "vec", "smallvec"],
                    help="bucket container; 'vec' is gaoya's advice when nothing is removed")


def main():
    a = parse_args(__doc__.splitlines()[0], extra)
    import gaoya

    ph = Phases("gaoya")
    with ph("read"):
        ids, texts, nbytes = read_jsonl(a.input, a.field, a.id_field)
    with ph("split"):
        long_idx, short_idx, short_tok = [], [], []
        for i, t in enumerate(texts):
            head = [m.group() for m in islice(GAOYA_TOKEN.finditer(t), a.ngram)]
            if len(head) >= a.ngram:
                long_idx.append(i)
            elif head:
                short_idx.append(i)
                short_tok.append([" ".join(GAOYA_TOKEN.findall(t.lower()))])
        long_texts = [texts[i] for i in long_idx]
        del texts
    if a.bands > 0:
        bands, rows = a.bands, a.num_perm // a.bands
        num_hashes = None
    else:  # let gaoya pick (bands, rows) for the threshold
        bands = rows = None
        num_hashes = a.num_perm
    index = gaoya.minhash.MinHashStringIndex(
        hash_size=a.hash_size, jaccard_threshold=a.threshold, num_bands=bands, band_size=rows,
        num_hashes=num_hashes, analyzer="word", lowercase=True, ngram_range=(a.ngram, a.ngram),
        id_container=a.id_container)
    print(f"[gaoya] {index}", file=sys.stderr)
    raw = index.minhash_index
    with ph("insert"):  # tokenize + shingle + sketch + index, in Rust threads
        index.par_bulk_insert_docs(long_idx, long_texts)
        for i, tok in zip(short_idx, short_tok):
            raw.insert_tokens(i, tok)
    with ph("query"):  # tokenize + shingle + sketch again, then look up and verify
        res = index.par_bulk_query(long_texts)
        res.extend(raw.query_tokens(tok) for tok in short_tok)
        pairs = []
        for i, cs in zip(long_idx + short_idx, res):
            for c in cs:
                if c > i:
                    pairs.append((i, c))
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

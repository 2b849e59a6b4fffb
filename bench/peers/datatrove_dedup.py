#!/usr/bin/env python3
"""Near-duplicate clusters with datatrove's MinHash pipeline on a local folder.

Runs the stages from datatrove's minhash example with LocalPipelineExecutor:
  1. JsonlReader + MinhashDedupSignature  (tasks = workers = --workers)
  2. MinhashDedupBuckets                  (tasks = number of buckets)
  3. MinhashDedupCluster(save_cluster_id=True)
and turns the per-shard .clusters files into one cluster label per input document. Stage 4
(MinhashDedupFilter) is not run: it only drops documents, and the labels are already known.

Tokenization is datatrove's own: simplify_text (lowercase, punctuation removed, numbers -> 0,
diacritics and whitespace normalised), the language's word tokenizer (spaCy's blank English
tokenizer for --language eng), word n-grams, xxhash64. --word-tokenizer regex swaps in a \\w+
tokenizer (a faster, non-default WordTokenizer). A pair matches when the two signatures agree on
a whole bucket; datatrove does not check the estimated Jaccard afterwards. A text with fewer
than n words gets no signature (datatrove's behaviour), so it is nobody's duplicate.

The input is first split into --workers contiguous JSONL shards in the work folder (phase
'prepare'); datatrove parallelises stage 1 by file, and the shards also fix the mapping from
datatrove's per-file document index back to the input line.
"""
import os
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Phases, UnionFind, _dumps, parse_args, read_jsonl, summary, write_clusters  # noqa: E402


def extra(ap):
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="processes (and input shards) for stages 1 and 2 (default: all cores)")
    ap.add_argument("--workdir", default=None,
                    help="folder for shards, signatures, buckets and logs (default: a new temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--language", default="eng", help="datatrove language code for the word tokenizer")
    ap.add_argument("--word-tokenizer", choices=["default", "regex"], default="default",
                    help="'default' = datatrove's tokenizer for --language; 'regex' = \\w+")
    ap.add_argument("--precision", type=int, choices=[32, 64], default=64,
                    help="hash precision (datatrove default 64)")
    ap.add_argument("--start-method", default="fork", choices=["fork", "forkserver", "spawn"],
                    help="how LocalPipelineExecutor starts workers (default fork, so that the workers "
                         "are this process's children and `time -v` counts their CPU and memory; "
                         "datatrove's own default is forkserver)")


def make_regex_tokenizer():
    import re

    from datatrove.utils.word_tokenizers import WordTokenizer

    word = re.compile(r"\w+")

    class RegexWordTokenizer(WordTokenizer):
        def word_tokenize(self, text):
            return word.findall(text)

        def sent_tokenize(self, text):
            return [text]

        def span_tokenize(self, text):
            return [(0, len(text))]

    return RegexWordTokenizer("regex")


def main():
    a = parse_args(__doc__.splitlines()[0], extra)
    if a.bands <= 0:
        sys.exit("datatrove needs --bands > 0")
    from datatrove.executor.local import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.utils.hashing import HashConfig

    cfg = MinhashConfig(
        n_grams=a.ngram,
        num_buckets=a.bands,
        hashes_per_bucket=a.num_perm // a.bands,
        seed=a.seed,
        hash_config=HashConfig(precision=a.precision),
    )
    language = make_regex_tokenizer() if a.word_tokenizer == "regex" else a.language
    work = a.workdir or tempfile.mkdtemp(prefix="datatrove_dedup_")
    os.makedirs(work, exist_ok=True)
    d_in, d_sig, d_buck, d_clu, d_log = (os.path.join(work, x) for x in
                                         ("input", "signatures", "buckets", "clusters", "logs"))
    for d in (d_in, d_sig, d_buck, d_clu, d_log):
        if os.path.exists(d):
            shutil.rmtree(d)  # stale results would be skipped as "completed"
    os.makedirs(d_in)

    ph = Phases("datatrove")
    with ph("read"):
        ids, texts, nbytes = read_jsonl(a.input, a.field, a.id_field)
    with ph("prepare"):
        # contiguous shards of about equal text length; JsonlReader skips empty texts, so they
        # are left out here and the shard's document index maps through shard_map
        workers = max(1, min(a.workers, len(texts)))
        total = sum(len(t) for t in texts) or 1
        shard_map = [[] for _ in range(workers)]
        files = [open(os.path.join(d_in, f"{r:05d}.jsonl"), "w", encoding="utf-8") for r in range(workers)]
        acc = 0
        for i, t in enumerate(texts):
            r = min(workers - 1, acc * workers // total)
            acc += len(t)
            if not t:
                continue
            files[r].write(_dumps({"id": str(i), "text": t}))
            files[r].write("\n")
            shard_map[r].append(i)
        for f in files:
            f.close()
        del texts
    reader = JsonlReader(d_in, text_key="text", id_key="id", glob_pattern="*.jsonl")
    with ph("signature"):
        LocalPipelineExecutor(
            pipeline=[reader, MinhashDedupSignature(output_folder=d_sig, config=cfg, language=language)],
            tasks=workers, workers=workers, logging_dir=os.path.join(d_log, "signatures"),
            start_method=a.start_method,
        ).run()
    with ph("buckets"):
        LocalPipelineExecutor(
            pipeline=[MinhashDedupBuckets(input_folder=d_sig, output_folder=d_buck, config=cfg)],
            tasks=cfg.num_buckets, workers=workers, logging_dir=os.path.join(d_log, "buckets"),
            start_method=a.start_method,
        ).run()
    with ph("cluster"):
        LocalPipelineExecutor(
            pipeline=[MinhashDedupCluster(input_folder=d_buck, output_folder=d_clu, config=cfg,
                                          save_cluster_id=True)],
            tasks=1, workers=1, logging_dir=os.path.join(d_log, "clusters"),
            start_method=a.start_method,
        ).run()
        # <rank>.clusters holds (doc index in shard, cluster id) pairs of little-endian u32
        uf = UnionFind(len(ids))
        first = {}
        pairs = 0
        for r in range(workers):
            p = os.path.join(d_clu, f"{r:06d}.clusters")
            if not os.path.exists(p):
                continue
            with open(p, "rb") as f:
                buf = f.read()
            for doc, cid in struct.iter_unpack("<2I", buf):
                g = shard_map[r][doc]
                if cid in first:
                    pairs += uf.union(first[cid], g)
                else:
                    first[cid] = g
        roots = uf.roots()
    with ph("write"):
        write_clusters(a.output, ids, roots)
    if not a.keep and not a.workdir:
        shutil.rmtree(work, ignore_errors=True)
    ph.done(bytes=nbytes, unions=pairs, **summary(roots))


if __name__ == "__main__":
    main()

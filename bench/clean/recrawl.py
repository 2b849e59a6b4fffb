#!/usr/bin/env python3
"""Build "crawled twice" variants of the dev set, to measure body recovery on re-crawls.

usage: recrawl.py OUTDIR [--gold ../shared/data/boilerplate-dev.jsonl] [--seed 5]

Writes three inputs to OUTDIR, each with every page of the gold file followed by a second
crawl of it (id suffixed "#copy"):
- twice.jsonl: the copy as it was;
- widget_edge.jsonl: the copy with one widget line ("Most read today: <headline> <n>") added at
  its top or bottom (a coin toss per page);
- widget_any.jsonl: the same line at a random line of the copy (inside a paragraph too);
- thrice.jsonl: two copies, each with its own widget line at a random line (ids suffixed
  "#copy" and "#2#copy"): a page crawled three times, and a site of one article three.
Clean each with reprint, drop the copies from the output, and score the first crawls with
score_dev.py; one crawl of each page is the reference:

    for v in twice widget_edge widget_any thrice; do
        target/release/reprint clean OUTDIR/$v.jsonl -o OUTDIR/$v.out.jsonl
        grep -v '#copy"' OUTDIR/$v.out.jsonl > OUTDIR/$v.first.jsonl
        python3 bench/clean/score_dev.py OUTDIR/$v.first.jsonl
    done
"""
import argparse
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_GOLD = os.path.join(ROOT, "..", "shared", "data", "boilerplate-dev.jsonl")
HEADLINES = ["Storm hits coast", "Markets rally", "Team wins final", "New phone launched"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--gold", default=DEFAULT_GOLD)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    rng = random.Random(args.seed)
    # Its own generator, so that the other variants are the same with or without it.
    rng3 = random.Random(args.seed + 1)
    names = ["twice", "widget_edge", "widget_any", "thrice"]
    outs = {n: open(os.path.join(args.outdir, n + ".jsonl"), "w", encoding="utf-8") for n in names}
    with open(args.gold, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            page = json.loads(line)
            lines = page["text"].split("\n")
            widget = f"Most read today: {rng.choice(HEADLINES)} {rng.randrange(1000)}"
            edge = len(lines) if rng.random() < 0.5 else 0
            anywhere = rng.randrange(len(lines) + 1)
            for name, at in [("twice", None), ("widget_edge", edge), ("widget_any", anywhere)]:
                copy = dict(page, id=page["id"] + "#copy")
                if at is not None:
                    copy["text"] = "\n".join(lines[:at] + [widget] + lines[at:])
                outs[name].write(json.dumps(page, ensure_ascii=False) + "\n")
                outs[name].write(json.dumps(copy, ensure_ascii=False) + "\n")
            outs["thrice"].write(json.dumps(page, ensure_ascii=False) + "\n")
            for suffix in ["#copy", "#2#copy"]:
                w = f"Most read today: {rng3.choice(HEADLINES)} {rng3.randrange(1000)}"
                at = rng3.randrange(len(lines) + 1)
                copy = dict(page, id=page["id"] + suffix, text="\n".join(lines[:at] + [w] + lines[at:]))
                outs["thrice"].write(json.dumps(copy, ensure_ascii=False) + "\n")
    for out in outs.values():
        out.close()


if __name__ == "__main__":
    main()

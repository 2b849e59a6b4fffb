#!/usr/bin/env python3
"""Score body-recovery predictions on the dev set, per source, with the official scorer.

usage: score_dev.py PRED.jsonl [--title-field title] [--body-field body]
                    [--gold ../shared/data/boilerplate-dev.jsonl] [--scorer ../shared/eval/clean_score.py]
                    [--json]

The gold bodies keep the page headline, so each prediction is scored on
`title + "\n\n" + body` (just `body` when the title is null, empty or missing). Predictions are
matched to gold by `id`. A gold id with no prediction (or a null body) is scored as an empty body,
exactly as clean_score.py does itself (pred.get(id, "")). The numbers come from running
clean_score.py in a subprocess on temp files, once per source and once for everything ("all").
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # the repository root (/work/main)
DEFAULT_GOLD = os.path.join(ROOT, "..", "shared", "data", "boilerplate-dev.jsonl")
DEFAULT_SCORER = os.path.join(ROOT, "..", "shared", "eval", "clean_score.py")
SCORED = "scored_text"  # field of the temp prediction files that clean_score.py reads
ORDER = ["dragnet", "cleaneval-final", "cleaneval-dev"]  # print order; unknown sources follow


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def scored_text(rec, title_field, body_field):
    """title + blank line + body; just body when there is no title."""
    body = rec.get(body_field) or ""
    title = rec.get(title_field)
    return f"{title}\n\n{body}" if title else body


def run_scorer(scorer, gold_rows, pred_rows, tmpdir, tag):
    """Write one gold/pred pair of temp files and return clean_score.py's JSON output."""
    gpath, ppath = os.path.join(tmpdir, f"{tag}.gold.jsonl"), os.path.join(tmpdir, f"{tag}.pred.jsonl")
    for path, rows in ((gpath, gold_rows), (ppath, pred_rows)):
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, scorer, gpath, ppath, "--pred-field", SCORED],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pred", metavar="PRED.jsonl")
    ap.add_argument("--title-field", default="title")
    ap.add_argument("--body-field", default="body")
    ap.add_argument("--gold", default=DEFAULT_GOLD)
    ap.add_argument("--scorer", default=DEFAULT_SCORER)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    a = ap.parse_args()

    gold = read_jsonl(a.gold)
    gold_ids = {str(g["id"]) for g in gold}
    preds = {}
    for p in read_jsonl(a.pred):
        preds[str(p["id"])] = {"id": p["id"], SCORED: scored_text(p, a.title_field, a.body_field)}
    missing = sum(1 for i in gold_ids if i not in preds)
    extra = sum(1 for i in preds if i not in gold_ids)
    if missing or extra:
        print(f"note: {missing} gold ids have no prediction (scored as empty); "
              f"{extra} predictions match no gold id (ignored)", file=sys.stderr)

    # gold rows grouped by source, in file order; "all" is the whole file
    parts = OrderedDict((s, []) for s in ORDER)
    for g in gold:
        parts.setdefault(g["source"], []).append(g)
    parts["all"] = gold

    results = OrderedDict()
    with tempfile.TemporaryDirectory(prefix="score_dev_", dir="/tmp") as tmp:
        for n, (source, rows) in enumerate(parts.items()):
            if not rows:
                continue
            # only the gold fields the scorer needs; only predictions for this part's ids
            g_rows = [{"id": g["id"], "body": g["body"]} for g in rows]
            p_rows = [preds[str(g["id"])] for g in rows if str(g["id"]) in preds]
            results[source] = run_scorer(a.scorer, g_rows, p_rows, tmp, f"part{n}")

    if a.json:
        print(json.dumps({"pred": a.pred, "missing": missing, "results": results}, indent=1))
        return
    print(f"{'source':<16} {'pages':>5} {'macro P':>8} {'macro R':>8} {'macro F1':>8} {'micro F1':>8}")
    for source, s in results.items():
        print(f"{source:<16} {s['docs']:>5} {s['macro_p']:>8.4f} {s['macro_r']:>8.4f} "
              f"{s['macro_f1']:>8.4f} {s['micro_f1']:>8.4f}")


if __name__ == "__main__":
    main()

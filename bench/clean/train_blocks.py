#!/usr/bin/env python3
"""Train reprint's block model: a logistic regression deciding which blocks still in play
after headline, boilerplate and repeat removal are article text.

usage: train_blocks.py UNITS.jsonl GOLD.jsonl [--out src/clean/block_model.json] [--folds 5] [--good-threshold 0.25]

UNITS.jsonl comes from `cargo run --release --example block_features -- GOLD.jsonl UNITS.jsonl
--site-field site`: per page, each unit's text, features (the order of FEATURES in
src/clean/model.rs) and the rules' decision. GOLD.jsonl has `{"id", "source", "site", "body"}`
per page (../shared/data/boilerplate-dev.jsonl; third-party, read here, never copied into the
repository). The model file holds only weights and the figures below.

Labels: a unit is article text when at least half of its word trigrams occur in the gold body
(units of one or two words: when they occur in it as a sequence), tokens being lowercase
\\w+ runs as clean_score.py counts them, so re-wrapped gold lines still match.

Cross-validation is split by site (pages without a site are grouped per source), so a fold
never sees another page of a held-out page's site. For each held-out page the body is rebuilt
as title + kept units and scored as clean_score.py scores (token multisets, macro F1 per
source); the rules alone are scored the same way, side by side. When UNITS.jsonl has each
unit's removed_before, lines and words, the island step the cleaner runs after the model
(trailing_islands below, as in src/clean/unit.rs) is applied to every decision before it is
scored, so the figures are the whole pipeline's. The shipped model is then fitted on every
page. numpy only.
"""
import argparse
import json
import re
import zlib
from collections import Counter, defaultdict

import numpy as np

FEATURES = [
    "ln_words", "function_density", "digit_share", "sentence_end", "separators", "ln_chars", "cjk",
    "rule_good", "rule_bad", "rule_near", "rule_keep", "position", "has_site", "site_share",
    "shape_share", "prev_edge", "prev_removed", "prev_good", "prev_bad", "prev_function_density",
    "prev_ln_words", "next_edge", "next_removed", "next_good", "next_bad", "next_function_density",
    "next_ln_words", "page_share", "page_share_before", "good_before", "good_after", "capitalized",
    "ends_colon", "ln_page_words",
]
TOK = re.compile(r"\w+", re.UNICODE)
L2 = 1.0  # ridge penalty on standardized weights


def tokens(s):
    return TOK.findall((s or "").lower())


def label(unit_tokens, gold_trigrams, gold_seq):
    if not unit_tokens:
        return 0
    if len(unit_tokens) < 3:
        return int(" " + " ".join(unit_tokens) + " " in gold_seq)
    grams = [tuple(unit_tokens[i:i + 3]) for i in range(len(unit_tokens) - 2)]
    return int(sum(g in gold_trigrams for g in grams) >= 0.5 * len(grams))


def prf(pred, gold):
    inter = sum((pred & gold).values())
    np_, ng = sum(pred.values()), sum(gold.values())
    p = inter / np_ if np_ else (1.0 if ng == 0 else 0.0)
    r = inter / ng if ng else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def fit(X, y, w, iters=60):
    """Weighted L2 logistic regression by Newton's method on standardized features."""
    mean, scale = X.mean(0), X.std(0)
    scale[scale < 1e-6] = 1.0
    Z = np.hstack([(X - mean) / scale, np.ones((len(X), 1))])
    beta = np.zeros(Z.shape[1])
    reg = np.full(Z.shape[1], L2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-Z @ beta))
        grad = Z.T @ (w * (p - y)) + reg * beta
        H = (Z * (w * p * (1 - p))[:, None]).T @ Z + np.diag(reg)
        step = np.linalg.solve(H, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, beta


# The island step after the model (src/clean/unit.rs, trailing_islands): a removed line costs
# the main run this many words, and an island after it with less than this share of its words
# goes, unless such islands together outweigh the run.
ISLAND_GAP_WORDS = 3
ISLAND_SHARE = 0.25


def trailing_islands(units, keep):
    """The indices of kept units the island step drops, from each unit's removed_before,
    lines and words (block_features output), as trailing_islands in src/clean/unit.rs reads the
    page's lines: a kept unit is its words, a dropped one its lines, each a removed line."""
    lines = []  # (unit index or None, words or None for a removed line)
    for i, (u, k) in enumerate(zip(units, keep)):
        lines += [(None, None)] * u["removed_before"]
        if k:
            lines.append((i, u["words"]))
        else:
            lines += [(None, None)] * u["lines"]
    best, run, total, start = 0, (0, 0), 0, 0
    for j, (_, w) in enumerate(lines):
        if total <= 0:
            total, start = 0, j
        total += -ISLAND_GAP_WORDS if w is None else w
        if total > best:
            best, run = total, (start, j + 1)
    main = sum(w for _, w in lines[run[0]:run[1]] if w is not None)
    out, dropped, j = [], 0, run[1]
    while j < len(lines):
        if lines[j][1] is None:
            j += 1
            continue
        island = []
        while j < len(lines) and lines[j][1] is not None:
            island.append(lines[j])
            j += 1
        words = sum(w for _, w in island)
        if words < ISLAND_SHARE * main:
            out += [i for i, _ in island]
            dropped += words
    return [] if dropped >= main else out


def predict(model, X):
    mean, scale, beta = model
    return 1 / (1 + np.exp(-(((X - mean) / scale) @ beta[:-1] + beta[-1])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("units")
    ap.add_argument("gold")
    ap.add_argument("--out", default="src/clean/block_model.json")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--good-threshold", type=float, default=0.25)
    a = ap.parse_args()

    gold = {str(g["id"]): g for g in map(json.loads, open(a.gold, encoding="utf-8"))}
    pages = [json.loads(line) for line in open(a.units, encoding="utf-8")]
    rows, ys, ws, page_of, unit_toks = [], [], [], [], []
    for k, page in enumerate(pages):
        g = gold[str(page["id"])]
        gt = tokens(g["body"])
        trigrams = {tuple(gt[i:i + 3]) for i in range(len(gt) - 2)}
        seq = " " + " ".join(gt) + " "
        for u in page["units"]:
            ut = tokens(u["text"])
            rows.append(u["features"])
            ys.append(label(ut, trigrams, seq))
            ws.append(np.sqrt(len(ut) + 1.0))
            page_of.append(k)
            unit_toks.append(Counter(ut))
    X, y, w = np.array(rows, dtype=np.float64), np.array(ys, dtype=np.float64), np.array(ws)
    page_of = np.array(page_of)
    assert X.shape[1] == len(FEATURES), "features differ from src/clean/model.rs"

    def group(page):
        g = gold[str(page["id"])]
        return g["site"] or f"nosite:{g['source']}"

    fold_of_page = np.array([zlib.crc32(group(p).encode()) % a.folds for p in pages])
    fold = fold_of_page[page_of]
    prob = np.zeros(len(y))
    for f in range(a.folds):
        train, test = fold != f, fold == f
        prob[test] = predict(fit(X[train], y[train], w[train]), X[test])

    rule_keep = np.array([u["rule_keep"] for p in pages for u in p["units"]])

    first_unit = np.concatenate([[0], np.cumsum([len(p["units"]) for p in pages])[:-1]]).astype(int)
    islands = all("removed_before" in u for p in pages for u in p["units"])

    def scores(keep):
        # As the cleaner does: a model that keeps none of a page's units, where the rules keep
        # some, gives way to the rules on that page.
        keep = keep.copy()
        kept_any = np.bincount(page_of, weights=keep, minlength=len(pages)) > 0
        rules_any = np.bincount(page_of, weights=rule_keep, minlength=len(pages)) > 0
        fallback = (~kept_any & rules_any)[page_of]
        keep[fallback] = rule_keep[fallback]
        if islands:
            for k, page in enumerate(pages):
                at = first_unit[k]
                for i in trailing_islands(page["units"], keep[at:at + len(page["units"])]):
                    keep[at + i] = False
        by_source = defaultdict(list)
        kept = defaultdict(Counter)
        for i in np.nonzero(keep)[0]:
            kept[page_of[i]] += unit_toks[i]
        for k, page in enumerate(pages):
            g = gold[str(page["id"])]
            pred = Counter(tokens(page["title"])) + kept[k]
            by_source[g["source"]].append(prf(pred, Counter(tokens(g["body"]))))
        out = {s: float(np.mean(v)) for s, v in sorted(by_source.items())}
        out["all"] = float(np.mean([x for v in by_source.values() for x in v]))
        return out

    rules = scores(rule_keep)
    print("rules alone        ", json.dumps({k: round(v, 4) for k, v in rules.items()}))
    # The rules' "bad" class (no words, digit-heavy lines, menus, a few words without function
    # words) stays final: the model decides the rest. Gold conventions differ on date and byline
    # lines; the design calls them chrome.
    rule_bad = X[:, FEATURES.index("rule_bad")] > 0.5
    # Overriding the rules' "good" class (long, or a sentence rich in function words) takes more
    # confidence: such a unit is dropped only when p < --good-threshold. A prior, not fitted:
    # it keeps the model from dropping the closing paragraph of a short article, a page unlike
    # the long pages it learns from (costs ~0.001 macro F1 in cross-validation here).
    rule_good = X[:, FEATURES.index("rule_good")] > 0.5
    good_threshold = a.good_threshold
    best = None
    for threshold in (0.4, 0.5, 0.6):
        cut = np.where(rule_good, min(good_threshold, threshold), threshold)
        s = scores((prob >= cut) & ~rule_bad)
        print(f"model, cv, p>={threshold} (rule-good units p>={min(good_threshold, threshold)})",
              json.dumps({k: round(v, 4) for k, v in s.items()}))
        if best is None or s["all"] > best[1]["all"]:
            best = (threshold, s)
    threshold, cv = best
    good_threshold = min(good_threshold, threshold)
    mean, scale, beta = fit(X, y, w)
    model = {
        "note": "logistic regression over block units; made by bench/clean/train_blocks.py",
        "trained_on": f"{len(pages)} pages, {len(y)} units of {a.gold.split('/')[-1]}",
        "cv_macro_f1_by_site_folds": {k: round(v, 4) for k, v in cv.items()},
        "rules_macro_f1_same_scoring": {k: round(v, 4) for k, v in rules.items()},
        "features": FEATURES,
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "weights": [round(float(v), 6) for v in beta[:-1]],
        "bias": round(float(beta[-1]), 6),
        "threshold": threshold,
        "good_threshold": good_threshold,
    }
    with open(a.out, "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    print(f"wrote {a.out} (threshold {threshold}, good units {good_threshold})")


if __name__ == "__main__":
    main()

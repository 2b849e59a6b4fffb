#!/usr/bin/env python3
"""Peer baselines for body recovery on the dev set: one prediction file per method.

usage: baselines.py OUTDIR [--gold ../shared/data/boilerplate-dev.jsonl] [--only NAME ...]

Each method reads only `text` (the page's visible text, one block per line) and writes
OUTDIR/NAME.jsonl with one `{"id", "body", "title": null}` per page, in input order. Wall-clock
seconds per method (whole set, excluding file I/O) go to OUTDIR/timings.json and stdout.

methods:
  identity            keep all text
  line_dedup          drop every line seen on >= 2 pages of the same site (CCNet-style, exact
                      match after stripping surrounding whitespace); a page with site null is its
                      own site, so nothing is dropped from it
  justext_en          jusText defaults, English stoplist (justext.get_stoplist("English"))
  justext_none        jusText with an empty stoplist; as jusText's own CLI does for an empty
                      stoplist (its "language-independent mode"), stopwords_low = stopwords_high = 0
  trafilatura         trafilatura.extract(html, include_comments=False)
  trafilatura_recall  the same with favor_recall=True
The HTML peers get a minimal document with each line of `text` as one <p>: they see no real DOM.
"""
import argparse
import html
import json
import os
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GOLD = os.path.join(HERE, "..", "..", "..", "shared", "data", "boilerplate-dev.jsonl")


def lines_of(text):
    """Non-blank lines of a page, surrounding whitespace stripped."""
    return [l.strip() for l in (text or "").split("\n") if l.strip()]


def minimal_html(text):
    """The page's lines as <p> paragraphs of an otherwise empty HTML document."""
    paras = "\n".join(f"<p>{html.escape(l)}</p>" for l in lines_of(text))
    return f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{paras}\n</body></html>"


# ---- methods: each takes the list of pages and returns one body string per page ----

def identity(pages):
    return [p["text"] or "" for p in pages]


def line_dedup(pages):
    # site key: the host, or the page's own id when the host is unknown
    site = [p["site"] if p.get("site") else ("page:" + str(p["id"])) for p in pages]
    pages_with = defaultdict(set)  # (site, line) -> pages of that site containing the line
    for i, p in enumerate(pages):
        for l in set(lines_of(p["text"])):
            pages_with[(site[i], l)].add(i)
    return ["\n".join(l for l in lines_of(p["text"]) if len(pages_with[(site[i], l)]) < 2)
            for i, p in enumerate(pages)]


def _justext(pages, stoplist, **kw):
    import justext
    out = []
    for p in pages:
        paras = justext.justext(minimal_html(p["text"]), stoplist, **kw)
        out.append("\n".join(x.text for x in paras if not x.is_boilerplate))
    return out


def justext_en(pages):
    import justext
    return _justext(pages, justext.get_stoplist("English"))


def justext_none(pages):
    return _justext(pages, frozenset(), stopwords_low=0, stopwords_high=0)


def _trafilatura(pages, **kw):
    import trafilatura
    return [trafilatura.extract(minimal_html(p["text"]), include_comments=False, **kw) or ""
            for p in pages]


def trafilatura_default(pages):
    return _trafilatura(pages)


def trafilatura_recall(pages):
    return _trafilatura(pages, favor_recall=True)


METHODS = {
    "identity": identity,
    "line_dedup": line_dedup,
    "justext_en": justext_en,
    "justext_none": justext_none,
    "trafilatura": trafilatura_default,
    "trafilatura_recall": trafilatura_recall,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--gold", default=DEFAULT_GOLD, help="dev set JSONL (only id/site/text are read)")
    ap.add_argument("--only", nargs="+", choices=list(METHODS), help="run just these methods")
    a = ap.parse_args()

    os.makedirs(a.outdir, exist_ok=True)
    with open(a.gold, encoding="utf-8") as f:
        pages = [json.loads(line) for line in f if line.strip()]
    # the methods see only what reprint sees: id, site and the visible text
    pages = [{"id": p["id"], "site": p.get("site"), "text": p.get("text")} for p in pages]

    tpath = os.path.join(a.outdir, "timings.json")
    timings = json.load(open(tpath)) if os.path.exists(tpath) else {}
    for name in a.only or METHODS:
        t0 = time.perf_counter()
        bodies = METHODS[name](pages)
        timings[name] = round(time.perf_counter() - t0, 3)
        with open(os.path.join(a.outdir, name + ".jsonl"), "w", encoding="utf-8") as f:
            for p, body in zip(pages, bodies):
                f.write(json.dumps({"id": p["id"], "body": body, "title": None}, ensure_ascii=False) + "\n")
        print(f"{name:<20} {timings[name]:>9.3f} s  ({len(pages)} pages)", flush=True)
    with open(tpath, "w") as f:
        json.dump(timings, f, indent=1)


if __name__ == "__main__":
    main()

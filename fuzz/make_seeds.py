#!/usr/bin/env python3
"""Seed inputs for the fuzz targets from the committed corpora (written to fuzz/seeds/,
which git ignores). Run from fuzz/: python3 make_seeds.py

- record: every line of corpora/bad-lines.jsonl and the first 40 lines of mini.jsonl,
  plus mini.jsonl.gz and mini.jsonl.zst cut to their first 4 KB (decoder paths);
- text, clean: the texts of the first 200 records of sample.jsonl and of seed.jsonl.
Each seed is cut to 4096 bytes, libFuzzer's default -max_len.
"""
import json
import os

MAX = 4096
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpora")


def write(target, name, data):
    folder = os.path.join("seeds", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data[:MAX])


def text_of(line):
    """The record's text as UTF-8, cut to at most MAX bytes on a character boundary."""
    data = json.loads(line)["text"].encode("utf-8")[:MAX]
    return data.decode("utf-8", errors="ignore").encode("utf-8")


with open(os.path.join(ROOT, "bad-lines.jsonl"), "rb") as f:
    for i, line in enumerate(f):
        write("record", f"bad-{i:02}", line.rstrip(b"\n"))
with open(os.path.join(ROOT, "mini.jsonl"), "rb") as f:
    for i, line in enumerate(f):
        if i < 40:
            write("record", f"mini-{i:02}", line.rstrip(b"\n"))
for ext in ["gz", "zst"]:
    with open(os.path.join(ROOT, f"mini.jsonl.{ext}"), "rb") as f:
        write("record", f"mini-{ext}", f.read())

texts = []
with open(os.path.join(ROOT, "sample.jsonl"), encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i >= 200:
            break
        texts.append((f"sample-{i:03}", text_of(line)))
with open(os.path.join(ROOT, "seed.jsonl"), encoding="utf-8") as f:
    texts.append(("seed", text_of(f.readline())))
for target in ["text", "clean"]:
    for name, data in texts:
        write(target, name, data)

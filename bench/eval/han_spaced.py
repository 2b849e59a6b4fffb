#!/usr/bin/env python3
"""Copy a JSONL corpus with a space on each side of every Han, Kana and Hangul character.

usage: han_spaced.py IN.jsonl > OUT.jsonl [--field text]

`../shared/eval/exact_pairs.py` tokenizes with `\\w+`, so an unspaced Chinese clause is one
token there, while reprint makes each of these characters a token. Running the oracle on the
spaced copy makes it measure the Jaccard similarity reprint is asked to estimate; nothing
else in the records changes.
"""
import json
import re
import sys

CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])")

field = sys.argv[sys.argv.index("--field") + 1] if "--field" in sys.argv else "text"
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        record = json.loads(line)
        if isinstance(record.get(field), str):
            record[field] = CJK.sub(r" \1 ", record[field])
        print(json.dumps(record, ensure_ascii=False))

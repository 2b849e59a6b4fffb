#!/usr/bin/env bash
# Time two reprint builds against each other, alternating, on one corpus: each round runs
# `clean`, default `dedup` and `dedup --raw`, at -j1 and -j2, with the old build then the new,
# so a noisy neighbour slows both alike. Prints one line per run:
#   MODE BUILD -jN WALL_S USER_S SYS_S MAX_RSS_KB
# (wall from reprint's summary line; CPU and memory from /usr/bin/time). `clean` writes a file,
# removed before each run: replacing an existing output makes the run truncate the old file's
# pages, which shows as system time. The others write their kept records to /dev/null.
#
#   usage: bench/ab_builds.sh OLD_BIN NEW_BIN CORPUS.jsonl OUTDIR [ROUNDS]
set -u
if [ $# -lt 4 ]; then
    echo "usage: $0 OLD_BIN NEW_BIN CORPUS.jsonl OUTDIR [ROUNDS]" >&2
    exit 2
fi
OLD=$1; NEW=$2; IN=$3; OUT=$4; ROUNDS=${5:-5}
mkdir -p "$OUT"
for round in $(seq 1 "$ROUNDS"); do
    for build in old new; do
        bin=$OLD; [ $build = new ] && bin=$NEW
        for j in 1 2; do
            for mode in clean dedup raw; do
                case $mode in
                    clean) args=(clean -j$j --progress never "$IN" -o "$OUT/clean.$build.jsonl") ;;
                    dedup) args=(dedup -j$j --progress never "$IN" -o /dev/null --clusters "$OUT/dedup.$build.jsonl") ;;
                    raw) args=(dedup --raw -j$j --progress never "$IN" -o /dev/null --clusters "$OUT/raw.$build.jsonl") ;;
                esac
                rm -f "$OUT/clean.$build.jsonl"
                log=$( { /usr/bin/time -f "TIME %U %S %M" "$bin" "${args[@]}"; } 2>&1 )
                wall=$(grep -o "in [0-9.]*s" <<< "$log" | tr -dc '0-9.')
                echo "$mode $build -j$j $wall $(grep TIME <<< "$log" | cut -d' ' -f2-)"
            done
        done
    done
done
for f in dedup raw; do
    cmp -s "$OUT/$f.old.jsonl" "$OUT/$f.new.jsonl" && echo "$f clusters: the same bytes" || echo "$f clusters: DIFFER"
done

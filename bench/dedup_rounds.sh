#!/usr/bin/env bash
# Time reprint and the peer dedup tools side by side on one corpus, in rounds: each round runs
# every tool once, so a noisy neighbour slows all tools alike. Prints one line per run and
# writes every run's clusters, so the quality of each can be scored afterwards.
#
#   usage: bench/dedup_rounds.sh IN.jsonl OUTDIR [ROUNDS]
#   env:   REPRINT  the binary (default target/release/reprint, built by cargo build --release)
#          PEERS_PYTHON  interpreter with bench/peers/requirements.txt installed (default /work/venv/bin/python)
#          TOOLS   tools to run, space separated (default: every one below)
#
# Tools: raw-j1 raw-j2 (reprint dedup --raw), default-j1 default-j2 (reprint dedup, bodies
# signed), rensa gaoya datasketch (bench/peers/*_dedup.py, threshold 0.8, 128 values, 5-word
# shingles, 16 bands); datatrove too (all cores as worker processes; slow: about 100 s for
# 20,000 documents, so not in the default list). Each run writes OUTDIR/<tool>.<round>.jsonl ({"id","cluster"} per line)
# and appends "tool round wall_s user_s sys_s max_rss_kb" to OUTDIR/runs.tsv.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 IN.jsonl OUTDIR [ROUNDS]" >&2
    exit 2
fi
IN=$1; OUT=$2; ROUNDS=${3:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
REPRINT=${REPRINT:-$HERE/../target/release/reprint}
PY=${PEERS_PYTHON:-/work/venv/bin/python}
TOOLS=${TOOLS:-"raw-j1 raw-j2 default-j1 default-j2 rensa gaoya datasketch"}
mkdir -p "$OUT"
[ -f "$OUT/runs.tsv" ] || printf 'tool\tround\twall_s\tuser_s\tsys_s\tmax_rss_kb\n' > "$OUT/runs.tsv"

run() { # tool round command...
    local tool=$1 round=$2; shift 2
    /usr/bin/time -f "%e\t%U\t%S\t%M" -o "$OUT/time.tmp" "$@" > /dev/null 2> "$OUT/$tool.$round.log"
    local rc=$?
    printf '%s\t%s\t%s\n' "$tool" "$round" "$(cat "$OUT/time.tmp")" >> "$OUT/runs.tsv"
    printf '%-12s round %s: %s (rc %s)\n' "$tool" "$round" "$(tr '\t' ' ' < "$OUT/time.tmp")" "$rc" >&2
}

for round in $(seq 1 "$ROUNDS"); do
    for tool in $TOOLS; do
        clusters="$OUT/$tool.$round.jsonl"
        case $tool in
            raw-j1) run "$tool" "$round" "$REPRINT" dedup --raw -j1 --progress never "$IN" -o /dev/null --clusters "$clusters" ;;
            raw-j2) run "$tool" "$round" "$REPRINT" dedup --raw -j2 --progress never "$IN" -o /dev/null --clusters "$clusters" ;;
            default-j1) run "$tool" "$round" "$REPRINT" dedup -j1 --progress never "$IN" -o /dev/null --clusters "$clusters" ;;
            default-j2) run "$tool" "$round" "$REPRINT" dedup -j2 --progress never "$IN" -o /dev/null --clusters "$clusters" ;;
            rensa | gaoya | datasketch | datatrove)
                run "$tool" "$round" "$PY" "$HERE/peers/${tool}_dedup.py" "$IN" "$clusters" \
                    --threshold 0.8 --num-perm 128 --ngram 5 ;;
            *) echo "unknown tool $tool" >&2; exit 2 ;;
        esac
    done
done
rm -f "$OUT/time.tmp"

# Medians per tool, and whether every round of a tool wrote the same clusters.
echo >&2
awk -F'\t' 'NR > 1 { w[$1] = w[$1] " " $3; r[$1] = r[$1] " " $6 }
    END { for (t in w) print t "\t" w[t] "\t" r[t] }' "$OUT/runs.tsv" |
while IFS=$'\t' read -r tool walls rsss; do
    med=$(echo $walls | tr ' ' '\n' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    rss=$(echo $rsss | tr ' ' '\n' | sort -g | tail -1)
    same=yes
    for f in "$OUT/$tool".*.jsonl; do cmp -s "$f" "$OUT/$tool.1.jsonl" || same=no; done
    printf '%-12s median wall %s s (runs:%s), peak RSS %s kB, identical clusters every round: %s\n' \
        "$tool" "$med" "$walls" "$rss" "$same"
done

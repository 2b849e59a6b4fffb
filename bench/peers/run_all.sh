#!/usr/bin/env bash
# Run every peer on one JSONL under /usr/bin/time -v and print a summary table.
#   usage: run_all.sh IN.jsonl OUTDIR [extra args passed to every peer, e.g. --threshold 0.8]
#   env:   PEERS_PYTHON  interpreter with the peers installed (default /work/venv/bin/python)
#          PEERS         peers to run, space separated (default: rensa datasketch gaoya datatrove)
# Writes OUTDIR/<peer>.jsonl (clusters), <peer>.log (the script's stderr, phase times),
# <peer>.time (the full /usr/bin/time -v report) and summary.tsv.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 IN.jsonl OUTDIR [peer args...]" >&2
    exit 2
fi
IN=$1; OUT=$2; shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PEERS_PYTHON:-/work/venv/bin/python}
PEERS=${PEERS:-"rensa datasketch gaoya datatrove"}
TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
    echo "$TIME is missing: apt-get update && apt-get install -y time" >&2
    exit 2
fi
[ -r "$IN" ] || { echo "cannot read $IN" >&2; exit 2; }
mkdir -p "$OUT"
BYTES=$(stat -c %s "$IN")

# wall seconds and peak RSS (kB) from a `time -v` report
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
           for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.3f", s }' "$1"; }
rss_kb() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }

status=0
printf 'peer\tstatus\tseconds\tMB_per_s\tpeak_rss_MB\n' > "$OUT/summary.tsv"
for peer in $PEERS; do
    script="$HERE/${peer}_dedup.py"
    echo "== $peer" >&2
    "$TIME" -v -o "$OUT/$peer.time" "$PY" "$script" "$IN" "$OUT/$peer.jsonl" "$@" 2> "$OUT/$peer.log"
    rc=$?
    grep -E "^\[$peer\] (phase|total)" "$OUT/$peer.log" >&2
    if [ $rc -ne 0 ]; then
        tail -n 5 "$OUT/$peer.log" >&2
        status=1
    fi
    s=$(wall_s "$OUT/$peer.time"); kb=$(rss_kb "$OUT/$peer.time")
    awk -v p="$peer" -v rc="$rc" -v s="$s" -v kb="$kb" -v b="$BYTES" 'BEGIN {
        st = (rc == 0) ? "ok" : "FAIL(" rc ")";
        printf "%s\t%s\t%.3f\t%.2f\t%.1f\n", p, st, s, (s > 0 ? b / 1e6 / s : 0), kb * 1024 / 1e6 }' \
        >> "$OUT/summary.tsv"
done

echo
echo "input: $IN ($(awk -v b="$BYTES" 'BEGIN { printf "%.2f", b / 1e6 }') MB)"
column -t -s $'\t' "$OUT/summary.tsv" 2>/dev/null || cat "$OUT/summary.tsv"
exit $status

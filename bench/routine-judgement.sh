#!/usr/bin/env bash
# Judgement benchmark on a site's routine (tests/tools/flow/gen-routine.py):
# per-rule recall of the planted positives, false alarms above info per
# 1,000 host-days and findings repeated, on the tuning set (variant A, seed 1)
# and on two held-out sets with other numbering, hours, periods and volumes
# (variant B seed 2, variant C seed 3) and one whose routine itself differs
# (variant D seed 7: other vendors and countries, weekly and business-day
# jobs); and the whole `dormant flows` run
# (flows, every rule, summaries stored) against `nfpcapd -r` on the same
# capture. Prints Markdown (also bench/out/routine-judgement.md).
# Usage: bench/routine-judgement.sh [path/to/dormant] [hosts] [days]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(realpath "${1:-$ROOT/build/dormant}")
HOSTS=${2:-200} DAYS=${3:-14}
OUT="$ROOT/bench/out"
WORK=${DM_BENCH_WORK:-/var/tmp/dormant-routine-bench}
mkdir -p "$OUT" "$WORK"
command -v nfpcapd >/dev/null || { echo "routine-judgement: nfpcapd missing (scripts/deps bench)" >&2; exit 3; }
for set in A:1 B:2 C:3 D:7; do
	v=${set%%:*} seed=${set##*:} dir="$WORK/$v"
	if [ ! -s "$dir/truth.json" ] || ! python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); sys.exit(not (len(t["hosts"]) == int(sys.argv[2]) and t["days"] == int(sys.argv[3])))' "$dir/truth.json" "$HOSTS" "$DAYS"; then
		python3 "$ROOT/tests/tools/flow/gen-routine.py" "$dir" --seed "$seed" --variant "$v" --hosts "$HOSTS" --days "$DAYS" || exit 3
	fi
	rm -f "$dir/db" "$dir/db-wal" "$dir/db-shm"
	cat "$dir/routine.pcap" >/dev/null # page cache
	/usr/bin/time -f "%e %M" -o "$dir/dormant.time" "$D" flows "$dir/routine.pcap" --config "$dir/site.conf" --db "$dir/db" \
		-oJ "$dir/out.jsonl" -q 2>"$dir/dormant.err" || { cat "$dir/dormant.err"; exit 3; }
	python3 "$ROOT/tests/tools/flow/score-routine.py" "$dir/truth.json" "$dir/out.jsonl" --json >"$dir/score.json" || exit 3
done
rm -rf "$WORK/nfp" && mkdir -p "$WORK/nfp"
/usr/bin/time -f "%e %M" -o "$WORK/nfpcapd.time" nfpcapd -r "$WORK/A/routine.pcap" -w "$WORK/nfp" -e 1800,60 >/dev/null 2>&1 || exit 3
python3 - "$WORK" <<'PY' | tee "$OUT/routine-judgement.md"
import json, os, sys
work = sys.argv[1]
print("## Judgement on a site's routine (`tests/tools/flow/gen-routine.py`)\n")
rows = []
for v, what in (("A", "tuning (seed 1)"), ("B", "held out (seed 2)"), ("C", "held out (seed 3)"),
                  ("D", "held out, other routine (seed 7)")):
    s = json.load(open(os.path.join(work, v, "score.json")))
    t = json.load(open(os.path.join(work, v, "truth.json")))
    rows.append((v, what, s, t))
print("| set | hosts | host-days | packets | planted found | false alarms (> info) | per 1,000 host-days | repeats | scheduled-transfer (info) |")
print("|---|---|---|---|---|---|---|---|---|")
for v, what, s, t in rows:
    planted = sum(r["planted"] for r in s["rules"].values())
    found = sum(r["found"] for r in s["rules"].values())
    print("| %s %s | %d | %d | %d | %d / %d | %d | %.2f | %d | %d |" % (v, what, s["hosts"], s["host_days"], t["packets"], found,
          planted, s["false_alarms"], s["false_per_1000_host_days"], s["repeats"], s["info"].get("scheduled-transfer", 0)))
print("\nPer rule (found/planted, false alarms):\n")
rules = sorted({r for _, _, s, _ in rows for r in s["rules"]})
print("| rule | " + " | ".join(v for v, _, _, _ in rows) + " |")
print("|---|" + "---|" * len(rows))
for r in rules:
    cells = []
    for _, _, s, _ in rows:
        x = s["rules"].get(r)
        cells.append("%d/%d, %d" % (x["found"], x["planted"], x["false_alarms"]) if x else "-")
    print("| %s | %s |" % (r, " | ".join(cells)))
dw, dm = map(float, open(os.path.join(work, "A", "dormant.time")).read().split()[-2:])
nw, nm = map(float, open(os.path.join(work, "nfpcapd.time")).read().split()[-2:])
pk = rows[0][3]["packets"]
print("\nThroughput on set A (%d packets): `dormant flows` (flows, every rule, summaries stored) %.2f s, %.2f Mpps, peak RSS %.0f MB; `nfpcapd -r` %.2f s, %.2f Mpps, %.0f MB; ratio dormant/nfpcapd %.2f (goal <= 1)." % (
    pk, dw, pk / dw / 1e6, dm / 1024, nw, pk / nw / 1e6, nm / 1024, dw / nw))
PY

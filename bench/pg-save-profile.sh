#!/usr/bin/env bash
# Where a PostgreSQL save's time goes: SENSORS simulated sensors
# (build/tests/flow-sensor, as bench/central-bench.sh runs them) each save
# a day of hourly flow summaries (HOSTS x 24 hours x PEERS rows, inputs of
# 1000 rows) into a fresh store of a server of its own (fsync off), with
# no reports and no days stored before. Prints the rows/s, the server's
# CPU time (its ended backends', from the postmaster's children's times)
# in all and a row, the sensors' own CPU, and what the sensors' backends
# were doing, sampled from pg_stat_activity every 0.2 s (CPU, or the wait
# event). PERF=1 also records the backends with perf (call graphs) and
# prints the functions with the most time in them and under them.
# Usage: bench/pg-save-profile.sh [BUILD_DIR] (SENSORS=8 HOSTS=500 PEERS=10 PERF=0)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DM_PG:-}" ]; then exec "$ROOT/tests/pg/with-postgres.sh" "$0" "$@"; fi
BUILD=$(cd "${1:-$ROOT/build-rel}" && pwd)
FS="$BUILD/tests/flow-sensor"
SENSORS=${SENSORS:-8} HOSTS=${HOSTS:-500} PEERS=${PEERS:-10} PERF=${PERF:-0}
OUT=$(mktemp -d /tmp/dormant-pg-save.XXXXXX)
trap 'cat "$OUT/perf.log" 2>/dev/null; rm -rf "$OUT"' EXIT
psql_() { "$PGBIN/psql" "$DM_PG" -XAtc "$1"; }
DAY=$(($(date +%s) / 86400 - 1))
# the schema, and a day's partitions other than the sensors' day
"$FS" "$DM_PG" warm 1 1 $((DAY - 3)) >/dev/null || exit 1
server_cpu() {
	sleep 0.3 # the backends' exits reaped
	awk '{print $16 + $17}' "/proc/$(head -1 "$DM_PG_SOCKDIR/data/postmaster.pid")/stat"
}
echo "pg-save-profile: $SENSORS sensors x $HOSTS hosts x 24 hours x $PEERS peers, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
c0=$(server_cpu)
t0=$(date +%s.%N)
pids=()
for i in $(seq 1 "$SENSORS"); do
	/usr/bin/time -f "%U %S" -o "$OUT/cpu.$i" "$FS" "$DM_PG" "sensor$i" "$HOSTS" "$PEERS" "$DAY" >"$OUT/rows.$i" 2>"$OUT/err.$i" &
	pids+=($!)
done
sleep 0.5
backends="pid <> pg_backend_pid() AND backend_type = 'client backend'"
perf_pid=""
if [ "$PERF" = 1 ]; then
	perf record -F 1999 -g -p "$(psql_ "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE $backends")" \
		-o "$OUT/perf.data" >"$OUT/perf.log" 2>&1 &
	perf_pid=$!
fi
while kill -0 "${pids[@]}" 2>/dev/null; do
	psql_ "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity WHERE $backends" >>"$OUT/waits"
	sleep 0.2
done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
t1=$(date +%s.%N)
# perf ends with the backends it follows
[ -n "$perf_pid" ] && wait "$perf_pid"
c1=$(server_cpu)
[ $fail = 0 ] || { echo "a sensor failed:"; cat "$OUT"/err.*; exit 1; }
rows=$(cat "$OUT"/rows.* | awk '{s += $1} END {print s}')
client=$(cat "$OUT"/cpu.* | awk '{s += $1 + $2} END {print s}')
echo "$t0 $t1 $rows $c0 $c1 $client" | awk '{
	w = $2 - $1; cpu = ($5 - $4) / 100
	printf "wall %.2f s, %d rows, %.0f rows/s; server CPU %.2f s (%.1f us a row), sensors CPU %.2f s\n",
		w, $3, $3 / w, cpu, cpu * 1e6 / $3, $6 }'
echo "the sensors' backends, $(wc -l <"$OUT/waits") samples:"
sort "$OUT/waits" | uniq -c | sort -rn | head -8
if [ "$PERF" = 1 ]; then
	echo "perf, self:"
	perf report -i "$OUT/perf.data" --no-children --percentage relative -g none --sort symbol 2>/dev/null |
		grep -E '^ +[0-9.]+%' | head -25
	echo "perf, with what they call:"
	perf report -i "$OUT/perf.data" --children --percentage relative -g none --sort symbol 2>/dev/null |
		grep -E '^ +[0-9.]+%' | grep -v ' 0x' | head -40
fi

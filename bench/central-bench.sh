#!/usr/bin/env bash
# The central store under load: 8 simulated sensors (processes, each its
# own --sensor) each save a day of hourly flow summaries (HOSTS x 24 hours
# x PEERS rows, inputs of 1000 rows: build-rel/tests/flow-sensor) into one
# PostgreSQL at once (a server of its own, tests/pg/with-postgres.sh:
# fsync off), then the same into 8 SQLite files. While they write,
# `dormant report` is run again and again on the store (PostgreSQL) or on
# the first sensor's file (SQLite). Prints per backend: wall time, rows
# saved, rows/s, the reports run and their median and p99 time.
# Usage: bench/central-bench.sh [BUILD_DIR] (HOSTS=500 PEERS=10 SENSORS=8)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DM_PG:-}" ]; then exec "$ROOT/tests/pg/with-postgres.sh" "$0" "$@"; fi
BUILD=$(cd "${1:-$ROOT/build-rel}" && pwd)
D="$BUILD/dormant" FS="$BUILD/tests/flow-sensor"
HOSTS=${HOSTS:-500} PEERS=${PEERS:-10} SENSORS=${SENSORS:-8}
OUT=$(mktemp -d /tmp/dormant-central.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
DAY=$(($(date +%s) / 86400 - 1))

# one backend: $1 a name, $2 the report's store, then each sensor's store
run() {
	local name=$1 rep=$2 i
	shift 2
	"$D" audit 127.0.0.1 -p 1 --no-vulns -q --db "$rep" >/dev/null 2>&1 # something for report to show
	local t0 pids=()
	t0=$(date +%s.%N)
	for i in $(seq 1 "$SENSORS"); do
		"$FS" "$1" "sensor$i" "$HOSTS" "$PEERS" "$DAY" >"$OUT/$name.$i" 2>&1 &
		pids+=($!)
		[ $# -gt 1 ] && shift
	done
	: >"$OUT/$name.rep"
	while kill -0 "${pids[@]}" 2>/dev/null; do
		local a b
		a=$(date +%s.%N)
		"$D" report --db "$rep" >/dev/null 2>&1
		b=$(date +%s.%N)
		echo "$a $b" | awk '{printf "%.4f\n", $2 - $1}' >>"$OUT/$name.rep"
	done
	local fail=0
	for i in "${pids[@]}"; do wait "$i" || fail=1; done
	local t1
	t1=$(date +%s.%N)
	[ $fail = 0 ] || { echo "$name: a sensor failed:"; cat "$OUT/$name".[0-9]*; return 1; }
	local rows
	rows=$(cat "$OUT/$name".[0-9]* | awk '{s += $1} END {print s}')
	sort -n "$OUT/$name.rep" | awk -v name="$name" -v rows="$rows" -v t0="$t0" -v t1="$t1" '
		{ v[NR] = $1 }
		END {
			w = t1 - t0
			p99 = NR ? v[int(NR * 0.99 + 0.999)] : 0
			med = NR ? v[int(NR / 2 + 0.5)] : 0
			printf "%-10s wall %.1f s, %d rows, %.0f rows/s; %d reports while writing, median %.3f s, p99 %.3f s\n",
				name, w, rows, rows / w, NR, med, p99
		}'
}

echo "central-bench: $SENSORS sensors x $HOSTS hosts x 24 hours x $PEERS peers, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
run postgresql "$DM_PG" "$DM_PG" || exit 1
files=()
for i in $(seq 1 "$SENSORS"); do files+=("$OUT/s$i.db"); done
run sqlite "${files[0]}" "${files[@]}" || exit 1

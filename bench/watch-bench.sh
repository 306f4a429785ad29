#!/usr/bin/env bash
# Watch benchmark: a day of generated NetFlow v9 (bench/watch-bench.py) sent
# on loopback at 250k records/s into `dormant watch`'s collector with every
# traffic rule live: records lost, alert latency in stream time (evidence's
# end to delivery: a hit is said as its flow comes), the hours' judgement's
# wall delay, the collector's and watcher's RSS over the run; then a few
# hours at a slower pace, where stream-time latency means something. Prints
# Markdown (also bench/out/watch-bench.md).
# Usage: bench/watch-bench.sh [path/to/dormant]   (make bench)
# BENCH_HOURS (default 24; BENCH_DAYS=N: 24 N), BENCH_FLOWS_PER_HOUR (default 200000),
# BENCH_RATE (records/s, default 250000), BENCH_GRACE (s, default 120),
# BENCH_SLOW_HOURS (default 2), BENCH_SLOW_PACE (stream s per wall s, default 240),
# BENCH_HOSTS (internal hosts, default 2000), BENCH_SEED (the hour's, default 42).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(realpath "${1:-$ROOT/build/dormant}")
OUT="$ROOT/bench/out"
WORK=${DM_BENCH_WORK:-/var/tmp/dormant-watch-bench}
mkdir -p "$OUT" "$WORK"
[ -x "$D" ] || { echo "watch-bench: no $D" >&2; exit 2; }
/usr/bin/python3 "$ROOT/bench/watch-bench.py" "$D" "$WORK" --hours "${BENCH_HOURS:-$((24 * ${BENCH_DAYS:-1}))}" \
	--flows-per-hour "${BENCH_FLOWS_PER_HOUR:-200000}" --rate "${BENCH_RATE:-250000}" \
	--grace "${BENCH_GRACE:-120}" --slow-hours "${BENCH_SLOW_HOURS:-2}" \
	--slow-pace "${BENCH_SLOW_PACE:-240}" --hosts "${BENCH_HOSTS:-2000}" --seed "${BENCH_SEED:-42}" | tee "$OUT/watch-bench.md"
exit "${PIPESTATUS[0]}"

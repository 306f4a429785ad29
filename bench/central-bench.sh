#!/usr/bin/env bash
# The central store under load: 8 simulated sensors (processes, each its
# own --sensor) each save a day of hourly flow summaries (HOSTS x 24 hours
# x PEERS rows, inputs of 1000 rows: build-rel/tests/flow-sensor) into one
# PostgreSQL at once (a server of its own, tests/pg/with-postgres.sh:
# fsync off), then the same into 8 SQLite files. While they write,
# `dormant report` is run again and again on the store (PostgreSQL) or on
# the first sensor's file (SQLite). Prints per backend: wall time, rows
# saved, rows/s, the reports run and their median and p99 time.
# Usage: bench/central-bench.sh [BUILD_DIR] (HOSTS=500 PEERS=10 SENSORS=8
# DAYS_STORED=10 REPORTS_ALONE=0; REPORT_PGOPTIONS: the PGOPTIONS of
# those reports, as -c log_executor_stats=on for their server CPU time).
# PostgreSQL's server CPU (its ended backends') is printed for each report
# alone and for the time the sensors write.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DM_PG:-}" ]; then exec "$ROOT/tests/pg/with-postgres.sh" "$0" "$@"; fi
BUILD=$(cd "${1:-$ROOT/build-rel}" && pwd)
D="$BUILD/dormant" FS="$BUILD/tests/flow-sensor"
HOSTS=${HOSTS:-500} PEERS=${PEERS:-10} SENSORS=${SENSORS:-8} DAYS_STORED=${DAYS_STORED:-10}
OUT=$(mktemp -d /tmp/dormant-central.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
DAY=$(($(date +%s) / 86400 - 1))
# the sensors' sites: tests/tools/flow-sensor.c puts sensor NAME's hosts in 10.SITE.0.0/16
sites=""
for i in $(seq 1 "$SENSORS"); do
	n=sensor$i
	sites="$sites,$(((${#n} * 131 + $(printf %d "'${n: -1}")) & 255))"
done
sites=${sites#,}

# a store of schema 31 on: day $1's per-day summaries (src/store/flow-day.h
# FLOW_DAY_FILL), a partition of flow_day as the store makes them, a row a
# key and so marked folded as a day the sensors had closed would be
# (schema 39, src/store/store-pg-flow-fold.c; a comment older stores ignore)
fill_sql() { # the days $1 to $2 - 1
	echo "SELECT hour / 24, 0, host, 0, 0, peer, max(hour), sum(flows), sum(bytes_up + bytes_down)
 FROM flow_hour WHERE (background = 0 OR inbound = 1) AND hour >= $1 * 24 AND hour < $2 * 24
 GROUP BY hour / 24, host, peer UNION ALL SELECT hour / 24, 1, host, port, proto, peer, max(hour),
 sum(flows), sum(bytes_up + bytes_down) FROM flow_hour WHERE inbound = 1 AND hour >= $1 * 24
 AND hour < $2 * 24 GROUP BY hour / 24, host, port, proto, peer"
}
day_pg() {
	[ "$HAS_DAY" = 1 ] || return 0
	cat <<SQL
CREATE TABLE flow_day_d$1 (LIKE flow_day INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 50);
ALTER TABLE flow_day ATTACH PARTITION flow_day_d$1 FOR VALUES FROM ($1) TO ($1 + 1);
INSERT INTO flow_day $(fill_sql "$1" $(($1 + 1)));
COMMENT ON TABLE flow_day_d$1 IS 'dormant: folded';
SQL
}

# DAYS_STORED days before DAY of SITES' summaries (as flow-sensor's) into
# PostgreSQL: each day a table filled, then attached as flow_hour's partition
preload_pg() {
	local d t0=$SECONDS
	HAS_DAY=$("$PGBIN/psql" "$DM_PG" -XAtc "SELECT CASE WHEN to_regclass('flow_day') IS NULL THEN 0 ELSE 1 END")
	for d in $(seq $((DAY - DAYS_STORED)) $((DAY - 1))); do
		"$PGBIN/psql" "$DM_PG" -qX -v ON_ERROR_STOP=1 >/dev/null <<SQL || return 1
CREATE TABLE flow_hour_d$d (LIKE flow_hour INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO flow_hour_d$d SELECT '10.' || s || '.' || (i / 256) || '.' || (i % 256), $d * 24 + h,
 '203.0.113.' || p, 443, 6, 0, 0, 0, 3, 1000, 9000, 10, 12, NULL, NULL, NULL
 FROM unnest(ARRAY[$sites]) s, generate_series(0, $HOSTS - 1) i, generate_series(0, 23) h,
 generate_series(0, $PEERS - 1) p;
ALTER TABLE flow_hour ATTACH PARTITION flow_hour_d$d FOR VALUES FROM ($d * 24) TO ($d * 24 + 24);
$(day_pg "$d")
INSERT INTO flow_input(digest, first, last, flows) SELECT 'stored-' || s || '-$d', $d * 86400.0,
 ($d + 1) * 86400.0, $HOSTS * 24 * $PEERS * 3 FROM unnest(ARRAY[$sites]) s;
SQL
	done
	"$PGBIN/psql" "$DM_PG" -qXc "ANALYZE" >/dev/null
	echo "postgresql: $("$PGBIN/psql" "$DM_PG" -XAtc "SELECT count(*) FROM flow_hour") rows stored before the sensors start ($((SECONDS - t0)) s)"
}

# the same days of the first sensor's site into its SQLite file $1
preload_sqlite() {
	local s=${sites%%,*} t0=$SECONDS
	sqlite3 "$1" <<SQL || return 1
WITH RECURSIVE i(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM i WHERE v + 1 < $HOSTS),
 h(v) AS (SELECT $(((DAY - DAYS_STORED) * 24)) UNION ALL SELECT v + 1 FROM h WHERE v + 1 < $((DAY * 24))),
 p(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM p WHERE v + 1 < $PEERS)
INSERT INTO flow_hour SELECT '10.$s.' || (i.v / 256) || '.' || (i.v % 256), h.v, '203.0.113.' || p.v,
 443, 6, 0, 0, 0, 3, 1000, 9000, 10, 12, NULL, NULL, NULL FROM i, h, p;
WITH RECURSIVE d(v) AS (SELECT $((DAY - DAYS_STORED)) UNION ALL SELECT v + 1 FROM d WHERE v + 1 < $DAY)
INSERT INTO flow_input(digest, first, last, flows) SELECT 'stored-$s-' || v, v * 86400.0, (v + 1) * 86400.0,
 $HOSTS * 24 * $PEERS * 3 FROM d;
SQL
	if [ "$(sqlite3 "$1" "SELECT count(*) FROM sqlite_master WHERE name = 'flow_day'")" = 1 ]; then
		sqlite3 "$1" "INSERT INTO flow_day $(fill_sql $((DAY - DAYS_STORED)) "$DAY")" || return 1
	fi
	echo "sqlite: $(sqlite3 "$1" "SELECT count(*) FROM flow_hour") rows stored in the reports' file before the sensors start ($((SECONDS - t0)) s)"
}

# the server's CPU time (user + system, in ticks) of the backends that
# ended: its postmaster's children's; a report's backend ends with it
server_cpu() {
	sleep 0.2 # the backend's exit reaped
	awk '{print $16 + $17}' "/proc/$(head -1 "$DM_PG_SOCKDIR/data/postmaster.pid")/stat"
}

# one backend: $1 a name, $2 the report's store, then each sensor's store
run() {
	local name=$1 rep=$2 i
	shift 2
	"$D" audit 127.0.0.1 -p 1 --no-vulns -q --db "$rep" >/dev/null 2>&1 # something for report to show
	# the reports show that audit's run: its use queries read every stored
	# day (the newest run would be a sensor's once one has finished)
	local audit
	audit=$("$D" report --db "$rep" --list | awk '$3 == "audit" { r = $1 } END { print r }')
	if [ "$DAYS_STORED" -gt 0 ]; then
		if [ "$name" = postgresql ]; then preload_pg || return 1; else preload_sqlite "$rep" || return 1; fi
	fi
	local t0 pids=() k
	# REPORTS_ALONE=N: the report timed N times on the stored days alone
	for k in $(seq 1 "${REPORTS_ALONE:-0}"); do
		t0=$(date +%s.%N)
		local c0 cpu=""
		c0=$(server_cpu)
		PGOPTIONS=${REPORT_PGOPTIONS:-} "$D" report --run "$audit" --db "$rep" >/dev/null 2>"$OUT/$name.err" ||
			echo "$name: the report failed: $(head -1 "$OUT/$name.err")"
		[ "$name" = postgresql ] && cpu=", server CPU $(echo "$c0 $(server_cpu)" | awk '{printf "%.2f", ($2 - $1) / 100}') s"
		echo "$name: a report alone $(echo "$t0 $(date +%s.%N)" | awk '{printf "%.3f", $2 - $1}') s$cpu"
	done
	local w0
	w0=$(server_cpu)
	t0=$(date +%s.%N)
	for i in $(seq 1 "$SENSORS"); do
		"$FS" "$1" "sensor$i" "$HOSTS" "$PEERS" "$DAY" >"$OUT/$name.$i" 2>&1 &
		pids+=($!)
		[ $# -gt 1 ] && shift
	done
	: >"$OUT/$name.rep"
	local rep_fail=0
	while kill -0 "${pids[@]}" 2>/dev/null; do
		local a b
		a=$(date +%s.%N)
		"$D" report --run "$audit" --db "$rep" >/dev/null 2>"$OUT/$name.err" || {
			rep_fail=$((rep_fail + 1))
			echo "$name: a report failed: $(head -1 "$OUT/$name.err")"
		}
		b=$(date +%s.%N)
		echo "$a $b" | awk '{printf "%.4f\n", $2 - $1}' >>"$OUT/$name.rep"
	done
	local fail=0
	for i in "${pids[@]}"; do wait "$i" || fail=1; done
	local t1
	t1=$(date +%s.%N)
	[ $fail = 0 ] || { echo "$name: a sensor failed:"; cat "$OUT/$name".[0-9]*; return 1; }
	[ "$name" = postgresql ] && echo "$name: server CPU while the sensors wrote (their saves and the reports): $(echo "$w0 $(server_cpu)" | awk '{printf "%.1f", ($2 - $1) / 100}') s"
	local rows
	rows=$(cat "$OUT/$name".[0-9]* | awk '{s += $1} END {print s}')
	sort -n "$OUT/$name.rep" | awk -v name="$name" -v fails="$rep_fail" -v rows="$rows" -v t0="$t0" -v t1="$t1" '
		{ v[NR] = $1 }
		END {
			w = t1 - t0
			p99 = NR ? v[int(NR * 0.99 + 0.999)] : 0
			med = NR ? v[int(NR / 2 + 0.5)] : 0
			printf "%-10s wall %.1f s, %d rows, %.0f rows/s; %d reports while writing (%d failed), median %.3f s, p99 %.3f s\n",
				name, w, rows, rows / w, NR, fails, med, p99
		}'
}

echo "central-bench: $SENSORS sensors x $HOSTS hosts x 24 hours x $PEERS peers, $DAYS_STORED days stored before, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
run postgresql "$DM_PG" "$DM_PG" || exit 1
files=()
for i in $(seq 1 "$SENSORS"); do files+=("$OUT/s$i.db"); done
run sqlite "${files[0]}" "${files[@]}" || exit 1

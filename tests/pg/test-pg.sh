#!/usr/bin/env bash
# The store on PostgreSQL: starts a server of its own (with-postgres.sh),
# runs the store's unit tests on it, then commands with --db postgresql://
# (scan, audit, report, two sensors at once, errors) and compares its
# schema with SQLite's. Prints one line per check and "pg: N passed, N failed".
# Usage: tests/pg/test-pg.sh [BUILD_DIR]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${DM_PG:-}" ]; then exec "$ROOT/tests/pg/with-postgres.sh" "$0" "$@"; fi
BUILD=$(cd "${1:-build-test}" && pwd)
D="$BUILD/dormant"
OUT=$(mktemp -d --suffix=.dormant-pg)
L1="" L2=""
trap 'kill $L1 $L2 2>/dev/null; rm -rf "$OUT"' EXIT
export XDG_DATA_HOME="$OUT/xdg"
pass=0 fail=0
ok() { echo "ok   pg/$1"; pass=$((pass + 1)); }
bad() { echo "FAIL pg/$1: $2"; fail=$((fail + 1)); }
check() {
	local name=$1
	shift
	local t0=$SECONDS
	if "$@" >"$OUT/$name.out" 2>&1; then ok "$name"; else bad "$name" "$(tail -3 "$OUT/$name.out" | tr '\n' ' ')"; fi
	# DM_TIMES=FILE: each check's seconds, to see where the CI time goes
	[ -z "${DM_TIMES:-}" ] || echo "pg/$name $((SECONDS - t0))" >>"$DM_TIMES"
}
psql_() { "$PGBIN/psql" -h "$DM_PG_SOCKDIR" -U "$DM_PG_USER" -d dormant -XAtq "$@"; }
fresh() { psql_ -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null 2>&1; }

t_unit() {
	# every unit test that opens a store (test-db.h): the store suite, and
	# those of the other suites ("store" in their names, and these three)
	local f r=0
	for f in store traffic_only_host rule_findings apps_matched_to_cves store_life store_allow host_events seen_span_by_site quiet_flags edge netdev; do
		"$BUILD/tests/unit-tests" "$f" >"$OUT/unit-$f" 2>&1 || r=1
		cat "$OUT/unit-$f"
		grep -qE '^unit: [1-9][0-9]* passed, 0 failed' "$OUT/unit-$f" || r=1
	done
	# the store suite ran on PostgreSQL (every_kind_round_trip checks store_backend),
	# and the life (findings, outbox), edge (mappings) and netdev (walks) stores
	[ $r = 0 ] && grep -q '^ok   store/every_kind_round_trip' "$OUT/unit-store" &&
		grep -q '^ok   life/store_life' "$OUT/unit-store_life" && grep -q '^ok   edge/test_store' "$OUT/unit-edge" &&
		grep -q '^ok   netdev/test_store' "$OUT/unit-netdev" && [ "$(cat "$OUT"/unit-* | grep -c "^ok ")" -ge 28 ]
}
DM_TEST_DB="$DM_PG" check unit_store_tests_on_postgresql t_unit

listen() { socat TCP-LISTEN:"$1",bind=127.0.0.1,fork,reuseaddr SYSTEM:true 2>/dev/null & }
listen 18971
L1=$!
listen 18975
L2=$!
sleep 0.3

t_scan_report() {
	fresh
	"$D" scan 127.0.0.1 -p 18970-18972 --db "$DM_PG" -q || return 1
	"$D" report --db "$DM_PG" --open | tee "$OUT/rep" | grep -qE '^ *18971/tcp +open' || return 1
	"$D" report --db "$DM_PG" --format json | grep -q '"port":18971,"proto":"tcp","state":"open"' || return 1
	# nothing stored in a file: the default store was not touched
	[ ! -e "$XDG_DATA_HOME/dormant/dormant.db" ]
}
check scan_then_report t_scan_report

t_audit_twice() {
	"$D" audit 127.0.0.1 -p 18970-18976 --no-vulns -q --db "$DM_PG" >/dev/null || return 1
	"$D" audit 127.0.0.1 -p 18970-18976 --no-vulns -q --db "$DM_PG" >/dev/null || return 1
	"$D" report --list --db "$DM_PG" >"$OUT/list" || return 1
	cat "$OUT/list"
	[ "$(grep -c 'done' "$OUT/list")" = 3 ] || return 1
	# the second audit compared with the first, as on SQLite
	"$D" report --db "$DM_PG" | grep -q '^changes from run 2 to run 3:'
}
check audit_twice_lists_runs_and_compares t_audit_twice

t_sensors() {
	# two sensors writing one database at once: both runs land, whole
	"$D" audit 127.0.0.1 -p 18971 --no-vulns -q --db "$DM_PG" >/dev/null & local a=$!
	"$D" audit 127.0.0.1 -p 18975 --no-vulns -q --db "$DM_PG" >/dev/null & local b=$!
	wait $a || return 1
	wait $b || return 1
	[ "$(psql_ -c "SELECT count(*) FROM runs WHERE status = 'done'")" = 5 ] || return 1
	[ "$(psql_ -c "SELECT count(DISTINCT run_id) FROM port_obs WHERE state = 'open'")" = 5 ]
}
check two_sensors_at_once t_sensors

t_errors() {
	"$D" report --db "postgresql://alice:s3cret@/dormant?host=$OUT/nowhere" >"$OUT/o" 2>"$OUT/e"
	local r=$?
	cat "$OUT/e"
	[ $r != 0 ] || return 1
	[ "$(wc -l <"$OUT/e")" = 1 ] && grep -q 'cannot connect' "$OUT/e" && grep -q 'alice:\*\*\*@' "$OUT/e" &&
		! grep -q s3cret "$OUT/e"
}
check unreachable_server_one_line_no_password t_errors

t_no_password_stored() {
	# a password on the command line is not kept with the run's arguments
	"$D" audit 127.0.0.1 -p 18971 --no-vulns -q --db "${DM_PG/postgresql:\/\//postgresql://$DM_PG_USER:pw0rd@}" >/dev/null ||
		return 1
	"$D" report --list --db "$DM_PG" | tail -1 | tee /dev/stderr | grep -q ":\*\*\*@" &&
		! psql_ -c "SELECT args FROM runs" | grep -q pw0rd
}
check password_not_stored_with_the_run t_no_password_stored

t_sensor() {
	"$D" audit 127.0.0.1 -p 18971 --no-vulns -q --sensor site-a.cam1 --db "$DM_PG" >/dev/null || return 1
	[ "$(psql_ -c "SELECT r.sensor || ' ' || (s.last_run = r.id) FROM runs r JOIN sensors s ON s.name = r.sensor")" = "site-a.cam1 true" ] ||
		return 1
	# a name that is not one: an input error before anything is stored
	"$D" audit 127.0.0.1 -p 18971 --sensor 'a b' --db "$DM_PG" >/dev/null 2>"$OUT/e"
	[ $? = 2 ] && [ "$(wc -l <"$OUT/e")" = 1 ] && grep -q -- '--sensor "a b"' "$OUT/e" || return 1
	# dormant sensors reads it back from PostgreSQL
	"$D" scan 127.0.0.1 -p 18971 -q --sensor site-a.cam1 --db "$DM_PG" >/dev/null || return 1
	"$D" sensors --db "$DM_PG" | tee /dev/stderr | grep -qE '^site-a.cam1 .* scan done +audit 1, scan 1$' &&
		"$D" sensors --db "$DM_PG" --json | grep -q '"name":"site-a.cam1",.*"runs":2,.*"ran":{"audit":1,"scan":1}}$' 
}
check sensor_recorded_with_the_run t_sensor

t_findings_alerts() {
	# findings' life and the outbox on PostgreSQL: a decommissioned host that
	# answers is a new finding with one alert; acknowledged, then resolved
	local a="$OUT/al"
	mkdir -p "$a"
	printf 'ip,status,hostname\n127.0.0.1,decommissioned,old-box\n' >"$a/decom.csv"
	printf 'ip,status,hostname\n127.0.0.1,active,old-box\n' >"$a/active.csv"
	printf '[site]\nname = lab\n[alert file]\ntype = jsonl\npath = %s/alerts.jsonl\n' "$a" >"$a/site.conf"
	"$D" audit 127.0.0.1 -p 18971 --no-vulns -q --db "$DM_PG" --inventory "$a/decom.csv" --config "$a/site.conf" \
		>/dev/null || return 1
	"$D" findings list --db "$DM_PG" --json | tee "$a/l1" | grep -q '"rule":"decommissioned-alive"' || return 1
	local id
	id=$(python3 -c 'import json,sys; print([r for r in map(json.loads, sys.stdin) if r["rule"] == "decommissioned-alive"][0]["id"])' <"$a/l1")
	"$D" alerts deliver --config "$a/site.conf" --db "$DM_PG" --wait 10 | grep -q '^alerts: 1 delivered, 0 failed tries, 0 pending$' ||
		return 1
	grep -q "\"idempotency_key\":\"dormant:lab:$id:1\"" "$a/alerts.jsonl" || return 1
	"$D" findings ack "$id" --by ann --why 'ticket 42' --db "$DM_PG" | grep -q "^$id: ack recorded$" || return 1
	"$D" findings show "$id" --db "$DM_PG" | grep -q 'ack        by ann: ticket 42' || return 1
	"$D" audit 127.0.0.1 -p 18971 --no-vulns -q --db "$DM_PG" --inventory "$a/active.csv" --config "$a/site.conf" \
		>/dev/null || return 1
	"$D" findings list --db "$DM_PG" --state resolved --json | grep -q "\"id\":\"$id\",\"state\":\"resolved\"" || return 1
	"$D" alerts deliver --config "$a/site.conf" --db "$DM_PG" --wait 10 -q || return 1
	[ "$(grep -c "dormant:lab:$id:" "$a/alerts.jsonl")" = 2 ] && grep -q "\"idempotency_key\":\"dormant:lab:$id:2\"" "$a/alerts.jsonl" &&
		[ "$(psql_ -c "SELECT count(*) FROM alert_outbox WHERE delivered IS NOT NULL")" = 2 ]
}
check findings_life_and_alerts t_findings_alerts

t_edge() {
	# a UPnP gateway's mappings stored with the run on PostgreSQL, read back by exposure
	local g="$OUT/edge" i
	mkdir -p "$g"
	/usr/bin/python3 "$ROOT/tests/tools/edge/fake-igd.py" >"$g/port" &
	local pid=$!
	for i in $(seq 1 50); do [ -s "$g/port" ] && break; sleep 0.1; done
	timeout 60 "$D" audit 127.0.0.1 -p 443 -sT --no-vulns --upnp --gateway "http://127.0.0.1:$(cat "$g/port")/rootDesc.xml" \
		--db "$DM_PG" -q 2>"$g/err"
	local rc=$?
	"$D" exposure --db "$DM_PG" --json >"$g/x.jsonl" 2>>"$g/err"
	local rc2=$?
	kill "$pid"
	[ $rc = 0 ] && [ $rc2 = 0 ] || { echo "audit $rc, exposure $rc2"; cat "$g/err"; return 1; }
	python3 - "$g" <<'PY'
import json, sys
x = [json.loads(l) for l in open(sys.argv[1] + "/x.jsonl")]
gw = [r for r in x if r["type"] == "gateway"]
assert len(gw) == 1 and gw[0]["service"] == "WANIPConnection:1" and gw[0]["mappings"] == 2, gw
assert sorted(r["external_port"] for r in x if r["type"] == "mapping") == [5353, 8443], x
PY
}
check edge_mappings_stored_and_read t_edge

SIM="" SIMDIR=""
t_netdev() {
	# two walks of a simulated switch (snmpsimd) with a register: the same
	# findings as on SQLite (tests/data/netdev/truth-findings.txt), walks stored
	command -v snmpsimd >/dev/null || { echo "snmpsim missing (scripts/deps)"; return 1; }
	SIMDIR=$(mktemp -d /tmp/dormant-pg-snmp.XXXXXX) # snmpsimd runs as nobody
	mkdir -p "$SIMDIR/data" "$SIMDIR/cache"
	cp "$ROOT"/tests/data/netdev/*.snmprec "$SIMDIR/data/"
	chmod -R a+rX "$SIMDIR"
	local as_user=() i run
	if [ "$(id -u)" = 0 ]; then
		chown nobody:nogroup "$SIMDIR/cache"
		as_user=(--process-user=nobody --process-group=nogroup)
	fi
	timeout 120 snmpsimd --data-dir="$SIMDIR/data" --cache-dir="$SIMDIR/cache" "${as_user[@]}" \
		--agent-udpv4-endpoint=127.0.0.1:18961 --logging-method=null >/dev/null 2>&1 &
	SIM=$!
	for i in $(seq 1 50); do
		snmpget -v2c -c sw1 -t 0.3 -r 0 127.0.0.1:18961 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 && break
		sleep 0.2
	done
	printf '[netdev sw1]\naddress = 127.0.0.1\nport = 18961\ncommunity = sw1\nbulk = 7\n\n[netdev sw2]\naddress = 127.0.0.1\nport = 18961\ncommunity = sw2\n' >"$OUT/sim.conf"
	chmod 600 "$OUT/sim.conf"
	fresh
	"$D" inventory import "$ROOT/tests/data/netdev/register.csv" --db "$DM_PG" >/dev/null 2>&1 || return 1
	for run in 1 2; do
		"$D" netdev --netdev "$OUT/sim.conf" --db "$DM_PG" --json >"$OUT/nd$run.jsonl" 2>"$OUT/nde"
		[ $? = 1 ] || { echo "run $run: exit status not 1"; cat "$OUT/nde"; return 1; }
		python3 "$ROOT/tests/tools/netdev-view.py" "$OUT/nd$run.jsonl" | grep '^finding' >"$OUT/nd$run.txt"
	done
	grep '^finding' "$ROOT/tests/data/netdev/truth-findings.txt" | diff - "$OUT/nd1.txt" || return 1
	# the second run's idle ports stood still since the first walk (netdev_prev)
	grep -E '^(2 )?finding' "$ROOT/tests/data/netdev/truth-findings.txt" | sed 's/^2 //' | sort | diff - "$OUT/nd2.txt" || return 1
	[ "$(psql_ -c 'SELECT count(*) FROM netdev_walks WHERE complete = 1')" = 4 ] &&
		[ "$(psql_ -c "SELECT count(*) FROM netdev_fdb f JOIN netdev_walks w ON w.id = f.walk_id WHERE w.device = 'sw1'")" = 18 ] || return 1
	# dormant diff reads the walks back: sw1 walked again as it is later (sw1b), its table changes
	printf '[netdev sw1]\naddress = 127.0.0.1\nport = 18961\ncommunity = sw1b\n' >"$OUT/sim.conf"
	"$D" netdev --netdev "$OUT/sim.conf" --db "$DM_PG" -q >/dev/null 2>&1
	local runs
	runs=$(psql_ -c "SELECT id FROM runs WHERE kind = 'netdev' ORDER BY id DESC LIMIT 2" | sort -n | tr '\n' ' ')
	# shellcheck disable=SC2086 # two run ids
	"$D" diff --db "$DM_PG" --json $runs >"$OUT/nddiff.jsonl" 2>"$OUT/nde" || { cat "$OUT/nde"; return 1; }
	[ "$(grep -c '"device":"sw1"' "$OUT/nddiff.jsonl")" = 3 ] &&
		grep -q '"change":"mac-moved",.*"mac":"00:21:CC:61:70:0A","vlan":10,"was":{"device":"sw1","interface":"Gi0/6"' "$OUT/nddiff.jsonl" ||
		{ cat "$OUT/nddiff.jsonl"; return 1; }
}
check netdev_walks_and_history t_netdev
kill "$SIM" 2>/dev/null
[ -n "$SIMDIR" ] && rm -rf "$SIMDIR"

t_retention() {
	# [retention] runs_days applied by the save stage after each run, on both
	# backends: the runs that ended before the limit go (here: all but the last)
	printf '[retention]\nruns_days = 0.00002\nflow_days = 30\n' >"$OUT/keep.conf"
	local db
	for db in "$DM_PG" "$OUT/keep.db"; do
		"$D" audit 127.0.0.1 -p 18971 --no-vulns -q --db "$db" >/dev/null || return 1
		sleep 2.5
		"$D" audit 127.0.0.1 -p 18971 --no-vulns -q --db "$db" --config "$OUT/keep.conf" >/dev/null || return 1
		"$D" report --list --db "$db" >"$OUT/keep.list" || return 1
		[ "$(grep -c done "$OUT/keep.list")" = 1 ] || { echo "$db:"; cat "$OUT/keep.list"; return 1; }
	done
	printf '[retention]\nflow_days = soon\n' >"$OUT/bad.conf"
	"$D" audit 127.0.0.1 -p 18971 -q --db "$OUT/keep.db" --config "$OUT/bad.conf" >/dev/null 2>"$OUT/e"
	[ $? = 2 ] && [ "$(wc -l <"$OUT/e")" = 1 ] && grep -q 'bad.conf: line 2: flow_days "soon": expected days' "$OUT/e"
}
check retention_drops_old_runs t_retention

. "$ROOT/tests/cli/sites-lib.sh"
t_sites() {
	# the same 127.0.0.1 at two sites: two assets, reports and findings apart
	fresh
	sites_two_sites "$DM_PG" "$OUT/sites" 18971 18975 || return 1
	[ "$(psql_ -c "SELECT string_agg(site || ' ' || ip, ',' ORDER BY site) FROM assets")" = "lab-a 127.0.0.1,lab-b 127.0.0.1" ]
}
check sites_two_assets_reports_apart t_sites
t_run_group() { fresh; sites_run_group "$DM_PG" "$OUT/group" 18964; }
check sites_run_group_shards_union_equals_whole_scan t_run_group
t_sites_cmds() { fresh; sites_other_commands "$DM_PG" "$OUT/sitecmd" 18971; }
check sites_diff_import_exposure_keep_to_a_site t_sites_cmds
t_sites_secrets() {
	fresh
	sites_secrets "$DM_PG" "$OUT/secrets" || return 1
	[ "$(psql_ -c "SELECT count(*) FROM findings WHERE path LIKE '$OUT/secrets/_/.netrc'")" = 3 ]
}
check sites_secrets_run_and_scoped_life t_sites_secrets

t_same_schema() {
	"$D" audit 127.0.0.1 -p 18971 --no-vulns -q --db "$OUT/s.db" >/dev/null || return 1
	sqlite3 "$OUT/s.db" "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' ORDER BY 1" >"$OUT/sqlite.cols" || return 1
	psql_ -c "SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name <> 'pg_seq' AND table_name <> 'dormant_schema'
		AND table_name NOT LIKE 'flow_hour_d%'
		ORDER BY 1" | LC_ALL=C sort >"$OUT/pg.cols"
	LC_ALL=C sort -o "$OUT/sqlite.cols" "$OUT/sqlite.cols"
	diff "$OUT/sqlite.cols" "$OUT/pg.cols" && [ "$(wc -l <"$OUT/pg.cols")" -gt 100 ] &&
		[ "$(psql_ -c 'SELECT version FROM dormant_schema')" = "$(sqlite3 "$OUT/s.db" 'PRAGMA user_version')" ]
}
check same_tables_and_columns_as_sqlite t_same_schema

echo "pg: $pass passed, $fail failed"
[ "$fail" = 0 ]

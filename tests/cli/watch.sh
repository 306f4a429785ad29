# shellcheck shell=bash
# `dormant watch` on loopback: the watch file checked with line numbers, a
# job every 2 s that never overlaps itself, SIGHUP with a bad file (kept
# out) and a good one, SIGTERM, /metrics read with curl, systemd's notify
# protocol (READY, WATCHDOG, RELOADING, STOPPING) on a socket of our own,
# and a collector fed NetFlow v9 whose first hour is judged in stream time
# while the watcher runs. Sourced by test-cli.sh (check, $D, $OUT, $ROOT).
WT="$OUT/watch"
mkdir -p "$WT"
wport() { echo $((31000 + RANDOM % 2000)); }

# wait_for FILE REGEX SECONDS: until the file has a matching line
wait_for() {
	local i
	for i in $(seq 1 $(($3 * 10))); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no line matching /$2/ in $1 after $3 s:"
	tail -5 "$1"
	return 1
}

t_watch_check() {
	local c="$WT/check"
	mkdir -p "$c"
	cat >"$c/good.conf" <<EOF
[site]
timezone = UTC
business_hours = 08:30-18:00

[watch]
db = $c/db

[job inventory]
at = 02:30, 14:00
days = Mon-Fri
run = audit 127.0.0.1 -p 22 --yes

[job files]
every = 1h
run = secrets $c

[collect edge]
listen = 127.0.0.1:2055
grace = 2m

[capture lan]
iface = lo
filter = not port 22

[metrics]
listen = 127.0.0.1:9712
EOF
	"$D" watch --check "$c/good.conf" >"$c/out" 2>&1 || { cat "$c/out"; return 1; }
	grep -q 'ok: 2 jobs, 1 collectors, 1 captures, metrics 127.0.0.1:9712' "$c/out" || { cat "$c/out"; return 1; }
	# each broken copy: exit 2 and the line of the fault
	local n=0 want line
	while IFS='|' read -r want line sed_expr; do
		n=$((n + 1))
		sed -E "$sed_expr" "$c/good.conf" >"$c/bad$n.conf"
		"$D" watch --check "$c/bad$n.conf" >"$c/bad$n.out" 2>&1
		local rc=$?
		[ $rc = 2 ] && grep -qF "bad$n.conf: line $line: $want" "$c/bad$n.out" ||
			{ echo "case $n (exit $rc, want line $line: $want):"; cat "$c/bad$n.out"; return 1; }
	done <<'EOF'
every "2x": expected a period|14|s/^every = 1h/every = 2x/
at "25:00": expected a time of day|9|s/^at = 02:30, 14:00/at = 02:30, 25:00/
days "Mon-Funday"|10|s/^days = Mon-Fri/days = Mon-Funday/
run: audit unknown option "--bogus"|11|s/--yes$/--yes --bogus/
run: "frobnicate" is not a command a job runs|15|s/^run = secrets/run = frobnicate/
[job files] has no run = COMMAND LINE|13|/^run = secrets/d
[job inventory] has both every and at|8|s/^days = Mon-Fri/every = 1h/
listen "127.0.0.1:99999": expected ADDR:PORT|18|s/^listen = 127.0.0.1:2055/listen = 127.0.0.1:99999/
unknown key "port" in [collect edge]|19|s/^grace = 2m/port = 2/
[capture lan] has no iface = NAME|21|/^iface = lo/d
timezone "Mars/Base"|2|s/^timezone = UTC/timezone = Mars\/Base/
unknown section [jobs x]|9|s/^\[job inventory\]/[jobs x]/
[job files] defined twice|26|s/^\[metrics\]/[job files]/
EOF
	# the example, with its files where the test can make them
	touch "$c/targets.txt" "$c/inventory.csv"
	echo 127.0.0.1 >"$c/targets.txt"
	printf 'ip,name\n127.0.0.1,me\n' >"$c/inventory.csv"
	sed "s|/etc/dormant/|$c/|g; s|/var/lib/dormant|$c|g" "$ROOT/data/watch.conf.example" >"$c/example.conf"
	"$D" watch --check "$c/example.conf" >"$c/ex.out" 2>&1 || { cat "$c/ex.out"; return 1; }
	grep -q 'ok: 2 jobs, 1 collectors, 0 captures, metrics 127.0.0.1:9712' "$c/ex.out" || { cat "$c/ex.out"; return 1; }
	"$D" watch --check "$c/missing.conf" 2>"$c/e"
	[ $? = 2 ] && grep -q 'missing.conf' "$c/e"
}
check watch_check_names_the_line t_watch_check

# A watcher with a job that takes longer than its period (a connect scan of
# loopback paced at 200 probes/s) and metrics; $1: the folder.
start_watcher() {
	local c=$1
	mkdir -p "$c"
	MPORT=$(wport)
	cat >"$c/watch.conf" <<EOF
[site]
timezone = UTC
[watch]
db = $c/db
[job slow]
every = 2s
run = scan 127.0.0.1 -sT -Pn -p 1-500 --rate 200 -q
[metrics]
listen = 127.0.0.1:$MPORT
EOF
	"$D" watch --config "$c/watch.conf" >"$c/stdout" 2>"$c/log" &
	WPID=$!
}

t_watch_jobs() {
	local c="$WT/jobs"
	start_watcher "$c"
	local i
	for i in $(seq 1 300); do
		[ "$(grep -c 'job slow: done' "$c/log")" -ge 2 ] && break
		sleep 0.1
	done
	kill -TERM $WPID
	wait $WPID || { echo "exit $?"; cat "$c/log"; return 1; }
	# twice at least, never two at once: each start follows the previous end
	grep -E 'job slow: (started|done|failed|stopped)' "$c/log" >"$c/events"
	[ "$(grep -c 'done (exit 0)' "$c/events")" -ge 2 ] || { cat "$c/log"; return 1; }
	awk '/started/ { if (run) bad = 1; run = 1 } /done|failed|stopped/ { run = 0 } END { exit bad }' "$c/events" ||
		{ echo "overlap:"; cat "$c/events"; return 1; }
	grep -q 'job slow: still running at its next time; that run is skipped' "$c/log" || { cat "$c/log"; return 1; }
	# the store agrees: no run began before the previous one ended
	python3 - "$c/db" <<'PY' || return 1
import sqlite3, sys
runs = sqlite3.connect(sys.argv[1]).execute(
    "SELECT started, finished, status FROM runs WHERE kind = 'scan' ORDER BY started").fetchall()
done = [r for r in runs if r[2] == "done"]
assert len(done) >= 2, runs
for a, b in zip(runs, runs[1:]):
    assert a[1] and a[1] <= b[0], ("overlap", a, b)
PY
	# a restart right away: the job's last start is remembered, nothing was missed
	grep -q '^job slow [0-9.]*$' "$c/watch-state" || { cat "$c/watch-state"; return 1; }
}
check watch_job_every_2s_twice_without_overlap t_watch_jobs

t_watch_metrics_hup_term() {
	local c="$WT/hup"
	start_watcher "$c"
	wait_for "$c/log" 'job slow: done' 10 || { kill $WPID; return 1; }
	curl -sf "http://127.0.0.1:$MPORT/metrics" >"$c/m1" || { kill $WPID; echo "curl failed"; return 1; }
	python3 - "$c/m1" <<'PY' || { kill $WPID; return 1; }
import re, sys
text = open(sys.argv[1]).read()
line = re.compile(r'^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$')
for l in text.splitlines():
    assert l.startswith("# HELP ") or l.startswith("# TYPE ") or line.match(l), l
v = dict(l.rsplit(" ", 1) for l in text.splitlines() if not l.startswith("#"))
assert float(v['dormant_job_runs_total{job="slow"}']) >= 1, v
assert float(v['dormant_job_last_duration_seconds{job="slow"}']) > 1, v
assert float(v['dormant_job_failures_total{job="slow"}']) == 0, v
assert 'dormant_findings_open{severity="high"}' in v, v
assert v["dormant_alerts_queued"] == "0", v
assert v["dormant_watch_reloads_total"] == "0", v
PY
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/other")" = 404 ] || { kill $WPID; return 1; }
	# a bad file: refused with its line, the one in force kept (the job goes on)
	cp "$c/watch.conf" "$c/good.conf"
	sed -i 's/^every = 2s/every = soon/' "$c/watch.conf"
	kill -HUP $WPID
	wait_for "$c/log" 'reload refused, the configuration in force is kept: .*watch.conf: line 6: every "soon"' 5 ||
		{ kill $WPID; return 1; }
	local runs
	runs=$(grep -c 'job slow: started' "$c/log")
	wait_for "$c/log" "job slow: started" 1 && sleep 5
	[ "$(grep -c 'job slow: started' "$c/log")" -gt "$runs" ] || { echo "the job stopped after the bad reload"; kill $WPID; return 1; }
	# a good one takes effect
	sed 's/^every = 2s/every = 1h/' "$c/good.conf" >"$c/watch.conf"
	kill -HUP $WPID
	wait_for "$c/log" 'watch.conf reloaded: 1 jobs' 5 || { kill $WPID; return 1; }
	curl -sf "http://127.0.0.1:$MPORT/metrics" | grep -q '^dormant_watch_reloads_total 1$' || { kill $WPID; echo "reloads not 1"; return 1; }
	# SIGTERM: the running step ends, the watcher exits 0 and leaves no child
	kill -TERM $WPID
	local i
	for i in $(seq 1 100); do kill -0 $WPID 2>/dev/null || break; sleep 0.1; done
	kill -0 $WPID 2>/dev/null && { echo "still running 10 s after SIGTERM"; kill -9 $WPID; return 1; }
	wait $WPID || { echo "exit $?"; return 1; }
	grep -q 'watch: stopped' "$c/log" || return 1
	! pgrep -f "$c/watch.conf" >/dev/null || { echo "children left"; return 1; }
	! curl -s "http://127.0.0.1:$MPORT/metrics" >/dev/null
}
check watch_metrics_curl_sighup_bad_config_sigterm t_watch_metrics_hup_term

t_watch_notify() { # systemd's protocol, on a socket of ours: READY, WATCHDOG, RELOADING, STOPPING
	local c="$WT/notify"
	mkdir -p "$c"
	printf '[watch]\ndb = %s/db\n[job j]\nevery = 1h\nrun = secrets %s\n' "$c" "$c" >"$c/watch.conf"
	python3 - "$c" "$D" <<'PY'
import os, signal, socket, subprocess, sys, time
c, d = sys.argv[1], sys.argv[2]
path = c + "/notify.sock"
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="400000")
p = subprocess.Popen([d, "watch", "--config", c + "/watch.conf", "-q"], env=env,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
got = []
def until(state):
    while True:
        m = s.recv(4096).decode()
        got.append(m)
        if m == state:
            return
until("READY=1")
t = time.time()
until("WATCHDOG=1")
until("WATCHDOG=1")
assert time.time() - t < 1.0, "watchdog pings too slow"
p.send_signal(signal.SIGHUP)
until("RELOADING=1")
until("READY=1")
p.send_signal(signal.SIGTERM)
until("STOPPING=1")
assert p.wait(10) == 0
# the job's child never spoke to systemd
assert got.count("READY=1") == 2, got
PY
}
check watch_sd_notify_ready_watchdog_reload_stop t_watch_notify

t_watch_collect() { # NetFlow v9 on loopback: a hit said at once, the first hour judged while the watcher runs
	local c="$WT/collect" port
	mkdir -p "$c"
	port=$(wport)
	echo "203.0.113.66" >"$c/bad.txt"
	cat >"$c/watch.conf" <<EOF
[site]
timezone = UTC
name = lab
[intel]
files = bad.txt
[watch]
db = $c/db
[collect edge]
listen = 127.0.0.1:$port
grace = 5m
[alert file]
type = jsonl
path = $c/alerts.jsonl
[metrics]
listen = 127.0.0.1:$((port + 1))
EOF
	"$D" watch --config "$c/watch.conf" 2>"$c/log" &
	local pid=$! h=1768014000 # 2026-01-10T03:00Z: the exporter's clock, not ours
	wait_for "$c/log" 'collect edge: started' 5 || { kill $pid; return 1; }
	sleep 0.3
	# 03:10 an upload to a listed address; 04:04 (inside the grace) and 04:06 (past it) ordinary flows
	python3 "$ROOT/tests/tools/flow/gen-netflow9.py" 127.0.0.1 "$port" \
		"$((h + 600)):10.1.0.5>203.0.113.66:443/tcp" \
		"$((h + 3600 + 240)):10.1.0.5>10.1.0.6:53/udp" || { kill $pid; return 1; }
	sleep 2.5 # the watcher delivers (opens and closes the store) every 2 s meanwhile
	grep -q 'judged' "$c/log" && { echo "judged before the clock passed 04:05"; kill $pid; cat "$c/log"; return 1; }
	# the hit was said as its flow came and its alert delivered, its hour not judged yet
	grep -q 'collect edge: finding at once (stream clock [^)]*) high intel-match 10\.1\.0\.5: ' "$c/log" &&
		wait_for "$c/alerts.jsonl" '"idempotency_key":"dormant:lab:F1:1"' 3 || { kill $pid; cat "$c/log"; return 1; }
	grep -q 'judged' "$c/log" && { echo "judged before the clock passed 04:05"; kill $pid; cat "$c/log"; return 1; }
	python3 "$ROOT/tests/tools/flow/gen-netflow9.py" 127.0.0.1 "$port" \
		"$((h + 3600 + 360)):10.1.0.7>10.1.0.6:53/udp,$((h + 1200)):10.1.0.8>203.0.113.66:22/tcp" || { kill $pid; return 1; }
	wait_for "$c/log" 'collect edge: finding high intel-match 10\.1\.0\.5: .*203\.0\.113\.66' 10 || { kill $pid; return 1; }
	grep -q 'hour from 2026-01-10T03:00:00.000Z judged: 1 flows, 1 findings' "$c/log" || { kill $pid; cat "$c/log"; return 1; }
	# its life began (new): the alert is in the outbox while the watcher runs
	wait_for "$c/log" 'collect edge: run 1: 1 new, 0 reopened, 0 escalated, 0 resolved; 1 alerts queued' 5 || { kill $pid; return 1; }
	# and delivered while the next hour is held (the watcher delivers every 2 s)
	wait_for "$c/alerts.jsonl" '"idempotency_key":"dormant:lab:F1:1"' 5 || { kill $pid; cat "$c/log"; return 1; }
	# stream time at /metrics: the latest flow end seen (04:06)
	sleep 1.2
	curl -sf "http://127.0.0.1:$((port + 1))/metrics" | grep -qx "dormant_source_stream_clock_seconds{source=\"edge\",kind=\"collect\"} $((h + 3600 + 360)).000" ||
		{ kill $pid; curl -s "http://127.0.0.1:$((port + 1))/metrics"; return 1; }
	curl -sf "http://127.0.0.1:$((port + 1))/metrics" >"$c/m" || { kill $pid; return 1; }
	grep -qx 'dormant_source_early_findings_total{source="edge",kind="collect"} 2' "$c/m" || { kill $pid; cat "$c/m"; return 1; }
	# the judge's queue: 03:00 was handed to it (one deep), judged, none waited for room
	local q
	for q in 'dormant_source_judge_queue_hours{source="edge",kind="collect"} 0' \
		'# TYPE dormant_source_judge_queue_hours gauge' \
		'dormant_source_judge_queue_deepest_hours{source="edge",kind="collect"} 1' \
		'# TYPE dormant_source_judge_queue_deepest_hours gauge' \
		'dormant_source_judge_queue_wait_seconds_total{source="edge",kind="collect"} 0.000' \
		'# TYPE dormant_source_judge_queue_wait_seconds_total counter'; do
		grep -qxF "$q" "$c/m" || { kill $pid; echo "no line: $q"; cat "$c/m"; return 1; }
	done
	grep -q '^# HELP dormant_source_judge_queue_wait_seconds_total ' "$c/m" || { kill $pid; cat "$c/m"; return 1; }
	# the late flow (03:20, after 03:00 was judged) waits for the next judgement
	kill -TERM $pid
	wait $pid || { echo "exit $?"; return 1; }
	# SIGTERM judged what was held: the 04:00 hour and the late flow with it
	grep -q 'hour from 2026-01-10T04:00:00.000Z judged: 3 flows, 1 findings' "$c/log" || { cat "$c/log"; return 1; }
	grep -q 'finding high intel-match 10\.1\.0\.8' "$c/log" || { cat "$c/log"; return 1; }
	# both alerts went out by the time the watcher exited, once each
	[ "$(grep -c '"rule":"intel-match"' "$c/alerts.jsonl")" = 2 ] &&
		grep -q '"idempotency_key":"dormant:lab:F1:1".*"ip":"10.1.0.5"' "$c/alerts.jsonl" &&
		grep -q '"idempotency_key":"dormant:lab:F2:1".*"ip":"10.1.0.8"' "$c/alerts.jsonl" ||
		{ cat "$c/alerts.jsonl" "$c/log"; return 1; }
	# both hours are runs in the store with their findings
	[ "$(sqlite3 "$c/db" "SELECT count(*) FROM runs WHERE kind = 'collect' AND status = 'done'")" = 2 ] &&
		[ "$(sqlite3 "$c/db" "SELECT count(*) FROM findings WHERE rule = 'intel-match'")" = 2 ] || {
		sqlite3 "$c/db" "SELECT * FROM runs"
		return 1
	}
}
check watch_collector_judges_in_stream_time t_watch_collect

t_watch_stream_restart() { # a source started again goes on with the hours before it (kill -9 after hour 120)
	local R="$OUT/rt" w="$WT/restart"
	mkdir -p "$w"
	[ -s "$R/routine.pcap" ] || python3 "$ROOT/tests/tools/flow/gen-routine.py" "$R" --hosts 40 --days 10 --seed 1 >/dev/null || return 1
	"$BUILD/tests/flow-stream-replay" "$R/routine.pcap" "$R/site.conf" "$w/one.db" >"$w/one" 2>"$w/one.err" || { cat "$w/one.err"; return 1; }
	"$BUILD/tests/flow-stream-replay" --restart-after 120 "$R/routine.pcap" "$R/site.conf" "$w/two.db" >"$w/two" 2>"$w/two.err" || { cat "$w/two.err"; return 1; }
	grep '^finding' "$w/one" | sort >"$w/one.f"
	grep '^finding' "$w/two" | sort >"$w/two.f"
	# the rules that carry state across hours found something after the restart
	local cut
	cut=$(awk 'NR == 1 || $5 < m { m = $5 } END { print m + 120 * 3600 }' "$w/one.f")
	for rule in beacon long-connection scheduled-transfer rotating-destinations; do
		awk -v r="$rule" -v c="$cut" '$2 == r && $5 >= c { n++ } END { exit !n }' "$w/one.f" || { echo "no $rule after the restart"; return 1; }
	done
	diff "$w/one.f" "$w/two.f" >"$w/diff" || { head -20 "$w/diff"; return 1; }
	[ "$(sqlite3 "$w/two.db" "SELECT count(*) FROM stream_state WHERE source = 'replay' AND site = 'default' AND format = 4 AND length(state) > 1000")" = 1 ]
}
check watch_stream_restart_loses_nothing t_watch_stream_restart

t_watch_unit() { # the service unit with this build's paths and the hardening the issue asks
	local u="$BUILD/dormant.service" k
	[ -f "$u" ] || { echo "no $u"; return 1; }
	! grep -q '@[a-z]*@' "$u" || { echo "a placeholder left"; return 1; }
	for k in 'Type=notify' 'WatchdogSec=' 'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN' 'ProtectSystem=strict' \
		'StateDirectory=dormant' 'NoNewPrivileges=yes' 'User=dormant' 'ExecReload=/bin/kill -HUP $MAINPID'; do
		grep -qF "$k" "$u" || { echo "no $k"; return 1; }
	done
	grep -qE '^ExecStart=.*/dormant watch --config .*/dormant/watch.conf$' "$u" || return 1
	grep -qE '^ExecStartPre=.*/dormant watch --check ' "$u" || return 1
	"$D" watch --help | grep -qE -- '^  --check( |$)' && "$D" watch --help | grep -qE -- '^  --config( |$)'
}
check watch_service_unit t_watch_unit

# Host and port changes as alerts: a job scans three loopback ports every
# 3 s while real listeners change between its runs (the first port closes
# and the second opens after the first run; the third stays open). The feed
# gets exactly one port-closed and one port-opened, with the run's key;
# later runs and a restarted watcher add nothing, and a channel with the
# default events gets none.
listen_on() { # PORT: a TCP listener on 127.0.0.1 until killed; its pid in LPID
	/usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); time.sleep(600)' "$1" &
	LPID=$!
}

t_watch_port_events() {
	local c="$WT/events" p1 p2 p3 l1 l2 l3 i
	mkdir -p "$c"
	p1=$((34000 + RANDOM % 2000)) && p2=$((p1 + 1)) && p3=$((p1 + 2))
	cat >"$c/watch.conf" <<CONF
[site]
name = lab
timezone = UTC
[watch]
db = $c/db
[job ports]
every = 3s
run = scan 127.0.0.1 -sT -Pn -p $p1,$p2,$p3 -q
[alert feed]
type = jsonl
path = $c/alerts.jsonl
events = host-new, host-silent, host-woke, port-opened, port-closed
[alert findings]
type = jsonl
path = $c/findings.jsonl
CONF
	listen_on "$p1" && l1=$LPID
	listen_on "$p3" && l3=$LPID
	sleep 0.3
	"$D" watch --config "$c/watch.conf" >"$c/stdout" 2>"$c/log" &
	WPID=$!
	wait_for "$c/log" 'job ports: done' 15 || { kill $WPID $l1 $l3; return 1; }
	kill $l1
	listen_on "$p2" && l2=$LPID
	for i in $(seq 1 200); do
		[ "$(grep -c 'job ports: done' "$c/log")" -ge 3 ] && break
		sleep 0.1
	done
	sleep 0.5
	kill -TERM $WPID
	wait $WPID || { echo "watch exit $?"; cat "$c/log"; kill $l2 $l3; return 1; }
	[ "$(grep -c 'job ports: done' "$c/log")" -ge 3 ] || { cat "$c/log"; kill $l2 $l3; return 1; }
	# a watcher started again: its first run compares with the last, the same ports
	"$D" watch --config "$c/watch.conf" >>"$c/stdout" 2>"$c/log2" &
	WPID=$!
	wait_for "$c/log2" 'job ports: done' 15 || { kill $WPID $l2 $l3; return 1; }
	sleep 0.5
	kill -TERM $WPID
	wait $WPID
	kill $l2 $l3
	grep -q 'host and port changes; 2 alerts queued' "$c/log" || { cat "$c/log"; return 1; }
	python3 - "$c/alerts.jsonl" "$p1" "$p2" "$c/db" <<'PY' || { cat "$c/log"; return 1; }
import json, sqlite3, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
p1, p2 = int(sys.argv[2]), int(sys.argv[3])
# the second scan run is the one that saw the change
run = sqlite3.connect(sys.argv[4]).execute(
    "SELECT id FROM runs WHERE kind = 'scan' ORDER BY id LIMIT 1 OFFSET 1").fetchone()[0]
got = sorted((r["event"], r["change"]["port"], r["idempotency_key"], r["change"]["state"]) for r in rows)
want = sorted([
    ("port-closed", p1, f"dormant:lab:R{run}:port-closed:127.0.0.1:{p1}/tcp", "closed"),
    ("port-opened", p2, f"dormant:lab:R{run}:port-opened:127.0.0.1:{p2}/tcp", "open"),
])
assert got == want, (got, want)
for r in rows:
    ch = r["change"]
    assert r["type"] == "alert" and r["channel"] == "feed", r
    assert ch["site"] == "lab" and ch["ip"] == "127.0.0.1" and ch["proto"] == "tcp", r
    assert ch["first_seen"] <= ch["last_seen"] and ch["run"] == run, r
    assert ch["evidence"]["previous_run"] == run - 1, r
    assert "finding" not in r, r
PY
	# the outbox lists each change by its address, delivered
	"$D" alerts list --db "$c/db" >"$c/list" || return 1
	[ "$(grep -cE '^[0-9]+ +feed +port-(opened|closed) +- +info +127\.0\.0\.1 +delivered ' "$c/list")" = 2 ] ||
		{ cat "$c/list"; return 1; }
	# and as JSON: a change is no finding (null, not "F0"), with its address and port
	"$D" alerts list --db "$c/db" --json >"$c/list.json" || return 1
	python3 - "$c/list.json" "$p1" "$p2" <<'PY' || { cat "$c/list.json"; return 1; }
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = sorted((r["event"], r["finding"], r["rule"], r["ip"], r["port"], r["proto"]) for r in rows)
want = sorted([("port-closed", None, None, "127.0.0.1", int(sys.argv[2]), "tcp"),
               ("port-opened", None, None, "127.0.0.1", int(sys.argv[3]), "tcp")])
assert got == want, (got, want)
PY
	# the channel with the default events (finding changes) got none of them
	[ ! -s "$c/findings.jsonl" ] || { cat "$c/findings.jsonl"; return 1; }
}
check watch_port_events_alert_once t_watch_port_events

# A secrets job takes the watch's site as the scan jobs do: its run and its
# findings are the site's, visible to findings and report --site.
t_watch_secrets_site() {
	local c="$WT/secrets-site"
	mkdir -p "$c/files"
	printf 'machine w.example login eve password Watch-Site-77x\n' >"$c/files/.netrc"
	cat >"$c/watch.conf" <<CONF
[site]
name = lab
timezone = UTC
[watch]
db = $c/db
[job files]
every = 1h
run = secrets $c/files -q
CONF
	"$D" watch --config "$c/watch.conf" >"$c/stdout" 2>"$c/log" &
	WPID=$!
	wait_for "$c/log" 'job files: done' 15 || { kill $WPID; return 1; }
	kill -TERM $WPID
	wait $WPID || { echo "watch exit $?"; cat "$c/log"; return 1; }
	"$D" findings --db "$c/db" list --site lab --json >"$c/f" || return 1
	python3 - "$c" <<'PY' || { cat "$c/log"; return 1; }
import json, sqlite3, sys
c = sys.argv[1]
rows = [json.loads(l) for l in open(f"{c}/f")]
assert [(r["rule"], r["site"], r["path"]) for r in rows] == [
    ("plaintext-credentials", "lab", f"{c}/files/.netrc")], rows
runs = sqlite3.connect(f"{c}/db").execute("SELECT kind, site, status FROM runs").fetchall()
assert runs == [("secrets", "lab", "done")], runs
PY
	"$D" report --db "$c/db" --site lab | grep -q "in:  $c/files/.netrc" || return 1
	! grep -qa 'Watch-Site-77x' "$c/db" "$c/f" "$c/log"
}
check watch_secrets_job_at_the_site t_watch_secrets_site

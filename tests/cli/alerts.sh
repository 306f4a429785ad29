# shellcheck shell=bash
# Findings with a life and alerts that arrive exactly once per change, with
# real receivers: rsyslog (a unix socket and TCP on the loopback), a webhook
# that refuses for a while then accepts, an SMTP sink (aiosmtpd), a JSON
# Lines file; a delivery killed with SIGKILL while the webhook holds its
# answer. Sourced by test-cli.sh (check, $D, $OUT, $ROOT); loopback ports
# 24610-24620 only.
AL="$OUT/alerts"
mkdir -p "$AL"
AP=() # the receivers started here, stopped at the end
al_start() {
	[ -e "$AL/started" ] && return 0
	/usr/bin/python3 -m http.server 24610 --bind 127.0.0.1 >/dev/null 2>&1 & AP+=($!)
	cat >"$AL/rs.conf" <<RS
global(workDirectory="$AL")
module(load="imuxsock" SysSock.Use="off")
module(load="imtcp")
input(type="imuxsock" Socket="$AL/log.sock" UseSpecialParser="off" ParseHostname="on")
input(type="imtcp" address="127.0.0.1" port="24611")
template(name="parsed" type="string" string="%inputname%|%app-name%|%msgid%|%structured-data%|%msg%\n")
*.* action(type="omfile" file="$AL/syslog.log" template="parsed")
RS
	rsyslogd -n -f "$AL/rs.conf" -i "$AL/rs.pid" >"$AL/rs.out" 2>&1 & AP+=($!)
	/usr/bin/python3 "$ROOT/tests/cli/alert-peers.py" webhook 24612 "$AL/hook.log" 3 2>/dev/null & AP+=($!)
	/usr/bin/python3 "$ROOT/tests/cli/alert-peers.py" smtp 24613 "$AL/mail.log" 2>/dev/null & AP+=($!)
	printf 'ip,status,hostname\n127.0.0.1,decommissioned,old-box\n' >"$AL/decom.csv"
	printf 'ip,status,hostname\n127.0.0.1,active,old-box\n' >"$AL/active.csv"
	cat >"$AL/site.conf" <<CONF
[site]
name = lab
[alert file]
type = jsonl
path = $AL/alerts.jsonl
[alert ocsf]
type = jsonl
format = ocsf
path = $AL/ocsf.jsonl
[alert local]
type = syslog
server = unix:$AL/log.sock
[alert siem]
type = syslog
server = tcp://127.0.0.1:24611
format = cef
[alert hook]
type = webhook
url = http://127.0.0.1:24612/hook
secret = s3cret
header = X-Team: blue
[alert mail]
type = email
server = smtp://127.0.0.1:24613
from = dormant@example.org
to = ops@example.org, sec@example.org
events = new, reopened
[alert critical-only]
type = jsonl
path = $AL/critical.jsonl
min_severity = critical
CONF
	for _ in $(seq 50); do [ -S "$AL/log.sock" ] && break; sleep 0.1; done
	touch "$AL/started"
}
al_audit() { # one audit of the listener with a register: its save moves the states and queues the alerts
	"$D" audit 127.0.0.1 -p 24610 --db "$AL/db" --inventory "$AL/$1.csv" --config "$AL/site.conf" -q >/dev/null 2>"$AL/e" ||
		{ cat "$AL/e"; return 1; }
	"$D" alerts list --db "$AL/db" --pending --json | python3 -c '
import collections, json, sys
c = collections.Counter(json.loads(l)["event"] for l in sys.stdin)
print(" ".join("%s:%d" % kv for kv in sorted(c.items())))' >"$AL/queued.$2" || return 1
}
al_keys() { python3 -c '
import json, sys
print(" ".join(r[sys.argv[2]] if sys.argv[2] != "key" else r["idempotency_key"] for r in map(json.loads, open(sys.argv[1]))))' "$1" "${2:-key}"; }
t_alerts_first() {
	al_start || return 1
	al_audit decom 1 || return 1
	[ "$(cat "$AL/queued.1")" = "new:6" ] || { cat "$AL/queued.1"; return 1; }
	# the webhook refuses three times: retried with backoff (1 s, 2 s, 4 s), in time
	"$D" alerts deliver --config "$AL/site.conf" --db "$AL/db" --wait 30 >"$AL/d1" 2>"$AL/d1e" || { cat "$AL/d1e"; return 1; }
	grep -q '^alerts: 6 delivered, 3 failed tries, 0 pending$' "$AL/d1" || { cat "$AL/d1" "$AL/d1e"; return 1; }
	[ "$(al_keys "$AL/alerts.jsonl")" = "dormant:lab:F1:1" ] || return 1
	[ ! -e "$AL/critical.jsonl" ] || { echo "critical-only got a high finding"; return 1; }
	sleep 0.5 # rsyslog writes its file asynchronously
	python3 - "$AL" <<'PY'
import json, sys
d = sys.argv[1]
lines = open(d + "/syslog.log").read().splitlines()
assert len(lines) == 2, lines
by = {l.split("|")[0]: l.split("|", 4) for l in lines}
ux = by["imuxsock"]
assert ux[1:3] == ["dormant", "new"], ux
sd = ux[3]
assert sd.startswith('[dormant@32473 key="dormant:lab:F1:1" event="new" state="new" finding="F1" rule="decommissioned-alive" severity="high" site="lab" ip="127.0.0.1"') and sd.endswith('"]'), sd
assert ux[4].startswith("Decommissioned device old-box still answers") and ux[4].endswith("; dormant findings show F1"), ux[4]
tcp = by["imtcp"]
assert tcp[3] == "-" and tcp[4].startswith("CEF:0|dormant|dormant|") and "|decommissioned-alive|" in tcp[4], tcp
assert " cs1=dormant:lab:F1:1 " in tcp[4], tcp[4]
hook = [json.loads(l) for l in open(d + "/hook.log")]
assert [h["status"] for h in hook] == [503, 503, 503, 200], hook
assert {h["key"] for h in hook} == {"dormant:lab:F1:1"} and all(h["signed"] and h["extra"] == "blue" for h in hook), hook
f = hook[-1]["body"]["finding"]
assert (f["rule"], f["severity"], f["state"], f["site"], f["ip"]) == ("decommissioned-alive", "high", "new", "lab", "127.0.0.1"), f
assert f["evidence"]["register"]["status"] == "decommissioned" and f["link"] == "dormant findings show F1", f
mail = [json.loads(l) for l in open(d + "/mail.log")]
assert len(mail) == 1 and mail[0]["to"] == ["ops@example.org", "sec@example.org"], mail
m = mail[0]["data"]
assert "Message-ID: <dormant.lab.F1.1@dormant>" in m and "Subject: [dormant] new high decommissioned-alive 127.0.0.1: Decommissioned device old-box" in m, m
assert "Rule:         decommissioned-alive" in m and "Details:      dormant findings show F1" in m, m
o = json.loads(open(d + "/ocsf.jsonl").read())
assert (o["class_uid"], o["activity_id"], o["type_uid"], o["severity_id"], o["status"]) == (2004, 1, 200401, 4, "New"), o
assert o["metadata"]["uid"] == "dormant:lab:F1:1" and o["finding_info"]["types"] == ["decommissioned-alive"], o
PY
}
check alerts_reach_every_channel_once t_alerts_first
t_alerts_life() {
	[ -e "$AL/queued.1" ] || return 1
	al_audit active 2 || return 1 # the register now says active: resolved, for those who want it
	[ "$(cat "$AL/queued.2")" = "resolved:5" ] || { cat "$AL/queued.2"; return 1; }
	al_audit decom 3 || return 1
	[ "$(cat "$AL/queued.3")" = "reopened:6 resolved:5" ] || { cat "$AL/queued.3"; return 1; }
	"$D" findings show F1 --db "$AL/db" | grep -q '^F1  reopened  high  decommissioned-alive  site lab$' || return 1
	"$D" findings ack F1 --by ann --why 'ticket 42: being shipped back' --until 2099-01-31 --db "$AL/db" | grep -q '^F1: ack recorded$' || return 1
	"$D" findings apply 1 --config "$AL/site.conf" --db "$AL/db" | grep -q '0 alerts queued$' || return 1 # acknowledged: quiet
	"$D" findings list --db "$AL/db" --json | grep -q '"id":"F1","state":"acknowledged"' || return 1
	"$D" findings show F1 --db "$AL/db" | grep -q 'ack        by ann: ticket 42: being shipped back (until 2099-02-01T00:00:00.000Z)$' || return 1
	"$D" alerts deliver --config "$AL/site.conf" --db "$AL/db" --wait 20 -q || return 1
	[ "$(al_keys "$AL/alerts.jsonl" event)" = "new resolved reopened" ] || { al_keys "$AL/alerts.jsonl" event; return 1; }
	[ "$(al_keys "$AL/alerts.jsonl")" = "dormant:lab:F1:1 dormant:lab:F1:2 dormant:lab:F1:3" ] || return 1
	[ "$(grep -c . "$AL/mail.log")" = 2 ] || { echo "mail wants new and reopened only"; return 1; }
	"$D" alerts list --db "$AL/db" --pending | grep -q . && { echo "still pending"; return 1; }
	[ "$("$D" alerts list --db "$AL/db" --json | grep -c '"status":"delivered"')" = 17 ]
}
check alerts_follow_resolved_reopened_acknowledged t_alerts_life
t_alerts_kill() {
	[ -e "$AL/queued.3" ] || return 1
	# the register says active again: resolved; the webhook holds its answer and the sender is killed
	"$D" findings apply 2 --config "$AL/site.conf" --db "$AL/db" | grep -q '1 resolved; 5 alerts queued$' || return 1
	touch "$AL/hook.log.hold"
	local before p
	before=$(grep -c . "$AL/hook.log")
	printf '[site]\nname = lab\n' >"$AL/hook.conf"
	sed -n '/^\[alert hook\]/,/^header/p' "$AL/site.conf" >>"$AL/hook.conf"
	"$D" alerts deliver --config "$AL/hook.conf" --db "$AL/db" --wait 20 -q >/dev/null 2>&1 & p=$!
	for _ in $(seq 100); do [ "$(grep -c . "$AL/hook.log")" -gt "$before" ] && break; sleep 0.1; done
	kill -9 $p
	wait $p 2>/dev/null
	"$D" alerts list --db "$AL/db" --pending --json | grep -q '"channel":"hook","event":"resolved".*"status":"sending"' || { "$D" alerts list --db "$AL/db" --pending; return 1; }
	"$D" alerts deliver --config "$AL/site.conf" --db "$AL/db" --wait 20 -q || return 1
	python3 - "$AL" <<'PY'
import json, sys
d = sys.argv[1]
hook = [json.loads(l) for l in open(d + "/hook.log")]
ok = [h["key"] for h in hook if h["status"] == 200]
# the killed try reached the receiver and was not recorded as sent: sent again, with the same key
assert ok == ["dormant:lab:F1:1", "dormant:lab:F1:2", "dormant:lab:F1:3", "dormant:lab:F1:4", "dormant:lab:F1:4"], ok
assert sorted(set(ok)) == ["dormant:lab:F1:%d" % i for i in (1, 2, 3, 4)]
keys = [json.loads(l)["idempotency_key"] for l in open(d + "/alerts.jsonl")]
assert keys == ["dormant:lab:F1:%d" % i for i in (1, 2, 3, 4)], keys  # the file: each once
PY
}
check alerts_kill9_neither_loses_nor_duplicates t_alerts_kill
t_alerts_errors() {
	printf '[alert x]\ntype = pager\n' >"$AL/bad.conf"
	"$D" alerts deliver --config "$AL/bad.conf" --db "$AL/db" 2>"$AL/e"
	[ $? = 2 ] && grep -q 'bad.conf: line 2: type "pager": expected jsonl, syslog, webhook or email' "$AL/e" || { cat "$AL/e"; return 1; }
	printf '[alert x]\ntype = webhook\n' >"$AL/bad.conf"
	"$D" alerts deliver --config "$AL/bad.conf" --db "$AL/db" 2>"$AL/e"
	[ $? = 2 ] && grep -q 'url is http:// or https://' "$AL/e" || { cat "$AL/e"; return 1; }
	"$D" findings ack F1 --db "$AL/db" 2>"$AL/e"
	[ $? = 2 ] && grep -q 'ack needs --why TEXT' "$AL/e" || return 1
	"$D" findings note F99 --why x --db "$AL/db" 2>"$AL/e"
	[ $? = 2 ] && grep -q 'no finding F99' "$AL/e" || return 1
	"$D" findings list --db "$AL/missing.db" 2>/dev/null
	[ $? = 2 ] && [ ! -e "$AL/missing.db" ]
}
check alerts_bad_input_is_one_line t_alerts_errors
t_alerts_allowlist() { # a config allowlist entry is a suppression: stored, shown with its origin, silent; lifted when removed
	local a="$AL/allow" p
	mkdir -p "$a"
	/usr/bin/python3 -m http.server 24618 --bind 127.0.0.1 >/dev/null 2>&1 & p=$!
	for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/24618) 2>/dev/null && break; sleep 0.1; done
	printf 'ip,status,hostname\n127.0.0.1,decommissioned,old-box\n' >"$a/decom.csv"
	printf '[site]\nname = lab\n[alert file]\ntype = jsonl\npath = %s\n' "$a/alerts.jsonl" >"$a/plain.conf"
	cp "$a/plain.conf" "$a/site.conf"
	printf '[allow old-box-return]\nrule = decommissioned-alive\nhost = 127.0.0.1/32\nreason = shipped back, ticket 42\n' >>"$a/site.conf"
	local r=0
	"$D" audit 127.0.0.1 -p 24618 --db "$a/db" --inventory "$a/decom.csv" --config "$a/site.conf" -q >/dev/null 2>"$a/e" || { cat "$a/e"; r=1; }
	kill "$p"; wait "$p" 2>/dev/null
	[ $r = 0 ] || return 1
	"$D" findings list --db "$a/db" >"$a/l1" || return 1
	grep -q '^F1 .*decommissioned-alive .*\[suppressed by config\]$' "$a/l1" || { cat "$a/l1"; return 1; }
	"$D" findings show F1 --db "$a/db" | grep -qF "suppressed   until unsuppressed by config $a/site.conf [allow old-box-return]: shipped back, ticket 42" ||
		{ "$D" findings show F1 --db "$a/db"; return 1; }
	"$D" findings list --db "$a/db" --json | grep -q '"suppressed":true,"suppressed_by":"config ' || return 1
	"$D" alerts list --db "$a/db" --pending | grep -q . && { echo "an allowlisted finding alerted"; return 1; }
	# another file (the same site, no entry) knows nothing of site.conf's entries: kept
	"$D" findings apply 1 --config "$a/plain.conf" --db "$a/db" >/dev/null || return 1
	"$D" findings list --db "$a/db" | grep -q '^F1 .*decommissioned-alive .*\[suppressed by config\]$' || { echo "lifted by another file"; return 1; }
	# the entry removed from site.conf: the next run that reads it lifts the suppression (a person's stays)
	cp "$a/plain.conf" "$a/site.conf"
	"$D" findings apply 1 --config "$a/site.conf" --db "$a/db" >/dev/null || return 1
	"$D" findings list --db "$a/db" | grep -q '^F1 .*decommissioned-alive .*suppressed' && { echo "still suppressed"; return 1; }
	"$D" findings suppress F1 --by ann --why 'lab box' --db "$a/db" >/dev/null || return 1
	"$D" findings apply 1 --config "$a/site.conf" --db "$a/db" >/dev/null || return 1
	"$D" findings show F1 --db "$a/db" | grep -q 'suppressed   until unsuppressed by ann$'
}
check alerts_allowlist_is_a_suppression t_alerts_allowlist
t_alerts_allowlist_kept() { # a run without --config does not lift what a config's entry suppressed
	local a="$AL/allow-kept" p
	mkdir -p "$a"
	/usr/bin/python3 -m http.server 24619 --bind 127.0.0.1 >/dev/null 2>&1 & p=$!
	for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/24619) 2>/dev/null && break; sleep 0.1; done
	printf 'ip,status,hostname\n127.0.0.1,decommissioned,old-box\n' >"$a/decom.csv"
	# no [site] name: the site is "default", as for a run with no config at all
	printf '[allow old-box-return]\nrule = decommissioned-alive\nhost = 127.0.0.1/32\nreason = shipped back\n' >"$a/site.conf"
	local r=0
	"$D" audit 127.0.0.1 -p 24619 --db "$a/db" --inventory "$a/decom.csv" --config "$a/site.conf" -q >/dev/null 2>"$a/e" &&
		"$D" audit 127.0.0.1 -p 24619 --db "$a/db" --inventory "$a/decom.csv" -q >/dev/null 2>>"$a/e" || { cat "$a/e"; r=1; }
	kill "$p"; wait "$p" 2>/dev/null
	[ $r = 0 ] || return 1
	"$D" findings list --db "$a/db" >"$a/l" || return 1
	[ "$(grep -c decommissioned-alive "$a/l")" = 1 ] &&
		grep -q '^F1 .*decommissioned-alive .*\[suppressed by config\]$' "$a/l" || { cat "$a/l"; return 1; }
	"$D" alerts list --db "$a/db" --pending | grep -q . && { echo "alerted"; return 1; }
	# the same file without the entry, read by the next run: lifted
	printf '[site]\ntimezone = UTC\n' >"$a/site.conf"
	"$D" findings apply 2 --config "$a/site.conf" --db "$a/db" >/dev/null || return 1
	"$D" findings list --db "$a/db" | grep -q '^F1 .*decommissioned-alive .*suppressed' && { "$D" findings list --db "$a/db"; return 1; }
	return 0
}
check alerts_allowlist_kept_by_a_run_without_config t_alerts_allowlist_kept
t_audit_fail_on_quiet() { # --fail-on counts what alerts: not what is suppressed (allowlist, person) or acknowledged
	local a="$AL/fail-on" p
	mkdir -p "$a"
	/usr/bin/python3 -m http.server 24620 --bind 127.0.0.1 >/dev/null 2>&1 & p=$!
	for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/24620) 2>/dev/null && break; sleep 0.1; done
	printf 'ip,status,hostname\n127.0.0.1,decommissioned,old-box\n' >"$a/decom.csv"
	printf '[site]\nname = lab\n' >"$a/plain.conf"
	printf '[site]\nname = lab\n[allow old-box]\nrule = decommissioned-alive\nhost = 127.0.0.1/32\nreason = shipped back\n' >"$a/allow.conf"
	fo() { # db config: the audit's exit status with --fail-on high, its findings in $a/out.jsonl
		"$D" audit 127.0.0.1 -p 24620 --db "$a/$1" --inventory "$a/decom.csv" --config "$a/$2" --fail-on high \
			-oJ "$a/out.jsonl" -q >/dev/null 2>"$a/e"
		echo $?
	}
	local s1 s2 s3 s4 s5 id
	s1=$(fo db plain.conf) # the decommissioned device answers: high, a failure
	s2=$(fo db2 allow.conf) # the allowlist covers it: reported, stored suppressed, no failure
	grep -q '"rule":"decommissioned-alive"' "$a/out.jsonl" || s2="$s2 (not reported)"
	id=$("$D" findings list --db "$a/db" --json | python3 -c '
import json, sys
print(next(r["id"] for r in map(json.loads, sys.stdin) if r["rule"] == "decommissioned-alive"))')
	"$D" findings suppress "$id" --by ann --why 'lab box' --db "$a/db" >/dev/null || return 1
	s3=$(fo db plain.conf) # a person suppressed it
	"$D" findings unsuppress "$id" --by ann --why 'not a lab box' --db "$a/db" >/dev/null || return 1
	s4=$(fo db plain.conf) # no longer
	"$D" findings ack "$id" --by ann --why 'ticket 42' --db "$a/db" >/dev/null || return 1
	s5=$(fo db plain.conf) # acknowledged
	kill "$p"; wait "$p" 2>/dev/null
	[ "$s1 $s2 $s3 $s4 $s5" = "1 0 0 1 0" ] || { echo "exit statuses: $s1 $s2 $s3 $s4 $s5"; cat "$a/e"; return 1; }
}
check audit_fail_on_skips_suppressed_and_acknowledged t_audit_fail_on_quiet
for p in "${AP[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done

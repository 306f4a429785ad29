# shellcheck shell=bash
# Network devices over SNMP (dormant netdev): snmpsimd (Debian snmpsim)
# replays two switches written after the MIBs (tests/data/netdev, truth.txt
# beside them), v2c and v3 authPriv SHA/AES; Debian's snmpd with a v3 user
# checks that right credentials work and wrong ones fail clearly (also
# after a good session of the same user); a relay that goes silent after a
# few requests is a device that stops answering mid-walk. Sourced by
# test-cli.sh (check, $D, $OUT, $ROOT); loopback ports 24600-24699 only;
# every agent is started under `timeout` and killed at the end.
NDIR=$(mktemp -d /tmp/dormant-netdev.XXXXXX) # snmpsimd runs as nobody: not under $OUT (0700)
chmod 755 "$NDIR"
NSIM=24601 NSNMPD=24602 NSTALL=24603
nd_pids=()
nd_start() {
	[ -n "${nd_started:-}" ] && return 0
	nd_started=1
	command -v snmpsimd >/dev/null && command -v snmpd >/dev/null || { echo "snmpsim or snmpd missing (scripts/deps)"; return 1; }
	mkdir -p "$NDIR/data" "$NDIR/cache" "$NDIR/persist"
	cp "$ROOT"/tests/data/netdev/*.snmprec "$NDIR/data/"
	chmod -R a+rX "$NDIR"
	local as_user=()
	if [ "$(id -u)" = 0 ]; then # snmpsimd will not run as root
		chown nobody:nogroup "$NDIR/cache"
		as_user=(--process-user=nobody --process-group=nogroup)
	fi
	timeout 300 snmpsimd --data-dir="$NDIR/data" --cache-dir="$NDIR/cache" "${as_user[@]}" \
		--agent-udpv4-endpoint=127.0.0.1:$NSIM --logging-method=file:"$NDIR/snmpsimd.log" \
		--v3-user=auditor --v3-auth-key=authpass123 --v3-auth-proto=SHA \
		--v3-priv-key=privpass123 --v3-priv-proto=AES >/dev/null 2>&1 &
	nd_pids+=($!)
	cat >"$NDIR/snmpd.conf" <<EOF
agentaddress udp:127.0.0.1:$NSNMPD
createUser auditor SHA authpass123 AES privpass123
rouser auditor priv
rocommunity public 127.0.0.1
EOF
	SNMP_PERSISTENT_DIR="$NDIR/persist" timeout 300 snmpd -f -Lf "$NDIR/snmpd.log" -C -c "$NDIR/snmpd.conf" >/dev/null 2>&1 &
	nd_pids+=($!)
	timeout 300 python3 "$ROOT/tests/tools/snmp-stall-proxy.py" $NSTALL $NSIM 6 >/dev/null 2>&1 &
	nd_pids+=($!)
	local i
	for i in $(seq 1 50); do # snmpsimd indexes its data first
		snmpget -v2c -c sw1 -t 0.3 -r 0 127.0.0.1:$NSIM 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 &&
			snmpget -v3 -l authPriv -u auditor -a SHA -A authpass123 -x AES -X privpass123 -t 0.3 -r 0 \
				127.0.0.1:$NSNMPD 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "snmpsimd or snmpd did not come up"
	return 1
}
nd_stop() {
	local p
	for p in "${nd_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${nd_pids[@]}"; do wait "$p" 2>/dev/null; done
	nd_pids=()
	rm -rf "$NDIR"
}
nd_conf() { # NAME: a --netdev file of mode 0600 from standard input
	cat >"$NDIR/$1"
	chmod 600 "$NDIR/$1"
}
t_netdev_tables() {
	nd_start || return 1
	nd_conf sim.conf <<EOF
[netdev sw1]
address = 127.0.0.1
port = $NSIM
community = sw1
bulk = 7

[netdev sw2]
address = 127.0.0.1
port = $NSIM
community = sw2
EOF
	"$D" netdev --netdev "$NDIR/sim.conf" --db "$NDIR/t.db" --json >"$NDIR/v2c.jsonl" 2>"$NDIR/e"
	[ $? = 1 ] || { echo "exit status not 1 (findings)"; cat "$NDIR/e"; return 1; }
	python3 "$ROOT/tests/tools/netdev-view.py" "$NDIR/v2c.jsonl" | grep -v '^finding' >"$NDIR/view.txt" || return 1
	grep -v '^#' "$ROOT/tests/data/netdev/truth.txt" | diff - "$NDIR/view.txt" || return 1
	# the community is never printed, only its redacted form
	python3 - "$NDIR/v2c.jsonl" <<'EOF' || return 1
import json, sys
devs = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "netdev"]
assert [sorted(d["credentials"]["community"]) for d in devs] == [["first", "length", "tag"]] * 2, devs
assert [d["credentials"]["community"]["length"] for d in devs] == [3, 3], devs
EOF
	"$D" netdev --netdev "$NDIR/sim.conf" --db "$NDIR/t.db" --device sw1 >"$NDIR/text" 2>&1
	grep -q '^  10102    Gi0/2                desk 2.14                up    down    1000    10     90.0d 0$' "$NDIR/text"
}
check netdev_snmpsim_switch_tables_match_truth t_netdev_tables
t_netdev_findings() { # the join with the register, twice: counters that stood still
	nd_start || return 1
	"$D" inventory import "$ROOT/tests/data/netdev/register.csv" --db "$NDIR/f.db" >/dev/null 2>&1 || return 1
	local run
	for run in 1 2; do
		"$D" netdev --netdev "$NDIR/sim.conf" --db "$NDIR/f.db" --json >"$NDIR/f$run.jsonl" 2>"$NDIR/e"
		[ $? = 1 ] || { echo "run $run: exit status not 1"; cat "$NDIR/e"; return 1; }
		python3 "$ROOT/tests/tools/netdev-view.py" "$NDIR/f$run.jsonl" | grep '^finding' >"$NDIR/f$run.txt"
	done
	grep '^finding' "$ROOT/tests/data/netdev/truth-findings.txt" | diff - "$NDIR/f1.txt" || return 1
	grep -E '^(2 )?finding' "$ROOT/tests/data/netdev/truth-findings.txt" | sed 's/^2 //' | sort | diff - "$NDIR/f2.txt" || return 1
	python3 - "$NDIR/f1.jsonl" "$NDIR/f2.jsonl" <<'EOF' || return 1
import json, sys
f1 = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "finding"]
f2 = [r for r in map(json.loads, open(sys.argv[2])) if r["type"] == "finding"]
by = {(r["rule"], r["ip"], r["evidence"].get("port", {}).get("interface")): r for r in f1 + f2}
gi2 = by[("idle-switch-port", "127.0.0.1", "Gi0/2")]["evidence"]
assert gi2["days_idle"] == 90 and gi2["oper"] == "down" and gi2["port"]["alias"] == "desk 2.14", gi2
gi8 = by[("idle-switch-port", "127.0.0.1", "Gi0/8")]["evidence"]
assert gi8["days_idle"] == 40 and gi8["oper"] == "up" and "counters_unchanged_since" in gi8, gi8
u = by[("unregistered-host", "198.18.9.50", None)]
assert u["evidence"]["seen_by"]["device"] == "sw1" and u["evidence"]["seen_by"]["mac"] == "3C:5A:B4:77:01:02", u
assert "in sw1's ARP table at" in u["title"], u["title"]
d = by[("decommissioned-alive", "198.18.9.77", None)]
assert d["evidence"]["register"]["hostname"] == "labbox" and d["evidence"]["plugged"]["alias"] == "lab bench", d
EOF
	# the walks are stored with the runs
	[ "$(sqlite3 "$NDIR/f.db" 'SELECT count(*) FROM netdev_walks WHERE complete = 1')" = 4 ] &&
		[ "$(sqlite3 "$NDIR/f.db" "SELECT count(*) FROM netdev_fdb f JOIN netdev_walks w ON w.id = f.walk_id WHERE w.device = 'sw1'")" = 18 ] &&
		[ "$(sqlite3 "$NDIR/f.db" "SELECT count(DISTINCT run_id) FROM netdev_walks")" = 2 ]
}
check netdev_findings_join_register_and_history t_netdev_findings
t_netdev_audit() { # an audit with [netdev] sections in its site policy asks the devices and joins them
	nd_start || return 1
	nd_conf site.conf <<EOF
[usage]
window_days = 30

[netdev sw1]
address = 127.0.0.1
port = $NSIM
community = sw1
EOF
	"$D" inventory import "$ROOT/tests/data/netdev/register.csv" --db "$NDIR/a.db" >/dev/null 2>&1 || return 1
	"$D" audit 127.0.0.1 -p 24698 --no-services --db "$NDIR/a.db" --config "$NDIR/site.conf" \
		-oJ "$NDIR/audit.jsonl" >"$NDIR/audit.out" 2>&1
	grep -q 'netdev: sw1: 9 interfaces, 3 ARP, 9 FDB, 1 LLDP rows' "$NDIR/audit.out" || { cat "$NDIR/audit.out"; return 1; }
	python3 "$ROOT/tests/tools/netdev-view.py" "$NDIR/audit.jsonl" | grep '^finding' | grep -v '^finding unregistered-host low ip=127.0.0.1 ' >"$NDIR/audit.txt"
	# window 30 days: Gi0/2 (90 days without link) is idle, the stranger on Gi0/3 is
	# unknown; its address (198.18.9.50) is outside the audit's targets: no stand-in
	printf '%s\n' "finding idle-switch-port low ip=127.0.0.1 at=sw1/Gi0/2/vlan10" \
		"finding unknown-device-on-port medium ip=198.18.9.50 at=sw1/Gi0/3/vlan20" | diff - "$NDIR/audit.txt" || return 1
	local run
	run=$(sqlite3 "$NDIR/a.db" "SELECT id FROM runs WHERE kind = 'audit'")
	[ "$(sqlite3 "$NDIR/a.db" "SELECT count(*) FROM netdev_walks WHERE run_id = $run AND complete = 1")" = 1 ]
}
check netdev_audit_asks_the_devices_of_its_config t_netdev_audit
t_netdev_v3() {
	nd_start || return 1
	# snmpsimd: v3 authPriv SHA/AES, the data file chosen by the context
	nd_conf v3sim.conf <<EOF
[netdev sw1]
address = 127.0.0.1
port = $NSIM
version = 3
user = auditor
context = sw1
auth = SHA
auth_pass = authpass123
priv = AES
priv_pass = privpass123
EOF
	"$D" netdev --netdev "$NDIR/v3sim.conf" --db "$NDIR/v3.db" --json >"$NDIR/v3.jsonl" 2>"$NDIR/e"
	[ $? = 1 ] || { echo "exit status not 1 (findings)"; cat "$NDIR/e"; return 1; }
	python3 "$ROOT/tests/tools/netdev-view.py" "$NDIR/v3.jsonl" | grep -v '^finding' >"$NDIR/view3.txt" || return 1
	grep -v '^#' "$ROOT/tests/data/netdev/truth.txt" | grep ' sw1 ' | diff - "$NDIR/view3.txt" || return 1
	grep -q '"auth_pass":{"first":"a","length":11' "$NDIR/v3.jsonl" && ! grep -q 'authpass123\|privpass123' "$NDIR/v3.jsonl" || return 1
	# Debian's snmpd: the right user and keys, then wrong ones for the same
	# user (Net-SNMP's process-wide user cache must not make them work)
	nd_conf v3.conf <<EOF
[netdev good]
address = 127.0.0.1
port = $NSNMPD
version = 3
user = auditor
auth = SHA
auth_pass = authpass123
priv = AES
priv_pass = privpass123

[netdev badauth]
address = 127.0.0.1
port = $NSNMPD
version = 3
user = auditor
auth = SHA
auth_pass = wrongpass123
priv = AES
priv_pass = privpass123

[netdev nouser]
address = 127.0.0.1
port = $NSNMPD
version = 3
user = intruder
auth = SHA
auth_pass = authpass123
priv = AES
priv_pass = privpass123
EOF
	local start=$SECONDS
	"$D" netdev --netdev "$NDIR/v3.conf" --db "$NDIR/v3.db" >"$NDIR/v3.txt" 2>"$NDIR/e"
	[ $? = 3 ] || { echo "exit status not 3"; cat "$NDIR/e"; return 1; }
	[ $((SECONDS - start)) -le 10 ] || { echo "took $((SECONDS - start)) s"; return 1; }
	grep -q '^dormant: netdev: good: [1-9][0-9]* interfaces' "$NDIR/e" &&
		grep -q '^dormant: netdev: badauth (127.0.0.1): system: refused our SNMPv3 credentials: Authentication failure (incorrect password, community or key)$' "$NDIR/e" &&
		grep -q '^dormant: netdev: nouser (127.0.0.1): system: refused our SNMPv3 credentials: Unknown user name$' "$NDIR/e" || { cat "$NDIR/e"; return 1; }
	grep -q '^good (127.0.0.1, SNMP v3): Linux ' "$NDIR/v3.txt"
}
check netdev_v3_authpriv_and_wrong_credentials t_netdev_v3
t_netdev_stall() {
	nd_start || return 1
	nd_conf stall.conf <<EOF
[netdev sw1]
address = 127.0.0.1
port = $NSTALL
community = sw1
bulk = 5
timeout = 0.3
deadline = 20
EOF
	local start=$SECONDS
	"$D" netdev --netdev "$NDIR/stall.conf" --db "$NDIR/stall.db" --json >"$NDIR/stall.jsonl" 2>"$NDIR/e"
	[ $? = 3 ] || { echo "exit status not 3"; cat "$NDIR/e"; return 1; }
	[ $((SECONDS - start)) -le 5 ] || { echo "took $((SECONDS - start)) s"; return 1; }
	# six requests answered: the system group and five GetBulks in ifTable
	grep -q '^dormant: netdev: sw1 (127.0.0.1): ifTable: no answer after 23 rows (the device stopped answering)$' "$NDIR/e" || { cat "$NDIR/e"; return 1; }
	python3 - "$NDIR/stall.jsonl" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
dev = recs[0]
assert dev["type"] == "netdev" and dev["complete"] is False and dev["rows"] == 23, dev
assert dev["sys_name"] == "sw1" and dev["interfaces"] == 9, dev  # partial data kept
EOF
}
check netdev_device_stops_answering_mid_walk t_netdev_stall
t_netdev_bounds() {
	nd_start || return 1
	nd_conf cap.conf <<EOF
[netdev sw1]
address = 127.0.0.1
port = $NSIM
community = sw1
max_rows = 30
EOF
	"$D" netdev --netdev "$NDIR/cap.conf" --db "$NDIR/cap.db" --json >"$NDIR/cap.jsonl" 2>"$NDIR/e"
	[ $? = 3 ] && grep -q 'sw1 (127.0.0.1): ifTable: row cap (30 rows) reached; partial data kept' "$NDIR/e" || { cat "$NDIR/e"; return 1; }
	grep -q '"rows":30,' "$NDIR/cap.jsonl" || return 1
	# a silent address: one request, one retry, then a clear sentence
	nd_conf silent.conf <<EOF
[netdev gone]
address = 127.0.0.1
port = 24699
community = public
timeout = 0.2
EOF
	"$D" netdev --netdev "$NDIR/silent.conf" --db "$NDIR/cap.db" >/dev/null 2>"$NDIR/e"
	[ $? = 3 ] && grep -q 'gone (127.0.0.1): system: no answer within 0.4 s' "$NDIR/e" || { cat "$NDIR/e"; return 1; }
	# credentials in a file others can read are refused before any packet
	chmod 644 "$NDIR/silent.conf"
	"$D" netdev --netdev "$NDIR/silent.conf" 2>"$NDIR/e"
	[ $? = 2 ] && grep -q 'silent.conf: holds SNMP credentials and is readable by others (mode 0644); chmod 600 it' "$NDIR/e" || { cat "$NDIR/e"; return 1; }
	"$D" netdev 2>"$NDIR/e"
	[ $? = 2 ] && grep -q 'no devices' "$NDIR/e"
}
check netdev_row_cap_silence_and_file_mode t_netdev_bounds
t_netdev_identity() { # what the devices are: held-out sysDescr strings, ENTITY-MIB, CDP, firmware CVEs
	nd_start || return 1
	local d
	for d in sw3 hx1 hx2 hx3 hx4 hx5 hx6 hx7 hx8; do
		printf '[netdev %s]\naddress = 127.0.0.1\nport = %s\ncommunity = %s\n\n' "$d" "$NSIM" "$d"
	done | nd_conf ident.conf
	"$D" netdev --netdev "$NDIR/ident.conf" --db "$NDIR/i.db" --json >"$NDIR/ident.jsonl" 2>"$NDIR/e"
	[ $? = 0 ] || { echo "exit status not 0 (no vulnerability data: no findings)"; cat "$NDIR/e"; return 1; }
	python3 - "$NDIR/ident.jsonl" "$ROOT/tests/data/netdev/heldout.txt" <<'EOF' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
got = {r["device"]: "|".join(r["identity"][k] for k in ("vendor", "product", "version", "model", "cpe"))
       for r in recs if r["type"] == "netdev"}
want = dict(l.rstrip("\n").split(" ", 1) for l in open(sys.argv[2]) if not l.startswith("#"))
bad = {d: (got.get(d), w) for d, w in want.items() if got.get(d) != w}
assert not bad, bad
sw3 = [r for r in recs if r["type"] == "netdev" and r["device"] == "sw3"][0]
assert sw3["identity"]["entity"] == {"mfg": "Cisco Systems, Inc.", "model": "WS-C2960X-48FPD-L",
                                     "software": "15.2(5)E"}, sw3
cdp = [r for r in recs if r["type"] == "netdev-cdp"]
assert [(c["device"], c["interface"], c["device_id"], c["port_id"], c["platform"], c["address"]) for c in cdp] == [
    ("sw3", "Gi1/0/48", "rtr1.example.net", "GigabitEthernet0/0/1", "cisco ISR4331/K9", "198.18.9.1")], cdp
# a port with a CDP neighbour is an uplink, not an access port
ports = {r["name"]: r["access"] for r in recs if r["type"] == "netdev-port" and r["device"] == "sw3"}
assert ports == {"Gi1/0/1": True, "Gi1/0/48": False}, ports
EOF
	[ "$(sqlite3 "$NDIR/i.db" "SELECT i.product || ' ' || i.version || ' ' || i.model FROM netdev_ident i JOIN netdev_walks w ON w.id = i.walk_id WHERE w.device = 'sw3'")" = "IOS 15.2(5)E WS-C2960X-48FPD-L" ] &&
		[ "$(sqlite3 "$NDIR/i.db" "SELECT device_id FROM netdev_cdp")" = rtr1.example.net ] || return 1
	# with vulnerability data (a real NVD record and CISA's KEV): the switch's firmware
	"$D" vulndb import -q --db "$NDIR/iv.db" "$ROOT/tests/data/netdev/CVE-2018-0171.json" \
		"$ROOT/tests/data/fixtures/kev/known_exploited_vulnerabilities.json" || return 1
	printf '[netdev sw3]\naddress = 127.0.0.1\nport = %s\ncommunity = sw3\n' "$NSIM" | nd_conf sw3.conf
	"$D" netdev --netdev "$NDIR/sw3.conf" --db "$NDIR/iv.db" --json >"$NDIR/iv.jsonl" 2>"$NDIR/e"
	[ $? = 1 ] || { echo "exit status not 1 (findings)"; cat "$NDIR/e"; return 1; }
	python3 - "$NDIR/iv.jsonl" "$NSIM" <<'EOF'
import json, sys
fs = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "finding"]
got = sorted((f["rule"], f["severity"], f["ip"], f["port"], f["proto"], [c["id"] for c in f["evidence"]["cves"]]) for f in fs)
want = [(r, "critical", "127.0.0.1", int(sys.argv[2]), "udp", ["CVE-2018-0171"]) for r in ("known-exploited", "vulnerable-service")]
assert got == want, got
assert fs[0]["evidence"]["cpe"] == "cpe:2.3:o:cisco:ios:15.2\\(5\\)e:*:*:*:*:*:*:*", fs[0]["evidence"]
EOF
}
check netdev_identity_heldout_sysdescr_entity_cdp_and_firmware_cves t_netdev_identity
t_netdev_moved() { # the same switch walked twice: a device moved to another port, one swapped
	nd_start || return 1
	"$D" inventory import "$ROOT/tests/data/netdev/register.csv" --db "$NDIR/m.db" >/dev/null 2>&1 || return 1
	local c
	for c in sw1 sw1b; do
		printf '[netdev sw1]\naddress = 127.0.0.1\nport = %s\ncommunity = %s\n' "$NSIM" "$c" | nd_conf m.conf
		"$D" netdev --netdev "$NDIR/m.conf" --db "$NDIR/m.db" --json >"$NDIR/m-$c.jsonl" 2>"$NDIR/e"
		[ $? = 1 ] || { echo "$c: exit status not 1"; cat "$NDIR/e"; return 1; }
	done
	python3 - "$NDIR/m-sw1.jsonl" "$NDIR/m-sw1b.jsonl" <<'EOF' || return 1
import json, sys
f1 = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "finding"]
f2 = [r for r in map(json.loads, open(sys.argv[2])) if r["type"] == "finding"]
assert not [f for f in f1 if f["rule"] in ("device-moved", "device-swapped")], f1
got = sorted((f["rule"], f["severity"], f["evidence"]["mac"], f["evidence"]["was"]["interface"],
              f["evidence"]["plugged"]["interface"], f["evidence"].get("replaced_mac"))
             for f in f2 if f["rule"] in ("device-moved", "device-swapped"))
assert got == [("device-moved", "low", "00:21:CC:61:70:0A", "Gi0/6", "Gi0/5", None),
               ("device-swapped", "medium", "00:1B:A9:4C:22:11", "Gi0/1", "Gi0/1", "00:1B:A9:4C:22:10")], got
m = [f for f in f2 if f["rule"] == "device-moved"][0]
assert m["title"] == "Device 00:21:CC:61:70:0A moved from sw1 port Gi0/6 (meeting room) to sw1 port Gi0/5 (desk 2.15)", m["title"]
EOF
	# dormant diff between the two runs: the move and the swap are new
	"$D" diff --db "$NDIR/m.db" --json 1 2 >"$NDIR/m-diff.jsonl" 2>"$NDIR/e" || true
	grep -q '"device-moved"' "$NDIR/m-diff.jsonl" && grep -q '"device-swapped"' "$NDIR/m-diff.jsonl" ||
		{ cat "$NDIR/e" "$NDIR/m-diff.jsonl"; return 1; }
	# and the tables' own changes (make-snmprec.py's sw1b): the laptop's MAC on another port,
	# Gi0/5's link up, the laptop new in the ARP table; nothing else
	"$D" diff --db "$NDIR/m.db" 1 2 >"$NDIR/m-diff.txt" 2>"$NDIR/e" || true
	grep -qF '  mac-moved        00:21:CC:61:70:0A from sw1 port Gi0/6 (meeting room) to sw1 port Gi0/5 (desk 2.15) vlan 10' "$NDIR/m-diff.txt" &&
		grep -qF 'network devices: 1 MAC(s) moved, 1 switch port(s) up, 0 down, 1 new ARP entry' "$NDIR/m-diff.txt" ||
		{ cat "$NDIR/e" "$NDIR/m-diff.txt"; return 1; }
	python3 - "$NDIR/m-diff.jsonl" <<'EOF'
import json, sys
ch = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "change" and "device" in r]
got = sorted((c["change"], c["ip"], c["device"], c.get("interface"), c.get("alias"), c.get("mac"), c.get("vlan"),
              tuple(c["was"].values()) if "was" in c else None, c.get("hostname")) for c in ch)
want = [("arp-new", "198.18.9.30", "sw1", None, None, "00:21:CC:61:70:0A", None, None, "laptop-meeting"),
        ("mac-moved", "127.0.0.1", "sw1", "Gi0/5", "desk 2.15", "00:21:CC:61:70:0A", 10, ("sw1", "Gi0/6", "meeting room"), None),
        ("switch-port-up", "127.0.0.1", "sw1", "Gi0/5", "desk 2.15", None, None, None, None)]
assert got == want, f"got {got}\nwant {want}"
EOF
}
check netdev_device_moved_and_swapped_between_walks t_netdev_moved
t_netdev_default_community() { # a device that walks with a published default community
	nd_start || return 1
	printf '[netdev lab]\naddress = 127.0.0.1\nport = %s\ncommunity = public\n\n[netdev sw1]\naddress = 127.0.0.1\nport = %s\ncommunity = sw1\n' \
		"$NSNMPD" "$NSIM" | nd_conf dc.conf
	"$D" netdev --netdev "$NDIR/dc.conf" --db "$NDIR/dc.db" --json >"$NDIR/dc.jsonl" 2>"$NDIR/e"
	[ $? = 1 ] || { echo "exit status not 1"; cat "$NDIR/e"; return 1; }
	! grep -q '"public"' "$NDIR/dc.jsonl" || { echo "the community printed"; return 1; }
	python3 - "$NDIR/dc.jsonl" "$NSNMPD" <<'EOF'
import json, sys
fs = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "finding" and r["rule"] == "default-credentials"]
got = [(f["severity"], f["ip"], f["port"], f["proto"], f["evidence"]["check"], f["evidence"]["configured"],
        "public" not in f["evidence"]["password"]) for f in fs]
assert got == [("high", "127.0.0.1", int(sys.argv[2]), "udp", "snmp", True, True)], got
assert "negative_control_refused" not in fs[0]["evidence"], fs[0]
EOF
	[ $? = 0 ] || return 1
	# an audit whose site policy names the same devices runs the same check: the same finding,
	# with the same evidence (the same store: the same redaction key)
	nd_conf dcsite.conf <"$NDIR/dc.conf"
	"$D" audit 127.0.0.1 -p 24698 --no-services --db "$NDIR/dc.db" --config "$NDIR/dcsite.conf" --fail-on high \
		-oJ "$NDIR/dca.jsonl" >"$NDIR/dca.out" 2>&1
	[ $? = 1 ] || { cat "$NDIR/dca.out"; echo "audit: exit status not 1"; return 1; }
	! grep -q '"public"' "$NDIR/dca.jsonl" || { echo "the community printed by the audit"; return 1; }
	python3 - "$NDIR/dc.jsonl" "$NDIR/dca.jsonl" <<'EOF'
import json, sys
def dc(path):
    return [(f["severity"], f["ip"], f["port"], f["proto"], f["title"], f["evidence"])
            for f in map(json.loads, open(path)) if f["type"] == "finding" and f["rule"] == "default-credentials"]
nd, au = dc(sys.argv[1]), dc(sys.argv[2])
assert len(au) == 1 and au == nd, f"audit {au}\nnetdev {nd}"
EOF
}
check netdev_default_community_is_a_default_credential t_netdev_default_community
nd_stop

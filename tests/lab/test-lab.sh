#!/usr/bin/env bash
# Integration tests: the real dormant binary inside the lab's scanner
# namespace against real servers, an ARP-only device and a /16 truth set.
# Needs root (network namespaces). Prints one line per check and
# "lab: N passed, N failed". Usage: test-lab.sh BUILD_DIR
set -uo pipefail
BUILD=$(cd "${1:-build-test}" && pwd)
shift || true
ONLY="$*" # optional: names of the checks to run
HERE=$(cd "$(dirname "$0")" && pwd)
export DM_BUILD=$BUILD DM_LAB_PREFIX=${DM_LAB_PREFIX:-dmt}
P=$DM_LAB_PREFIX
LAB="$HERE/lab.sh"
D="$BUILD/dormant"
OUT=$(mktemp -d --suffix=.dormant-labtest)
DB="$OUT/db/dormant.db"
export XDG_DATA_HOME="$OUT/xdg" # a command run without --db must not touch the user's store
ARTIFACTS=${DM_ARTIFACTS:-$BUILD/artifacts} # kept after the run: the HTML report's screenshot
pass=0 fail=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

ok() { echo "ok   lab/$1"; pass=$((pass + 1)); }
bad() { echo "FAIL lab/$1: $2"; fail=$((fail + 1)); }
wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }
check() { # name command...: passes when the command succeeds
	local name=$1
	shift
	wanted "$name" || return 0
	local t0=$SECONDS
	if "$@" >"$OUT/$name.out" 2>&1; then ok "$name"; else bad "$name" "$(tail -3 "$OUT/$name.out" | tr '\n' ' ')"; fi
	# DM_TIMES=FILE: each check's seconds, to see where the CI time goes
	[ -z "${DM_TIMES:-}" ] || echo "lab/$name $((SECONDS - t0))" >>"$DM_TIMES"
}
in_ns() { ip netns exec "$P-scan" "$@"; }
dm() { in_ns "$D" "$@" --db "$DB"; }
open_set() { # JSONL file -> sorted "ip port/proto" of open ports
	grep '"type":"port"' "$1" | grep '"state":"open"' |
		sed -E 's/.*"ip":"([^"]+)","port":([0-9]+),"proto":"([a-z]+)".*/\1 \2\/\3/' | sort
}
capture() { # ns iface file: starts tcpdump on the far end of one of the scanner's veth
	# pairs (what crosses the link; the scanner's own taps do not see probes
	# sent past the qdisc), prints its pid
	ip netns exec "$1" tcpdump -i "$2" -nn -U -B 262144 -w "$3" -s 96 >/dev/null 2>"$3.err" &
	local pid=$!
	for _ in $(seq 1 50); do grep -q listening "$3.err" && break; sleep 0.1; done
	echo "$pid"
}
stop_capture() { # pid file: stops it; fails if the capture itself lost packets
	sleep 0.5
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	if grep -q '[1-9][0-9]* packets dropped by kernel' "$2.err"; then echo "capture dropped packets"; return 1; fi
}
listening() { # max port -> "ip port/tcp" of every TCP listener on the LAN hosts (ss in each namespace)
	local h
	for h in web ssh iot db idle cam old dark1 dark2; do
		ip netns exec "$P-$h" ss -Hltn | awk -v max="$1" '{n = split($4, a, ":"); ip = a[1]; port = a[n];
			if (ip == "*" || ip == "0.0.0.0") ip = "ANY"; if (port + 0 <= max) print ip, port}' |
			while read -r ip port; do
				[ "$ip" = ANY ] && ip=$(ip -n "$P-$h" -4 -o addr show dev e0 | awk '{sub("/.*", "", $4); print $4}')
				case $ip in 198.18.0.*) echo "$ip $port/tcp" ;; esac
			done
	done | sort -u
}
syn_pairs() { # pcap -> "dst port" of every SYN we sent
	tcpdump -nn -r "$1" 'tcp[tcpflags] == tcp-syn' 2>/dev/null |
		sed -E 's/.* > ([0-9.]+)\.([0-9]+): .*/\1 \2/'
}

WH_DEVS="1 2 3" # the watch check's hosts (t_watch_host_events)
wh_down() {
	local d
	for d in s sw $WH_DEVS; do ip netns del "$P-wh$d" 2>/dev/null; done
	return 0
}
MV_DEVS="g r n" # the identity check's devices (t_ident_moved)
mv_down() {
	local d
	for d in s sw $MV_DEVS; do ip netns del "$P-mv$d" 2>/dev/null; done
	return 0
}
RT_DEVS="k e c1 c2 n" # the routed identity check's devices (t_ident_routed)
rt_down() {
	local d f
	for f in "$OUT"/rt/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	for d in s r sw $RT_DEVS; do ip netns del "$P-rt$d" 2>/dev/null; done
	return 0
}
NM_DEVS="m p g d" # the names identity check's hosts and DNS server (t_ident_names)
nm_down() {
	local d f
	for f in "$OUT"/nm/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	for d in s sw $NM_DEVS; do ip netns del "$P-nm$d" 2>/dev/null; done
	return 0
}
cleanup() {
	"$LAB" down >/dev/null 2>&1
	"$HERE/lab-upnp.sh" down >/dev/null 2>&1
	mv_down
	rt_down
	nm_down
	wh_down
	if [ "$fail" = 0 ]; then rm -rf "$OUT"; else echo "lab: outputs kept in $OUT"; fi
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "lab: 0 passed, 0 failed, 1 skipped (not root: network namespaces need root)"
	exit 0
fi
UP_OPTS=(--big)
if wanted services_lab_identified; then UP_OPTS+=(--services); fi
# the edge checks bring up their own lab (lab-upnp.sh), the identity check its own namespaces:
# asked for alone, the main one is not needed
only_edge=0
if [ -n "$ONLY" ]; then
	only_edge=1
	for n in $ONLY; do [[ $n == edge_* || $n == ident_* || $n == watch_* ]] || only_edge=0; done
fi
if [ $only_edge = 0 ] && ! "$LAB" up "${UP_OPTS[@]}" >"$OUT/up.log" 2>&1; then
	cat "$OUT/up.log"
	echo "lab: 0 passed, 1 failed"
	exit 1
fi

# --- discovery: every live device, including those that drop all IP -----
t_discovery() {
	dm scan 198.18.0.0/24 -sn -oJ "$OUT/disc.jsonl" -q || return 1
	local got want
	got=$(grep '"type":"host"' "$OUT/disc.jsonl" | sed -E 's/.*"ip":"([^"]+)".*"how":"([a-z]+)".*/\1 \2/' | sort)
	want=$(printf '%s\n' "198.18.0.10 arp" "198.18.0.11 arp" "198.18.0.12 arp" "198.18.0.13 arp" "198.18.0.14 arp" \
		"198.18.0.15 arp" "198.18.0.16 arp" "198.18.0.20 arp" "198.18.0.21 arp" | sort)
	[ "$got" = "$want" ] || { echo "got: $got"; return 1; }
	grep -q '"ip":"198.18.0.20","mac":"02:00:5E:00:00:14"' "$OUT/disc.jsonl"
}
check discovery_finds_arp_only_hosts t_discovery

# --- exact open ports on the real servers ---------------------------------
t_ports() {
	dm scan 198.18.0.0/24 -p 1-10100 -sU -sV --rate 50000 -oJ "$OUT/ports.jsonl" -oX "$OUT/ports.xml" -q || return 1
	# the truth: what the kernel of each host says listens, and the SNMP agent
	diff <(open_set "$OUT/ports.jsonl") <({ listening 10100; echo "198.18.0.12 161/udp"; } | sort)
}
check exact_open_ports_on_real_servers t_ports

# --- services: product and version against what the installed packages say ---
t_services() {
	local nginx lighttpd openssh vsftpd redis mosquitto
	. "$HERE/truth-versions.sh"
	python3 - "$OUT/ports.jsonl" "$nginx" "$lighttpd" "$openssh" "$vsftpd" "$redis" "$mosquitto" <<'PY'
import json, sys
f, nginx, lighttpd, openssh, vsftpd, redis, mosquitto = sys.argv[1:]
sv = {}
for line in open(f):
    r = json.loads(line)
    if r["type"] == "service":
        sv[(r["ip"], r["port"], r["proto"])] = r
def want(ip, port, proto="tcp", **kw):
    r = sv.get((ip, port, proto))
    assert r, f"no service record for {ip}:{port}/{proto}"
    for k, v in kw.items():
        got = r["tls"].get(k[4:]) if k.startswith("tls_") else r[k]
        assert got == v, f"{ip}:{port} {k}: got {got!r}, want {v!r}"
    return r
ossh_v, ossh_u = openssh.split("p")
want("198.18.0.10", 80, name="http", product="nginx", version=nginx, cpe=[f"cpe:2.3:a:f5:nginx:{nginx}:*:*:*:*:*:*:*"])
want("198.18.0.10", 8080, name="http", product="lighttpd", version=lighttpd)
want("198.18.0.10", 443, name="https", product="nginx", tls_expired=True, tls_self_signed=True)
want("198.18.0.10", 8443, name="https", tls_versions=["TLSv1.0"], tls_expired=False)
want("198.18.0.11", 22, name="ssh", product="OpenSSH", version=ossh_v, update="p" + ossh_u, os="Debian",
     cpe=[f"cpe:2.3:a:openbsd:openssh:{ossh_v}:p{ossh_u}:*:*:*:*:*:*"])
want("198.18.0.11", 21, name="ftp", product="vsftpd", version=vsftpd)
want("198.18.0.12", 23, name="telnet")
want("198.18.0.12", 1883, name="mqtt", product="Mosquitto", version=mosquitto, anonymous=True)
want("198.18.0.12", 161, "udp", name="snmp", anonymous=True, banner="dormant lab camera")
want("198.18.0.13", 6379, name="redis", product="Redis", version=redis, anonymous=True)
want("198.18.0.15", 80, name="http", device="camera", vendor="Hikvision")
want("198.18.0.15", 554, name="rtsp", device="camera")
want("198.18.0.16", 22, name="ssh", product="OpenSSH", version="7.7", update="p1")
want("198.18.0.16", 21, name="ftp", product="vsftpd", version="2.3.4")
want("198.18.0.16", 2222, name="ssh", product="OpenSSH", version=ossh_v)   # non-standard ports: known by
want("198.18.0.16", 10080, name="http", product="lighttpd", version=lighttpd)  # what they speak
PY
}
check services_identified_with_product_and_version t_services

# --- vulnerabilities: the lab's outdated banners against the real NVD/KEV records ---
t_vulns() {
	"$D" vulndb import -q --db "$DB" "$HERE/../data/fixtures/nvd" "$HERE/../data/fixtures/kev" || return 1
	dm scan 198.18.0.10-16 -p 21,22,80,1883,2222,6379,8080,10080 -sV -oJ "$OUT/vulns.jsonl" -q || return 1
	dm scan 198.18.0.10-16 -p 21,22,80,1883,2222,6379,8080,10080 -sV --min-confidence high -oJ "$OUT/vulns-high.jsonl" -q || return 1
	python3 - "$OUT/vulns.jsonl" "$OUT/vulns-high.jsonl" <<'PY'
import json, sys
def findings(path):
    return [r for r in map(json.loads, open(path)) if r["type"] == "finding"]
fs = findings(sys.argv[1])
got = {(f["rule"], f["ip"], f["port"]): f for f in fs}
want = {("vulnerable-service", "198.18.0.16", 21), ("vulnerable-service", "198.18.0.16", 22),
        ("vulnerable-service", "198.18.0.11", 22), ("vulnerable-service", "198.18.0.16", 2222)}
assert set(got) == want, f"findings {sorted(got)} != {sorted(want)}"
ids = lambda f: [c["id"] for c in f["evidence"]["cves"]]
# vsftpd 2.3.4 (upstream banner): the backdoor, at high confidence, critical, ranked first
ftp = got[("vulnerable-service", "198.18.0.16", 21)]
assert ids(ftp) == ["CVE-2011-2523"] and ftp["confidence"] == "high" and ftp["severity"] == "critical", ftp
assert fs[0] is ftp, "the critical finding comes first"
# OpenSSH 7.7p1 Ubuntu-4ubuntu0.3: user enumeration, not regreSSHion; a distribution build: low confidence
old = got[("vulnerable-service", "198.18.0.16", 22)]
assert "CVE-2018-15473" in ids(old) and "CVE-2024-6387" not in ids(old), ids(old)
assert old["confidence"] == "low" and old["evidence"]["distribution_build"] == "Ubuntu-4ubuntu0.3", old
# the Debian-built sshd: never high confidence, never above medium
for port, ip in ((22, "198.18.0.11"), (2222, "198.18.0.16")):
    f = got[("vulnerable-service", ip, port)]
    assert f["confidence"] == "low" and f["severity"] in ("low", "medium"), f
    assert "Debian-" in f["evidence"]["distribution_build"] and "security updates" in f["remediation"], f
assert all(f["remediation"] for f in fs)
# --min-confidence high keeps only the upstream build
high = {(f["rule"], f["ip"], f["port"]) for f in findings(sys.argv[2])}
assert high == {("vulnerable-service", "198.18.0.16", 21)}, high
# the fixture data is years old: the run says so, with its date
run = [r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "run"][0]
cav = {c["code"]: c["text"] for c in run["caveats"]}
assert "no-vuln-data" not in cav and "more than 30 days" in cav["vuln-data-old"], cav
PY
	[ $? = 0 ] || return 1
	# the store keeps them with the run; --fail-on turns them into the exit status
	[ "$(dm report --format json | grep -c '"type":"finding"')" = 1 ] || return 1
	dm scan 198.18.0.16 -p 21 -sV --fail-on critical -q
	[ $? = 1 ] || return 1
	dm scan 198.18.0.11 -p 22 -sV --fail-on high -q
}
check vulnerable_services_ranked_with_confidence t_vulns

# --- credentials: the camera's vendor defaults and the open services, exactly; no password anywhere ---
t_creds() {
	local c="$OUT/creds"
	mkdir -p "$c"
	in_ns "$D" creds 198.18.0.10-198.18.0.16 -p 1-10100 --rate 20000 --db "$c/db" --login-delay 0.2 -v -oJ "$c/creds.jsonl" >"$c/out" 2>"$c/err" ||
		{ tail -5 "$c/err"; return 1; }
	python3 - "$c/creds.jsonl" <<'PY' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
got = sorted((r["rule"], r["ip"], r["port"], r["proto"]) for r in recs if r["type"] == "finding")
L = "198.18.0."
want = sorted([("default-credentials", L + "15", 80, "tcp"), ("default-credentials", L + "15", 554, "tcp"),
               ("default-credentials", L + "15", 23, "tcp"), ("default-credentials", L + "12", 161, "udp"),
               ("anonymous-access", L + "11", 21, "tcp"), ("anonymous-access", L + "12", 1883, "tcp"),
               ("anonymous-access", L + "13", 6379, "tcp")])
assert got == want, f"got {got}\nwant {want}"
by = {(r["ip"], r["port"]): r for r in recs if r["type"] == "finding"}
web, rtsp, tel = by[(L + "15", 80)]["evidence"], by[(L + "15", 554)]["evidence"], by[(L + "15", 23)]["evidence"]
assert web["method"] == "basic" and rtsp["method"] == "digest" and tel["user"] == "root", (web, rtsp, tel)
assert not any(r["type"] == "finding" and r["port"] == 10080 for r in recs)  # the strong Digest login holds
assert web["vendor"] == "Hikvision" and web["database_line"] > 0 and web["negative_control_refused"] is True, web
assert web["password"].startswith("1…(5) #"), web  # first character, length, keyed tag
assert by[(L + "15", 23)]["severity"] == "critical" and by[(L + "13", 6379)]["severity"] == "critical"
PY
	# the strong logins were tried and refused; the hostile banners ended within the timeout
	grep -Eq '198.18.0.12:23/tcp +telnet +refused' "$c/out" && grep -Eq '198.18.0.11:22/tcp +ssh +refused' "$c/out" &&
		grep -Eq '198.18.0.16:21/tcp +ftp +error' "$c/out" && grep -Eq '198.18.0.16:2222/tcp +ssh +refused' "$c/out" &&
		grep -Eq '198.18.0.16:10080/tcp +http +refused +5 tries' "$c/out" && grep -Eq '198.18.0.12:161/udp +snmp +default-credentials.*SNMPv2c' "$c/out" ||
		{ sed -n '/^CREDENTIALS/,$p' "$c/out"; return 1; }
	# audit --check-credentials finds the same on the camera, stores and reports it
	in_ns "$D" audit 198.18.0.15 --db "$c/db" --check-credentials --login-delay 0.2 -oJ "$c/audit.jsonl" --html "$c/a.html" \
		--csv "$c/a.csv" -v >"$c/aout" 2>"$c/aerr" || { tail -5 "$c/aerr"; return 1; }
	[ "$(grep -c '"rule":"default-credentials"' "$c/audit.jsonl")" = 3 ] || return 1
	"$D" report --db "$c/db" --format html -o "$c/stored.html" && "$D" report --db "$c/db" --format json >"$c/stored.jsonl" || return 1
	[ "$(grep -c '"rule":"default-credentials"' "$c/stored.jsonl")" = 3 ] || return 1
	# the tag is HMAC-SHA-256 with the store's key, the same in both runs on this
	# store; the shareable outputs (HTML, CSV) show the length only
	python3 - "$c" <<'PY' || return 1
import hashlib, hmac, json, sqlite3, sys
c = sys.argv[1]
key = sqlite3.connect(f"{c}/db").execute("SELECT key FROM redact_key").fetchone()[0]
tag = "1…(5) #" + hmac.new(key, b"12345", hashlib.sha256).hexdigest()[:8]
assert tag != "1…(5) #5994471a"  # SHA-256("12345"): what a dictionary reverses
for f in ("creds.jsonl", "audit.jsonl", "stored.jsonl"):
    pw = [r["evidence"]["password"] for r in map(json.loads, open(f"{c}/{f}"))
          if r["type"] == "finding" and r.get("port") == 80 and r["rule"] == "default-credentials"]
    assert pw == [tag], (f, pw, tag)
PY
	grep -q '…(5)' "$c/a.csv" && grep -q '…(5)' "$c/a.html" && grep -q '…(5)' "$c/stored.html" || return 1
	if grep -Eq '…\([0-9]+\) #[0-9a-f]{8}' "$c/a.csv" "$c/a.html" "$c/stored.html"; then echo "a tag in a shareable output"; return 1; fi
	# run_coverage lists the ports each run scanned (12345 is one of the top 1000): numbers, not secrets
	sqlite3 "$c/db" .dump | grep -v '^INSERT INTO run_coverage ' >"$c/dump.sql"
	# no password of the database that opened a lab device appears in any output
	local f
	for f in out err creds.jsonl aout aerr audit.jsonl a.html a.csv stored.html stored.jsonl dump.sql; do
		if grep -Pq '(?<![0-9A-Za-z])12345(?![0-9])|not-the-default|"public\\?"' "$c/$f"; then
			echo "password in $f"; grep -Po '.{30}(12345|not-the-default|"public).{10}' "$c/$f" | head -3; return 1
		fi
	done
}
check credential_checks_find_exactly_the_planted_defaults t_creds

# --- the pipeline twice in one process (the service's use) = two `dormant audit` runs ---
t_pipeline_twice() {
	local p="$OUT/twice" ports=21,22,23,80,443,554,1883,6379,8080,8443
	mkdir -p "$p"
	in_ns "$BUILD/tests/pipeline-twice" "$p/pipe.db" "$p/pipe" "$ports" 198.18.0.10-198.18.0.15 >"$p/pipe.out" 2>&1 ||
		{ tail -5 "$p/pipe.out"; return 1; }
	local i
	for i in 1 2; do
		in_ns "$D" audit 198.18.0.10-198.18.0.15 -p "$ports" --rate 20000 --db "$p/cli.db" -oJ "$p/cli.$i.jsonl" -q ||
			return 1
	done
	python3 - "$p" <<'PY'
import json, sys
d = sys.argv[1]
keep = {"host": ("ip", "mac", "how"), "port": ("ip", "port", "proto", "state"),
        "service": ("ip", "port", "proto", "name", "product", "version", "cpe", "device"),
        "finding": ("rule", "severity", "ip", "port", "title"), "asset": ("ip", "rank", "risk", "findings"),
        "run": ("run", "command")}
def norm(path):  # times and the store's ids of other rows left out
    out = []
    for r in map(json.loads, open(path)):
        t = r["type"]
        assert t in keep, r
        out.append((t,) + tuple(json.dumps(r.get(k), sort_keys=True) for k in keep[t]))
    return sorted(out)
for i in (1, 2):
    a, b = norm(f"{d}/pipe.{i}.jsonl"), norm(f"{d}/cli.{i}.jsonl")
    assert a == b, (i, sorted(set(a) ^ set(b)))
    assert sum(r[0] == "port" for r in a) >= 10 and sum(r[0] == "service" for r in a) >= 8, a
    assert ("run", str(i), '"audit"') in a, a
PY
}
check pipeline_twice_in_one_process_equals_two_audits t_pipeline_twice

# --- the join: one audit with traffic and a register finds exactly the planted problems ---
t_audit_join() {
	python3 "$HERE/../tools/lab/gen-lab-traffic.py" "$OUT/join" || return 1
	local j="$OUT/join"
	in_ns "$D" audit 198.18.0.0/24 --rate 20000 --db "$j/dormant.db" --flows "$j/lab-traffic.pcap" \
		--inventory "$j/inventory.csv" --leases "$j/dhcpd.leases" --leases "$j/dnsmasq.leases" --config "$j/site.conf" \
		--geoip "$j/geo.mmdb" -oJ "$j/audit.jsonl" --csv "$j/audit.csv" >"$j/audit.out" 2>&1 || { tail -5 "$j/audit.out"; return 1; }
	python3 - "$j/audit.jsonl" "$j/truth.json" findings <<'PY' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
want = sorted(tuple(x) for x in json.load(open(sys.argv[2]))[sys.argv[3]])
got = sorted((r["rule"], r["ip"], r.get("port", 0)) for r in recs if r["type"] == "finding")
assert got == want, f"got {got}\nwant {want}"
by = {(r["rule"], r["ip"]): r for r in recs if r["type"] == "finding"}
ev = lambda rule, ip: by[(rule, "198.18.0." + ip)]["evidence"]
assert ev("decommissioned-alive", "13")["register"]["line"] == 5, ev("decommissioned-alive", "13")
assert ev("expired-test-device", "16")["register"]["expires"] == "2026-06-30"
u = ev("unused-port", "11")
assert u["flows_in_window"] == 0 and u["last_used"] and u["service"] == "ftp", u
assert ev("idle-host", "14")["flows_in_window"] == 0  # its DNS and NTP chatter is not use
assert ev("unexpected-service", "15")["role"] == "camera"
r = by[("unexpected-service", "198.18.0.13")]["evidence"]
assert r["segment"] == "users" and r["user_clients"] == ["198.18.0.21"] and r["user_flows_in_window"] > 0, r
d = ev("decommissioned-alive", "30")  # answered nothing: its DHCP lease gives it away
assert d["answered_scan"] is False and d["dhcp_lease"]["format"] == "isc-dhcpd", d
assert d["dhcp_lease"]["client_hostname"] == "nas-old" and d["dhcp_lease"]["line"] == 15, d  # the newer of its two
assert ev("unregistered-host", "32")["dhcp_lease"]["mac"] == "02:00:00:00:00:32"
for r in recs:
    if r["type"] == "finding":
        assert r["remediation"] and r["title"], r
assets = [r for r in recs if r["type"] == "asset"]
assert [a["rank"] for a in assets] == list(range(1, len(assets) + 1)) and len(assets) == len({x[1] for x in want})
assert all(a["risk"] >= b["risk"] for a, b in zip(assets, assets[1:])), assets
PY
	# the morning after: the idle file server wakes, reaches into the core and uploads abroad at 03:00
	in_ns "$D" audit 198.18.0.0/24 --rate 20000 --db "$j/dormant.db" --flows "$j/wake.pcap" \
		--leases "$j/dhcpd.leases" --leases "$j/dnsmasq.leases" --config "$j/site.conf" --geoip "$j/geo.mmdb" -oJ "$j/audit2.jsonl" --html "$j/report.html" \
		>"$j/audit2.out" 2>&1 || { tail -5 "$j/audit2.out"; return 1; }
	python3 - "$j/audit2.jsonl" "$j/truth.json" after_wake <<'PY' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
want = sorted(tuple(x) for x in json.load(open(sys.argv[2]))[sys.argv[3]])
got = sorted((r["rule"], r["ip"], r.get("port", 0)) for r in recs if r["type"] == "finding")
assert got == want, f"got {got}\nwant {want}"
PY
	# change and finding lines name the host: address, port, the register's name
	grep -E '^  host-woke +low +idle-host +198\.18\.0\.14 \(fs02\) +Idle' "$j/audit2.out" >/dev/null || { echo "no host-woke line"; return 1; }
	grep -E '^  finding-new +critical +lateral-from-idle +198\.18\.0\.14 \(fs02\)' "$j/audit2.out" >/dev/null || return 1
	grep -E '^  high +unexpected-service +198\.18\.0\.13 6379/tcp \(redis-old\) +Database redis' "$j/audit2.out" >/dev/null ||
		{ echo "no host column in the findings"; return 1; }
	# the stored run's text shows the change section as the audit did; diff names the hosts too
	"$D" report --db "$j/dormant.db" >"$j/run2.txt" || return 1
	grep -E '^changes from run 1 to run 2: ' "$j/run2.txt" >/dev/null &&
		grep -E '^  host-woke +low +idle-host +198\.18\.0\.14 \(fs02\) +Idle' "$j/run2.txt" >/dev/null || { echo "stored report: no change section"; return 1; }
	"$D" diff --db "$j/dormant.db" 1 2 >"$j/diff.txt" || return 1
	grep -E '^  finding-new +critical +lateral-from-idle +198\.18\.0\.14 \(fs02\)' "$j/diff.txt" >/dev/null || { echo "diff: no host column"; return 1; }
	"$D" diff --db "$j/dormant.db" --format json 1 2 | grep -q '"ip":"198.18.0.14","hostname":"fs02"' || { echo "diff json: no hostname"; return 1; }
	# the HTML report, loaded in headless Chromium; the screenshot is the artefact
	mkdir -p "$ARTIFACTS"
	python3 "$HERE/../tools/report/check-html.py" "$j/report.html" "$j/audit2.jsonl" "$ARTIFACTS/audit-report.png" || return 1
	# the stored runs: CSV and HTML from the store give the audits' findings in the audits' order
	"$D" report --db "$j/dormant.db" --run 1 --format csv -o "$j/run1.csv" || return 1
	"$D" report --db "$j/dormant.db" --format csv -o "$j/run2.csv" || return 1
	"$D" report --db "$j/dormant.db" --format html -o "$j/run2.html" || return 1
	python3 - "$j" <<'PY' || return 1
import csv, json, sys
j = sys.argv[1]
key = lambda r: (r["rule"], r["ip"], int(r.get("port") or 0))
for jsonl, csvs in (("audit.jsonl", ("audit.csv", "run1.csv")), ("audit2.jsonl", ("run2.csv",))):
    want = [key(r) for r in map(json.loads, open(f"{j}/{jsonl}")) if r["type"] == "finding"]
    for c in csvs:
        lines = open(f"{j}/{c}", newline="").read().split("\r\n")
        # the caveats come first, as rows whose first cell is "#caveat"
        cav = [l for l in lines if l.startswith("#caveat,")]
        assert cav and lines[: len(cav)] == cav and "#caveat,no-vuln-data," in cav[0], (c, cav)
        rows = list(csv.DictReader(lines[len(cav) :]))
        assert [key(r) for r in rows] == want, (c, [key(r) for r in rows], want)
        assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
        assert all(r["remediation"] and json.loads(r["evidence"]) for r in rows), c
PY
	python3 "$HERE/../tools/report/check-html.py" "$j/run2.html" "$j/audit2.jsonl" "$ARTIFACTS/stored-report.png" --stored
}
check audit_finds_exactly_the_planted_problems t_audit_join

t_audit_other_network() {
	# traffic of another network must not make every host here idle
	python3 "$HERE/../tools/lab/gen-lab-traffic.py" "$OUT/other" --net 10.77.0. || return 1
	printf '[site]\ninternal = 10.0.0.0/8, 198.18.0.0/15\n' >"$OUT/other/site.conf"
	in_ns "$D" audit 198.18.0.10-16 -p 21,22,80 --no-services --db "$OUT/other/dormant.db" \
		--flows "$OUT/other/lab-traffic.pcap" --config "$OUT/other/site.conf" -oJ "$OUT/other/audit.jsonl" \
		>"$OUT/other/audit.out" 2>&1 || return 1
	grep 'includes none of the live hosts' "$OUT/other/audit.out" >/dev/null || { cat "$OUT/other/audit.out"; return 1; }
	! grep -E '"rule":"(idle-host|unused-port)"' "$OUT/other/audit.jsonl"
}
check audit_refuses_to_judge_use_from_another_network t_audit_other_network

t_audit_ours_without_internal() {
	# issue 19: a site numbered from non-RFC 1918 space (the lab's 198.18.0.0/15) with no `internal =`:
	# the audit's targets and the register's rows are the site's own, so use is judged from the
	# traffic as with the line, and the devices that only talk in it are judged unregistered
	local j="$OUT/ours"
	python3 "$HERE/../tools/lab/gen-lab-traffic.py" "$j" || return 1
	sed -i '/^internal = /d' "$j/site.conf" && ! grep -q internal "$j/site.conf" || return 1
	in_ns "$D" audit 198.18.0.0/24 --rate 20000 --db "$j/dormant.db" --flows "$j/lab-traffic.pcap" \
		--inventory "$j/inventory.csv" --leases "$j/dhcpd.leases" --leases "$j/dnsmasq.leases" --config "$j/site.conf" \
		--geoip "$j/geo.mmdb" -oJ "$j/audit.jsonl" >"$j/audit.out" 2>&1 || { tail -5 "$j/audit.out"; return 1; }
	python3 - "$j/audit.jsonl" "$j/truth.json" <<'PY' || { cat "$j/audit.out"; return 1; }
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
want = sorted(tuple(x) for x in json.load(open(sys.argv[2]))["findings"])
got = sorted((r["rule"], r["ip"], r.get("port", 0)) for r in recs if r["type"] == "finding")
assert got == want, f"got {sorted(set(got) - set(want))}\nmissing {sorted(set(want) - set(got))}"
PY
	! grep -E 'includes none of the live hosts|holds no internal host|1970-01-01' "$j/audit.out" || return 1
	# what is set aside is named with its real span
	! grep 'set aside' "$j/audit.out" | grep -vE '\(20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z to 20[0-9]{2}-'
}
check audit_judges_use_of_non_rfc1918_site_without_internal t_audit_ours_without_internal

# --- live capture: flows seen on the scanner's interface while it talks to the lab ---
t_live_flows() {
	# not through the in_ns function: $! must be dormant itself (ip netns exec execs it) to get the signals
	ip netns exec "$P-scan" "$D" flows --iface s0 --filter "host 198.18.0.10 or host 198.18.0.11" --db "$DB" -oJ "$OUT/live.jsonl" \
		>"$OUT/live.out" 2>"$OUT/live.err" &
	local pid=$!
	sleep 1
	in_ns bash -c 'exec 3<>/dev/tcp/198.18.0.10/80; printf "GET / HTTP/1.0\r\nHost: lab\r\n\r\n" >&3; timeout 2 cat <&3 >/dev/null' || return 1
	in_ns bash -c 'exec 3<>/dev/tcp/198.18.0.11/22; printf "SSH-2.0-dormant_test\r\n" >&3; timeout 1 head -1 <&3 >/dev/null' || true
	sleep 0.5
	kill -USR1 $pid
	sleep 0.5
	kill -TERM $pid
	wait $pid || { cat "$OUT/live.err"; return 1; }
	grep -q 'kernel dropped 0, interface 0' "$OUT/live.err" || { cat "$OUT/live.err"; return 1; }
	[ "$(grep -c 'kernel dropped' "$OUT/live.err")" = 2 ] || { echo "SIGUSR1 and the end each print the counters"; return 1; }
	python3 - "$OUT/live.jsonl" <<'PY'
import json, sys
flows = [json.loads(l) for l in open(sys.argv[1])]
web = [f for f in flows if f["dst"] == "198.18.0.10" and f["dport"] == 80]
ssh = [f for f in flows if f["dst"] == "198.18.0.11" and f["dport"] == 22]
assert len(web) == 1 and web[0]["src"] == "198.18.0.1" and web[0]["app"] == "http" and web[0]["pkts_in"] > 0, web
assert len(ssh) == 1 and ssh[0]["app"] == "ssh" and ssh[0]["ssh_client"] == "SSH-2.0-dormant_test", ssh
assert ssh[0]["ssh_server"].startswith("SSH-2.0-OpenSSH_"), ssh
assert all(f["dst"] in ("198.18.0.10", "198.18.0.11") or f["src"] in ("198.18.0.10", "198.18.0.11") for f in flows), flows
PY
}
check live_capture_flows_and_counters t_live_flows

# --- privilege separation: what /proc says of a running scan, capture and collector ---
# Run without SUDO_UID, as CI does: the drop goes to the dormant user or nobody.
dropped() { # pid: runs as an unprivileged user, no capability anywhere, no_new_privs, a seccomp filter
	local st=/proc/$1/status
	for _ in $(seq 1 100); do
		grep -q '^Seccomp:[[:space:]]*2' "$st" 2>/dev/null && break
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	[ -r "$st" ] || { echo "process $1 ended before it could be inspected"; return 1; }
	awk '/^(Uid|Gid):/ { for (i = 2; i <= 5; i++) if ($i == 0) { print "still 0: " $0; bad = 1 } }
	     /^Cap(Inh|Prm|Eff|Bnd|Amb):/ && $2 !~ /^0+$/ { print "left: " $0; bad = 1 }
	     /^NoNewPrivs:/ && $2 != 1 { print $0; bad = 1 }
	     /^Seccomp:/ && $2 != 2 { print $0; bad = 1 }
	     END { exit bad }' "$st"
}
stop_dropped() { # pid: ends it with SIGTERM, returns its exit status
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}
t_privsep_scan() {
	# slow enough to be still sending when inspected: raw sockets open, the drop done
	env -u SUDO_UID -u SUDO_GID ip netns exec "$P-scan" "$D" scan 198.18.0.0/24 -p 1-1000 -Pn --rate 100 -q \
		--db "$OUT/priv-scan.db" -oJ "$OUT/priv-scan.jsonl" >/dev/null 2>"$OUT/priv-scan.err" &
	local pid=$! r=0
	dropped $pid || r=1
	ls "$OUT"/.priv-scan.jsonl.* >/dev/null 2>&1 || { echo "no temporary output while running"; r=1; }
	stop_dropped $pid
	# interrupted: the rename monitor removes the temporary output, no partial file is left
	for _ in $(seq 1 20); do ls "$OUT"/priv-scan.jsonl "$OUT"/.priv-scan.jsonl.* >/dev/null 2>&1 || break; sleep 0.1; done
	if ls "$OUT"/priv-scan.jsonl* 2>/dev/null; then echo "output left by an interrupted scan"; r=1; fi
	return $r
}
check scan_runs_unprivileged_under_seccomp t_privsep_scan

t_privsep_capture() {
	printf '[site]\ninternal = 198.18.0.0/15\n' >"$OUT/priv-cap.conf" # the lab's hosts get hourly summaries
	env -u SUDO_UID -u SUDO_GID ip netns exec "$P-scan" "$D" flows --iface s0 --db "$OUT/priv-cap.db" \
		--config "$OUT/priv-cap.conf" -oJ "$OUT/priv-cap.jsonl" -q >/dev/null 2>"$OUT/priv-cap.err" &
	local pid=$! r=0
	dropped $pid || r=1
	in_ns bash -c 'exec 3<>/dev/tcp/198.18.0.10/80; printf "GET / HTTP/1.0\r\n\r\n" >&3; timeout 2 cat <&3 >/dev/null'
	sleep 0.5
	stop_dropped $pid || { cat "$OUT/priv-cap.err"; return 1; }
	# the flows and their hourly summaries were written after the drop, through what was opened before it
	grep -q '"dst":"198.18.0.10","sport":[0-9]*,"dport":80' "$OUT/priv-cap.jsonl" || { echo "no flow to :80"; return 1; }
	[ "$(sqlite3 "$OUT/priv-cap.db" "SELECT count(*) FROM flow_hour WHERE host = '198.18.0.10' OR peer = '198.18.0.10'")" -gt 0 ] ||
		{ echo "no hourly summary in the store"; return 1; }
	return $r
}
check live_capture_runs_unprivileged_under_seccomp t_privsep_capture

t_privsep_collect() {
	# a port below 1024: bound as root, then dropped
	env -u SUDO_UID -u SUDO_GID ip netns exec "$P-scan" "$D" collect --listen 198.18.0.1:999 --db "$OUT/priv-col.db" \
		-oJ "$OUT/priv-col.jsonl" -q >/dev/null 2>"$OUT/priv-col.err" &
	local pid=$! r=0
	dropped $pid || r=1
	stop_dropped $pid || { cat "$OUT/priv-col.err"; return 1; }
	[ "$(sqlite3 "$OUT/priv-col.db" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" = done ] || { echo "run not done"; return 1; }
	return $r
}
check collector_runs_unprivileged_under_seccomp t_privsep_collect

t_privsep_outputs() {
	# root without SUDO_UID, store and outputs in a folder only root may enter: the store's
	# WAL and the outputs' temporary files are opened before the drop, the renames done by the monitor
	local dir="$OUT/rootonly"
	mkdir -m 0700 "$dir" || return 1
	echo stale >"$dir/scan.jsonl"
	env -u SUDO_UID -u SUDO_GID ip netns exec "$P-scan" "$D" scan 198.18.0.10-11 -p 21,22,80 -sV -v \
		--db "$dir/db/dormant.db" -oJ "$dir/scan.jsonl" -oX "$dir/scan.xml" --csv "$dir/scan.csv" \
		>"$dir/out" 2>"$dir/err" || { tail -3 "$dir/err"; return 1; }
	local who
	who=$(sed -n 's/.*scan: running as \([^ ]*\) (uid \([0-9]*\).*/\1 \2/p' "$dir/err")
	[ -n "$who" ] && [ "${who#* }" != 0 ] || { echo "no drop to an unprivileged user: ${who:-none}"; return 1; }
	xmllint --noout "$dir/scan.xml" || return 1
	python3 - "$dir/scan.jsonl" <<'PY' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ports = {(r["ip"], r["port"]) for r in recs if r["type"] == "port" and r["state"] == "open"}
assert {("198.18.0.10", 80), ("198.18.0.11", 21), ("198.18.0.11", 22)} <= ports, ports
assert any(r["type"] == "service" for r in recs) and recs[-1]["type"] == "run", recs[-1]
PY
	# the run's caveats (rows "#caveat,...") come before the column names
	head -1 "$dir/scan.csv" | grep -q '^#caveat,' && grep -v '^#caveat,' "$dir/scan.csv" | head -1 |
		grep -q '^rank,severity,rule,' || { echo "csv incomplete"; return 1; }
	[ -z "$(find "$dir" -name '*.dormant-*')" ] || { echo "temporary files left: $(find "$dir" -name '*.dormant-*')"; return 1; }
	[ "$(stat -c %a "$dir/scan.jsonl")" = 600 ] || { echo "scan.jsonl mode $(stat -c %a "$dir/scan.jsonl")"; return 1; }
	# the run and its ports reached the store (through the WAL opened before the drop)
	[ "$(sqlite3 "$dir/db/dormant.db" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")" = done ] || return 1
	[ "$(sqlite3 "$dir/db/dormant.db" "SELECT count(*) FROM port_obs WHERE state = 'open'")" -ge 3 ] || return 1
	# and the next run, as root again, opens it as usual
	"$D" report --db "$dir/db/dormant.db" --format text >/dev/null || return 1
	# through sudo: the invoking user's uid is used, and the outputs are theirs
	SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=invoker ip netns exec "$P-scan" "$D" scan 198.18.0.10 -p 80 -v \
		--db "$dir/db/dormant.db" -oJ "$dir/sudo.jsonl" >/dev/null 2>"$dir/sudo.err" || { tail -3 "$dir/sudo.err"; return 1; }
	grep -q 'running as invoker (uid 65534, from SUDO_UID)' "$dir/sudo.err" || { tail -3 "$dir/sudo.err"; return 1; }
	# a plain scan's -oJ holds hosts and ports: 0644, like nmap's
	[ "$(stat -c %u:%a "$dir/sudo.jsonl")" = 65534:644 ] || { echo "sudo.jsonl: $(stat -c %u:%a "$dir/sudo.jsonl")"; return 1; }
	grep -q '"type":"run"' "$dir/sudo.jsonl"
}
check outputs_and_store_written_after_drop_to_nobody t_privsep_outputs

t_hostile_peers() {
	local t0 t1
	t0=$(date +%s)
	dm scan 198.18.0.16 -p 7000,7443 -sV -oJ "$OUT/hostile.jsonl" -q || return 1
	t1=$(date +%s)
	echo "took $((t1 - t0)) s"
	[ $((t1 - t0)) -le 30 ] || return 1 # every probe has a deadline: no hang
	python3 - "$OUT/hostile.jsonl" <<'PY'
import json, sys
sv = {r["port"]: r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "service"}
assert set(sv) == {7000, 7443}, sv.keys()
assert sv[7000]["name"] == "unknown" and "HOSTILE-BANNER" in sv[7000]["banner"], sv[7000]
assert len(sv[7000]["banner"]) < 600 # capped
assert sv[7443]["name"] == "unknown" and sv[7443]["banner"] == "", sv[7443]
PY
}
check hostile_peers_end_with_unknown_not_a_hang t_hostile_peers

# --- the hostile host: escapes, markup, odd peers; every output stays clean, the run is saved ---
t_hostile_host() {
	local h="$OUT/evil" S=/tmp/dormant-lab-$P
	mkdir -p "$h"
	in_ns /usr/bin/time -v -o "$h/time.txt" "$D" audit 198.18.253.0/29 -p 21,22,23,25,80,443,2121,2222,5900,8000,8080,8081,8443,9000,U:161 -sU -sV \
		--db "$h/db" --leases "$S/evil-dhcpd.leases" --leases "$S/evil-dnsmasq.leases" --inventory "$S/evil-inventory.csv" \
		--check-credentials --login-delay 0.2 -oJ "$h/a.jsonl" -oX "$h/a.xml" --csv "$h/a.csv" --html "$h/a.html" -v \
		>"$h/out" 2>"$h/err"
	echo $? >"$h/rc"
	"$D" report --db "$h/db" --list >"$h/list.txt" 2>&1
	"$D" report --db "$h/db" --format json >"$h/stored.jsonl" 2>>"$h/list.txt"
	python3 "$HERE/../tools/lab/check-hostile.py" "$h"
}
check hostile_host_outputs_stay_clean t_hostile_host

t_idle_host_up_all_closed() { # 10100 TCP and the 7 default UDP probes (NetBIOS 137 among them)
	grep -q '"type":"host".*"ip":"198.18.0.14".*"closed":10107' "$OUT/ports.jsonl"
}
check idle_host_is_up_with_every_port_closed t_idle_host_up_all_closed

t_xml_valid() {
	# nmap's DTD lists one scanner name, "nmap": validate everything else
	sed 's/<nmaprun scanner="dormant"/<nmaprun scanner="nmap"/' "$OUT/ports.xml" >"$OUT/ports-dtd.xml"
	xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$OUT/ports-dtd.xml" || return 1
	dm scan 198.18.0.10-14 -p 21-23,80,6379 -oX "$OUT/ports2.xml" -q || return 1
	# ndiff (nmap's own importer) reads both and reports the differences
	ndiff "$OUT/ports.xml" "$OUT/ports2.xml" >"$OUT/ndiff.txt"
	[ $? -le 1 ] && grep -q '198.18.0.10' "$OUT/ndiff.txt" && grep -q '8080/tcp' "$OUT/ndiff.txt"
}
check nmap_xml_validates_and_ndiff_reads_it t_xml_valid

t_jsonl_parses() {
	python3 -c '
import json, sys
types = set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert "type" in r and "ts" in r, r
    types.add(r["type"])
    if r["type"] == "port":
        assert {"ip", "port", "proto", "state"} <= r.keys()
    if r["type"] == "host":
        assert {"ip", "mac", "vendor", "hostname", "state", "how"} <= r.keys()
    if r["type"] == "service":
        assert {"ip", "port", "proto", "name", "product", "version", "cpe", "device", "tls", "banner"} <= r.keys()
        assert isinstance(r["cpe"], list)
assert types == {"host", "port", "service", "run"}, types
' "$OUT/ports.jsonl"
}
check jsonl_records_parse t_jsonl_parses

# --- the store -------------------------------------------------------------
t_store() {
	[ "$(stat -c %a "$DB")" = 600 ] || return 1
	dm report --list >"$OUT/runs.txt" || return 1
	[ "$(grep -c ' scan ' "$OUT/runs.txt")" -ge 3 ] || return 1
	dm report --format json >"$OUT/last.jsonl" || return 1
	grep -q '"ip":"198.18.0.13","port":6379' "$OUT/last.jsonl"
}
check store_is_private_and_keeps_runs t_store

t_diff() {
	dm scan 198.18.0.13 -p 6379,22 -q || return 1
	local a b
	a=$(dm report --list | awk 'END {print $1}')
	kill "$(cat /tmp/dormant-lab-$P/redis.pid)" 2>/dev/null
	sleep 0.5
	dm scan 198.18.0.13 -p 6379,22 -q || return 1
	b=$(dm report --list | awk 'END {print $1}')
	dm diff "$a" "$b" >"$OUT/diff.txt" || return 1
	grep -E 'port-closed +198.18.0.13 6379/tcp' "$OUT/diff.txt" >/dev/null
}
check diff_sees_a_closed_port t_diff

# issue 25: a full audit, then an audit of a subset. No change may be
# claimed outside what both covered (hosts not scanned the second time are
# not gone, ports not scanned are not closed); a port really closed inside
# the overlap is reported, by the audit's change section and by diff.
t_diff_subset() {
	local l1 l2 a b
	ip netns exec "$P-web" socat TCP-LISTEN:18977,bind=198.18.0.10,fork,reuseaddr SYSTEM:true 2>/dev/null &
	l1=$!
	ip netns exec "$P-web" socat TCP-LISTEN:18978,bind=198.18.0.10,fork,reuseaddr SYSTEM:true 2>/dev/null &
	l2=$!
	sleep 0.3
	dm audit 198.18.0.10-12 198.18.0.14 -p 22,80,8080,18977,18978 -q || { kill $l1 $l2; return 1; }
	a=$(dm report --list | awk 'END {print $1}')
	kill $l1 $l2
	sleep 0.3
	dm audit 198.18.0.10 -p 80,8080,18977 >"$OUT/subset.txt" 2>&1 || { cat "$OUT/subset.txt"; return 1; }
	b=$(dm report --list | awk 'END {print $1}')
	dm diff --format json >"$OUT/subset.jsonl" || return 1
	dm diff "$a" "$b" >"$OUT/subset-diff.txt" || return 1
	python3 - "$OUT/subset.jsonl" "$a" "$b" <<'PY' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
a, b = int(sys.argv[2]), int(sys.argv[3])
cmp = [r for r in recs if r["type"] == "comparison"]
ch = [r for r in recs if r["type"] == "change"]
assert len(cmp) == 1 and cmp[0]["run_a"] == a and cmp[0]["run_b"] == b, cmp
c = cmp[0]
assert c["coverage_known"] and c["addresses"] == 1 and c["tcp_ports"] == 3, c
assert c["outside"]["addresses_a"] == 3 and c["outside"]["ports_a"] == 2, c
# .11 .12 .14 answered in the first run only, .11:22 and .10:18978 were open in it only
assert c["outside"]["differences"] >= 5, c
for r in ch:
    assert r["ip"] == "198.18.0.10", ("change outside the overlap", r)
    assert r["change"] not in ("host-gone", "host-new"), r
    assert "port" not in r or r["port"] in (80, 8080, 18977) or r.get("proto") == "udp", r
closed = [(r["ip"], r["port"]) for r in ch if r["change"] == "port-closed"]
assert closed == [("198.18.0.10", 18977)], closed
print("changes:", len(ch), "outside the overlap:", c["outside"])
PY
	for f in "$OUT/subset.txt" "$OUT/subset-diff.txt"; do
		grep -Eq 'port-closed +198.18.0.10 18977/tcp' "$f" && ! grep -Eq 'host-gone|198.18.0.1[124]|18978' "$f" &&
			grep -q "outside the overlap: 3 addresses of run $a not scanned in run $b, 2 ports of run $a not scanned in run $b" "$f" ||
			{ cat "$f"; return 1; }
	done
}
check diff_claims_nothing_outside_the_overlap t_diff_subset

# --- exclusions always win: not one packet to an excluded address --------
t_exclude() {
	local pid
	pid=$(capture "$P-big" b0 "$OUT/excl.pcap")
	dm scan 198.19.0.0/16 -p 22,80 -Pn --exclude 198.19.64.0/18,198.19.0.26 --rate 100000 -oJ "$OUT/excl.jsonl" -q || return 1
	stop_capture "$pid" "$OUT/excl.pcap" || return 1
	local sent leaked
	sent=$(tcpdump -nn -r "$OUT/excl.pcap" 'tcp[tcpflags] == tcp-syn' 2>/dev/null | wc -l)
	leaked=$(tcpdump -nn -r "$OUT/excl.pcap" 'dst net 198.19.64.0/18 or dst host 198.19.0.26' 2>/dev/null | wc -l)
	echo "sent $sent SYNs, $leaked to excluded addresses"
	[ "$sent" -ge $((49151 * 2)) ] && [ "$leaked" = 0 ] || return 1
	local pid2
	pid2=$(capture "$P-sw" p-scan "$OUT/excl-lan.pcap")
	dm scan 198.18.0.0/24 -p 22 --exclude 198.18.0.12 -q || return 1
	stop_capture "$pid2" "$OUT/excl-lan.pcap" || return 1
	[ "$(tcpdump -nn -r "$OUT/excl-lan.pcap" 'host 198.18.0.12 or (arp and arp[24:4] = 0xc612000c)' 2>/dev/null | wc -l)" = 0 ]
}
check zero_packets_to_excluded_addresses t_exclude

# --- the /16 truth set: recall and false positives -------------------------
TRUTH=/tmp/dormant-lab-$P/big-truth.txt
truth_set() { sed -E 's/([0-9.]+) ([0-9]+)/\1 \2\/tcp/' "$TRUTH" | sort; }
t_big() {
	dm scan 198.19.0.0/16 -p 22,80,443,8080 -Pn --rate 300000 -oJ "$OUT/big.jsonl" -q || return 1
	diff <(open_set "$OUT/big.jsonl") <(truth_set) >/dev/null
}
check slash16_matches_truth_exactly t_big

# --- shards: union = whole scan, no overlap ---------------------------------
t_shards() {
	local i pid
	: >"$OUT/shard-open.txt"
	for i in 1 2 3; do
		pid=$(capture "$P-big" b0 "$OUT/shard$i.pcap")
		dm scan 198.19.0.0/16 -p 22,80,443,8080 -Pn --seed 77 --shard "$i/3" --retries 0 --rate 100000 \
			-oJ "$OUT/shard$i.jsonl" -q || return 1
		stop_capture "$pid" "$OUT/shard$i.pcap" || return 1
		syn_pairs "$OUT/shard$i.pcap" | sort -u >"$OUT/shard$i.pairs"
		open_set "$OUT/shard$i.jsonl" >>"$OUT/shard-open.txt"
	done
	local total uniq
	total=$(cat "$OUT"/shard?.pairs | wc -l)
	uniq=$(cat "$OUT"/shard?.pairs | sort -u | wc -l)
	echo "shards probed $total pairs, $uniq distinct, expected 262144"
	[ "$total" = 262144 ] && [ "$uniq" = 262144 ] || return 1
	diff <(sort "$OUT/shard-open.txt") <(truth_set) >/dev/null
}
check shards_cover_everything_once t_shards

# --- resume after kill -9 ----------------------------------------------------
t_resume() {
	local pid cap
	rm -f "$OUT/resume.log"
	cap=$(capture "$P-big" b0 "$OUT/resume.pcap")
	# exec'd directly (not through a shell function) so that $! is dormant itself
	ip netns exec "$P-scan" "$D" scan 198.19.0.0/16 -p 22,80,443,8080 -Pn --retries 0 --rate 40000 --resume "$OUT/resume.log" \
		--db "$DB" -oJ "$OUT/resume-a.jsonl" -q &
	pid=$!
	# killed once it has a checkpoint (its start takes longer on a loaded
	# machine), before it can finish: 262144 probes at 40000/s
	local i
	for i in $(seq 1 100); do
		grep -q '^ckpt syn' "$OUT/resume.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.5
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	grep -q '^ckpt syn' "$OUT/resume.log" || { echo "no checkpoint before the kill"; return 1; }
	dm scan 198.19.0.0/16 -p 22,80,443,8080 -Pn --retries 0 --rate 40000 --resume "$OUT/resume.log" \
		-oJ "$OUT/resume-b.jsonl" -q || return 1
	stop_capture "$cap" "$OUT/resume.pcap" || return 1
	syn_pairs "$OUT/resume.pcap" >"$OUT/resume.pairs"
	local total uniq again
	total=$(wc -l <"$OUT/resume.pairs")
	uniq=$(sort -u "$OUT/resume.pairs" | wc -l)
	again=$((total - uniq))
	echo "probes sent $total, distinct $uniq, sent again after the kill: $again"
	[ "$uniq" = 262144 ] || return 1               # nothing missed
	[ "$again" -le 80000 ] || return 1               # only the in-flight window (rate x 2 s) again
	diff <(open_set "$OUT/resume-b.jsonl") <(truth_set) >/dev/null || return 1
	[ "$(open_set "$OUT/resume-b.jsonl" | uniq -d | wc -l)" = 0 ] # each result once
}
check resume_after_kill9_misses_nothing t_resume

t_resume_other_scan() {
	dm scan 198.19.0.0/24 -p 22 --resume "$OUT/resume.log" -q 2>"$OUT/err.txt"
	[ $? = 2 ] && grep -q 'belongs to another scan' "$OUT/err.txt" && [ "$(wc -l <"$OUT/err.txt")" = 1 ]
}
check resume_file_of_another_scan_is_refused t_resume_other_scan

# --- without CAP_NET_RAW: the connect() scan does the same job ---------------
t_connect() {
	in_ns setpriv --bounding-set=-net_raw --inh-caps=-net_raw "$D" scan 198.18.0.10-14 -p 1-10000 --rate 20000 \
		--db "$DB" -oJ "$OUT/conn.jsonl" 2>"$OUT/conn.err" >/dev/null || return 1
	grep -q 'connect' "$OUT/conn.err" || return 1
	diff <(open_set "$OUT/conn.jsonl") <(listening 10000 | grep -E '^198\.18\.0\.1[0-4] ')
}
check connect_scan_without_cap_net_raw t_connect

t_ipv6() {
	ip netns exec "$P-scan" socat TCP6-LISTEN:9443,bind=[::1],fork,reuseaddr SYSTEM:true &
	local s=$!
	sleep 0.3
	dm scan ::1 -p 9440-9450 -oJ "$OUT/v6.jsonl" -q
	local r=$?
	kill "$s" 2>/dev/null
	[ $r = 0 ] && [ "$(open_set "$OUT/v6.jsonl")" = "::1 9443/tcp" ]
}
check ipv6_connect_scan t_ipv6

# --- bad input: one clear line, exit 2 --------------------------------------
expect2() { # name pattern args...
	local name=$1 pat=$2
	shift 2
	wanted "$name" || return 0
	dm "$@" >/dev/null 2>"$OUT/$name.err"
	local rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$OUT/$name.err")" = 1 ] && grep -q -- "$pat" "$OUT/$name.err"; then ok "$name"
	else bad "$name" "exit $rc: $(head -c 300 "$OUT/$name.err")"; fi
}
expect2 bad_flag 'unknown option "--bogus"' scan 198.18.0.10 --bogus
expect2 bad_cidr '198.18.0.0/33' scan 198.18.0.0/33
expect2 bad_port 'not a port' scan 198.18.0.10 -p 22,http2x
expect2 no_such_interface 'nope0' scan 198.18.0.10 -e nope0
expect2 public_needs_flag 'allow-public' scan 8.8.8.8
expect2 nothing_left 'no address to scan' scan 198.18.0.10 --exclude 198.18.0.0/24
expect2 missing_target_file 'no-such-file' scan -iL "$OUT/no-such-file"
expect2 no_targets 'no targets' scan -p 22
expect2 bad_rate '--rate' scan 198.18.0.10 --rate fast
expect2 bad_shard '--shard' scan 198.18.0.10 --shard 4/3
expect2 bad_diff 'two run ids' diff 1
expect2 targets_on_two_interfaces 'leaves through' scan 198.18.0.10 198.19.0.5 -p 22 -Pn

t_no_progress_when_piped() {
	dm scan 198.18.0.10 -p 80 2>"$OUT/prog.err" >/dev/null || return 1
	! grep -q $'\r' "$OUT/prog.err"
}
check no_progress_line_when_not_a_terminal t_no_progress_when_piped

# --- passive (issue 20): TLS judged, versions seen in traffic -------------------
t_tls_weak() {
	# with a site policy 198.18/15 is internal; without one it is outside the internal ranges but still
	# not internet-reachable (a benchmarking range the internet does not route): users' exposure either way
	printf '[site]\ninternal = 198.18.0.0/15\n' >"$OUT/tls-site.conf"
	dm audit 198.18.0.10 -p 443,8443 -sV -oJ "$OUT/tls-public.jsonl" -q || return 1
	dm audit 198.18.0.10 -p 443,8443 -sV --config "$OUT/tls-site.conf" -oJ "$OUT/tls.jsonl" -q || return 1
	python3 - "$OUT/tls.jsonl" "$OUT/tls-public.jsonl" <<'PY'
import json, sys
def weak(path):
    return {r["port"]: r for r in map(json.loads, open(path)) if r["type"] == "finding" and r["rule"] == "weak-tls"}
fs, pub = weak(sys.argv[1]), weak(sys.argv[2])
assert set(fs) == {443, 8443} and set(pub) == {443, 8443}, (sorted(fs), sorted(pub))
codes = lambda p: [w["code"] for w in fs[p]["evidence"]["weaknesses"]]
# nginx's expired self-signed certificate: expired first, high where users reach 443 (critical only from the
# internet, which no lab address is: the unit test join/weak_tls_exposure covers it)
assert codes(443)[0] == "expired" and "self-signed" in codes(443) and "tls1.0" not in codes(443), codes(443)
assert fs[443]["severity"] == "high" and fs[443]["evidence"]["exposure"] == "users", fs[443]
assert pub[443]["severity"] == "high" and pub[443]["evidence"]["exposure"] == "users", pub[443]
assert "does not route" in pub[443]["evidence"]["exposure_reason"], pub[443]["evidence"]
assert fs[443]["evidence"]["not_after"].startswith("2021-01-01"), fs[443]["evidence"]
# the TLS 1.0-only endpoint: old version, nothing else wrong with its key (RSA 2048)
assert "tls1.0" in codes(8443) and "weak-key" not in codes(8443) and "expired" not in codes(8443), codes(8443)
assert fs[8443]["evidence"]["versions_accepted"] == "TLS 1.0" and fs[8443]["evidence"]["key_bits"] == 2048
assert fs[8443]["severity"] == "medium" and pub[8443]["severity"] == "medium", (fs[8443], pub[8443])
assert all("TLS 1.2" in f["remediation"] or "certificate" in f["remediation"] for f in fs.values())
PY
}
check tls_weaknesses_become_findings t_tls_weak

t_passive_versions() {
	local d="$OUT/passive"
	mkdir -p "$d"
	python3 "$HERE/../tools/flow/gen-passive-pcap.py" "$d/p.pcap" "$d/truth.json" --net 198.18.0. || return 1
	printf '[site]\ninternal = 198.18.0.0/15\n' >"$d/site.conf"
	"$D" vulndb import -q --db "$d/db" "$HERE/../data/fixtures/nvd" "$HERE/../data/fixtures/kev" || return 1
	# .40 and .41 do not exist: the scanner reaches neither, the capture saw both
	in_ns "$D" audit 198.18.0.40-41 -p 22,80,2222 -sV --db "$d/db" --flows "$d/p.pcap" --config "$d/site.conf" \
		-oJ "$d/a.jsonl" -q 2>"$d/err" || { tail -3 "$d/err"; return 1; }
	"$D" report --db "$d/db" --format json >"$d/stored.jsonl" || return 1
	python3 - "$d/a.jsonl" "$d/stored.jsonl" <<'PY'
import json, sys
for path in sys.argv[1:]:  # the audit's output, and the run as stored
    recs = [json.loads(l) for l in open(path)]
    vs = {(r["ip"], r["port"]): r for r in recs if r["type"] == "finding" and r["rule"] == "vulnerable-service"}
    assert set(vs) == {("198.18.0.40", 22), ("198.18.0.40", 80)}, (path, sorted(vs))
    for f in vs.values():
        assert f["evidence"]["passive"] is True and "seen passively" in f["title"] and f["evidence"]["seen"], f
    ids = lambda k: {c["id"] for c in vs[k]["evidence"]["cves"]}
    assert "CVE-2018-15473" in ids(("198.18.0.40", 22)) and "CVE-2021-41773" in ids(("198.18.0.40", 80))
    # the external server's banner and the clients' SSH lines are nobody's service here
    assert not any(r.get("ip") in ("91.198.174.2", "198.18.0.50", "198.18.0.51", "198.18.0.21") for r in recs if r["type"] == "finding")
PY
}
check versions_seen_in_traffic_become_findings t_passive_versions
# --- the services lab: what dormant must name (tests/lab/services-truth.txt; its "miss"
# lines are the known gaps, and anything else dormant does not name fails) ---
t_services_lab() {
	local truth=$HERE/services-truth.txt tcp udp
	tcp=$(sed -nE 's|^[0-9]+:([0-9]+)/tcp .*|\1|p' "$truth" | sort -nu | paste -sd, -)
	udp=$(sed -nE 's|^[0-9]+:([0-9]+)/udp .*|\1|p' "$truth" | sort -nu | paste -sd, -)
	dm scan 198.18.3.40-47 -p "T:$tcp,U:$udp" -sV -sU -oJ "$OUT/svclab.jsonl" -q || return 1
	python3 "$HERE/../tools/lab/score-services.py" --check "$truth" "$OUT/svclab.jsonl"
}
check services_lab_identified t_services_lab
# --- distro (issue 20): the distributions' verdicts on the lab's sshd and an older revision ---
t_distro_verdicts() {
	local db="$OUT/distro.db" want pid
	"$D" vulndb import -q --db "$db" "$HERE/../data/fixtures/nvd" "$HERE/../data/fixtures/kev" "$HERE/../data/fixtures/distro" || return 1
	# an older bookworm revision, announced by a banner-only listener beside the real sshd-2222
	BANNER="SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2" ip netns exec "$P-old" \
		socat TCP-LISTEN:2022,bind=198.18.0.16,fork,reuseaddr EXEC:"$HERE/banner.sh" &
	pid=$!
	for _ in $(seq 50); do ip netns exec "$P-old" ss -ltn | grep -q '198.18.0.16:2022 ' && break; sleep 0.1; done
	in_ns "$D" scan 198.18.0.11 198.18.0.16 -p 22,2022,2222 -sV --db "$db" -oJ "$OUT/distro.jsonl" -q
	local r=$?
	kill "$pid" 2>/dev/null
	[ $r = 0 ] || return 1
	# what the lab's sshd is, by dpkg: Debian's data marks all three fixed at or before it (deb12u3 the last)
	want=$(dpkg-query -W -f '${Version}' openssh-server)
	dpkg --compare-versions "$want" ge 1:9.2p1-2+deb12u3 || { echo "the lab's openssh-server $want predates the fixes"; return 1; }
	python3 - "$OUT/distro.jsonl" "$want" <<'PY'
import json, sys
rs = list(map(json.loads, open(sys.argv[1])))
svc = {(r["ip"], r["port"]): r for r in rs if r["type"] == "service"}
assert ("198.18.0.11", 22) in svc and ("198.18.0.16", 2222) in svc and ("198.18.0.16", 2022) in svc, sorted(svc)
rev = sys.argv[2].split("-", 1)[1]  # 2+deb12u10
assert "Debian-" + rev in svc[("198.18.0.11", 22)]["banner"], (svc[("198.18.0.11", 22)]["banner"], rev)
fs = {(f["ip"], f["port"]): f for f in rs if f["type"] == "finding" and f["rule"] in ("vulnerable-service", "known-exploited")}
# the patched sshd (both real ones): no finding at all
assert ("198.18.0.11", 22) not in fs and ("198.18.0.16", 2222) not in fs, sorted(fs)
# the older revision: regreSSHion open in deb12u2, at high confidence; the fixes of u1 and u2 not reported
old = fs[("198.18.0.16", 2022)]
ids = [c["id"] for c in old["evidence"]["cves"]]
assert ids == ["CVE-2024-6387"] and old["confidence"] == "high" and old["severity"] == "high", (ids, old["confidence"], old["severity"])
assert old["evidence"]["distribution"] == {"name": "debian", "release": "bookworm", "package": "openssh", "upstream": "9.2p1",
                                           "revision": "2+deb12u2", "release_from": "the build's revision 2+deb12u2"}, old["evidence"]
PY
}
check distro_verdicts_on_lab_sshd t_distro_verdicts
# --- import: masscan and ZMap run live from the scanner namespace, their files imported (issue 18) ---
t_import_live() {
	local mac=02:00:5e:00:00:0a # the web host's e0 (lab.sh)
	: >"$OUT/zmap-blocklist"    # ZMap's default list blocks 198.18.0.0/15
	# masscan's own TCP stack (banners) needs an address the kernel does not answer for
	in_ns masscan 198.18.0.10 -p80,8080,81 --rate 200 -e s0 --router-mac "$mac" --banners \
		--source-ip 198.18.0.99 --wait 3 -oJ "$OUT/live-masscan.json" >/dev/null 2>&1 || return 1
	in_ns zmap -p 80 -i s0 -G "$mac" -b "$OUT/zmap-blocklist" -r 200 -c 2 -O csv \
		-f saddr,sport,classification,success,timestamp-str,ttl -o "$OUT/live-zmap.csv" 198.18.0.10/32 \
		>/dev/null 2>&1 || return 1
	"$D" import -q --db "$OUT/import.db" -oJ "$OUT/im.jsonl" "$OUT/live-masscan.json" || return 1
	"$D" import -q --db "$OUT/import.db" -oJ "$OUT/iz.jsonl" "$OUT/live-zmap.csv" || return 1
	open_set "$OUT/im.jsonl" >"$OUT/im.set"
	grep -qx '198.18.0.10 80/tcp' "$OUT/im.set" && grep -qx '198.18.0.10 8080/tcp' "$OUT/im.set" &&
		[ "$(wc -l <"$OUT/im.set")" = 2 ] && [ "$(open_set "$OUT/iz.jsonl")" = "198.18.0.10 80/tcp" ] ||
		{ cat "$OUT/im.set"; return 1; }
	# nginx's Server header, when masscan caught it (its own TCP stack did not always
	# in the lab's bridge), named by dormant's fingerprints
	if grep -q '"service": {"name": "http.server"' "$OUT/live-masscan.json"; then
		grep -q '"type":"service".*"port":80,.*"product":"nginx"' "$OUT/im.jsonl" || { grep service "$OUT/im.jsonl"; return 1; }
	fi
	"$D" report --list --db "$OUT/import.db" | awk 'NR>1 {print $3}' | tr '\n' ' ' | grep -qx 'masscan zmap '
}
check import_masscan_zmap_live t_import_live

# --- edge (issue 23): every mapping the gateway holds, with its inside host; the forwarded
# camera's default password raised to critical; NAT-PMP's mapping found; the gateway that lets
# any LAN host map is a finding; the test mapping deleted; the exposure section in Chromium ---
t_edge() {
	local u="$OUT/edge"
	mkdir -p "$u"
	"$HERE/lab-upnp.sh" up >"$u/up.log" 2>&1 || { tail -5 "$u/up.log"; return 1; }
	"$HERE/lab-upnp.sh" truth >"$u/truth-before" || return 1
	ip netns exec "$P-uscan" "$D" audit 198.18.7.15 198.18.7.20 --upnp --test-mapping --check-credentials \
		--login-delay 0.2 --db "$u/db" -oJ "$u/audit.jsonl" --html "$u/audit.html" -v >"$u/out" 2>"$u/err" ||
		{ tail -5 "$u/err"; return 1; }
	"$HERE/lab-upnp.sh" truth >"$u/truth-after" || return 1
	# a platform indexed the gateway's public address: the mapped camera, and a port nothing maps
	printf '%s\n' '{"ip_str": "11.22.33.44", "port": 8080, "transport": "tcp", "product": "Hikvision IP Camera", "timestamp": "2026-11-01T10:00:00.000000"}' \
		'{"ip_str": "11.22.33.44", "port": 3389, "transport": "tcp", "product": "Remote Desktop", "timestamp": "2026-11-01T10:00:00.000000"}' >"$u/shodan.json"
	"$D" exposure import -q --db "$u/db" "$u/shodan.json" || return 1
	ip netns exec "$P-uscan" "$D" exposure --db "$u/db" --format json >"$u/exposure.jsonl"
	[ $? = 1 ] || return 1 # 3389: external-only
	ip netns exec "$P-uscan" "$D" exposure --db "$u/db" >"$u/exposure.txt"
	[ $? = 1 ] || return 1
	"$D" report --db "$u/db" --format html -o "$u/stored.html" || return 1
	"$HERE/lab-upnp.sh" down
	# the test mapping was deleted: the gateway holds what it held before
	diff <(awk '{print $2, $3}' "$u/truth-before") <(awk '{print $2, $3}' "$u/truth-after") || return 1
	python3 - "$u" <<'PY' || return 1
import json, re, sys
u = sys.argv[1]
# upnpc -l: " 3 TCP  8080->198.18.7.15:80    'IPCam web' '' 604795"
truth = set()
for line in open(f"{u}/truth-before"):
    m = re.match(r"\s*\d+ (TCP|UDP)\s+(\d+)->([\d.]+):(\d+)", line)
    truth.add((m[1].lower(), int(m[2]), m[3], int(m[4])))
assert len(truth) == 4, truth
recs = [json.loads(l) for l in open(f"{u}/audit.jsonl")]
fs = [r for r in recs if r["type"] == "finding"]
got = sorted((f["rule"], f["ip"], f["port"], f["proto"], f["severity"]) for f in fs)
L = "198.18.7."
want = sorted([("default-credentials", L + "15", 80, "tcp", "critical"),  # high, raised: forwarded
               ("internet-exposed", L + "15", 80, "tcp", "high"), ("internet-exposed", L + "20", 22, "tcp", "high"),
               ("internet-exposed", L + "20", 5000, "tcp", "medium"),  # NAT-PMP's; nothing listens on 5000
               ("internet-exposed", L + "1", 6881, "udp", "medium"),  # not a target: not scanned
               ("upnp-open-mapping", L + "254", 5000, "tcp", "high"),
               ("natpmp-open-mapping", L + "254", 5351, "udp", "high"),
               ("pcp-open-mapping", L + "254", 5351, "udp", "high")])
assert got == want, f"got {got}\nwant {want}"
exp = {(f["evidence"]["proto"], f["evidence"]["external_port"], f["ip"], f["port"]): f["evidence"]
       for f in fs if f["rule"] == "internet-exposed"}
assert set(exp) == truth, (sorted(exp), sorted(truth))  # every mapping, with its inside host
for ev in exp.values():
    assert ev["gateway"] == L + "254" and ev["public_ip"] == "11.22.33.44" and ev["enabled"] is True, ev
    assert ev["first_seen"] and ev["age_days"] == 0, ev
nat = exp[("tcp", 5000, L + "20", 5000)]
assert nat["added_by"] == "natpmp" and nat["description"] == "NAT-PMP 5000 tcp" and 7000 < nat["lease_seconds"] <= 7200, nat
cam = exp[("tcp", 8080, L + "15", 80)]
assert cam["added_by"] == "upnp" and cam["description"] == "IPCam web" and cam["inside"] == "open", cam
assert cam["gateway_service"] in ("WANIPConnection:1", "WANIPConnection:2"), cam
nas = exp[("tcp", 2222, L + "20", 22)]
assert nas["description"] == "nas ssh &lt;b&gt;remote&lt;/b&gt;\x1b[2J" and 0 < nas["lease_seconds"] <= 3600, nas
dc = [f for f in fs if f["rule"] == "default-credentials"][0]
assert dc["evidence"]["internet_exposed"] == {"outside": "11.22.33.44:8080/tcp", "internal_port": 80}, dc["evidence"]
up = [f for f in fs if f["rule"] == "upnp-open-mapping"][0]["evidence"]
assert up["mappings"] == 4 and "accepted without authentication; deleted" in up["test"], up
nm = [f for f in fs if f["rule"] == "natpmp-open-mapping"][0]["evidence"]
assert "granted without authentication; deleted" in nm["test"] and nm["public_ip"] == "11.22.33.44", nm
pm = [f for f in fs if f["rule"] == "pcp-open-mapping"][0]["evidence"]
assert pm["test"].startswith("PCP MAP ") and pm["test"].endswith("granted without authentication; deleted"), pm
assert pm["public_ip"] == "11.22.33.44" and pm["protocol"] == "PCP", pm
# dormant exposure: the stored mappings with their inside hosts, the gateways with the test's answer
ex = [json.loads(l) for l in open(f"{u}/exposure.jsonl")]
maps = {(m["proto"], m["external_port"], m["internal"], m["internal_port"]) for m in ex if m["type"] == "mapping"}
assert maps == truth, maps
# the platform's sighting of the gateway's address joined through the mapping table
rows = {r["port"]: r for r in ex if r["type"] == "exposure"}
cam_row = rows[8080]
assert cam_row["asset"]["ip"] == L + "15" and cam_row["asset"]["via_mapping"] == {"gateway": L + "254", "internal_port": 80}, cam_row
assert cam_row["inside"]["port"] == 80 and cam_row["verdict"] in ("same", "differs"), cam_row
assert rows[3389]["verdict"] == "unexplained", rows[3389]
xo = [(r["rule"], r["port"]) for r in ex if r["type"] == "finding"]
assert xo == [("external-only", 3389)], xo
gws = sorted((g["method"], g["mapping_test"], g["public_ip"]) for g in ex if g["type"] == "gateway")
assert gws == [("natpmp", "accepted", "11.22.33.44"), ("pcp", "accepted", "11.22.33.44"),
               ("upnp", "accepted", "11.22.33.44")], gws
txt = open(f"{u}/exposure.txt", "rb").read()
assert b"\x1b" not in txt and b"198.18.7.15:80" in txt and b"IPCam web" in txt, txt[-600:]
PY
	python3 "$HERE/../tools/report/check-html-edge.py" "$u/audit.html" "$u/exposure.jsonl" "$ARTIFACTS/edge-report.png" &&
		python3 "$HERE/../tools/report/check-html-edge.py" "$u/stored.html" "$u/exposure.jsonl" "$ARTIFACTS/edge-stored.png"
}
check edge_upnp_natpmp_mappings_exact t_edge
# --- audit --external: from the lab gateway's WAN side (the ${P}-uwan namespace, no other
# route) against its public addresses. The inside audit (--upnp, a register whose NAS has the
# gateway's address as public_ip) is stored first; what answers from outside is joined with it:
# UPnP's forwards are explained by the mapping table (no finding), the router's static forward of
# 22 to the NAS is internet-exposed (the inside took it for internal), the second WAN address's
# admin page is external-only (nothing in the register) ---
t_external() {
	local u="$OUT/external"
	mkdir -p "$u"
	"$HERE/lab-upnp.sh" up >"$u/up.log" 2>&1 || { tail -5 "$u/up.log"; return 1; }
	# the NAS's name holds markup: the HTML report shows it as text
	printf 'ip,hostname,role,public_ip\n198.18.7.15,cam,camera,\n198.18.7.20,nas <b>store</b>,storage,11.22.33.44\n' >"$u/reg.csv"
	printf '[site]\npublic = 11.22.33.44/31\n' >"$u/site.conf"
	ip netns exec "$P-uscan" "$D" audit 198.18.7.15 198.18.7.20 -p 22,80,5000,8443 --upnp --inventory "$u/reg.csv" \
		--db "$u/db" -q >"$u/in.out" 2>"$u/in.err" || { tail -5 "$u/in.err"; "$HERE/lab-upnp.sh" down; return 1; }
	ip netns exec "$P-uwan" "$D" audit 11.22.33.44 11.22.33.45 -p 22,2222,5000,8080,8443 --external --allow-public \
		--config "$u/site.conf" --db "$u/db" -oJ "$u/ext.jsonl" --html "$u/ext.html" -v >"$u/ext.out" 2>"$u/ext.err"
	local rc=$?
	# a target outside [site] public is refused before any packet
	ip netns exec "$P-uwan" "$D" audit 11.22.33.1 --external --allow-public --config "$u/site.conf" \
		--db "$u/db" >/dev/null 2>"$u/refused.err"
	local rc2=$?
	"$D" exposure --db "$u/db" --json >"$u/exposure.jsonl"
	local rc3=$?
	"$D" report --db "$u/db" --format html -o "$u/stored-ext.html" || { "$HERE/lab-upnp.sh" down; return 1; }
	"$HERE/lab-upnp.sh" down
	[ $rc = 0 ] && [ $rc2 = 2 ] && [ $rc3 = 1 ] || { echo "external $rc, refused $rc2, exposure $rc3"; tail -5 "$u/ext.err"; return 1; }
	grep -qF 'target 11.22.33.1 is outside [site] public' "$u/refused.err" || { cat "$u/refused.err"; return 1; }
	grep -qF 'at 100 packets per second (the default' "$u/ext.err" || return 1
	grep -qE '^11\.22\.33\.44:8080/tcp +dormant .*198\.18\.7\.15\* \(cam\)' "$u/ext.out" || { cat "$u/ext.out"; return 1; }
	python3 - "$u" <<'PY' || return 1
import json, sqlite3, sys
u = sys.argv[1]
recs = [json.loads(l) for l in open(f"{u}/ext.jsonl")]
fs = [r for r in recs if r["type"] == "finding"]
got = sorted((f["rule"], f["ip"], f["port"], f["proto"], f["severity"]) for f in fs)
want = [("external-only", "11.22.33.45", 8443, "tcp", "medium"),   # nothing in the register has .45
        ("internet-exposed", "198.18.7.20", 22, "tcp", "high")]    # the static forward: no mapping explains it
assert got == want, f"got {got}\nwant {want}"
ie = [f for f in fs if f["rule"] == "internet-exposed"][0]["evidence"]
assert ie["seen_by"] == "dormant from outside" and ie["outside"] == "11.22.33.44:22/tcp", ie
assert ie["asset"] == "198.18.7.20" and ie["inside"] in ("same", "unidentified", "differs") and "mapping_gateway" not in ie, ie
eo = [f for f in fs if f["rule"] == "external-only"][0]["evidence"]
assert eo["seen_by"] == "dormant from outside" and eo["inside"] == "unexplained", eo
# every service seen from outside, joined with the inside asset behind it
ex = [json.loads(l) for l in open(f"{u}/exposure.jsonl")]
rows = {(r["public_ip"], r["port"]): r for r in ex if r["type"] == "exposure" and r["platform"] == "dormant"}
assert sorted(rows) == [("11.22.33.44", 22), ("11.22.33.44", 2222), ("11.22.33.44", 8080), ("11.22.33.45", 8443)], sorted(rows)
cam = rows[("11.22.33.44", 8080)]
assert cam["asset"]["ip"] == "198.18.7.15" and cam["asset"]["via_mapping"]["internal_port"] == 80, cam
nas = rows[("11.22.33.44", 2222)]
assert nas["asset"]["ip"] == "198.18.7.20" and nas["asset"]["via_mapping"]["internal_port"] == 22, nas
assert rows[("11.22.33.44", 22)]["asset"]["ip"] == "198.18.7.20" and "via_mapping" not in rows[("11.22.33.44", 22)]["asset"]
assert rows[("11.22.33.45", 8443)]["verdict"] == "unexplained"
kinds = [k for (k,) in sqlite3.connect(f"{u}/db").execute("select kind from runs order by id")]
assert kinds == ["audit", "external"], kinds
PY
	# the HTML report's section of its own, checked in Chromium
	python3 "$HERE/../tools/report/check-html-edge.py" --external "$u/ext.html" "$u/exposure.jsonl" "$u/ext.jsonl" \
		"$ARTIFACTS/external-report.png" || return 1
	# and the stored run's report (dormant report rebuilds the section from the store)
	python3 "$HERE/../tools/report/check-html-edge.py" --external "$u/stored-ext.html" "$u/exposure.jsonl" \
		"$u/ext.jsonl" "$ARTIFACTS/external-stored.png"
}
check edge_external_audit_from_the_wan t_external
# --- network devices: Net-SNMP's snmpd serving its namespace's real ARP table --
t_netdev_lab() {
	# a device that never answers the scan but sits in the iot host's ARP
	# table (a neighbour entry of its real table), and a real one it talked to
	ip -n "$P-iot" neigh replace 198.18.0.30 lladdr 02:00:5e:00:00:1e dev e0 nud permanent || return 1
	ip netns exec "$P-iot" bash -c 'echo x >/dev/udp/198.18.0.20/9' 2>/dev/null
	local j=$OUT/netdev
	mkdir -p "$j"
	printf '[netdev iot]\naddress = 198.18.0.12\ncommunity = public\n' >"$j/site.conf"
	chmod 600 "$j/site.conf"
	{
		echo "ip,MAC,hostname,owner,role,status,expires"
		for a in 1 10 11 12 13 14 15 16 20 21; do echo "198.18.0.$a,,lab-$a,lab,server,active,"; done
	} >"$j/register.csv"
	"$D" inventory import "$j/register.csv" --db "$j/db" >/dev/null 2>&1 || return 1
	in_ns "$D" netdev --config "$j/site.conf" --db "$j/db" --json >"$j/netdev.jsonl" 2>"$j/e"
	local rc=$?
	ip -n "$P-iot" neigh del 198.18.0.30 dev e0 2>/dev/null
	[ $rc = 1 ] || { echo "netdev: exit $rc"; cat "$j/e"; return 1; }
	python3 - "$j/netdev.jsonl" <<'PY' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
dev = recs[0]
assert dev["type"] == "netdev" and dev["complete"] and dev["sys_descr"] == "dormant lab camera", dev
arp = {r["ip"]: r["mac"] for r in recs if r["type"] == "netdev-arp"}
assert arp.get("198.18.0.30") == "02:00:5E:00:00:1E" and arp.get("198.18.0.20") == "02:00:5E:00:00:14", arp
ports = {r["name"] for r in recs if r["type"] == "netdev-port"}
assert {"lo", "e0"} <= ports, ports
f = sorted((r["rule"], r["ip"]) for r in recs if r["type"] == "finding")
# the community the config holds is a default one (credentials.csv's snmp "public")
assert f == [("default-credentials", "198.18.0.12"), ("unregistered-host", "198.18.0.30")], f
ev = next(r for r in recs if r["type"] == "finding" and r["rule"] == "unregistered-host")["evidence"]
assert ev["seen_by"]["device"] == "iot" and ev["seen_by"]["mac"] == "02:00:5E:00:00:1E" and ev["answered_scan"] is False, ev
PY
}
check netdev_snmpd_serves_its_real_arp_table t_netdev_lab

# issue 22: devices that change address between two audits. On a bridge of
# its own: g has a burnt-in (globally administered) MAC and a register row;
# r a randomised (locally administered) MAC and no name; n a randomised MAC
# and a DHCP lease with its name. Each moves to the next address before
# the second audit. g and n are followed (asset-readdressed, by MAC and by
# name) and are no gone/new pair; r cannot be followed and is one.
mv_up() {
	local s=$P-mvs w=$P-mvsw d
	mv_down
	ip netns add "$w" && ip -n "$w" link add br0 type bridge && ip -n "$w" link set br0 up || return 1
	ip netns add "$s" && ip -n "$s" link set lo up || return 1
	ip link add s0 netns "$s" address 02:00:5e:00:77:01 type veth peer name p-s netns "$w" || return 1
	ip -n "$w" link set p-s master br0 up && ip -n "$s" addr add 198.18.77.1/24 dev s0 &&
		ip -n "$s" link set s0 up || return 1
	local -A mac=([g]=00:16:3e:77:00:02 [r]=da:a1:19:77:00:03 [n]=de:ad:be:77:00:04)
	for d in $MV_DEVS; do
		ip netns add "$P-mv$d" && ip -n "$P-mv$d" link set lo up || return 1
		ip link add e0 netns "$P-mv$d" address "${mac[$d]}" type veth peer name "p-$d" netns "$w" || return 1
		ip -n "$w" link set "p-$d" master br0 up && ip -n "$P-mv$d" link set e0 up || return 1
	done
}
mv_addr() { # device old new: moves the device (old "": first address)
	[ -z "$2" ] || ip -n "$P-mv$1" addr del "198.18.77.$2/24" dev e0 || return 1
	ip -n "$P-mv$1" addr add "198.18.77.$3/24" dev e0
}
t_ident_moved() {
	local m=$OUT/ident now
	mkdir -p "$m"
	mv_up || return 1
	mv_addr g "" 10 && mv_addr r "" 12 && mv_addr n "" 14 || return 1
	now=$(date +%s)
	printf 'ip,mac,hostname,owner,role,status,expires\n198.18.77.10,00:16:3e:77:00:02,nas-1,ops,server,active,\n' >"$m/reg.csv"
	printf '%s de:ad:be:77:00:04 198.18.77.14 Kiosk-3 *\n' $((now + 86400)) >"$m/a.leases"
	printf '%s de:ad:be:77:00:04 198.18.77.15 kiosk-3 *\n' $((now + 86400)) >"$m/b.leases"
	local run=(ip netns exec "$P-mvs" "$D" audit 198.18.77.10-15 -p 22 --inventory "$m/reg.csv" --db "$m/db" -q)
	"${run[@]}" --leases "$m/a.leases" >"$m/a.out" 2>&1 || { cat "$m/a.out"; return 1; }
	mv_addr g 10 11 && mv_addr r 12 13 && mv_addr n 14 15 || return 1
	ip -n "$P-mvs" neigh flush all
	"${run[@]}" --leases "$m/b.leases" >"$m/b.out" 2>&1 || { cat "$m/b.out"; return 1; }
	"$D" report --db "$m/db" --format json >"$m/b.jsonl" || return 1
	"$D" diff --db "$m/db" --format json >"$m/diff.jsonl" || return 1
	"$D" diff --db "$m/db" >"$m/diff.txt" || return 1
	mv_down
	python3 - "$m/b.jsonl" "$m/diff.jsonl" <<'PY' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
moved = sorted((r["evidence"]["old_ip"], r["ip"], r["evidence"]["matched_by"], r["severity"])
               for r in recs if r["type"] == "finding" and r["rule"] == "asset-readdressed")
assert moved == [("198.18.77.10", "198.18.77.11", "mac", "info"),
                 ("198.18.77.14", "198.18.77.15", "hostname", "info")], moved
ev = {r["ip"]: r["evidence"] for r in recs if r["type"] == "finding" and r["rule"] == "asset-readdressed"}
g, n = ev["198.18.77.11"], ev["198.18.77.15"]
assert g["mac_randomised"] is False and g["register"]["hostname"] == "nas-1" and g["now"]["mac_from"] == "scan", g
assert n["mac_randomised"] is True and n["now"]["hostname"] == "kiosk-3" and n["now"]["hostname_from"] == "lease", n
# g is in the register by its MAC: not unregistered at its new address
un = sorted(r["ip"] for r in recs if r["type"] == "finding" and r["rule"] == "unregistered-host")
assert "198.18.77.11" not in un and "198.18.77.13" in un, un
# a randomised MAC is flagged where the host's MAC is shown
ur = next(r["evidence"] for r in recs if r["type"] == "finding" and r["rule"] == "unregistered-host" and r["ip"] == "198.18.77.13")
assert ur["mac"] == "DA:A1:19:77:00:03" and ur["mac_randomised"] is True, ur
ch = sorted((r["change"], r["ip"]) for r in (json.loads(l) for l in open(sys.argv[2]))
            if r["type"] == "change" and r["change"] in ("host-gone", "host-new"))
assert ch == [("host-gone", "198.18.77.12"), ("host-new", "198.18.77.13")], ch
print("moved:", moved, "gone/new:", ch)
PY
	# the moved devices' unregistered-host and readdressed findings: n's unregistered-host moved
	# with it (no resolved/new pair), r's is resolved at .12 and new at .13
	grep -Eq 'finding-new +info +asset-readdressed +198.18.77.11 ' "$m/diff.txt" &&
		! grep -Eq 'host-(gone|new) +198.18.77.1[0145]|unregistered-host +198.18.77.1[45]' "$m/diff.txt" &&
		grep -Eq 'finding-resolved +low +unregistered-host +198.18.77.12 ' "$m/diff.txt" &&
		grep -Eq 'finding-new +low +unregistered-host +198.18.77.13 ' "$m/diff.txt" ||
		{ cat "$m/diff.txt"; return 1; }
}
check ident_moved_device_is_readdressed_not_gone_and_new t_ident_moved

# issue 22: devices behind a router (the scan sees no MAC, no lease names
# them) that change address between two audits. k runs Debian's sshd with
# a host key of its own, e Debian's snmpd answering SNMPv3 only (its engine
# ID in its persistent file), c1 and c2 sshd with one cloned host key, n
# Samba's nmbd with the NetBIOS name LABPC-7 (restarted after its move, as
# a device that renews its address). Each moves to the next address: k is
# followed by its SSH host key, e by its engine ID, n by its NetBIOS name;
# c1 and c2 share their key and stay two gone/new pairs.
rt_up() {
	local d
	rt_down
	mkdir -p "$OUT/rt" /run/sshd
	ip netns add "$P-rts" && ip netns add "$P-rtr" && ip netns add "$P-rtsw" || return 1
	ip -n "$P-rtsw" link add br0 type bridge && ip -n "$P-rtsw" link set br0 up || return 1
	ip link add s0 netns "$P-rts" type veth peer name e0 netns "$P-rtr" || return 1
	ip -n "$P-rts" addr add 198.18.78.1/30 dev s0 && ip -n "$P-rtr" addr add 198.18.78.2/30 dev e0 || return 1
	ip link add e1 netns "$P-rtr" type veth peer name p-r netns "$P-rtsw" || return 1
	ip -n "$P-rtr" addr add 198.18.79.1/24 dev e1 && ip -n "$P-rtsw" link set p-r master br0 up || return 1
	for d in s r; do ip -n "$P-rt$d" link set lo up; done
	ip -n "$P-rts" link set s0 up && ip -n "$P-rtr" link set e0 up && ip -n "$P-rtr" link set e1 up || return 1
	ip -n "$P-rts" route add 198.18.79.0/24 via 198.18.78.2 || return 1
	ip netns exec "$P-rtr" sysctl -qw net.ipv4.ip_forward=1 || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$OUT/rt/k.key" && ssh-keygen -q -t ed25519 -N '' -f "$OUT/rt/c.key" || return 1
	for d in $RT_DEVS; do
		ip netns add "$P-rt$d" && ip -n "$P-rt$d" link set lo up || return 1
		ip link add e0 netns "$P-rt$d" type veth peer name "p-$d" netns "$P-rtsw" || return 1
		ip -n "$P-rtsw" link set "p-$d" master br0 up && ip -n "$P-rt$d" link set e0 up || return 1
	done
	for d in k c1 c2; do
		setsid ip netns exec "$P-rt$d" /usr/sbin/sshd -D -e -f /dev/null -h "$OUT/rt/${d:0:1}.key" \
			-o ListenAddress=0.0.0.0:22 -o PidFile="$OUT/rt/sshd-$d.pid.d" >"$OUT/rt/sshd-$d.log" 2>&1 </dev/null &
		echo $! >"$OUT/rt/sshd-$d.pid"
	done
	mkdir -p "$OUT/rt/snmp"
	printf 'agentAddress udp:161\ncreateUser labv3 SHA "lab-v3-auth-pass" AES "lab-v3-priv-pass"\nrouser labv3 authPriv\n' \
		>"$OUT/rt/snmpd.conf"
	setsid ip netns exec "$P-rte" snmpd -f -Lo -C -c "$OUT/rt/snmpd.conf" --persistentDir="$OUT/rt/snmp" \
		-p "$OUT/rt/snmpd.pid.d" >"$OUT/rt/snmpd.log" 2>&1 </dev/null &
	echo $! >"$OUT/rt/snmpd.pid"
	mkdir -p "$OUT/rt/nmb"
	local nd=$OUT/rt/nmb
	printf '[global]\nnetbios name = LABPC-7\nworkgroup = LABGROUP\n' >"$OUT/rt/smb.conf"
	printf '%s = %s\n' "lock directory" "$nd" "state directory" "$nd" "cache directory" "$nd" "pid directory" "$nd" \
		"ncalrpc dir" "$nd" "private dir" "$nd" "log file" "$nd/log.%m" >>"$OUT/rt/smb.conf"
}
rt_nmbd() { # (re)starts n's nmbd
	[ ! -e "$OUT/rt/nmbd.pid" ] || { kill "$(cat "$OUT/rt/nmbd.pid")" 2>/dev/null; sleep 0.5; }
	setsid ip netns exec "$P-rtn" nmbd -F --no-process-group --debug-stdout -s "$OUT/rt/smb.conf" \
		>>"$OUT/rt/nmbd.log" 2>&1 </dev/null &
	echo $! >"$OUT/rt/nmbd.pid"
	sleep 3 # it registers its names (broadcasts) before it answers
}
rt_addr() { # device old new (old "": first address)
	[ -z "$2" ] || ip -n "$P-rt$1" addr del "198.18.79.$2/24" dev e0 || return 1
	ip -n "$P-rt$1" addr add "198.18.79.$3/24" dev e0 && ip -n "$P-rt$1" route replace default via 198.18.79.1
}
t_ident_routed() {
	local m=$OUT/rt engine
	rt_up || return 1
	rt_addr k "" 10 && rt_addr e "" 12 && rt_addr c1 "" 14 && rt_addr c2 "" 16 && rt_addr n "" 18 || return 1
	rt_nmbd
	for _ in $(seq 1 50); do grep -qs oldEngineID "$m/snmp/snmpd.conf" && break; sleep 0.1; done
	engine=$(sed -n 's/^oldEngineID 0x//p' "$m/snmp/snmpd.conf" | tr 'A-F' 'a-f')
	[ -n "$engine" ] || { echo "snmpd wrote no engine ID"; cat "$m/snmpd.log"; return 1; }
	local run=(ip netns exec "$P-rts" "$D" audit 198.18.79.10-19 -p 22,U:161,U:137 --db "$m/db" -q)
	"${run[@]}" >"$m/a.out" 2>&1 || { cat "$m/a.out"; return 1; }
	rt_addr k 10 11 && rt_addr e 12 13 && rt_addr c1 14 15 && rt_addr c2 16 17 && rt_addr n 18 19 || return 1
	rt_nmbd
	"${run[@]}" >"$m/b.out" 2>&1 || { cat "$m/b.out"; return 1; }
	"$D" report --db "$m/db" --format json >"$m/b.jsonl" || return 1
	"$D" diff --db "$m/db" --format json >"$m/diff.jsonl" || return 1
	python3 - "$m/b.jsonl" "$m/diff.jsonl" "$(ssh-keygen -lf "$m/k.key.pub" | cut -d' ' -f2)" "$engine" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
key, engine = sys.argv[3], sys.argv[4]
ev = {r["ip"]: r["evidence"] for r in recs if r["type"] == "finding" and r["rule"] == "asset-readdressed"}
moved = sorted((e["old_ip"], ip, e["matched_by"]) for ip, e in ev.items())
assert moved == [("198.18.79.10", "198.18.79.11", "ssh"), ("198.18.79.12", "198.18.79.13", "snmp"),
                 ("198.18.79.18", "198.18.79.19", "hostname")], moved
n = ev["198.18.79.19"]
assert n["now"]["hostname"] == "labpc-7" and n["now"]["hostname_from"] == "netbios" and "mac" not in n["now"], n
k, e = ev["198.18.79.11"], ev["198.18.79.13"]
assert k["before"]["ssh_host_key"] == key == k["now"]["ssh_host_key"] and "mac" not in k["now"], k
assert e["before"]["snmp_engine_id"] == engine == e["now"]["snmp_engine_id"] and "mac" not in e["now"], e
ch = sorted((r["change"], r["ip"]) for r in (json.loads(l) for l in open(sys.argv[2]))
            if r["type"] == "change" and r["change"] in ("host-gone", "host-new"))
assert ch == [("host-gone", "198.18.79.14"), ("host-gone", "198.18.79.16"),
              ("host-new", "198.18.79.15"), ("host-new", "198.18.79.17")], ch
print("moved:", moved, "gone/new:", ch)
PY
	local r=$?
	rt_down
	return $r
}
check ident_routed_device_followed_by_ssh_key_and_engine_id t_ident_routed

# issue 22: hosts followed by the names the network gives them. On one
# link with the scanner (.1): m runs Debian's avahi-daemon (mDNS name
# annas-mbp), p has a PTR name nas-7.lab.example and g one made of its
# address, in a lab unbound (d, .53) that holds the records of both
# addresses of each. All three have randomised MACs that change with the
# address (no key): m and p are reported as moved, g is gone and new.
nm_up() {
	local s=$P-nms w=$P-nmsw d n=$OUT/nm
	nm_down
	mkdir -p "$n"
	ip netns add "$w" && ip -n "$w" link add br0 type bridge && ip -n "$w" link set br0 up || return 1
	ip netns add "$s" && ip -n "$s" link set lo up || return 1
	ip link add s0 netns "$s" address 02:00:5e:00:76:01 type veth peer name p-s netns "$w" || return 1
	ip -n "$w" link set p-s master br0 up && ip -n "$s" addr add 198.18.76.1/24 dev s0 &&
		ip -n "$s" link set s0 up || return 1
	for d in $NM_DEVS; do
		ip netns add "$P-nm$d" && ip -n "$P-nm$d" link set lo up || return 1
		ip link add e0 netns "$P-nm$d" type veth peer name "p-$d" netns "$w" || return 1
		ip -n "$w" link set "p-$d" master br0 up && ip -n "$P-nm$d" link set e0 up || return 1
	done
	ip -n "$P-nmd" addr add 198.18.76.53/24 dev e0 || return 1
	# unbound answers the lab's reverse zone from its own records and
	# refuses everything else (it never asks a server outside)
	{
		printf 'server:\n  interface: 198.18.76.53\n  port: 53\n  do-daemonize: no\n  username: ""\n'
		printf '  chroot: ""\n  directory: "%s"\n  pidfile: "%s/unbound.pid.d"\n  use-syslog: no\n' "$n" "$n"
		printf '  do-ip6: no\n  access-control: 198.18.76.0/24 allow\n  module-config: "iterator"\n'
		printf '  local-zone: "." refuse\n  local-zone: "76.18.198.in-addr.arpa." static\n'
		printf '  local-data-ptr: "198.18.76.%s"\n' "10 nas-7.lab.example" "11 nas-7.lab.example" \
			"20 198-18-76-20.dyn.lab.example" "21 198-18-76-21.dyn.lab.example"
		printf 'remote-control:\n  control-enable: no\n'
	} >"$n/unbound.conf"
	setsid ip netns exec "$P-nmd" unbound -d -c "$n/unbound.conf" >"$n/unbound.log" 2>&1 </dev/null &
	echo $! >"$n/unbound.pid"
	printf '[server]\nhost-name=annas-mbp\ndomain-name=local\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=e0\n' >"$n/avahi.conf"
	printf 'enable-dbus=no\n[publish]\npublish-addresses=yes\npublish-hinfo=no\npublish-workstation=no\n' >>"$n/avahi.conf"
	# a mount namespace of its own: avahi keeps its pid file in /run/avahi-daemon
	setsid ip netns exec "$P-nmm" unshare -m sh -c 'mkdir -p /run/avahi-daemon &&
		mount -t tmpfs none /run/avahi-daemon && exec avahi-daemon -f "$1" --no-drop-root --no-chroot --no-rlimits' \
		sh "$n/avahi.conf" >"$n/avahi.log" 2>&1 </dev/null &
	echo $! >"$n/avahi.pid"
}
nm_addr() { # device old new mac: moves the device, with a new randomised MAC (old "": first address)
	[ -z "$2" ] || ip -n "$P-nm$1" addr del "198.18.76.$2/24" dev e0 || return 1
	ip -n "$P-nm$1" link set e0 down && ip -n "$P-nm$1" link set e0 address "$4" &&
		ip -n "$P-nm$1" link set e0 up && ip -n "$P-nm$1" addr add "198.18.76.$3/24" dev e0
}
nm_ask() { # ip port: waits (10 s at most) until the responder at ip:5353, or unbound, answers a PTR query for ip
	ip netns exec "$P-nms" python3 - "$1" "$2" <<'PY'
import socket, struct, sys, time
ip, port = sys.argv[1], int(sys.argv[2])
labels = list(reversed(ip.split("."))) + ["in-addr", "arpa"]
q = b"".join(bytes([len(l)]) + l.encode() for l in labels) + b"\0\0\x0c\0\x01"
msg = struct.pack(">HHHHHH", 7, 0, 1, 0, 0, 0) + q
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
for _ in range(20):
    s.sendto(msg, (ip if port == 5353 else "198.18.76.53", port))
    try:
        if s.recv(1500)[7]:
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.5)
sys.exit(1)
PY
}
t_ident_names() {
	local n=$OUT/nm
	nm_up || return 1
	nm_addr m "" 30 da:a1:19:76:01:01 && nm_addr p "" 10 da:a1:19:76:01:02 &&
		nm_addr g "" 20 da:a1:19:76:01:03 || return 1
	nm_ask 198.18.76.30 5353 || { echo "avahi does not answer"; cat "$n/avahi.log"; return 1; }
	nm_ask 198.18.76.10 53 || { echo "unbound does not answer"; cat "$n/unbound.log"; return 1; }
	printf '[site]\ndns = 198.18.76.53\n' >"$n/site.conf"
	local run=(ip netns exec "$P-nms" "$D" audit 198.18.76.10-39 -p 22 --config "$n/site.conf" --db "$n/db")
	"${run[@]}" >"$n/a.out" 2>&1 || { cat "$n/a.out"; return 1; }
	grep -q "host names: 2 by reverse DNS, 1 by mDNS" "$n/a.out" || { grep names "$n/a.out"; return 1; }
	nm_addr m 30 31 da:a1:19:76:02:01 && nm_addr p 10 11 da:a1:19:76:02:02 &&
		nm_addr g 20 21 da:a1:19:76:02:03 || return 1
	ip -n "$P-nms" neigh flush all
	nm_ask 198.18.76.31 5353 || { echo "avahi does not answer at its new address"; cat "$n/avahi.log"; return 1; }
	"${run[@]}" >"$n/b.out" 2>&1 || { cat "$n/b.out"; return 1; }
	"$D" report --db "$n/db" --format json >"$n/b.jsonl" || return 1
	"$D" diff --db "$n/db" --format json >"$n/diff.jsonl" || return 1
	python3 - "$n/b.jsonl" "$n/diff.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ev = {r["ip"]: r["evidence"] for r in recs if r["type"] == "finding" and r["rule"] == "asset-readdressed"}
moved = sorted((e["old_ip"], ip, e["matched_by"]) for ip, e in ev.items())
assert moved == [("198.18.76.10", "198.18.76.11", "ptr"), ("198.18.76.30", "198.18.76.31", "mdns")], moved
m, p = ev["198.18.76.31"], ev["198.18.76.11"]
assert m["before"]["mdns_name"] == m["now"]["mdns_name"] == "annas-mbp" and m["mac_randomised"], m
assert m["now"]["mac"] != m["before"]["mac"], m
assert p["before"]["ptr_name"] == p["now"]["ptr_name"] == "nas-7.lab.example", p
ch = sorted((r["change"], r["ip"]) for r in (json.loads(l) for l in open(sys.argv[2]))
            if r["type"] == "change" and r["change"] in ("host-gone", "host-new"))
assert ch == [("host-gone", "198.18.76.20"), ("host-new", "198.18.76.21")], ch
print("moved:", moved, "gone/new:", ch)
PY
	local r=$?
	nm_down
	return $r
}
check ident_moved_hosts_followed_by_mdns_and_ptr_names t_ident_names

# issue 21: a watcher's host and port events with real hosts on a bridge of
# their own. A scan job runs every second over three hosts (wh1-3: .11-.13)
# while they change: 2 goes silent (link down), 3 appears with a listener,
# 1's port 8080 opens and closes, 3 drops off for a few seconds (silent,
# and back without a host event: shorter than the usage window), and 2
# comes back after the window (woke). The jsonl channel must hold each
# change exactly once.
wh_up() {
	local s=$P-whs w=$P-whsw d
	wh_down
	ip netns add "$w" && ip -n "$w" link add br0 type bridge && ip -n "$w" link set br0 up || return 1
	ip netns add "$s" && ip -n "$s" link set lo up || return 1
	ip link add s0 netns "$s" address 02:00:5e:00:78:01 type veth peer name p-s netns "$w" || return 1
	ip -n "$w" link set p-s master br0 up && ip -n "$s" addr add 198.18.78.1/24 dev s0 &&
		ip -n "$s" link set s0 up || return 1
	for d in $WH_DEVS; do
		ip netns add "$P-wh$d" && ip -n "$P-wh$d" link set lo up || return 1
		ip link add e0 netns "$P-wh$d" address "02:00:5e:00:78:1$d" type veth peer name "p-$d" netns "$w" || return 1
		ip -n "$w" link set "p-$d" master br0 up && ip -n "$P-wh$d" addr add "198.18.78.1$d/24" dev e0 || return 1
	done
}
wh_listen() { # device port: a TCP listener in the device's namespace until killed; its pid in LPID
	ip netns exec "$P-wh$1" /usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(8); time.sleep(120)' "$2" &
	LPID=$!
	for _ in $(seq 1 50); do # listening before the caller counts runs
		[ -n "$(ip netns exec "$P-wh$1" ss -Hltn "sport = :$2")" ] && return 0
		sleep 0.1
	done
	return 1
}
wh_link() { ip -n "$P-wh$1" link set e0 "$2"; } # device up|down
wh_runs() { grep -c "job hosts: $2" "$1" 2>/dev/null; } # log done|started
wh_wait_run() { # log: until a run that began after now is done (40 s at most; runs never overlap)
	local want=$(($(wh_runs "$1" started) + 1)) i
	for i in $(seq 1 400); do
		[ "$(wh_runs "$1" "done")" -ge "$want" ] && return 0
		sleep 0.1
	done
	echo "watch: fewer than $want runs done"
	tail -5 "$1"
	return 1
}
wh_steps() { # dir: the changes, each seen by whole runs of the job
	local t_b
	wh_wait_run "$1/log" || return 1 # the baseline: 1 up (80 open), 2 up
	wh_link 2 down && wh_link 3 up || return 1 # 2 silent, 3 new (80 open)
	t_b=$SECONDS
	wh_listen 1 8080 && echo $LPID >"$1/l8080" || return 1 # 8080 opens on 1
	wh_wait_run "$1/log" || return 1
	kill "$LPID" && wait "$LPID" 2>/dev/null # and closes
	wh_link 3 down || return 1 # 3 silent for a few seconds
	wh_wait_run "$1/log" || return 1
	wh_link 3 up || return 1 # back one run later, well before the window: no host event
	wh_wait_run "$1/log" || return 1
	while [ $((SECONDS - t_b)) -lt 23 ]; do sleep 0.2; done
	wh_link 2 up || return 1 # back after the window (21.6 s): woke
	wh_wait_run "$1/log"
}
t_watch_host_events() {
	local m=$OUT/watch-hosts l80 l3 wpid r=0 window=0.00025 # 21.6 s
	mkdir -p "$m"
	wh_up || return 1
	cat >"$m/watch.conf" <<CONF
[site]
name = lab
timezone = UTC
[usage]
window_days = $window
[watch]
db = $m/db
[job hosts]
every = 1s
run = scan 198.18.78.11-13 -p 80,8080 --wait 1s --retries 0 -q
[alert feed]
type = jsonl
path = $m/alerts.jsonl
events = host-new, host-silent, host-woke, port-opened, port-closed
CONF
	wh_listen 1 80 && l80=$LPID && wh_listen 3 80 && l3=$LPID || return 1
	wh_link 1 up && wh_link 2 up || return 1 # 3 is not there yet
	ip netns exec "$P-whs" "$D" watch --config "$m/watch.conf" >"$m/stdout" 2>"$m/log" &
	wpid=$!
	wh_steps "$m" || r=1
	for _ in $(seq 1 50); do grep -q host-woke "$m/alerts.jsonl" 2>/dev/null && break; sleep 0.1; done
	kill -TERM $wpid
	wait $wpid || { echo "watch exit $?"; r=1; }
	kill $l80 $l3 "$(cat "$m/l8080" 2>/dev/null)" 2>/dev/null
	wh_down
	[ $r = 0 ] || { tail -20 "$m/log"; return 1; }
	python3 - "$m/alerts.jsonl" <<'PY' || { cat "$m/log"; return 1; }
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = collections.Counter((r["event"], r["change"]["ip"], r["change"].get("port") or 0) for r in rows)
want = collections.Counter([
    ("host-silent", "198.18.78.12", 0), ("host-new", "198.18.78.13", 0), ("port-opened", "198.18.78.13", 80),
    ("port-opened", "198.18.78.11", 8080), ("port-closed", "198.18.78.11", 8080),
    ("host-silent", "198.18.78.13", 0), ("port-closed", "198.18.78.13", 80),
    ("port-opened", "198.18.78.13", 80),  # back after a short silence: its port, no host event
    ("host-woke", "198.18.78.12", 0),
])
assert got == want, (sorted(got.items()), sorted(want.items()))
keys = [r["idempotency_key"] for r in rows]
assert len(set(keys)) == len(keys), keys
assert all(r["channel"] == "feed" and r["change"]["site"] == "lab" for r in rows), rows
# each 3 change in the order the link went: new, silent, back
seq = [r["event"] for r in rows if r["change"]["ip"] == "198.18.78.13" and not r["change"].get("port")]
assert seq == ["host-new", "host-silent"], seq
print(len(rows), "alerts:", sorted(got))
PY
}
check watch_host_events_exact t_watch_host_events

echo "lab: $pass passed, $fail failed"
[ "$fail" = 0 ]

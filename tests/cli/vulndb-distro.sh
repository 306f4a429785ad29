# shellcheck shell=bash
# The distributions' security data (tests/data/fixtures/distro: Debian's
# tracker JSON, Ubuntu's CVE JSON, Red Hat's CSAF VEX written from their
# published records): import by content, stats, banners judged by the
# build's revision and release, --explain, bad records, the scored banner
# lists, and a scan of loopback listeners announcing a patched and an
# older Debian build. Sourced by test-cli.sh (check, $D, $OUT, $ROOT);
# loopback ports 24300-24399 only.
DDB="$OUT/distro.db"
DFIX=$ROOT/tests/data/fixtures
dmatch() { "$D" vulndb match --db "$DDB" "$@"; }
t_distro_import() {
	"$D" vulndb import --db "$DDB" "$DFIX/nvd" "$DFIX/kev" "$DFIX/distro" 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
	grep -q 'debian-tracker.json: debian security data, 28 verdicts' "$OUT/e" &&
		grep -q 'ubuntu-cves.json: ubuntu security data, 18 verdicts' "$OUT/e" &&
		grep -q 'redhat-cve-2024-6387.json: redhat security data, 5 verdicts' "$OUT/e" || { cat "$OUT/e"; return 1; }
	"$D" vulndb stats --db "$DDB" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
d = s["distributions"]
assert d["debian"] == {"releases": 4, "packages": 4, "verdicts": 28}, d
assert d["ubuntu"]["verdicts"] == 18 and d["rhel"] == {"releases": 4, "packages": 2, "verdicts": 5}, d
assert sorted(s["feeds"]) == ["debian", "kev", "nvd", "redhat", "ubuntu"], s["feeds"]' || return 1
	"$D" vulndb stats --db "$DDB" | grep -q '^rhel *newest record 2024-07-09'
}
check vulndb_distro_import_by_content t_distro_import
t_distro_patched() { # the lab's sshd: everything Debian fixed in its revision is not reported
	dmatch "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10" >"$OUT/m" || return 1
	grep -q ': 0 CVEs$' "$OUT/m" && grep -q 'debian bookworm openssh 1:9.2p1-2+deb12u10 (release from the build' "$OUT/m" || { cat "$OUT/m"; return 1; }
	dmatch --explain "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10" >"$OUT/m" || return 1
	grep -q 'not reported: fixed by the distribution in 1:9.2p1-2+deb12u3 (debian bookworm; this build is 1:9.2p1-2+deb12u10)' "$OUT/m" &&
		[ "$(grep -c 'not reported: fixed by the distribution' "$OUT/m")" = 3 ] || { cat "$OUT/m"; return 1; }
	# without the distribution's data the same banner stays low confidence, as before
	"$D" vulndb import -q --db "$OUT/nodistro.db" "$DFIX/nvd" || return 1
	"$D" vulndb match --db "$OUT/nodistro.db" "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10" | grep -q 'CVE-2024-6387 .* low'
}
check vulndb_distro_patched_build_not_reported t_distro_patched
t_distro_from() { # --from (matched ahead, grouped by product): each build printed as matching completed it (release inferred), as one query alone
	local q=("OpenSSH 8.7p1-29.el9_2" "SSH-2.0-OpenSSH_9.2p1 Debian-2" "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10" "OpenSSH 8.7p1-34.el9" "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2" "OpenSSH 9.2p1")
	: >"$OUT/one.json"
	for x in "${q[@]}"; do dmatch --json --explain "$x" >>"$OUT/one.json" || return 1; done
	printf '%s\n' "${q[@]}" >"$OUT/list.txt"
	grep -q '"release_from":"debian.s data (only bookworm' "$OUT/one.json" || { cat "$OUT/one.json"; return 1; }
	dmatch --json --explain --from "$OUT/list.txt" | cmp "$OUT/one.json" -
}
check vulndb_distro_from_list_as_each_alone t_distro_from
t_distro_older() { # an older revision: regreSSHion open (high), the two fixed in u1 and u2 not reported
	dmatch --json --explain "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert [(c["id"], c["confidence"]) for c in r["cves"]] == [("CVE-2024-6387", "high")], r["cves"]
assert r["cves"][0]["fixed"] == "1:9.2p1-2+deb12u3" and "open in this build" in r["cves"][0]["why"], r["cves"][0]
assert sorted(c["id"] for c in r["not_reported"]) == ["CVE-2023-38408", "CVE-2023-48795"], r["not_reported"]
assert r["distribution"] == {"name": "debian", "release": "bookworm", "package": "openssh", "upstream": "9.2p1", "revision": "2+deb12u2", "release_from": "the build" + chr(39) + "s revision 2+deb12u2"}, r'
}
check vulndb_distro_older_revision_high t_distro_older
t_distro_ubuntu_rhel() {
	dmatch "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10" >"$OUT/m" && grep -q ': 0 CVEs$' "$OUT/m" &&
		grep -q "ubuntu jammy openssh 1:8.9p1-3ubuntu0.10 (release from ubuntu's data (only jammy has openssh 8.9p1))" "$OUT/m" ||
		{ cat "$OUT/m"; return 1; }
	dmatch "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.4" >"$OUT/m" && grep -q ': 2 CVEs$' "$OUT/m" &&
		grep -q 'CVE-2023-48795 .* high .*fixed in 1:8.9p1-3ubuntu0.5' "$OUT/m" || { cat "$OUT/m"; return 1; }
	dmatch "OpenSSH 8.7p1-38.el9_4.1" | grep -q 'CVE-2024-6387' && { echo "RHEL fix reported"; return 1; }
	dmatch "OpenSSH 8.7p1-34.el9" | grep -q 'CVE-2024-6387 .* high .*fixed in 0:8.7p1-38.el9_4.1'
}
check vulndb_distro_ubuntu_and_rhel_builds t_distro_ubuntu_rhel
t_distro_rhel_eus() { # Red Hat's 9.2 EUS stream fixed regreSSHion in an older build than the main stream
	# on the main stream (the default for a .el9 build) 30.el9_2.4 predates the fix; on 9.2 EUS it is the fix
	dmatch "OpenSSH 8.7p1-30.el9_2.4" | grep -q 'CVE-2024-6387 .* high .*fixed in 0:8.7p1-38.el9_4.1' || return 1
	dmatch --release 9.2-eus --json --explain "OpenSSH 8.7p1-30.el9_2.4" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert "CVE-2024-6387" not in [c["id"] for c in r["cves"]] and r["distribution"]["release"] == "9.2-eus", r
assert r["distribution"]["release_from"] == "--release", r
nr = [c for c in r["not_reported"] if c["id"] == "CVE-2024-6387"][0]
assert "fixed by the distribution in 0:8.7p1-30.el9_2.4 (rhel 9.2-eus" in nr["why"], nr' || return 1
	dmatch --release 9.2-eus "OpenSSH 8.7p1-29.el9_2" | grep -q 'CVE-2024-6387 .* high .*fixed in 0:8.7p1-30.el9_2.4' || return 1
	# a stream of another major release, an unknown kind, and a stream dormant has no data for
	dmatch --release 8.6-eus "OpenSSH 8.7p1-30.el9_2.4" 2>"$OUT/e"
	[ $? = 2 ] && grep -q -- "--release 8.6-eus: the build is of release 9" "$OUT/e" || { cat "$OUT/e"; return 1; }
	dmatch --release 9.2-xyz "OpenSSH 8.7p1-30.el9_2.4" 2>"$OUT/e"
	[ $? = 2 ] && grep -q -- "--release 9.2-xyz: not a release of the banner's distribution" "$OUT/e" || { cat "$OUT/e"; return 1; }
	dmatch --release 9.4-aus --explain "OpenSSH 8.7p1-30.el9_2.4" | grep -q 'rhel 9.4-aus: no data for this package and release'
}
check vulndb_distro_rhel_extended_streams_apart t_distro_rhel_eus
t_distro_release_hint() {
	dmatch "Apache/2.4.49 (Debian)" | grep -q 'CVE-2021-41773 .* low' || return 1
	dmatch --release bookworm "Apache/2.4.49 (Debian)" | grep -q 'CVE-2021-41773 .* high .*fixed in 2.4.50-1' || return 1
	dmatch --release bookworm --explain "Apache/2.4.62 (Debian)" >"$OUT/m" && grep -q ': 0 CVEs$' "$OUT/m" || return 1
	dmatch --release 12 "nginx 1.18.0" | grep -q 'debian bookworm nginx 1.18.0 (release from --release)' || return 1
	dmatch --release jammy "Apache/2.4.49 (Debian)" 2>"$OUT/e"
	[ $? = 2 ] && grep -q -- "--release jammy: not a release of the banner's distribution" "$OUT/e" || return 1
	dmatch --release narnia "nginx 1.18.0" 2>"$OUT/e"
	[ $? = 2 ] && grep -q -- "--release narnia: not a release dormant knows" "$OUT/e"
}
check vulndb_distro_release_hint t_distro_release_hint
dbad() { # name expected-message content: exit 2, one line, nothing imported
	printf '%s' "$3" >"$OUT/$1"
	local before after
	before=$("$D" vulndb stats --db "$DDB" --json)
	"$D" vulndb import --db "$DDB" "$OUT/$1" 2>"$OUT/e"
	local r=$?
	after=$("$D" vulndb stats --db "$DDB" --json)
	[ $r = 2 ] && [ "$(wc -l <"$OUT/e")" = 1 ] && grep -q -- "$2" "$OUT/e" && [ "$before" = "$after" ] ||
		{ echo "exit $r: $(cat "$OUT/e")"; return 1; }
}
t_distro_bad() {
	local ok='"CVE-2030-1": {"releases": {"bookworm": {"status": "open"}}}'
	dbad deb.json 'deb.json: byte [0-9]*: package b, CVE-2030-2: a release that is not a name and an object' \
		"{\"a\": {$ok}, \"b\": {\"CVE-2030-2\": {\"releases\": {\"book worm\": {}}}}}" || return 1
	dbad debtrunc.json 'debtrunc.json: byte [0-9]*: JSON ends inside a value' "{\"a\": {$ok}, \"b\": {\"CVE-" || return 1
	dbad ubu.json 'ubu.json: byte [0-9]*: CVE-2030-1: openssh in jammy: no status' \
		'{"cves": [{"id": "CVE-2030-1", "packages": [{"name": "openssh", "statuses": [{"release_codename": "jammy"}]}]}]}' || return 1
	dbad vex.json 'vex.json: byte [0-9]*: a VEX vulnerability needs a cve and a product_status' \
		'{"document": {"csaf_version": "2.0"}, "vulnerabilities": [{"cve": "CVE-2030-1", "product_status": 7}]}'
}
check vulndb_distro_bad_records_named t_distro_bad
t_distro_scored() { # the banner lists scored: tuning all right, held-out as measured
	"$ROOT/tests/data/distro/measure.sh" "$D" "$DDB" "$ROOT/tests/data/distro/tuning.txt" >"$OUT/tun" || return 1
	grep -q '^distro: 16 of 16 right$' "$OUT/tun" || { cat "$OUT/tun"; return 1; }
	"$ROOT/tests/data/distro/measure.sh" "$D" "$DDB" "$ROOT/tests/data/distro/heldout.txt" >"$OUT/held" || return 1
	grep -q '^distro: 2[5-7] of 27 right$' "$OUT/held" || { cat "$OUT/held"; return 1; }
}
check vulndb_distro_banner_lists_scored t_distro_scored
banner_listener() { # PORT TEXT: greets every connection with TEXT, as an SSH server's first line
	python3 -c 'import socket, sys, threading, time
def greet(c):
    try:
        c.sendall(sys.argv[2].encode() + b"\r\n")
        time.sleep(2)
    except OSError:
        pass  # the port scan connection, reset at once
    c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
while True:
    threading.Thread(target=greet, args=(s.accept()[0],), daemon=True).start()' "$1" "$2" &
}
wait_listen() { # PORT: until something listens on 127.0.0.1:PORT (python may start slowly on a busy machine)
	local i
	for i in $(seq 100); do ss -ltn | grep -q "127.0.0.1:$1 " && return 0; sleep 0.1; done
	return 1
}
t_distro_scan() { # two loopback listeners: the patched build has no finding, the older one regreSSHion at high
	local pids=()
	banner_listener 24301 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2'
	pids+=($!)
	banner_listener 24302 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10'
	pids+=($!)
	wait_listen 24301 && wait_listen 24302 || { kill "${pids[@]}"; return 1; }
	"$D" scan 127.0.0.1 -p 24301,24302 -sV --db "$DDB" -oJ "$OUT/ds.jsonl" -q
	local r=$?
	kill "${pids[@]}" 2>/dev/null
	[ $r = 0 ] || return 1
	python3 - "$OUT/ds.jsonl" <<'PY'
import json, sys
rs = list(map(json.loads, open(sys.argv[1])))
svc = sorted((r["port"], r.get("version", "")) for r in rs if r["type"] == "service")
assert len(svc) == 2, svc
fs = [r for r in rs if r["type"] == "finding" and r["rule"] == "vulnerable-service"]
assert [f["port"] for f in fs] == [24301], [(f["port"], f["title"]) for f in fs]
f = fs[0]
assert f["confidence"] == "high" and [c["id"] for c in f["evidence"]["cves"]] == ["CVE-2024-6387"], f
assert f["evidence"]["distribution"]["release"] == "bookworm", f
assert "Install debian's security updates" in f["remediation"], f
PY
}
check vulndb_distro_scan_patched_and_older t_distro_scan

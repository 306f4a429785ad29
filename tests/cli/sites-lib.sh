# Sites in one store, for both backends: sourced by tests/cli/test-cli.sh
# (SQLite) and tests/pg/test-pg.sh (PostgreSQL). Needs $D, and a TCP
# listener on 127.0.0.1 at each of the two ports given. Each function takes
# the store (a path or a postgresql:// URI, empty) and a work folder.

# Two sites scan and audit the same 127.0.0.1: two assets, two registers,
# findings and reports kept apart, and --all-sites ranks both together.
sites_two_sites() { # DB DIR PORT_A PORT_B
	local db=$1 w=$2 pa=$3 pb=$4
	mkdir -p "$w"
	"$D" scan 127.0.0.1 -p "$pa" -q --site lab-a --db "$db" >/dev/null || return 1
	"$D" scan 127.0.0.1 -p "$pb" -q --site lab-b --db "$db" >/dev/null || return 1
	# each site's report is its own run: lab-a saw only pa open, lab-b only pb
	"$D" report --site lab-a --db "$db" --format json >"$w/a.jsonl" || return 1
	"$D" report --site lab-b --db "$db" --format json >"$w/b.jsonl" || return 1
	grep -q "\"port\":$pa,\"proto\":\"tcp\",\"state\":\"open\"" "$w/a.jsonl" &&
		! grep -q "\"port\":$pb," "$w/a.jsonl" &&
		grep -q "\"port\":$pb,\"proto\":\"tcp\",\"state\":\"open\"" "$w/b.jsonl" &&
		! grep -q "\"port\":$pa," "$w/b.jsonl" || { echo "reports not apart"; return 1; }
	# --list shows the site column, and --site keeps to it
	"$D" report --list --db "$db" --site lab-b >"$w/list" || return 1
	cat "$w/list"
	[ "$(grep -c ' lab-b ' "$w/list")" = 1 ] && ! grep -q ' lab-a ' "$w/list" || return 1
	"$D" report --site nowhere --db "$db" 2>"$w/e" >/dev/null
	grep -q 'holds no runs of site nowhere' "$w/e" || { cat "$w/e"; return 1; }
	# registers per site: 127.0.0.1 is decommissioned at lab-a, active at lab-b
	printf 'ip,status,hostname\n127.0.0.1,decommissioned,old-box\n' >"$w/decom.csv"
	printf 'ip,status,hostname\n127.0.0.1,active,new-box\n' >"$w/active.csv"
	"$D" inventory import "$w/decom.csv" --site lab-a --db "$db" -q || return 1
	"$D" inventory import "$w/active.csv" --site lab-b --db "$db" -q || return 1
	"$D" inventory list --site lab-a --db "$db" --json | grep -q '"status":"decommissioned"' || return 1
	"$D" inventory list --site lab-b --db "$db" --json | grep -q '"status":"active"' || return 1
	# the site comes from the config's [site] name when no --site is given
	printf '[site]\nname = lab-a\n' >"$w/a.conf"
	"$D" audit 127.0.0.1 -p "$pa" --no-vulns -q --config "$w/a.conf" --db "$db" >/dev/null || return 1
	"$D" audit 127.0.0.1 -p "$pb" --no-vulns -q --site lab-b --db "$db" >/dev/null || return 1
	"$D" findings list --site lab-a --db "$db" --json >"$w/fa" || return 1
	"$D" findings list --site lab-b --db "$db" --json >"$w/fb" || return 1
	grep -q '"rule":"decommissioned-alive".*"site":"lab-a"' "$w/fa" && ! grep -q decommissioned "$w/fb" ||
		{ cat "$w/fa" "$w/fb"; return 1; }
	# all sites at once: the column says whose, lab-a's finding ranks first
	"$D" findings list --db "$db" | grep -qE '^F[0-9]+ +new +[a-z]+ +decommissioned-alive +127.0.0.1 +lab-a ' || return 1
	"$D" report --all-sites --db "$db" --format json >"$w/all.jsonl" || return 1
	cat "$w/all.jsonl"
	python3 - "$w/all.jsonl" "$pa" "$pb" <<'PY' || return 1
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
sites = {x["site"]: x for x in r if x["type"] == "site"}
assets = [x for x in r if x["type"] == "asset"]
assert set(sites) == {"lab-a", "lab-b"} and all(s["command"] == "audit" for s in sites.values()), sites
# the same address at two sites: two assets
assert [(a["site"], a["ip"]) for a in assets] == [("lab-a", "127.0.0.1"), ("lab-b", "127.0.0.1")], assets
assert assets[0]["risk"] > assets[1]["risk"] and assets[0]["worst"] in ("high", "critical"), assets
PY
	"$D" report --all-sites --db "$db" | grep -qE '^[0-9.]+ +lab-a +127.0.0.1 ' || return 1
	# an audit compares with its own site's last run, not the other site's
	"$D" report --site lab-b --db "$db" | grep -q 'first audit in this database' || return 1
	# a site name that is not one: one line, exit 2
	"$D" scan 127.0.0.1 -p "$pa" --site 'a b' --db "$db" >/dev/null 2>"$w/e"
	[ $? = 2 ] && [ "$(wc -l <"$w/e")" = 1 ] && grep -q -- '--site "a b"' "$w/e"
}

# Three sensors scan the shards of one seeded order into run group g1 at
# once: its report is the union of the shards and equals one unsharded
# scan of the same listeners; a group missing a shard says which.
sites_run_group() { # DB DIR PORT_BASE
	local db=$1 w=$2 p=$3 pids="" a i r=0
	mkdir -p "$w"
	for a in 127.0.0.2:$p 127.0.0.3:$((p + 1)) 127.0.0.5:$p 127.0.0.6:$((p + 2)) 127.0.0.6:$((p + 3)); do
		socat TCP-LISTEN:"${a#*:}",bind="${a%:*}",fork,reuseaddr SYSTEM:true 2>/dev/null &
		pids="$pids $!"
	done
	sleep 0.5
	sites_run_group_checks "$db" "$w" "$p" || r=1
	kill $pids
	return $r
}
sites_run_group_checks() {
	local db=$1 w=$2 p=$3 scans="" i
	local args=(127.0.0.2-9 -p "$p-$((p + 3))" -Pn -q --db "$db")
	for i in 1 2 3; do
		"$D" scan "${args[@]}" --seed 11 --shard "$i/3" --run-group g1 --sensor "sensor-$i" >/dev/null &
		scans="$scans $!"
	done
	for i in $scans; do wait "$i" || return 1; done
	"$D" scan "${args[@]}" >/dev/null || return 1
	"$D" report --list --format json --db "$db" | tail -1 >"$w/whole.run" || return 1
	"$D" report --run "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["run"])' <"$w/whole.run")" \
		--format json --db "$db" >"$w/whole.jsonl" || return 1
	"$D" report --run-group g1 --format json --db "$db" >"$w/group.jsonl" 2>"$w/group.err" || return 1
	python3 - "$w/whole.jsonl" "$w/group.jsonl" <<'PY' || return 1
import json, sys
def open_ports(f):
    return sorted((r["ip"], r["port"]) for r in map(json.loads, open(f)) if r["type"] == "port" and r["state"] == "open")
whole, group = open_ports(sys.argv[1]), open_ports(sys.argv[2])
print("whole", whole, "group", group)
assert len(whole) == 5 and group == whole, (whole, group)
run = [r for r in map(json.loads, open(sys.argv[2])) if r["type"] == "run"][0]
assert not [c for c in run["caveats"] if c["code"] == "shards-missing"], run
PY
	grep -q 'run group g1: all 3 shards reported' "$w/group.err" || return 1
	"$D" sensors --db "$db" | grep -qE '^g1 +default +3 +3 complete +- +3 ' || return 1
	# two of three shards: incomplete, shard 3 named as missing
	for i in 1 2; do
		"$D" scan "${args[@]}" --seed 12 --shard "$i/3" --run-group g2 >/dev/null || return 1
	done
	"$D" report --run-group g2 --db "$db" >"$w/g2.txt" || return 1
	grep -q 'run group g2 is incomplete: 2 of 3 shards reported; missing shard 3$' "$w/g2.txt" || { cat "$w/g2.txt"; return 1; }
	"$D" sensors --json --db "$db" | grep -q '^{"type":"run_group","id":"g2","site":"default","shards":3,"reported":2,"complete":false,"missing":\[3\],"runs":2,' ||
		return 1
	"$D" report --run-group nope --db "$db" 2>"$w/e" >/dev/null
	[ $? = 2 ] && grep -q -- '--run-group nope: no finished run of that group' "$w/e" || return 1
	# the shards must draw one order: --seed is required
	"$D" scan "${args[@]}" --shard 1/3 --run-group g3 2>"$w/e" >/dev/null
	[ $? = 2 ] && [ "$(wc -l <"$w/e")" = 1 ] && grep -q -- '--run-group needs --seed N' "$w/e"
}

# diff, import and exposure keep to a site: diff compares one site's runs
# (the newest two of --site's, never one of each), import stores its runs at
# --site, and the exposure listing joins with --site's register.
sites_other_commands() { # DB DIR PORT (a TCP listener on 127.0.0.1)
	local db=$1 w=$2 p=$3
	mkdir -p "$w"
	"$D" scan 127.0.0.1 -p "$p" -q --site lab-a --db "$db" >/dev/null || return 1
	"$D" scan 127.0.0.1 -p "$p,$((p + 1))" -q --site lab-a --db "$db" >/dev/null || return 1
	"$D" scan 127.0.0.1 -p "$p" -q --site lab-b --db "$db" >/dev/null || return 1
	"$D" report --list --format json --db "$db" >"$w/runs" || return 1
	local a1 a2 b1
	read -r a1 a2 b1 <<<"$(python3 -c 'import json,sys; print(*[r["run"] for r in map(json.loads, sys.stdin)])' <"$w/runs")"
	# the newest run is lab-b's only one: nothing to compare; lab-a's two compare
	"$D" diff --db "$db" 2>"$w/e" >/dev/null
	[ $? != 0 ] && grep -q "no finished run before run $b1" "$w/e" || { cat "$w/e"; return 1; }
	"$D" diff --site lab-a --format json --db "$db" >"$w/d" || return 1
	grep -q "\"run_a\":$a1,\"run_b\":$a2," "$w/d" || { cat "$w/d"; return 1; }
	"$D" diff "$a1" "$b1" --db "$db" 2>"$w/e" >/dev/null
	[ $? = 2 ] && grep -q "run $b1 is of site lab-b, not lab-a: a diff compares one site's runs" "$w/e" || { cat "$w/e"; return 1; }
	"$D" diff --site lab-b "$a1" "$a2" --db "$db" 2>"$w/e" >/dev/null
	[ $? = 2 ] && grep -q "run $a1 is of site lab-a, not lab-b" "$w/e" || { cat "$w/e"; return 1; }
	"$D" diff --site nowhere --db "$db" 2>"$w/e" >/dev/null
	[ $? != 0 ] && grep -q "no finished scan, audit, creds or imported run of site nowhere" "$w/e" || { cat "$w/e"; return 1; }
	# an import is a run of its site
	"$D" import --site lab-c -q --db "$db" "$ROOT/tests/data/import/nmap-loopback.xml" >/dev/null || return 1
	"$D" report --list --site lab-c --db "$db" | grep -qE '^[0-9]+ .* nmap +done .* lab-c +import ' || return 1
	"$D" report --list --site lab-a --db "$db" | grep -q ' nmap ' && return 1
	# the exposure listing joins with the site's register and inside run
	printf 'ip,hostname,role,public_ip\n127.0.0.1,edge-web,server,203.0.113.10\n' >"$w/reg.csv"
	"$D" inventory import -q --site lab-a --db "$db" "$w/reg.csv" || return 1
	echo '{"ip_str": "203.0.113.10", "port": '"$p"', "transport": "tcp", "product": "nginx", "version": "1.18.0", "timestamp": "2026-11-02T08:00:00.000000", "data": ""}' >"$w/shodan.json"
	"$D" exposure import -q --db "$db" "$w/shodan.json" || return 1
	"$D" exposure --site lab-a --format json --db "$db" 2>/dev/null >"$w/xa"
	grep -q "\"asset\":{\"ip\":\"127.0.0.1\",\"name\":\"edge-web\".*\"inside\":{\"run\":$a2,\"port\":$p," "$w/xa" || { cat "$w/xa"; return 1; }
	"$D" exposure --site lab-b --format json --db "$db" 2>/dev/null >"$w/xb"
	[ $? = 1 ] && grep -q '"asset":null,"inside":null,"verdict":"unexplained"' "$w/xb" || { cat "$w/xb"; return 1; }
	"$D" exposure import --site lab-a -q --db "$db" "$w/shodan.json" 2>"$w/e"
	[ $? = 2 ] && grep -q -- '--site belongs to the listing' "$w/e"
}

# A secrets run at a site: stored with its findings (report and findings
# keep to the site); a later run resolves only what lies under the paths it
# read, so a file not read this time keeps its finding. No secret is kept.
sites_secrets() { # DB DIR
	local db=$1 c=$2
	mkdir -p "$c/a" "$c/b"
	printf 'machine a.example login bob password Hunter2-Site-a9\n' >"$c/a/.netrc"
	printf 'machine b.example login al password Zebra77-Site-b4\n' >"$c/b/.netrc"
	"$D" secrets --db "$db" --site lab "$c/a" "$c/b" -q >"$c/o1" || { cat "$c/o1"; return 1; }
	"$D" report --db "$db" --site lab >"$c/r1" || return 1
	grep -q "in:  $c/a/.netrc" "$c/r1" && grep -q "in:  $c/b/.netrc" "$c/r1" || { cat "$c/r1"; return 1; }
	"$D" report --db "$db" --site other >"$c/r2" 2>&1
	[ $? = 2 ] && grep -q 'no runs of site other' "$c/r2" || { cat "$c/r2"; return 1; }
	"$D" findings --db "$db" list --site lab >"$c/f1" || return 1
	[ "$(grep -c 'plaintext-credentials .* lab ' "$c/f1")" = 2 ] || { cat "$c/f1"; return 1; }
	[ -z "$("$D" findings --db "$db" list --site other)" ] || return 1
	# b not read: its finding stays; a read and still there: open
	rm "$c/b/.netrc"
	"$D" secrets --db "$db" --site lab "$c/a" -q >/dev/null || return 1
	"$D" findings --db "$db" list --site lab --state all --json >"$c/f2" || return 1
	# b read (as "b/"), nothing there: resolved
	"$D" secrets --db "$db" --site lab "$c/b/" -q >/dev/null || return 1
	"$D" findings --db "$db" list --site lab --state all --json >"$c/f3" || return 1
	"$D" report --db "$db" --list >"$c/runs" || return 1
	python3 - "$c" <<'PY' || return 1
import json, sys
c = sys.argv[1]
st = lambda f: sorted((r["path"][len(c) + 1:], r["state"]) for r in map(json.loads, open(f"{c}/{f}")))
assert st("f2") == [("a/.netrc", "open"), ("b/.netrc", "new")], st("f2")
assert st("f3") == [("a/.netrc", "open"), ("b/.netrc", "resolved")], st("f3")
runs = [l.split()[2:4] + [l.split()[6]] for l in open(f"{c}/runs").readlines()[1:]]
assert runs == [["secrets", "done", "lab"]] * 3, runs
PY
	# the store holds no secret, and a bad site is a usage error
	! grep -qaE 'Hunter2-Site|Zebra77-Site' "$c/f3" "$c/o1" "$c/r1" || return 1
	case $db in postgresql:*) ;; *) ! grep -qaE 'Hunter2-Site|Zebra77-Site' "$db" || return 1 ;; esac
	"$D" secrets --db "$db" --site "a b" "$c/a" 2>"$c/e"
	[ $? = 2 ] && [ "$(wc -l <"$c/e")" = 1 ] && grep -q -- '--site "a b"' "$c/e"
}

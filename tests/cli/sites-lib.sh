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

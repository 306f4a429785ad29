#!/usr/bin/env bash
# Web application identification benchmark: dormant and WhatWeb (Debian's
# whatweb, passive aggression) side by side in one run on the same pages
# (tests/webapps: pages modelled on real products, served on the loopback
# by tests/webapps/serve.py), on the tuning set and on the held-out set.
# Scored by tests/webapps/score.sh against each set's truth.tsv: the
# application named, and its version where the page shows it. Only what a
# tool names counts: its echo of the title, Server header, cookies or meta
# generator does not. Time: one process per page (what the scores come
# from), and one run over all pages of a set (dormant scan -sV; whatweb with
# every URL). Prints Markdown (also bench/out/webapps-bench.md).
# Usage: bench/webapps-bench.sh [path/to/dormant]   (ports 23300-23399)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(realpath "${1:-$ROOT/build/dormant}")
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
command -v whatweb >/dev/null || { echo "bench: whatweb is not installed (scripts/deps bench)" >&2; exit 2; }
RECOG=
for r in "$ROOT/../shared/recog" "$ROOT/../../shared/recog"; do [ -d "$r" ] && RECOG=$(realpath "$r") && break; done
W=$(mktemp -d)
SERVER=
trap 'kill $SERVER 2>/dev/null; rm -rf "$W"' EXIT
cat >"$W/dormant" <<EOS
#!/bin/sh
# what dormant names (its service line echoes the title: left out)
"$D" fingerprint webapps ${RECOG:+--fingerprints "$RECOG"} "\$1" | grep -v '^service:'
EOS
cat >"$W/whatweb" <<'EOS'
#!/bin/sh
# what WhatWeb names: its plugins that echo the page (title, headers, cookies, generator) left out
whatweb --color=never -a 1 --no-errors "$1" |
	perl -pe 's/\b(Title|HTTPServer|Cookies|Script|UncommonHeaders|MetaGenerator|RedirectLocation|X-Powered-By|PoweredBy|Meta-Author|HttpOnly|PasswordField|Email|Meta-Refresh-Redirect|Country|IP)\[[^\]]*\](\[[^\]]*\])?//g'
EOS
chmod +x "$W/dormant" "$W/whatweb"
now() { date +%s.%N; }
{
	echo "## Web applications: dormant vs WhatWeb $(whatweb --version 2>/dev/null | head -1 | grep -oE '[0-9.]+' | head -1)"
	echo
	echo "Recog databases: ${RECOG:-none, only the databases of data/fingerprints}; Wappalyzer rules: $(cat /usr/local/share/dormant/webapps/SOURCE 2>/dev/null || echo none)"
	echo
	echo "| set | tool | names right | versions right | s, one process a page | s, one run over the set |"
	echo "|---|---|---|---|---|---|"
} >"$OUT/webapps-bench.md"
base=23340
for set in tune heldout; do
	python3 "$ROOT/tests/webapps/serve.py" "$ROOT/tests/webapps/$set" $base >"$W/ports" 2>&1 &
	SERVER=$!
	n=$(find "$ROOT/tests/webapps/$set" -mindepth 1 -maxdepth 1 -type d | wc -l)
	for _ in $(seq 50); do [ "$(wc -l <"$W/ports")" -ge "$n" ] && break; sleep 0.1; done
	ports=$(awk '{print $1}' "$W/ports" | paste -sd,)
	urls=$(awk '{print "http://127.0.0.1:" $1 "/"}' "$W/ports")
	for tool in dormant whatweb; do
		"$ROOT/tests/webapps/score.sh" "$ROOT/tests/webapps/$set" $base "$W/$tool" >"$OUT/webapps-$set-$tool.txt"
		t0=$(now)
		if [ $tool = dormant ]; then
			"$D" scan 127.0.0.1 -p "$ports" -sV ${RECOG:+--fingerprints "$RECOG"} --db "$W/b.db" -q >/dev/null 2>&1
		else
			# shellcheck disable=SC2086
			whatweb --color=never -a 1 --no-errors $urls >/dev/null 2>&1
		fi
		t1=$(now)
		score=$(tail -1 "$OUT/webapps-$set-$tool.txt")
		read -r _ _ nm _ vr _ secs <<<"$score"
		printf '| %s | %s | %s | %s | %s | %.2f |\n' $set $tool "$nm" "$vr" "$secs" \
			"$(echo "$t1 - $t0" | bc)" >>"$OUT/webapps-bench.md"
	done
	kill $SERVER
	wait $SERVER 2>/dev/null
	base=$((base + 20))
done
cat "$OUT/webapps-bench.md"
echo
echo "(per page: bench/out/webapps-{tune,heldout}-{dormant,whatweb}.txt)"

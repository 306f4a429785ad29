#!/usr/bin/env bash
# Scores the distribution verdicts on a list of banners with expected
# outcomes (heldout.txt or tuning.txt; a CVE not matched at all counts
# as not reported): one line per mismatch, then
# "distro: N of M right". Usage: measure.sh DORMANT DB LIST
set -uo pipefail
D=$1 DB=$2 LIST=$3
right=0 total=0
while IFS='|' read -r banner rel cve want; do
	case $banner in '#'* | '') continue ;; esac
	args=(vulndb match --db "$DB" --explain --json)
	[ "$rel" != - ] && args+=(--release "$rel")
	got=$("$D" "${args[@]}" "$banner" 2>/dev/null | python3 -c '
import json, sys
cve = sys.argv[1]
r = json.loads(sys.stdin.read())
v = "absent"
for c in r["cves"]:
    if c["id"] == cve: v = c["confidence"]
for c in r.get("not_reported", []):
    if c["id"] == cve: v = "-"
print("-" if v == "absent" else v)' "$cve")
	total=$((total + 1))
	if [ "$got" = "$want" ]; then right=$((right + 1)); else echo "miss: $banner ${rel} $cve: want $want, got $got"; fi
done <"$LIST"
echo "distro: $right of $total right"

#!/usr/bin/env bash
# Checks the layering rule of docs/ARCHITECTURE.md on every #include "..."
# line: a module includes only itself and the layers below it.
# Prints one line per folder and "layers: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../../src" || exit 2
declare -A allowed=(
	[base]="base"
	[net]="base net"
	[model]="base net model"
	[scan]="base net model scan"
	[store]="base net model store"
	[report]="base net model report"
	[probe]="base net model probe"
	[vuln]="base net model vuln"
	[flow]="base net model flow"
	[creds]="base net model creds"
	[import]="base net model import"
	[exposure]="base net model exposure"
	[analyze]="base net model vuln store analyze"
	[alert]="base net model store alert"
	[pipeline]="base net model scan probe vuln flow creds import exposure store analyze report alert pipeline"
	[cmd]="base net model scan probe vuln flow creds import exposure store analyze report alert pipeline cmd"
)
pass=0 fail=0
for dir in "${!allowed[@]}"; do
	bad=""
	while IFS= read -r line; do
		file=${line%%:*}
		inc=$(sed -E 's/.*#include "([a-z]+)\/.*/\1/' <<<"${line#*:}")
		[[ " ${allowed[$dir]} " == *" $inc "* ]] || bad+=" $file->$inc"
	done < <(grep -H '#include "[a-z]*/' "$dir"/*.[ch] 2>/dev/null)
	if [ -z "$bad" ]; then echo "ok   layers/$dir"; pass=$((pass + 1)); else echo "FAIL layers/$dir:$bad"; fail=$((fail + 1)); fi
done
echo "layers: $pass passed, $fail failed"
[ "$fail" = 0 ]

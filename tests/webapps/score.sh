#!/usr/bin/env bash
# Scores a web application identifier on a page set served by serve.py:
#   score.sh SETDIR BASEPORT TOOL...   (TOOL is run with the URL appended)
# TOOL prints what it names (only that: no echo of the title or headers).
# For each page of SETDIR/truth.tsv: "PAGE name=ok|MISS version=ok|MISS|- :: what TOOL said",
# then "SCORE names N/M versions N/M seconds S". The server must be running.
set -euo pipefail
setdir=$1 base=$2
shift 2
pages=$(cd "$setdir" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort)
names=0 nver=0 total=0 vtotal=0
t0=$(date +%s.%N)
i=0
for p in $pages; do
	port=$((base + i))
	i=$((i + 1))
	line=$(grep -P "^$p\t" "$setdir/truth.tsv") || continue
	re=$(cut -f2 <<<"$line")
	ver=$(cut -f3 <<<"$line")
	out=$("$@" "http://127.0.0.1:$port/" 2>/dev/null | tr '\n' ' ' || true)
	total=$((total + 1))
	n=MISS v=-
	grep -qiE "$re" <<<"$out" && n=ok && names=$((names + 1))
	if [ "$ver" != - ]; then
		vtotal=$((vtotal + 1))
		v=MISS
		# the version next to the name (a bare "10" anywhere would prove nothing)
		grep -qiP "(?:$re)[^\t\[\n]{0,24}[\t\[ ]v?\Q$ver\E" <<<"$out" && v=ok && nver=$((nver + 1))
	fi
	printf '%-18s name=%-4s version=%-4s :: %.300s\n' "$p" "$n" "$v" "$out"
done
t1=$(date +%s.%N)
printf 'SCORE names %d/%d versions %d/%d seconds %.2f\n' "$names" "$total" "$nver" "$vtotal" \
	"$(echo "$t1 - $t0" | bc)"

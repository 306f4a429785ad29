#!/usr/bin/env bash
# Fuzzing at length (make fuzz-long; not in CI): every libFuzzer target of
# tests/meson.build runs from its stored corpus until the targets together
# have executed at least FUZZ_LONG_TOTAL inputs (default 10^7). Each target
# first gets an equal share (-runs=), cut at FUZZ_LONG_SECONDS (default 600)
# since some parsers are a thousand times slower than others; what the slow
# ones left undone is then shared among the targets that finished their runs,
# round after round, until the total is reached. New inputs that add coverage are merged back into
# tests/fuzz/corpus/<target>/ with -merge=1 (only the minimised merge, each
# target's corpus capped at FUZZ_CORPUS_CAP_FILES files, default 150, and its
# additions at FUZZ_CORPUS_CAP_KB, default 64, so the repository does not bloat). Crashes are kept in FUZZ_LONG_OUT (default build-fuzz/long)
# and fail the run. Executions per target and the total are printed from
# libFuzzer's final stat::number_of_executed_units lines and written to
# FUZZ_LONG_OUT/summary.txt.
# FUZZ_LONG_MERGE_ONLY=1 only merges the inputs an earlier run left in FUZZ_LONG_OUT.
# Usage: tests/fuzz/run-fuzz-long.sh [target...]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FB="$ROOT/build-fuzz"
TOTAL=${FUZZ_LONG_TOTAL:-10000000}
CAP_KB=${FUZZ_CORPUS_CAP_KB:-64}
CAP_FILES=${FUZZ_CORPUS_CAP_FILES:-150}
MERGE_ONLY=${FUZZ_LONG_MERGE_ONLY:-0}
OUT=${FUZZ_LONG_OUT:-$FB/long}
# The targets the build defines, so a new target is fuzzed without editing this script.
all=$(sed -n "s/^fuzz_targets = \[\(.*\)\]/\1/p" "$ROOT/tests/meson.build" | tr -d "',")
targets=${*:-$all}
ntargets=$(wc -w <<<"$targets")
[ "$ntargets" -gt 0 ] || { echo "fuzz-long: no fuzz targets found in tests/meson.build" >&2; exit 2; }
SECONDS_CAP=${FUZZ_LONG_SECONDS:-600}

command -v clang >/dev/null || { echo "fuzz-long: clang is not installed (scripts/deps test installs it)" >&2; exit 2; }
if [ ! -f "$FB/build.ninja" ]; then
	CC=clang meson setup "$FB" --buildtype=debugoptimized -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null || { echo "fuzz-long: meson setup $FB failed" >&2; exit 2; }
fi
ninja -C "$FB" >/dev/null || { echo "fuzz-long: ninja -C $FB failed" >&2; exit 2; }
mkdir -p "$OUT"

declare -A done_runs secs_used failed
[ "$MERGE_ONLY" = 1 ] || : >"$OUT/summary.txt"
for t in $targets; do
	done_runs[$t]=0 secs_used[$t]=0
	[ "$MERGE_ONLY" = 1 ] && continue
	rm -rf "$OUT/$t" && mkdir -p "$OUT/$t/corpus" "$OUT/$t/artifacts"
	cp "$ROOT/tests/fuzz/corpus/$t"/* "$OUT/$t/corpus/"
done

# One round of target $1 for at most $2 inputs; 0 when it ran them all,
# 1 when time ran out first, 2 on a crash (or any other failure).
fuzz_round() {
	local t=$1 n=$2 work="$OUT/$1" start rc got
	start=$(date +%s)
	(cd "$work" && "$FB/tests/fuzz-$t" -runs="$n" -max_total_time="$SECONDS_CAP" -max_len=4096 -rss_limit_mb=2048 \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1)
	rc=$?
	cat "$work/log" >>"$work/all.log"
	got=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/log" | grep -oE '[0-9]+$' | tail -1)
	done_runs[$t]=$((done_runs[$t] + ${got:-0}))
	secs_used[$t]=$((secs_used[$t] + $(date +%s) - start))
	if [ "$rc" != 0 ]; then
		echo "FAIL $t: $(grep -E 'ERROR|SUMMARY' "$work/log" | head -2 | tr '\n' ' ')" | tee -a "$OUT/summary.txt"
		ls "$work/artifacts" | sed "s|^|     artefact: $work/artifacts/|" | tee -a "$OUT/summary.txt"
		return 2
	fi
	[ "${got:-0}" -ge "$n" ] && return 0
	return 1
}

total() {
	local s=0 t
	for t in $targets; do s=$((s + done_runs[$t])); done
	echo "$s"
}

fail=0 round=1
active=$targets
while [ "$MERGE_ONLY" != 1 ]; do
	sum=$(total)
	[ "$sum" -ge "$TOTAL" ] && break
	n_active=$(wc -w <<<"$active")
	[ "$n_active" -gt 0 ] || { echo "fuzz-long: every target is out of time; $sum of $TOTAL executions" | tee -a "$OUT/summary.txt"; break; }
	share=$(((TOTAL - sum + n_active - 1) / n_active))
	echo "round $round: $n_active targets, $share executions each"
	next=""
	for t in $active; do
		fuzz_round "$t" "$share"
		case $? in
		0) next="$next $t" ;;
		2) fail=$((fail + 1)) failed[$t]=1 ;;
		esac
		echo "     $t: ${done_runs[$t]} executions so far in ${secs_used[$t]}s"
	done
	active=$next round=$((round + 1))
done

for t in $targets; do
	corpus="$ROOT/tests/fuzz/corpus/$t"
	work="$OUT/$t"
	# Keep what the run found: only inputs adding coverage over the stored corpus
	# are added (the minimised merge), then the additions are dropped
	# again, largest first, while either cap is exceeded.
	before=$(ls "$corpus" | sort)
	(cd "$work" && "$FB/tests/fuzz-$t" -merge=1 -max_len=4096 -rss_limit_mb=2048 -timeout=10 \
		"$corpus" "$work/corpus" >"$work/merge.log" 2>&1) || echo "     merge failed: see $work/merge.log"
	added=$(comm -13 <(echo "$before") <(ls "$corpus" | sort))
	bytes=0
	for a in $added; do bytes=$((bytes + $(stat -c %s "$corpus/$a"))); done
	for f in $(for a in $added; do echo "$(stat -c %s "$corpus/$a") $a"; done | sort -n | awk '{print $2}' | tac); do
		[ "$bytes" -le $((CAP_KB * 1024)) ] && [ "$(ls "$corpus" | wc -l)" -le "$CAP_FILES" ] && break
		bytes=$((bytes - $(stat -c %s "$corpus/$f")))
		rm -f "$corpus/$f"
	done
	echo "$([ -n "${failed[$t]:-}" ] && echo "FAIL" || echo "ok  ") $t: ${done_runs[$t]} executions in ${secs_used[$t]}s; corpus $(ls "$corpus" | wc -l) files," \
		"$(du -sk --apparent-size "$corpus" | cut -f1) KB ($(comm -13 <(echo "$before") <(ls "$corpus" | sort) | wc -l) added)" |
		tee -a "$OUT/summary.txt"
done
[ "$MERGE_ONLY" = 1 ] && exit 0
sum=$(total)
echo "fuzz-long: $sum executions in total over $ntargets targets ($fail failed)" | tee -a "$OUT/summary.txt"
[ "$fail" = 0 ] && [ "$sum" -ge "$TOTAL" ]

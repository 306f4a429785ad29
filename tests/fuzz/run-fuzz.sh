#!/usr/bin/env bash
# Fuzzing in the test run: every stored corpus input replayed through its
# target in the sanitizer build, then each libFuzzer target (clang build in
# build-fuzz) for FUZZ_SECONDS (default 4) from that corpus.
# Prints "fuzz: N passed, N failed[, N skipped]".
set -uo pipefail
BUILD=${1:-build-test}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_EACH=${FUZZ_SECONDS:-4}
pass=0 fail=0 skip=0
# the targets tests/meson.build registers: one list, so none is left out here
targets=$(sed -n '/^fuzz_targets = \[/,/\]/p' "$ROOT/tests/meson.build" | grep -oE "'[a-z0-9-]+'" | tr -d "'" | tr '\n' ' ')
[ -n "$targets" ] || { echo "FAIL fuzz/targets: no fuzz_targets list in tests/meson.build"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
for t in $targets; do
	if "$BUILD/tests/fuzz-replay-$t" "$ROOT/tests/fuzz/corpus/$t" >/dev/null 2>&1; then
		echo "ok   fuzz/replay-$t"; pass=$((pass + 1))
	else
		echo "FAIL fuzz/replay-$t"; fail=$((fail + 1))
	fi
done
# The targets harness must never resolve a name: that would query DNS
# servers outside the lab. Its corpus holds names made of hex letters.
if command -v strace >/dev/null; then
	st=$(mktemp --suffix=.dormant-fuzz-strace)
	if ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=connect,sendto,sendmsg -o "$st" \
		"$BUILD/tests/fuzz-replay-targets" "$ROOT/tests/fuzz/corpus/targets" >/dev/null 2>&1 &&
		! grep -E 'AF_INET|sin_port' "$st"; then
		echo "ok   fuzz/targets-never-resolves"; pass=$((pass + 1))
	else
		echo "FAIL fuzz/targets-never-resolves"; fail=$((fail + 1))
	fi
	rm -f "$st"
else
	echo "skip fuzz/targets-never-resolves: strace is not installed (scripts/deps test installs it)"; skip=$((skip + 1))
fi
FB="$ROOT/build-fuzz"
fuzz_one() { # target: runs it from its corpus, writes its ok/FAIL line to $FB/result-TARGET
	local t=$1 work
	work=$(mktemp -d --suffix=.dormant-fuzz)
	cp "$ROOT/tests/fuzz/corpus/$t"/* "$work/"
	if (cd "$work" && "$FB/tests/fuzz-$t" -max_total_time="$SECONDS_EACH" -max_len=4096 -rss_limit_mb=2048 \
		-print_final_stats=1 "$work" >"$work/log" 2>&1); then
		echo "ok   fuzz/libfuzzer-$t ($(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/log" | grep -oE '[0-9]+') runs)"
	else
		echo "FAIL fuzz/libfuzzer-$t: $(grep -E 'ERROR|SUMMARY' "$work/log" | head -2 | tr '\n' ' ')"
		ls "$work" | grep -E '^(crash|oom|timeout|leak)-' | sed 's/^/     artefact: /'
	fi >"$FB/result-$t"
	rm -rf "$work"
}
if ! command -v clang >/dev/null; then
	echo "skip fuzz/libfuzzer: clang is not installed (scripts/deps test installs it)"
	skip=$((skip + $(wc -w <<<"$targets")))
else
	if [ ! -f "$FB/build.ninja" ]; then
		CC=clang meson setup "$FB" --buildtype=debugoptimized -Dfuzz=true -Db_sanitize=address,undefined \
			-Db_lundef=false >/dev/null || { echo "FAIL fuzz/setup"; fail=$((fail + 1)); }
	fi
	# only the libFuzzer executables: the rest of the tree is built and tested by the sanitizer build
	if nice ninja -C "$FB" $(for t in $targets; do printf 'tests/fuzz-%s ' "$t"; done) >"$FB/fuzz-build.log" 2>&1; then
		# one target per core at a time: each is single-threaded for FUZZ_SECONDS
		jobs_max=$(nproc)
		for t in $targets; do
			while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
			fuzz_one "$t" &
		done
		wait
		for t in $targets; do
			cat "$FB/result-$t"
			grep -q '^ok ' "$FB/result-$t" && pass=$((pass + 1)) || fail=$((fail + 1))
			rm -f "$FB/result-$t"
		done
	else
		echo "FAIL fuzz/build: ninja -C $FB failed: $(tail -3 "$FB/fuzz-build.log" 2>/dev/null | tr '\n' ' ')"
		fail=$((fail + 1))
	fi
fi
echo "fuzz: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]

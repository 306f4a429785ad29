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
targets="packet targets ports resume fingerprint service-replies cpe feeds flows traffic secrets logins escape nmap-probes bundle
	webapps-rules webapps-page distro intel sniff"
targets+=" import-nmap import-masscan-json import-masscan-list import-zmap nmap-names"
targets+=" exposure edge netdev"
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
if ! command -v clang >/dev/null; then
	echo "skip fuzz/libfuzzer: clang is not installed (scripts/deps test installs it)"
	skip=$((skip + $(wc -w <<<"$targets")))
else
	if [ ! -f "$FB/build.ninja" ]; then
		CC=clang meson setup "$FB" --buildtype=debugoptimized -Dfuzz=true -Db_sanitize=address,undefined \
			-Db_lundef=false >/dev/null || { echo "FAIL fuzz/setup"; fail=$((fail + 1)); }
	fi
	if ninja -C "$FB" >/dev/null 2>&1; then
		for t in $targets; do
			work=$(mktemp -d --suffix=.dormant-fuzz)
			cp "$ROOT/tests/fuzz/corpus/$t"/* "$work/"
			if (cd "$work" && "$FB/tests/fuzz-$t" -max_total_time="$SECONDS_EACH" -max_len=4096 -rss_limit_mb=2048 \
				-print_final_stats=1 "$work" >"$work/log" 2>&1); then
				echo "ok   fuzz/libfuzzer-$t ($(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/log" | grep -oE '[0-9]+') runs)"
				pass=$((pass + 1))
			else
				echo "FAIL fuzz/libfuzzer-$t: $(grep -E 'ERROR|SUMMARY' "$work/log" | head -2 | tr '\n' ' ')"
				ls "$work" | grep -E '^(crash|oom|timeout|leak)-' | sed 's/^/     artefact: /'
				fail=$((fail + 1))
			fi
			rm -rf "$work"
		done
	else
		echo "FAIL fuzz/build: ninja -C $FB failed"
		fail=$((fail + 1))
	fi
fi
echo "fuzz: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]

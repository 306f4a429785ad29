#!/usr/bin/env bash
# Runs every suite against a test build (ASan+UBSan) and ends with the sum:
# "N passed, N failed, N skipped". Usage: tests/run-all.sh BUILD_DIR
set -uo pipefail
BUILD=${1:-build-test}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
passed=0 failed=0 skipped=0
LOG=$(mktemp --suffix=.dormant-suite)
XDG=$(mktemp -d --suffix=.dormant-xdg)
FUZZLOG=$(mktemp --suffix=.dormant-fuzz-suite)
SIDELOG=$(mktemp --suffix=.dormant-side-suite)
fuzz_pid= side_pid= cli2_pid= CLI2LOG=
trap '[ -n "$fuzz_pid" ] && kill "$fuzz_pid" 2>/dev/null; [ -n "$side_pid" ] && kill "$side_pid" 2>/dev/null
	[ -n "$cli2_pid" ] && kill "$cli2_pid" 2>/dev/null
	rm -rf "$LOG" "$XDG" "$FUZZLOG" "$SIDELOG" "$SIDELOG".* "$CLI2LOG"' EXIT
# no suite may touch the user's own store (~/.local/share/dormant): a command
# run without --db keeps its store here
export XDG_DATA_HOME="$XDG"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Adds a suite's closing "NAME: N passed, N failed[, N skipped]" line.
tally() {
	local line
	line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$LOG" | tail -1)
	if [ -z "$line" ]; then
		echo "FAIL $1: the suite ended without its summary line"
		failed=$((failed + 1))
		return
	fi
	local p f s
	p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}
suite() { # name command...
	local name=$1 start=$SECONDS
	shift
	echo "== $name"
	"$@" 2>&1 | tee "$LOG" | grep -vE '^ok ' || true
	tally "$name"
	# CI must stay under 20 minutes: each suite's share shows where it goes
	echo "== $name took $((SECONDS - start)) s"
}

suite unit "$BUILD/tests/unit-tests"
suite layers tests/layers/check-layers.sh
suite format tests/format/check-format.sh
# The fuzz suite is a clang build and libFuzzer runs (CPU); the CLI suite
# mostly waits on its servers. The fuzz suite runs beside it at the lowest
# priority, so it takes only the cycles the CLI checks leave (CI's 20 minutes).
fuzz_start=$SECONDS
nice -n 19 tests/fuzz/run-fuzz.sh "$BUILD" >"$FUZZLOG" 2>&1 &
fuzz_pid=$!
# The CLI checks wait on their servers and timeouts more than they compute:
# the second half runs beside the first (its listeners are on ports the first
# half never scans; see CLI_PART in test-cli.sh).
CLI2LOG=$(mktemp --suffix=.dormant-cli2-suite)
CLI_PART=2 tests/cli/test-cli.sh "$BUILD" >"$CLI2LOG" 2>&1 &
cli2_pid=$!
CLI_PART=1 suite cli tests/cli/test-cli.sh "$BUILD"
wait "$cli2_pid"
cli2_pid=
suite cli-2 cat "$CLI2LOG"
echo "== cli-2 (beside cli) ended $((SECONDS - fuzz_start)) s after it began"
wait "$fuzz_pid"
fuzz_pid=
suite fuzz cat "$FUZZLOG"
echo "== fuzz (beside cli) ended $((SECONDS - fuzz_start)) s after it began"
# The lab mostly waits on its servers' timeouts; the package build (CPU) and
# then the PostgreSQL store checks use none of its namespaces, so they run
# beside it, niced so that the lab's own timing keeps the CPU it needs.
# The package suite may create the dormant user mid-run; the lab's privilege
# drop takes that user or nobody, either way (see the lab's *_runs_unprivileged_under_seccomp).
side_start=$SECONDS
(
	nice -n 10 tests/package/test-package.sh >"$SIDELOG.package" 2>&1
	echo "== package ended $((SECONDS - side_start)) s after the lab began" >>"$SIDELOG.package"
	# the store on a PostgreSQL server of its own (Debian's postgresql-15; as the postgres user when root)
	nice -n 10 tests/pg/test-pg.sh "$BUILD" >"$SIDELOG.pg" 2>&1
	echo "== pg ended $((SECONDS - side_start)) s after the lab began" >>"$SIDELOG.pg"
) &
side_pid=$!
suite lab tests/lab/test-lab.sh "$BUILD"
wait "$side_pid"
side_pid=
suite package cat "$SIDELOG.package"
suite pg cat "$SIDELOG.pg"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

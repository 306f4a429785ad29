#!/usr/bin/env bash
# The formatter's output is the style: every C file under src/ and tests/
# must come out of clang-format (the repository's .clang-format) unchanged.
# Prints one line per folder and "format: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
if ! command -v clang-format >/dev/null; then
	echo "FAIL format/clang-format: not installed (scripts/deps test installs it)"
	echo "format: 0 passed, 1 failed"
	exit 1
fi
pass=0 fail=0
for dir in $(find src tests -name '*.[ch]' -printf '%h\n' | sort -u); do
	bad=""
	for f in "$dir"/*.[ch]; do
		clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=" ${f##*/}"
	done
	if [ -z "$bad" ]; then
		echo "ok   format/$dir"
		pass=$((pass + 1))
	else
		echo "FAIL format/$dir:$bad (run: clang-format -i on them)"
		fail=$((fail + 1))
	fi
done
echo "format: $pass passed, $fail failed"
[ "$fail" = 0 ]

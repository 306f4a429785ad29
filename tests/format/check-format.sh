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
	# one clang-format per folder (a process per file took a minute of CI);
	# its diagnostics name each file that would change
	diag=$(clang-format --dry-run -Werror "$dir"/*.[ch] 2>&1 >/dev/null)
	st=$?
	bad=$(grep -oE '^[^:]+\.[ch]:[0-9]+:[0-9]+: ' <<<"$diag" | sed -E 's/:[0-9]+:[0-9]+: $//; s|.*/| |' | sort -u | tr -d '\n')
	[ "$st" = 0 ] || [ -n "$bad" ] || bad=" (clang-format failed: $(head -1 <<<"$diag"))"
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

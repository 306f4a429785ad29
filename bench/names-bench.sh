#!/usr/bin/env bash
# Names as operators write them (issue 18): the hit rate of nmap's product
# names ("Apache httpd 2.4.49") through `dormant vulndb match` against the
# NVD fixture records, on the tuning list and on a held-out list drawn from
# nmap-service-probes (bench/names-bench.py). Prints Markdown (also
# bench/out/names-bench.md); the held-out misses go to stderr.
# Usage: bench/names-bench.sh [path/to/dormant] [fixtures dir] [nmap-service-probes]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(realpath "${1:-$ROOT/build/dormant}")
FIX=${2:-$ROOT/tests/data/fixtures}
PROBES=${3:-/usr/share/nmap/nmap-service-probes}
OUT="$ROOT/bench/out"
WORK=$(mktemp -d /tmp/dormant-names-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
"$D" vulndb import -q --db "$WORK/v.db" "$FIX/nvd" "$FIX/kev" || exit 3
python3 "$ROOT/bench/names-bench.py" "$D" "$WORK/v.db" "$FIX/nvd" "$PROBES" "$ROOT/bench/names-tuning.txt" |
	tee "$OUT/names-bench.md"

#!/usr/bin/env bash
# Vulnerability data benchmark: a generated full-size NVD-shaped corpus
# (400k records made from the real fixtures, bench/gen-nvd.py) imported
# into an empty store, imported again (incremental: nothing changed), and
# 100k services matched against it, twice: a network-like service mix and
# a harsh one (every service a fresh product and version). Wall time and
# peak memory of each, against the goals (import <= 60 s, matching 100k
# services <= 1 s). Prints Markdown (also bench/out/vulndb-bench.md).
# Usage: bench/vulndb-bench.sh [path/to/dormant] [records] [services]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(realpath "${1:-$ROOT/build/dormant}")
RECORDS=${2:-400000}
SERVICES=${3:-100000}
OUT="$ROOT/bench/out"
WORK=${DM_BENCH_WORK:-/var/tmp/dormant-vulndb-bench}
mkdir -p "$OUT" "$WORK"
CORPUS="$WORK/nvd-$RECORDS.json"
SVC="$WORK/services-$SERVICES.txt"
if [ ! -s "$CORPUS" ] || [ ! -s "$SVC.harsh" ]; then
	python3 "$ROOT/bench/gen-nvd.py" "$ROOT/tests/data/fixtures" "$CORPUS" "$SVC" "$RECORDS" "$SERVICES" 2>"$WORK/gen.log" || exit 3
fi
DB="$WORK/bench.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
measure() { # label log command...: wall seconds and peak RSS of the command into $label.time
	local label=$1 log=$2
	shift 2
	/usr/bin/time -f "%e %M" -o "$WORK/$label.time" "$@" >"$WORK/$label.out" 2>"$log"
}
sync
measure import "$WORK/import.log" "$D" vulndb import --db "$DB" "$CORPUS" || { cat "$WORK/import.log"; exit 3; }
measure reimport "$WORK/reimport.log" "$D" vulndb import --db "$DB" "$CORPUS" || { cat "$WORK/reimport.log"; exit 3; }
measure match "$WORK/match.log" "$D" vulndb match --db "$DB" --json -v --from "$SVC" || { cat "$WORK/match.log"; exit 3; }
measure harsh "$WORK/harsh.log" "$D" vulndb match --db "$DB" --json -v --from "$SVC.harsh" || { cat "$WORK/harsh.log"; exit 3; }
python3 - "$WORK" "$CORPUS" "$SVC" "$RECORDS" "$SERVICES" <<'PY' | tee "$OUT/vulndb-bench.md"
import json, os, re, sys
work, corpus, svc, records, services = sys.argv[1:]
def t(label):
    wall, rss = open(os.path.join(work, label + ".time")).read().split()[-2:]
    return float(wall), int(rss) / 1024
def matched(label):
    log = open(os.path.join(work, label + ".log")).read()
    m = re.search(r"matched (\d+) queries in ([\d.]+) s, ([\d.]+) s of it matching \((\d+) product lookups; ([\d.]+) s CPU\)", log)
    return m.groups()
def distinct(path):
    lines = open(path).read().split()
    return len(set(lines)), len({":".join(l.split(":")[3:5]) for l in lines})
def hits(label):
    n = v = c = 0
    for line in open(os.path.join(work, label + ".out")):
        r = json.loads(line)
        n += 1; v += r["count"] > 0; c += r["count"]
    return n, v, c
gen = open(os.path.join(work, "gen.log")).read().strip()
size = os.path.getsize(corpus) / 1e9
iw, ir = t("import"); rw, rr = t("reimport")
print("## vulndb: import and matching\n")
print("Corpus: `bench/gen-nvd.py` (deterministic, seed 20261122) from the 19 real NVD records in tests/data/fixtures: %s." % gen)
print("Store: SQLite file, WAL, one transaction per file. Machine: 2 cores; one thread.\n")
print("| step | wall (s) | peak RSS (MB) | goal |")
print("|---|---:|---:|---|")
print("| import %s records (%.2f GB JSON) into an empty store | %.1f | %.0f | <= 60 s: %s |" % (records, size, iw, ir, "met" if iw <= 60 else "MISSED"))
print("| import the same file again (incremental: all unchanged) | %.1f | %.0f | |" % (rw, rr))
for label, path, name in (("match", svc, "network-like mix"), ("harsh", svc + ".harsh", "harsh mix")):
    q, total, m, lookups, cpu = matched(label)
    w, rss = t(label)
    ds, dp = distinct(path)
    n, v, c = hits(label)
    print("| match %s services, %s (%d distinct product/versions, %d products): matching (%s s of CPU) | %s | %.0f | <= 1 s: %s |" % (
        q, name, ds, dp, cpu, m, rss, "met" if float(m) <= 1 else "MISSED"))
    print("| same, whole command incl. writing %d JSON lines (%d services vulnerable, %d CVE hits) | %.2f | | |" % (n, v, c, w))
print("\nThis product uses data from the NVD API but is not endorsed or certified by the NVD.")
PY

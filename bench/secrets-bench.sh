#!/usr/bin/env bash
# Secrets scan throughput: dormant secrets (Hyperscan, and PCRE2 alone) vs
# ripgrep with the same prefilter patterns, one core each, on a generated
# corpus of >= 1 GB (tests/tools/secrets/gen-corpus.py --scale N: mostly innocent
# text, a password table every 50 documents, and the labelled stores and
# hostile files of the test corpus); then recall and precision against the
# corpus truth. Page cache warm for every tool.
# Usage: bench/secrets-bench.sh BUILD/dormant [SCALE]   (SCALE 700 = about 1.05 GB)
set -euo pipefail
D=$(realpath "$1")
SCALE=${2:-700}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=${BENCH_DIR:-/tmp/dormant-secrets-bench}
mkdir -p "$W"
# the corpus is made again when the scale or the generator changed
stamp="$SCALE $(sha256sum "$ROOT/tests/tools/secrets/gen-corpus.py" | cut -c1-16)"
if [ ! -s "$W/truth.json" ] || [ "$(cat "$W/scale" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$W/corpus"
	python3 "$ROOT/tests/tools/secrets/gen-corpus.py" "$W/corpus" --scale "$SCALE"
	echo "$stamp" >"$W/scale"
fi
bytes=$(du -sb "$W/corpus" | cut -f1)
files=$(find "$W/corpus" -type f | wc -l)
cat "$W"/corpus/bulk/* >/dev/null # warm the page cache
# the prefilter's patterns (src/creds/secret-prefilter.c), one per line for rg -f
cat >"$W/patterns" <<'PAT'
pass
pwd
kennwort|contrase|senha|mot de passe|密码|口令
PRIVATE KEY-----
PuTTY-User-Key-File
sshpass
://[^\s/:@]{1,64}:[^\s/@]{1,128}@
[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}
secret
machine\s
mysql
curl\s
PAT
# name cmd...: "name secs mb", the median wall time and peak RSS (MB) of
# RUNS runs (this VM's speed varies by about 20% from run to run)
RUNS=${BENCH_RUNS:-3}
run() {
	local name=$1 i all=""
	shift
	for i in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %M" -o "$W/$name.time" "$@" >"$W/$name.out" 2>"$W/$name.err" || true
		all="$all$(tail -1 "$W/$name.time")\n"
	done
	printf "$all" >"$W/$name.times"
	sort -n "$W/$name.times" | sed -n "$(((RUNS + 1) / 2))p" | { read -r secs kb; echo "$name $secs $((kb / 1024))"; }
}
gbps() { python3 -c "print(f'{$bytes / $1 / 1e9:.2f}')"; }
echo "corpus: $files files, $bytes bytes"
r1=$(run dormant-hs taskset -c 0 "$D" secrets "$W/corpus" -oJ "$W/hs.jsonl")
r2=$(run dormant-pcre2 taskset -c 0 "$D" secrets --engine pcre2 "$W/corpus" -oJ "$W/pcre2.jsonl")
r3=$(run rg-1core taskset -c 0 rg -i -l -a --no-ignore --hidden -j1 -f "$W/patterns" "$W/corpus")
r4=$(run rg-2cores rg -i -l -a --no-ignore --hidden -f "$W/patterns" "$W/corpus")
for r in "$r1" "$r2" "$r3" "$r4"; do
	set -- $r
	echo "$1: $2 s, $(gbps "$2") GB/s, peak $3 MB (median of $RUNS; all: $(cut -d' ' -f1 "$W/$1.times" | tr '\n' ' '))"
done
hs=$(echo "$r1" | cut -d' ' -f2) rg1=$(echo "$r3" | cut -d' ' -f2)
echo "ratio rg(1 core) / dormant(1 core): $(python3 -c "print(f'{$rg1 / $hs:.2f}')")"
python3 "$ROOT/tests/tools/secrets/check-secrets.py" "$W/truth.json" "$W/corpus" "$W/hs.jsonl" | head -3
python3 "$ROOT/tests/tools/secrets/check-secrets.py" "$W/truth.json" "$W/corpus" "$W/pcre2.jsonl" | head -1
echo "rg files with a pattern hit: $(wc -l <"$W/rg-1core.out") (ripgrep finds words, not credential stores: no recall figure)"

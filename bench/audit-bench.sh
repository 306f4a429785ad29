#!/usr/bin/env bash
# Audit benchmark: one `dormant audit` of the /16 scale lab (198.19.0.0/16 x
# 22,80,443,8080; the lab answers for the whole /17 and listens on a seeded
# truth set) with a generated capture of millions of flows among its
# addresses (bench/gen-audit-flows.py) and a 32k-row register, against what
# it takes the usual tools separately on the same data: nmap -sS -sV for
# the scan and services, nfpcapd + nfdump for the traffic (per destination
# and port, the question "is this open port used"). Wall time per stage
# (dormant's -v stage line) and peak memory. Prints Markdown (also
# bench/out/audit-bench.md).
# Usage: bench/audit-bench.sh [path/to/dormant]   (root; make bench)
# BENCH_FLOWS (default 2000000), BENCH_NMAP_TIMEOUT (default 1800 s).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(realpath "${1:-$ROOT/build/dormant}")
export DM_BUILD=${DM_BUILD:-$ROOT/build} DM_LAB_PREFIX=dmb
P=dmb
LAB="$ROOT/tests/lab/lab.sh"
OUT="$ROOT/bench/out"
WORK=${DM_BENCH_WORK:-/var/tmp/dormant-audit-bench}
FLOWS=${BENCH_FLOWS:-2000000}
NMAP_TIMEOUT=${BENCH_NMAP_TIMEOUT:-1800}
PORTS=22,80,443,8080
mkdir -p "$OUT" "$WORK"
[ "$(id -u)" = 0 ] || { echo "audit-bench: needs root" >&2; exit 2; }
for t in nmap nfpcapd nfdump; do
	command -v $t >/dev/null || { echo "audit-bench: $t missing (scripts/deps bench)" >&2; exit 3; }
done
[ -x "$DM_BUILD/tests/listen-many" ] || ninja -C "$DM_BUILD" tests/listen-many >/dev/null
trap '"$LAB" down >/dev/null 2>&1' EXIT
"$LAB" up --big >/dev/null || exit 3
IN_NS=(ip netns exec "$P-scan")
measure() { # label command...: wall seconds and peak RSS (kB) into $label.time
	local label=$1
	shift
	/usr/bin/time -f "%e %M" -o "$WORK/$label.time" "$@" >"$WORK/$label.out" 2>"$WORK/$label.err"
}
# the last line: time writes "Command exited with non-zero status N" first when it did
wall() { tail -1 "$WORK/$1.time" | cut -d' ' -f1; }
mb() { tail -1 "$WORK/$1.time" | awk '{ printf "%.0f", $2 / 1024 }'; }

# the data: the flows end now, so the usage window holds them
python3 "$ROOT/bench/gen-audit-flows.py" "/tmp/dormant-lab-$P/big-truth.txt" "$WORK" --flows "$FLOWS" 2>"$WORK/gen.log" || exit 3
PCAP="$WORK/flows.pcap"
SIZE=$(stat -c %s "$PCAP")
PKTS=$(( (SIZE - 24) / 70 )) # every frame is 54 bytes plus a 16-byte record
cat "$PCAP" >/dev/null # page cache: every tool reads from memory

# --- dormant: one command ----------------------------------------------------
rm -f "$WORK"/a.db*
measure dormant "${IN_NS[@]}" "$D" audit 198.19.0.0/16 -p $PORTS --rate 1000000 --db "$WORK/a.db" --flows "$PCAP" \
	--inventory "$WORK/inventory.csv" --config "$WORK/site.conf" -oJ "$WORK/audit.jsonl" -v ||
	{ tail -5 "$WORK/dormant.err"; exit 3; }
STAGES=$(sed -n 's/.*audit: stages (wall, peak memory so far): //p' "$WORK/dormant.err")
FINDINGS=$(python3 -c '
import collections, json, sys
c = collections.Counter(r["rule"] for r in map(json.loads, open(sys.argv[1])) if r["type"] == "finding")
print(", ".join("%s %d" % kv for kv in sorted(c.items())))' "$WORK/audit.jsonl")
OPEN_D=$(grep -c '"type":"port"' "$WORK/audit.jsonl")

# --- the usual tools, separately ----------------------------------------------
measure nmap "${IN_NS[@]}" timeout "$NMAP_TIMEOUT" nmap -sS -sV -Pn -n -T4 --min-rate 100000 -p $PORTS 198.19.0.0/16 \
	-oX "$WORK/nmap.xml"
NMAP_RC=$?
STOPPED=0
[ "$NMAP_RC" = 124 ] && STOPPED=1
OPEN_N=$(grep -c '<state state="open"' "$WORK/nmap.xml" 2>/dev/null)
rm -rf "$WORK/nfp" && mkdir -p "$WORK/nfp"
measure nfpcapd nfpcapd -r "$PCAP" -w "$WORK/nfp" -e 1800,60 || { cat "$WORK/nfpcapd.err"; exit 3; }
measure nfdump nfdump -R "$WORK/nfp" -q -A dstip,dstport -o "fmt:%da %dp %fl %byt" "dst net 198.19.0.0/17 and proto tcp and dst port in [ 22 80 443 8080 ]" ||
	{ cat "$WORK/nfdump.err"; exit 3; }
PAIRS_NF=$(wc -l <"$WORK/nfdump.out")

{
	echo "## Audit: 198.19.0.0/16 x ports $PORTS with $FLOWS flows"
	echo
	echo "Input: \`bench/gen-audit-flows.py\` (seed 1): $FLOWS conversations over 36 h, about $PKTS packets,"
	echo "$((SIZE / 1048576)) MB pcap; register of $(($(wc -l <"$WORK/inventory.csv") - 1)) rows. The lab answers for 198.19.0.0/17"
	echo "(every address up) and listens on $(wc -l <"/tmp/dormant-lab-$P/big-truth.txt") seeded (address, port) pairs that never speak."
	echo
	echo "| tool | wall s | peak RSS MB | what it gave | command |"
	echo "|---|---:|---:|---|---|"
	echo "| dormant audit | $(wall dormant) | $(mb dormant) | $OPEN_D open ports; findings: $FINDINGS | \`dormant audit 198.19.0.0/16 -p $PORTS --rate 1000000 --flows flows.pcap --inventory inventory.csv --config site.conf\` |"
	if [ "$NMAP_RC" = 124 ]; then
		echo "| nmap 7.93 | > $NMAP_TIMEOUT (stopped) | $(mb nmap) | did not finish | \`nmap -sS -sV -Pn -n -T4 --min-rate 100000 -p $PORTS 198.19.0.0/16\` |"
	else
		echo "| nmap 7.93 | $(wall nmap) | $(mb nmap) | $OPEN_N open ports | \`nmap -sS -sV -Pn -n -T4 --min-rate 100000 -p $PORTS 198.19.0.0/16\` |"
	fi
	echo "| nfpcapd | $(wall nfpcapd) | $(mb nfpcapd) | nfcapd files | \`nfpcapd -r flows.pcap -w DIR -e 1800,60\` |"
	echo "| nfdump | $(wall nfdump) | $(mb nfdump) | $PAIRS_NF (address, port) pairs with flows | \`nfdump -R DIR -A dstip,dstport 'dst net 198.19.0.0/17 and proto tcp and dst port in [ 22 80 443 8080 ]'\` |"
	echo
	echo "dormant's stages (wall, peak memory of the process at the end of the stage): $STAGES"
	echo
	awk -v d="$(wall dormant)" -v n="$(wall nmap)" -v p="$(wall nfpcapd)" -v f="$(wall nfdump)" -v to="$STOPPED" \
		'BEGIN { s = n + p + f; printf "dormant wall / (nmap + nfpcapd + nfdump) wall: %.3f%s\n", d / s, (to ? " (nmap stopped: at most this)" : "") }'
	echo
	echo "The others' numbers are the separate steps an operator would chain; they still leave the join"
	echo "(register, use per open port, ranking) to be done by hand. dormant's memory is the peak of one process."
} | tee "$OUT/audit-bench.md"

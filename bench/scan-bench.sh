#!/usr/bin/env bash
# Scan benchmark: a /16 x 4 ports (198.19.0.0/16 x 22,80,443,8080) in the lab,
# whose namespace answers for the whole /16 (one half RST, one half silent)
# with a seeded truth set of open pairs. dormant, zmap (one run per port),
# masscan and nmap scan it side by side in one run, from the scanner
# namespace; then dormant's send-only ceiling and its rate accuracy.
# Prints a Markdown report (also written to bench/out/scan-bench.md).
# Usage: bench/scan-bench.sh [path/to/dormant]   (root; make bench)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(realpath "${1:-$ROOT/build/dormant}")
export DM_BUILD=${DM_BUILD:-$ROOT/build} DM_LAB_PREFIX=dmb
P=dmb
LAB="$ROOT/tests/lab/lab.sh"
OUT="$ROOT/bench/out"
RATE=${BENCH_RATE:-1000000}
NMAP_RATE=${BENCH_NMAP_RATE:-100000}
PORTS=22,80,443,8080
mkdir -p "$OUT"
rm -f "$OUT"/*.db "$OUT"/*.db-wal "$OUT"/*.db-shm # every run starts from an empty store
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 2; }
[ -x "$DM_BUILD/tests/listen-many" ] || ninja -C "$DM_BUILD" tests/listen-many >/dev/null
cleanup() {
	"$LAB" down >/dev/null 2>&1
	ip netns del "$P-send" 2>/dev/null
	ip netns del "$P-sink" 2>/dev/null
}
trap cleanup EXIT
"$LAB" up --big >/dev/null || exit 3
TRUTH=/tmp/dormant-lab-$P/big-truth.txt
sort -u "$TRUTH" >"$OUT/truth.txt"
NTRUTH=$(wc -l <"$OUT/truth.txt")
GWMAC=$(ip -n "$P-big" link show b0 | awk '/link\/ether/ {print $2}')
in_ns() { ip netns exec "$P-scan" "$@"; }
now() { date +%s.%N; }
score() { # pairs file ("ip port") -> "recall fp"
	local found tp fp
	sort -u "$1" >"$1.s"
	found=$(wc -l <"$1.s")
	tp=$(comm -12 "$1.s" "$OUT/truth.txt" | wc -l)
	fp=$((found - tp))
	echo "$(awk -v tp="$tp" -v n="$NTRUTH" 'BEGIN { printf "%.4f", tp / n }') $fp"
}
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }

# --- dormant: one run, all four ports --------------------------------------
t0=$(now)
in_ns "$D" scan 198.19.0.0/16 -p $PORTS -Pn --rate "$RATE" --db "$OUT/bench.db" -oJ "$OUT/dormant.jsonl" -q
t1=$(now)
grep '"type":"port"' "$OUT/dormant.jsonl" | grep '"state":"open"' |
	sed -E 's/.*"ip":"([^"]+)","port":([0-9]+).*/\1 \2/' >"$OUT/dormant.pairs"
DW=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
DPROBES=$(grep '"type":"run"' "$OUT/dormant.jsonl" | sed -E 's/.*"probes":([0-9]+).*/\1/')
DSEND=$(grep '"type":"run"' "$OUT/dormant.jsonl" | sed -E 's/.*"send_seconds":([0-9.]+).*/\1/')
read -r DREC DFP < <(score "$OUT/dormant.pairs")
row dormant "$DW" "$(awk -v p="$DPROBES" -v s="$DSEND" 'BEGIN { printf "%.0f", p / s }')" "$DREC" "$DFP" \
	"\`dormant scan 198.19.0.0/16 -p $PORTS -Pn --rate $RATE\` ($DPROBES probes incl. one retry pass)"

# --- zmap: one run per port -------------------------------------------------
if command -v zmap >/dev/null; then
	: >"$OUT/zmap.pairs"
	: >"$OUT/empty-blocklist"
	t0=$(now)
	for port in ${PORTS//,/ }; do
		in_ns timeout 120 zmap -q -p "$port" -i s1 -G "$GWMAC" -S 198.18.254.1 -b "$OUT/empty-blocklist" \
			-r "$RATE" -c 2 -o "$OUT/zmap-$port.txt" 198.19.0.0/16 2>"$OUT/zmap-$port.err"
		awk -v p="$port" '/^[0-9.]+$/ {print $1, p}' "$OUT/zmap-$port.txt" >>"$OUT/zmap.pairs"
	done
	t1=$(now)
	ZW=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	read -r ZREC ZFP < <(score "$OUT/zmap.pairs")
	row "zmap 2.1" "$ZW" "-" "$ZREC" "$ZFP" "4 runs: \`zmap -p PORT -r $RATE -c 2 -G <mac> -b <empty>\`"
fi

# --- masscan -------------------------------------------------------------------
if command -v masscan >/dev/null; then
	t0=$(now)
	in_ns timeout 120 masscan 198.19.0.0/16 -p$PORTS --rate "$RATE" -e s1 --router-mac "$GWMAC" --wait 2 \
		-oL "$OUT/masscan.txt" >/dev/null 2>"$OUT/masscan.err"
	t1=$(now)
	awk '$1 == "open" {print $4, $3}' "$OUT/masscan.txt" >"$OUT/masscan.pairs"
	MW=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	read -r MREC MFP < <(score "$OUT/masscan.pairs")
	row "masscan 1.3" "$MW" "-" "$MREC" "$MFP" "\`masscan -p$PORTS --rate $RATE --wait 2\`"
fi

# --- nmap ----------------------------------------------------------------------
if command -v nmap >/dev/null; then
	t0=$(now)
	in_ns timeout 900 nmap -sS -Pn -n -T4 --min-rate "$NMAP_RATE" -p $PORTS 198.19.0.0/16 -oG "$OUT/nmap.gnmap" \
		>/dev/null 2>"$OUT/nmap.err"
	t1=$(now)
	awk '/Ports:/ { ip = $2; n = split($0, f, /[ ,\t]+/); for (i = 1; i <= n; i++) if (f[i] ~ /^[0-9]+\/open\/tcp/) { split(f[i], q, "/"); print ip, q[1] } }' \
		"$OUT/nmap.gnmap" >"$OUT/nmap.pairs"
	NW=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	read -r NREC NFP < <(score "$OUT/nmap.pairs")
	row "nmap 7.93" "$NW" "-" "$NREC" "$NFP" "\`nmap -sS -Pn -n -T4 --min-rate $NMAP_RATE\`"
fi

# --- send-only ceiling: a veth whose peer drops everything -----------------
ip netns add "$P-send"
ip netns add "$P-sink"
ip -n "$P-send" link add d0 type veth peer name d1 netns "$P-sink"
ip -n "$P-send" addr add 198.18.200.1/24 dev d0
ip -n "$P-send" link set d0 up
ip -n "$P-sink" link set d1 up
ip -n "$P-send" route add 198.19.0.0/16 via 198.18.200.2
best=0
for _ in 1 2 3; do
	ip netns exec "$P-send" "$D" scan 198.19.0.0/16 -p 1-16 -Pn --router-mac 02:00:00:00:00:99 --rate 0 --retries 0 \
		--cooldown 0 --wait 0 --db "$OUT/send.db" -oJ "$OUT/send.jsonl" -q
	pps=$(grep '"type":"run"' "$OUT/send.jsonl" | sed -E 's/.*"probes":([0-9]+).*"send_seconds":([0-9.]+).*/\1 \2/' |
		awk '{ printf "%.0f", $1 / $2 }')
	[ "$pps" -gt "$best" ] && best=$pps
done
SENDPPS=$best

# --- rate accuracy: asked vs held ------------------------------------------------
acc=()
for spec in "10000 198.19.0.0/19 1-4" "100000 198.19.0.0/16 1-4" "500000 198.19.0.0/16 1-16"; do
	read -r r net ports <<<"$spec"
	ip netns exec "$P-send" "$D" scan "$net" -p "$ports" -Pn --router-mac 02:00:00:00:00:99 --rate "$r" --retries 0 \
		--cooldown 0 --wait 0 --db "$OUT/send.db" -oJ "$OUT/rate.jsonl" -q
	held=$(grep '"type":"run"' "$OUT/rate.jsonl" | sed -E 's/.*"probes":([0-9]+).*"send_seconds":([0-9.]+).*/\1 \2/' |
		awk '{ printf "%.0f", $1 / $2 }')
	acc+=("| $r | $held | $(awk -v a="$r" -v h="$held" 'BEGIN { printf "%+.2f%%", (h - a) * 100 / a }') |")
done

{
	echo "## Scan: 198.19.0.0/16 x ports $PORTS ($NTRUTH open pairs in the truth set)"
	echo
	echo "Machine: $(nproc) cores, $(uname -r); lab veth pair, target namespace answers for the whole /16"
	echo "(198.19.0.0/17 local: RST or SYN-ACK; 198.19.128.0/17 blackholed: silent)."
	echo
	echo "| scanner | wall s | probes/s | recall | false pos. | command |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
	echo
	[ -n "${ZW:-}" ] && echo "dormant wall / zmap wall (4 runs): $(awk -v a="$DW" -v b="$ZW" 'BEGIN { printf "%.3f", a / b }') (goal <= 0.5)"
	[ -n "${NW:-}" ] && echo "dormant wall / nmap wall: $(awk -v a="$DW" -v b="$NW" 'BEGIN { printf "%.3f", a / b }') (goal <= 0.2)"
	[ -n "${MW:-}" ] && echo "dormant wall / masscan wall: $(awk -v a="$DW" -v b="$MW" 'BEGIN { printf "%.3f", a / b }')"
	echo
	echo "Send-only ceiling (one sender thread, --rate 0, best of 3, 1,048,576 SYNs into a veth whose peer drops them): $SENDPPS pps"
	echo
	echo "Rate held (--rate asked vs probes / sending time):"
	echo
	echo "| asked pps | held pps | error |"
	echo "|---|---|---|"
	printf '%s\n' "${acc[@]}"
} | tee "$OUT/scan-bench.md"

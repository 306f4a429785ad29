#!/usr/bin/env bash
# Flow benchmark, side by side in one run on the same generated input
# (bench/gen-flows-pcap.py): a 3.46 M-packet pcap of 200k conversations read
# by dormant (flows, every traffic rule, hourly summaries into the store),
# nfpcapd -r, softflowd -r, tcpdump -n -r and tshark -T fields: wall time,
# packets/s, peak memory, and flow counts against nfpcapd's. A second pcap
# keeps ~185k flows open at once for the memory per open flow. NetFlow
# ingest: nfreplay (v5, v9) sends nfpcapd's flows to dormant collect and to
# nfcapd on loopback at rising rates (records stored vs sent). Zeek
# conn.log: lines/s. Prints Markdown (also bench/out/flows-bench.md).
# Usage: bench/flows-bench.sh [path/to/dormant]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(realpath "${1:-$ROOT/build/dormant}")
OUT="$ROOT/bench/out"
WORK=${DM_BENCH_WORK:-/var/tmp/dormant-flows-bench}
mkdir -p "$OUT" "$WORK"
PCAP="$WORK/flows.pcap" OPEN="$WORK/open.pcap" CONN="$WORK/conn.log"
[ -s "$PCAP" ] && [ -s "$CONN" ] || python3 "$ROOT/bench/gen-flows-pcap.py" "$PCAP" --flows 200000 --conn "$CONN" 2>"$WORK/gen.log" || exit 3
CONNJ="$WORK/conn.json" # the same conn.log in Zeek's JSON form
[ -s "$CONNJ" ] || python3 "$ROOT/bench/conn-to-json.py" "$CONN" "$CONNJ" || exit 3
[ -s "$OPEN" ] || python3 "$ROOT/bench/gen-flows-pcap.py" "$OPEN" --flows 200000 --span 30 --gap 2 2>"$WORK/gen-open.log" || exit 3
for t in nfpcapd nfcapd nfreplay nfdump softflowd tcpdump tshark; do
	command -v $t >/dev/null || { echo "flows-bench: $t missing (scripts/deps bench)" >&2; exit 3; }
done
measure() { # label command...: wall seconds and peak RSS into $label.time, output into $label.out
	local label=$1
	shift
	/usr/bin/time -f "%e %M" -o "$WORK/$label.time" "$@" >"$WORK/$label.out" 2>"$WORK/$label.err"
}
db() { rm -f "$WORK/$1" "$WORK/$1-wal" "$WORK/$1-shm"; echo "$WORK/$1"; }
cat "$PCAP" "$OPEN" >/dev/null # page cache: every tool reads from memory
measure dormant "$D" flows "$PCAP" --db "$(db d.db)" || { cat "$WORK/dormant.err"; exit 3; }
measure dormant_noanalyze "$D" flows "$PCAP" --db "$(db d2.db)" --no-analyze || exit 3
rm -rf "$WORK/nfp" && mkdir -p "$WORK/nfp"
measure nfpcapd nfpcapd -r "$PCAP" -w "$WORK/nfp" -e 1800,60 || { cat "$WORK/nfpcapd.err"; exit 3; }
# softflowd stalls on some absolute paths (seen with 1.1.0): read from the folder
(cd "$WORK" && measure softflowd timeout 300 softflowd -r flows.pcap -n 127.0.0.1:9 -v 10 -d -c sf.ctl -p sf.pid) || exit 3
# TZ set: without it glibc stats /etc/localtime for every timestamp tcpdump prints (4 min instead of seconds)
TZ=:/etc/localtime measure tcpdump tcpdump -n -r "$PCAP" || exit 3
TZ=:/etc/localtime measure tshark tshark -n -r "$PCAP" -T fields -e frame.number -e ip.src -e ip.dst || exit 3
measure dormant_open "$D" flows "$OPEN" --db "$(db d3.db)" || exit 3
measure conn "$D" flows "$CONN" --db "$(db d4.db)" --no-analyze || exit 3
measure connj "$D" flows "$CONNJ" --db "$(db d6.db)" --no-analyze || exit 3
# the readers alone in CPU time (no rules, no store): the build's tests/flow-read-cpu
READ_CPU="$(dirname "$D")/tests/flow-read-cpu"
rm -f "$WORK/readcpu-pcap.out" "$WORK/readcpu-conn.out"
if [ -x "$READ_CPU" ]; then
	"$READ_CPU" "$PCAP" 5 >"$WORK/readcpu-pcap.out" && "$READ_CPU" "$CONN" 5 >"$WORK/readcpu-conn.out" || exit 3
fi
# flow counts: dormant's records as unidirectional flows, as nfdump keeps them
"$D" flows "$PCAP" --db "$(db d5.db)" --no-analyze -q -oJ "$WORK/dormant.jsonl" || exit 3
nfdump -R "$WORK/nfp" -q -o "fmt:%pr %sp %dp" >"$WORK/nfdump.txt" 2>/dev/null || exit 3
nfdump -R "$WORK/nfp" -w "$WORK/all.nf" >/dev/null 2>&1 || exit 3 # nfreplay reads one file

# NetFlow ingest at rising rates: the same nfpcapd files replayed to each collector
nf_run() { # version delay: one replay to dormant, one to nfcapd
	local v=$1 d=$2 port=$((30000 + RANDOM % 2000))
	"$D" collect --listen 127.0.0.1:$port --idle-exit 2 --db "$(db c.db)" --no-analyze >/dev/null 2>"$WORK/nf-d-$v-$d.err" &
	local pid=$!
	sleep 0.3
	local t0 t1
	t0=$(date +%s%N)
	nfreplay -r "$WORK/all.nf" -H 127.0.0.1 -p $port -v $v -d "$d" >"$WORK/nf-r-$v-$d.out" 2>&1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$WORK/nf-t-$v-$d"
	wait $pid
	rm -rf "$WORK/nfc" && mkdir -p "$WORK/nfc"
	port=$((32000 + RANDOM % 2000))
	nfcapd -l "$WORK/nfc" -p $port -b 127.0.0.1 >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	nfreplay -r "$WORK/all.nf" -H 127.0.0.1 -p $port -v $v -d "$d" >/dev/null 2>&1
	sleep 1
	kill $pid
	wait $pid 2>/dev/null
	nfdump -R "$WORK/nfc" -q -o "fmt:%pr" 2>/dev/null | wc -l >"$WORK/nf-c-$v-$d"
}
for v in 5 9; do
	for d in 100 20 5 1 0; do nf_run $v $d; done
done
# IPFIX: softflowd reads the pcap and exports as fast as it reads (no rate
# setting), once to each collector
ipfix_run() { # collector: dormant or nfcapd
	local port=$((34000 + RANDOM % 2000)) pid
	if [ "$1" = dormant ]; then
		"$D" collect --listen 127.0.0.1:$port --idle-exit 2 --db "$(db c.db)" --no-analyze >/dev/null 2>"$WORK/ipfix-dormant.err" &
	else
		rm -rf "$WORK/nfc" && mkdir -p "$WORK/nfc"
		nfcapd -l "$WORK/nfc" -p $port -b 127.0.0.1 >/dev/null 2>&1 &
	fi
	pid=$!
	sleep 0.5
	(cd "$WORK" && rm -f sf.ctl && timeout 300 softflowd -r flows.pcap -n 127.0.0.1:$port -v 10 -d -c sf.ctl -p sf.pid \
		>"$WORK/ipfix-sf-$1.out" 2>&1)
	if [ "$1" = dormant ]; then
		wait $pid
	else
		sleep 1
		kill $pid
		wait $pid 2>/dev/null
		nfdump -R "$WORK/nfc" -q -o "fmt:%pr" 2>/dev/null | wc -l >"$WORK/ipfix-nfcapd.count"
	fi
}
ipfix_run dormant
ipfix_run nfcapd

python3 - "$WORK" <<'PY' | tee "$OUT/flows-bench.md"
import glob, json, os, re, sys
work = sys.argv[1]
def t(label):
    wall, rss = open(os.path.join(work, label + ".time")).read().split()[-2:]
    return float(wall), int(rss) / 1024
def out(label):
    return open(os.path.join(work, label + ".out")).read() + open(os.path.join(work, label + ".err")).read()
packets = int(re.search(r"(\d+) packets", out("dormant")).group(1))
print("## Flows: pcap, NetFlow and conn.log ingest\n")
print("Input: `bench/gen-flows-pcap.py` (deterministic): %d packets, 200,000 conversations (80%% TCP, a third of them TLS with a ClientHello, 15%% UDP, 5%% ICMP), snaplen 96 with true IP lengths. Read from the page cache. Machine: 2 cores.\n" % packets)
print("| tool | wall (s) | packets/s | peak RSS (MB) | what it does |")
print("|---|---|---|---|---|")
rows = [("dormant", "`dormant flows` with every traffic rule, hourly summaries stored (one thread)"),
        ("dormant_noanalyze", "`dormant flows --no-analyze`: flows and stored summaries, no rule"),
        ("nfpcapd", "`nfpcapd -r -e 1800,60`: NetFlow records to nfcapd files"),
        ("softflowd", "`softflowd -r -v 10`: flows exported as IPFIX"),
        ("tcpdump", "`tcpdump -n -r`: decode and print"),
        ("tshark", "`tshark -T fields -e frame.number -e ip.src -e ip.dst`")]
for label, what in rows:
    w, m = t(label)
    print("| %s | %.2f | %.2f M | %.0f | %s |" % (label.replace("_noanalyze", " --no-analyze"), w, packets / w / 1e6, m, what))
dw, nw = t("dormant")[0], t("nfpcapd")[0]
m = re.search(r"in ([\d.]+) s, ([\d.]+) Mpps", out("dormant"))
print("\ndormant wall / nfpcapd wall: %.2f (goal <= 1, flows and every rule included)" % (dw / nw))
print("dormant reading and flow table alone: %s Mpps (%s s; goal >= 3 Mpps on one core)" % (m.group(2), m.group(1)))
# flow counts
uni = dns_d = 0
for line in open(os.path.join(work, "dormant.jsonl")):
    r = json.loads(line)
    n = 1 + (r["pkts_in"] > 0)
    if r["proto"] == "udp" and 53 in (r["sport"], r["dport"]):
        dns_d += n
    else:
        uni += n
nf = dns_n = 0
for line in open(os.path.join(work, "nfdump.txt")):
    f = line.split()
    if len(f) < 3:
        continue
    if f[0] == "UDP" and "53" in f[1:3]:
        dns_n += 1
    else:
        nf += 1
print("\nFlow counts as unidirectional records (dormant's bidirectional flows split the way NetFlow keeps them): dormant %d, nfpcapd %d, difference %.3f%% (goal <= 0.1%%), DNS on port 53 aside: nfpcapd ends a DNS flow at every packet (%d records for dormant's %d)." % (uni, nf, 100 * abs(uni - nf) / nf, dns_n, dns_d))
o = out("dormant_open")
m = re.search(r"peak (\d+) flows open; flow table ([\d.]+) MB \((\d+) bytes per open flow", o)
w, rss = t("dormant_open")
mp = re.search(r"([\d.]+) Mpps", o).group(1)
print("\nMemory per open flow (`--span 30 --gap 2`: %s flows open at the peak): %s bytes (goal <= 200); flow table %s MB; %s Mpps with that many open; peak RSS of the whole command %.0f MB." % (m.group(1), m.group(3), m.group(2), mp, rss))
for label, form in (("conn", "TSV"), ("connj", "JSON")):
    w, rss = t(label)
    m = re.search(r"(\d+) conn.log lines: .* in ([\d.]+) s, ([\d.]+) M lines/s; ([\d.]+) s CPU, ([\d.]+) M lines per CPU", out(label))
    print("\nZeek conn.log (%s, the same 200,000 conversations, `dormant flows %s --no-analyze`): %s lines read in %s s = %s M lines/s (goal >= 1 M lines/s); in CPU time (the reading thread, user + system) %s s = %s M lines per CPU second; the whole command with the hourly summaries stored %.2f s." % (
        form, "conn.log" if label == "conn" else "conn.json", m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), w))
rp, rc = os.path.join(work, "readcpu-pcap.out"), os.path.join(work, "readcpu-conn.out")
if os.path.exists(rp) and os.path.exists(rc):
    mp = re.search(r"best of (\d+): ([\d.]+) s CPU, ([\d.]+) M", open(rp).read())
    mc = re.search(r"best of (\d+): ([\d.]+) s CPU, ([\d.]+) M", open(rc).read())
    print("\nThe readers alone in CPU time (`tests/flow-read-cpu`: user + system, best of %s; flow table and inspection included, no rules, no store; wall time on a shared machine says little): pcap %s s = %s M packets per CPU second (goal >= 3 Mpps on one core); conn.log %s s = %s M lines per CPU second (goal >= 1 M lines/s)." % (
        mp.group(1), mp.group(2), mp.group(3), mc.group(2), mc.group(3)))
print("\n### NetFlow ingest on loopback: nfpcapd's records replayed by `nfreplay -d USEC`\n")
print("| version | delay (us/packet) | sent | dormant stored | nfcapd stored | replay s | records/s sent |")
print("|---|---|---|---|---|---|---|")
for v in (5, 9):
    for d in (100, 20, 5, 1, 0):
        err = open(os.path.join(work, "nf-d-%d-%d.err" % (v, d))).read()
        m = re.findall(r"(\d+) flow records", err)
        got = int(m[-1]) if m else 0
        nfc = int(open(os.path.join(work, "nf-c-%d-%d" % (v, d))).read())
        secs = float(open(os.path.join(work, "nf-t-%d-%d" % (v, d))).read()) / 1000
        sent = len([1 for _ in open(os.path.join(work, "nfdump.txt"))])
        print("| v%d | %d | %d | %d | %d | %.2f | %.0f |" % (v, d, sent, got, nfc, secs, sent / secs))
err = open(os.path.join(work, "ipfix-dormant.err")).read()
m = re.findall(r"(\d+) flow records", err)
gaps = re.findall(r"sequence gaps (\d+)", err)
sf = open(os.path.join(work, "ipfix-sf-dormant.out")).read()
exp = re.search(r"(\d+) (?:flows )?exported", sf)
print("\nIPFIX from softflowd (`softflowd -r -v 10`, as fast as it reads the pcap, once to each collector): dormant stored %s records (sequence gaps %s), nfcapd %s." % (
    m[-1] if m else "?", gaps[-1] if gaps else "?", open(os.path.join(work, "ipfix-nfcapd.count")).read().strip()))
PY

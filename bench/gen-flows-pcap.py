#!/usr/bin/env python3
"""Writes a large pcap for the flow benchmark, and the same flows as a Zeek conn.log.

usage: gen-flows-pcap.py OUT.pcap --flows N [--conn OUT.log] [--seed S] [--span S] [--gap S]

Deterministic. N bidirectional conversations (80% TCP with handshake, data both ways and FIN;
a third of them TLS with a real ClientHello and SNI; 15% UDP request/response; 5% ICMP echo)
from 4096 internal hosts to 65536 external addresses, started evenly over --span seconds
(default 600), each 2 to 40 packets --gap seconds apart (default 0.01; a large gap with a short
span keeps nearly every flow open at once, for the memory per open flow). Payloads beyond the first 96 bytes of a frame are not
stored (snaplen), but IP lengths are real, so byte counts are. About 15 packets per flow.
"""
import heapq
import random
import struct
import sys

out = sys.argv[1]
args = dict(zip(sys.argv[2::2], sys.argv[3::2]))
nflows = int(args["--flows"])
conn = args.get("--conn")
rnd = random.Random(int(args.get("--seed", "1")))
T0 = 1794758400.0
SPAN = float(args.get("--span", "600"))
GAP = float(args.get("--gap", "0.01"))
SNAP = 96
ETH = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"

def hello(sni):
    n = sni.encode()
    body = struct.pack("!BH", 0, len(n)) + n
    ext = struct.pack("!HHH", 0, len(body) + 2, len(body)) + body
    ext += struct.pack("!HHH", 10, 6, 4) + struct.pack("!HH", 29, 23) + struct.pack("!HHB", 11, 2, 1) + b"\0"
    suites = struct.pack("!HHHH", 0x1301, 0x1302, 0xc02f, 0xc030)
    hs = struct.pack("!H", 0x0303) + bytes(32) + b"\0" + struct.pack("!H", len(suites)) + suites + b"\x01\x00"
    hs += struct.pack("!H", len(ext)) + ext
    hs = b"\x01" + struct.pack("!I", len(hs))[1:] + hs
    return struct.pack("!BHH", 0x16, 0x0301, len(hs)) + hs

HELLOS = [hello("svc%d.example.net" % i) for i in range(64)]
pk_ip = struct.Struct("!BBHHHBBH4s4s").pack
pk_tcp = struct.Struct("!HHIIBBHHH").pack
pk_udp = struct.Struct("!HHHH").pack
pk_rec = struct.Struct("<IIII").pack
choices = [2, 4, 6, 8, 10, 12, 16, 20, 30, 40]

def flow_packets(i):
    """(offset s, frame, orig len) of conversation i, and its conn.log facts."""
    c = struct.pack("!BBH", 10, 1 + (i >> 12 & 15), i & 4095)
    x = rnd.getrandbits(16)
    s = struct.pack("!BBH", 91 + (x & 7), 16 + (x >> 3 & 127), rnd.getrandbits(16))
    kind = rnd.random()
    sp = 1024 + (i * 7919) % 64000
    pk = []
    if kind < 0.80:
        tls = i % 3 == 0
        dp = 443 if tls else rnd.choice((80, 22, 25, 8080, 3306))
        n = rnd.choice(choices)
        seq = [(0, 0x02, 0), (1, 0x12, 0), (0, 0x10, 0)]
        for k in range(n):
            seq.append((k & 1, 0x18, rnd.randint(40, 1400)))
        seq += [(0, 0x11, 0), (1, 0x11, 0), (0, 0x10, 0)]
        first = True
        for d, flags, plen in seq:
            payload = b""
            extra = plen
            if plen and d == 0 and first:
                first = False
                if tls:
                    payload = HELLOS[i & 63]
                    extra = 0
            a, b, pa, pb = (c, s, sp, dp) if d == 0 else (s, c, dp, sp)
            tot = 40 + len(payload) + extra
            fr = ETH + pk_ip(0x45, 0, tot, 0, 0x4000, 64, 6, 0, a, b) + pk_tcp(pa, pb, 0, 0, 0x50, flags, 65535, 0, 0) + payload
            pk.append((d, fr, 14 + tot))
        proto = "tcp"
    elif kind < 0.95:
        dp = rnd.choice((53, 123, 161, 5060))
        for k in range(rnd.choice((2, 2, 4, 6))):
            d = k & 1
            a, b, pa, pb = (c, s, sp, dp) if d == 0 else (s, c, dp, sp)
            plen = rnd.randint(20, 500)
            tot = 28 + plen
            fr = ETH + pk_ip(0x45, 0, tot, 0, 0, 64, 17, 0, a, b) + pk_udp(pa, pb, 8 + plen, 0)
            pk.append((d, fr, 14 + tot))
        proto = "udp"
    else:
        dp = 0
        for d in (0, 1):
            a, b = (c, s) if d == 0 else (s, c)
            icmp = struct.pack("!BBHHH", 8 if d == 0 else 0, 0, 0, i & 0xffff, 1)
            tot = 20 + 8 + 56
            fr = ETH + pk_ip(0x45, 0, tot, 0, 0, 64, 1, 0, a, b) + icmp
            pk.append((d, fr, 14 + tot))
        proto = "icmp"
        sp = 8
    return pk, (c, s, sp, dp, proto)

def ip(b):
    return "%d.%d.%d.%d" % tuple(b)

heap = []
written = 0
logf = open(conn, "w") if conn else None
if logf:
    logf.write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
               "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
               "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
               "resp_pkts\tresp_ip_bytes\ttunnel_parents\n"
               "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\t"
               "count\tstring\tcount\tcount\tcount\tcount\tset[string]\n")
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    nextflow = 0
    def start_of(i):
        return T0 + SPAN * i / nflows
    while nextflow < nflows or heap:
        if nextflow < nflows and (not heap or start_of(nextflow) <= heap[0][0]):
            t = start_of(nextflow)
            pk, facts = flow_packets(nextflow)
            if logf:
                ob = sum(o for d, _, o in pk if d == 0) - 14 * sum(1 for d, _, _ in pk if d == 0)
                rb = sum(o for d, _, o in pk if d == 1) - 14 * sum(1 for d, _, _ in pk if d == 1)
                no = sum(1 for d, _, _ in pk if d == 0)
                logf.write("%.6f\tC%d\t%s\t%d\t%s\t%d\t%s\t%s\t%.6f\t%d\t%d\tSF\tT\tF\t0\t-\t%d\t%d\t%d\t%d\t(empty)\n" % (
                    t, nextflow, ip(facts[0]), facts[2], ip(facts[1]), facts[3], facts[4],
                    "ssl" if facts[3] == 443 else "-", GAP * len(pk), ob, rb, no, ob, len(pk) - no, rb))
            for k, (d, fr, orig) in enumerate(pk):
                heapq.heappush(heap, (t + GAP * k, nextflow, k, fr, orig))
            nextflow += 1
            continue
        t, _, _, fr, orig = heapq.heappop(heap)
        sec = int(t)
        cap = fr if len(fr) <= SNAP or fr[54] == 0x16 else fr[:SNAP]
        f.write(pk_rec(sec, int((t - sec) * 1e6), len(cap), orig) + cap)
        written += 1
if logf:
    logf.close()
print("%d packets, %d flows" % (written, nflows), file=sys.stderr)

#!/usr/bin/env python3
"""Traffic and a register for the audit benchmark on the /16 scale lab.

usage: gen-audit-flows.py TRUTH OUTDIR [--flows N] [--end EPOCH] [--seed S]

TRUTH is the lab's "ip port" list of listeners in 198.19.0.0/17 (tests/lab/lab.sh up --big).
OUTDIR gets flows.pcap: N conversations (default 2,000,000) over the 36 hours before --end
(default now), in time order:
  70%  a user in 198.19.128.0/17 (8192 of them) to one of three quarters of the open
       (ip, port) pairs: handshake, request, answer, FIN both ways (6 packets);
  20%  a user to a random host of the /17 on 445, refused: SYN and RST (scan noise, not use);
  10%  a /17 host (its own traffic) to 203.0.113.0/24:443, 6 packets.
Also inventory.csv (every /17 address but each 64th; each 97th decommissioned) and site.conf
(the lab is internal, usage window 7 days). Frames are headers only with the IP lengths of
real packets. Deterministic for a seed.
"""
import os
import random
import struct
import sys
import time

truth, outdir = sys.argv[1], sys.argv[2]
args = dict(zip(sys.argv[3::2], sys.argv[4::2]))
nflows = int(args.get("--flows", "2000000"))
end = float(args.get("--end", int(time.time())))
rnd = random.Random(int(args.get("--seed", "1")))
span = 36 * 3600.0
os.makedirs(outdir, exist_ok=True)

pairs = []
for line in open(truth):
    ip, port = line.split()
    pairs.append((bytes(int(x) for x in ip.split(".")), int(port)))
pairs.sort()
rnd.shuffle(pairs)
used = pairs[: len(pairs) * 3 // 4]

ETH = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"
ip_hdr = struct.Struct("!BBHHHBBH4s4s").pack
tcp_hdr = struct.Struct("!HHIIBBHHH").pack
rec = struct.Struct("<IIII").pack


def frame(t, a, b, pa, pb, flags, payload):
    tot = 40 + payload
    fr = ETH + ip_hdr(0x45, 0, tot, 0, 0x4000, 64, 6, 0, a, b) + tcp_hdr(pa, pb, 0, 0, 0x50, flags, 65535, 0, 0)
    sec = int(t)
    return rec(sec, int((t - sec) * 1e6), len(fr), 14 + tot) + fr


def conversation(t, c, s, cp, sp, up, down):
    return b"".join((frame(t, c, s, cp, sp, 0x02, 0), frame(t + 0.001, s, c, sp, cp, 0x12, 0),
                     frame(t + 0.002, c, s, cp, sp, 0x18, up), frame(t + 0.004, s, c, sp, cp, 0x18, down),
                     frame(t + 0.005, c, s, cp, sp, 0x11, 0), frame(t + 0.006, s, c, sp, cp, 0x11, 0)))


users = [struct.pack("!BBH", 198, 19, 0x8000 + 1 + i * 4) for i in range(8192)]
t0 = end - span
step = span / nflows
with open(os.path.join(outdir, "flows.pcap"), "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    chunk = []
    for i in range(nflows):
        t = t0 + i * step
        k = rnd.random()
        cp = 1024 + (i * 7919) % 60000
        if k < 0.70:
            s, sp = used[rnd.randrange(len(used))]
            chunk.append(conversation(t, users[rnd.randrange(8192)], s, cp, sp, rnd.randint(80, 1400), rnd.randint(200, 1400)))
        elif k < 0.90:
            c, s = users[rnd.randrange(8192)], struct.pack("!BBH", 198, 19, rnd.randrange(1, 0x7fff))
            chunk.append(frame(t, c, s, cp, 445, 0x02, 0) + frame(t + 0.001, s, c, 445, cp, 0x14, 0))
        else:
            c, s = struct.pack("!BBH", 198, 19, rnd.randrange(1, 0x7fff)), bytes((203, 0, 113, rnd.randrange(1, 255)))
            chunk.append(conversation(t, c, s, cp, 443, rnd.randint(300, 1400), rnd.randint(500, 1400)))
        if len(chunk) == 4096:
            f.write(b"".join(chunk))
            chunk = []
    f.write(b"".join(chunk))

with open(os.path.join(outdir, "inventory.csv"), "w") as f:
    f.write("ip,hostname,owner,role,status\n")
    for n in range(1, 0x8000):
        if n % 64 == 0:
            continue
        f.write("198.19.%d.%d,h%d,ops,server,%s\n" % (n >> 8, n & 255, n, "decommissioned" if n % 97 == 0 else "active"))
with open(os.path.join(outdir, "site.conf"), "w") as f:
    f.write("[site]\ntimezone = UTC\ninternal = 198.18.0.0/15\n[usage]\nwindow_days = 7\n")
print("%d flows, %d open pairs, %d used" % (nflows, len(pairs), len(used)), file=sys.stderr)

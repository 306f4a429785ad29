#!/usr/bin/env python3
"""Sends NetFlow v9 export packets to a collector on loopback, each made
from a line of flows with their own times (the exporter's clock, not now):
  gen-netflow9.py HOST PORT EPOCH:SRC>DST:DPORT/PROTO[,...] ...
one argument per export packet, sent in order (a short pause between), each
with the template first. EPOCH is the flow's end; it lasted 5 s."""
import socket
import struct
import sys
import time

FIELDS = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 4), (2, 4), (22, 4), (21, 4)]  # src dst sport dport proto bytes pkts first last
PROTOS = {"tcp": 6, "udp": 17}


def packet(seq, flows):
    export = max(f[0] for f in flows) + 1
    uptime = 3_600_000  # the exporter booted an hour before
    boot = export - uptime / 1000
    tmpl = struct.pack("!HH", 256, len(FIELDS)) + b"".join(struct.pack("!HH", t, l) for t, l in FIELDS)
    tset = struct.pack("!HH", 0, 4 + len(tmpl)) + tmpl
    recs = b""
    for end, src, dst, dport, proto in flows:
        first, last = int((end - 5 - boot) * 1000), int((end - boot) * 1000)
        recs += socket.inet_aton(src) + socket.inet_aton(dst)
        recs += struct.pack("!HHBIIII", 40000 + dport % 1000, dport, PROTOS[proto], 4200, 7, first, last)
    while len(recs) % 4:
        recs += b"\0"
    dset = struct.pack("!HH", 256, 4 + len(recs)) + recs
    head = struct.pack("!HHIIII", 9, 1 + len(flows), uptime, int(export), seq, 1)
    return head + tset + dset


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for seq, arg in enumerate(sys.argv[3:]):
        flows = []
        for item in arg.split(","):
            end, rest = item.split(":", 1)
            src, rest = rest.split(">")
            dst, rest = rest.split(":")
            dport, proto = rest.split("/")
            flows.append((int(end), src, dst, int(dport), proto))
        s.sendto(packet(seq, flows), (host, port))
        time.sleep(0.2)


main()

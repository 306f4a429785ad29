#!/usr/bin/env python3
"""A PCP server (RFC 6887) on a loopback address for the cli suite, one that refuses: it answers
ANNOUNCE with SUCCESS (a PCP server is there) and every MAP request according to MODE:

  not-authorized  result NOT_AUTHORIZED (2), the request's payload echoed
  unsupp-opcode   result UNSUPP_OPCODE (4), no payload
  malformed       a SUCCESS reply whose MAP payload is cut short (44 bytes), then 3 bytes

NAT-PMP requests (version 0) get no answer. Written from RFC 6887 sections 7 and 11. Prints
"ready", then "map N" for each MAP request it answered, until killed.

usage: fake-pcp.py ADDR MODE
"""
import socket
import struct
import sys

addr, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, 5351))
print("ready", flush=True)
maps = 0
while True:
    req, peer = s.recvfrom(2048)
    if len(req) < 24 or req[0] != 2 or req[1] & 0x80:
        continue  # NAT-PMP, or not a request
    op = req[1] & 0x7F
    lifetime = struct.unpack("!I", req[4:8])[0]

    def header(result, life=0):
        # version, R bit | opcode, reserved, result, lifetime, epoch, 12 reserved bytes
        return struct.pack("!BBBBII", 2, 0x80 | op, 0, result, life, 1234) + bytes(12)

    if op == 0:  # ANNOUNCE
        s.sendto(header(0), peer)
        continue
    if op != 1:
        continue
    maps += 1
    print(f"map {maps}", flush=True)
    if mode == "not-authorized":
        s.sendto(header(2) + req[24:60], peer)
    elif mode == "unsupp-opcode":
        s.sendto(header(4), peer)
    else:  # success claimed, payload cut: the nonce and part of the ports only
        s.sendto(header(0, lifetime) + req[24:44], peer)
        s.sendto(b"\x02\x81\x00", peer)

#!/usr/bin/env python3
"""Writes a small MaxMind DB (format 2.0) mapping prefixes to countries, for tests.

usage: gen-mmdb.py OUT.mmdb --layout flat|maxmind PREFIX=CC...

flat:    records {"country_code": "DE"}, as the ip-location-db databases have them
maxmind: records {"country": {"iso_code": "DE"}}, as GeoLite2-Country has them
An IPv6 tree (record size 24); IPv4 prefixes live under ::/96 as the format says.
Written from the MaxMind DB format specification, for the project's tests.
"""
import ipaddress
import struct
import sys
import time

def ctrl(type_, size):
    """Control byte(s) for a field of the given type and payload size."""
    if size < 29:
        head, extra = size, b""
    elif size < 285:
        head, extra = 29, bytes([size - 29])
    else:
        head, extra = 30, struct.pack("!H", size - 285)
    if type_ <= 7:
        return bytes([type_ << 5 | head]) + extra
    return bytes([head, type_ - 7]) + extra

def enc(v):
    if isinstance(v, str):
        b = v.encode()
        return ctrl(2, len(b)) + b
    if isinstance(v, dict):
        out = ctrl(7, len(v))
        for k, x in v.items():
            out += enc(k) + enc(x)
        return out
    if isinstance(v, list):
        return ctrl(11, len(v)) + b"".join(enc(x) for x in v)
    if isinstance(v, tuple):  # (type, int)
        t, n = v
        b = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
        return ctrl(t, len(b)) + b
    raise TypeError(v)

def main():
    out = sys.argv[1]
    layout = sys.argv[3]
    pairs = []
    for arg in sys.argv[4:]:
        net, cc = arg.split("=")
        n = ipaddress.ip_network(net)
        if n.version == 4:
            bits = (int(n.network_address), 96 + n.prefixlen)
        else:
            bits = (int(n.network_address), n.prefixlen)
        pairs.append((bits, cc))
    data = b""
    offset = {}
    for _, cc in pairs:
        if cc not in offset:
            rec = {"country_code": cc} if layout == "flat" else {"country": {"iso_code": cc}}
            offset[cc] = len(data)
            data += enc(rec)
    # trie: node = [left, right]; an entry is ("n", idx), ("d", cc) or None
    nodes = [[None, None]]
    for (value, plen), cc in sorted(pairs, key=lambda p: p[0][1]):
        node = 0
        for depth in range(plen):
            bit = value >> (127 - depth) & 1
            if depth == plen - 1:
                nodes[node][bit] = ("d", cc)
                break
            child = nodes[node][bit]
            if child is None or child[0] == "d":
                nodes.append([child, child])  # a less specific record covers both halves
                nodes[node][bit] = ("n", len(nodes) - 1)
                child = nodes[node][bit]
            node = child[1]
    count = len(nodes)
    def rec(e):
        if e is None:
            return count
        if e[0] == "n":
            return e[1]
        return count + 16 + offset[e[1]]
    tree = b"".join(struct.pack("!I", rec(l))[1:] + struct.pack("!I", rec(r))[1:] for l, r in nodes)
    meta = {
        "binary_format_major_version": (5, 2),
        "binary_format_minor_version": (5, 0),
        "build_epoch": (9, 1763769600),
        "database_type": "dormant-test-country",
        "description": {"en": "dormant test database (%s layout)" % layout},
        "ip_version": (5, 6),
        "languages": ["en"],
        "node_count": (6, count),
        "record_size": (5, 24),
    }
    with open(out, "wb") as f:
        f.write(tree + b"\0" * 16 + data + b"\xab\xcd\xefMaxMind.com" + enc(meta))

main()

#!/usr/bin/env python3
"""Writes a small pcap of known conversations and the flows it must give.

usage: gen-pcap.py OUT.pcap TRUTH.json [--linktype ethernet|sll|raw]

Deterministic. Each conversation is built packet by packet (Ethernet, optional VLAN tag, IPv4 or
IPv6, TCP/UDP/ICMP with real headers) and the truth lists, per flow, the opener, the responder,
ports, protocol, packets and bytes each way (IP lengths), the application, and for TLS the SNI
and the JA3/JA4 fingerprints computed here from the ClientHello this script writes (the JA3 and
JA4 definitions, independently of dormant's C).
"""
import hashlib
import json
import struct

from pktlib import csum, ip4
import sys

out, truth_path = sys.argv[1], sys.argv[2]
link = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--linktype" else "ethernet"
LT = {"ethernet": 1, "sll": 113, "raw": 101}[link]
T0 = 1763778000.0  # 2025-11-22 02:20:00 UTC
packets = []
truth = []


def ip6(a):
    import ipaddress
    return ipaddress.IPv6Address(a).packed

def l3(src, dst, proto, payload, v6=False, frag_off=0, more=False):
    if v6:
        return struct.pack("!IHBB", 6 << 28, len(payload), proto, 64) + ip6(src) + ip6(dst) + payload
    flags = (0x2000 if more else 0) | frag_off
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, flags, 64, proto, 0, ip4(src), ip4(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload

def frame(ip_packet, v6=False, vlan=None):
    et = 0x86DD if v6 else 0x0800
    if LT == 101:
        return ip_packet
    if LT == 113:
        return struct.pack("!HHH8sH", 0, 1, 6, b"\x02\0\0\0\0\x01\0\0", et) + ip_packet
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01"
    if vlan is not None:
        eth += struct.pack("!HH", 0x8100, vlan)
    return eth + struct.pack("!H", et) + ip_packet

def add(t, ip_packet, v6=False, vlan=None):
    packets.append((T0 + t, frame(ip_packet, v6, vlan)))
    return len(ip_packet)

def tcp(sport, dport, flags, payload=b"", seq=1, ack=0):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload

def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload

SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04

def conversation(t, c, s, cport, sport, up, down, v6=False, vlan=None, app=None, extra=None, close="fin"):
    """A TCP conversation: handshake, one payload up and one down, then FIN or RST."""
    b = [0, 0]
    n = [0, 0]
    def send(dt, d, flags, payload=b""):
        src, dst, sp, dp = (c, s, cport, sport) if d == 0 else (s, c, sport, cport)
        b[d] += add(t + dt, l3(src, dst, 6, tcp(sp, dp, flags, payload), v6), v6, vlan)
        n[d] += 1
    send(0.000, 0, SYN)
    send(0.001, 1, SYN | ACK)
    send(0.002, 0, ACK)
    send(0.003, 0, PSH | ACK, up)
    send(0.010, 1, PSH | ACK, down)
    if close == "fin":
        send(0.011, 0, FIN | ACK)
        send(0.012, 1, FIN | ACK)
        send(0.013, 0, ACK)
    else:
        send(0.011, 1, RST)
    rec = {"src": c, "dst": s, "sport": cport, "dport": sport, "proto": "tcp", "pkts_out": n[0], "pkts_in": n[1],
           "bytes_out": b[0], "bytes_in": b[1], "app": app, "end_reason": close}
    rec.update(extra or {})
    truth.append(rec)

GREASE = 0x1A1A

def client_hello(sni, alpn=b"h2"):
    ciphers = [GREASE, 0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0x009C]
    groups = [GREASE, 0x001D, 0x0017, 0x0018]
    formats = [0]
    sigalgs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    exts = []
    def ext(t, body):
        exts.append((t, body))
    ext(GREASE, b"")
    name = sni.encode()
    ext(0x0000, struct.pack("!HBH", len(name) + 3, 0, len(name)) + name)
    ext(0x0017, b"")
    ext(0xFF01, b"\0")
    ext(0x000A, struct.pack("!H", 2 * len(groups)) + b"".join(struct.pack("!H", g) for g in groups))
    ext(0x000B, struct.pack("!B", len(formats)) + bytes(formats))
    ext(0x0023, b"")
    ext(0x0010, struct.pack("!HB", len(alpn) + 1, len(alpn)) + alpn)
    ext(0x000D, struct.pack("!H", 2 * len(sigalgs)) + b"".join(struct.pack("!H", a) for a in sigalgs))
    ext(0x002B, struct.pack("!B", 6) + struct.pack("!HHH", GREASE, 0x0304, 0x0303))
    ext(0x002D, b"\x01\x01")
    ext(0x0033, struct.pack("!HHH", 36, 0x001D, 32) + bytes(32))
    body = struct.pack("!H", 0x0303) + bytes(range(32)) + b"\x20" + bytes(32)
    body += struct.pack("!H", 2 * len(ciphers)) + b"".join(struct.pack("!H", c) for c in ciphers) + b"\x01\x00"
    eb = b"".join(struct.pack("!HH", t, len(x)) + x for t, x in exts)
    body += struct.pack("!H", len(eb)) + eb
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    rec = b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs
    # fingerprints, from their definitions
    g = lambda v: (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)
    c_ = [c for c in ciphers if not g(c)]
    e_ = [t for t, _ in exts if not g(t)]
    ja3s = "%d,%s,%s,%s,%s" % (0x0303, "-".join(map(str, c_)), "-".join(map(str, e_)),
                               "-".join(str(x) for x in groups if not g(x)), "-".join(map(str, formats)))
    ja3 = hashlib.md5(ja3s.encode()).hexdigest()
    a = "t13d%02d%02d%s" % (len(c_), len(e_), (alpn[:1] + alpn[-1:]).decode())
    b_ = hashlib.sha256(",".join("%04x" % c for c in sorted(c_)).encode()).hexdigest()[:12]
    ce = ",".join("%04x" % t for t in sorted(t for t in e_ if t not in (0, 0x10)))
    c2 = hashlib.sha256((ce + "_" + ",".join("%04x" % s for s in sigalgs)).encode()).hexdigest()[:12]
    return rec, ja3, "%s_%s_%s" % (a, b_, c2)

# 1: TLS to a named server, IPv4, with a DNS answer seen first
def dns_response(qname, addr, qid=0x1234):
    q = b"".join(bytes([len(p)]) + p.encode() for p in qname.split(".")) + b"\0" + struct.pack("!HH", 1, 1)
    ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + ip4(addr)
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + q + ans

def dns_query(qname, qid=0x1234):
    q = b"".join(bytes([len(p)]) + p.encode() for p in qname.split(".")) + b"\0" + struct.pack("!HH", 1, 1)
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q

q = dns_query("updates.example.org")
r = dns_response("updates.example.org", "198.18.7.7")
bq = add(0.0, l3("198.18.0.50", "198.18.0.2", 17, udp(40000, 53, q)))
br = add(0.001, l3("198.18.0.2", "198.18.0.50", 17, udp(53, 40000, r)))
truth.append({"src": "198.18.0.50", "dst": "198.18.0.2", "sport": 40000, "dport": 53, "proto": "udp", "pkts_out": 1,
              "pkts_in": 1, "bytes_out": bq, "bytes_in": br, "app": "dns", "end_reason": "idle"})
hello, ja3, ja4 = client_hello("updates.example.org")
conversation(0.1, "198.18.0.50", "198.18.7.7", 50001, 443, hello, b"\x16\x03\x03\x00\x04\x02\x00\x00\x00",
             app="tls", extra={"sni": "updates.example.org", "ja3": ja3, "ja4": ja4, "name": "updates.example.org",
                               "alpn": "h2"})
# 2: SSH, both version lines, closed by RST
conversation(1.0, "198.18.0.51", "198.18.0.11", 50002, 22, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
             b"SSH-2.0-OpenSSH_7.7p1 Ubuntu-4ubuntu0.3\r\n", app="ssh", close="rst",
             extra={"ssh_client": "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "ssh_server": "SSH-2.0-OpenSSH_7.7p1 Ubuntu-4ubuntu0.3"})
# 3: HTTP over IPv6 in a VLAN
conversation(2.0, "2001:db8::50", "2001:db8::10", 50003, 80, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
             b"HTTP/1.1 200 OK\r\n\r\n", v6=True, vlan=20, app="http")
# 4: the first packet seen is the server's answer (capture started late): the opener is still the client
b0 = add(3.0, l3("198.18.0.10", "198.18.0.52", 6, tcp(8080, 50004, PSH | ACK, b"late reply")))
b1 = add(3.1, l3("198.18.0.52", "198.18.0.10", 6, tcp(50004, 8080, ACK)))
truth.append({"src": "198.18.0.52", "dst": "198.18.0.10", "sport": 50004, "dport": 8080, "proto": "tcp", "pkts_out": 1,
              "pkts_in": 1, "bytes_out": b1, "bytes_in": b0, "app": None, "end_reason": "idle"})
# 5: ping, request and reply in one flow
i0 = add(4.0, l3("198.18.0.53", "198.18.0.1", 1, struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"x" * 56))
i1 = add(4.001, l3("198.18.0.1", "198.18.0.53", 1, struct.pack("!BBHHH", 0, 0, 0, 1, 1) + b"x" * 56))
truth.append({"src": "198.18.0.53", "dst": "198.18.0.1", "sport": 0, "dport": 0, "proto": "icmp", "pkts_out": 1,
              "pkts_in": 1, "bytes_out": i0, "bytes_in": i1, "app": None, "end_reason": "idle"})
# (flows silent for 60 s end "idle" when the packet at 200 s moves the clock)
# 6: a UDP flow silent for longer than the idle timeout is two flows
for k, t in enumerate((5.0, 5.5, 200.0)):
    add(t, l3("198.18.0.54", "198.18.0.3", 17, udp(40001, 123, bytes(48))))
truth.append({"src": "198.18.0.54", "dst": "198.18.0.3", "sport": 40001, "dport": 123, "proto": "udp", "pkts_out": 2,
              "pkts_in": 0, "bytes_out": 2 * 76, "bytes_in": 0, "app": None, "end_reason": "idle"})
truth.append({"src": "198.18.0.54", "dst": "198.18.0.3", "sport": 40001, "dport": 123, "proto": "udp", "pkts_out": 1,
              "pkts_in": 0, "bytes_out": 76, "bytes_in": 0, "app": None, "end_reason": "end"})
# 7: junk that is not IP (ARP), counted and ignored
if LT == 1:
    packets.append((T0 + 6.0, b"\xff" * 6 + b"\x02\0\0\0\0\x01" + b"\x08\x06" + bytes(28)))

packets.sort(key=lambda p: p[0])
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LT))
    for ts, data in packets:
        sec = int(ts)
        usec = int(round((ts - sec) * 1e6))
        f.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)
json.dump({"packets": len(packets), "flows": truth}, open(truth_path, "w"), indent=1)

"""Packet helpers shared by the test traffic generators."""
import struct


def csum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(a):
    return bytes(int(x) for x in a.split("."))


class Capture:
    """Packets of made-up conversations, written as a pcap (Ethernet). Payloads past the first
    bytes are not stored (snaplen) but counted in the IP lengths."""
    CHUNK = 65000

    def __init__(self, rnd, snap=128):
        self.rnd = rnd
        self.snap = snap
        self.frames = []

    def packet(self, t, src, dst, proto, l4, payload_len):
        """An IPv4 packet whose payload is l4 (captured) followed by payload_len bytes not captured."""
        total = 20 + len(l4) + payload_len
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0x4000, 64, proto, 0, ip4(src), ip4(dst))
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
        eth = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"
        data = eth + h + l4
        self.frames.append((t, data[:self.snap] if payload_len else data, 14 + total))

    def tcp(self, t, src, sp, dst, dp, flags, data=b"", extra=0, seq=0, ack=0):
        hdr = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0)
        self.packet(t, src, dst, 6, hdr + data, extra)

    def udp(self, t, src, sp, dst, dp, data):
        self.packet(t, src, dst, 17, struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data, 0)

    def client_hello(self, sni):
        ext = b""
        if sni:
            n = sni.encode()
            body = struct.pack("!BH", 0, len(n)) + n
            ext += struct.pack("!HHH", 0, len(body) + 2, len(body)) + body
        ext += struct.pack("!HHH", 10, 6, 4) + struct.pack("!HH", 29, 23)
        ext += struct.pack("!HHB", 11, 2, 1) + b"\0"
        ext += struct.pack("!HHB", 43, 5, 4) + struct.pack("!HH", 0x0304, 0x0303)
        suites = struct.pack("!HHHH", 0x1301, 0x1302, 0xc02f, 0xc030)
        hs = struct.pack("!H", 0x0303) + bytes(self.rnd.getrandbits(8) for _ in range(32)) + b"\0"
        hs += struct.pack("!H", len(suites)) + suites + b"\x01\x00" + struct.pack("!H", len(ext)) + ext
        hs = struct.pack("!B", 1) + struct.pack("!I", len(hs))[1:] + hs
        return struct.pack("!BHH", 0x16, 0x0301, len(hs)) + hs

    def session(self, t, src, dst, dport, up, down, sni=None, tls=True, dur=None, answer=True, rst=False, first=None):
        """One TCP conversation: handshake, the client's first payload (a ClientHello for TLS), the
        rest of `up` bytes and `down` bytes spread over dur seconds, then FIN both ways."""
        tcp = self.tcp
        sp = self.rnd.randint(32768, 60999)
        tcp(t, src, sp, dst, dport, 0x02)
        if not answer:
            tcp(t + 1, src, sp, dst, dport, 0x02)
            tcp(t + 3, src, sp, dst, dport, 0x02)
            return
        if rst:
            tcp(t + 0.01, dst, dport, src, sp, 0x14)
            return
        rtt = 0.03
        tcp(t + rtt, dst, dport, src, sp, 0x12)
        tcp(t + 2 * rtt, src, sp, dst, dport, 0x10)
        dur = dur if dur is not None else max(0.2, (up + down) / 2e6)
        hello = first if first is not None else self.client_hello(sni) if tls else b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        tt = t + 3 * rtt
        tcp(tt, src, sp, dst, dport, 0x18, hello)
        left_up = max(0, up - len(hello))
        left_down = down
        chunk = self.CHUNK
        n = max(1, (left_up + chunk - 1) // chunk, (left_down + chunk - 1) // chunk)
        for i in range(int(n)):
            ts = tt + rtt + (dur * (i + 1) / (n + 1))
            if left_down:
                k = min(chunk, left_down)
                tcp(ts, dst, dport, src, sp, 0x18, b"\x17\x03\x03", k - 3)
                left_down -= k
            if left_up:
                k = min(chunk, left_up)
                tcp(ts + 0.001, src, sp, dst, dport, 0x18, b"\x17\x03\x03", k - 3)
                left_up -= k
        te = tt + dur + 2 * rtt
        tcp(te, src, sp, dst, dport, 0x11)
        tcp(te + rtt, dst, dport, src, sp, 0x11)
        tcp(te + 2 * rtt, src, sp, dst, dport, 0x10)

    def ntp(self, t, src, dst):
        self.udp(t, src, 123, dst, 123, b"\x23" + b"\0" * 47)
        self.udp(t + 0.02, dst, 123, src, 123, b"\x24" + b"\0" * 47)

    def exchange(self, t, src, dst, dport, query, answer_len):
        """A UDP question and its answer (SNMP, DNS ...)."""
        sp = self.rnd.randint(32768, 60999)
        self.udp(t, src, sp, dst, dport, query)
        self.udp(t + 0.01, dst, dport, src, sp, b"\0" * answer_len)

    def write(self, path):
        self.frames.sort(key=lambda f: f[0])
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            for t, data, orig in self.frames:
                sec = int(t)
                f.write(struct.pack("<IIII", sec, int(round((t - sec) * 1e6)) % 1000000, len(data), orig))
                f.write(data)

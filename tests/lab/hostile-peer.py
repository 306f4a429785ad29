#!/usr/bin/env python3
"""A hostile device: TCP and UDP services that send terminal escapes, bidi
overrides, C1 controls, invalid UTF-8 and U+FFFE/U+FFFF, oversized and
never-ending replies, and peers that misbehave at the socket level.
Deterministic, stdlib only. Usage: hostile-peer.py ADDR MODE:PORT...

  close     accepts and closes at once (tcpwrapped ports, rate limiters)
  rst       accepts and resets (SO_LINGER 0)
  silent    accepts, reads nothing, never closes
  tlsdie    reads the ClientHello, sends half a ServerHello, resets
  ssh       an SSH-like banner full of escapes, then waits
  ftp       an FTP-like 220 banner full of escapes, then closes
  vnc       "RFB 003.008" followed by escapes and junk
  http      a page whose <title> and Server header carry escapes and markup
  huge      an HTTP answer with a 4 MiB header line, then closes
  endless   an HTTP answer whose headers never end
  ftprst    a plain FTP greeting, then resets on the first command (a login)
  sshrst    a plain OpenSSH banner, then resets once the client has spoken
  httprst   asks for a Basic login, resets the request that brings one
  snmp      (UDP) answers any SNMP v1/v2c GET with a sysDescr full of escapes
Prints "ready" on stdout once every port listens."""
import os, socket, struct, sys, threading, time

# Every kind of byte a terminal, a parser or a report can trip on.
EVIL = (b"\x1b]0;owned\x07"            # OSC: retitle the window, ended by BEL
        b"\x1b[2J\x1b[H"                # clear the screen, cursor home
        b"\x1b[8m"                      # hidden text
        b"\xc2\x9b31m"                  # C1 CSI (U+009B) in UTF-8
        b"\x9b"                         # a bare C1 byte: invalid UTF-8
        b"\xe2\x80\xaeevil\xe2\x80\xac"  # RLO ... PDF: Trojan Source
        b"\xe2\x81\xa6x\xe2\x81\xa9"      # LRI ... PDI
        b"\xef\xbf\xbe\xef\xbf\xbf"      # U+FFFE U+FFFF: not XML characters
        b"\xff\xfe\xc0\xaf"             # invalid UTF-8 (and an overlong '/')
        b"\x00\x01\x7f\x08\x0b\x0c"     # NUL, SOH, DEL, BS, VT, FF
        b"=cmd|'/c calc'!A1")           # a spreadsheet formula
MARKUP = b"\"'><script>alert(1)</script><img src=x onerror=alert(2)>"

held = []  # sockets the silent peer keeps open until the process ends


def reset(c):
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def drain(c, t=0.5):
    c.settimeout(t)
    try:
        return c.recv(65536)
    except OSError:
        return b""


def sendall(c, data):
    try:
        c.sendall(data)
    except OSError:
        pass


def http_head(c):
    c.settimeout(3)
    data = b""
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            k = c.recv(4096)
            if not k:
                break
            data += k
    except OSError:
        pass
    return data


def serve(mode, c):
    try:
        if mode == "close":
            c.close()
        elif mode == "rst":
            reset(c)
        elif mode == "silent":
            held.append(c)
        elif mode == "tlsdie":
            drain(c, 3)
            # a handshake record that promises 122 bytes and delivers 9
            sendall(c, b"\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03" + b"\x5a" * 7)
            time.sleep(0.2)
            reset(c)
        elif mode == "ssh":
            sendall(c, b"SSH-2.0-OpenSSH_9.9" + EVIL + b"\r\n")
            drain(c, 5)
            c.close()
        elif mode == "ftp":
            sendall(c, b"220 " + EVIL + b" FTP ready\r\n")
            drain(c, 1)
            sendall(c, b"530 " + EVIL + b"\r\n")
            c.close()
        elif mode == "vnc":
            sendall(c, b"RFB 003.008" + EVIL + b"\n")
            drain(c, 2)
            c.close()
        elif mode == "http":
            http_head(c)
            body = b"<html><head><title>" + EVIL + MARKUP + b"</title></head><body>" + MARKUP + b"</body></html>"
            sendall(c, b"HTTP/1.1 200 OK\r\nServer: Apache/2.4.1" + EVIL + MARKUP + b"\r\n"
                    b"Content-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
            c.close()
        elif mode == "ftprst":
            sendall(c, b"220 ProFTPD 1.3.8 Server ready.\r\n")
            drain(c, 5)
            reset(c)
        elif mode == "sshrst":
            sendall(c, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
            drain(c, 5)
            time.sleep(0.1)
            reset(c)
        elif mode == "httprst":
            req = http_head(c)
            if b"\nauthorization:" in req.lower():
                reset(c)
            else:
                sendall(c, b"HTTP/1.1 401 Unauthorized\r\nServer: lighttpd/1.4.69\r\nWWW-Authenticate: Basic realm=\"admin\"\r\n"
                        b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                c.close()
        elif mode == "huge":
            http_head(c)
            sendall(c, b"HTTP/1.1 200 OK\r\nX-Big: " + (EVIL + b"A" * 4000) * 1000 + b"\r\n\r\n")
            c.close()
        elif mode == "endless":
            http_head(c)
            c.settimeout(10)
            sendall(c, b"HTTP/1.1 200 OK\r\nServer: endless" + EVIL + b"\r\n")
            end = time.monotonic() + 60
            while time.monotonic() < end:
                c.sendall(b"X-More: " + EVIL + b"\r\n")
            c.close()
    except OSError:
        pass


def tcp(addr, mode, port):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    return s


def accept_loop(s, mode):
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(mode, c), daemon=True).start()


def ber_len(n):
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(t, v):
    return bytes([t]) + ber_len(len(v)) + v


def ber_read(d, i):
    """(tag, value, next index) of the TLV at d[i]."""
    t, n = d[i], d[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(d[i:i + k], "big")
        i += k
    return t, d[i:i + n], i + n


def snmp_answer(req):
    """Any v1/v2c request: a GetResponse binding every asked OID to the evil sysDescr."""
    t, msg, _ = ber_read(req, 0)
    if t != 0x30:
        return None
    _, ver, i = ber_read(msg, 0)
    _, comm, i = ber_read(msg, i)
    pt, pdu, _ = ber_read(msg, i)
    _, rid, j = ber_read(pdu, 0)
    _, _, j = ber_read(pdu, j)
    _, _, j = ber_read(pdu, j)
    _, vbl, _ = ber_read(pdu, j)
    binds, k = b"", 0
    while k < len(vbl):
        _, vb, k = ber_read(vbl, k)
        _, oid, _ = ber_read(vb, 0)
        binds += tlv(0x30, tlv(0x06, oid) + tlv(0x04, b"Linux evil " + EVIL + MARKUP))
    if not binds:
        return None
    pdu = tlv(0x02, rid) + tlv(0x02, b"\x00") + tlv(0x02, b"\x00") + tlv(0x30, binds)
    return tlv(0x30, tlv(0x02, ver) + tlv(0x04, comm) + tlv(0xA2, pdu))


def snmp_loop(s):
    while True:
        req, peer = s.recvfrom(65536)
        try:
            a = snmp_answer(req)
        except (IndexError, ValueError):
            a = None
        if a:
            s.sendto(a, peer)


def main():
    addr, specs = sys.argv[1], sys.argv[2:]
    loops = []
    for spec in specs:
        mode, port = spec.split(":")
        if mode == "snmp":
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind((addr, int(port)))
            loops.append(threading.Thread(target=snmp_loop, args=(u,), daemon=True))
        else:
            loops.append(threading.Thread(target=accept_loop, args=(tcp(addr, mode, int(port)), mode), daemon=True))
    for t in loops:
        t.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A TLS 1.2 server (OpenSSL through Python's ssl) that sends its handshake in small TCP segments.

usage: chunked-tls-server.py CERT KEY PORTFILE [CHUNK]

Listens on 127.0.0.1 (a free port, written to PORTFILE), serves one connection and exits. The
handshake runs over memory BIOs and every CHUNK bytes (default 300) the server writes are sent
apart (TCP_NODELAY, a short pause), so a capture holds the Certificate message over several
segments, as on a network with an ordinary MTU (loopback would otherwise send it in one).
"""
import socket
import ssl
import sys
import time

cert, key, portfile = sys.argv[1:4]
chunk = int(sys.argv[4]) if len(sys.argv) > 4 else 300
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(cert, key)
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
ls.settimeout(20)
with open(portfile, "w") as f:
    f.write(str(ls.getsockname()[1]))
conn, _ = ls.accept()
conn.settimeout(10)
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(inc, out, server_side=True)


def flush():
    data = out.read()
    for i in range(0, len(data), chunk):
        conn.sendall(data[i:i + chunk])
        time.sleep(0.02)


while True:
    try:
        tls.do_handshake()
        flush()
        break
    except ssl.SSLWantReadError:
        flush()
        d = conn.recv(65536)
        if not d:
            sys.exit(1)
        inc.write(d)
tls.write(b"hello\n")
flush()
conn.close()

#!/usr/bin/env python3
"""A capture in which servers say their versions: for `dormant audit --flows` (versions seen in traffic).

usage: gen-passive-pcap.py OUT.pcap TRUTH.json --net A.B.C. [--seed N] [--end EPOCH]

Internal servers (A.B.C.40 and .41, which no scanner reaches: nothing answers there) hold SSH and
HTTP conversations with clients: .40 says "SSH-2.0-OpenSSH_7.7" on 22 and "Server: Apache/2.4.49
(Unix)" on 80; .41 says "SSH-2.0-OpenSSH_9.9" on 2222 (nothing known against it). A client's own
SSH line, an external web server's vulnerable Server header (91.198.174.2) and a response that
carries no Server header are there too and must not become services of anyone. Each conversation
is a SYN, SYN-ACK, the server's payload and a FIN. TRUTH.json lists the services that must be
seen: [ip, port, name, banner]. No packet is sent anywhere: the capture is a file.
"""
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pktlib import Capture  # noqa: E402

args = sys.argv[1:]
out, truth_path = args[0], args[1]
L = args[args.index("--net") + 1] if "--net" in args else "198.18.0."
seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
end = float(args[args.index("--end") + 1]) if "--end" in args else float(int(time.time()))
rnd = random.Random(seed)
cap = Capture(rnd, snap=4096)
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def talk(t, client, server, sport, said_by_server, said_by_client=b""):
    cport = rnd.randint(33000, 60999)
    cap.tcp(t, client, cport, server, sport, SYN, seq=100)
    cap.tcp(t + 0.001, server, sport, client, cport, SYN | ACK, seq=500, ack=101)
    cap.tcp(t + 0.002, client, cport, server, sport, ACK, seq=101, ack=501)
    if said_by_client:
        cap.tcp(t + 0.003, client, cport, server, sport, PSH | ACK, said_by_client, seq=101, ack=501)
    cap.tcp(t + 0.004, server, sport, client, cport, PSH | ACK, said_by_server, seq=501, ack=101)
    cap.tcp(t + 0.2, client, cport, server, sport, FIN | ACK, seq=200, ack=900)
    cap.tcp(t + 0.201, server, sport, client, cport, FIN | ACK, seq=900, ack=201)


clients = [L + "50", L + "51", L + "21"]
t = end - 3600
for _ in range(3):
    c = rnd.choice(clients)
    talk(t, c, L + "40", 22, b"SSH-2.0-OpenSSH_7.7\r\n", b"SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n")
    talk(t + 5, c, L + "40", 80, b"HTTP/1.1 200 OK\r\nDate: Sun, 06 Dec 2026 08:00:00 GMT\r\n"
         b"Server: Apache/2.4.49 (Unix)\r\nContent-Length: 2\r\n\r\nok")
    talk(t + 9, c, L + "41", 2222, b"SSH-2.0-OpenSSH_9.9\r\n", b"SSH-2.0-PuTTY_Release_0.81\r\n")
    talk(t + 12, c, "91.198.174.2", 80, b"HTTP/1.1 200 OK\r\nServer: Apache/2.4.49 (Unix)\r\n\r\n")
    talk(t + 14, c, L + "41", 8080, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    t += rnd.uniform(300, 900)
cap.write(out)
truth = [[L + "40", 22, "ssh", "SSH-2.0-OpenSSH_7.7"], [L + "40", 80, "http", "Apache/2.4.49 (Unix)"],
         [L + "41", 2222, "ssh", "SSH-2.0-OpenSSH_9.9"]]
with open(truth_path, "w") as f:
    json.dump(truth, f)

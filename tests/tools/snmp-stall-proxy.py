#!/usr/bin/python3
"""A device that stops answering mid-walk: relays UDP datagrams between
dormant and an SNMP agent for the first N requests, then drops everything.
Loopback only. Usage: snmp-stall-proxy.py LISTEN_PORT AGENT_PORT N"""
import socket
import sys

listen, agent, budget = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(("127.0.0.1", listen))
back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
back.bind(("127.0.0.1", 0))
back.settimeout(5)
print("ready", flush=True)
while True:
    data, peer = front.recvfrom(65535)
    if budget <= 0:
        continue  # silent from here on
    budget -= 1
    back.sendto(data, ("127.0.0.1", agent))
    try:
        answer, _ = back.recvfrom(65535)
    except socket.timeout:
        continue
    front.sendto(answer, peer)

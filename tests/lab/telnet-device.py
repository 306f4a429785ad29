#!/usr/bin/env python3
"""A camera's telnet login for the lab (socat runs one per connection on
standard input/output), like the BusyBox telnetd of such devices: option
negotiation, "login:", "Password:", a shell prompt for the right pair and
"Login incorrect" otherwise. --stall: negotiate, then never prompt (a
device that never answers the login prompt).
Usage: telnet-device.py USER PASSWORD [--stall]"""
import os, sys, time

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
user, password = sys.argv[1], sys.argv[2]
out = sys.stdout.buffer
inp = sys.stdin.buffer

def send(b):
    out.write(b)
    out.flush()

last_cr = False

def readline():
    """A line of text, with the client's negotiation removed (CR, LF or CR LF)."""
    global last_cr
    line, state = bytearray(), 0
    while True:
        c = inp.read(1)
        if not c:
            sys.exit(0)
        c = c[0]
        if state == 0:
            if c == IAC: state = 1
            elif c == 10 and last_cr and not line:
                last_cr = False  # the LF of a CR LF already taken
            elif c in (10, 13):
                last_cr = c == 13
                return line.decode("utf-8", "replace")
            elif c != 0: line.append(c)
        elif state == 1: state = 3 if c == SB else (2 if c in (DO, DONT, WILL, WONT) else 0)
        elif state == 2: state = 0
        elif state == 3: state = 4 if c == IAC else 3
        elif state == 4: state = 0 if c == SE else 3

send(bytes([IAC, WILL, 1, IAC, WILL, 3, IAC, DO, 24]))  # echo, suppress go-ahead, terminal type
if "--stall" in sys.argv:
    time.sleep(120)
    sys.exit(0)
for _ in range(3):
    send(b"\r\nIPCamera login: ")
    u = readline().strip()
    send(b"Password: ")
    p = readline().strip()
    if u == user and p == password:
        send(b"\r\n\r\nBusyBox v1.19.3 (2016-05-10) built-in shell (ash)\r\n\r\n# ")
        readline()
        sys.exit(0)
    time.sleep(1)
    send(b"\r\nLogin incorrect\r\n")

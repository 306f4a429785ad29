#!/usr/bin/env python3
"""Writes a labelled traffic capture for the traffic rules, deterministic from a seed.

usage: gen-scenarios.py OUTDIR [--seed N]

OUTDIR gets scenarios.pcap (Ethernet, 36 hours from Monday 2026-11-16 00:00 in Asia/Shanghai;
large transfers are stored with a short snaplen and their true IP lengths), truth.json (per
scenario: its hosts and the (rule, host) findings it must give, nothing else), site.conf (the
site policy the truth assumes) and two country databases of the test addresses, one per layout
(geo-flat.mmdb: country_code; geo-maxmind.mmdb: country.iso_code).

Scenarios: beacons with periods 10 s to 1 h, jitter 0-50% and missed beats; a C2 whose address
changes every time behind one SNI; early-morning TLS uploads to a new foreign address each
session; an idle test device that wakes and connects into the protected core segment. Hard
negatives: NTP, update polling on many hosts, business-hours foreign browsing, TCP retry
bursts, a night-time download, an internal backup. No packet is sent anywhere.
"""
import json
import os
import random
import struct

from pktlib import Capture
import subprocess
import sys

import argparse

_ap = argparse.ArgumentParser(description="Writes a labelled traffic capture for the traffic rules.")
_ap.add_argument("outdir", help="folder for scenarios.pcap, truth.json, site.conf and the country databases")
_ap.add_argument("--seed", type=int, default=1)
_args = _ap.parse_args()
outdir, seed = _args.outdir, _args.seed
rnd = random.Random(seed)
T0 = 1794758400.0  # Monday 2026-11-16 00:00 +08:00
HOUR = 3600.0
END = T0 + 36 * HOUR
SNAP = 128
frames = []


cap = Capture(rnd, SNAP)
frames = cap.frames
tcp, udp, session, ntp, client_hello = cap.tcp, cap.udp, cap.session, cap.ntp, cap.client_hello

def business(t):
    # Asia/Shanghai has no DST: local = UTC+8; T0 is Monday 00:00 local
    local = (t - T0) % (7 * 86400)
    day, minute = int(local // 86400), (local % 86400) / 60
    return day < 5 and 8 * 60 + 30 <= minute < 18 * 60

truth = {"seed": seed, "start": T0, "end": END, "scenarios": {}}

def scenario(name, hosts, expect, about):
    truth["scenarios"][name] = {"about": about, "hosts": hosts,
                                "expect": [{"rule": r, "ip": ip} for ip, rules in expect.items() for r in rules]}

def foreign(prefix):
    return "%s.%d.%d.%d" % (prefix, rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(1, 254))

# Beacons: (period, jitter, missed fraction, hours it runs)
specs = [(10, 0.5, 0.0, 2), (30, 0.4, 0.05, 3), (60, 0.3, 0.1, 4), (300, 0.0, 0.2, 24), (900, 0.5, 0.1, 36),
         (3600, 0.2, 0.0, 36)]
hosts = []
for k, (period, jitter, missed, hours) in enumerate(specs):
    src = "10.1.0.%d" % (11 + k)
    dst = foreign("91")
    name = "sync%d.cdn-beacon.example" % k
    hosts.append(src)
    start = T0 + rnd.uniform(0, 600) + (6 * HOUR if hours <= 4 else 0)
    t = start
    while t < min(END, start + hours * HOUR):
        if rnd.random() >= missed:
            session(t, src, dst, 443, rnd.randint(380, 420), rnd.randint(900, 1100), sni=name, dur=0.3)
        t += period * (1 + rnd.uniform(-jitter, jitter))
scenario("beacons", hosts, {h: ["beacon"] for h in hosts},
         "periods 10 s to 1 h, jitter 0-50%, up to 20% missed beats")

# C2 rotating its address behind one SNI every call
src = "10.1.0.17"
t = T0 + 2 * HOUR
while t < T0 + 8 * HOUR:
    session(t, src, foreign("185"), 443, rnd.randint(600, 700), rnd.randint(1500, 1700), sni="api.telemetry-cloud.example", dur=0.4)
    t += 120 * (1 + rnd.uniform(-0.2, 0.2))
scenario("c2-rotating-address", [src], {src: ["beacon", "rotating-destinations"]},
         "one SNI, a new address each call, every 2 min with 20% jitter")

# Early-morning uploads to a new foreign address each session, by a host browsing by day
src = "10.1.0.21"
sites = [("site%d.example" % i, foreign(["91", "45", "36"][i % 3])) for i in range(60)]
def browse(src, start, end, mean_gap):
    t = start + rnd.expovariate(1 / mean_gap)
    while t < end:
        name, addr = rnd.choice(sites)
        up = int(10 ** rnd.uniform(2.7, 4.5))
        down = int(10 ** rnd.uniform(3.7, 6.3))
        session(t, src, addr, 443, up, down, sni=name)
        t += rnd.expovariate(1 / mean_gap)
browse(src, T0 + 8 * HOUR, T0 + 20 * HOUR, 300)
browse(src, T0 + 33 * HOUR, END, 300)
t = T0 + 26 * HOUR + rnd.uniform(0, 300)  # Tuesday 02:00
for i in range(12):
    session(t, src, foreign("185"), 443, rnd.randint(4200000, 4800000), rnd.randint(7000, 9000), sni=None, dur=300)
    t += rnd.uniform(400, 700)
scenario("night-exfiltration", [src], {src: ["offhours-foreign-encrypted", "rotating-destinations", "exfil-volume"]},
         "Tue 02:00-04:00 local: 12 TLS uploads of ~4.5 MB, each to a new address in NL")

# An idle test device (NTP only) that wakes and moves into the core
src = "10.9.0.5"
t = T0 + rnd.uniform(0, 1024)
while t < END:
    ntp(t, src, "45.33.0.123")
    t += 1024
t = T0 + 27 * HOUR + 600  # Tuesday 03:10
for k, (dst, port) in enumerate([("10.20.0.10", 22), ("10.20.0.11", 22), ("10.20.0.12", 445)]):
    session(t + 40 * k, src, dst, port, 4000, 6000, tls=False, first=b"SSH-2.0-OpenSSH_7.4\r\n" if port == 22 else b"\0\0\0\x2f\xffSMB", dur=5)
scenario("idle-wakes-into-core", [src], {src: ["idle-device-active", "lateral-from-idle"]},
         "NTP only for 27 h, then SSH and SMB into the protected core segment")

# Hard negatives
neg = []
for k in range(6):
    src = "10.1.0.%d" % (31 + k)
    neg.append(src)
    gap = 64 if k == 5 else 1024
    t = T0 + rnd.uniform(0, gap)
    while t < END:
        ntp(t, src, "91.189.89.%d" % (198 + k % 2))
        t += gap
scenario("ntp", neg, {}, "NTP every 64 s and 1024 s to foreign servers")
neg = []
poll_dst = foreign("45")
for k in range(8):
    src = "10.1.0.%d" % (41 + k)
    neg.append(src)
    t = T0 + rnd.uniform(0, 3600)
    while t < END:
        session(t, src, poll_dst, 443, rnd.randint(550, 650), rnd.randint(18000, 22000), sni="update.vendor.example", dur=0.5)
        t += 3600 * (1 + rnd.uniform(-0.05, 0.05))
scenario("update-polling", neg, {}, "8 hosts poll one foreign update server hourly, day and night")
neg = []
for k in range(4):
    src = "10.1.0.%d" % (51 + k)
    neg.append(src)
    browse(src, T0 + 9 * HOUR, T0 + 17.5 * HOUR, 60)
    browse(src, T0 + 33 * HOUR, END, 60)
scenario("business-browsing", neg, {}, "foreign and domestic HTTPS browsing in business hours")
src61, src62, src63 = "10.1.0.61", "10.1.0.62", "10.1.0.63"
dead = foreign("91")
for burst in (10, 14, 20):
    base = T0 + burst * HOUR
    flaky = foreign("45")
    for i in range(15):
        session(base + 3 * i, src61, dead, 443, 0, 0, answer=False)
    for i in range(20):
        session(base + 600 + 2 * i, src62, dead, 8443, 0, 0, rst=True)
    for i in range(25):
        session(base + 1200 + 5 * i, src63, flaky, 443, 500, 900, sni="flaky.service.example", dur=0.2)
scenario("retry-bursts", [src61, src62, src63], {}, "unanswered SYNs, refused connects, quick successful retries, 3 bursts a day")
src = "10.1.0.55"
session(T0 + 27 * HOUR, src, foreign("91"), 443, 20000, 150000000, sni="mirror.example-dl.de", dur=600)
session(T0 + 10 * HOUR, src, foreign("45"), 443, 3000, 80000, sni="site3.example")
scenario("night-download", [src], {}, "a 150 MB download from a foreign mirror at 03:00")
src = "10.1.0.56"
for h in range(0, 36, 6):
    session(T0 + h * HOUR + 60, src, "10.20.0.30", 873, 30000000, 200000, tls=False, first=b"@RSYNCD: 31.0\n", dur=120)
scenario("internal-backup", [src], {}, "30 MB to the core backup server every 6 hours")

os.makedirs(outdir, exist_ok=True)
cap.write(os.path.join(outdir, "scenarios.pcap"))
truth["packets"] = len(frames)
with open(os.path.join(outdir, "truth.json"), "w") as f:
    json.dump(truth, f, indent=1)
here = os.path.dirname(os.path.abspath(__file__))
countries = ["91.0.0.0/8=DE", "185.0.0.0/8=NL", "45.0.0.0/8=US", "36.0.0.0/8=CN"]
for layout in ("flat", "maxmind"):
    subprocess.check_call([sys.executable, os.path.join(here, "gen-mmdb.py"),
                           os.path.join(outdir, "geo-%s.mmdb" % layout), "--layout", layout] + countries)
with open(os.path.join(outdir, "site.conf"), "w") as f:
    f.write("""; the policy truth.json assumes
[site]
timezone = Asia/Shanghai
business_hours = 08:30-18:00
business_days = Mon-Fri
home_countries = CN
geoip = %s
internal = 10.0.0.0/8

[usage]
window_days = 1

[segment users]
cidr = 10.1.0.0/16

[segment test]
cidr = 10.9.0.0/24

[segment core]
cidr = 10.20.0.0/24
protected = yes
""" % os.path.join(os.path.abspath(outdir), "geo-flat.mmdb"))

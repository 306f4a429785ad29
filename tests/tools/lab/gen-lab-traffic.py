#!/usr/bin/env python3
"""Traffic, an asset register and a site policy for the lab, for `dormant audit`.

usage: gen-lab-traffic.py OUTDIR [--end EPOCH] [--seed N] [--net A.B.C.]

OUTDIR gets lab-traffic.pcap (three days of conversations among the lab's addresses, ending at
--end, default now), inventory.csv, dhcpd.leases (ISC) and dnsmasq.leases, site.conf (usage
window two days, the lab is internal) and
truth.json: the exact (rule, ip, port) findings one audit of the lab must give. What is in it:

  198.18.0.10 web server, registered, all four web ports used        -> nothing
  198.18.0.11 server, ssh used, ftp last used 2.5 days ago           -> unused-port 21
  198.18.0.12 sensor gateway, telnet, mqtt and snmp used; snmpd's
              SMUX port 199 is open too and nobody uses it           -> unused-port 199
  198.18.0.13 registered as decommissioned, still answers            -> decommissioned-alive
              and its Redis is used from the user segment (.21)      -> unexpected-service 6379
  198.18.0.14 file server with only DNS and NTP chatter              -> idle-host
  198.18.0.15 camera, web and RTSP used, telnet open                 -> unexpected-service 23
  198.18.0.16 test device that expired on 2026-06-30                 -> expired-test-device
  198.18.0.20 answers ARP, not in the register                       -> unregistered-host
  198.18.0.21 workstation browsing the web server                    -> nothing
  198.18.0.30 registered as decommissioned, answers no probe, but
              renewed its DHCP lease yesterday (dhcpd.leases)        -> decommissioned-alive
  198.18.0.31 a lease that ended ten days ago (outside the window)   -> nothing
  198.18.0.32 a laptop with a dnsmasq lease, answers no probe, not
              in the register (dnsmasq.leases)                       -> unregistered-host
  198.18.1.5  a lease outside the audited /24                        -> nothing
  198.18.0.50, .51 (clients), .53 (DNS), .123 (NTP): talk in the traffic, answer no probe
              (no such namespace), not in the register               -> unregistered-host
It also writes wake.pcap: the morning after, the idle file server wakes, connects into the
protected core segment (the database) and uploads to foreign addresses at 03:00 (the second
audit: truth.json's after_wake), and geo.mmdb, the countries of those addresses.
--net moves everything to another /24 (traffic of another network, for the bad-input test).
No packet is sent anywhere: the capture is a file.
"""
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "flow"))
from pktlib import Capture  # noqa: E402

args = sys.argv[1:]
outdir = args[0]
end = float(args[args.index("--end") + 1]) if "--end" in args else float(int(time.time()))
seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
rnd = random.Random(seed)
cap = Capture(rnd)
HOUR = 3600.0
start = end - 72 * HOUR
L = args[args.index("--net") + 1] if "--net" in args else "198.18.0."
clients = [L + "50", L + "51", L + "21"]


def every(first, last, gap):
    """Times from first to last, about gap seconds apart."""
    t = first + rnd.uniform(0, gap / 2)
    while t < last:
        yield t
        t += gap * rnd.uniform(0.6, 1.4)


for t in every(start, end - 60, 1800):  # web: plain and TLS, two ports each
    c = rnd.choice(clients)
    cap.session(t, c, L + "10", 80, 400, 20000, tls=False)
    cap.session(t + 5, c, L + "10", 443, 900, 40000, sni="intranet.lab")
    cap.session(t + 9, c, L + "10", 8080, 400, 9000, tls=False)
    cap.session(t + 13, c, L + "10", 8443, 900, 12000, sni="legacy.lab")
for t in every(start, end - 60, 3 * HOUR):  # ssh logins; ftp once, before the usage window
    cap.session(t, L + "50", L + "11", 22, 4000, 8000, first=b"SSH-2.0-OpenSSH_9.2\r\n")
cap.session(end - 60 * HOUR, L + "51", L + "11", 21, 300, 2000, tls=False, first=b"USER backup\r\n")
for t in every(start, end - 60, 2 * HOUR):  # the sensor gateway: telnet, mqtt, snmp
    cap.session(t, L + "50", L + "12", 23, 200, 900, tls=False, first=b"\xff\xfd\x18\xff\xfd\x20")
    cap.session(t + 20, L + "51", L + "12", 1883, 300, 300, tls=False, first=b"\x10\x10\x00\x04MQTT\x04\x02\x00\x3c")
    cap.exchange(t + 40, L + "50", L + "12", 161, b"\x30\x26\x02\x01\x01", 90)
for t in every(start, end - 60, HOUR):  # the camera's web UI and video, by the recorder
    cap.session(t, L + "51", L + "15", 80, 500, 3000, tls=False)
    cap.session(t + 3, L + "51", L + "15", 554, 700, 200000, tls=False, first=b"DESCRIBE rtsp://lab/ RTSP/1.0\r\n")
for t in every(start, end - 60, 6 * HOUR):  # alice's workstation reads the old Redis directly
    cap.session(t, L + "21", L + "13", 6379, 300, 5000, tls=False, first=b"*1\r\n$4\r\nKEYS\r\n")
for t in every(start, end - 60, 4 * HOUR):  # the idle file server: background chatter only
    cap.exchange(t, L + "14", L + "53", 53, b"\x12\x34\x01\x00\x00\x01", 60)
    cap.ntp(t + 1, L + "14", L + "123")
os.makedirs(outdir, exist_ok=True)
cap.write(os.path.join(outdir, "lab-traffic.pcap"))

# the next morning (wake.pcap, for the demo's second audit): the idle file server wakes at 03:00
# and connects into the protected core (the database), and uploads to a foreign address
wake = Capture(rnd)
w0 = (end // 86400) * 86400 + 3 * HOUR  # 03:00 UTC, the site's zone
while w0 < end + 600:
    w0 += 86400
wake.session(w0, L + "14", L + "13", 6379, 3000, 90000, tls=False, first=b"*1\r\n$4\r\nKEYS\r\n")
wake.session(w0 + 30, L + "14", L + "11", 22, 5000, 9000, first=b"SSH-2.0-libssh_0.10\r\n")
for k in range(4):
    wake.session(w0 + 60 + k * 300, L + "14", "91.%d.7.9" % (20 + k), 443, 30000000, 40000, sni=None)
wake.write(os.path.join(outdir, "wake.pcap"))

with open(os.path.join(outdir, "inventory.csv"), "w") as f:
    f.write("ip,mac,hostname,owner,role,status,expires,notes\n")
    f.write(L + "10,,web01,web team,web-server,active,,intranet\n")
    f.write(L + "11,,files-ssh,ops,server,active,,\n")
    f.write(L + "12,,gw-sensors,facilities,sensor-gateway,active,,\n")
    f.write(L + "13,,redis-old,data team,database,decommissioned,,retired 2025\n")
    f.write(L + "14,,fs02,ops,file-server,active,,\n")
    f.write(L + "15,,cam-lobby,security,camera,active,,\n")
    f.write(L + "16,,qa-box,qa,server,test,2026-06-30,load tests\n")
    f.write(L + "21,,ws-21,alice,workstation,active,,\n")
    f.write(L + "30,02:00:00:00:00:30,nas-old,ops,storage,decommissioned,,replaced 2025\n")


def isc_time(t):
    return time.strftime("%w %Y/%m/%d %H:%M:%S", time.gmtime(t))


with open(os.path.join(outdir, "dhcpd.leases"), "w") as f:
    f.write("# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
            "# This lease file was written by isc-dhcp-4.4.3-P1\n\nauthoring-byte-order little-endian;\n\n")
    for last, ip, mac, name in ((end - 86400 - 3600, "30", "02:00:00:00:00:30", "nas-old"),
                                (end - 86400, "30", "02:00:00:00:00:30", "nas-old"),
                                (end - 11 * 86400, "31", "02:00:00:00:00:31", "old-phone"),
                                (end - 3600, "21", "02:00:00:00:00:21", "ws-21")):
        f.write("lease %s%s {\n  starts %s;\n  ends %s;\n  cltt %s;\n  binding state active;\n"
                "  next binding state free;\n  hardware ethernet %s;\n  client-hostname \"%s\";\n}\n"
                % (L, ip, isc_time(last), isc_time(last + 86400), isc_time(last), mac, name))
with open(os.path.join(outdir, "dnsmasq.leases"), "w") as f:
    f.write("%d 02:00:00:00:00:32 %s32 laptop-bob 01:02:00:00:00:00:32\n" % (end + 43200, L))
    f.write("%d 02:00:00:00:01:05 %s5 elsewhere *\n" % (end + 43200, L[:-2] + "1."))
with open(os.path.join(outdir, "site.conf"), "w") as f:
    f.write("; the policy truth.json assumes\n[site]\ntimezone = UTC\ninternal = 198.18.0.0/15\nhome_countries = CN\n"
            "[usage]\nwindow_days = 2\n[segment core]\ncidr = 198.18.0.13/32\nprotected = yes\n"
            "[segment users]\ncidr = 198.18.0.21/32\nusers = yes\n")
truth = sorted([
    ["unused-port", L + "11", 21],
    ["unused-port", L + "12", 199],
    ["decommissioned-alive", L + "13", 0],
    ["unexpected-service", L + "13", 6379],
    ["idle-host", L + "14", 0],
    ["unexpected-service", L + "15", 23],
    ["expired-test-device", L + "16", 0],
    ["unregistered-host", L + "20", 0],
    ["decommissioned-alive", L + "30", 0],
    ["unregistered-host", L + "32", 0],
] + [["unregistered-host", L + x, 0] for x in ("50", "51", "53", "123")])
# the second audit, with wake.pcap: the first's findings, idle-host gone (the host woke), and these
after_wake = sorted([x for x in truth if x[0] != "idle-host"] + [
    ["lateral-from-idle", L + "14", 0],
    ["idle-device-active", L + "14", 0],
    ["offhours-foreign-encrypted", L + "14", 0],
    ["exfil-volume", L + "14", 0],  # its first night: no history, judged by destination (foreign, new)
])
with open(os.path.join(outdir, "truth.json"), "w") as f:
    json.dump({"start": start, "end": end, "findings": truth, "after_wake": after_wake}, f, indent=1)
subprocess.check_call([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "flow", "gen-mmdb.py"),
                       os.path.join(outdir, "geo.mmdb"), "--layout", "flat", "91.0.0.0/8=DE", "198.18.0.0/15=CN"])

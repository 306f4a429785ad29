#!/usr/bin/python3
"""Writes the simulated switches' walks (snmpsim .snmprec: OID|TAG|VALUE, in
OID order) from the layout below, written after the MIBs: SNMPv2-MIB system,
IF-MIB ifTable/ifXTable, IP-MIB ipNetToPhysicalTable, BRIDGE-MIB
dot1dBasePortIfIndex/dot1dTpFdbTable, Q-BRIDGE-MIB dot1qTpFdbTable/dot1qPvid,
LLDP-MIB lldpRemTable. truth.txt beside them says what dormant must find.
Run: tests/data/netdev/make-snmprec.py (rewrites sw1.snmprec, sw2.snmprec)."""
import os

DAY = 8640000  # TimeTicks per day
UP = 100 * DAY  # sysUpTime: up 100 days

def mac_hex(m):
    return m.replace(":", "")

def mac_oid(m):
    return ".".join(str(int(x, 16)) for x in m.split(":"))

def ifrows(out, ifs):
    for ix, name, alias, typ, admin, oper, speed, last, inoct, outoct in ifs:
        t = "1.3.6.1.2.1.2.2.1"
        out += [(f"{t}.1.{ix}", 2, ix), (f"{t}.2.{ix}", 4, name), (f"{t}.3.{ix}", 2, typ),
                (f"{t}.5.{ix}", 66, min(speed, 4294967295)), (f"{t}.7.{ix}", 2, admin),
                (f"{t}.8.{ix}", 2, oper), (f"{t}.9.{ix}", 67, last), (f"{t}.10.{ix}", 65, inoct % 2**32),
                (f"{t}.11.{ix}", 65, inoct // 600 % 2**32), (f"{t}.16.{ix}", 65, outoct % 2**32),
                (f"{t}.17.{ix}", 65, outoct // 600 % 2**32)]
        x = "1.3.6.1.2.1.31.1.1.1"
        out += [(f"{x}.1.{ix}", 4, name), (f"{x}.6.{ix}", 70, inoct), (f"{x}.7.{ix}", 70, inoct // 600),
                (f"{x}.10.{ix}", 70, outoct), (f"{x}.11.{ix}", 70, outoct // 600),
                (f"{x}.15.{ix}", 66, speed // 1000000), (f"{x}.18.{ix}", 4, alias)]

def system(out, descr, objid, name):
    out += [("1.3.6.1.2.1.1.1.0", 4, descr), ("1.3.6.1.2.1.1.2.0", 6, objid),
            ("1.3.6.1.2.1.1.3.0", 67, UP), ("1.3.6.1.2.1.1.5.0", 4, name)]

def write(path, rows):
    rows.sort(key=lambda r: [int(p) for p in r[0].split(".")])
    with open(path, "w") as f:
        for oid, tag, val in rows:
            if tag == "4x":
                f.write(f"{oid}|4x|{val}\n")
            else:
                f.write(f"{oid}|{tag}|{val}\n")

here = os.path.dirname(os.path.abspath(__file__))
G = 1000000000
ROUTER = "02:00:5e:10:00:01"
PRINTER = "00:1b:a9:4c:22:10"   # registered (register.csv)
STRANGER = "3c:5a:b4:77:01:02"  # in no register: on an access port
LAPTOP = "00:21:cc:61:70:0a"    # registered

# sw1: a 2960-like access switch, Cisco's ifIndex numbering (Gi0/N = 1010N)
rows = []
system(rows, "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE4, "
       "RELEASE SOFTWARE (fc1)", "1.3.6.1.4.1.9.1.1208", "sw1")
ifs = [
    # ifIndex, name, alias, type, admin, oper, speed, ifLastChange, in, out octets
    (1, "Vl1", "management", 53, 1, 1, G, 30 * 100, 9000000, 8000000),
    (10101, "Gi0/1", "printer 2F", 6, 1, 1, G, UP - 50 * DAY, 123456789012, 98765432),
    (10102, "Gi0/2", "desk 2.14", 6, 1, 2, G, 10 * DAY, 0, 0),           # idle 90 days
    (10103, "Gi0/3", "", 6, 1, 1, G, UP - 3 * DAY, 4400000, 51000000),   # a stranger behind it
    (10104, "Gi0/4", "spare (shut)", 6, 2, 2, G, 5 * DAY, 0, 0),         # disabled: fine
    (10105, "Gi0/5", "desk 2.15", 6, 1, 2, G, UP - 2 * DAY, 7700, 8800), # unplugged 2 days ago
    (10106, "Gi0/6", "meeting room", 6, 1, 1, G, UP - 60 * DAY, 5500000, 6600000),
    (10107, "Gi0/7", "uplink rtr1", 6, 1, 1, 10 * G, 20 * 100, 9 * 10**12, 7 * 10**12),
]
ifrows(rows, ifs)
bports = {1: 10101, 2: 10102, 3: 10103, 4: 10104, 5: 10105, 6: 10106, 7: 10107}
for p, ix in bports.items():
    rows.append((f"1.3.6.1.2.1.17.1.4.1.2.{p}", 2, ix))
pvid = {1: 10, 2: 10, 3: 20, 4: 10, 5: 10, 6: 10, 7: 1}
for p, v in pvid.items():
    rows.append((f"1.3.6.1.2.1.17.7.1.4.5.1.1.{p}", 66, v))
fdb = [(10, PRINTER, 1), (20, STRANGER, 3), (10, LAPTOP, 6), (1, ROUTER, 7)]
fdb += [(1, "00:50:56:01:00:%02x" % k, 7) for k in range(1, 6)]
for vlan, m, port in fdb:
    base = "1.3.6.1.2.1.17.7.1.2.2.1"
    rows += [(f"{base}.2.{vlan}.{mac_oid(m)}", 2, port), (f"{base}.3.{vlan}.{mac_oid(m)}", 2, 3)]
arp = [(1, "198.18.9.1", ROUTER), (1, "198.18.9.50", STRANGER), (1, "198.18.9.20", PRINTER)]
for ix, ip, m in arp:
    idx = f"{ix}.1.4.{ip}"
    rows += [(f"1.3.6.1.2.1.4.35.1.4.{idx}", "4x", mac_hex(m)), (f"1.3.6.1.2.1.4.35.1.6.{idx}", 2, 3)]
lldp = "1.0.8802.1.1.2.1.4.1.1"
rows += [(f"{lldp}.4.0.7.1", 2, 4), (f"{lldp}.5.0.7.1", "4x", mac_hex(ROUTER)), (f"{lldp}.6.0.7.1", 2, 5),
         (f"{lldp}.7.0.7.1", 4, "ge-0/0/1"), (f"{lldp}.8.0.7.1", 4, "to sw1 Gi0/7"),
         (f"{lldp}.9.0.7.1", 4, "rtr1")]
write(os.path.join(here, "sw1.snmprec"), rows)

# sw2: an older bridge without Q-BRIDGE (dot1dTpFdbTable, ipNetToMediaTable)
rows = []
system(rows, "ProCurve J4900B Switch 2626, revision H.10.83, ROM H.08.02", "1.3.6.1.4.1.11.2.3.7.11.34", "sw2")
ifrows(rows, [(1, "1", "lab bench", 6, 1, 1, 100000000, UP - 9 * DAY, 5000, 6000),
              (2, "2", "", 6, 1, 2, 100000000, 0, 0, 0)])
rows += [("1.3.6.1.2.1.17.1.4.1.2.1", 2, 1), ("1.3.6.1.2.1.17.1.4.1.2.2", 2, 2)]
m = "00:1b:a9:4c:22:99"
rows += [(f"1.3.6.1.2.1.17.4.3.1.1.{mac_oid(m)}", "4x", mac_hex(m)),
         (f"1.3.6.1.2.1.17.4.3.1.2.{mac_oid(m)}", 2, 1), (f"1.3.6.1.2.1.17.4.3.1.3.{mac_oid(m)}", 2, 3)]
rows += [("1.3.6.1.2.1.4.22.1.2.1.198.18.9.77", "4x", mac_hex(m)), ("1.3.6.1.2.1.4.22.1.4.1.198.18.9.77", 2, 3)]
write(os.path.join(here, "sw2.snmprec"), rows)

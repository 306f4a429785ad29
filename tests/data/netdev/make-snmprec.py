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
    (10108, "Gi0/8", "AP corridor", 6, 1, 1, G, UP - 40 * DAY, 77000, 88000),  # link, no MAC, counters still
]
ifrows(rows, ifs)
bports = {1: 10101, 2: 10102, 3: 10103, 4: 10104, 5: 10105, 6: 10106, 7: 10107, 8: 10108}
for p, ix in bports.items():
    rows.append((f"1.3.6.1.2.1.17.1.4.1.2.{p}", 2, ix))
pvid = {1: 10, 2: 10, 3: 20, 4: 10, 5: 10, 6: 10, 7: 1, 8: 30}
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

# sw3: a Catalyst access switch whose firmware is in CISA's KEV catalogue
# (IOS 15.2(5)E: CVE-2018-0171, Smart Install), with ENTITY-MIB's chassis
# row and a CDP neighbour on its uplink (CISCO-CDP-MIB cdpCacheTable)
rows = []
system(rows, "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(5)E, "
       "RELEASE SOFTWARE (fc1)", "1.3.6.1.4.1.9.1.1208", "sw3")
ifrows(rows, [(10101, "Gi1/0/1", "desk 3.01", 6, 1, 1, G, UP - 1 * DAY, 800000, 900000),
              (10148, "Gi1/0/48", "uplink rtr1", 6, 1, 1, G, 20 * 100, 9 * 10**11, 7 * 10**11)])
rows += [("1.3.6.1.2.1.17.1.4.1.2.1", 2, 10101), ("1.3.6.1.2.1.17.1.4.1.2.48", 2, 10148)]
ent = "1.3.6.1.2.1.47.1.1.1.1"
# entPhysicalTable: the chassis (class 3) and one of its ports (class 10)
for ix, cls, sw, mfg, model in [(1, 3, "15.2(5)E", "Cisco Systems, Inc.", "WS-C2960X-48FPD-L"),
                                (1001, 10, "", "", "")]:
    rows += [(f"{ent}.2.{ix}", 4, "WS-C2960X-48FPD-L" if cls == 3 else "GigabitEthernet1/0/1"),
             (f"{ent}.5.{ix}", 2, cls), (f"{ent}.10.{ix}", 4, sw), (f"{ent}.12.{ix}", 4, mfg),
             (f"{ent}.13.{ix}", 4, model)]
cdp = "1.3.6.1.4.1.9.9.23.1.2.1.1"
rows += [(f"{cdp}.3.10148.1", 2, 1), (f"{cdp}.4.10148.1", "4x", "c6120901"),
         (f"{cdp}.6.10148.1", 4, "rtr1.example.net"), (f"{cdp}.7.10148.1", 4, "GigabitEthernet0/0/1"),
         (f"{cdp}.8.10148.1", 4, "cisco ISR4331/K9")]
rows += [(f"1.3.6.1.2.1.17.4.3.1.1.{mac_oid(ROUTER)}", "4x", mac_hex(ROUTER)),
         (f"1.3.6.1.2.1.17.4.3.1.2.{mac_oid(ROUTER)}", 2, 48), (f"1.3.6.1.2.1.17.4.3.1.3.{mac_oid(ROUTER)}", 2, 3)]
write(os.path.join(here, "sw3.snmprec"), rows)

# Held-out sysDescr strings: real devices' strings from Recog's examples
# (snmp_sysdescr.xml), none of them an example of dormant's fingerprints;
# each a device with the system group only. heldout.txt says what they are.
HELD = [
    ("hx1", "Cisco IOS Software [Dublin], Catalyst L3 Switch Software (CAT9K_LITE_IOSXE), Version 17.12.5, "
            "RELEASE SOFTWARE (fc5)", "1.3.6.1.4.1.9.1.2694"),
    ("hx2", "Cisco NX-OS(tm) m9100, Software (m9100-s2ek9-mz), Version 5.0(4), RELEASE SOFTWARE Copyright (c) "
            "2002-2010 by Cisco Systems, Inc. Compiled 7/26/2010 15:00:00", "1.3.6.1.4.1.9.12.3.1.3.1"),
    ("hx3", "Arista Networks EOS version 4.22.4M running on an Arista Networks DCS-7280SR2K-48C6",
            "1.3.6.1.4.1.30065.1.3011"),
    ("hx4", "Aruba JL258A 2930F-8G-PoE+-2SFP+ Switch, revision WC.16.02.0014, ROM WC.16.01.0003",
            "1.3.6.1.4.1.11.2.3.7.11.181"),
    ("hx5", "Cisco Adaptive Security Appliance Version 7.2(4)17", "1.3.6.1.4.1.9.1.745"),
    ("hx6", "Brocade NetIron CER, IronWare Version V5.2.0dT183 Compiled on Mar 02 2012 at 19:15:05 labeled as "
            "V5.2.00d", "1.3.6.1.4.1.1991.1.3.55.1.2"),
    # AOS-CX (Recog gives no sysObjectID: the 6410's, from netdisco/snmp-info#414, for both)
    ("hx7", "Aruba JL641A 6400M 32G CL4 PoE 4SFP55 Swch FL.10.10.1019", "1.3.6.1.4.1.47196.4.1.1.1.151"),
    ("hx8", "Aruba R8W85A 8100-24XT4XF4C LL.10.13.1060", "1.3.6.1.4.1.47196.4.1.1.1.151"),
]
for name, descr, objid in HELD:
    rows = []
    system(rows, descr, objid, name)
    write(os.path.join(here, name + ".snmprec"), rows)

# sw1b: sw1 at a later walk (the same device, asked with community sw1b):
# the laptop moved from Gi0/6 to Gi0/5, and the printer on Gi0/1 was
# swapped for a device with another MAC; the laptop (198.18.9.30) is new in
# the ARP table
NEWPRINTER = "00:1b:a9:4c:22:11"
rows = []
for line in open(os.path.join(here, "sw1.snmprec")):
    oid, tag, val = line.rstrip("\n").split("|", 2)
    q = "1.3.6.1.2.1.17.7.1.2.2.1.2.10."
    if oid == q + mac_oid(LAPTOP):
        val = "5"
    if oid == "1.3.6.1.2.1.2.2.1.8.10105":
        val = "1"  # Gi0/5 has a link now
    for col in ("2", "3"):
        if oid == f"1.3.6.1.2.1.17.7.1.2.2.1.{col}.10.{mac_oid(PRINTER)}":
            oid = f"1.3.6.1.2.1.17.7.1.2.2.1.{col}.10.{mac_oid(NEWPRINTER)}"
    rows.append((oid, tag if tag == "4x" else int(tag), val))
rows += [("1.3.6.1.2.1.4.35.1.4.1.1.4.198.18.9.30", "4x", mac_hex(LAPTOP)),
         ("1.3.6.1.2.1.4.35.1.6.1.1.4.198.18.9.30", 2, 3)]
write(os.path.join(here, "sw1b.snmprec"), rows)

#!/usr/bin/env python3
"""Writes a labelled capture of a site's ordinary routine with planted problems, deterministic.

usage: gen-routine.py OUTDIR [--seed N] [--hosts N] [--days N] [--variant A|B|C|D]

A site of --hosts internal hosts (default 200) over --days days (default 14) from Monday
2026-11-16 00:00 in the site's zone. Routine (what must NOT raise an alarm above info):
nightly package updates and antivirus signatures at each host's own time, backups every night
to the local backup server and from the servers to a home-country cloud, a monitoring server
polling every server, NTP, DNS to the internal resolvers, office-hours browsing at home and
abroad, video calls in business hours with large uploads, a patch day with large downloads,
laptops that come on some days only, and a lab segment numbered from public space that is
internal only because it is a configured segment. Planted positives (truth.json names each
with the rules that must find it): beacons with jitter and missed beats, one behind a name whose
address changes every call, night uploads abroad to a new address each time, a slow
exfiltration that stays under the hourly volume rule, an idle device that wakes and moves into
the protected core.

The variant changes the parameters (addresses, times, periods, volumes, mix), so a detector
tuned on one can be measured on another it was not tuned on. Variant A is the tuning set.
Variant D also changes the routine itself: other vendors and countries for the nightly
jobs, jobs that run once a week (a full cloud backup on Sundays at the nightly backup's hour,
ten times its size; a cumulative update on Wednesdays; an inventory upload abroad on Mondays)
and jobs that run on business days only (an ERP export from the servers before office hours, a
CRM sync on arrival).

OUTDIR gets routine.pcap (large payloads cut by snaplen, true IP lengths kept), truth.json
({hosts: {ip: {role, days}}, expect: [{rule, ip, plant}]}), site.conf and geo.mmdb.

Hooks for more planted positives: append a function to PLANTS (see plant_* below); each gets
the Gen and returns nothing, registering its truth with gen.expect(). RITA_PLANTS is the list
reserved for the rules that find long sessions, DNS tunnels and threat-intelligence hits.
No packet is sent anywhere.
"""
import json
import os
import random
import subprocess
import sys

from pktlib import Capture

DAY = 86400.0
HOUR = 3600.0
T0 = 1794758400.0  # Monday 2026-11-16 00:00 +08:00 (Asia/Shanghai, no DST)

VARIANTS = {
    # tuning set
    "A": dict(users="10.1", laptops="10.2", servers="10.3", lab="203.0.113", core="10.20.0",
              av_hour=1, update_hour=6, backup_hour=2, cloud_hour=3, patch_day=8, browse_gap=900,
              laptop_p=0.6, call_p=0.5, beacon_periods=(60, 300, 1800, 7200), beacon_jitter=(0.3, 0.1, 0.5, 0.2)),
    # held out: other numbering, other hours, other periods and volumes
    "B": dict(users="172.20", laptops="172.21", servers="172.22", lab="198.51.100", core="172.30.5",
              av_hour=23, update_hour=4, backup_hour=1, cloud_hour=0, patch_day=9, browse_gap=600,
              laptop_p=0.45, call_p=0.7, beacon_periods=(45, 600, 2700, 5400), beacon_jitter=(0.45, 0.25, 0.2, 0.35)),
    "C": dict(users="192.168", laptops="10.50", servers="10.60", lab="100.100.7", core="10.70.1",
              av_hour=5, update_hour=22, backup_hour=0, cloud_hour=4, patch_day=1, browse_gap=1200,
              laptop_p=0.7, call_p=0.35, beacon_periods=(120, 900, 3600, 10800), beacon_jitter=(0.2, 0.5, 0.3, 0.1)),
    # held out: other numbering, hours, vendors and countries, and weekly and business-day jobs
    "D": dict(users="10.40", laptops="10.41", servers="10.42", lab="192.0.2", core="10.44.3",
              av_hour=21, update_hour=3, backup_hour=0, cloud_hour=2, patch_day=10, browse_gap=800,
              laptop_p=0.5, call_p=0.55, beacon_periods=(75, 480, 2400, 14400), beacon_jitter=(0.35, 0.15, 0.4, 0.25),
              av=("av-updates.sec-vendor.example", "80"), upd=("patches.os-vendor2.example", "13"),
              debian=("mirror.distro.example", "185"), cloud=("vault.cn-backup.example", "36"),
              weekly=True, bizday=True),
}

# External address plan: prefix -> country (the geo database says so)
COUNTRIES = {"91": "DE", "185": "NL", "45": "US", "36": "CN", "101": "CN", "52": "US", "80": "FR", "13": "JP"}
HOME = "CN"


class StreamCapture(Capture):
    """Capture that writes finished days to disk instead of holding 14 days in memory."""

    def __init__(self, rnd, snap, path):
        super().__init__(rnd, snap)
        self.f = open(path, "wb")
        import struct
        self.struct = struct
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        self.count = 0

    def flush(self, until):
        self.frames.sort(key=lambda f: f[0])
        k = 0
        pack = self.struct.pack
        for t, data, orig in self.frames:
            if t >= until:
                break
            sec = int(t)
            self.f.write(pack("<IIII", sec, int(round((t - sec) * 1e6)) % 1000000, len(data), orig))
            self.f.write(data)
            k += 1
        self.count += k
        del self.frames[:k]

    def close(self):
        self.flush(float("inf"))
        self.f.close()


class Gen:
    def __init__(self, outdir, seed, n_hosts, days, variant):
        self.rnd = random.Random(seed * 1000 + ord(variant))
        self.p = VARIANTS[variant]
        self.days = days
        self.end = T0 + days * DAY
        self.cap = StreamCapture(self.rnd, 128, os.path.join(outdir, "routine.pcap"))
        self.hosts = {}    # ip -> {"role", "days": set}
        self.truth = []    # {rule, ip, plant}
        self.events = []   # (day, fn): fn(day_start) generates that day's traffic of one host
        self.n_hosts = n_hosts
        self.seed, self.variant = seed, variant
        self.files = {}       # name -> text: more files a plant writes beside the capture
        self.conf_extra = []  # lines a plant adds to site.conf

    # --- addresses -------------------------------------------------------------------------
    def ext(self, prefix):
        r = self.rnd
        return "%s.%d.%d.%d" % (prefix, r.randint(0, 255), r.randint(0, 255), r.randint(1, 254))

    def host(self, ip, role):
        self.hosts[ip] = {"role": role, "days": set()}
        return ip

    def expect(self, rule, ip, plant):
        self.truth.append({"rule": rule, "ip": ip, "plant": plant})

    def daily(self, fn):
        self.events.append(fn)

    # --- traffic pieces -----------------------------------------------------------------------
    def session(self, t, src, dst, port, up, down, sni=None, **kw):
        if t >= self.end or t < T0:
            return
        d = int((t - T0) // DAY)
        if src in self.hosts:
            self.hosts[src]["days"].add(d)
        self.cap.session(t, src, dst, port, int(up), int(down), sni=sni, **kw)

    def ntp(self, t, src, dst):
        if T0 <= t < self.end:
            if src in self.hosts:
                self.hosts[src]["days"].add(int((t - T0) // DAY))
            self.cap.ntp(t, src, dst)

    def dns(self, t, src, resolver, name):
        if not (T0 <= t < self.end):
            return
        q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + b"".join(
            bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0\0\1\0\1"
        self.cap.exchange(t, src, resolver, 53, q, 60)

    def business(self, day):
        return day % 7 < 5


def build(g):
    p, r = g.p, g.rnd
    core = p["core"]
    backup_srv = "%s.30" % core
    resolver = "%s.53" % core
    monitor = "%s.5" % core
    ntp_srv = "%s.123" % core
    for ip, role in ((backup_srv, "core"), (resolver, "core"), (monitor, "core"), (ntp_srv, "core")):
        g.host(ip, role)

    # popular external destinations (name, address pool, country prefix)
    def pool(prefix, n):
        return [g.ext(prefix) for _ in range(n)]
    def vendor(key, name, prefix, n):
        name, prefix = p.get(key, (name, prefix))
        return (name, pool(prefix, n))
    av = vendor("av", "sig.av-vendor.example", "45", 4)
    upd = vendor("upd", "updates.os-vendor.example", "52", 6)
    debian = vendor("debian", "deb.debian.example", "91", 3)
    cloud = vendor("cloud", "backup.cn-cloud.example", "101", 2)
    meet = ("meet.video-calls.example", pool("13", 5))
    meet_cn = ("meeting.cn-calls.example", pool("36", 3))
    if p.get("weekly"):
        inventory = ("inventory.asset-saas.example", pool("52", 3))
    if p.get("bizday"):
        crm = ("crm.sales-saas.example", pool("45", 3))
        erp = ("erp.cn-saas.example", pool("101", 2))
    sites = [("www.site%d.example" % i, g.ext(["91", "45", "36", "101", "80", "185"][i % 6])) for i in range(120)]
    ntp_pub = ["91.189.89.%d" % k for k in (198, 199)]

    n = g.n_hosts
    n_lab = max(2, n // 20)
    n_srv = max(3, n // 10)
    n_lap = max(3, n * 15 // 100)
    n_users = n - n_lab - n_srv - n_lap - 4 - 7  # core hosts and plants aside
    users = [g.host("%s.%d.%d" % (p["users"], 1 + i // 200, 10 + i % 200), "desktop") for i in range(n_users)]
    laptops = [g.host("%s.0.%d" % (p["laptops"], 10 + i), "laptop") for i in range(n_lap)]
    servers = [g.host("%s.0.%d" % (p["servers"], 10 + i), "server") for i in range(n_srv)]
    lab = [g.host("%s.%d" % (p["lab"], 10 + i), "lab") for i in range(n_lab)]

    # each host's own minute for its nightly jobs (a fixed schedule, a few minutes of drift)
    # when: the days it runs (None: every day)
    def nightly(ip, hour, name, addrs, up, down, port=443, drift=180, p_skip=0.03, spread=50, when=None):
        minute = r.uniform(0, spread * 60)
        def fn(d, day0):
            if when and not when(d):
                return
            if r.random() < p_skip:
                return
            t = day0 + hour * HOUR + minute + r.uniform(-drift, drift)
            g.dns(t - 1, ip, resolver, name)
            g.session(t, ip, r.choice(addrs), port, up * r.uniform(0.8, 1.2), down * r.uniform(0.7, 1.3), sni=name,
                      dur=max(1, (up + down) / 4e6))
        return fn

    def browse(ip, day0, start_h, end_h, gap):
        t = day0 + start_h * HOUR + r.expovariate(1 / gap)
        while t < day0 + end_h * HOUR:
            name, addr = r.choice(sites)
            g.dns(t - 0.05, ip, resolver, name)
            g.session(t, ip, addr, 443, 10 ** r.uniform(2.7, 4.5), 10 ** r.uniform(3.7, 6.5), sni=name)
            t += r.expovariate(1 / gap)

    def call(ip, day0):
        t = day0 + r.uniform(9.5, 16.5) * HOUR
        name, addrs = r.choice([meet, meet_cn])
        mins = r.uniform(20, 60)
        up = mins * 60 * r.uniform(25e3, 50e3)  # 0.2-0.4 Mbit/s: 30-180 MB up a call
        g.session(t, ip, r.choice(addrs), 443, up, up * r.uniform(1, 1.5), sni=name, dur=mins * 60)

    office = {}
    for ip in users + laptops:
        office[ip] = (r.uniform(8.2, 9.5), r.uniform(17, 18.5))

    def office_day(ip, d, day0):
        a, b = office[ip]
        browse(ip, day0, a, b, p["browse_gap"])
        if r.random() < p["call_p"]:
            call(ip, day0)
        if d == p["patch_day"]:  # patch day: a large download from the OS vendor
            t = day0 + r.uniform(10, 15) * HOUR
            g.session(t, ip, r.choice(upd[1]), 443, 80e3, r.uniform(150e6, 400e6), sni=upd[0], dur=600)

    for ip in users:
        av_job = nightly(ip, p["av_hour"], av[0], av[1], 3e3, 8e6)
        up_job = nightly(ip, p["update_hour"], upd[0], upd[1], 2e3, 1.5e6)
        bk_job = nightly(ip, p["backup_hour"], "", [backup_srv], 40e6, 50e3, port=873) if r.random() < 0.3 else None
        more = []
        if p.get("weekly"):  # Wednesdays: the cumulative update; Mondays: the inventory upload abroad
            more.append(nightly(ip, 12, upd[0], upd[1], 40e3, r.uniform(30e6, 120e6), spread=90,
                                when=lambda d: d % 7 == 2))
            more.append(nightly(ip, 10, inventory[0], inventory[1], r.uniform(1e6, 4e6), 20e3, spread=50,
                                when=lambda d: d % 7 == 0))
        if p.get("bizday"):  # business days: the CRM client syncs when its user arrives
            a = office[ip][0]
            more.append(nightly(ip, int(a), crm[0], crm[1], 200e3, r.uniform(2e6, 5e6), drift=300,
                                spread=max(1, (a - int(a)) * 60 - 5), when=g.business))
        def fn(d, day0, ip=ip, av_job=av_job, up_job=up_job, bk_job=bk_job, more=more):
            av_job(d, day0)
            up_job(d, day0)
            if bk_job:
                bk_job(d, day0)
            for job in more:
                job(d, day0)
            g.ntp(day0 + r.uniform(0, DAY), ip, ntp_srv)
            if g.business(d):
                office_day(ip, d, day0)
        g.daily(fn)

    for ip in laptops:  # come on some business days only, for office hours
        def fn(d, day0, ip=ip):
            if not g.business(d) or r.random() > p["laptop_p"]:
                return
            office_day(ip, d, day0)
            # catch up on signatures on arrival
            g.session(day0 + office[ip][0] * HOUR + 60, ip, r.choice(av[1]), 443, 3e3, 8e6, sni=av[0])
        g.daily(fn)

    for k, ip in enumerate(servers):
        deb = nightly(ip, p["update_hour"], debian[0], debian[1], 5e3, 3e6, drift=60)
        bk = nightly(ip, p["backup_hour"], "", [backup_srv], r.uniform(100e6, 600e6), 100e3, port=873, drift=60)
        cl = nightly(ip, p["cloud_hour"], cloud[0], cloud[1], r.uniform(80e6, 500e6), 200e3, drift=120) \
            if k % 2 == 0 else None
        more = []
        if cl and p.get("weekly"):  # incremental on weekdays and Saturdays, the full backup on Sundays
            size = r.uniform(80e6, 300e6)
            cl = nightly(ip, p["cloud_hour"], cloud[0], cloud[1], size, 200e3, drift=120, when=lambda d: d % 7 != 6)
            more.append(nightly(ip, p["cloud_hour"], cloud[0], cloud[1], size * r.uniform(8, 15), 400e3, drift=120,
                                when=lambda d: d % 7 == 6))
        if p.get("bizday"):  # business days: the ERP export before office hours
            more.append(nightly(ip, 7, erp[0], erp[1], r.uniform(20e6, 120e6), 100e3, drift=120, spread=40,
                                when=g.business))
        def fn(d, day0, ip=ip, deb=deb, bk=bk, cl=cl, more=more):
            deb(d, day0)
            bk(d, day0)
            if cl:
                cl(d, day0)
            for job in more:
                job(d, day0)
            g.ntp(day0 + r.uniform(0, DAY), ip, ntp_srv)
            t = day0 + r.uniform(0, 300)  # monitoring: the monitor polls it every 5 minutes
            while t < day0 + DAY:
                g.cap.exchange(t, monitor, ip, 161, b"\x30\x26\x02\x01\x01" + b"\0" * 33, 120) if t < g.end else None
                t += 300
        g.daily(fn)

    for ip in lab:  # public-numbered lab segment: nightly updates, NTP abroad, some daytime work
        deb = nightly(ip, p["update_hour"], debian[0], debian[1], 5e3, 3e6, drift=60)
        def fn(d, day0, ip=ip, deb=deb):
            deb(d, day0)
            g.ntp(day0 + r.uniform(0, DAY), ip, r.choice(ntp_pub))
            if g.business(d) and r.random() < 0.7:
                browse(ip, day0, 9.5, 17, 1800)
        g.daily(fn)

    plants = dict(users=users, servers=servers, lab=lab, sites=sites, resolver=resolver, backup=backup_srv,
                  core=core, ntp=ntp_srv, browse=browse, office_day=office_day, office=office)
    for plant in PLANTS + RITA_PLANTS:
        plant(g, plants)

    for d in range(g.days):
        day0 = T0 + d * DAY
        for fn in g.events:
            fn(d, day0)
        g.cap.flush(day0 + DAY)


# --- planted positives ---------------------------------------------------------------------------
def plant_beacons(g, ctx):
    """Beacons at minutes to hours with jitter and missed beats; one rotates its address per call."""
    p, r = g.p, g.rnd
    for k, (period, jitter) in enumerate(zip(p["beacon_periods"], p["beacon_jitter"])):
        ip = g.host("%s.9.%d" % (p["users"], 10 + k), "desktop")
        name = "cdn%d.sync-beacon.example" % k
        rotating = k == 1
        dst = g.ext("185")
        length = max(4 * HOUR, min(5 * DAY, 60 * period))
        start_day = r.randint(1, max(1, min(6, g.days - 2 - int(length // DAY))))
        g.expect("beacon", ip, "beacon %ds jitter %d%%%s" % (period, jitter * 100, " rotating" if rotating else ""))
        if rotating:
            g.expect("rotating-destinations", ip, "beacon rotating its address under one name")
        state = {"t": T0 + start_day * DAY + r.uniform(0, DAY)}
        stop = state["t"] + length
        def fn(d, day0, ip=ip, name=name, dst=dst, rotating=rotating, period=period, jitter=jitter,
               state=state, stop=stop):
            while state["t"] < min(day0 + DAY, stop):
                if r.random() >= 0.1:  # missed beats
                    g.session(state["t"], ip, g.ext("185") if rotating else dst, 443, r.randint(380, 900),
                              r.randint(900, 2000), sni=name, dur=0.3)
                state["t"] += period * (1 + r.uniform(-jitter, jitter))
            ctx["office_day"](ip, d, day0) if g.business(d) and ip in ctx["office"] else None
        ctx["office"][ip] = (9, 17.5)
        g.daily(fn)


def plant_night_uploads(g, ctx):
    """Night uploads abroad, each session to a new address, on two nights by a day-time browser."""
    p, r = g.p, g.rnd
    ip = g.host("%s.9.20" % p["users"], "desktop")
    ctx["office"][ip] = (8.5, 17.5)
    first = r.randint(min(3, g.days - 2), g.days - 2)  # short runs: the last nights but one
    nights = (first, first + 1)  # two nights running: one episode
    g.expect("offhours-foreign-encrypted", ip, "night uploads abroad, new address each session")
    g.expect("rotating-destinations", ip, "night uploads abroad, new address each session")
    g.expect("exfil-volume", ip, "night uploads abroad, new address each session")
    def fn(d, day0, ip=ip):
        if g.business(d):
            ctx["office_day"](ip, d, day0)
        if d in nights:
            t = day0 + r.uniform(1.5, 3) * HOUR
            for _ in range(r.randint(10, 14)):
                g.session(t, ip, g.ext("185"), 443, r.randint(4000000, 6000000), r.randint(7000, 9000), dur=300)
                t += r.uniform(400, 700)
    g.daily(fn)


def plant_slow_exfil(g, ctx):
    """A slow exfiltration: about 12-18 MB an hour (under the hourly rule's 20 MB) through office
    hours for several days, to one foreign address, by a desktop whose uploads are otherwise small."""
    p, r = g.p, g.rnd
    ip = g.host("%s.9.21" % p["users"], "desktop")
    ctx["office"][ip] = (8.5, 17.5)
    dst, first = g.ext("80"), r.randint(2, max(2, g.days - 7))
    active = [d for d in range(first, g.days) if g.business(d)][:4]
    g.expect("exfil-volume", ip, "slow exfiltration under the hourly volume rule")
    def fn(d, day0, ip=ip):
        if not g.business(d):
            return
        ctx["office_day"](ip, d, day0)
        if d in active:
            t = day0 + 9.2 * HOUR
            while t < day0 + 17 * HOUR:
                g.session(t, ip, dst, 443, r.uniform(2.5e6, 3.6e6), r.uniform(5e3, 9e3), sni="files.share-drop.example",
                          dur=60)
                t += r.expovariate(1 / 750)  # at random moments: no period to find
    g.daily(fn)


def plant_idle_wakes(g, ctx):
    """An idle test device (NTP only) that wakes at night and connects into the protected core."""
    p, r = g.p, g.rnd
    ip = g.host("%s.0.250" % p["servers"], "test-device")
    wake = r.randint(min(8, g.days - 1), g.days - 1)  # after the 7-day usage window
    g.expect("idle-device-active", ip, "idle device wakes")
    g.expect("lateral-from-idle", ip, "idle device moves into the core")
    core = ctx["core"]
    def fn(d, day0, ip=ip):
        t = day0 + r.uniform(0, 1024)
        while t < day0 + DAY:
            g.ntp(t, ip, ctx["ntp"])
            t += 1024
        if d == wake:
            t = day0 + r.uniform(1, 4) * HOUR
            for k, (last, port) in enumerate([(10, 22), (11, 22), (12, 445)]):
                g.session(t + 40 * k, ip, "%s.%d" % (core, last), port, 4000, 6000, tls=False,
                          first=b"SSH-2.0-OpenSSH_7.4\r\n" if port == 22 else b"\0\0\0\x2f\xffSMB", dur=5)
    g.daily(fn)


PLANTS = [plant_beacons, plant_night_uploads, plant_slow_exfil, plant_idle_wakes]
# Reserved for helper "rita": long sessions, DNS tunnelling, threat-intelligence hits. Each entry is
# fn(g, ctx) like the plants above (g.host(), g.daily(), g.session(), g.dns(), g.expect()).


def plant_long_sessions(g, ctx):
    """Long sessions. Planted: a shell held open overnight to a foreign address, and a server that
    keeps reconnecting a tunnel to one home-country address through the working hours of four
    days (sessions of 20 minutes to 3 hours at irregular moments, over a day in all). Routine, at most info: an administrator's SSH to the partner's jump host
    through every working day, and remote workers on the company VPN gateway through office hours."""
    p, r = g.p, g.rnd
    ip = g.host("%s.9.30" % p["users"], "desktop")
    ctx["office"][ip] = (8.7, 17.6)
    # held-out variants: a shorter shell (4.5-5.5 h) in the afternoon, to a home-country address
    hard = g.variant != "A"
    shell, night, hours = g.ext("36" if hard else "185"), r.randint(min(3, g.days - 2), g.days - 2), r.uniform(4.5, 5.5) if hard \
        else r.uniform(6, 9)
    g.expect("long-connection", ip, "shell held %.1f h overnight to a foreign address" % hours)
    srv = g.host("%s.0.240" % p["servers"], "server")
    tunnel = g.ext("101")
    tunnel_days = [d for d in range(r.randint(1, 3), g.days) if g.business(d)][:4]
    g.expect("long-connection", srv, "tunnel reconnecting to one address through four working days")
    admin = ctx["users"][3]
    jump = g.ext("52")
    vpn_users = ctx["users"][10:16]
    vpn_gw = g.ext("36")

    def held(t, src, dst, port, secs, first_bytes=None, sni=None):
        # a chunk every minute or two, as keepalives and typing keep a quiet session going
        n = max(2, int(secs / r.uniform(60, 150)))
        g.session(t, src, dst, port, n * 65000 * r.uniform(0.1, 0.3), n * 65000, dur=secs, sni=sni,
                  tls=first_bytes is None, first=first_bytes)

    def fn(d, day0):
        if g.business(d):
            ctx["office_day"](ip, d, day0)
        if d == night:
            held(day0 + r.uniform(13, 14) * HOUR if hard else day0 + r.uniform(20.5, 22.5) * HOUR, ip, shell, 443,
                 hours * HOUR)
        if d in tunnel_days:
            t = day0 + r.uniform(8.5, 9) * HOUR
            while t < day0 + 17.5 * HOUR:
                secs = min(r.uniform(20, 180) * 60, day0 + 18 * HOUR - t)
                held(t, srv, tunnel, 8443, secs, first_bytes=b"\x00\x01tun")
                t += secs + r.expovariate(1 / 300.0)
        if g.business(d):
            if r.random() < 0.9:
                held(day0 + r.uniform(9.2, 10) * HOUR, admin, jump, 22, r.uniform(4.5, 6.5) * HOUR,
                     first_bytes=b"SSH-2.0-OpenSSH_9.2p1\r\n")
            for u in vpn_users:
                if r.random() < 0.6:
                    held(day0 + r.uniform(8.5, 9.5) * HOUR, u, vpn_gw, 443, r.uniform(7, 8.5) * HOUR,
                         sni="vpn.company-hq.example")
    g.daily(fn)


B32 = "abcdefghijklmnopqrstuvwxyz234567"


def plant_dns_tunnel(g, ctx):
    """A DNS tunnel: a desktop sends data as long random labels under one parent, TXT queries, for
    a few hours on one day, through the site's own resolver."""
    p, r = g.p, g.rnd
    ip = g.host("%s.9.31" % p["users"], "desktop")
    ctx["office"][ip] = (8.4, 17.2)
    parent = r.choice(["cloud-sync-cdn.example", "telemetry-hub.example.cn", "api-metrics.example"])
    day = r.randint(min(2, g.days - 2), g.days - 2)
    g.expect("dns-tunnel", ip, "DNS tunnel under %s" % parent)

    def fn(d, day0):
        if g.business(d):
            ctx["office_day"](ip, d, day0)
        if d == day:
            t = day0 + r.uniform(12, 15) * HOUR
            # held-out variants: fewer, shorter hex labels in A queries (a slower exfiltration tool)
            hard = g.variant != "A"
            for k in range(r.randint(300, 500) if hard else r.randint(900, 1600)):
                if hard:
                    label = "".join(r.choice("0123456789abcdef") for _ in range(r.randint(24, 32)))
                else:
                    label = "".join(r.choice(B32) for _ in range(r.randint(40, 60)))
                name = "%s.%d.t.%s" % (label, k % 100, parent)
                q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + b"".join(
                    bytes([len(x)]) + x.encode() for x in name.split(".")) + (b"\0\0\x01\0\1" if hard else b"\0\0\x10\0\1")
                g.cap.exchange(t, ip, ctx["resolver"], 53, q, 120)
                t += r.uniform(2, 12)
    g.daily(fn)


def plant_intel_hits(g, ctx):
    """Threat-intelligence hits: a host reaching a listed command server's address, and one asking
    the resolver for a listed domain before downloading from it. The lists (one indicator a line,
    a Zeek intel file, a CSV) hold many more indicators the traffic never touches."""
    p, r = g.p, g.rnd
    a = g.host("%s.9.32" % p["users"], "desktop")
    b = g.host("%s.9.33" % p["users"], "desktop")
    for ip in (a, b):
        ctx["office"][ip] = (8.6, 17.4)
    c2 = g.ext("45")
    bad_name, bad_addr = "dl.fresh-codecs.example", g.ext("91")
    g.expect("intel-match", a, "connects to a listed command server %s" % c2)
    g.expect("intel-match", b, "resolves a listed domain and downloads from it")
    days_a = sorted(r.sample(range(1, g.days), min(3, g.days - 1)))
    day_b = r.randint(1, g.days - 1)

    def fn(d, day0):
        if g.business(d):
            ctx["office_day"](a, d, day0)
            ctx["office_day"](b, d, day0)
        if d in days_a:
            g.session(day0 + r.uniform(10, 16) * HOUR, a, c2, 443, r.randint(2000, 6000), r.randint(3000, 90000))
        if d == day_b:
            t = day0 + r.uniform(10, 16) * HOUR
            g.dns(t, b, ctx["resolver"], bad_name)
            g.session(t + 0.1, b, bad_addr, 443, 3000, 2.5e6, sni=bad_name)
    g.daily(fn)
    hexd = "0123456789abcdef"
    decoy = lambda: "%d.%d.%d.%d" % (r.choice([5, 46, 62, 77, 109, 176, 193, 212]), r.randint(0, 255),
                                       r.randint(0, 255), r.randint(1, 254))
    lines = ["# block list, one indicator a line"] + [decoy() for _ in range(300)] + [c2]
    lines += ["%s.%d.0/24" % (decoy().rsplit(".", 2)[0], r.randint(0, 255)) for _ in range(20)]
    lines += ["bad%d.malware-drop.example" % k for k in range(50)]
    r.shuffle(lines)
    zeek = ["#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc"]
    zeek += ["%s\tIntel::DOMAIN\tfeed\tphishing" % ("login-%d.account-verify.example" % k) for k in range(100)]
    zeek += ["fresh-codecs.example\tIntel::DOMAIN\tfeed\tmalware distribution"]
    zeek += ["%s\tIntel::ADDR\tfeed\tscanner" % decoy() for _ in range(100)]
    csv = ["indicator,type,description"] + ["%s,ja3,loader" % "".join(r.choice(hexd) for _ in range(32))
                                           for _ in range(40)]
    csv += ["%s,cert_sha1,c2 certificate" % "".join(r.choice(hexd) for _ in range(40)) for _ in range(40)]
    g.files["intel.txt"] = "\n".join(lines) + "\n"
    g.files["intel.dat"] = "\n".join(zeek) + "\n"
    g.files["intel.csv"] = "\n".join(csv) + "\n"
    g.conf_extra.append("\n[intel]\nfiles = intel.txt, intel.dat, intel.csv\n")


RITA_PLANTS = [plant_long_sessions, plant_dns_tunnel, plant_intel_hits]


def main():
    args = sys.argv[1:]
    # a mistyped option must not become the output directory of a 500 MB capture
    known = ("--seed", "--hosts", "--days", "--variant")
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return
    if not args or args[0].startswith("-") or len(args) % 2 == 0:
        sys.exit("gen-routine.py: usage: gen-routine.py OUTDIR [--seed N] [--hosts N] [--days N] [--variant A|B|C|D]")
    outdir = args[0]
    opt = dict(zip(args[1::2], args[2::2]))
    for k in opt:
        if k not in known:
            sys.exit("gen-routine.py: unknown option %r (known: %s)" % (k, ", ".join(known)))
    seed = int(opt.get("--seed", 1))
    n_hosts = int(opt.get("--hosts", 200))
    days = int(opt.get("--days", 14))
    if days < 3:  # two nights running and a day before them
        sys.exit("gen-routine.py: --days %d: at least 3" % days)
    variant = opt.get("--variant", "A")
    os.makedirs(outdir, exist_ok=True)
    g = Gen(outdir, seed, n_hosts, days, variant)
    build(g)
    g.cap.close()
    hosts = {ip: {"role": h["role"], "days": len(h["days"])} for ip, h in g.hosts.items()}
    truth = {"seed": seed, "variant": variant, "n_hosts": n_hosts, "start": T0, "end": g.end, "days": days, "packets": g.cap.count,
             "hosts": hosts, "host_days": sum(h["days"] for h in hosts.values()), "expect": g.truth}
    with open(os.path.join(outdir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.check_call([sys.executable, os.path.join(here, "gen-mmdb.py"), os.path.join(outdir, "geo.mmdb"),
                           "--layout", "flat"] + ["%s.0.0.0/8=%s" % kv for kv in COUNTRIES.items()])
    p = g.p
    for name, text in g.files.items():
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)
    with open(os.path.join(outdir, "site.conf"), "w") as f:
        f.write("".join(g.conf_extra))
        # no `internal =`: what is ours comes from the private ranges and the segments
        f.write("""; the policy truth.json assumes
[site]
timezone = Asia/Shanghai
business_hours = 08:30-18:00
business_days = Mon-Fri
home_countries = %s
geoip = %s

[usage]
window_days = 7

[segment lab]
cidr = %s.0/24

[segment core]
cidr = %s.0/24
protected = yes
""" % (HOME, os.path.join(os.path.abspath(outdir), "geo.mmdb"), p["lab"], p["core"]))


main()

#!/usr/bin/env python3
"""Watch benchmark driver (bench/watch-bench.sh runs it): a day of generated
NetFlow v9 through `dormant watch`'s collector on loopback, every traffic
rule live, one threat-intelligence hit per hour (four in each slow hour; a new host each, so
each is one `new` alert). Measures records lost (sent vs the source's flow
counter), alert latency in stream time (from the evidence's end to the
alert's delivery in the JSON Lines channel, on the sender's clock: the hit is
said as its flow comes, not with its hour), the wall time from the hit's
packet to its alert, the hourly judgement's wall delay after the collector's
clock passed the hour's end plus the grace (what the rules of whole hours
wait), and the collector child's and the watcher's RSS over the run. After
the day, --slow-hours more hours at --slow-pace (stream seconds per wall
second) measure the stream-time latency where a wall millisecond is not
seconds of stream time. Prints Markdown.

The records of one hour are built once: v9 times are milliseconds since the
exporter's boot, and with the boot put two hours before each hour the same
bytes serve every hour; only the packet header (export time, sequence) is
written per packet."""
import argparse
import datetime
import json
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request

FIELDS = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 4), (2, 4), (22, 4), (21, 4)]
REC = struct.Struct("!4s4sHHBIIII")
HEAD = struct.Struct("!HHIIII")
BOOT = 7200  # the exporter booted two hours before each hour
PER_PACKET = 45  # records per export packet (about 1.35 kB, under a 1500-byte MTU)
INTEL = "203.0.113.66"


def template_packet(seq, export):
    tmpl = struct.pack("!HH", 256, len(FIELDS)) + b"".join(struct.pack("!HH", t, l) for t, l in FIELDS)
    tset = struct.pack("!HH", 0, 4 + len(tmpl)) + tmpl
    return HEAD.pack(9, 1, (BOOT + 1) * 1000, export, seq, 1) + tset


def data_set(recs):
    body = b"".join(REC.pack(*r) for r in recs)
    while len(body) % 4:
        body += b"\0"
    return struct.pack("!HH", 256, 4 + len(body)) + body


def rec(src, dst, sport, dport, proto, nbytes, pkts, start, end):
    return (socket.inet_aton(src), socket.inet_aton(dst), sport, dport, proto, nbytes, pkts,
            int((start + BOOT) * 1000), int((end + BOOT) * 1000))


def build_hour(n, seed, n_hosts):
    """One hour of traffic as (export offset, record count, data set bytes)."""
    rnd = random.Random(seed)
    hosts = ["10.20.%d.%d" % (i // 250, 1 + i % 250) for i in range(n_hosts)]
    servers = ["10.20.100.%d" % i for i in range(1, 60)]
    outside = ["198.51.100.%d" % i for i in range(1, 255)] + ["192.0.2.%d" % i for i in range(1, 255)]
    peers = {}  # each host keeps to a few peers, as hosts do
    for h in hosts:
        peers[h] = [(rnd.choice(servers), rnd.choice((53, 80, 443, 445, 22, 3389))) for _ in range(5)]
        peers[h] += [(rnd.choice(outside), rnd.choice((443, 443, 443, 80, 53, 22))) for _ in range(2)]
    flows = []
    for _ in range(n):
        start = rnd.uniform(0, 3590)
        dur = min(rnd.expovariate(1 / 20.0), 3599 - start)
        src = rnd.choice(hosts)
        dst, dport = rnd.choice(peers[src])
        proto = 17 if dport == 53 else 6
        flows.append((start + dur, rec(src, dst, rnd.randint(1024, 65535), dport, proto,
                                       rnd.randint(60, 200000), rnd.randint(1, 200), start, start + dur)))
    flows.sort(key=lambda f: f[0])
    out = []
    for i in range(0, len(flows), PER_PACKET):
        chunk = flows[i:i + PER_PACKET]
        out.append((int(chunk[-1][0]) + 1, len(chunk), data_set([r for _, r in chunk])))
    return out


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def mean_mb(v):
    return sum(v) / len(v) / 1024 if v else 0


def rx_queue(port):
    """Bytes waiting in the collector's socket (/proc/net/udp)."""
    with open("/proc/net/udp") as f:
        for line in f.readlines()[1:]:
            x = line.split()
            if x[1] == "0100007F:%04X" % port:
                return int(x[4].split(":")[1], 16)
    return 0


def metric(url, name):
    try:
        text = urllib.request.urlopen(url, timeout=2).read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


def rfc3339(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dormant")
    ap.add_argument("work")
    ap.add_argument("--hours", type=int, default=24)
    ap.add_argument("--hosts", type=int, default=2000, help="internal hosts of the generated hour")
    ap.add_argument("--seed", type=int, default=42, help="the generated hour's seed")
    ap.add_argument("--flows-per-hour", type=int, default=200000)
    ap.add_argument("--rate", type=float, default=250000, help="records per second sent")
    ap.add_argument("--grace", type=int, default=120)
    ap.add_argument("--slow-hours", type=int, default=2, help="hours after the day at --slow-pace")
    ap.add_argument("--slow-pace", type=float, default=240, help="stream seconds per wall second")
    a = ap.parse_args()
    w = a.work
    os.makedirs(w, exist_ok=True)
    for f in ("db", "db-wal", "db-shm", "alerts.jsonl", "watch-state", "log"):
        try:
            os.unlink(os.path.join(w, f))
        except FileNotFoundError:
            pass
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    mport = port + 1
    with open(os.path.join(w, "bad.txt"), "w") as f:
        f.write(INTEL + "\n")
    with open(os.path.join(w, "watch.conf"), "w") as f:
        f.write("""[site]
timezone = UTC
name = bench
business_hours = 08:00-18:00
home_countries = US
[intel]
files = bad.txt
[watch]
db = %s/db
[collect edge]
listen = 127.0.0.1:%d
grace = %ds
[alert hits]
type = jsonl
path = %s/alerts.jsonl
rules = intel-match
[metrics]
listen = 127.0.0.1:%d
""" % (w, port, a.grace, w, mport))
    url = "http://127.0.0.1:%d/metrics" % mport
    t_build = time.time()
    hour = build_hour(a.flows_per_hour, a.seed, a.hosts)
    t_build = time.time() - t_build
    log = open(os.path.join(w, "log"), "w")
    verbose = ["-v"] if os.environ.get("BENCH_VERBOSE") else []
    watcher = subprocess.Popen([a.dormant, "watch", "--config", os.path.join(w, "watch.conf")] + verbose,
                               stdout=subprocess.DEVNULL, stderr=log)
    child = 0
    for _ in range(100):
        m = re.search(r"collect edge: started \(pid (\d+)\)", open(os.path.join(w, "log")).read())
        if m:
            child = int(m.group(1))
            break
        time.sleep(0.1)
    if not child:
        print("watch-bench: the collector did not start", file=sys.stderr)
        watcher.kill()
        return 3
    time.sleep(0.5)

    day0 = 1767225600  # 2026-01-01T00:00Z, the exporter's clock
    clock_map = []  # (wall, sender's stream clock)
    rss = []  # (wall, child kB, watcher kB)
    alerts = {}  # host -> (wall at first sight, collector clock then, delivered: the alert's ts)
    n_alerts = [0]  # lines in the channel: one per hit, none again from the hours' judgement
    said = {}  # host -> (wall the log line was seen, the collector's stream clock when said at once)
    hours_judged = {}  # hour start -> wall its judgement was seen in the log
    rss_judged = []  # (hour start, child kB) as each hour's judgement is seen in the log
    rss_clock = []  # (the collector's stream clock, child kB), every 0.5 s
    coll_clock = []  # (wall, the collector's stream clock), every 0.25 s
    done = threading.Event()

    def observe():
        path = os.path.join(w, "alerts.jsonl")
        seen = 0
        next_rss = next_clk = 0
        logf = open(os.path.join(w, "log"))
        pending = ""
        while not done.is_set():
            pending += logf.read()
            *whole, pending = pending.split("\n")
            for line in whole:
                m = re.search(r"finding at once \(stream clock (\S+)\) \S+ intel-match (\S+?): ", line)
                if m:
                    said.setdefault(m.group(2), (time.time(), rfc3339(m.group(1))))
                m = re.search(r"collect edge: hour from (\S+) judged", line)
                if m:
                    hours_judged.setdefault(rfc3339(m.group(1)), time.time())
                    rss_judged.append((rfc3339(m.group(1)), rss_kb(child)))
            now = time.time()
            if now >= next_rss:
                rss.append((now, rss_kb(child), rss_kb(watcher.pid)))
                if coll_clock and rss[-1][1]:
                    rss_clock.append((coll_clock[-1][1], rss[-1][1]))
                next_rss = now + 0.5
            if now >= next_clk:
                clk = metric(url, "dormant_source_stream_clock_seconds")
                if clk:
                    coll_clock.append((now, clk))
                next_clk = now + 0.25
            try:
                with open(path) as f:
                    lines = f.read().splitlines()
            except FileNotFoundError:
                lines = []
            if len(lines) > seen:
                t = time.time()
                clk = metric(url, "dormant_source_stream_clock_seconds")
                for line in lines[seen:]:
                    al = json.loads(line)
                    # the alert's ts is to the millisecond: its middle
                    alerts.setdefault(al["finding"]["ip"], (t, clk, rfc3339(al["ts"]) + 0.0005))
                seen = len(lines)
                n_alerts[0] = seen
            time.sleep(0.01)

    obs = threading.Thread(target=observe)
    obs.start()
    sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    seq = 0
    sent = 0
    evidence = {}  # host -> (evidence end, hour end)
    hit_sent = {}  # host -> wall its packet was sent
    slow = set()  # hosts of the slow hours
    passed = {}  # hour end -> wall when the sender's clock passed it plus the grace
    t0 = time.time()
    due = t0  # when the records sent so far are due, at each hour's pace
    last = a.hours + a.slow_hours  # one more hour: its flows close the last one
    slow_rate = a.flows_per_hour * a.slow_pace / 3600.0
    t_fast = t_slow = 0.0
    day_sent = 0
    for k in range(last + 1):
        base = day0 + k * 3600
        if k == a.hours and a.slow_hours:
            # the slow stretch starts once the collector has caught up
            # with the day (its socket empty, the day's hours judged but
            # the last, which the next hour's flows close), at most 2 min
            clock_map.append((time.time(), clock_map[-1][1]))
            waited = time.time()
            while time.time() - waited < 120:
                judged_now = metric(url, "dormant_source_hours_judged_total") or 0
                if rx_queue(port) == 0 and judged_now >= a.hours - 1:
                    break
                time.sleep(0.1)
            clock_map.append((time.time(), clock_map[-1][1]))
            due = time.time()
        sk.sendto(template_packet(seq, base + 1), ("127.0.0.1", port))
        seq += 1
        is_slow = a.hours <= k < last
        rate = slow_rate if is_slow else a.rate
        if k < a.hours:  # one hit an hour, spread over the hour
            hits = [(600 + (2760 * k) // max(a.hours - 1, 1) + 5, "10.99.0.%d" % (k + 1))]
        else:  # four an hour in the slow stretch, each from a new host
            hits = [(305 + 810 * j + 97 * (k - a.hours), "10.99.%d.%d" % (k - a.hours + 1, j + 1))
                    for j in range(4)]
        if k >= last:
            hits = []
        if is_slow:
            slow.update(h for _, h in hits)
        t_hour = time.time()
        for i, (off, n, body) in enumerate(hour):
            while hits and off > hits[0][0]:
                ev_end, host = hits.pop(0)
                r = rec(host, INTEL, 40000, 443, 6, 4200, 7, ev_end - 5, ev_end)
                sk.sendto(HEAD.pack(9, 1, (BOOT + ev_end + 1) * 1000, base + ev_end + 1, seq, 1)
                          + data_set([r]), ("127.0.0.1", port))
                hit_sent[host] = time.time()
                clock_map.append((hit_sent[host], base + ev_end + 1))
                seq += 1
                sent += 1
                due += 1 / rate
                evidence[host] = (base + ev_end, base + 3600)
            sk.sendto(HEAD.pack(9, n, (BOOT + off) * 1000, base + off, seq, 1) + body, ("127.0.0.1", port))
            seq += 1
            sent += n
            due += n / rate
            if k and off >= a.grace and (base not in passed):
                passed[base] = time.time()  # the previous hour's end plus the grace
            if i % 32 == 0 or is_slow:  # slow: paced by the packet, not in bursts
                clock_map.append((time.time(), base + off))
                ahead = due - time.time()
                if ahead > 0:
                    time.sleep(ahead)
        if is_slow:
            t_slow += time.time() - t_hour
        else:
            t_fast += time.time() - t_hour
        if k == a.hours - 1:
            day_sent = sent
    wall = time.time() - t0
    clock_map.append((time.time(), day0 + (a.hours + 1) * 3600))
    # the collector catches up (its socket holds what it has not read yet):
    # until its flow counter stops rising for 3 s, at most 10 minutes
    flows_in, waited = None, time.time()
    while time.time() - waited < 600:
        now_in = metric(url, "dormant_source_flows_total")
        if rx_queue(port) == 0 and now_in == flows_in:
            break
        flows_in = now_in
        time.sleep(2.5)  # the child says its counters every second, not while it judges
    caught_up = time.time() - t0 - 2.5
    for _ in range(100):  # the last evidence's alert
        if len(alerts) >= len(evidence):
            break
        time.sleep(0.05)
    drops = metric(url, "dormant_source_drops_total")
    late = metric(url, "dormant_source_late_flows_total")
    done.set()
    obs.join()
    watcher.send_signal(signal.SIGTERM)
    rc = watcher.wait(300)
    # every flow taken in is judged in some hour (late ones with the current)
    judged = sum(int(x) for x in re.findall(r"collect edge: hour from \S+ judged: (\d+) flows",
                                            open(os.path.join(w, "log")).read()))

    def sender_clock(t):  # interpolated stream time of the sender at wall t
        for (ta, ca), (tb, cb) in zip(clock_map, clock_map[1:]):
            if ta <= t <= tb:
                return ca + (cb - ca) * (t - ta) / (tb - ta) if tb > ta else cb
        return clock_map[-1][1]

    def collector_passed(t):  # wall when the collector's clock first reached t
        for wall_t, clk in coll_clock:
            if clk >= t:
                return wall_t
        return None

    # per group (the day at full rate, the slow stretch): the early path's
    # latency from the evidence's end, in the sender's stream time at
    # delivery; its wall time from the hit's packet to delivery; the
    # collector's clock when the hit was said, less the evidence's end
    lat_ev = {False: [], True: []}
    wall_hit = {False: [], True: []}
    said_at = {False: [], True: []}
    # delivered before its hour was judged, by the order of the one log the
    # child and the watcher write: said at once, then a delivery, then the
    # hour's judgement (none of it without the early path)
    said_line, judged_line, deliver_lines = {}, {}, []
    for i, line in enumerate(open(os.path.join(w, "log"))):
        m = re.search(r"finding at once \(stream clock \S+\) \S+ intel-match (\S+?): ", line)
        if m:
            said_line.setdefault(m.group(1), i)
        m = re.search(r"collect edge: hour from (\S+) judged", line)
        if m:
            judged_line.setdefault(rfc3339(m.group(1)), i)
        if re.search(r"watch: alerts: [1-9]\d* delivered", line):
            deliver_lines.append(i)
    before_hour = {False: 0, True: 0}
    delay, delay_coll = [], []  # the hours' judgement, wall after end + grace
    for host, (ev, hend) in evidence.items():
        g = host in slow
        if host not in alerts:
            continue
        t, clk, delivered = alerts[host]
        lat_ev[g].append(sender_clock(delivered) - ev)
        wall_hit[g].append(delivered - hit_sent[host])
        if host in said:
            said_at[g].append(said[host][1] - ev)
        hj = hours_judged.get(hend - 3600)
        jl = judged_line.get(hend - 3600, 1 << 60)
        if host in said_line and any(said_line[host] < d < jl for d in deliver_lines):
            before_hour[g] += 1
        if hj is not None and not g:
            if hend in passed:
                delay.append(hj - passed[hend])
            closed = collector_passed(hend + a.grace)
            if closed is not None:
                delay_coll.append(hj - closed)
    n_rss = len(rss)
    q = max(n_rss // 4, 1)
    day_rss = [x for x in rss if x[0] <= t0 + t_fast + 30]  # the day, its catching up included
    q = max(len(day_rss) // 4, 1)
    child_rss = [c for _, c, _ in rss if c]
    first_q = [c for _, c, _ in day_rss[:q] if c]
    last_q = [c for _, c, _ in day_rss[-q:] if c]

    def stat(v, unit="s"):
        if not v:
            return "-"
        v = sorted(v)
        return "median %.0f %s, max %.0f %s" % (v[len(v) // 2], unit, v[-1], unit)

    fast_pace = a.hours * 3600 / max(t_fast, 0.001)
    slow_pace = a.slow_hours * 3600 / max(t_slow, 0.001)
    n_fast = sum(1 for h in evidence if h not in slow)
    n_slow = len(evidence) - n_fast

    print("### dormant watch: a day of NetFlow v9 through the collector (`bench/watch-bench.sh`)\n")
    print("Input: %d stream hours (+1 to close the last) of %d generated flows each (%d internal hosts, seed %d, "
          "each keeping to 5 of 59 internal servers and 2 of 508 outside addresses), %d records per v9 packet, "
          "one threat-intelligence hit per hour from a new host (four an hour in the slow stretch); every traffic rule live; grace %d s; "
          "the alert channel takes intel-match. Hour built in %.1f s. Machine: 2 cores, shared.\n"
          % (a.hours, a.flows_per_hour, a.hosts, a.seed, PER_PACKET, a.grace, t_build))
    print("| figure | value | goal |")
    print("|---|---|---|")
    print("| records sent | the day: %d in %.1f s (%.0f records/s); in all %d in %.1f s (the slow stretch and "
          "the wait before it included) | >= 200k/s |" % (day_sent, t_fast, day_sent / max(t_fast, 0.001), sent, wall))
    print("| records taken in by the collector | in %.1f s from the first send (%.0f records/s) | |"
          % (caught_up, (flows_in or 0) / max(caught_up, 0.1)))
    print("| records lost (sent - flows judged) | %d (kernel drops %s, late flows %s) | 0 |"
          % (sent - judged, "%d" % drops if drops is not None else "?", "%d" % late if late is not None else "?"))
    print("| alerts delivered (hosts; lines in the channel) | %d of %d; %d lines | all; once each |"
          % (sum(1 for h in evidence if h in alerts), len(evidence), n_alerts[0]))
    for g, name, pace, n in ((False, "the day", fast_pace, n_fast), (True, "the slow stretch", slow_pace, n_slow)):
        if not n:
            continue
        print("| %s (%.0fx): alerts delivered before their hour was judged | %d of %d | all |"
              % (name, pace, before_hour[g], n))
        print("| %s (%.0fx): latency from the evidence's end to delivery, sender's stream time | %s | "
              "<= grace + 60 s = %d s |" % (name, pace, stat(lat_ev[g]), a.grace + 60))
        print("| %s (%.0fx): collector's stream clock when the hit was said, after the evidence's end | %s | |"
              % (name, pace, stat(said_at[g])))
        print("| %s (%.0fx): wall from the hit's packet sent to its alert delivered | %s | "
              "at 1x: latency beyond the export |" % (name, pace, stat([d * 1000 for d in wall_hit[g]], "ms")))
    print("| the day's hours judged: wall delay after the sender passed the hour's end + grace | %s | |"
          % stat([d * 1000 for d in delay], "ms"))
    print("| the day's hours judged: wall delay after the collector's clock passed the hour's end + grace "
          "(at 1x what the rules of whole hours wait beyond the grace) | %s | <= 60 s |"
          % stat([d * 1000 for d in delay_coll], "ms"))
    print("| collector child RSS | max %.0f MB; the day: mean of the first quarter %.0f MB, of the last %.0f MB | "
          "flat, <= 300 MB |" % (max(child_rss) / 1024 if child_rss else 0,
                                 sum(first_q) / len(first_q) / 1024 if first_q else 0,
                                 sum(last_q) / len(last_q) / 1024 if last_q else 0))
    # by the collector's stream clock (its counters, every 0.25 s): per
    # stream day and quarter of the stream, whatever the wall pace
    by_day = {}
    for clk, kb in rss_clock:
        by_day.setdefault(int((clk - day0) // 86400), []).append(kb)
    days = sorted(d for d in by_day if d < (a.hours + 23) // 24)  # the slow stretch's day aside when past
    span = max(a.hours, 1) * 3600
    quarter = [[kb for clk, kb in rss_clock if day0 + span * i / 4 <= clk < day0 + span * (i + 1) / 4]
               for i in range(4)]
    grow = ""
    if len(days) >= 3:  # the first day warms up the state's day-long windows
        grow = "; after the first day: day 2 mean %.0f MB, day %d %.0f MB (%+.1f MB a day)" % (
            mean_mb(by_day[days[1]]), days[-1] + 1, mean_mb(by_day[days[-1]]),
            (mean_mb(by_day[days[-1]]) - mean_mb(by_day[days[1]])) / (days[-1] - days[1]))
    print("| collector child RSS by the collector's stream clock | %s; the stream's quarters: first %.0f MB, "
          "last %.0f MB (means)%s | flat |"
          % ("; ".join("day %d: mean %.0f MB, max %.0f MB" % (d + 1, mean_mb(by_day[d]), max(by_day[d]) / 1024)
                       for d in days) or "-", mean_mb(quarter[0]), mean_mb(quarter[3]), grow))
    with open(os.path.join(w, "rss-hours.tsv"), "w") as f:  # as each hour's judgement was seen
        f.write("".join("%s\t%d\n" % (datetime.datetime.fromtimestamp(h, datetime.timezone.utc)
                                         .strftime("%Y-%m-%dT%H"), kb) for h, kb in rss_judged))
    print("| watcher RSS | max %.0f MB | |" % (max(r for _, _, r in rss) / 1024 if rss else 0))
    print("| watcher exit | %d | 0 |" % rc)
    print("\nStream time runs %.0fx the wall clock in the day (%d s of traffic in %.1f s), so each wall "
          "millisecond of judging and delivery is %.1f s of the sender's stream time; the slow stretch "
          "(%d hours, four hits each) runs %.0fx (a millisecond is %.2f s). The collector's clock is the "
          "one the rules run on: a hit is said as its flow comes, an hour is judged when that clock "
          "passes the hour's end plus the grace. At 1x a live exporter's alert leaves the export delay "
          "(here 1 s) plus the wall from the hit's packet to delivery after the evidence's end."
          % (fast_pace, a.hours * 3600, t_fast, fast_pace / 1000, a.slow_hours, slow_pace, slow_pace / 1000))
    return 0 if rc == 0 else 3


sys.exit(main())

#!/usr/bin/env python3
"""The watch benchmark's traffic (bench/watch-bench.py) as Zeek conn.log files,
one an hour, for judging it with `dormant flows FILE` (profiles of the judge).

usage: gen-watch-conn.py OUTDIR [--hours H] [--flows-per-hour N] [--seed S] [--hosts K] [--day0 EPOCH]

Writes OUTDIR/hour-NN.log: N flows in each hour from --day0 (default 2026-01-01T00:00Z), K internal
hosts (default 2000) in 10.20.0.0/16, each keeping to 5 of 59 internal servers and 2 of 508 outside
addresses, chosen once from the seed; each hour's flows drawn again (seed + hour). Deterministic."""
import os
import random
import sys

out = sys.argv[1]
args = dict(zip(sys.argv[2::2], sys.argv[3::2]))
hours = int(args.get("--hours", "6"))
n = int(args.get("--flows-per-hour", "200000"))
seed = int(args.get("--seed", "42"))
nhosts = int(args.get("--hosts", "2000"))
day0 = int(args.get("--day0", "1767225600"))
os.makedirs(out, exist_ok=True)
rnd = random.Random(seed)
hosts = ["10.20.%d.%d" % (i // 250, 1 + i % 250) for i in range(nhosts)]
servers = ["10.20.100.%d" % i for i in range(1, 60)]
outside = ["198.51.100.%d" % i for i in range(1, 255)] + ["192.0.2.%d" % i for i in range(1, 255)]
peers = {}
for h in hosts:
    peers[h] = [(rnd.choice(servers), rnd.choice((53, 80, 443, 445, 22, 3389))) for _ in range(5)]
    peers[h] += [(rnd.choice(outside), rnd.choice((443, 443, 443, 80, 53, 22))) for _ in range(2)]
HEAD = ("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
        "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
        "resp_pkts\tresp_ip_bytes\ttunnel_parents\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\t"
        "count\tstring\tcount\tcount\tcount\tcount\tset[string]\n")
for hr in range(hours):
    r = random.Random(seed * 1000 + hr)
    base = day0 + 3600 * hr
    flows = []
    for i in range(n):
        start = r.uniform(0, 3590)
        dur = min(r.expovariate(1 / 20.0), 3599 - start)
        src = r.choice(hosts)
        dst, dport = r.choice(peers[src])
        up, pk = r.randint(60, 200000), r.randint(1, 200)
        down = r.randint(60, 20000)
        flows.append((base + start, src, r.randint(1024, 65535), dst, dport, "udp" if dport == 53 else "tcp",
                      dur, up, down, pk))
    flows.sort()
    with open(os.path.join(out, "hour-%02d.log" % hr), "w") as f:
        f.write(HEAD)
        for k, (t, s, sp, d, dp, pr, dur, up, down, pk) in enumerate(flows):
            f.write("%.6f\tC%d_%d\t%s\t%d\t%s\t%d\t%s\t-\t%.6f\t%d\t%d\tSF\tT\tF\t0\t-\t%d\t%d\t%d\t%d\t(empty)\n" % (
                t, hr, k, s, sp, d, dp, pr, dur, up, down, pk, up + 40 * pk, max(1, pk // 2), down + 40 * max(1, pk // 2)))

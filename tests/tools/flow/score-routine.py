#!/usr/bin/env python3
"""Scores dormant's findings on a gen-routine.py capture against its truth.

usage: score-routine.py TRUTH.json FINDINGS.jsonl [--exact] [--json]

Per rule: planted positives found (recall) and false alarms: findings above info on a
(rule, host) the truth does not expect, per 1,000 host-days (a host-day: a host with traffic on
that day). Repeats: a (rule, host) reported more than once. Info findings (scheduled-transfer)
are counted, not judged. --exact exits 1 unless every planted positive is found, no false alarm
and no repeat; without it the exit is 0 and the figures are printed.
"""
import json
import sys
from collections import Counter, defaultdict

truth = json.load(open(sys.argv[1]))
exact = "--exact" in sys.argv
as_json = "--json" in sys.argv
expect = {(e["rule"], e["ip"]) for e in truth["expect"]}
found = Counter()
info = Counter()
for line in open(sys.argv[2]):
    rec = json.loads(line)
    if rec.get("type") != "finding":
        continue
    key = (rec["rule"], rec.get("ip"))
    if rec.get("severity") == "info" and key not in expect:
        info[rec["rule"]] += 1
        continue
    found[key] += 1
rules = sorted({r for r, _ in expect} | {r for r, _ in found})
hd = truth["host_days"]
out = {"seed": truth["seed"], "variant": truth["variant"], "hosts": len(truth["hosts"]), "host_days": hd,
       "rules": {}, "info": dict(info)}
fa_total = rep_total = 0
missing_all = []
for rule in rules:
    exp = {ip for r, ip in expect if r == rule}
    got = {ip for (r, ip) in found if r == rule}
    fa = sorted(got - exp)
    fa_n = sum(found[(rule, ip)] for ip in fa)
    rep = sum(found[(rule, ip)] - 1 for ip in got & exp if found[(rule, ip)] > 1)
    missing = sorted(exp - got)
    missing_all += [(rule, ip) for ip in missing]
    fa_total += fa_n
    rep_total += rep
    out["rules"][rule] = {"planted": len(exp), "found": len(exp & got), "false_alarms": fa_n,
                          "false_hosts": fa[:10], "repeats": rep, "missing": missing}
out["false_alarms"] = fa_total
out["false_per_1000_host_days"] = 1000.0 * fa_total / hd if hd else 0
out["repeats"] = rep_total
out["recall"] = (len(expect) - len(missing_all)) / len(expect) if expect else 1.0
if as_json:
    print(json.dumps(out))
else:
    print("seed %s variant %s: %d hosts, %d host-days" % (out["seed"], out["variant"], out["hosts"], hd))
    for rule, v in out["rules"].items():
        print("  %-28s planted %d found %d  false alarms %d  repeats %d%s" % (
            rule, v["planted"], v["found"], v["false_alarms"], v["repeats"],
            ("  missing %s" % v["missing"] if v["missing"] else "") +
            ("  false on %s" % v["false_hosts"] if v["false_hosts"] else "")))
    print("  recall %.2f, false alarms %d = %.2f per 1,000 host-days, repeats %d, info %s" % (
        out["recall"], fa_total, out["false_per_1000_host_days"], rep_total, dict(info)))
sys.exit(1 if exact and (missing_all or fa_total or rep_total) else 0)

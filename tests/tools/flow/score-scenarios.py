#!/usr/bin/env python3
"""Scores dormant's traffic findings against gen-scenarios.py's truth.

usage: score-scenarios.py TRUTH.json FINDINGS.jsonl

Prints precision and recall per scenario (a finding on a scenario's host that the scenario
does not expect is a false positive; one on a host no scenario names is counted under
"unlabelled") and exits 1 unless every scenario is exact.
"""
import json
import sys

truth = json.load(open(sys.argv[1]))
found = set()
for line in open(sys.argv[2]):
    rec = json.loads(line)
    if rec.get("type") == "finding":
        found.add((rec["rule"], rec.get("ip")))
owner = {}
for name, sc in truth["scenarios"].items():
    for h in sc["hosts"]:
        owner[h] = name
ok = True
for name, sc in truth["scenarios"].items():
    expect = {(e["rule"], e["ip"]) for e in sc["expect"]}
    got = {f for f in found if owner.get(f[1]) == name}
    tp, fp, fn = len(got & expect), len(got - expect), len(expect - got)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    exact = not fp and not fn
    ok &= exact
    line = "%-22s precision %.2f recall %.2f (%d expected, %d found)" % (name, prec, rec, len(expect), len(got))
    if not exact:
        line += "  missing %s  extra %s" % (sorted(expect - got), sorted(got - expect))
    print(line)
stray = sorted(f for f in found if f[1] not in owner)
if stray:
    ok = False
    print("unlabelled             %d findings on hosts no scenario names: %s" % (len(stray), stray))
sys.exit(0 if ok else 1)

#!/usr/bin/env python3
"""Scores `dormant secrets DIR -oJ` against gen-stores.py's truth: how many stores were recognised
(a plaintext-credentials finding for the file, of the right kind and count), how many innocent files
raised a finding, and whether any planted secret appears in the output.

usage: check-stores.py TRUTH.json OUT.jsonl [--min-recall R]
Prints one line "stores R/N recognised (K of the right kind and count), innocent F/M flagged, leaks L"
and exits 1 when recall < R (default 1.0), any innocent file is flagged or a secret leaks."""
import json
import os
import sys

truth = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
min_recall = float(sys.argv[sys.argv.index("--min-recall") + 1]) if "--min-recall" in sys.argv else 1.0
found = {}
for r in map(json.loads, text.splitlines()):
    if r.get("type") == "finding" and r.get("rule") == "plaintext-credentials":
        found.setdefault(os.path.basename(r["path"].split("!")[0]), []).append(r["evidence"])
hit = exact = 0
for name, (kind, n) in sorted(truth["stores"].items()):
    ev = found.get(name, [])
    if ev:
        hit += 1
    if any(e["kind"] == kind and e["entries"] == n for e in ev):
        exact += 1
    else:
        print("  %s: wanted %s x%d, got %s" % (name, kind, n, [(e["kind"], e["entries"]) for e in ev]))
flagged = [f for f in truth["innocent"] if f in found]
for f in flagged:
    print("  %s: innocent, flagged %s" % (f, [(e["kind"], e["what"]) for e in found[f]]))
leaks = [x for x in truth["secrets"] if x in text]
n = len(truth["stores"])
print("stores %d/%d recognised (%d of the right kind and count), innocent %d/%d flagged, leaks %d"
      % (hit, n, exact, len(flagged), len(truth["innocent"]), len(leaks)))
sys.exit(0 if hit >= min_recall * n and not flagged and not leaks else 1)

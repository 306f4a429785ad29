#!/usr/bin/env python3
"""Compares `dormant secrets -oJ` with the corpus truth: the exact set of
(path, kind, entries), recall and precision, and that no planted secret
appears in any of the given output files.
Usage: check-secrets.py TRUTH CORPUS_DIR JSONL [OTHER_OUTPUT...]"""
import json, sys

truth, corpus, jsonl, others = sys.argv[1], sys.argv[2].rstrip("/") + "/", sys.argv[3], sys.argv[4:]
t = json.load(open(truth))
want = {(p, k, n) for p, k, n in t["items"]}
got = set()
for line in open(jsonl, encoding="utf-8"):
    r = json.loads(line)
    if r["type"] != "finding" or r["rule"] != "plaintext-credentials":
        continue
    path = r["path"]
    assert path.startswith(corpus), path
    got.add((path[len(corpus):], r["evidence"]["kind"], r["evidence"]["entries"]))
    for v in r["evidence"]["values"] + r["evidence"]["users"]:
        assert "…(" in v and "#" in v, f"not redacted: {v!r}"
tp = len(want & got)
recall = tp / len(want) if want else 1.0
precision = tp / len(got) if got else 1.0
print(f"items: {len(want)} planted, {len(got)} reported; recall {recall:.3f}, precision {precision:.3f}")
for x in sorted(want - got):
    print("  missed:", x)
for x in sorted(got - want):
    print("  false or wrong:", x)
leaks = 0
for f in [jsonl] + others:
    text = open(f, encoding="utf-8", errors="replace").read()
    for s in t["secrets"]:
        if s in text:
            print(f"  LEAK: a planted secret appears in {f}")
            leaks += 1
            break
sys.exit(0 if want == got and not leaks else 1)

#!/usr/bin/env python3
"""Rewrites a Zeek conn.log in TSV form as Zeek's JSON form (one object a line, as
`LogAscii::use_json=T` writes it): numbers for time, interval, count and port columns, strings
for the rest, arrays for set/vector columns, unset fields left out. For the conn.log benchmarks'
JSON input (bench/RESULTS.md).

usage: conn-to-json.py IN.log OUT.log"""
import json
import sys

src, dst = sys.argv[1], sys.argv[2]
fields, types, sep, unset, empty = [], [], "\t", "-", "(empty)"
with open(src) as f, open(dst, "w") as out:
    for line in f:
        line = line.rstrip("\n")
        if line.startswith("#separator"):
            v = line.split(" ", 1)[1]
            sep = chr(int(v[2:], 16)) if v.startswith("\\x") else v
            continue
        if line.startswith("#"):
            k, _, v = line.partition(sep)
            if k == "#fields":
                fields = v.split(sep)
            elif k == "#types":
                types = v.split(sep)
            elif k == "#unset_field":
                unset = v
            elif k == "#empty_field":
                empty = v
            continue
        rec = {}
        for name, t, v in zip(fields, types, line.split(sep)):
            if v == unset:
                continue
            if t.startswith(("set[", "vector[")):
                rec[name] = [] if v == empty else v.split(",")
            elif t in ("time", "interval"):
                rec[name] = json.loads(v)  # keeps Zeek's six decimals as written
            elif t in ("count", "port", "int"):
                rec[name] = int(v)
            elif t == "bool":
                rec[name] = v == "T"
            else:
                rec[name] = v
        out.write(json.dumps(rec, separators=(",", ":")) + "\n")

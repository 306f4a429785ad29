#!/usr/bin/env python3
"""Writes a full-size NVD-shaped corpus and a service list for the vulndb benchmark.

usage: gen-nvd.py FIXTURES_DIR OUT.json SERVICES.txt [RECORDS] [SERVICES] [SEED]

The corpus is one NVD CVE API 2.0 response ({"vulnerabilities":[{"cve":...}, ...]}) of RECORDS
records (default 400000) made by replicating the real records in FIXTURES_DIR/nvd, deterministically
from SEED: each replica gets a fresh CVE id, and most replicas name their products under a variant
("openssh" -> "openssh_v123") so the product index looks like NVD's (many products, few CVEs each)
rather than 400000 CVEs on one product. Records are drawn with weights that bring the mean record
size near NVD's. The service list holds one query per line (CPE or "PRODUCT VERSION") for
`dormant vulndb match --from`, mixing the real products and the variants with versions inside and
outside the affected ranges.
"""
import json
import os
import random
import re
import sys

fixtures, out_path, svc_path = sys.argv[1:4]
n_records = int(sys.argv[4]) if len(sys.argv) > 4 else 400000
n_services = int(sys.argv[5]) if len(sys.argv) > 5 else 100000
rng = random.Random(int(sys.argv[6]) if len(sys.argv) > 6 else 20261122)
VARIANTS = 2000           # product-name variants per fixture product: ~10 CVEs each, as in NVD
KEEP_REAL = 1 / 400       # share of replicas that keep the real names: a few hundred CVEs per
                          # real product (NVD: OpenSSH ~150, Apache httpd ~250)

CRIT = re.compile(r'("criteria":"cpe:2\.3:[aoh]:[^:"]+:)([^:"]+)(:)')
templates = []
for name in sorted(os.listdir(os.path.join(fixtures, "nvd"))):
    if not name.startswith("CVE-"):
        continue
    rec = json.load(open(os.path.join(fixtures, "nvd", name)))
    text = json.dumps({"cve": rec}, separators=(",", ":"), ensure_ascii=False)
    rid = rec["id"]
    year = int(rid.split("-")[1])
    # split around the id and every product name so a replica is a join
    parts, last = [], 0
    for m in CRIT.finditer(text):
        parts.append(text[last:m.end(1)])
        parts.append(("P", m.group(2)))
        last = m.end(2)
    parts.append(text[last:])
    chunks = []
    for p in parts:
        if isinstance(p, tuple):
            chunks.append(p)
            continue
        pieces = p.split('"id":"%s"' % rid)
        for i, piece in enumerate(pieces):
            if i:
                chunks.append(("I",))
            chunks.append(piece)
    products = sorted({m.group(2) for m in CRIT.finditer(text) if "\\" not in m.group(2)})
    versions = {}
    for c in rec.get("configurations", []):
        for n in c["nodes"]:
            for cm in n["cpeMatch"]:
                f = cm["criteria"].split(":")
                if f[2] != "a" or "\\" in f[4]:
                    continue
                vs = versions.setdefault((f[3], f[4]), set())
                for k in ("versionStartIncluding", "versionEndIncluding", "versionEndExcluding"):
                    if k in cm:
                        vs.add(cm[k])
                if f[5] not in ("*", "-"):
                    vs.add(f[5] + ("" if f[6] in ("*", "-") else f[6]))
    size = len(text.encode())
    # lighter weight for the large records: NVD's mean record is a few kB
    weight = 12.0 if size < 12000 else 3.0 if size < 30000 else 0.25
    templates.append(dict(chunks=chunks, year=year, size=size, weight=weight, versions=versions))

weights = [t["weight"] for t in templates]
total = 0
seq = {}
with open(out_path, "w", encoding="utf-8") as out:
    out.write('{"resultsPerPage":%d,"startIndex":0,"totalResults":%d,"format":"NVD_CVE","version":"2.0",'
              '"timestamp":"2026-11-22T00:00:00.000","vulnerabilities":[' % (n_records, n_records))
    for i in range(n_records):
        t = rng.choices(templates, weights)[0]
        year = t["year"] + rng.randrange(0, 3)
        seq[year] = seq.get(year, 100000) + 1
        cid = '"id":"CVE-%d-%d"' % (year, seq[year])
        suffix = "" if rng.random() < KEEP_REAL else "_v%d" % rng.randrange(VARIANTS)
        buf = []
        for c in t["chunks"]:
            if isinstance(c, str):
                buf.append(c)
            elif c[0] == "I":
                buf.append(cid)
            else:
                buf.append(c[1] + suffix if "\\" not in c[1] else c[1])
        s = "".join(buf)
        if i:
            out.write(",")
        out.write(s)
        total += len(s)
    out.write("]}")

pairs = sorted({k: v for t in templates for k, v in t["versions"].items()}.items())
def bump(v):
    m = re.match(r"(.*?)(\d+)(\D*)$", v)
    return m.group(1) + str(max(0, int(m.group(2)) + rng.choice((-1, 0, 1)))) + m.group(3) if m else v
# Two service lists. "network": what a scan of a large network finds, many hosts running the same
# builds: 100k services over ~600 products (every real product of the records and variants of them)
# with a handful of versions each, popular ones far more often (Zipf). "harsh": every service a
# product/version drawn afresh (tens of thousands of distinct products and versions), the worst case.
def cpe(vendor, product, v):
    return "cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*\n" % (vendor, product, v.replace(":", "\\:"))
population = []
for (vendor, product), vs in pairs:
    for name in [product] + ["%s_v%d" % (product, k) for k in range(rng.randrange(0, 2))]:
        versions = sorted({bump(rng.choice(sorted(vs))) if vs else "1.0" for _ in range(rng.randrange(1, 8))})
        population += [(vendor, name, v) for v in versions]
rng.shuffle(population)
zipf = [1 / (i + 1) for i in range(len(population))]
with open(svc_path, "w") as f:
    for vendor, product, v in rng.choices(population, zipf, k=n_services):
        f.write(cpe(vendor, product, v))
with open(svc_path + ".harsh", "w") as f:
    for _ in range(n_services):
        (vendor, product), vs = rng.choice(pairs)
        v = bump(rng.choice(sorted(vs))) if vs else "1.0"
        if rng.random() < 0.5:
            product += "_v%d" % rng.randrange(200)
        f.write(cpe(vendor, product, v))
print("records %d, %.2f GB, mean %.0f bytes; services %d" % (n_records, total / 1e9, total / n_records, n_services),
      file=sys.stderr)

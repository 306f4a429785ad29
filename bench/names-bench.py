#!/usr/bin/env python3
"""Names as operators write them: how many product names nmap prints reach
the right CVEs through `dormant vulndb match "NAME VERSION"`.

Two lists: the tuning list (bench/names-tuning.txt, NAME|vendor:product) and
a held-out list made here from nmap-service-probes: every product name on a
match line whose application CPE (the line's first a: CPE; its o: CPEs are
the OS under the product) names a product of the NVD fixtures, minus the
tuning names: the truth is nmap's own pairing, the matcher sees only the
name and a version. For each name a version is taken from a fixture CVE's
vulnerable criterion for that product (its exact version, else a range's
inclusive end or start); a name hits when that CVE is among the matches.
Prints both hit rates and the held-out misses.
Usage: names-bench.py DORMANT DB NVD_DIR SERVICE_PROBES TUNING"""
import json, os, re, subprocess, sys

dormant, db, nvd_dir, probes, tuning = sys.argv[1:6]


def criteria(node):
    for n in node.get("nodes", []):
        for m in n.get("cpeMatch", []):
            yield m


versions = {}  # vendor:product -> (version, cve)
for fn in sorted(os.listdir(nvd_dir)):
    if not fn.startswith("CVE-"):
        continue
    rec = json.load(open(os.path.join(nvd_dir, fn)))
    for cfg in rec.get("configurations", []):
        for m in criteria(cfg):
            if not m.get("vulnerable"):
                continue
            f = m["criteria"].split(":")
            vp = f[3] + ":" + f[4]
            v = f[5] if f[5] not in ("*", "-") else m.get("versionEndIncluding") or m.get("versionStartIncluding")
            if v and vp not in versions:
                versions[vp] = (v + ("" if f[6] in ("*", "-") else f[6]), rec["id"])

tune = []
for line in open(tuning):
    line = line.strip()
    if line and not line.startswith("#"):
        name, vp = line.split("|")
        tune.append((name, vp))
tuned = {n.lower() for n, _ in tune}

held = {}
field = re.compile(r"(?:^|\s)(p|cpe:)([^\w\s])(.*?)\2")
for line in open(probes, errors="replace"):
    if not line.startswith(("match ", "softmatch ")):
        continue
    # the product's CPE: the line's first application (a:) CPE; nmap
    # writes o: CPEs for the o/ field, the operating system under it
    name, cpe = None, None
    for tag, _, text in field.findall(line):
        if tag == "p":
            name = text
        elif cpe is None and text.startswith("a:"):
            cpe = text.split(":")
    if name and cpe and "$" not in name and name.lower() not in tuned and len(cpe) >= 3:
        if cpe[1] + ":" + cpe[2] in versions:
            held.setdefault(name.lower(), (name, cpe[1] + ":" + cpe[2]))


def measure(label, items, extra=()):
    items = [(n, vp) for n, vp in items if vp in versions]
    hits, misses = 0, []
    for name, vp in items:
        ver, cve = versions[vp]
        out = subprocess.run([dormant, "vulndb", "match", "--db", db, "--json", *extra, f"{name} {ver}"],
                             capture_output=True, text=True)
        found = []
        if out.returncode == 0:
            found = [c["id"] for c in json.loads(out.stdout)["cves"]]
        if cve in found:
            hits += 1
        else:
            misses.append(f"{name} {ver} (expected {cve} via {vp}): " +
                          (out.stderr.strip().splitlines()[-1] if out.returncode else "no such CVE"))
    print(f"| {label} | {len(items)} | {hits} | {100.0 * hits / max(len(items), 1):.1f}% |")
    return misses


print("| names | count | matched the expected CVE | hit rate |")
print("|---|---:|---:|---:|")
measure("tuning (bench/names-tuning.txt)", tune)
m = measure("held out (nmap-service-probes, not tuned on)", sorted(held.values()))
# the same without nmap's names (aliases.csv alone): what the table adds
measure("held out, aliases.csv only", sorted(held.values()), ("--service-probes", "/dev/null"))
for x in m:
    print("  miss:", x, file=sys.stderr)

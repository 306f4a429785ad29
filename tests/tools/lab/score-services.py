#!/usr/bin/env python3
"""Scores service identification on the services lab against its truth
(tests/lab/services-truth.txt; versions of the installed Debian packages
from dpkg-query): for each service, was the service, the product and the
version named right.

  score-services.py --truth TRUTH
      the truth as JSON (what `lab.sh services` prints)
  score-services.py TRUTH LABEL=FILE[@WALL]...
      Markdown: per tool counts, per service answers, and the services a
      later tool names that the first misses. FILE is dormant's JSON lines
      (-oJ) or an XML file in nmap's format (nmap -oX, dormant -oX); a
      service nmap only guessed from the port number (method="table") counts
      as not named.
  score-services.py --check TRUTH FILE
      dormant must name everything the truth does not list as a known gap
      ("miss" lines): prints each unexpected miss and exits 1 if any; known
      gaps that are now named are reported (to be removed from the list).
  score-services.py --gaps TRUTH DORMANT NMAP
      prints the "miss" lines for what DORMANT does not name, each noting
      whether NMAP names it (to refresh the truth's known gaps).
"""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NET = "198.18.3."
ASPECTS = ("service", "product", "version")


def die(msg):
    print(f"score-services: {msg}", file=sys.stderr)
    sys.exit(2)


def upstream(pkg):
    """The installed upstream version of a Debian package: 1:9.2p1-2+deb12u3 -> 9.2p1."""
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True,
                           check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        die(f"package {pkg} is not installed (scripts/deps test)")
    v = re.sub(r"^[0-9]+:", "", v)
    if "-" in v:
        v = v[: v.rindex("-")]
    return re.split(r"[+~]", v)[0]


def load_truth(path):
    services, misses = [], []
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        die(f"{path}: {e.strerror}")
    for n, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if not line:
            continue
        if line.startswith("miss "):
            f = line.split(None, 3)
            if len(f) < 3 or f[2] not in ASPECTS:
                die(f"{path}:{n}: want 'miss HOST:PORT/PROTO ASPECT [nmap: ...]'")
            misses.append({"where": f[1], "aspect": f[2], "note": f[3] if len(f) > 3 else ""})
            continue
        f = [x.strip() for x in line.split("|")]
        m = re.fullmatch(r"(\d+):(\d+)/(tcp|udp)", f[0])
        if len(f) != 5 or not m:
            die(f"{path}:{n}: want 'HOST:PORT/PROTO | SERVICES | PRODUCTS | VERSION | NOTE'")
        ver = f[3]
        if ver == "-":
            ver = None
        elif ver.startswith("="):
            ver = ver[1:]
        else:
            ver = upstream(ver)
        services.append({"where": f[0], "ip": NET + m[1], "port": int(m[2]), "proto": m[3],
                         "service": f[1].split(","), "product": [p.strip() for p in f[2].split(",")],
                         "version": ver, "package": f[3] if f[3][0] not in "=-" else None, "note": f[4]})
    known = {s["where"] for s in services}
    for x in misses:
        if x["where"] not in known:
            die(f"{path}: known gap {x['where']} is not a service of the truth")
    return services, misses


def load_result(path):
    """(ip, port, proto) -> {"service", "product", "version"} from dormant JSONL or nmap-format XML."""
    got = {}
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError as e:
        die(f"{path}: {e.strerror}")
    if text.lstrip().startswith("<"):
        try:
            root = ET.fromstring(text)
        except ET.ParseError as e:
            die(f"{path}: not XML: {e}")
        for h in root.iter("host"):
            ip = next((a.get("addr") for a in h.iter("address") if a.get("addrtype", "ipv4") == "ipv4"), None)
            for p in h.iter("port"):
                st, s = p.find("state"), p.find("service")
                if s is None or (st is not None and not st.get("state", "").startswith("open")):
                    continue
                name = s.get("name", "")
                if s.get("method") == "table":  # nmap's guess from the port number: not identified
                    name = ""
                if s.get("tunnel") == "ssl" and name:
                    name = "ssl/" + name
                got[(ip, int(p.get("portid")), p.get("protocol"))] = {
                    "service": name, "product": s.get("product", ""), "version": s.get("version", "")}
        return got
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except ValueError:
            die(f"{path}:{n}: not JSON")
        if r.get("type") != "service":
            continue
        ver = (r.get("version") or "") + (r.get("update") or "")
        got[(r["ip"], r["port"], r["proto"])] = {
            "service": r.get("name") or "", "product": " ".join(x for x in (r.get("vendor"), r.get("product")) if x),
            "version": ver}
    return got


def version_right(want, got):
    if not got:
        return False
    got = got.replace(" ", "")
    if re.search(r"(^|[^0-9.])" + re.escape(want) + r"($|[^0-9])", got):
        return True
    # a product that shows only the first components (CUPS/2.4 for 2.4.2)
    head = re.match(r"[0-9]+\.[0-9]+(\.[0-9]+)*", got)
    return bool(head) and head.group(0) == got.rstrip(".") and (want + ".").startswith(head.group(0) + ".")


def judge(s, g):
    """aspect -> True/False (None: nothing to judge) for one service."""
    if g is None:
        return {"service": False, "product": False, "version": False if s["version"] else None}
    name = g["service"].lower()
    prod = g["product"]
    return {
        "service": name in [x.lower() for x in s["service"]],
        "product": any(re.search(r"(?<![A-Za-z0-9])" + re.escape(p) + r"(?![A-Za-z0-9])", prod, re.I)
                       for p in s["product"]),
        "version": version_right(s["version"], g["version"]) if s["version"] else None,
    }


def score(services, got):
    per = {s["where"]: judge(s, got.get((s["ip"], s["port"], s["proto"]))) for s in services}
    ok = {a: sum(1 for v in per.values() if v[a]) for a in ASPECTS}
    n = {a: sum(1 for v in per.values() if v[a] is not None) for a in ASPECTS}
    return per, ok, n


def show(g):
    if g is None:
        return "-"
    return " / ".join(x or "·" for x in (g["service"], g["product"], g["version"]))


def report(truth_path, specs):
    services, _ = load_truth(truth_path)
    tools = []
    for spec in specs:
        if "=" not in spec:
            die(f"{spec}: want LABEL=FILE[@WALL]")
        label, rest = spec.split("=", 1)
        path, wall = (rest.rsplit("@", 1) + [None])[:2] if "@" in rest else (rest, None)
        got = load_result(path)
        tools.append((label, wall, got, *score(services, got)))
    print(f"{len(services)} services on 198.18.3.40-47 "
          f"({len({s['package'] for s in services if s['package']})} Debian packages named in the truth)\n")
    print("| tool | wall s | service | product | version |")
    print("|---|---|---|---|---|")
    for label, wall, _, _, ok, n in tools:
        print(f"| {label} | {wall or '-'} | " + " | ".join(f"{ok[a]}/{n[a]}" for a in ASPECTS) + " |")
    print("\n| service | truth | " + " | ".join(t[0] for t in tools) + " |")
    print("|---|---|" + "---|" * len(tools))
    for s in services:
        truth = f"{s['service'][0]} / {s['product'][0]} / {s['version'] or '·'}"
        cells = []
        for label, _, got, per, _, _ in tools:
            g = got.get((s["ip"], s["port"], s["proto"]))
            marks = "".join(("S" if a == "service" else a[0].upper()) if per[s["where"]][a] else ""
                            for a in ASPECTS)
            cells.append(f"{show(g)} [{marks or '-'}]")
        print(f"| {s['where']} | {truth} | " + " | ".join(cells) + " |")
    if len(tools) >= 2:
        first = tools[0]
        for other in tools[1:]:
            gaps = [f"{w} {a}" for w in first[3] for a in ASPECTS if other[3][w][a] and not first[3][w][a]]
            print(f"\nnamed by {other[0]}, missed by {first[0]} ({len(gaps)}): " + ("; ".join(gaps) or "none"))
            extra = [f"{w} {a}" for w in first[3] for a in ASPECTS if first[3][w][a] and not other[3][w][a]]
            print(f"named by {first[0]}, missed by {other[0]} ({len(extra)}): " + ("; ".join(extra) or "none"))


def check(truth_path, path):
    services, misses = load_truth(truth_path)
    got = load_result(path)
    per, ok, n = score(services, got)
    allowed = {(x["where"], x["aspect"]) for x in misses}
    bad, stale = [], []
    for s in services:
        for a in ASPECTS:
            r = per[s["where"]][a]
            if r is False and (s["where"], a) not in allowed:
                bad.append(f"{s['where']} {a}: got {show(got.get((s['ip'], s['port'], s['proto'])))}, "
                           f"want {s[a][0] if a != 'version' else s['version']}")
            if r and (s["where"], a) in allowed:
                stale.append(f"{s['where']} {a}")
    print("named: " + ", ".join(f"{a} {ok[a]}/{n[a]}" for a in ASPECTS) + f"; known gaps {len(allowed)}")
    for b in bad:
        print(f"unexpected miss: {b}")
    if stale:
        print("known gaps now named (remove from the truth's miss list): " + "; ".join(stale))
    return 1 if bad else 0


def gaps(truth_path, dormant, nmap):
    services, _ = load_truth(truth_path)
    per, _, _ = score(services, load_result(dormant))
    nper, _, _ = score(services, load_result(nmap))
    for s in services:
        for a in ASPECTS:
            if per[s["where"]][a] is False:
                print(f"miss {s['where']:<13} {a:<8} nmap: {'named' if nper[s['where']][a] else 'missed'}")
    return 0


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "--truth":
        services, misses = load_truth(a[1])
        json.dump({"services": services, "expected_miss": misses}, sys.stdout, indent=1)
        print()
        return 0
    if len(a) == 3 and a[0] == "--check":
        return check(a[1], a[2])
    if len(a) == 4 and a[0] == "--gaps":
        return gaps(*a[1:])
    if len(a) >= 2 and not a[0].startswith("-"):
        report(a[0], a[1:])
        return 0
    die("usage: score-services.py --truth TRUTH | TRUTH LABEL=FILE[@WALL]... | --check TRUTH FILE"
        " | --gaps TRUTH DORMANT NMAP")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Loads dormant's HTML report in headless Chromium (Debian's chromium) and checks what it renders.

usage: check-html.py REPORT.html FINDINGS.jsonl SCREENSHOT.png [--stored]

The DOM Chromium built must hold one findings-table row per finding record of the JSON Lines
output (same rules, same order), each with its evidence as a definition list (no JSON text on the
page), a per-host table listing exactly the open ports of the JSON Lines' port records, the
coverage summary, the command line without the report's folder, and the five charts with their
bars; the screenshot (kept as the test's artefact) must show the colours of the severities present,
the off-hours shading and the used/unused port bars, so a page that parses but draws nothing fails.
The page is also printed to PDF by Chromium: at least two A4 pages (pdfinfo), the summary's text in
it (pdftotext), and its first page rendered back (pdftoppm, kept beside the screenshot as
SCREENSHOT-print-1.png) without the dark summary cards of the screen. --stored: the page of a
stored run (`dormant report --format html`), which has no traffic-by-hour or country charts
(those come from the audit's own flows) and no port records in FINDINGS.jsonl to compare with.
"""
import os
import re
import json
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser

html, jsonl, png = sys.argv[1:4]
stored = "--stored" in sys.argv[4:]
chrome = ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
url = "file://" + html
dom = subprocess.run(chrome + ["--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
subprocess.run(chrome + ["--window-size=1280,2400", "--screenshot=" + png, url], capture_output=True, timeout=120,
               check=True)


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rules, self.svgs, self.stack = [], {}, []
        self.evidence = []  # per finding row: how many <dl class="evidence"> it holds
        self.host_ports, self.host, self.in_port_row, self.cells = set(), None, False, []
        self.ids, self.text, self.dts, self.in_dt = set(), [], [], False
        self.code, self.in_code = "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "tr" and a.get("class") == "finding":
            self.rules.append(a["data-rule"])
            self.evidence.append(0)
            self.dts.append(set())
        if tag == "code":
            self.in_code = True
        if tag == "dt" and self.dts:
            self.in_dt = True
            self.dts[-1].add("")
        if tag == "dl" and a.get("class") == "evidence" and self.evidence:
            self.evidence[-1] += 1
        if tag == "table" and a.get("class") == "host-table":
            self.host = a["data-ip"]
        if tag == "tr" and a.get("class") == "port" and self.host:
            self.in_port_row, self.cells = True, []
        if tag == "td" and self.in_port_row:
            self.cells.append("")
        if tag == "svg":
            self.stack.append(a.get("id"))
            self.svgs[a.get("id")] = 0
        if tag == "rect" and self.stack and a.get("class") == "bar":
            self.svgs[self.stack[-1]] += 1

    def handle_endtag(self, tag):
        if tag == "svg" and self.stack:
            self.stack.pop()
        if tag == "dt":
            self.in_dt = False
        if tag == "code":
            self.in_code = False
        if tag == "tr" and self.in_port_row:
            self.host_ports.add(f"{self.host} {self.cells[0]}")
            self.in_port_row = False
        if tag == "table":
            self.host = None

    def handle_data(self, data):
        self.text.append(data)
        if self.in_code:
            self.code += data
        if self.in_dt:
            self.dts[-1].add(data)
        if self.in_port_row and self.cells:
            self.cells[-1] += data


d = Dom()
d.feed(dom)
want = [json.loads(l)["rule"] for l in open(jsonl) if '"type":"finding"' in l]
assert d.rules == want, f"rendered findings {d.rules}\nwant {want}"
charts = ("chart-risk", "chart-exposure", "chart-changes") if stored else \
    ("chart-risk", "chart-exposure", "chart-hours", "chart-countries", "chart-changes")
for chart in charts:
    assert d.svgs.get(chart, 0) > 0, f"{chart}: no bars rendered ({d.svgs})"
recs = [json.loads(l) for l in open(jsonl)]
findings = [r for r in recs if r["type"] == "finding"]
for r, n, dts in zip(findings, d.evidence, d.dts):
    assert n >= 1 or not r["evidence"], f"{r['rule']} {r.get('ip')}: evidence not rendered as a list"
    keys = {k.replace("_", " ") for k in r["evidence"]}
    assert keys <= dts, f"{r['rule']} {r.get('ip')}: evidence keys {sorted(keys - dts)} not listed"
page = "".join(d.text)
blob = re.search(r'\{\s*"[a-z_]+"\s*:', page)
assert not blob, f"JSON on the page: ...{page[blob.start():blob.start() + 80]}..."
for sid in ("coverage", "coverage-table", "checks", "not-judged", "hosts"):
    assert sid in d.ids, f"no #{sid} on the page"
assert d.code.startswith("dormant audit ") and " --db dormant.db " in d.code, f"command line {d.code!r}"
assert os.path.dirname(os.path.abspath(html)) not in d.code, f"the command line shows the report's folder: {d.code}"
if not stored:
    want_ports = {f"{r['ip']} {r['port']}/{r['proto']}" for r in recs if r["type"] == "port" and r["state"] == "open"}
    assert d.host_ports == want_ports, f"host tables {sorted(d.host_ports ^ want_ports)[:10]} differ from the port records"
else:
    assert d.host_ports, "no per-host table of open ports"


def pixels(path):
    """RGB(A) pixels of a non-interlaced 8-bit PNG, as a set of colours with counts."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, prev, counts = zlib.decompress(idat), w * bpp, bytearray(w * bpp), {}
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            k = bytes(line[x:x + 3])
            counts[k] = counts.get(k, 0) + 1
        prev = line
    return counts


px = pixels(png)
colour = lambda s: bytes.fromhex(s.lstrip("#"))
sev = {"critical": "#c0162c", "high": "#e0661b", "medium": "#d9a400", "low": "#3f7fbf"}
seen = {json.loads(l)["severity"] for l in open(jsonl) if '"type":"finding"' in l}
for name, c in sev.items():
    if name in seen:
        assert px.get(colour(c), 0) > 200, f"the {name} colour is not on the screenshot"
for what, c in (("off-hours shading", "#e9ebf2"), ("used ports", "#3c9d5d"), ("unused ports", "#e35d6a"))[stored:]:
    assert px.get(colour(c), 0) > 200, f"{what} ({c}) not on the screenshot"

# on paper: A4, several pages (a break between sections), the summary's words, no dark blocks
pdf = png[:-4] + ".pdf"
subprocess.run(chrome + ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, url], capture_output=True, timeout=120,
               check=True)
info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
w, h = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
assert pages >= 2, f"printed to {pages} page(s); sections should start on new pages"
assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, f"page size {w} x {h} pts is not A4"
words = " ".join(subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                                check=True).stdout.split())
for want in ("What this report covers", "Checks that ran", "Could not be judged", "Hosts and open services"):
    assert want in words, f"{want!r} not in the PDF's text"
subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, png[:-4] + "-print-1"],
               check=True)
paper = pixels(png[:-4] + "-print-1.png")
white = sum(n for c, n in paper.items() if min(c) > 240)
dark_card = paper.get(colour("#1d2330"), 0) + paper.get(colour("#44506a"), 0)
assert white > 0.7 * sum(paper.values()) and dark_card < 50, f"page 1 printed with dark blocks ({dark_card} px)"
print(f"{len(d.rules)} findings and {len(d.svgs)} charts rendered; screenshot {png}; {pages} A4 pages in {pdf}")

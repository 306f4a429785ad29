#!/usr/bin/env python3
"""Loads dormant's HTML report in headless Chromium (Debian's chromium) and checks what it renders.

usage: check-html.py REPORT.html FINDINGS.jsonl SCREENSHOT.png [--stored]

The DOM Chromium built must hold one findings-table row per finding record of the JSON Lines
output (same rules, same order) and the five charts with their bars; the screenshot (kept as the
test's artefact) must show the colours of the severities present, the off-hours shading and the
used/unused port bars, so a page that parses but draws nothing fails. --stored: the page of a
stored run (`dormant report --format html`), which has no traffic-by-hour or country charts
(those come from the audit's own flows).
"""
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

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and a.get("class") == "finding":
            self.rules.append(a["data-rule"])
        if tag == "svg":
            self.stack.append(a.get("id"))
            self.svgs[a.get("id")] = 0
        if tag == "rect" and self.stack and a.get("class") == "bar":
            self.svgs[self.stack[-1]] += 1

    def handle_endtag(self, tag):
        if tag == "svg" and self.stack:
            self.stack.pop()


d = Dom()
d.feed(dom)
want = [json.loads(l)["rule"] for l in open(jsonl) if '"type":"finding"' in l]
assert d.rules == want, f"rendered findings {d.rules}\nwant {want}"
charts = ("chart-risk", "chart-exposure", "chart-changes") if stored else \
    ("chart-risk", "chart-exposure", "chart-hours", "chart-countries", "chart-changes")
for chart in charts:
    assert d.svgs.get(chart, 0) > 0, f"{chart}: no bars rendered ({d.svgs})"


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
print(f"{len(d.rules)} findings and {len(d.svgs)} charts rendered; screenshot {png}")

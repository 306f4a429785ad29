#!/usr/bin/env python3
"""Loads the HTML report of an audit --upnp in headless Chromium and checks its exposure section.

usage: check-html-edge.py REPORT.html MAPPINGS.jsonl SCREENSHOT.png

The DOM Chromium built must hold an #exposure heading, an #edge-gateways table with one row per
"gateway" record and an #edge-mappings table with exactly one row per "mapping" record of
MAPPINGS.jsonl (`dormant exposure --format json`): outside address and port, inside host and port
and the description as text (a description holding markup or escapes must not become an element
or reach the page raw). The screenshot is kept as the test's artefact.
"""
import json
import subprocess
import sys
from html.parser import HTMLParser

html, jsonl, png = sys.argv[1:4]
chrome = ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
url = "file://" + html
dom = subprocess.run(chrome + ["--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
subprocess.run(chrome + ["--window-size=1280,2400", "--screenshot=" + png, url], capture_output=True, timeout=120,
               check=True)


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.table, self.rows, self.row, self.cell = set(), None, {}, None, None
        self.tags = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "table":
            self.table = a.get("id")
            self.rows.setdefault(self.table, [])
        if tag == "tr":
            self.row = []
        if tag in ("td", "th"):
            self.cell = ""
        if self.table == "edge-mappings" and self.cell is not None and tag not in ("td", "th"):
            self.tags.append(tag)  # markup inside a mapping's cell: a description became HTML

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        if tag == "tr" and self.row is not None:
            if self.row and self.table:
                self.rows[self.table].append(self.row)
            self.row = None
        if tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


d = Dom()
d.feed(dom)
recs = [json.loads(l) for l in open(jsonl)]
maps = [r for r in recs if r["type"] == "mapping"]
gws = [r for r in recs if r["type"] == "gateway"]
assert "exposure" in d.ids, "no exposure section"
gw_rows = d.rows.get("edge-gateways", [])[1:]
assert len(gw_rows) == len(gws), (gw_rows, gws)
rows = d.rows.get("edge-mappings", [])[1:]
got = sorted((r[0], r[1], r[4]) for r in rows)
want = sorted((f"{m['public_ip']}:{m['external_port']}/{m['proto']}", f"{m['internal']}:{m['internal_port']}",
               "permanent" if not m["lease_seconds"] else f"{m['lease_seconds']} s") for m in maps)
assert [g[:2] for g in got] == [w[:2] for w in want], f"rows {got}\nwant {want}"
descs = sorted(r[6] for r in rows)
for m in maps:
    shown = [x for x in descs if x.startswith(m["description"].split("\x1b")[0])]
    assert shown, (m["description"], descs)
assert not d.tags, f"markup from a description: {d.tags}"
assert "\x1b" not in dom, "a raw escape reached the page"
print(f"html: exposure section with {len(rows)} mappings and {len(gw_rows)} gateways")

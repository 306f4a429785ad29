#!/usr/bin/env python3
"""Loads the HTML report of an audit --upnp in headless Chromium and checks its exposure section.

usage: check-html-edge.py REPORT.html MAPPINGS.jsonl SCREENSHOT.png
       check-html-edge.py --external REPORT.html EXPOSURE.jsonl FINDINGS.jsonl SCREENSHOT.png

The DOM Chromium built must hold an #exposure heading, an #edge-gateways table with one row per
"gateway" record and an #edge-mappings table with exactly one row per "mapping" record of
MAPPINGS.jsonl (`dormant exposure --format json`): outside address and port, inside host and port
and the description as text (a description holding markup or escapes must not become an element
or reach the page raw). The screenshot is kept as the test's artefact.

With --external (the report of an `audit --external` run): an #external heading, an
#external-services table with one row per "exposure" record of EXPOSURE.jsonl that dormant saw
(platform "dormant": outside address, port and transport, the asset behind it, the verdict), and an
#external-findings table with one row per internet-exposed or external-only "finding" of
FINDINGS.jsonl (the run's -oJ); a register name holding markup shows as text, never as an element.
"""
import json
import subprocess
import sys
from html.parser import HTMLParser

external = sys.argv[1] == "--external"
if external:
    html, jsonl, findings_jsonl, png = sys.argv[2:6]
else:
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
        if self.table == "external-services" and self.cell is not None and tag not in ("td", "th") and (
                tag, a) not in (("br", {}), ("span", {"class": "name"})):
            self.tags.append(tag)  # markup other than dormant's own: a name or banner became HTML

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
if external:
    ex = [json.loads(l) for l in open(jsonl)]
    ex = [r for r in ex if r["type"] == "exposure" and r["platform"] == "dormant"]
    assert "external" in d.ids, "no external section"
    rows = d.rows.get("external-services", [])[1:]
    got = sorted((r[0], r[2].split(" ")[0] if r[2] != "none in the register" else None, r[4]) for r in rows)
    want = sorted((f"{r['public_ip']}:{r['port']}/{r['proto']}",
                   f"{r['asset']['ip']}:{r['asset'].get('via_mapping', {}).get('internal_port', r['port'])}"
                   if r["asset"] else None, r["verdict"]) for r in ex)
    assert got == want, f"rows {got}\nwant {want}"
    for r in ex:
        if r["asset"] and r["asset"]["name"]:  # the register's name, as text
            assert any(r["asset"]["name"] in c[2] for c in rows), (r["asset"]["name"], rows)
    fs = [json.loads(l) for l in open(findings_jsonl)]
    fs = sorted((f["rule"], f["severity"], f"{f['ip']}:{f['port']}/{f['proto']}") for f in fs
                if f["type"] == "finding" and f["rule"] in ("internet-exposed", "external-only"))
    frows = sorted(tuple(r[:3]) for r in d.rows.get("external-findings", [])[1:])
    assert frows == fs, f"findings {frows}\nwant {fs}"
    assert not d.tags, f"markup from a name or banner: {d.tags}"
    assert "\x1b" not in dom, "a raw escape reached the page"
    print(f"html: external section with {len(rows)} services and {len(frows)} findings")
    sys.exit(0)
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

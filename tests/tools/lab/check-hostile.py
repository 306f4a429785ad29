#!/usr/bin/env python3
"""Checks the outputs of an audit of the lab's hostile host (lab.sh: ${P}-evil).

usage: check-hostile.py DIR
DIR holds what test-lab.sh's hostile check wrote: rc (exit status), time.txt (/usr/bin/time -v),
out and err (the terminal output), a.jsonl, a.xml, a.csv, a.html, list.txt (report --list),
stored.jsonl (report --format json of the saved run). Prints one line per sub-assertion ("ok NAME"
or "FAIL NAME: what, where") and exits 1 when any failed, so a failure says which output path
let which hostile bytes through.
"""
import csv
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

d = sys.argv[1]
# The bounds: wall time, the process's peak RSS (the test build's: ASan's
# shadow and quarantine on top of the ~170 MB of probe and fingerprint data a
# release build loads), and what the hostile peers may add to the memory the
# run had once prepared: an endless talker must cost a bounded buffer, not
# what it sends.
MAX_SECONDS, MAX_RSS_MB, MAX_GROWTH_MB = 60, 400, 100
failed = []


def sub(name, fn):
    try:
        msg = fn()
    except Exception as e:  # an assertion or a parser's error: both name what failed
        failed.append(name)
        print(f"FAIL {name}: {type(e).__name__}: {str(e)[:600]}")
        return
    print(f"ok   {name}" + (f" ({msg})" if msg else ""))


def path(f):
    return os.path.join(d, f)


def read(f):
    return open(path(f), "rb").read()


def exit_and_bounds():
    rc = int(read("rc"))
    assert rc in (0, 1), f"exit status {rc} (0, or 1 for findings at --fail-on, wanted)"
    t = read("time.txt").decode()
    h, m, s = (["0"] + re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([0-9:.]+)", t).group(1).split(":"))[-3:]
    secs = int(h) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    assert secs < MAX_SECONDS, f"took {secs:.1f} s, bound {MAX_SECONDS} s"
    assert rss < MAX_RSS_MB, f"max RSS {rss:.0f} MB, bound {MAX_RSS_MB} MB"
    # from the scan stage on: the scanner's capture ring (128 MB) opens after
    # the traffic stage, so the scan's peak is the run's prepared memory
    stages = re.search(r"stages \(wall, peak memory so far\): .* scan [0-9.]+ s \((\d+) MB\).* \((\d+) MB\)\s*$",
                       read("err").decode(errors="replace"), re.M)
    assert stages, "no stages line in the run's -v output"
    grown = int(stages.group(2)) - int(stages.group(1))
    assert grown < MAX_GROWTH_MB, f"memory grew {grown} MB after the scan stage, bound {MAX_GROWTH_MB} MB"
    return f"exit {rc}, {secs:.1f} s, max RSS {rss:.0f} MB, grew {grown} MB after the scan stage"


def run_saved():
    rows = [l for l in read("list.txt").decode().splitlines() if " audit " in l]
    assert len(rows) == 1 and " done " in rows[0], f"report --list: {rows}"


# What a terminal acts on: C0 controls but tab and newline, DEL, C1, the bidi
# overrides and isolates ("Trojan Source"); and bytes that are not UTF-8 at all.
BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_clean(f):
    def check():
        raw = read(f)
        assert b"198.18.253." in raw, "no output about the hostile host at all"
        text = raw.decode("utf-8", errors="surrogateescape")  # invalid bytes become U+DC80..U+DCFF
        lines = text.splitlines()
        problems = []
        for what, rx in (("invalid UTF-8 bytes", re.compile("[\udc80-\udcff]")), ("raw control/bidi characters", BAD)):
            hits = [(text[:m.start()].count("\n") + 1, m.group()) for m in rx.finditer(text)]
            if hits:
                where = sorted({n for n, _ in hits})
                problems.append(f"{len(hits)} {what} on lines {where[:12]}, e.g. line {where[0]}: "
                                f"{lines[where[0] - 1][:100].encode('utf-8', 'surrogateescape')!r}")
        assert not problems, "; ".join(problems)
        return f"{len(lines)} lines"
    return check


def no_constant(c):
    raise ValueError(f"non-finite number {c}")


def jsonl_strict(f):
    def check():
        recs = []
        for i, line in enumerate(read(f).split(b"\n"), 1):
            if not line:
                continue
            try:
                recs.append(json.loads(line.decode("utf-8"), parse_constant=no_constant))
            except (ValueError, UnicodeDecodeError) as e:
                raise AssertionError(f"line {i}: {e}: {line[:200]!r}")
        return recs
    return check


def jsonl_complete():
    recs = jsonl_strict("a.jsonl")()
    sv = {(r["port"], r["proto"]) for r in recs if r["type"] == "service" and r["ip"] == "198.18.253.2"}
    want = {(p, "tcp") for p in (21, 22, 23, 25, 80, 443, 2121, 2222, 5900, 8000, 8080, 8081, 8443, 9000)} | {(161, "udp")}
    assert sv == want, f"services {sorted(sv)} != {sorted(want)}"
    # accepts and closes without a word: nmap's tcpwrapped, with no probe after the banner wait's
    names = {r["port"]: r["name"] for r in recs if r["type"] == "service" and r["ip"] == "198.18.253.2" and r["proto"] == "tcp"}
    assert names[23] == "tcpwrapped", f"23/tcp (accept and close) named {names[23]!r}"
    unreg = {r["ip"]: r for r in recs if r["type"] == "finding" and r["rule"] == "unregistered-host"}
    assert set(unreg) == {"198.18.253.5", "198.18.253.6"}, sorted(unreg)
    for r in unreg.values():
        assert "owned" in r["evidence"]["dhcp_lease"]["client_hostname"], r["evidence"]
    return f"{len(recs)} records"


def xml_wellformed():
    p = subprocess.run(["xmllint", "--noout", path("a.xml")], capture_output=True, text=True, errors="replace")
    assert p.returncode == 0, p.stderr.strip().splitlines()[:4]


def csv_utf8():
    raw = read("a.csv")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        row = raw[:e.start].count(b"\n") + 1
        raise AssertionError(f"not UTF-8 at byte {e.start} (row {row}): {raw[max(0, e.start - 60):e.start + 10]!r}")


def csv_parses():
    rows = list(csv.reader(open(path("a.csv"), newline="", encoding="utf-8", errors="surrogateescape")))
    # the run's caveats come first: rows whose first cell is "#caveat"
    while rows and rows[0][:1] == ["#caveat"]:
        assert len(rows[0]) == 3, rows[0]
        rows.pop(0)
    assert rows and rows[0][:3] == ["rank", "severity", "rule"], rows[:1]
    for i, row in enumerate(rows[1:], 2):
        assert len(row) == len(rows[0]), f"row {i}: {len(row)} cells, header {len(rows[0])}"
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", f"row {i}: formula cell {cell[:60]!r}"
    # the register's hostile host name reached the CSV, defused
    assert any(c.startswith("'=cmd|") for r in rows for c in r), "no quoted formula cell: the hostile name is missing"
    return f"{len(rows) - 1} rows"


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self.imgs, self.text = 0, [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag in ("img", "iframe", "object", "embed"):
            self.imgs += 1
        for k, v in attrs:
            if k.startswith("on") or (v and "javascript:" in v.lower()):
                self.handlers.append((tag, k, (v or "")[:60]))

    def handle_data(self, data):
        self.text.append(data)


def html_rendered():
    chrome = ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + path("a.html")]
    dom = subprocess.run(chrome, capture_output=True, text=True, timeout=120).stdout
    assert "<html" in dom, "Chromium rendered nothing"
    p = Dom()
    p.feed(dom)
    assert p.scripts == 0, f"{p.scripts} <script> nodes in the rendered DOM"
    assert not p.handlers, f"event handler attributes in the rendered DOM: {p.handlers[:3]}"
    assert p.imgs == 0, f"{p.imgs} img/iframe/object nodes in the rendered DOM"
    text = "".join(p.text)
    assert "<script>=cmd|x!A1" in text, "the hostile host name is not on the page as text"
    return "no node injected"


sub("exit_time_memory", exit_and_bounds)
sub("run_saved", run_saved)
sub("terminal_stdout_clean", terminal_clean("out"))
sub("terminal_stderr_clean", terminal_clean("err"))
sub("jsonl_strict_and_complete", jsonl_complete)
sub("stored_jsonl_strict", lambda: f'{len(jsonl_strict("stored.jsonl")())} records')
sub("xml_wellformed", xml_wellformed)
sub("csv_utf8", csv_utf8)
sub("csv_parses_formulas_quoted", csv_parses)
sub("html_no_injected_node", html_rendered)
print(f"hostile: {10 - len(failed)} passed, {len(failed)} failed" + (f" ({', '.join(failed)})" if failed else ""))
sys.exit(1 if failed else 0)

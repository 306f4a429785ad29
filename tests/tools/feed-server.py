#!/usr/bin/env python3
"""A stand-in for the vulnerability feeds' servers, on 127.0.0.1 only, for
the CLI suite's `vulndb fetch` checks: the NVD CVE API 2.0 (paging by
startIndex/resultsPerPage, lastModStartDate/lastModEndDate filtering with
NVD's 120-day limit, apiKey header), CISA KEV and FIRST EPSS (Range
requests). Faults are scripted in a file, one "PATH-PREFIX ACTION [ARG]" a
line, each line used once by the first request it matches:
  429 S / 503 S / 403 S   that status, Retry-After S (omitted when S is -)
  cut N                   full Content-Length, N bytes of body, then close
  badjson / badgz         the body cut in half (a proper Content-Length)
  html                    200 with an HTML page
  empty                   200, application/json, no body
  newetag                 the file has changed (another ETag, If-Range fails)
The distributions' feeds (tests/data/fixtures/distro): Debian's tracker
JSON (/tracker/data/json, Range requests), Ubuntu's CVE API
(/security/cves.json, paging by offset/limit), Red Hat's VEX files and
their changes.csv (/data/csaf/v2/vex/).
Every request is logged as one JSON line: path, query, apiKey, Range.

usage: feed-server.py --fixtures DIR --port-file F --log F --faults F
                      [--modified F] [--api-key K]
--modified: lines "CVE-ID TIME" that override a record's lastModified."""
import argparse, datetime, gzip, http.server, json, os, sys, threading, urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("--fixtures", required=True)
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--faults", required=True)
ap.add_argument("--modified")
ap.add_argument("--api-key")
A = ap.parse_args()

records = {}
nvd = os.path.join(A.fixtures, "nvd")
for n in sorted(os.listdir(nvd)):
    with open(os.path.join(nvd, n)) as f:
        d = json.load(f)
    for v in d.get("vulnerabilities", [d if "cve" in d else {"cve": d}]):
        records[v["cve"]["id"]] = v
with open(os.path.join(A.fixtures, "kev", "known_exploited_vulnerabilities.json"), "rb") as f:
    KEV = f.read()
DIST = os.path.join(A.fixtures, "distro")
with open(os.path.join(DIST, "debian-tracker.json"), "rb") as f:
    DEBIAN = f.read()
with open(os.path.join(DIST, "ubuntu-cves.json")) as f:
    UBUNTU = json.load(f)["cves"]
VEX = {}  # "2024/cve-2024-6387.json" -> (bytes, current_release_date)
for n in sorted(os.listdir(DIST)):
    if n.startswith("redhat-cve-"):
        with open(os.path.join(DIST, n), "rb") as f:
            b = f.read()
        cve = n[len("redhat-"):]
        VEX["%s/%s" % (cve.split("-")[1], cve)] = (b, json.loads(b)["document"]["tracking"]["current_release_date"])
csv = "#model_version:v2025.03.14,score_date:2026-12-01T00:00:00+0000\ncve,epss,percentile\n"
for i, cid in enumerate(sorted(records)):
    csv += "%s,%.5f,%.5f\n" % (cid, (i + 1) / 100.0, (i + 1) / 50.0)
EPSS = gzip.compress(csv.encode(), mtime=0)
lock = threading.Lock()


def parse_time(s):
    s = s.replace("Z", "+00:00")
    t = datetime.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t


def take_fault(path):
    with lock:
        try:
            with open(A.faults) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            return None
        for i, l in enumerate(lines):
            w = l.split()
            if w and path.startswith(w[0]):
                del lines[i]
                with open(A.faults, "w") as f:
                    f.write("".join(x + "\n" for x in lines))
                return w[1:]
    return None


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype, extra=None, cut=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body if cut is None else body[:cut])
        self.wfile.flush()
        if cut is not None:
            self.close_connection = True

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        with lock, open(A.log, "a") as f:
            f.write(json.dumps({"path": u.path, "query": q, "apiKey": self.headers.get("apiKey"),
                                "range": self.headers.get("Range"),
                                "ifRange": self.headers.get("If-Range")}) + "\n")
        fault = take_fault(u.path)
        if fault and fault[0] in ("429", "503", "403"):
            extra = {} if len(fault) < 2 or fault[1] == "-" else {"Retry-After": fault[1]}
            return self.send(int(fault[0]), b"slow down\n", "text/plain", extra)
        if fault and fault[0] == "empty":
            return self.send(200, b"", "application/json")
        if fault and fault[0] == "html":
            return self.send(200, b"<html><body>maintenance</body></html>", "text/html")
        if u.path == "/rest/json/cves/2.0":
            status, body = self.nvd(q)
            ctype = "application/json"
        elif u.path == "/feeds/known_exploited_vulnerabilities.json":
            status, body, ctype = 200, KEV, "application/json"
        elif u.path == "/epss_scores-current.csv.gz":
            status, body, ctype = 200, EPSS, "application/x-gzip"
        elif u.path == "/tracker/data/json":
            status, body, ctype = 200, DEBIAN, "application/json"
        elif u.path == "/security/cves.json":
            off, lim = int(q.get("offset", "0")), min(int(q.get("limit", "20")), 100)
            page = {"cves": UBUNTU[off:off + lim], "offset": off, "limit": lim, "total_results": len(UBUNTU)}
            status, body, ctype = 200, json.dumps(page).encode(), "application/json"
        elif u.path == "/data/csaf/v2/vex/changes.csv":
            rows = ['"%s","%s"' % (p, t) for p, (b, t) in sorted(VEX.items())]
            status, body, ctype = 200, ("\n".join(rows) + "\n").encode(), "text/csv"
        elif u.path.startswith("/data/csaf/v2/vex/") and u.path[len("/data/csaf/v2/vex/"):] in VEX:
            status, body, ctype = 200, VEX[u.path[len("/data/csaf/v2/vex/"):]][0], "application/json"
        else:
            return self.send(404, b"not found\n", "text/plain")
        if status != 200:
            return self.send(status, body, "text/plain", {"message": body.decode().strip()})
        extra = {}
        rng = self.headers.get("Range")
        if u.path != "/rest/json/cves/2.0":
            import hashlib
            etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
            if fault and fault[0] == "newetag":
                etag = '"changed"'
            extra["ETag"] = etag
            if self.headers.get("If-Range") not in (None, etag):
                rng = None  # the file changed since the part was fetched: all of it
        if rng and rng.startswith("bytes=") and rng.endswith("-") and u.path != "/rest/json/cves/2.0":
            start = int(rng[6:-1])
            if start >= len(body):
                return self.send(416, b"", "text/plain", {"Content-Range": "bytes */%d" % len(body)})
            extra["Content-Range"] = "bytes %d-%d/%d" % (start, len(body) - 1, len(body))
            body, status = body[start:], 206
        if fault and fault[0] in ("badjson", "badgz"):
            body = body[: len(body) // 2]
        cut = int(fault[1]) if fault and fault[0] == "cut" else None
        self.send(status, body, ctype, extra, cut)

    def nvd(self, q):
        if A.api_key and self.headers.get("apiKey") != A.api_key:
            return 403, b"invalid apiKey\n"
        try:
            per = int(q.get("resultsPerPage", "2000"))
            start = int(q.get("startIndex", "0"))
        except ValueError:
            return 404, b"Invalid startIndex or resultsPerPage\n"
        if per < 1 or per > 2000 or start < 0:
            return 404, b"Invalid resultsPerPage\n"
        a, b = q.get("lastModStartDate"), q.get("lastModEndDate")
        if (a is None) != (b is None):
            return 404, b"Both lastModStartDate and lastModEndDate are required\n"
        mods = {}
        if A.modified and os.path.exists(A.modified):
            with open(A.modified) as f:
                for l in f:
                    w = l.split()
                    if len(w) == 2:
                        mods[w[0]] = w[1]
        out = []
        for cid in sorted(records):
            v = json.loads(json.dumps(records[cid]))
            if cid in mods:
                v["cve"]["lastModified"] = mods[cid]
            out.append(v)
        if a is not None:
            try:
                ta, tb = parse_time(a), parse_time(b)
            except ValueError:
                return 404, b"Invalid date\n"
            if tb < ta or (tb - ta).days > 120:
                return 404, b"The date range must not exceed 120 days\n"
            out = [v for v in out if ta <= parse_time(v["cve"]["lastModified"]) <= tb]
        page = out[start:start + per]
        doc = {"resultsPerPage": len(page), "startIndex": start, "totalResults": len(out), "format": "NVD_CVE",
               "version": "2.0", "timestamp": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
               "vulnerabilities": page}
        return 200, json.dumps(doc).encode()


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(A.port_file + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(A.port_file + ".tmp", A.port_file)
srv.serve_forever()

#!/usr/bin/env python3
"""Serves the lab's web applications from files, each with the response
headers its product sends, so that a scanner sees what it would see on the
device: a network camera's login page, a printer's embedded web server, a
webmail login.

The pages under tests/lab/webapps/ were written for this lab, modelled on
what such products show (titles, Server headers, cookies, script names,
favicons); they copy no vendor's files. Each site directory holds a
`headers` file: one "Name: value" a line, sent with every response.

Usage: webapp-server.py DIR SITE@ADDR:PORT...   (runs until killed)
"""
import http.server
import os
import socketserver
import sys
import threading


class Site(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # as the devices answer (every reply has a length)
    root = "."
    extra = []
    index = "index.html"

    def __init__(self, *a, **kw):
        super().__init__(*a, directory=self.root, **kw)

    # the product's Server header, not Python's
    def version_string(self):
        for k, v in self.extra:
            if k.lower() == "server":
                return v
        return ""

    def end_headers(self):
        for k, v in self.extra:
            if k.lower() != "server":
                self.send_header(k, v)
        super().end_headers()

    def send_head(self):
        # devices answer / with their login page, not a directory listing
        if self.path.split("?")[0] == "/headers":  # the lab's own file, not the site's
            self.send_error(404, "Not Found")
            return None
        if self.path in ("/", "") and self.index != "index.html":
            self.path = "/" + self.index
        return super().send_head()

    def list_directory(self, path):
        self.send_error(404, "Not Found")
        return None

    def log_message(self, fmt, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def site_handler(base, name):
    root = os.path.join(base, name)
    extra, index = [], "index.html"
    with open(os.path.join(root, "headers"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if ":" not in line:
                sys.exit(f"webapp-server: {root}/headers:{n}: not 'Name: value'")
            k, v = line.split(":", 1)
            if k == "X-Lab-Index":  # not sent: which file answers /
                index = v.strip()
                continue
            extra.append((k.strip(), v.strip()))
    return type(name, (Site,), {"root": root, "extra": extra, "index": index})


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: webapp-server.py DIR SITE@ADDR:PORT...")
    servers = []
    for spec in sys.argv[2:]:
        try:
            name, where = spec.split("@", 1)
            addr, port = where.rsplit(":", 1)
            servers.append(Server((addr, int(port)), site_handler(sys.argv[1], name)))
        except (ValueError, OSError) as e:
            sys.exit(f"webapp-server: {spec}: {e}")
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Serves saved HTTP responses, one page directory per port, for the web
application checks and bench/webapps-bench.sh.

  serve.py SETDIR BASEPORT   -> prints "PORT PAGE" per page, serves until killed

A page directory holds index.http (the answer to /) and NAME.http for other
paths ("/doc/page/login.asp" -> doc_page_login.asp.http; the query string is
ignored). Each .http file is a raw response, header lines ending in LF;
they are sent with CRLF, a Content-Length and Connection: close. Any other
path is a 404."""
import os
import socketserver
import sys
import threading


def load(path):
    with open(path, 'rb') as f:
        raw = f.read()
    head, sep, body = raw.partition(b'\n\n')
    lines = [l.rstrip(b'\r') for l in head.split(b'\n')]
    lines = [l for l in lines if not l.lower().startswith((b'content-length:', b'transfer-encoding:',
                                                           b'connection:'))]
    lines += [b'Content-Length: %d' % len(body), b'Connection: close']
    return b'\r\n'.join(lines) + b'\r\n\r\n' + body


def handler_for(page_dir):
    class H(socketserver.StreamRequestHandler):
        def handle(self):
            try:
                line = self.rfile.readline(8192).decode('latin-1')
                while True:
                    h = self.rfile.readline(8192)
                    if h in (b'\r\n', b'\n', b''):
                        break
                parts = line.split()
                path = parts[1] if len(parts) > 1 else '/'
                path = path.split('?', 1)[0].split('#', 1)[0]
                name = 'index' if path in ('/', '') else path.lstrip('/').replace('/', '_')
                f = os.path.join(page_dir, name + '.http')
                if '..' not in name and os.path.isfile(f):
                    self.wfile.write(load(f))
                else:
                    self.wfile.write(b'HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n'
                                     b'Content-Length: 9\r\nConnection: close\r\n\r\nnot found')
            except (ConnectionError, OSError):
                pass
    return H


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    setdir, base = sys.argv[1], int(sys.argv[2])
    pages = sorted(d for d in os.listdir(setdir) if os.path.isdir(os.path.join(setdir, d)))
    servers = []
    for i, p in enumerate(pages):
        s = Server(('127.0.0.1', base + i), handler_for(os.path.join(setdir, p)))
        servers.append(s)
        threading.Thread(target=s.serve_forever, daemon=True).start()
        print(base + i, p, flush=True)
    threading.Event().wait()


if __name__ == '__main__':
    main()

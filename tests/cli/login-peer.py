#!/usr/bin/env python3
"""Web logins that misbehave, on the loopback device, for the credential
checks' safety tests. Usage: login-peer.py MODE PORT
  lockout   401 until the third login attempt, then 429 Too Many Requests
  anything  401 without credentials, 200 for any credentials at all
Logs every Authorization header's scheme to stdout (never the value)."""
import http.server, sys

mode, port = sys.argv[1], int(sys.argv[2])
tries = 0

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code, extra=()):
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        body = b"<html><body>%d</body></html>" % code
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        global tries
        auth = self.headers.get("Authorization")
        print("auth" if auth else "none", flush=True)
        if not auth:
            return self.reply(401, [("WWW-Authenticate", 'Basic realm="router"')])
        tries += 1
        if mode == "anything":
            return self.reply(200)
        if tries >= 3:
            return self.reply(429, [("Retry-After", "600")])
        return self.reply(401, [("WWW-Authenticate", 'Basic realm="router"')])

http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()

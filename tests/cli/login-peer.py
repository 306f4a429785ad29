#!/usr/bin/env python3
"""Web logins that misbehave, on the loopback device, for the credential
checks' safety tests. Usage: login-peer.py MODE PORT
  lockout   401 until the third login attempt, then 429 Too Many Requests
  anything  401 without credentials, 200 for any credentials at all
  form      a router's HTML login form (hidden token, session cookie):
            admin/admin is let in (302 to the status page), anything else not
Logs every Authorization header's scheme to stdout (never the value)."""
import http.server, sys, urllib.parse

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

    def page(self, code, text, extra=()):
        body = text.encode()
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    FORM = ('<html><head><title>Wireless Router</title></head><body><form method="post" action="/login.cgi">'
            '<input type="hidden" name="token" value="t0k3n"><input type="text" name="username">'
            '<input type="password" name="password"><input type="submit" value="Login"></form></body></html>')

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        f = urllib.parse.parse_qs(self.rfile.read(n).decode())
        ok = (f.get("username") == ["admin"] and f.get("password") == ["admin"] and f.get("token") == ["t0k3n"]
              and "sid=s355" in (self.headers.get("Cookie") or ""))
        print("post", "ok" if ok else "refused", flush=True)
        if ok:
            return self.page(302, "", [("Location", "/status.htm")])
        return self.page(200, "<p>Login failed</p>" + self.FORM)

    def do_GET(self):
        global tries
        if mode == "form":
            return self.page(200, self.FORM, [("Set-Cookie", "sid=s355; HttpOnly")])
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

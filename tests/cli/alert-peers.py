#!/usr/bin/python3
"""Receivers for the alert checks (tests/cli/alerts.sh), on 127.0.0.1 only.

webhook PORT LOG REFUSE: answers 503 to the first REFUSE requests, then 200;
  while the file LOG.hold exists, it records the next request, removes the
  file and waits 5 s before answering (a sender killed meanwhile never hears
  back). Each request is one JSON line in LOG: status, Idempotency-Key, whether
  X-Dormant-Signature is HMAC-SHA-256 of the body with the secret "s3cret",
  and the body.
smtp PORT LOG: an SMTP sink (aiosmtpd); each message is one JSON line in LOG.
"""
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def webhook(port, log, refuse):
    state = {"refuse": refuse}

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            want = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
            status = 200
            if state["refuse"] > 0:
                state["refuse"] -= 1
                status = 503
            rec = {"status": status, "key": self.headers.get("Idempotency-Key"),
                   "signed": self.headers.get("X-Dormant-Signature") == want,
                   "extra": self.headers.get("X-Team"), "body": json.loads(body)}
            with open(log, "a") as f:
                f.write(json.dumps(rec) + "\n")
            if os.path.exists(log + ".hold"):
                os.unlink(log + ".hold")
                time.sleep(5)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()


def smtp(port, log):
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            with open(log, "a") as f:
                f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                    "data": envelope.content.decode("utf-8", "replace")}) + "\n")
            return "250 OK"

    c = Controller(Sink(), hostname="127.0.0.1", port=port)
    c.start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    if sys.argv[1] == "webhook":
        webhook(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    else:
        smtp(int(sys.argv[2]), sys.argv[3])

#!/usr/bin/env python3
# Runs argv under a pseudo-terminal (stdin and stderr are a terminal), and
# once the large-scope statement says "Ctrl-C cancels", types Ctrl-C.
# With --kill-when-run=DB first, types nothing and sends SIGTERM once the
# store DB holds a run (a run that should start at once, --yes; a fixed delay
# loses the race on a loaded machine). Prints what the terminal showed, then
# "signal N" or "exit N".
import os, pty, select, signal, sqlite3, sys, time

args = sys.argv[1:]
kill_when_run = None
if args and args[0].startswith("--kill-when-run="):
    kill_when_run = args.pop(0).split("=", 1)[1]


def has_run(db):
    try:
        c = sqlite3.connect("file:" + db + "?mode=ro", uri=True, timeout=1)
        return c.execute("select count(*) from runs").fetchone()[0] > 0
    except sqlite3.Error:
        return False


pid, fd = pty.fork()
if pid == 0:
    os.execvp(args[0], args)
out = b""
start = time.time()
sent = False
while True:
    if kill_when_run is not None and not sent and has_run(kill_when_run):
        time.sleep(0.5)  # into the scan
        os.kill(pid, signal.SIGTERM)
        sent = True
    if time.time() - start > 20:
        os.kill(pid, signal.SIGKILL)
        break
    r, _, _ = select.select([fd], [], [], 0.1)
    if not r:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if kill_when_run is None and not sent and b"Ctrl-C cancels" in out:
        time.sleep(0.5)
        os.write(fd, b"\x03")
        sent = True
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print("signal" if os.WIFSIGNALED(st) else "exit", os.WTERMSIG(st) if os.WIFSIGNALED(st) else os.WEXITSTATUS(st))

#!/usr/bin/env python3
# Runs argv under a pseudo-terminal (stdin and stderr are a terminal), and
# once the large-scope statement says "Ctrl-C cancels", types Ctrl-C.
# With --kill-after=N first, types nothing and sends SIGTERM after N seconds
# (a run that should start at once, --yes). Prints what the terminal showed,
# then "signal N" or "exit N".
import os, pty, select, signal, sys, time

args = sys.argv[1:]
kill_after = None
if args and args[0].startswith("--kill-after="):
    kill_after = float(args.pop(0).split("=", 1)[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(args[0], args)
out = b""
start = time.time()
sent = False
while True:
    if kill_after is not None and not sent and time.time() - start > kill_after:
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
    if kill_after is None and not sent and b"Ctrl-C cancels" in out:
        time.sleep(0.5)
        os.write(fd, b"\x03")
        sent = True
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print("signal" if os.WIFSIGNALED(st) else "exit", os.WTERMSIG(st) if os.WIFSIGNALED(st) else os.WEXITSTATUS(st))

#!/usr/bin/env python3
# Runs argv under a pseudo-terminal (stdin and stderr are a terminal), and
# once the large-scope statement says "Ctrl-C cancels", types Ctrl-C. Prints what the terminal showed and the exit status.
import os, pty, sys, time, signal
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
deadline = time.time() + 20
sent = False
while time.time() < deadline:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if not sent and b"Ctrl-C cancels" in out:
        time.sleep(0.5)
        os.write(fd, b"\x03")
        sent = True
if not sent:
    os.kill(pid, signal.SIGKILL)
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print("signal" if os.WIFSIGNALED(st) else "exit", os.WTERMSIG(st) if os.WIFSIGNALED(st) else os.WEXITSTATUS(st))

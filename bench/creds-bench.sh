#!/usr/bin/env bash
# Credential checks: wall time of dormant creds vs hydra and medusa on the
# lab for the same list, one login at a time on each service (dormant's
# safe pacing; hydra -t 1, medusa -t 1) and hydra with its default 16
# tasks. Services: the camera's web UI (Basic, its default is in the list),
# the IoT box's real telnetd (strong: every entry fails, PAM delays each)
# and OpenSSH (strong). Runs from the lab's scanner namespace, as root.
# Usage: bench/creds-bench.sh BUILD/dormant
set -euo pipefail
D=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export DM_LAB_PREFIX=${DM_LAB_PREFIX:-dmb}
W=${BENCH_DIR:-/tmp/dormant-creds-bench}
rm -rf "$W" && mkdir -p "$W"
trap '"$ROOT/tests/lab/lab.sh" down >/dev/null 2>&1 || true' EXIT
"$ROOT/tests/lab/lab.sh" down >/dev/null 2>&1 || true
DM_BUILD=$(dirname "$D") "$ROOT/tests/lab/lab.sh" up >/dev/null
# one list for every tool: the http rows of the database (the camera's default among them, 5th)
python3 - "$ROOT/data/credentials.csv" "$W" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#"))]
pick, seen = [], set()
for r in rows:
    if r["protocol"] == "http" and r["vendor"] in ("Generic", "Dahua", "Axis", "Hikvision") and (r["user"], r["password"]) not in seen:
        seen.add((r["user"], r["password"]))
        pick.append(r)
pick.sort(key=lambda r: r["vendor"] == "Hikvision")  # the working one last: every tool tries them all first
with open(f"{sys.argv[2]}/list.txt", "w") as f:
    for r in pick: f.write(f"{r['user']}:{r['password']}\n")
with open(f"{sys.argv[2]}/medusa.txt", "w") as f:  # medusa's combo format: host:user:password
    for r in pick: f.write(f":{r['user']}:{r['password']}\n")
for proto in ("http", "telnet", "ssh"):
    with open(f"{sys.argv[2]}/db-{proto}.csv", "w") as f:
        f.write("vendor,match,protocol,user,password,source\n")
        for r in pick: f.write(f"Bench,,{proto},{r['user']},{r['password']},bench list\n")
PY
n=$(wc -l <"$W/list.txt")
t() { # name cmd...: prints "name seconds"
	local name=$1 s
	shift
	s=$(date +%s.%N)
	timeout 600 ip netns exec "$DM_LAB_PREFIX-scan" "$@" >"$W/$name.out" 2>&1 || true
	python3 -c "import sys; print(f'{sys.argv[1]:<28} {float(sys.argv[3]) - float(sys.argv[2]):8.2f} s')" "$name" "$s" "$(date +%s.%N)"
}
echo "list: $n user:password pairs (the camera's default last); one service per run"
for svc in "http 198.18.0.15 80" "telnet 198.18.0.12 23" "ssh 198.18.0.11 22"; do
	set -- $svc
	proto=$1 ip=$2 port=$3
	echo "== $proto on $ip:$port"
	# dormant identifies first (part of its time), then tries the list: control + n entries, no delay
	t "dormant" "$D" creds "$ip" -p "$port" --db "$W/db" --credentials "$W/db-$proto.csv" --budget "$n" \
		--login-delay 0 --host-budget 100 -oJ "$W/dormant-$proto.jsonl"
	hp=$proto; [ "$proto" = http ] && hp=http-get
	t "hydra -t 1" hydra -C "$W/list.txt" -t 1 -f -I -o "$W/hydra-$proto.txt" "$hp://$ip:$port/"
	t "hydra (16 tasks)" hydra -C "$W/list.txt" -f -I "$hp://$ip:$port/"
	mm=$proto; [ "$proto" = ssh ] && mm=ssh
	t "medusa -t 1" medusa -C "$W/medusa.txt" -h "$ip" -n "$port" -M "$mm" -t 1 -F
	grep -h '"rule":"default-credentials"' "$W/dormant-$proto.jsonl" >/dev/null && echo "   dormant: default found" || echo "   dormant: none found"
	grep -q "login:" "$W/hydra -t 1.out" && echo "   hydra -t 1: reports $(grep -o 'login: .*' "$W/hydra -t 1.out" | head -1 | sed 's/password: .*/password: (redacted)/')" || echo "   hydra -t 1: none found"
	grep -q "ACCOUNT FOUND" "$W/medusa -t 1.out" && echo "   medusa: default found" || echo "   medusa: none found"
done

#!/usr/bin/env bash
# The built-in demo: brings up the lab network (namespaces with real
# nginx, lighttpd, OpenSSH, vsftpd, telnetd, mosquitto, snmpd and redis,
# an idle host and two devices that answer only ARP), runs `dormant audit`
# on it from the scanner namespace, changes the network, audits again to
# show what changed, and tears the lab down. Vulnerability data comes from
# the real NVD/KEV records kept for the tests. Outputs stay in demo-out/.
# Usage: tests/lab/demo.sh PATH/TO/dormant
set -euo pipefail
D=$(realpath "${1:-build/dormant}")
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${DEMO_OUT:-$PWD/demo-out}
export DM_LAB_PREFIX=${DM_LAB_PREFIX:-dmd}
P=$DM_LAB_PREFIX
[ "$(id -u)" = 0 ] || { echo "demo: needs root to create network namespaces" >&2; exit 2; }
rm -rf "$OUT"
mkdir -p "$OUT"
trap '"$HERE/lab.sh" down >/dev/null 2>&1' EXIT
echo "demo: starting the lab network (198.18.0.0/24) ..."
"$HERE/lab.sh" up >/dev/null
audit() {
	ip netns exec "$P-scan" "$D" audit 198.18.0.0/24 --rate 20000 --db "$OUT/dormant.db" \
		-oJ "$OUT/audit-$1.jsonl" -oX "$OUT/audit-$1.xml"
}
echo "demo: dormant vulndb import (the real NVD and CISA KEV records in tests/data/fixtures)"
"$D" vulndb import -q --db "$OUT/dormant.db" "$HERE/../data/fixtures/nvd" "$HERE/../data/fixtures/kev"
echo "demo: dormant audit 198.18.0.0/24"
audit 1
echo
echo "demo: someone stops the FTP server and leaves a debug shell listening on the idle host ..."
kill "$(cat "/tmp/dormant-lab-$P/vsftpd.pid")"
ip netns exec "$P-idle" socat TCP-LISTEN:4444,bind=198.18.0.14,fork,reuseaddr SYSTEM:true &
sleep 0.5
echo "demo: dormant audit 198.18.0.0/24 (again)"
audit 2
kill %1 2>/dev/null || true
echo
echo "demo: outputs in $OUT (JSON Lines, nmap XML, the store); 'dormant report --db $OUT/dormant.db --list'"

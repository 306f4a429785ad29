#!/usr/bin/env bash
# The built-in demo: brings up the lab network (namespaces with real
# nginx, lighttpd, OpenSSH, vsftpd, telnetd, mosquitto, snmpd and redis,
# an idle host and two devices that answer only ARP), generates three days
# of its traffic with an asset register that holds every kind of problem,
# runs `dormant audit` on it from the scanner namespace, lets an idle host
# wake and move into the core overnight, audits again to show what
# changed, and tears the lab down. Vulnerability data comes from
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
echo "demo: generating three days of the lab's traffic, its asset register, DHCP leases and site policy ..."
python3 "$HERE/../tools/lab/gen-lab-traffic.py" "$OUT/site" --end "$(date +%s)" >/dev/null
T="$OUT/site"
audit() { # N [--flows FILE]
	local n=$1
	shift
	ip netns exec "$P-scan" "$D" audit 198.18.0.0/24 --rate 20000 --db "$OUT/dormant.db" \
		--config "$T/site.conf" --geoip "$T/geo.mmdb" --leases "$T/dhcpd.leases" --leases "$T/dnsmasq.leases" "$@" \
		-oJ "$OUT/audit-$n.jsonl" -oX "$OUT/audit-$n.xml" --html "$OUT/report-$n.html"
}
echo "demo: dormant vulndb import (the real NVD and CISA KEV records, and the distributions' security data, in tests/data/fixtures)"
"$D" vulndb import -q --db "$OUT/dormant.db" "$HERE/../data/fixtures/nvd" "$HERE/../data/fixtures/kev" "$HERE/../data/fixtures/distro"
echo "demo: dormant audit 198.18.0.0/24 --flows lab-traffic.pcap --inventory inventory.csv --leases dhcpd.leases --config site.conf"
audit 1 --flows "$T/lab-traffic.pcap" --inventory "$T/inventory.csv"
echo
echo "demo: overnight, someone stops the FTP server; at 03:00 the idle file server 198.18.0.14 wakes,"
echo "demo: reaches into the protected core (the database) and uploads 120 MB to foreign addresses ..."
kill "$(cat "/tmp/dormant-lab-$P/vsftpd.pid")"
sleep 0.5
echo "demo: dormant audit 198.18.0.0/24 --flows wake.pcap (the night's traffic)"
audit 2 --flows "$T/wake.pcap"
echo
echo "demo: HTML reports (open in a browser): $OUT/report-1.html and $OUT/report-2.html"
echo "demo: also in $OUT: JSON Lines, nmap XML, the store; 'dormant diff --db $OUT/dormant.db 1 2'"

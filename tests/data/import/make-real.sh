#!/usr/bin/env bash
# Makes the real-scanner fixtures of tests/data/import/ (committed; the unit
# tests read them): masscan -oJ/-oL and ZMap CSV of two namespaces joined by
# a veth pair (198.18.100.1 scans 198.18.100.2, where sshd and lighttpd from
# Debian listen on 22 and 80 and nothing on 81), and nmap -sV -sC -oX of the
# same. masscan and ZMap send raw packets: hence the namespaces. Run as root
# under the lab lock: flock /tmp/dormant-lab.lock tests/data/import/make-real.sh
set -euo pipefail
OUT=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/dormant-import-real.XXXXXX)
A=dmimp-a B=dmimp-b
cleanup() {
	[ -f "$T/sshd.pid" ] && kill "$(cat "$T/sshd.pid")" 2>/dev/null
	[ -f "$T/lighttpd.pid" ] && kill "$(cat "$T/lighttpd.pid")" 2>/dev/null
	ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ip netns add $A
ip netns add $B
ip link add imp-a type veth peer name imp-b
ip link set imp-a netns $A
ip link set imp-b netns $B
ip -n $A addr add 198.18.100.1/24 dev imp-a
ip -n $B addr add 198.18.100.2/24 dev imp-b
for n in $A $B; do ip -n $n link set lo up; done
ip -n $A link set imp-a up
ip -n $B link set imp-b up
MAC_B=$(ip -n $B -br link show imp-b | awk '{print $3}')
ssh-keygen -q -t ed25519 -N '' -f "$T/hk"
printf 'Port 22\nListenAddress 198.18.100.2\nHostKey %s/hk\nPidFile %s/sshd.pid\nUsePAM no\n' "$T" "$T" >"$T/sshd_config"
mkdir -p "$T/www"
echo '<html><head><title>import lab</title></head></html>' >"$T/www/index.html"
cat >"$T/lighttpd.conf" <<CONF
server.document-root = "$T/www"
server.port = 80
server.bind = "198.18.100.2"
server.pid-file = "$T/lighttpd.pid"
server.errorlog = "$T/lighttpd.log"
index-file.names = ( "index.html" )
CONF
ip netns exec $B /usr/sbin/sshd -f "$T/sshd_config"
ip netns exec $B /usr/sbin/lighttpd -f "$T/lighttpd.conf"
sleep 1
# masscan: its own TCP stack for banners needs a source address the kernel does not own
ip netns exec $A masscan 198.18.100.2 -p22,80,81 --rate 100 -e imp-a --router-mac "$MAC_B" \
	--banners --source-ip 198.18.100.50 --wait 3 -oJ "$OUT/masscan-real.json" >/dev/null 2>&1
ip netns exec $A masscan 198.18.100.2 -p22,80,81 --rate 100 -e imp-a --router-mac "$MAC_B" \
	--banners --source-ip 198.18.100.50 --wait 3 -oL "$OUT/masscan-real.list" >/dev/null 2>&1
: >"$T/blocklist" # ZMap's default list blocks 198.18.0.0/15
ip netns exec $A zmap -p 22 -i imp-a -G "$MAC_B" -b "$T/blocklist" -r 100 -c 2 -O csv \
	-f saddr,sport,classification,success,timestamp-str,ttl -o "$OUT/zmap-real.csv" 198.18.100.2/32 >"$T/zmap.log" 2>&1 || { cat "$T/zmap.log" >&2; exit 1; }
ip netns exec $A nmap -sV -sC -Pn -p22,80,81 198.18.100.2 -oX "$OUT/nmap-real.xml" >/dev/null 2>&1
ls -l "$OUT"/masscan-real.* "$OUT"/zmap-real.csv "$OUT"/nmap-real.xml

#!/usr/bin/env bash
# The edge lab: a home or branch gateway (Debian's miniupnpd, UPnP IGD and
# NAT-PMP, nftables) in a namespace of its own, a LAN behind it and a WAN
# veth into an otherwise empty namespace. Nothing routes further.
#
#   lab-upnp.sh up      create it, add the mappings
#   lab-upnp.sh down    kill miniupnpd and the servers, remove the namespaces
#
#   ${P}-ugw    the gateway: br0 198.18.7.254/24 (LAN), w0 11.22.33.44/24 (WAN; miniupnpd
#               refuses to map behind a private or reserved address, and the WAN namespace
#               is empty: nothing is reached through it)
#   ${P}-uscan  198.18.7.1, default route via the gateway (NAT-PMP asks the default gateway)
#   ${P}-ucam   198.18.7.15: a camera (lighttpd as "App-webs/", basic auth admin/12345, the
#               vendor's default) mapped by UPnP from the camera itself: 8080 -> 80
#   ${P}-unas   198.18.7.20: a NAS (sshd-like banner on 22) mapped by hand, a SOAP request
#               written with curl (not upnpc): 2222 -> 22, lease 3600 s;
#               and by NAT-PMP (a request from the NAS): 5000 -> 5000/tcp
#   mappings by upnpc from the scanner's host: 6881 -> 198.18.7.1:6881/udp (a torrent client)
#   ${P}-uwan   11.22.33.1: the outside (audit --external runs here). The gateway forwards,
#               and besides its UPnP table holds a static forward written in its own
#               nftables (as a router's web page adds one): 11.22.33.44:22 -> 198.18.7.20:22;
#               and a second WAN address 11.22.33.45 whose 8443 answers from the gateway
#               itself (a forgotten admin page, HTTP; nothing else passes to .45)
#   NAT-PMP and PCP (RFC 6887) answer on 198.18.7.254:5351: Debian's miniupnpd 2.3.1 is built
#   with PCP, and its enable_natpmp turns both on (it knows no enable_pcp_pmp key)
#
# The truth is printed by `lab-upnp.sh truth`: one line per mapping.
set -Eeuo pipefail
P=${DM_LAB_PREFIX:-dm}
STATE=${DM_LAB_STATE:-/tmp/dormant-lab-$P}-upnp
HERE=$(cd "$(dirname "$0")" && pwd)
GW=198.18.7.254
WAN=11.22.33.44

ns() { ip netns exec "$@"; }
start() { # name ns cmd...: a server in its own session, without the fds we inherited
	# (the lab lock's above all: a server holding it would block every other lab run)
	local name=$1 where=$2
	shift 2
	setsid bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null
		exec "$@"' lab-start ip netns exec "$where" "$@" >"$STATE/$name.log" 2>&1 </dev/null &
	echo $! >"$STATE/$name.pid"
}
wait_tcp() { # ns ip port
	for _ in $(seq 1 100); do
		if ns "$1" timeout 1 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "lab-upnp: nothing listens on $2:$3" >&2
	return 1
}

up_net() {
	ip netns add "$P-ugw"
	ip netns add "$P-uwan"
	ip -n "$P-ugw" link set lo up
	ip -n "$P-uwan" link set lo up
	ip -n "$P-ugw" link add br0 type bridge
	ip -n "$P-ugw" addr add $GW/24 dev br0
	ip -n "$P-ugw" link set br0 up
	ip link add w0 netns "$P-ugw" type veth peer name w1 netns "$P-uwan"
	ip -n "$P-ugw" addr add $WAN/24 dev w0
	ip -n "$P-ugw" addr add 11.22.33.45/24 dev w0
	ip netns exec "$P-ugw" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$P-uwan" addr add 11.22.33.1/24 dev w1
	ip -n "$P-ugw" link set w0 up
	ip -n "$P-uwan" link set w1 up
	local h
	for h in uscan:1 ucam:15 unas:20; do
		local name=${h%%:*} last=${h##*:}
		ip netns add "$P-$name"
		ip -n "$P-$name" link set lo up
		ip link add e0 netns "$P-$name" address "02:00:5e:00:07:$(printf %02x "$last")" type veth peer name "p-$name" netns "$P-ugw"
		ip -n "$P-ugw" link set "p-$name" master br0 up
		ip -n "$P-$name" addr add "198.18.7.$last/24" dev e0
		ip -n "$P-$name" link set e0 up
		ip -n "$P-$name" route add default via $GW
	done
}

up_gateway() {
	ns "$P-ugw" nft -f - <<-NFT
	table inet filter {
		chain forward { type filter hook forward priority 0; policy accept; jump miniupnpd; }
		chain miniupnpd { }
		chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
		chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
		chain prerouting_miniupnpd { }
		chain postrouting_miniupnpd { }
		chain prerouting_static { type nat hook prerouting priority -90; policy accept;
			iifname "w0" ip daddr $WAN tcp dport 22 dnat ip to 198.18.7.20:22; }
		chain wan_second { type filter hook prerouting priority -200; policy accept;
			iifname "w0" ip daddr 11.22.33.45 tcp dport != 8443 drop; }
	}
	NFT
	cat >"$STATE/miniupnpd.conf" <<-CONF
	ext_ifname=w0
	listening_ip=br0
	port=5000
	enable_natpmp=yes
	enable_upnp=yes
	secure_mode=no
	system_uptime=yes
	uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b
	friendly_name=dormant lab gateway
	allow 1-65535 198.18.7.0/24 1-65535
	deny 0-65535 0.0.0.0/0 0-65535
	CONF
	start miniupnpd "$P-ugw" miniupnpd -d -f "$STATE/miniupnpd.conf"
	wait_tcp "$P-uscan" $GW 5000
}

up_devices() {
	mkdir -p "$STATE/cam"
	echo "<html><head><title>NVR Login</title></head><body>login</body></html>" >"$STATE/cam/index.html"
	echo "admin:12345" >"$STATE/cam/users"
	cat >"$STATE/cam.conf" <<-CONF
	server.document-root = "$STATE/cam"
	server.bind = "198.18.7.15"
	server.port = 80
	server.tag = "App-webs/"
	index-file.names = ("index.html")
	server.modules += ("mod_auth", "mod_authn_file")
	auth.backend = "plain"
	auth.backend.plain.userfile = "$STATE/cam/users"
	auth.require = ("/" => ("method" => "basic", "realm" => "IP Camera", "require" => "valid-user"))
	server.pid-file = "$STATE/cam.pid.d"
	CONF
	start cam-web "$P-ucam" lighttpd -D -f "$STATE/cam.conf"
	start nas-ssh "$P-unas" socat TCP-LISTEN:22,bind=198.18.7.20,fork,reuseaddr SYSTEM:"echo SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3; sleep 2"
	printf 'HTTP/1.0 401 Unauthorized\r\nServer: mini_httpd/1.30\r\nWWW-Authenticate: Basic realm="router"\r\nContent-Length: 0\r\n\r\n' >"$STATE/admin.txt"
	start gw-admin "$P-ugw" socat TCP-LISTEN:8443,bind=11.22.33.45,fork,reuseaddr SYSTEM:"cat $STATE/admin.txt"
	wait_tcp "$P-uscan" 198.18.7.15 80
	wait_tcp "$P-uscan" 198.18.7.20 22
	wait_tcp "$P-uwan" 11.22.33.45 8443
}

# A SOAP AddPortMapping written by hand (curl), as a device's own UPnP stack sends it.
soap_add() { # ns ext int_ip int_port proto lease desc (miniupnpd's control URL of WANIPConnection)
	ns "$1" curl -s --max-time 3 -o /dev/null -w '%{http_code}' "http://$GW:5000/ctl/IPConn" \
		-H 'Content-Type: text/xml; charset="utf-8"' \
		-H 'SOAPAction: "urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping"' \
		--data-binary "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewRemoteHost></NewRemoteHost><NewExternalPort>$2</NewExternalPort><NewProtocol>$5</NewProtocol><NewInternalPort>$4</NewInternalPort><NewInternalClient>$3</NewInternalClient><NewEnabled>1</NewEnabled><NewPortMappingDescription>$7</NewPortMappingDescription><NewLeaseDuration>$6</NewLeaseDuration></u:AddPortMapping></s:Body></s:Envelope>"
}

# A NAT-PMP mapping request (RFC 6886: version 0, opcode 2 TCP, private and
# public port, lifetime) from the namespace's own address.
natpmp_add() { # ns private public lifetime
	ns "$1" /usr/bin/python3 - "$GW" "$2" "$3" "$4" <<-'PY'
	import socket, struct, sys
	gw, priv, pub, life = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.settimeout(2)
	s.sendto(struct.pack("!BBHHHI", 0, 2, 0, priv, pub, life), (gw, 5351))
	r = s.recv(64)
	ver, op, res, _, p, q, l = struct.unpack("!BBHIHHI", r[:16])
	assert op == 130 and res == 0, (op, res)
	PY
}

up_mappings() {
	# the camera asks for its own mapping (as its firmware does) with upnpc
	ns "$P-ucam" upnpc -e "IPCam web" -a 198.18.7.15 80 8080 TCP >"$STATE/upnpc-cam.log" 2>&1
	# a torrent client on the scanner's host
	ns "$P-uscan" upnpc -e "Transmission at 6881" -a 198.18.7.1 6881 6881 UDP >"$STATE/upnpc-scan.log" 2>&1
	# by hand: a SOAP request with a lease, a description holding markup and an escape
	local code
	code=$(soap_add "$P-unas" 2222 198.18.7.20 22 TCP 3600 "nas ssh &lt;b&gt;remote&lt;/b&gt;$(printf '\033')[2J")
	[ "$code" = 200 ] || { echo "lab-upnp: hand-written AddPortMapping answered $code" >&2; return 1; }
	natpmp_add "$P-unas" 5000 5000 7200
}

truth() { # what the gateway holds, as upnpc lists it
	ns "$P-uscan" upnpc -l 2>/dev/null | grep -E '^ *[0-9]+ (TCP|UDP)'
}

down() {
	if [ -d "$STATE" ]; then
		for f in "$STATE"/*.pid; do
			[ -e "$f" ] || continue
			pid=$(cat "$f")
			kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
		done
	fi
	for n in $(ip netns list | awk '{print $1}' | grep -E "^$P-(ugw|uwan|uscan|ucam|unas)$" || true); do
		for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
		ip netns del "$n" 2>/dev/null || true
	done
	rm -rf "$STATE"
}

case "${1:-}" in
up)
	[ "$(id -u)" = 0 ] || { echo "lab-upnp: needs root (network namespaces)" >&2; exit 2; }
	down
	mkdir -p "$STATE"
	trap 'trap - ERR; echo "lab-upnp: up failed (line $LINENO); taking it down" >&2; down; exit 1' ERR
	up_net
	up_gateway
	up_devices
	up_mappings
	trap - ERR
	echo "lab-upnp: up ($STATE)"
	;;
down) down ;;
truth) truth ;;
exec)
	shift
	ns "$P-uscan" "$@"
	;;
*)
	echo "usage: lab-upnp.sh up | down | truth | exec CMD..." >&2
	exit 2
	;;
esac

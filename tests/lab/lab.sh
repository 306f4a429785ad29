#!/usr/bin/env bash
# The test lab: network namespaces joined by veth pairs, with no route to
# anything outside the lab, real Debian servers started with their own
# configs, and a namespace that answers for a whole range for scale.
#
#   lab.sh up [--big] [--services]   create it (--big: also the 198.19.0.0/16
#                       scale host; --services: also the services lab)
#   lab.sh down         remove every namespace and process of the lab
#   lab.sh exec CMD...  run CMD in the scanner namespace
#   lab.sh services     print the services lab's truth (JSON; needs no lab)
#
# Layout (all addresses in 198.18.0.0/15, reserved for benchmarking):
#   ${P}-scan  the scanner: s0 198.18.0.1/24 on the lab LAN (a bridge in
#              ${P}-sw), s1 198.18.254.1/30 to ${P}-big; 198.19.0.0/16 via it
#   ${P}-web   198.18.0.10  nginx :80, lighttpd :8080
#   ${P}-ssh   198.18.0.11  openssh :22, vsftpd :21
#   ${P}-iot   198.18.0.12  inetutils telnetd :23, mosquitto :1883, snmpd udp/161
#   ${P}-db    198.18.0.13  redis :6379
#   ${P}-idle  198.18.0.14  nothing listens: answers ping and RST
#   ${P}-cam   198.18.0.15  a camera: web UI (lighttpd as "App-webs/", basic auth realm "IP Camera")
#                           on 80, RTSP (Digest) on 554, and a BusyBox-like telnet login on 23, all
#                           with the vendor's default admin/12345 (root/12345 on telnet) left in place
#   ${P}-old   198.18.0.16  outdated banners: "OpenSSH_7.7p1" on 22, "vsFTPd 2.3.4" on 21; real
#                           OpenSSH on 2222 and lighttpd on 10080 (non-standard ports; Digest login,
#                           strong password)
#                           7000 talks without end, 7443 accepts and stalls (hostile peers)
#   ${P}-evil  198.18.253.2/29 on s2 (scanner 198.18.253.1), off the LAN so that no truth set of the
#              /24 changes: a hostile device (hostile-peer.py) whose banners, HTTP title and Server
#              header, TLS certificate subject and SNMP sysDescr carry ESC/OSC/BEL/C1/bidi/invalid
#              UTF-8/U+FFFE and markup: ftp 21, ssh 22, http 80, https 443 (socat + openssl, the
#              same page), vnc 5900, udp/161 snmp; 4 MiB reply 8000, never-ending reply 8080; odd
#              peers: accept-and-close 23, reset 25, TLS dying mid-handshake 8443, silent 9000;
#              logins that reset: ftp 2121, ssh 2222, http basic 8081.
#              STATE/evil-dhcpd.leases and evil-dnsmasq.leases give .2 and the silent .5/.6
#              hostile client host names
#   ${P}-web also serves TLS: 443 (nginx, expired self-signed certificate), 8443 (TLS 1.0 only)
#   ${P}-dark1 198.18.0.20, ${P}-dark2 198.18.0.21: drop every IP packet, answer only ARP
#   ${P}-svc   198.18.3.40-47 on s3 (scanner 198.18.3.1), off the LAN: the services lab,
#              30 Debian server packages and three web applications (lab-services.sh,
#              services-truth.txt)
#   ${P}-big   198.18.254.2; local 198.19.0.0/17 (every address answers), blackhole
#              198.19.128.0/17 (silent); listen-many opens a seeded truth set
set -euo pipefail
P=${DM_LAB_PREFIX:-dm}
STATE=${DM_LAB_STATE:-/tmp/dormant-lab-$P}
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${DM_BUILD:-$HERE/../../build-test}
BIG_PORTS=${DM_BIG_PORTS:-22,80,443,8080}
BIG_OPEN=${DM_BIG_OPEN:-2000}
BIG_SEED=${DM_BIG_SEED:-7}

ns() { ip netns exec "$@"; }
. "$HERE/lab-services.sh"
hosts="web:10 ssh:11 iot:12 db:13 idle:14 cam:15 old:16 dark1:20 dark2:21"

wait_tcp() { # ns ip port
	for _ in $(seq 1 100); do
		if ns "$P-scan" timeout 1 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "lab: $1 did not start listening on $2:$3 (log: $STATE/$1.log)" >&2
	tail -5 "$STATE/$1.log" >&2 || true
	return 1
}

start() { # name ns cmd...: starts a server in its own session, logs to STATE
	local name=$1 where=$2
	shift 2
	setsid ip netns exec "$where" "$@" >"$STATE/$name.log" 2>&1 </dev/null &
	echo $! >"$STATE/$name.pid"
}

up_net() {
	ip netns add "$P-sw"
	ip -n "$P-sw" link add br0 type bridge
	ip -n "$P-sw" link set br0 up
	ip -n "$P-sw" link set lo up
	ip netns add "$P-scan"
	ip -n "$P-scan" link set lo up
	ip link add s0 netns "$P-scan" address 02:00:5e:00:00:01 type veth peer name p-scan netns "$P-sw"
	ip -n "$P-sw" link set p-scan master br0 up
	ip -n "$P-scan" addr add 198.18.0.1/24 dev s0
	ip -n "$P-scan" link set s0 up
	for h in $hosts; do
		local name=${h%%:*} last=${h##*:}
		ip netns add "$P-$name"
		ip -n "$P-$name" link set lo up
		ip link add e0 netns "$P-$name" address "02:00:5e:00:00:$(printf %02x "$last")" type veth peer name "p-$name" netns "$P-sw"
		ip -n "$P-sw" link set "p-$name" master br0 up
		ip -n "$P-$name" addr add "198.18.0.$last/24" dev e0
		ip -n "$P-$name" link set e0 up
		ns "$P-$name" sysctl -qw net.ipv4.icmp_ratelimit=0
	done
	for d in dark1 dark2; do
		ns "$P-$d" nft -f - <<-NFT
		table inet lab { chain in { type filter hook input priority 0; policy drop; }; }
		NFT
	done
}

up_evil() {
	ip netns add "$P-evil"
	ip -n "$P-evil" link set lo up
	ip link add s2 netns "$P-scan" address 02:00:5e:00:fd:01 type veth peer name e0 netns "$P-evil" address 02:00:5e:00:fd:02
	ip -n "$P-scan" addr add 198.18.253.1/29 dev s2
	ip -n "$P-evil" addr add 198.18.253.2/29 dev e0
	ip -n "$P-scan" link set s2 up
	ip -n "$P-evil" link set e0 up
	ns "$P-evil" sysctl -qw net.ipv4.icmp_ratelimit=0
	local a=198.18.253.2
	start evil "$P-evil" python3 "$HERE/hostile-peer.py" $a ftp:21 ssh:22 close:23 rst:25 http:80 vnc:5900 huge:8000 \
		endless:8080 tlsdie:8443 silent:9000 \
		ftprst:2121 sshrst:2222 httprst:8081 snmp:161
	# a certificate whose subject holds the same bytes (valid UTF-8 only: openssl refuses the rest)
	local cn o
	cn=$(printf 'evil\033]0;owned\007\033[2J\302\23331m\342\200\256evil\342\200\254\357\277\276\357\277\277"><script>alert(1)<\\/script>')
	o=$(printf 'Evil\033[31m\033[8mCorp')
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$STATE/evil.key" -out "$STATE/evil.pem" -days 3650 -utf8 \
		-subj "/CN=$cn/O=$o" 2>/dev/null
	start evil-tls "$P-evil" socat OPENSSL-LISTEN:443,bind=$a,cert="$STATE/evil.pem",key="$STATE/evil.key",verify=0,fork,reuseaddr \
		TCP:$a:80
	# DHCP client host names are whatever the client sent (hostname[64]: cut inside a character too)
	local h now
	h=$(printf '\033]0;owned\007\033[2J\302\233\342\200\256evil\342\200\254\357\277\276\377<script>=cmd|x!A1')
	now=$(date +%s)
	{
		printf 'authoring-byte-order little-endian;\n\n'
		for last in 2 5; do
			printf 'lease 198.18.253.%s {\n  starts %s;\n  ends %s;\n  cltt %s;\n  binding state active;\n' $last \
				"$(date -u -d @$((now - 3600)) '+%w %Y/%m/%d %H:%M:%S')" "$(date -u -d @$((now + 82800)) '+%w %Y/%m/%d %H:%M:%S')" \
				"$(date -u -d @$((now - 3600)) '+%w %Y/%m/%d %H:%M:%S')"
			printf '  hardware ethernet 02:00:5e:00:fd:%02x;\n  client-hostname "%s-%s";\n}\n' $last "$h" $last
		done
	} >"$STATE/evil-dhcpd.leases"
	printf '%s 02:00:5e:00:fd:06 198.18.253.6 %s-6 *\n' $((now + 86400)) "$h" >"$STATE/evil-dnsmasq.leases"
	# a register that knows .2 only (by fields as hostile as the rest): .5 and .6 are unregistered
	printf 'ip,mac,hostname,owner,role,status,expires\n198.18.253.2,,=cmd|x!A1,"%s",camera,active,\n' \
		"$h" >"$STATE/evil-inventory.csv"
}

up_big() {
	ip netns add "$P-big"
	ip -n "$P-big" link set lo up
	ip link add s1 netns "$P-scan" type veth peer name b0 netns "$P-big"
	ip -n "$P-scan" addr add 198.18.254.1/30 dev s1
	ip -n "$P-big" addr add 198.18.254.2/30 dev b0
	ip -n "$P-scan" link set s1 up
	ip -n "$P-big" link set b0 up
	ip -n "$P-big" route add local 198.19.0.0/17 dev lo
	ip -n "$P-big" route add blackhole 198.19.128.0/17
	ip -n "$P-big" route add 198.18.254.0/30 dev b0 2>/dev/null || true
	ip -n "$P-scan" route add 198.19.0.0/16 via 198.18.254.2 dev s1
	ns "$P-big" sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535 net.ipv4.icmp_ratelimit=0 \
		net.ipv4.tcp_syncookies=0
	start listen-many "$P-big" "$BUILD/tests/listen-many" "$BIG_SEED" "$BIG_OPEN" "$BIG_PORTS" 198.19.0.0/17 "$STATE/big-truth.txt"
	for _ in $(seq 1 100); do [ -s "$STATE/big-truth.txt" ] && break; sleep 0.1; done
	[ -s "$STATE/big-truth.txt" ] || { echo "lab: listen-many failed: $(cat "$STATE/listen-many.log")" >&2; return 1; }
	# the kernel queue between veth ends must hold a burst at full rate
	if [ ! -e "$STATE/netdev_max_backlog.orig" ]; then sysctl -n net.core.netdev_max_backlog >"$STATE/netdev_max_backlog.orig"; fi
	sysctl -qw net.core.netdev_max_backlog=250000
}

up_servers() {
	local www=$STATE/www
	mkdir -p "$www" /run/sshd /var/run/vsftpd/empty "$STATE/redis"
	echo "<html><head><title>dormant lab</title></head><body>lab</body></html>" >"$www/index.html"
	cat >"$STATE/nginx.conf" <<-CONF
	daemon off; worker_processes 1; pid $STATE/nginx.pid.d; error_log $STATE/nginx.err;
	events { worker_connections 256; }
	http { access_log off; server { listen 198.18.0.10:80; root $www; } }
	CONF
	start nginx "$P-web" nginx -c "$STATE/nginx.conf" -p "$STATE"
	cat >"$STATE/lighttpd.conf" <<-CONF
	server.document-root = "$www"
	server.bind = "198.18.0.10"
	server.port = 8080
	index-file.names = ("index.html")
	server.pid-file = "$STATE/lighttpd.pid.d"
	CONF
	start lighttpd "$P-web" lighttpd -D -f "$STATE/lighttpd.conf"
	[ -e "$STATE/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N "" -f "$STATE/ssh_host_ed25519_key"
	start sshd "$P-ssh" /usr/sbin/sshd -D -e -f /dev/null -h "$STATE/ssh_host_ed25519_key" \
		-o ListenAddress=198.18.0.11:22 -o PidFile="$STATE/sshd.pid.d"
	cat >"$STATE/vsftpd.conf" <<-CONF
	listen=YES
	listen_address=198.18.0.11
	background=NO
	anonymous_enable=YES
	local_enable=NO
	seccomp_sandbox=NO
	secure_chroot_dir=/var/run/vsftpd/empty
	anon_root=$www
	CONF
	start vsftpd "$P-ssh" vsftpd "$STATE/vsftpd.conf"
	# inetutils telnetd is an inetd service: socat hands it each connection
	start telnetd "$P-iot" socat TCP-LISTEN:23,bind=198.18.0.12,fork,reuseaddr EXEC:"/usr/sbin/telnetd -h",nofork
	cat >"$STATE/mosquitto.conf" <<-CONF
	listener 1883 198.18.0.12
	allow_anonymous true
	persistence false
	CONF
	start mosquitto "$P-iot" mosquitto -c "$STATE/mosquitto.conf"
	cat >"$STATE/snmpd.conf" <<-CONF
	agentaddress udp:198.18.0.12:161
	rocommunity public
	sysDescr dormant lab camera
	CONF
	start snmpd "$P-iot" snmpd -f -Lo -C -c "$STATE/snmpd.conf" -p "$STATE/snmpd.pid.d"
	# TLS: an expired self-signed certificate (openssl ca can date it in the past)
	# and a second certificate for an endpoint that speaks only TLS 1.0
	local ca=$STATE/ca
	mkdir -p "$ca"
	: >"$ca/index.txt"
	echo 01 >"$ca/serial"
	cat >"$ca/ca.cnf" <<-CONF
	[ ca ]
	default_ca = lab
	[ lab ]
	database = $ca/index.txt
	serial = $ca/serial
	new_certs_dir = $ca
	default_md = sha256
	policy = any
	[ any ]
	commonName = supplied
	CONF
	openssl req -new -newkey rsa:2048 -nodes -keyout "$ca/expired.key" -out "$ca/expired.csr" \
		-subj "/CN=expired.lab.dormant" 2>/dev/null
	openssl ca -batch -config "$ca/ca.cnf" -selfsign -keyfile "$ca/expired.key" -in "$ca/expired.csr" \
		-out "$ca/expired.pem" -startdate 20200101000000Z -enddate 20210101000000Z >/dev/null 2>&1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ca/tls10.key" -out "$ca/tls10.pem" -days 3650 \
		-subj "/CN=legacy.lab.dormant" 2>/dev/null
	cat >"$STATE/nginx-tls.conf" <<-CONF
	daemon off; worker_processes 1; pid $STATE/nginx-tls.pid.d; error_log $STATE/nginx-tls.err;
	events { worker_connections 256; }
	http { access_log off;
	  server { listen 198.18.0.10:443 ssl; root $www; ssl_certificate $ca/expired.pem; ssl_certificate_key $ca/expired.key; }
	  server { listen 198.18.0.10:8443 ssl; root $www; ssl_certificate $ca/tls10.pem; ssl_certificate_key $ca/tls10.key;
	           ssl_protocols TLSv1; ssl_ciphers "DEFAULT:@SECLEVEL=0"; }
	}
	CONF
	start nginx-tls "$P-web" nginx -c "$STATE/nginx-tls.conf" -p "$STATE"
	# the camera
	mkdir -p "$STATE/cam"
	echo "<html><head><title>NVR Login</title></head><body>login</body></html>" >"$STATE/cam/index.html"
	echo "admin:12345" >"$STATE/cam/users" # the vendor's published default, never changed
	cat >"$STATE/cam.conf" <<-CONF
	server.document-root = "$STATE/cam"
	server.bind = "198.18.0.15"
	server.port = 80
	server.tag = "App-webs/"
	index-file.names = ("index.html")
	server.modules += ("mod_auth", "mod_authn_file")
	auth.backend = "plain"
	auth.backend.plain.userfile = "$STATE/cam/users"
	auth.require = ("/" => ("method" => "basic", "realm" => "IP Camera", "require" => "valid-user"))
	server.pid-file = "$STATE/cam.pid.d"
	CONF
	start cam-web "$P-cam" lighttpd -D -f "$STATE/cam.conf"
	RTSP_USER=admin RTSP_PASS=12345 start cam-rtsp "$P-cam" socat TCP-LISTEN:554,bind=198.18.0.15,fork,reuseaddr EXEC:"$HERE/rtsp-responder.sh"
	start cam-telnet "$P-cam" socat TCP-LISTEN:23,bind=198.18.0.15,fork,reuseaddr EXEC:"$HERE/telnet-device.py root 12345"
	# outdated banners, and real servers on non-standard ports
	BANNER="SSH-2.0-OpenSSH_7.7p1 Ubuntu-4ubuntu0.3" start old-ssh "$P-old" \
		socat TCP-LISTEN:22,bind=198.18.0.16,fork,reuseaddr EXEC:"$HERE/banner.sh"
	BANNER="220 (vsFTPd 2.3.4)" start old-ftp "$P-old" \
		socat TCP-LISTEN:21,bind=198.18.0.16,fork,reuseaddr EXEC:"$HERE/banner.sh"
	start sshd-2222 "$P-old" /usr/sbin/sshd -D -e -f /dev/null -h "$STATE/ssh_host_ed25519_key" \
		-o ListenAddress=198.18.0.16:2222 -o PidFile="$STATE/sshd-2222.pid.d"
	sed -e 's/198.18.0.10/198.18.0.16/; s/= 8080/= 10080/; s/lighttpd.pid.d/lighttpd-old.pid.d/' \
		"$STATE/lighttpd.conf" >"$STATE/lighttpd-old.conf"
	# its admin pages ask for a Digest login with a strong password (nothing in the database opens it)
	echo "admin:Ol9-rT4!vQ2#lab" >"$STATE/old-users"
	cat >>"$STATE/lighttpd-old.conf" <<-CONF
	server.modules += ("mod_auth", "mod_authn_file")
	auth.backend = "plain"
	auth.backend.plain.userfile = "$STATE/old-users"
	auth.require = ("/" => ("method" => "digest", "realm" => "admin", "require" => "valid-user"))
	CONF
	start lighttpd-old "$P-old" lighttpd -D -f "$STATE/lighttpd-old.conf"
	# hostile devices: one that never stops talking, one that accepts and says nothing
	start endless "$P-old" socat TCP-LISTEN:7000,bind=198.18.0.16,fork,reuseaddr EXEC:"yes HOSTILE-BANNER-WITHOUT-END"
	start stall "$P-old" socat TCP-LISTEN:7443,bind=198.18.0.16,fork,reuseaddr EXEC:"sleep 60"
	start redis "$P-db" redis-server --bind 198.18.0.13 --port 6379 --daemonize no --save "" --appendonly no \
		--protected-mode no --dir "$STATE/redis"
	wait_tcp nginx 198.18.0.10 80
	wait_tcp lighttpd 198.18.0.10 8080
	wait_tcp sshd 198.18.0.11 22
	wait_tcp vsftpd 198.18.0.11 21
	wait_tcp telnetd 198.18.0.12 23
	wait_tcp mosquitto 198.18.0.12 1883
	wait_tcp redis 198.18.0.13 6379
	wait_tcp nginx-tls 198.18.0.10 443
	wait_tcp nginx-tls 198.18.0.10 8443
	wait_tcp cam-web 198.18.0.15 80
	wait_tcp cam-rtsp 198.18.0.15 554
	wait_tcp cam-telnet 198.18.0.15 23
	wait_tcp old-ssh 198.18.0.16 22
	wait_tcp old-ftp 198.18.0.16 21
	wait_tcp sshd-2222 198.18.0.16 2222
	wait_tcp lighttpd-old 198.18.0.16 10080
	wait_tcp endless 198.18.0.16 7000
	wait_tcp stall 198.18.0.16 7443
}

down() {
	if [ -d "$STATE" ]; then
		for f in "$STATE"/*.pid; do
			[ -e "$f" ] || continue
			pid=$(cat "$f")
			kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
		done
	fi
	for n in $(ip netns list | awk '{print $1}' | grep -E "^$P-(sw|scan|big|web|ssh|iot|db|idle|cam|old|dark1|dark2|evil|svc)$" || true); do
		# anything still running inside goes with its namespace
		for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
		ip netns del "$n" 2>/dev/null || true
	done
	if [ -e "$STATE/netdev_max_backlog.orig" ]; then
		sysctl -qw net.core.netdev_max_backlog="$(cat "$STATE/netdev_max_backlog.orig")" || true
	fi
	rm -rf "$STATE"
}

case "${1:-}" in
up)
	[ "$(id -u)" = 0 ] || { echo "lab: needs root (network namespaces)" >&2; exit 2; }
	shift
	big=0 services=0
	for opt in "$@"; do
		case $opt in
		--big) big=1 ;;
		--services) services=1 ;;
		*) echo "lab: unknown option $opt (--big, --services)" >&2; exit 2 ;;
		esac
	done
	down
	mkdir -p "$STATE"
	up_net
	# the services lab's slow starters (databases, a JVM) start first and come up meanwhile
	if [ $services = 1 ]; then services_start; fi
	up_servers
	up_evil
	wait_tcp evil 198.18.253.2 9000
	wait_tcp evil-tls 198.18.253.2 443
	if [ $big = 1 ]; then up_big; fi
	if [ $services = 1 ]; then svc_wait; fi
	echo "lab: up ($STATE)"
	;;
down) down ;;
services) services_truth ;;
exec)
	shift
	ns "$P-scan" "$@"
	;;
*)
	echo "usage: lab.sh up [--big] [--services] | down | exec CMD... | services" >&2
	exit 2
	;;
esac

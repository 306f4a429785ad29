# Sourced by lab.sh: the services lab. One namespace (${P}-svc) holding
# 198.18.3.40-47/24 on its own link from the scanner (s3, 198.18.3.1), off
# the 198.18.0.0/24 LAN so that the LAN's truth sets (discovery, exact open
# ports) do not change when it is up. Ordinary Debian servers, each started
# here with its own minimal configuration under $STATE/svc (never the system
# service: scripts/deps installs them without starting them), on their usual
# and on non-standard ports, two TLS wrappers on odd ports, and web
# applications served from files by tests/lab/webapp-server.py.
# What runs where, and what a scanner should name, is tests/lab/services-truth.txt
# (versions read from dpkg at run time: `lab.sh services`).
#
# Starts are parallel: every server (and its one-time setup: database
# initialisation, certificates) starts in the background at once, then one
# loop waits until every expected listener shows in `ss` and names those
# that did not come up, with the end of their logs.

SVC_NS_SUFFIX=svc
SVC_NET=198.18.3

svc_up_net() {
	local n="$P-$SVC_NS_SUFFIX" i
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip link add s3 netns "$P-scan" address 02:00:5e:00:03:01 type veth peer name e0 netns "$n" address 02:00:5e:00:03:28
	ip -n "$P-scan" addr add $SVC_NET.1/24 dev s3
	for i in 40 41 42 43 44 45 46 47; do ip -n "$n" addr add "$SVC_NET.$i/24" dev e0; done
	ip -n "$P-scan" link set s3 up
	ip -n "$n" link set e0 up
	ns "$n" sysctl -qw net.ipv4.icmp_ratelimit=0
	# servers started with a 127.0.0.1 control or backend channel need it inside
}

# svc_cert NAME CN: a self-signed certificate and key under $S (ECDSA: fast to make)
svc_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$S/$1.key" -out "$S/$1.pem" \
		-days 3650 -subj "/CN=$2" 2>/dev/null
	cat "$S/$1.pem" "$S/$1.key" >"$S/$1.both.pem"
}

svc_configs() {
	local www=$S/www a
	mkdir -p "$www" "$S/bind" "$S/pg" "$S/mysql" "$S/samba/private" "$S/ldap" "$S/tftp" "$S/svn" "$S/rsync" \
		"$S/cups/spool" "$S/cups/cache" "$S/cups/state" "$S/prosody" "$S/tomcat/conf" "$S/tomcat/logs" \
		"$S/tomcat/temp" "$S/tomcat/work" "$S/tomcat/webapps" "$S/varnish" "$S/dovecot" "$S/redis" /run/sshd
	echo "<html><head><title>services lab</title></head><body>services lab</body></html>" >"$www/index.html"
	echo "lab file" >"$S/tftp/readme.txt"
	echo "lab file" >"$S/rsync/readme.txt"

	# --- 198.18.3.40: names and mail
	a=$SVC_NET.40
	cat >"$S/named.conf" <<-CONF
	options { directory "$S/bind"; listen-on port 53 { $a; }; listen-on-v6 { none; }; recursion no;
	  pid-file "$S/named.pid.d"; session-keyfile "$S/bind/session.key"; dnssec-validation no; };
	zone "lab.test" { type master; file "$S/bind/lab.test.zone"; };
	CONF
	cat >"$S/bind/lab.test.zone" <<-'ZONE'
	$TTL 300
	@ IN SOA ns.lab.test. admin.lab.test. 1 300 300 3000 300
	@ IN NS ns.lab.test.
	ns IN A 198.18.3.40
	ZONE
	cat >"$S/unbound.conf" <<-CONF
	server:
	  interface: $a
	  port: 10053
	  do-daemonize: no
	  username: ""
	  chroot: ""
	  directory: "$S"
	  pidfile: "$S/unbound.pid.d"
	  use-syslog: no
	  do-ip6: no
	  hide-version: no
	  access-control: 198.18.0.0/15 allow
	remote-control:
	  control-enable: no
	CONF
	mkdir -p "$S/postfix/etc" "$S/postfix/queue" "$S/postfix/data"
	chown postfix "$S/postfix/data"
	cat >"$S/postfix/etc/main.cf" <<-CONF
	compatibility_level = 3.6
	queue_directory = $S/postfix/queue
	data_directory = $S/postfix/data
	inet_interfaces = $a
	inet_protocols = ipv4
	myhostname = mail.lab.test
	mydestination =
	mynetworks = 127.0.0.0/8
	maillog_file = /dev/stdout
	smtpd_banner = \$myhostname ESMTP \$mail_name (Debian/GNU)
	alias_maps =
	alias_database =
	CONF
	{
		printf '25 inet n - n - - smtpd\n2525 inet n - n - - smtpd\n'
		grep -vE '^(#|smtp +inet|\s)' /etc/postfix/master.cf | grep -vE '^$'
	} >"$S/postfix/etc/master.cf"
	cat >"$S/dovecot/dovecot.conf" <<-CONF
	base_dir = $S/dovecot/run
	state_dir = $S/dovecot/state
	listen = $a
	protocols = imap pop3
	ssl = no
	disable_plaintext_auth = no
	auth_mechanisms = plain
	log_path = /dev/stderr
	default_login_user = nobody
	default_internal_user = nobody
	mail_location = maildir:$S/dovecot/mail/%u
	passdb {
	  driver = static
	  args = password=lab-only-$RANDOM$RANDOM
	}
	userdb {
	  driver = static
	  args = uid=nobody gid=nogroup home=$S/dovecot/home/%u
	}
	service imap-login {
	  inet_listener imap {
	    port = 143
	  }
	  inet_listener imap-odd {
	    port = 10143
	  }
	  inet_listener imaps {
	    port = 0
	  }
	}
	service pop3-login {
	  inet_listener pop3 {
	    port = 110
	  }
	  inet_listener pop3s {
	    port = 0
	  }
	}
	CONF

	# --- 198.18.3.41: web servers and proxies
	a=$SVC_NET.41
	cat >"$S/apache2.conf" <<-CONF
	ServerRoot /usr/lib/apache2
	LoadModule mpm_event_module modules/mod_mpm_event.so
	LoadModule authz_core_module modules/mod_authz_core.so
	LoadModule dir_module modules/mod_dir.so
	LoadModule mime_module modules/mod_mime.so
	Listen $a:80
	Listen $a:8888
	ServerName www.lab.test
	ServerTokens OS
	PidFile $S/apache2.pid.d
	Mutex file:$S default
	ErrorLog $S/apache2.err
	User www-data
	Group www-data
	TypesConfig /etc/mime.types
	DocumentRoot $www
	<Directory $www>
	  Require all granted
	</Directory>
	CONF
	cat >"$S/squid.conf" <<-CONF
	http_port $a:3128
	http_access allow all
	cache deny all
	pid_filename $S/squid.pid.d
	cache_log stdio:$S/squid-cache.log
	access_log none
	cache_effective_user proxy
	coredump_dir $S
	shutdown_lifetime 1 seconds
	CONF
	touch "$S/squid-cache.log"
	chown proxy "$S/squid-cache.log"
	chmod 0777 "$S/varnish"
	cat >"$S/haproxy.cfg" <<-CONF
	global
	  pidfile $S/haproxy.pid.d
	defaults
	  mode http
	  timeout connect 2s
	  timeout client 10s
	  timeout server 10s
	# a front end whose back end has no server: haproxy answers itself (503)
	frontend plain
	  bind $a:8000
	  default_backend empty
	backend empty
	# TLS on an odd port in front of apache
	frontend tls
	  bind $SVC_NET.46:9443 ssl crt $S/haproxy-tls.both.pem
	  default_backend apache
	backend apache
	  server web $a:80
	CONF
	cat >"$S/tinyproxy.conf" <<-CONF
	Port 8889
	Listen $a
	Timeout 60
	MaxClients 20
	Allow 198.18.0.0/15
	PidFile "$S/tinyproxy.pid.d"
	LogLevel Info
	CONF
	# tomcat: its own CATALINA_BASE (Debian's default configuration files, our server.xml)
	cp /usr/share/tomcat10/etc/web.xml /usr/share/tomcat10/etc/catalina.properties /usr/share/tomcat10/etc/context.xml \
		/usr/share/tomcat10/etc/logging.properties "$S/tomcat/conf/"
	cat >"$S/tomcat/conf/server.xml" <<-CONF
	<?xml version="1.0" encoding="UTF-8"?>
	<Server port="-1" shutdown="SHUTDOWN">
	  <Service name="Catalina">
	    <Connector port="8080" address="$a" protocol="HTTP/1.1" connectionTimeout="20000"/>
	    <Engine name="Catalina" defaultHost="localhost">
	      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false"/>
	    </Engine>
	  </Service>
	</Server>
	CONF

	# --- 198.18.3.42: databases and queues
	a=$SVC_NET.42
	chown postgres "$S/pg"
	chmod 0700 "$S/pg"
	mkdir -p "$S/pgsock" && chown postgres "$S/pgsock"

	# --- 198.18.3.43: files and directories
	a=$SVC_NET.43
	cat >"$S/smb.conf" <<-CONF
	[global]
	  interfaces = $a
	  bind interfaces only = yes
	  smb ports = 445 139
	  server role = standalone server
	  disable netbios = yes
	  pid directory = $S/samba
	  lock directory = $S/samba
	  state directory = $S/samba
	  cache directory = $S/samba
	  private dir = $S/samba/private
	  ncalrpc dir = $S/samba/ncalrpc
	  log file = $S/samba/log.%m
	  load printers = no
	  printing = bsd
	  printcap name = /dev/null
	[lab]
	  path = $www
	  read only = yes
	  guest ok = yes
	CONF
	cat >"$S/slapd.conf" <<-CONF
	include /etc/ldap/schema/core.schema
	pidfile $S/slapd.pid.d
	modulepath /usr/lib/ldap
	moduleload back_mdb
	database mdb
	suffix "dc=lab,dc=test"
	directory $S/ldap
	CONF
	# vsftpd on an odd port (the LAN's 198.18.0.11 runs it on 21)
	mkdir -p /var/run/vsftpd/empty
	cat >"$S/vsftpd.conf" <<-CONF
	listen=YES
	listen_address=$a
	listen_port=2121
	background=NO
	anonymous_enable=YES
	local_enable=NO
	seccomp_sandbox=NO
	secure_chroot_dir=/var/run/vsftpd/empty
	anon_root=$www
	CONF
	cat >"$S/rsyncd.conf" <<-CONF
	pid file = $S/rsyncd.pid.d
	use chroot = no
	[lab]
	  path = $S/rsync
	  read only = yes
	CONF

	# --- 198.18.3.44: printing, time, VPN, chat, relay
	a=$SVC_NET.44
	cat >"$S/cupsd.conf" <<-CONF
	Listen $a:631
	Listen 127.0.0.1:631
	ServerName print.lab.test
	LogLevel warn
	Browsing Off
	DefaultAuthType Basic
	WebInterface Yes
	<Location />
	  Order allow,deny
	  Allow all
	</Location>
	CONF
	cat >"$S/cups-files.conf" <<-CONF
	ServerRoot $S/cups
	CacheDir $S/cups/cache
	StateDir $S/cups/state
	RequestRoot $S/cups/spool
	TempDir $S/cups/spool
	ErrorLog stderr
	AccessLog $S/cups/access_log
	PageLog $S/cups/page_log
	SystemGroup root
	CONF
	cat >"$S/ntp.conf" <<-CONF
	# no time sources: it answers queries and never adjusts the clock
	driftfile $S/ntp.drift
	restrict default nomodify nopeer
	CONF
	svc_cert vpn vpn.lab.test
	cat >"$S/prosody.cfg.lua" <<-CONF
	run_as_root = true
	daemonize = false
	pidfile = "$S/prosody/prosody.pid.d"
	data_path = "$S/prosody"
	interfaces = { "$a" }
	c2s_ports = { 5222 }
	s2s_ports = { 5269 }
	http_ports = { }
	https_ports = { }
	c2s_direct_tls_ports = { }
	s2s_direct_tls_ports = { }
	plugin_paths = { }
	log = { info = "*console" }
	modules_enabled = { "roster"; "saslauth"; "disco"; "version"; "ping" }
	authentication = "internal_plain"
	VirtualHost "lab.test"
	CONF
	cat >"$S/ngircd.conf" <<-CONF
	[Global]
	Name = irc.lab.test
	Info = services lab IRC
	Listen = $a
	Ports = 6667
	ServerUID = 65534
	ServerGID = 65534
	PidFile = $S/ngircd.pid.d
	MotdPhrase = services lab
	[Options]
	PAM = no
	Ident = no
	DNS = no
	CONF

	# --- 198.18.3.45: remote access and messaging on odd ports
	a=$SVC_NET.45
	[ -e "$S/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N "" -f "$S/ssh_host_ed25519_key"
	cat >"$S/danted.conf" <<-CONF
	logoutput: stderr
	internal: $a port = 1080
	external: $a
	socksmethod: none
	clientmethod: none
	user.privileged: root
	user.unprivileged: nobody
	client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
	socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
	CONF
	cat >"$S/mosquitto.conf" <<-CONF
	listener 11883 $a
	allow_anonymous true
	persistence false
	CONF

	# --- 198.18.3.46: TLS wrappers on odd ports
	svc_cert haproxy-tls www.lab.test
	svc_cert stunnel mail.lab.test
	cat >"$S/stunnel.conf" <<-CONF
	foreground = yes
	pid = $S/stunnel.pid.d
	[imaps-odd]
	accept = $SVC_NET.46:4993
	connect = $SVC_NET.40:143
	cert = $S/stunnel.pem
	key = $S/stunnel.key
	CONF
}

# svc_listeners: "port/proto name timeout" of everything up_services starts
# (timeout: seconds the server may take, its setup included)
svc_listeners() {
	cat <<-L
	40:53/tcp named 20
	40:53/udp named 20
	40:10053/tcp unbound 20
	40:10053/udp unbound 20
	40:25/tcp postfix 20
	40:2525/tcp postfix 20
	40:143/tcp dovecot 20
	40:10143/tcp dovecot 20
	40:110/tcp dovecot 20
	41:80/tcp apache2 20
	41:8888/tcp apache2 20
	41:3128/tcp squid 20
	41:6081/tcp varnish 20
	41:8000/tcp haproxy 20
	41:8080/tcp tomcat 60
	41:8889/tcp tinyproxy 20
	42:11211/tcp memcached 20
	42:21211/tcp memcached-odd 20
	42:3306/tcp mariadb 60
	42:5432/tcp postgresql 60
	42:16379/tcp redis-odd 20
	42:11300/tcp beanstalkd 20
	43:445/tcp smbd 30
	43:139/tcp smbd 30
	43:389/tcp slapd 20
	43:10389/tcp slapd 20
	43:2121/tcp vsftpd-odd 20
	43:873/tcp rsyncd 20
	43:69/udp tftpd 20
	43:3690/tcp svnserve 20
	44:631/tcp cupsd 20
	44:123/udp ntpd 20
	44:1194/udp openvpn-udp 20
	44:11194/tcp openvpn-tcp 20
	44:3478/udp coturn 20
	44:3478/tcp coturn 20
	44:5222/tcp prosody 30
	44:5269/tcp prosody 30
	44:6667/tcp ngircd 20
	45:2022/tcp sshd-odd 20
	45:1080/tcp danted 20
	45:11883/tcp mosquitto-odd 20
	46:4993/tcp stunnel 20
	46:9443/tcp haproxy 20
	47:80/tcp webapps 20
	47:8081/tcp webapps 20
	47:8082/tcp webapps 20
	L
}

# starts every server at once; each one's setup runs in its own background job
svc_start_all() {
	local n="$P-$SVC_NS_SUFFIX" a=$SVC_NET
	start named "$n" named -g -n 1 -c "$S/named.conf"
	start unbound "$n" unbound -d -c "$S/unbound.conf"
	start postfix "$n" sh -c "postfix -c '$S/postfix/etc' check >/dev/null 2>&1; exec postfix -c '$S/postfix/etc' start-fg"
	start dovecot "$n" dovecot -F -c "$S/dovecot/dovecot.conf"
	start apache2 "$n" apache2 -f "$S/apache2.conf" -DFOREGROUND
	start squid "$n" squid -N -f "$S/squid.conf"
	start varnish "$n" varnishd -F -a $a.41:6081 -b $a.41:80 -n "$S/varnish" -s malloc,16m
	start haproxy "$n" haproxy -db -f "$S/haproxy.cfg"
	start tomcat "$n" env CATALINA_HOME=/usr/share/tomcat10 CATALINA_BASE="$S/tomcat" CATALINA_TMPDIR="$S/tomcat/temp" \
		JAVA_OPTS="-Djava.awt.headless=true -Xms32m -Xmx128m -XX:TieredStopAtLevel=1 -Xshare:auto" \
		/usr/share/tomcat10/bin/catalina.sh run
	start tinyproxy "$n" tinyproxy -d -c "$S/tinyproxy.conf"
	start memcached "$n" memcached -u nobody -l $a.42 -p 11211 -U 0
	start memcached-odd "$n" memcached -u nobody -l $a.42 -p 21211 -U 0
	start mariadb "$n" sh -c "mariadb-install-db --no-defaults --user=root --datadir='$S/mysql' --skip-test-db \
		--auth-root-authentication-method=normal >'$S/mariadb-install.log' 2>&1 &&
		exec mariadbd --no-defaults --user=root --datadir='$S/mysql' --socket='$S/mysql.sock' \
		--pid-file='$S/mariadb.pid.d' --bind-address=$a.42 --port=3306 --skip-name-resolve"
	start postgresql "$n" runuser -u postgres -- sh -c "/usr/lib/postgresql/15/bin/initdb -D '$S/pg' -U postgres \
		-A trust >'$S/pgsock/initdb.log' 2>&1 && exec /usr/lib/postgresql/15/bin/postgres -D '$S/pg' \
		-c listen_addresses=$a.42 -c port=5432 -c unix_socket_directories='$S/pgsock'"
	start redis-odd "$n" redis-server --bind $a.42 --port 16379 --daemonize no --save "" --appendonly no \
		--protected-mode no --dir "$S/redis"
	start beanstalkd "$n" beanstalkd -l $a.42 -p 11300
	start smbd "$n" smbd -F --no-process-group --debug-stdout -s "$S/smb.conf"
	start slapd "$n" slapd -d 0 -h "ldap://$a.43:389/ ldap://$a.43:10389/" -f "$S/slapd.conf"
	start vsftpd-odd "$n" vsftpd "$S/vsftpd.conf"
	start rsyncd "$n" rsync --daemon --no-detach --config="$S/rsyncd.conf" --address=$a.43 --port=873
	start tftpd "$n" in.tftpd -L -s "$S/tftp" -a $a.43:69
	start svnserve "$n" svnserve -d --foreground -r "$S/svn" --listen-host $a.43 --listen-port 3690
	start cupsd "$n" cupsd -f -c "$S/cupsd.conf" -s "$S/cups-files.conf"
	start ntpd "$n" ntpd -n -c "$S/ntp.conf" -p "$S/ntpd.pid.d" -I $a.44
	start openvpn-udp "$n" openvpn --dev null --tls-server --ca "$S/vpn.pem" --cert "$S/vpn.pem" --key "$S/vpn.key" \
		--dh none --proto udp --local $a.44 --port 1194 --verb 1
	start openvpn-tcp "$n" openvpn --dev null --tls-server --ca "$S/vpn.pem" --cert "$S/vpn.pem" --key "$S/vpn.key" \
		--dh none --proto tcp-server --local $a.44 --port 11194 --verb 1
	start coturn "$n" turnserver -n --listening-ip=$a.44 --listening-port=3478 --no-tls --no-dtls --no-cli \
		--realm=lab.test --log-file=stdout --pidfile="$S/turnserver.pid.d" --no-stdout-log
	start prosody "$n" prosody --config "$S/prosody.cfg.lua"
	start ngircd "$n" ngircd -n -f "$S/ngircd.conf"
	start sshd-odd "$n" /usr/sbin/sshd -D -e -f /dev/null -h "$S/ssh_host_ed25519_key" \
		-o ListenAddress=$a.45:2022 -o PidFile="$S/sshd-odd.pid.d"
	start danted "$n" danted -f "$S/danted.conf" -p "$S/danted.pid.d"
	start mosquitto-odd "$n" mosquitto -c "$S/mosquitto.conf"
	start stunnel "$n" stunnel4 "$S/stunnel.conf"
	start webapps "$n" python3 "$HERE/webapp-server.py" "$HERE/webapps" camera@$a.47:80 printer@$a.47:8081 \
		webmail@$a.47:8082
}

# waits until every listener of svc_listeners shows in ss, all at once; on a
# timeout names each server that did not start, with the end of its log
svc_wait() {
	local n="$P-$SVC_NS_SUFFIX" start_t now missing line hostport proto name tmo ip port waited
	start_t=$(date +%s)
	while :; do
		now=$(date +%s)
		waited=$((now - start_t))
		local have
		have=$(ns "$n" ss -Hltun | awk '{print $1, $5}')
		missing=()
		local late=()
		while read -r hostport name tmo; do
			ip=$SVC_NET.${hostport%%:*}
			port=${hostport#*:}
			proto=${port#*/}
			port=${port%/*}
			if ! grep -qE "^$proto +($ip|0\.0\.0\.0|\*|\[::\]|\[::ffff:$ip\]):$port\$" <<<"$have"; then
				missing+=("$name $ip:$port/$proto")
				# a server that exited is reported at once, one still starting at its time-out
				if [ "$waited" -ge "$tmo" ] || ! kill -0 "$(cat "$STATE/$name.pid" 2>/dev/null)" 2>/dev/null; then
					late+=("$name $ip:$port/$proto $tmo")
				fi
			fi
		done < <(svc_listeners)
		[ ${#missing[@]} = 0 ] && return 0
		[ -z "${DM_LAB_TRACE:-}" ] || echo "lab: services: ${waited}s, waiting for ${missing[*]}" >&2
		if [ ${#late[@]} != 0 ]; then
			for line in "${late[@]}"; do
				read -r name hostport tmo <<<"$line"
				if kill -0 "$(cat "$STATE/$name.pid" 2>/dev/null)" 2>/dev/null; then
					echo "lab: services: $name did not start listening on $hostport within ${tmo}s (log: $STATE/$name.log)" >&2
				else
					echo "lab: services: $name exited before listening on $hostport (log: $STATE/$name.log)" >&2
				fi
				tail -3 "$STATE/$name.log" 2>/dev/null | sed 's/^/lab:   /' >&2
			done
			return 1
		fi
		sleep 0.2
	done
}

# starts the services lab; svc_wait then waits for it
services_start() {
	S=$STATE/svc
	mkdir -p "$S"
	chmod 0755 "$STATE" "$S"
	svc_up_net
	svc_configs
	svc_start_all
}

# the truth: every service of the lab with what a scanner should name (JSON)
services_truth() {
	python3 "$HERE/../tools/lab/score-services.py" --truth "$HERE/services-truth.txt"
}

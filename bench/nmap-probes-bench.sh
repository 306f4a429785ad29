#!/usr/bin/env bash
# nmap's service probe database in dormant: the time to load Debian's
# nmap-service-probes (all ~12,000 expressions compiled) and to match real
# responses through a probe's chain (its matches, fallbacks, the NULL
# probe's), from `dormant fingerprint stats` and `dormant fingerprint match
# nmap:PROBE TEXT`. Medians of 5 runs. Prints Markdown.
# Usage: bench/nmap-probes-bench.sh [path/to/dormant] [nmap-service-probes]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(realpath "${1:-$ROOT/build/dormant}")
DB=${2:-/usr/share/nmap/nmap-service-probes}
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
"$D" fingerprint stats --service-probes "$DB" >/tmp/nmap-bench-stats.$$ || exit 3
echo "| database | $(sed -n 's/^version: //p' /tmp/nmap-bench-stats.$$) |"
echo "|---|---|"
for k in lines probes matches softmatches services; do echo "| $k | $(sed -n "s/^$k: //p" /tmp/nmap-bench-stats.$$) |"; done
rm -f /tmp/nmap-bench-stats.$$
load=$(for i in 1 2 3 4 5; do "$D" fingerprint stats --service-probes "$DB" | sed -n 's/^load time: \([0-9.]*\) ms/\1/p'; done | median)
echo "| load time (median of 5) | $load ms |"
echo
echo "| probe | response | match | first call ms | then, mean ms |"
echo "|---|---|---|---|---|"
while IFS='|' read -r probe text; do
	[ -n "$probe" ] || continue
	first="" warm="" what=""
	for i in 1 2 3 4 5; do
		out=$("$D" fingerprint match --service-probes "$DB" "nmap:$probe" "$text" 2>/tmp/nmap-bench-err.$$)
		what=$(head -1 <<<"$out" | sed 's/^nmap-[^ ]* //')
		p=$(sed -n 's/^  product = //p' <<<"$out")
		[ -n "$p" ] && what="$what, $p $(sed -n 's/^  version = //p' <<<"$out")"
		first+="$(sed -n 's/^match time: \([0-9.]*\) ms.*/\1/p' /tmp/nmap-bench-err.$$)"$'\n'
		warm+="$(sed -n 's/.*then \([0-9.]*\) ms.*/\1/p' /tmp/nmap-bench-err.$$)"$'\n'
	done
	echo "| $probe | \`${text:0:40}\` | $what | $(grep . <<<"$first" | median) | $(grep . <<<"$warm" | median) |"
done <<'LIST'
NULL|SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n
NULL|220 (vsFTPd 3.0.3)\r\n
NULL|220 ProFTPD Server (Debian) [::ffff:127.0.0.1]\r\n
NULL|220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n
NULL|+OK Dovecot (Debian) ready.\r\n
GetRequest|HTTP/1.1 200 OK\r\nDate: Sun, 06 Dec 2026 02:00:00 GMT\r\nServer: Apache/2.4.62 (Debian)\r\nContent-Length: 10701\r\nContent-Type: text/html\r\n\r\n<html>
GetRequest|HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnothing known answers like this
UDP:DNSVersionBindReq|\x00\x06\x85\x00\x00\x01\x00\x01\x00\x00\x00\x00\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03\x00\x00\x00\x00\x00\x19\x189.18.28-1~deb12u2-Debian
LIST
rm -f /tmp/nmap-bench-err.$$

#!/usr/bin/env bash
# A camera's RTSP service for the lab (socat runs one per connection on
# standard input/output): OPTIONS lists the methods, DESCRIBE asks for a
# Digest login with the realm such cameras use and answers the stream's
# description to the right one (RTSP_USER/RTSP_PASS; RFC 2617 MD5, with
# or without qop, checked here with md5sum).
set -u
realm="IP Camera" nonce=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
field() { # name header -> value of name="value" or name=value
	local v=${2#*$1=}
	[ "$v" = "$2" ] && return 0
	v=${v#\"}
	v=${v%%[\",]*}
	printf '%s' "$v"
}
while true; do
	method="" cseq=0 auth=""
	while IFS= read -r -t 5 line; do
		line=${line%$'\r'}
		[ -z "$line" ] && break
		case $line in
		"CSeq:"*) cseq=${line#CSeq: } ;;
		"Authorization: Digest "*) auth=${line#Authorization: Digest } ;;
		OPTIONS*) method=OPTIONS ;;
		DESCRIBE*) method=DESCRIBE ;;
		*" RTSP/1.0") method=OTHER ;;
		esac
	done || exit 0
	if [ "$method" = DESCRIBE ] && [ -n "$auth" ]; then
		uri=$(field uri "$auth") user=$(field username "$auth") resp=$(field response "$auth")
		qop=$(field qop "$auth") nc=$(field nc "$auth") cnonce=$(field cnonce "$auth")
		ha1=$(md5 "$user:$realm:${RTSP_PASS:-}") ha2=$(md5 "DESCRIBE:$uri")
		if [ -n "$qop" ]; then want=$(md5 "$ha1:$nonce:$nc:$cnonce:$qop:$ha2"); else want=$(md5 "$ha1:$nonce:$ha2"); fi
		if [ "$user" = "${RTSP_USER:-}" ] && [ "$resp" = "$want" ] && [ "$(field nonce "$auth")" = "$nonce" ]; then
			sdp=$'v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=camera\r\nm=video 0 RTP/AVP 96\r\n'
			printf 'RTSP/1.0 200 OK\r\nCSeq: %s\r\nContent-Type: application/sdp\r\nContent-Length: %s\r\n\r\n%s' "$cseq" "${#sdp}" "$sdp"
			continue
		fi
	fi
	case $method in
	OPTIONS) printf 'RTSP/1.0 200 OK\r\nCSeq: %s\r\nPublic: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER\r\n\r\n' "$cseq" ;;
	DESCRIBE) printf 'RTSP/1.0 401 Unauthorized\r\nCSeq: %s\r\nWWW-Authenticate: Digest realm="%s", nonce="%s"\r\n\r\n' "$cseq" "$realm" "$nonce" ;;
	"") exit 0 ;;
	*) printf 'RTSP/1.0 405 Method Not Allowed\r\nCSeq: %s\r\n\r\n' "$cseq" ;;
	esac
done

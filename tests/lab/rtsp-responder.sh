#!/usr/bin/env bash
# A camera's RTSP service for the lab (socat runs one per connection on
# standard input/output): OPTIONS lists the methods, DESCRIBE asks for a
# login with the realm such cameras use. Enough for identification.
set -u
while true; do
	method="" cseq=0
	while IFS= read -r -t 5 line; do
		line=${line%$'\r'}
		[ -z "$line" ] && break
		case $line in
		"CSeq:"*) cseq=${line#CSeq: } ;;
		OPTIONS*) method=OPTIONS ;;
		DESCRIBE*) method=DESCRIBE ;;
		*" RTSP/1.0") method=OTHER ;;
		esac
	done || exit 0
	case $method in
	OPTIONS) printf 'RTSP/1.0 200 OK\r\nCSeq: %s\r\nPublic: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER\r\n\r\n' "$cseq" ;;
	DESCRIBE) printf 'RTSP/1.0 401 Unauthorized\r\nCSeq: %s\r\nWWW-Authenticate: Basic realm="IP Camera"\r\n\r\n' "$cseq" ;;
	"") exit 0 ;;
	*) printf 'RTSP/1.0 405 Method Not Allowed\r\nCSeq: %s\r\n\r\n' "$cseq" ;;
	esac
done

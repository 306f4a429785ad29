#!/usr/bin/env bash
# Command-line behaviour that needs no lab: help, version, man page,
# errors, and a connect() scan of a listener on the loopback device.
# Prints one line per check and "cli: N passed, N failed".
set -uo pipefail
BUILD=$(cd "${1:-build-test}" && pwd)
D="$BUILD/dormant"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d --suffix=.dormant-cli)
trap 'rm -rf "$OUT"' EXIT
pass=0 fail=0
ok() { echo "ok   cli/$1"; pass=$((pass + 1)); }
bad() { echo "FAIL cli/$1: $2"; fail=$((fail + 1)); }
check() {
	local name=$1
	shift
	if "$@" >"$OUT/$name.out" 2>&1; then ok "$name"; else bad "$name" "$(tail -3 "$OUT/$name.out" | tr '\n' ' ')"; fi
}

t_version() { [ "$("$D" --version)" = "dormant $(sed -nE "s/.*version : '([0-9.]+)'.*/\1/p" "$ROOT/meson.build")" ]; }
check version t_version
t_help() { "$D" --help | grep -q '^  scan ' && "$D" --help | grep -q 'authorised'; }
check help_lists_commands t_help
t_sub_help() {
	local c
	for c in audit scan report diff; do
		"$D" "$c" --help | grep -q "^usage: dormant $c" || { echo "$c --help"; return 1; }
	done
}
check every_command_has_help t_sub_help
t_unknown() { "$D" frobnicate 2>"$OUT/e"; [ $? = 2 ] && grep -q 'unknown command "frobnicate"' "$OUT/e"; }
check unknown_command_exits_2 t_unknown
t_no_args() { "$D" 2>/dev/null; [ $? = 2 ]; }
check no_command_exits_2 t_no_args
t_man() {
	local w
	w=$(groff -man -Tutf8 -ww -z "$ROOT/docs/dormant.1" 2>&1)
	[ -z "$w" ] || { echo "$w"; return 1; }
	groff -man -Tascii -P-cbou "$ROOT/docs/dormant.1" >"$OUT/man.txt" 2>/dev/null || return 1
	local c
	for c in audit scan report diff --resume --shard --exclude -oX -oJ --rate --top-ports -Pn; do
		grep -q -- "$c" "$OUT/man.txt" || { echo "man page lacks $c"; return 1; }
	done
}
check man_page_renders_and_covers_commands t_man
t_empty_report() {
	"$D" report --db "$OUT/empty.db" 2>"$OUT/e"
	[ $? = 2 ] && grep -q 'holds no runs yet' "$OUT/e"
}
check report_on_empty_store t_empty_report
t_loopback() {
	socat TCP-LISTEN:18931,bind=127.0.0.1,fork,reuseaddr SYSTEM:true &
	local s=$!
	sleep 0.3
	"$D" scan 127.0.0.1 -p 18930-18935 --db "$OUT/lo.db" -oJ "$OUT/lo.jsonl" -q
	local r=$?
	kill "$s"
	[ $r = 0 ] && grep -q '"port":18931,"proto":"tcp","state":"open"' "$OUT/lo.jsonl" &&
		[ "$(grep -c '"state":"open"' "$OUT/lo.jsonl")" = 1 ]
}
check loopback_connect_scan t_loopback
t_iL() {
	printf '# lab hosts\n127.0.0.1, 127.0.0.2\n\n127.0.0.3-5 # a range\n' >"$OUT/hosts.txt"
	"$D" scan -iL "$OUT/hosts.txt" -p 1 -sn --db "$OUT/lo.db" -oJ "$OUT/il.jsonl" -q || return 1
	grep -q '"targets":5' "$OUT/il.jsonl"
}
check target_file t_iL
t_bad_iL() {
	printf '127.0.0.1\n127.0.0.300\n' >"$OUT/bad.txt"
	"$D" scan -iL "$OUT/bad.txt" --db "$OUT/lo.db" 2>"$OUT/e"
	[ $? = 2 ] && grep -q 'bad.txt:2: "127.0.0.300"' "$OUT/e"
}
check bad_target_file_names_the_line t_bad_iL
t_resume_garbage() {
	printf 'dormant-resume 1\nscan 0 seed 1\nbogus line\n' >"$OUT/r.log"
	"$D" scan 127.0.0.1 -p 1 --resume "$OUT/r.log" --db "$OUT/lo.db" 2>"$OUT/e"
	[ $? = 2 ] && [ "$(wc -l <"$OUT/e")" = 1 ]
}
check damaged_resume_file_is_refused t_resume_garbage
t_db_dir() {
	"$D" report --list --db /proc/no/such/dir/x.db 2>"$OUT/e"
	[ $? != 0 ] && grep -q 'x.db' "$OUT/e" && [ "$(wc -l <"$OUT/e")" = 1 ]
}
check unusable_database_path t_db_dir

t_fp_verify() {
	"$D" fingerprint verify "$ROOT/data/fingerprints" >"$OUT/v.txt" || return 1
	grep -qE 'examples: [0-9]+ passed, 0 failed' "$OUT/v.txt" || return 1
	printf '<fingerprints matches="t"><fingerprint pattern="^a$"><example>b</example></fingerprint></fingerprints>' \
		>"$OUT/bad-example.xml"
	mkdir -p "$OUT/fpdir" && mv "$OUT/bad-example.xml" "$OUT/fpdir/"
	"$D" fingerprint verify "$OUT/fpdir" >"$OUT/v2.txt"
	[ $? = 1 ] && grep -q 'bad-example.xml:1: : example "b": does not match /^a$/' "$OUT/v2.txt"
}
check fingerprint_verify t_fp_verify
t_fp_match() {
	"$D" fingerprint match http_header.server "nginx/1.22.1" | grep -q 'service.version = 1.22.1' || return 1
	"$D" fingerprint match http_header.server "nothing-known/0" >/dev/null
	[ $? = 1 ]
}
check fingerprint_match t_fp_match
t_fp_broken() {
	mkdir -p "$OUT/broken" && printf '<fingerprints>\n<fingerprint pattern="x">\n' >"$OUT/broken/x.xml"
	"$D" fingerprint verify "$OUT/broken" 2>"$OUT/e"
	[ $? = 2 ] && grep -q 'x.xml:3: not well-formed XML' "$OUT/e"
}
check fingerprint_broken_xml t_fp_broken

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]

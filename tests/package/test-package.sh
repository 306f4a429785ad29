#!/usr/bin/env bash
# The Debian package, as an operator gets it: built with dpkg-buildpackage from
# a copy of the source, lintian clean of errors, installed with dpkg -i, an
# audit run from a directory with no source tree (the tree hidden by a mount
# namespace) that still reads its data and drops to the package's user, then
# purged. Installs into the real system (root, as CI runs it) and purges at the
# end. Prints one line per check and "package: N passed, N failed[, N skipped]".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d --suffix=.dormant-package)
PORT=29022 # the greeting listener the installed audit identifies
pass=0 fail=0 skip=0
LISTENER=
cleanup() {
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	# leave the machine as it was: an installed copy made here is purged
	if [ -e "$OUT/installed-here" ]; then dpkg --purge dormant >/dev/null 2>&1; fi
	rm -rf "$OUT"
}
trap cleanup EXIT
ok() { echo "ok   package/$1"; pass=$((pass + 1)); }
bad() { echo "FAIL package/$1: $2"; fail=$((fail + 1)); }
skipped() { echo "skip package/$1: $2"; skip=$((skip + 1)); }
finish() {
	if [ "$skip" -gt 0 ]; then echo "package: $pass passed, $fail failed, $skip skipped"; else echo "package: $pass passed, $fail failed"; fi
	[ "$fail" = 0 ]
	exit
}
check() {
	local name=$1
	shift
	if "$@" >"$OUT/$name.out" 2>&1; then ok "$name"; else bad "$name" "$(tail -3 "$OUT/$name.out" | tr '\n' ' ')"; fi
}

if [ "$(id -u)" != 0 ]; then
	skipped all "installing a package needs root (run as root, as CI does)"
	finish
fi
for tool in dpkg-buildpackage lintian dh; do
	command -v "$tool" >/dev/null || { bad setup "$tool is missing: scripts/deps package installs it"; finish; }
done
if dpkg-query -W -f='${Status}' dormant 2>/dev/null | grep -q 'install ok installed'; then
	skipped all "a dormant package is installed on this machine already; this suite would replace it"
	finish
fi

# --- dpkg-buildpackage -b from a copy of the tracked source (no build dirs) ---
t_build() {
	mkdir -p "$OUT/src"
	if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# the tracked files as they are in the work tree (uncommitted edits included)
		(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | grep -zv '^build' |
			xargs -0 cp --parents -t "$OUT/src" 2>/dev/null) || return 1
	else
		(cd "$ROOT" && tar --exclude='./build*' -cf - .) | tar -xf - -C "$OUT/src" || return 1
	fi
	(cd "$OUT/src" && DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck" nice dpkg-buildpackage -b -uc -us) >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; return 1; }
	DEB=$(ls "$OUT"/dormant_*_*.deb 2>/dev/null | head -1)
	[ -s "$DEB" ] || { echo "no .deb in $OUT"; return 1; }
}
DEB=
t_build >"$OUT/build_deb.out" 2>&1 && ok build_deb || { bad build_deb "$(tail -5 "$OUT/build_deb.out" | tr '\n' ' ')"; finish; }

# --- lintian: no error (warnings are reported, not failed) ---
t_lintian() {
	lintian --allow-root "$DEB" >"$OUT/lintian.txt" 2>&1
	cat "$OUT/lintian.txt"
	! grep -q '^E: ' "$OUT/lintian.txt"
}
check lintian_has_no_errors t_lintian

# --- what the package holds: the binary, data, man page, units, the site policy ---
t_contents() {
	dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$OUT/contents"
	local f
	for f in /usr/bin/dormant /usr/share/man/man1/dormant.1.gz /usr/share/dormant/credentials.csv \
		/usr/share/dormant/roles.conf /usr/share/dormant/vuln/aliases.csv /usr/share/dormant/fingerprints/ssh_banners.xml \
		/lib/systemd/system/dormant-audit.service /lib/systemd/system/dormant-audit.timer /etc/dormant/site.conf \
		/usr/share/doc/dormant/examples/dormant.conf.example /usr/share/doc/dormant/copyright; do
		grep -qx "$f" "$OUT/contents" || { echo "the package lacks $f"; return 1; }
	done
	# nothing of the build or source tree
	! grep -E "$ROOT|/build|\.c$|/tests/" "$OUT/contents" || { echo "source or build files packaged"; return 1; }
	dpkg-deb -I "$DEB" conffiles | grep -qx /etc/dormant/site.conf || { echo "site.conf is not a conffile"; return 1; }
	# the units name the installed binary and config
	dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - ./lib/systemd/system/dormant-audit.service >"$OUT/unit"
	grep -q '^ExecStart=/usr/bin/dormant audit ' "$OUT/unit" && grep -q -- '--config /etc/dormant/site.conf' "$OUT/unit"
}
check package_holds_binary_data_units_config t_contents

# --- dpkg -i: the user and the state directory are made; nothing is started ---
t_install() {
	touch "$OUT/installed-here"
	dpkg -i "$DEB" >"$OUT/install.log" 2>&1 || { cat "$OUT/install.log"; return 1; }
	getent passwd dormant >/dev/null || { echo "no user dormant"; return 1; }
	[ "$(stat -c '%a %U' /var/lib/dormant)" = "700 root" ] || { stat /var/lib/dormant; return 1; }
	[ "$(/usr/bin/dormant --version)" = "dormant $(sed -nE "s/.*version : '([0-9.]+)'.*/\1/p" "$ROOT/meson.build")" ] || return 1
	systemd-analyze verify /lib/systemd/system/dormant-audit.service /lib/systemd/system/dormant-audit.timer >"$OUT/verify" 2>&1
	# a unit file is fine; only the audit's own inputs (the operator's to write) may be missing
	! grep -v 'targets.txt\|inventory.csv' "$OUT/verify" | grep -q . || { cat "$OUT/verify"; return 1; }
	MANWIDTH=80 man dormant 2>/dev/null | grep -q 'dormant rules' || { echo "man dormant: not found"; return 1; }
	! systemctl is-enabled dormant-audit.timer >/dev/null 2>&1 || { echo "the timer was enabled by the install"; return 1; }
}
check dpkg_install_makes_user_and_state t_install

# --- the installed audit, with the source tree out of sight, from another directory ---
BANNER='SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3' socat TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork EXEC:"$ROOT/tests/lab/banner.sh" \
	>/dev/null 2>&1 &
LISTENER=$!
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
mkdir -p "$OUT/elsewhere"
chmod 755 "$OUT" "$OUT/elsewhere"
hidden() { # command...: runs with $ROOT (source and build trees) covered by an empty tmpfs
	env -u DORMANT_DATADIR -u SUDO_UID -u SUDO_GID unshare -m sh -c 'mount -t tmpfs none "$1" && shift && cd "$0" && exec "$@"' \
		"$OUT/elsewhere" "$ROOT" "$@"
}
t_audit_no_source() {
	hidden sh -c '[ ! -e "$0/meson.build" ]' "$ROOT" || { echo "the source tree is still visible"; return 1; }
	hidden /usr/bin/dormant audit 127.0.0.1 -p $PORT -Pn --no-vulns -q --db audit.db -oJ audit.jsonl \
		>"$OUT/audit.txt" 2>"$OUT/audit.err" || { cat "$OUT/audit.err"; return 1; }
	# the SSH banner was named by the fingerprints installed under /usr/share/dormant
	python3 - "$OUT/elsewhere/audit.jsonl" <<'PY' || return 1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
svc = [r for r in recs if r.get("port") == 29022 and r.get("product")]
assert svc and svc[0]["product"] == "OpenSSH" and svc[0].get("version", "").startswith("9.2") and svc[0].get("os") == "Debian", recs
PY
	hidden /usr/bin/dormant fingerprint verify /usr/share/dormant/fingerprints >"$OUT/verify.txt" 2>&1 || { cat "$OUT/verify.txt"; return 1; }
	# the data directory it reads is the installed one, whatever the current directory
	hidden /usr/bin/dormant secrets --help >/dev/null
}
check installed_audit_runs_without_source_tree t_audit_no_source

# --- started as root, the installed audit drops to the package's user ---
t_drop_to_user() {
	local uid
	uid=$(id -u dormant)
	hidden /usr/bin/dormant audit 127.0.0.1 -p 1-3000 -Pn -sT --rate 100 --no-vulns -q --db drop.db >/dev/null 2>"$OUT/drop.err" &
	local pid=$! seen=""
	for _ in $(seq 1 100); do
		# the child of unshare/sh that is dormant itself
		local p
		p=$(pgrep -f -n '^/usr/bin/dormant audit 127.0.0.1 -p 1-3000') || { sleep 0.1; continue; }
		seen=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$p/status" 2>/dev/null)
		[ "$seen" = "$uid $uid $uid $uid" ] && break
		sleep 0.1
	done
	pkill -TERM -f '^/usr/bin/dormant audit 127.0.0.1 -p 1-3000'
	wait $pid 2>/dev/null
	[ "$seen" = "$uid $uid $uid $uid" ] || { echo "running audit: Uid $seen, want $uid (dormant)"; cat "$OUT/drop.err"; return 1; }
}
check installed_audit_drops_to_dormant_user t_drop_to_user

# --- dpkg --purge removes the program and the state, keeps nothing behind ---
t_purge() {
	touch /var/lib/dormant/marker
	dpkg --purge dormant >"$OUT/purge.log" 2>&1 || { cat "$OUT/purge.log"; return 1; }
	rm -f "$OUT/installed-here"
	[ ! -e /usr/bin/dormant ] && [ ! -e /var/lib/dormant ] && [ ! -e /etc/dormant/site.conf ] && [ ! -e /usr/share/dormant/roles.conf ]
}
check purge_removes_program_and_state t_purge

finish

#!/usr/bin/env bash
# Starts a PostgreSQL 15 of its own (Debian's initdb and pg_ctl, as the
# postgres user when run as root, in a temporary directory, listening on a
# Unix socket only), runs the command given with DM_PG set to a URI of a
# fresh database in it, and stops the server whatever the command did.
# Usage: tests/pg/with-postgres.sh COMMAND [ARGS...]
set -uo pipefail
export PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/initdb" ] || { echo "with-postgres: no $PGBIN/initdb (Debian postgresql-15; scripts/deps)" >&2; exit 2; }
dir=$(mktemp -d /tmp/dormant-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
stop() {
	as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap stop EXIT
user=$(if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi)
if ! as_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U "$user" >"$dir/initdb.log" 2>&1; then
	cat "$dir/initdb.log" >&2
	exit 2
fi
# fsync off: the data is thrown away with the directory
if ! as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
	-o "-k $dir -c listen_addresses='' -c fsync=off -c max_connections=40" start >/dev/null; then
	cat "$dir/server.log" >&2
	exit 2
fi
as_pg "$PGBIN/psql" -h "$dir" -U "$user" -d postgres -qc "CREATE DATABASE dormant" >/dev/null || exit 2
export DM_PG="postgresql:///dormant?host=$dir&user=$user"
export DM_PG_SOCKDIR="$dir" DM_PG_USER="$user"
"$@"

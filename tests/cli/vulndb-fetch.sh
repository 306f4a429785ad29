# shellcheck shell=bash
# `vulndb fetch` against tests/tools/feed-server.py on 127.0.0.1 (the real
# APIs' paging, errors and rate-limit answers, scripted faults): paging,
# 403/429/503 then success, corrupt files refused, resume, an incremental
# second fetch, the bundle round trip. Sourced by test-cli.sh (check, $D,
# $OUT, $ROOT); nothing leaves 127.0.0.1.
FS="$OUT/feeds"
mkdir -p "$FS"
export no_proxy='*' NO_PROXY='*'
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy NVD_API_KEY
python3 "$ROOT/tests/tools/feed-server.py" --fixtures "$ROOT/tests/data/fixtures" --port-file "$FS/port" \
	--log "$FS/log" --faults "$FS/faults" --modified "$FS/modified" --api-key test-key >"$FS/server.out" 2>&1 &
FS_PID=$!
trap 'kill $FS_PID 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 1 100); do [ -s "$FS/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$FS/port" 2>/dev/null)"
# fetch DB [options...]: against the local server, 7 NVD records a page, quiet Retry-After
fetch() {
	local db=$1
	shift
	"$D" vulndb fetch --db "$db" --base-url "$URL" --api-key test-key --page-size 7 --max-wait 0.2 "$@"
}
fresh() { : >"$FS/log"; : >"$FS/faults"; : >"$FS/modified"; }
# nvd_starts: the startIndex of each NVD request logged
nvd_starts() { python3 -c 'import json,sys
print(" ".join(json.loads(l)["query"].get("startIndex","-") for l in open(sys.argv[1]) if "cves/2.0" in l))' "$FS/log"; }
stat_of() { "$D" vulndb stats --db "$1" --json | python3 -c 'import json,sys; s=json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"; }

t_fetch_paging() {
	fresh
	fetch "$OUT/f1.db" 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
	[ "$(nvd_starts)" = "0 7 14" ] || { echo "NVD requests at $(nvd_starts)"; return 1; }
	grep -q '"apiKey": "test-key"' "$FS/log" || { echo "no apiKey header"; return 1; }
	[ "$(stat_of "$OUT/f1.db" 's["cves"], s["kev"], s["epss"]')" = "(19, 1404, 19)" ] || return 1
	[ "$(stat_of "$OUT/f1.db" 'sorted(s["feeds"])')" = "['debian', 'epss', 'kev', 'nvd', 'redhat', 'ubuntu']" ] || return 1
	# a file imported by hand: its import time, its age unknown
	"$D" vulndb import --db "$OUT/f0.db" "$ROOT/tests/data/fixtures/kev/known_exploited_vulnerabilities.json" -q || return 1
	"$D" vulndb stats --db "$OUT/f0.db" | grep -q '^kev  imported        20.*Z from a file (its age is unknown)' &&
		[ "$(stat_of "$OUT/f0.db" 's["feeds"]["kev"]["age_days"]')" = None ] || return 1
	"$D" vulndb stats --db "$OUT/f1.db" | grep -q '^nvd  fetched         20.*Z (0.0 days ago), imported 20' &&
		[ ! -e "$OUT/f1.db.fetch" ]
}
check vulndb_fetch_pages_nvd_kev_epss t_fetch_paging

t_fetch_retry() {
	fresh
	printf '/rest 429 1\n/rest 503 -\n/rest 429 3600\n/feeds 403 1\n/epss 503 1\n' >"$FS/faults"
	local t0=$SECONDS
	fetch "$OUT/f2.db" 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
	[ $((SECONDS - t0)) -lt 20 ] || { echo "Retry-After not capped by --max-wait"; return 1; }
	[ "$(nvd_starts)" = "0 0 0 0 7 14" ] || { echo "NVD requests at $(nvd_starts)"; return 1; }
	grep -q 'cves/2.0?resultsPerPage=7&startIndex=0: HTTP 429, trying again' "$OUT/e" &&
		grep -q 'known_exploited_vulnerabilities.json: HTTP 403, trying again' "$OUT/e" &&
		[ "$(stat_of "$OUT/f2.db" 's["cves"], s["kev"], s["epss"]')" = "(19, 1404, 19)" ]
}
check vulndb_fetch_retries_403_429_503 t_fetch_retry

t_fetch_gives_up() {
	fresh
	printf '/feeds 503 -\n%.0s' 1 2 3 4 5 6 >"$FS/faults"
	fetch "$OUT/f3.db" --feeds kev -q 2>"$OUT/e"
	local r=$?
	[ $r = 3 ] && [ "$(wc -l <"$OUT/e")" = 1 ] &&
		grep -q "^dormant: vulndb: $URL/feeds/known_exploited_vulnerabilities.json: HTTP 503 6 times; giving up" "$OUT/e" ||
		{ echo "exit $r"; cat "$OUT/e"; return 1; }
}
check vulndb_fetch_gives_up_after_retries t_fetch_gives_up
t_fetch_usage() {
	"$D" vulndb fetch --db "$OUT/u.db" --feeds nvd,osv 2>"$OUT/e"
	[ $? = 2 ] && grep -q -- '--feeds: "osv" is not one of nvd, kev, epss' "$OUT/e" || return 1
	"$D" vulndb fetch --db "$OUT/u.db" --feeds '' 2>"$OUT/e"
	[ $? = 2 ] && grep -q -- '--feeds: name nvd, kev or epss' "$OUT/e" || return 1
	"$D" vulndb fetch --db "$OUT/u.db" --page-size 2001 2>"$OUT/e"
	[ $? = 2 ] && grep -q -- '--page-size' "$OUT/e" || return 1
	"$D" vulndb fetch extra --db "$OUT/u.db" 2>"$OUT/e"
	[ $? = 2 ] && grep -q 'fetch takes no arguments ("extra")' "$OUT/e" || return 1
	# nothing answers: one line naming the URL, exit 3
	"$D" vulndb fetch --db "$OUT/u.db" --base-url http://127.0.0.1:9 --feeds kev -q 2>"$OUT/e"
	[ $? = 3 ] && [ "$(wc -l <"$OUT/e")" = 1 ] && grep -q '^dormant: vulndb: http://127.0.0.1:9/feeds/known_exploited_vulnerabilities.json: ' "$OUT/e"
}
check vulndb_fetch_usage_errors t_fetch_usage

t_fetch_corrupt() { # each refused with one line naming the URL, nothing imported
	local fault what
	for fault in '/feeds badjson:feeds/known_exploited_vulnerabilities.json: byte' \
		'/epss badgz:epss_scores-current.csv.gz: byte [0-9]*: damaged or truncated gzip data' \
		'/rest html:rest/json/cves/2.0?resultsPerPage=7&startIndex=0: expected JSON, got Content-Type text/html' \
		'/rest badjson:rest/json/cves/2.0?resultsPerPage=7&startIndex=0: byte' \
		'/rest empty:rest/json/cves/2.0?resultsPerPage=7&startIndex=0: ' \
		'/feeds empty:feeds/known_exploited_vulnerabilities.json: empty file'; do
		fresh
		what=${fault#*:}
		echo "${fault%%:*}" >"$FS/faults"
		rm -rf "$OUT/f4.db" "$OUT/f4.db.fetch"
		fetch "$OUT/f4.db" -q 2>"$OUT/e"
		local r=$?
		[ $r = 2 ] && [ "$(wc -l <"$OUT/e")" = 1 ] && grep -q "^dormant: vulndb: $URL/$what" "$OUT/e" ||
			{ echo "${fault%%:*}: exit $r"; cat "$OUT/e"; return 1; }
		[ "$(stat_of "$OUT/f4.db" 's["cves"] + s["kev"] + s["epss"]')" = 0 ] || { echo "data imported"; return 1; }
	done
}
check vulndb_fetch_refuses_corrupt_feeds t_fetch_corrupt

t_fetch_resume() {
	fresh
	# page 2 of 3 breaks off: page 1 stays done, the next run asks from 7
	printf '/rest/json/cves/2.0 ok\n/rest/json/cves/2.0 cut 3000\n' >"$FS/faults"
	fetch "$OUT/f7.db" -q 2>"$OUT/e" && { echo "a cut page was accepted"; return 1; }
	grep -q "^dormant: vulndb: $URL/rest/json/cves/2.0?resultsPerPage=7&startIndex=7: " "$OUT/e" || { cat "$OUT/e"; return 1; }
	# KEV breaks off after 400000 bytes: the part is kept and the rest asked with Range
	printf '/feeds cut 400000\n' >"$FS/faults"
	: >"$FS/log"
	fetch "$OUT/f7.db" -q 2>"$OUT/e" && { echo "a cut KEV was accepted"; return 1; }
	[ "$(nvd_starts)" = "7 14" ] || { echo "resumed NVD at $(nvd_starts)"; return 1; }
	grep -q '400000 bytes kept; the next fetch resumes' "$OUT/e" || { cat "$OUT/e"; return 1; }
	: >"$FS/log"
	fetch "$OUT/f7.db" -q 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
	[ -z "$(nvd_starts)" ] && grep -q '"range": "bytes=400000-", "ifRange": "\\"[0-9a-f]*\\""' "$FS/log" || { cat "$FS/log"; return 1; }
	[ "$(stat_of "$OUT/f7.db" 's["cves"], s["kev"], s["epss"]')" = "(19, 1404, 19)" ] || return 1
	# the file changed on the server since the part was kept: If-Range brings all of it
	fresh
	printf '/feeds cut 300000\n' >"$FS/faults"
	fetch "$OUT/f9.db" --feeds kev -q 2>/dev/null && { echo "a cut KEV was accepted"; return 1; }
	printf '/feeds newetag\n' >"$FS/faults"
	fetch "$OUT/f9.db" --feeds kev -q 2>"$OUT/e" && [ "$(stat_of "$OUT/f9.db" 's["kev"]')" = 1404 ] || { cat "$OUT/e"; return 1; }
	grep -q '"range": "bytes=300000-", "ifRange": "\\"' "$FS/log" || { cat "$FS/log"; return 1; }
	rm -f "$OUT/f9.db"
	# a kept part that does not fit (the file shrank, or the server ignores If-Range): fetched whole again
	local junk
	for junk in bigger other; do
		fresh
		printf '/feeds cut 300000\n' >"$FS/faults"
		fetch "$OUT/f9.db" --feeds kev -q 2>/dev/null && { echo "a cut KEV was accepted"; return 1; }
		if [ $junk = bigger ]; then head -c 2000000 /dev/zero >>"$OUT/f9.db.fetch/kev.json.part"; else
			printf 'X' | dd of="$OUT/f9.db.fetch/kev.json.part" bs=1 seek=0 conv=notrunc 2>/dev/null; fi
		fetch "$OUT/f9.db" --feeds kev 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
		grep -q 'does not fit: fetching it whole' "$OUT/e" && [ "$(stat_of "$OUT/f9.db" 's["kev"]')" = 1404 ] ||
			{ cat "$OUT/e"; return 1; }
		rm -f "$OUT/f9.db"
	done
}
check vulndb_fetch_resumes_interrupted_download t_fetch_resume

t_fetch_incremental() {
	fresh
	fetch "$OUT/f8.db" -q || return 1
	echo "CVE-2014-0160 $(date -u +%Y-%m-%dT%H:%M:%S.000)" >"$FS/modified"
	: >"$FS/log"
	fetch "$OUT/f8.db" --feeds nvd 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
	[ "$(nvd_starts)" = 0 ] && grep -q '"lastModStartDate": "20.*"lastModEndDate": "20' "$FS/log" &&
		grep -q 'nvd, 1 CVEs: 0 added, 1 updated, 0 unchanged' "$OUT/e" || { cat "$FS/log" "$OUT/e"; return 1; }
	# --full asks for everything again
	: >"$FS/log"
	fetch "$OUT/f8.db" --feeds nvd --full -q && [ "$(nvd_starts)" = "0 7 14" ] && ! grep -q lastMod "$FS/log"
}
check vulndb_fetch_incremental_asks_only_changes t_fetch_incremental

t_fetch_bundle() {
	fresh
	fetch "$OUT/conn.db" --bundle "$OUT/feeds.bundle" 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
	[ "$(tar tf "$OUT/feeds.bundle" | head -1)" = manifest.json ] && [ ! -e "$OUT/feeds.bundle.parts" ] || return 1
	[ "$(stat_of "$OUT/conn.db" 's["cves"]')" = 0 ] || { echo "the bundle fetch imported"; return 1; }
	"$D" vulndb import --db "$OUT/gap.db" "$OUT/feeds.bundle" 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
	local q='s["cves"], s["products"], s["kev"], s["kev_with_cve"], s["epss"], s["epss_model"], s["feeds"]["nvd"]["through"] != ""'
	[ "$(stat_of "$OUT/gap.db" "$q")" = "$(stat_of "$OUT/f1.db" "$q")" ] ||
		{ stat_of "$OUT/gap.db" "$q"; stat_of "$OUT/f1.db" "$q"; return 1; }
	# the next bundle carries only the changes; a store without the first one is warned
	: >"$FS/log"
	fetch "$OUT/conn.db" --bundle "$OUT/inc.bundle" --feeds nvd -q || return 1
	grep -q lastModStartDate "$FS/log" || { echo "second bundle not incremental"; return 1; }
	"$D" vulndb import --db "$OUT/gap.db" "$OUT/inc.bundle" 2>"$OUT/e" && grep -q 'bundle of 0 feed files imported' "$OUT/e" ||
		{ cat "$OUT/e"; return 1; }
	echo "CVE-2014-0160 $(date -u +%Y-%m-%dT%H:%M:%S.000)" >"$FS/modified"
	fetch "$OUT/conn.db" --bundle "$OUT/inc.bundle" --feeds nvd -q || return 1
	"$D" vulndb import --db "$OUT/gap2.db" "$OUT/inc.bundle" 2>"$OUT/e" && grep -q 'import a bundle made with --full first' "$OUT/e" || { cat "$OUT/e"; return 1; }
	# a damaged member: refused before anything is imported
	cp "$OUT/feeds.bundle" "$OUT/bad.bundle"
	local off
	off=$(grep -abo 'cisa.gov' "$OUT/bad.bundle" | tail -1 | cut -d: -f1)
	printf 'X' | dd of="$OUT/bad.bundle" bs=1 seek="$off" conv=notrunc 2>/dev/null
	"$D" vulndb import --db "$OUT/bad.db" "$OUT/bad.bundle" 2>"$OUT/e"
	[ $? = 2 ] && grep -q 'bad.bundle: member kev.json: SHA-256 differs from the manifest (damaged bundle)' "$OUT/e" &&
		[ "$(stat_of "$OUT/bad.db" 's["cves"] + s["kev"]')" = 0 ] || { cat "$OUT/e"; return 1; }
	# cut inside the first NVD page (its tar header is the name's second mention, after the manifest's)
	off=$(grep -abo 'nvd-000001.json' "$OUT/feeds.bundle" | sed -n 2p | cut -d: -f1)
	head -c $((off + 700)) "$OUT/feeds.bundle" >"$OUT/cut.bundle"
	"$D" vulndb import --db "$OUT/bad.db" "$OUT/cut.bundle" 2>"$OUT/e"
	[ $? = 2 ] && grep -q 'cut.bundle: byte [0-9]*: member nvd-000001.json is cut short' "$OUT/e" || { cat "$OUT/e"; return 1; }
}
check vulndb_fetch_bundle_round_trip t_fetch_bundle
# distro (issue 20): the distributions' feeds, paged, retried, resumed, incremental for Red Hat
t_fetch_distro() {
	fresh
	printf '/tracker 503 1\n/security 429 1\n/tracker cut 3000\n' >"$FS/faults"
	local f3=("$D" vulndb fetch --db "$OUT/fd.db" --base-url "$URL" --page-size 3 --max-wait 0.2 --feeds debian,ubuntu,redhat)
	"${f3[@]}" 2>"$OUT/e"
	# the cut download is kept; the next fetch resumes it with a Range request
	grep -q 'tracker/data/json: .*(3000 bytes kept; the next fetch resumes)' "$OUT/e" || { cat "$OUT/e"; return 1; }
	"${f3[@]}" 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
	grep -q '"range": "bytes=3000-"' "$FS/log" || { echo "no resume"; return 1; }
	python3 -c 'import json,sys
q = [json.loads(l)["query"] for l in open(sys.argv[1]) if "/security/cves.json" in l]
assert [x.get("offset") for x in q] == ["0", "0", "3"] and all(x.get("limit") == "3" for x in q), q' "$FS/log" || return 1
	[ "$(stat_of "$OUT/fd.db" 'sorted((k, v["verdicts"]) for k, v in s["distributions"].items())')" = \
		"[('debian', 28), ('rhel', 5), ('ubuntu', 18)]" ] || { stat_of "$OUT/fd.db" 's["distributions"]'; return 1; }
	"$D" vulndb match --db "$OUT/fd.db" "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.4" 2>"$OUT/e" # no CVE records yet
	[ $? = 2 ] && grep -q 'no vulnerability data' "$OUT/e" || { echo "matched without CVE data"; return 1; }
	# Red Hat: the next fetch lists the changes and downloads no VEX file unchanged since
	: >"$FS/log"
	fetch "$OUT/fd.db" --feeds redhat 2>"$OUT/e" || { cat "$OUT/e"; return 1; }
	grep -q 'Red Hat: 0 VEX files of 1 listed changed since the last fetch' "$OUT/e" &&
		! grep -q 'cve-2024-6387.json' "$FS/log" || { cat "$OUT/e"; return 1; }
	# into a bundle, and from it on a machine without the network
	fetch "$OUT/fb.db" --feeds debian,ubuntu,redhat --bundle "$OUT/distro.bundle" -q || return 1
	"$D" vulndb import --db "$OUT/fb2.db" "$OUT/distro.bundle" -q || return 1
	[ "$(stat_of "$OUT/fb2.db" 'sorted(s["distributions"])')" = "['debian', 'rhel', 'ubuntu']" ]
}
check vulndb_fetch_distro_feeds t_fetch_distro
kill $FS_PID 2>/dev/null

/* probe/nmap-probes: nmap's service probe database and payloads (a fixture
 * with every directive and helper, malformed lines, Debian's real file with
 * real banners), and probe/pcre-util's rewrite of nested quantifiers. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "test.h"
#include "probe/fingerprint.h"
#include "probe/nmap-probes.h"
#include "probe/pcre-util.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define FIXTURE DORMANT_SOURCEDIR "/tests/data/nmap/nmap-service-probes"
#define REAL "/usr/share/nmap/nmap-service-probes"

static bool match(const struct nmap_db *db, enum proto proto, const char *probe, const char *text, size_t len,
		  struct nmap_result *r)
{
	const struct nmap_probe *p = nmap_db_probe(db, proto, probe);
	if (!p) return false;
	return nmap_db_match(db, p, (const uint8_t *)text, len, r);
}
#define MATCH(db, probe, lit, r) match(db, PROTO_TCP, probe, lit, sizeof(lit) - 1, r)

static void unescape(void)
{
	uint8_t out[32];
	size_t bad = 99;
	CHECK_INT(nmap_unescape("\\012", 4, out, NULL), 3); /* \0 then "12": never octal */
	CHECK(out[0] == 0 && out[1] == '1' && out[2] == '2');
	CHECK_INT(nmap_unescape("a\\x41\\xfF\\\\", 11, out, NULL), 4);
	CHECK(out[0] == 'a' && out[1] == 'A' && out[2] == 0xff && out[3] == '\\');
	CHECK_INT(nmap_unescape("ab\\q", 4, out, &bad), -1);
	CHECK_INT(bad, 2);
	CHECK_INT(nmap_unescape("\\x4", 3, out, &bad), -1); /* one hex digit */
	CHECK_INT(nmap_unescape("\\x4g", 4, out, &bad), -1);
	CHECK_INT(nmap_unescape("x\\", 2, out, &bad), -1); /* a trailing backslash */
	CHECK_INT(bad, 1);
}

static void fixture_directives(void)
{
	struct nmap_db db;
	struct dm_err e;
	CHECK_INT(nmap_db_load(&db, FIXTURE, &e), 0);
	CHECK_INT(db.n_probes, 5);
	CHECK_INT(db.n_matches, 13);
	CHECK_INT(db.n_softmatches, 1);
	CHECK_INT(db.n_services, 12);
	CHECK_STR(db.id, "$Id: nmap-service-probes fixture 1 2026-12-06 dormant $");
	CHECK(db.null_probe && !strcmp(db.null_probe->name, "NULL"));
	/* Exclude: a bare port for both protocols, T: for TCP only */
	CHECK(nmap_db_excludes(&db, PROTO_TCP, 53) && nmap_db_excludes(&db, PROTO_UDP, 53));
	CHECK(nmap_db_excludes(&db, PROTO_TCP, 9101) && !nmap_db_excludes(&db, PROTO_UDP, 9101));
	CHECK(!nmap_db_excludes(&db, PROTO_TCP, 9103));
	nmap_db_release(&db);
	/* Windows line ends and stray spaces are tolerated */
	char path[128];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-nmap-crlf-%d", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs("Exclude  T:9100-9107 \r\nProbe TCP NULL q||\r\nports 1, 2 ,3 \r\nrarity 3 \r\nmatch a m|^ab| "
	      "p/x/\r\n",
	      f);
	fclose(f);
	CHECK_INT(nmap_db_load(&db, path, &e), 0);
	unlink(path);
	CHECK(nmap_db_excludes(&db, PROTO_TCP, 9107) && db.n_probes == 1 && db.probes[0].n_ports == 3);
	CHECK(db.n_probes == 1 && db.probes[0].rarity == 3 &&
	      !strcmp(db.probes[0].matches[0].tmpl[NMAP_PRODUCT], "x"));
	nmap_db_release(&db);
	CHECK_INT(nmap_db_load(&db, FIXTURE, &e), 0);
	const struct nmap_probe *nul = db.null_probe, *get = nmap_db_probe(&db, PROTO_TCP, "GetRequest");
	const struct nmap_probe *esc = nmap_db_probe(&db, PROTO_TCP, "Escapes");
	const struct nmap_probe *dns = nmap_db_probe(&db, PROTO_UDP, "DNS"),
				*dnstcp = nmap_db_probe(&db, PROTO_TCP, "DNSTCP");
	CHECK(get && esc && dns && dnstcp && !nmap_db_probe(&db, PROTO_UDP, "GetRequest"));
	if (!get || !esc || !dns || !dnstcp) goto out;
	CHECK_INT(nul->totalwaitms, 6000);
	CHECK_INT(nul->tcpwrappedms, 3000);
	CHECK_INT(nul->rarity, 5); /* nmap's default */
	CHECK_INT(nul->payload_len, 0);
	CHECK_INT(get->rarity, 1);
	CHECK_INT(get->payload_len, 18);
	CHECK(!memcmp(get->payload, "GET / HTTP/1.0\r\n\r\n", 18));
	CHECK(nmap_probe_has_port(get, 80, false) && nmap_probe_has_port(get, 8001, false));
	CHECK(!nmap_probe_has_port(get, 8003, false) && !nmap_probe_has_port(get, 443, false));
	CHECK(nmap_probe_has_port(get, 443, true) && !nmap_probe_has_port(get, 80, true));
	/* every escape nmap documents, with a delimiter other than | */
	CHECK_INT(esc->payload_len, 12);
	CHECK(!memcmp(esc->payload, "\\\0\a\b\f\n\r\t\vA~|", 12));
	CHECK(esc->no_payload && !get->no_payload);
	CHECK_INT(dns->payload_len, 6);
	/* chains: itself, the fallbacks (here a UDP probe), then NULL for TCP */
	CHECK_INT(dnstcp->n_chain, 3);
	CHECK(dnstcp->chain[0] == dnstcp && dnstcp->chain[1] == dns && dnstcp->chain[2] == nul);
	CHECK_INT(dns->n_chain, 1);
	CHECK_INT(nul->n_chain, 1);
	CHECK(nmap_probe_can_name(nul, "ftp") && !nmap_probe_can_name(get, "ftp"));
	/* prefilters: the first byte of anchored expressions, a literal every match holds */
	CHECK_INT(nul->matches[0].first, 'S');
	CHECK(nul->matches[0].lit_len == 9 && !memcmp(nul->matches[0].lit, "-OpenSSH_", 9));
	CHECK(get->matches[0].lit_len == 17 && !memcmp(get->matches[0].lit, "\r\nServer: Apache/", 17));
	CHECK(nul->matches[5].first == 'h' && nul->matches[5].first_fold &&
	      nul->matches[5].lit_len == 0); /* /i */
	CHECK(!nmap_match_may_match(&get->matches[0], (const uint8_t *)"HTTP/1.0 200 OK\r\nServer: nginx\r\n",
				    33));
out:
	nmap_db_release(&db);
}

static void fixture_plan(void)
{
	struct nmap_db db;
	struct dm_err e;
	const struct nmap_probe *v[16];
	CHECK_INT(nmap_db_load(&db, FIXTURE, &e), 0);
	/* port 80: NULL, the probe listing the port, then rarity <= 7 by rarity
	 * (Escapes, rarity 2, comes after DNSTCP, rarity 7, in the file) */
	size_t n = nmap_db_plan(&db, PROTO_TCP, 80, false, 7, NULL, v, 16);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(v[0]->name, "NULL");
		CHECK_STR(v[1]->name, "GetRequest");
		CHECK_STR(v[2]->name, "Escapes");
		CHECK_STR(v[3]->name, "DNSTCP");
	}
	n = nmap_db_plan(&db, PROTO_TCP, 22, false, 2, NULL, v, 16);
	CHECK(n == 3 && !strcmp(v[1]->name, "GetRequest") && !strcmp(v[2]->name, "Escapes"));
	/* intensity 0: a listed probe still runs whatever its rarity */
	CHECK_INT(nmap_db_plan(&db, PROTO_TCP, 80, false, 0, NULL, v, 16), 2);
	CHECK_INT(nmap_db_plan(&db, PROTO_TCP, 22, false, 0, NULL, v, 16), 1);
	CHECK_INT(nmap_db_plan(&db, PROTO_TCP, 22, false, 9, NULL, v, 16), 4);
	/* listed first: GetRequest is listed for 443 only inside TLS */
	n = nmap_db_plan(&db, PROTO_TCP, 443, true, 0, NULL, v, 16);
	CHECK(n == 2 && !strcmp(v[1]->name, "GetRequest"));
	CHECK_INT(nmap_db_plan(&db, PROTO_TCP, 443, false, 0, NULL, v, 16), 1);
	/* excluded ports get nothing; UDP has no NULL probe */
	CHECK_INT(nmap_db_plan(&db, PROTO_TCP, 9100, false, 9, NULL, v, 16), 0);
	CHECK_INT(nmap_db_plan(&db, PROTO_UDP, 53, false, 9, NULL, v, 16), 0);
	n = nmap_db_plan(&db, PROTO_UDP, 5353, false, 0, NULL, v, 16);
	CHECK(n == 1 && !strcmp(v[0]->name, "DNS"));
	CHECK_INT(nmap_db_plan(&db, PROTO_UDP, 5354, false, 7, NULL, v, 16), 0); /* rarity 8 */
	/* after a softmatch only the probes that can name the service follow */
	n = nmap_db_plan(&db, PROTO_TCP, 8080, false, 7, "http", v, 16);
	CHECK(n == 1 && !strcmp(v[0]->name, "GetRequest"));
	CHECK_INT(nmap_db_plan(&db, PROTO_TCP, 8080, false, 7, "ftp", v, 16), 0);
	CHECK_INT(nmap_db_plan(&db, PROTO_TCP, 8080, false, 9, "ftp", v, 16),
		  3);                                                         /* --version-all; NULL ran */
	CHECK_INT(nmap_db_plan(&db, PROTO_TCP, 80, false, 9, NULL, v, 2), 2); /* max */
	nmap_db_release(&db);
}

static void fixture_match(void)
{
	struct nmap_db db;
	struct dm_err e;
	struct nmap_result r;
	CHECK_INT(nmap_db_load(&db, FIXTURE, &e), 0);
	CHECK(MATCH(&db, "NULL", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", &r));
	CHECK(!r.soft);
	CHECK_STR(r.service, "ssh");
	CHECK_STR(r.fields[NMAP_PRODUCT], "OpenSSH");
	CHECK_STR(r.fields[NMAP_VERSION], "9.2p1 Debian 2+deb12u3");
	CHECK_STR(r.fields[NMAP_INFO], "protocol 2.0");
	CHECK_STR(r.fields[NMAP_OS], "Linux");
	CHECK_STR(r.fields[NMAP_HOSTNAME], "");
	CHECK_INT(r.n_cpe, 2);
	CHECK_STR(r.cpe[0], "cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*");
	CHECK_STR(r.cpe[1], "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*");
	CHECK_STR(r.source, "nmap-service-probes:10");
	/* other delimiters: m=...=, p|...|, cpe:|...| */
	CHECK(MATCH(&db, "NULL", "220 (vsFTPd 3.0.3)\r\n", &r));
	CHECK_STR(r.fields[NMAP_PRODUCT], "vsftpd");
	CHECK_STR(r.fields[NMAP_VERSION], "3.0.3");
	CHECK_STR(r.cpe[0], "cpe:2.3:a:vsftpd:vsftpd:3.0.3:*:*:*:*:*:*:*");
	/* $P: printable bytes only */
	CHECK(MATCH(&db, "NULL", "W\0W\0O\0R\0K\0\x01\0\0", &r));
	CHECK_STR(r.fields[NMAP_PRODUCT], "WORK");
	/* $SUBST with a plain and an escaped argument */
	CHECK(MATCH(&db, "NULL", "VER 1_2_3 xAyA\r\n", &r));
	CHECK_STR(r.fields[NMAP_VERSION], "1.2.3");
	CHECK_STR(r.fields[NMAP_INFO], "xbyb");
	/* $I: big- and little-endian unsigned integers */
	CHECK(MATCH(&db, "NULL", "BIN\x01\x02\x03\0\0\0", &r));
	CHECK_STR(r.fields[NMAP_VERSION], "258");
	CHECK_STR(r.fields[NMAP_INFO], "le 3");
	/* /i, with the first-byte prefilter folding case; d/; a cpe: substitution lower-cased */
	CHECK(MATCH(&db, "NULL", "HELLO Box", &r));
	CHECK_STR(r.fields[NMAP_HOSTNAME], "Box");
	CHECK_STR(r.fields[NMAP_DEVICE], "router");
	CHECK_STR(r.cpe[0], "cpe:2.3:h:acme:box:*:*:*:*:*:*:*:*");
	/* trailing ", " left by an empty group is dropped, as nmap does */
	CHECK(MATCH(&db, "NULL", "TR abc,", &r));
	CHECK_STR(r.fields[NMAP_INFO], "abc");
	/* an unset group empties its field only */
	CHECK(MATCH(&db, "NULL", "OPTX", &r));
	CHECK_STR(r.fields[NMAP_PRODUCT], "Opt");
	CHECK_STR(r.fields[NMAP_VERSION], "");
	/* cpe: substitutions: space to _, reserved characters kept as data */
	CHECK(MATCH(&db, "NULL", "CPE My Prod:1/2\n", &r));
	CHECK_STR(r.cpe[0], "cpe:2.3:a:acme:my_prod\\:1\\/2:*:*:*:*:*:*:*:*");
	/* softmatch first in the file, then a hard match: the hard one wins */
	CHECK(MATCH(&db, "NULL", "220 Later 2.1\r\n", &r));
	CHECK(!r.soft);
	CHECK_STR(r.fields[NMAP_PRODUCT], "Later FTP");
	CHECK_STR(r.source, "nmap-service-probes:20");
	/* only a softmatch: the service without product */
	CHECK(MATCH(&db, "NULL", "220 ProFTPD Server (Debian) [::ffff:127.0.0.1]\r\n", &r));
	CHECK(r.soft);
	CHECK_STR(r.service, "ftp");
	CHECK_STR(r.fields[NMAP_PRODUCT], "");
	CHECK_STR(r.source, "nmap-service-probes:19");
	/* a probe's own matches, then the NULL probe's */
	CHECK(MATCH(&db, "GetRequest", "HTTP/1.1 200 OK\r\nServer: Apache/2.4.62 (Debian)\r\n\r\n", &r));
	CHECK_STR(r.fields[NMAP_INFO], "(Debian)");
	CHECK(r.section && !strcmp(r.section->name, "GetRequest"));
	CHECK(MATCH(&db, "GetRequest", "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", &r));
	CHECK(r.section == db.null_probe);
	CHECK(!MATCH(&db, "NULL", "HTTP/1.1 200 OK\r\nServer: Apache/2.4.62 (Debian)\r\n\r\n", &r));
	/* the fallback directive, across protocols; UDP probes have no NULL fallback */
	CHECK(MATCH(&db, "DNSTCP", "\0\x06\x81\x80", &r));
	CHECK_STR(r.service, "domain");
	CHECK(!match(&db, PROTO_UDP, "DNS", "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", 32, &r));
	CHECK(!MATCH(&db, "NULL", "", &r));
	nmap_db_release(&db);
}

/* A response that drives expression after expression into the backtracking
 * limit stops the walk: the cost of one response stays bounded. */
static void limit_budget(void)
{
	char path[128];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-nmap-evil-%d", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs("Probe TCP NULL q||\n", f);
	/* exponential backtracking once the run of a's is long: each line hits the limit */
	for (int i = 0; i < 40; i++) fprintf(f, "match evil%d m/^(a|a)*c/\n", i);
	fputs("match good m/^a+xc$/\n", f);
	fclose(f);
	struct nmap_db db;
	struct dm_err e;
	CHECK_INT(nmap_db_load(&db, path, &e), 0);
	unlink(path);
	struct nmap_result r;
	char text[64];
	memset(text, 'a', 40);
	strcpy(text + 40, "xc");
	double t0 = now_mono();
	CHECK(
	    !match(&db, PROTO_TCP, "NULL", text, strlen(text), &r)); /* the good line comes after 40 limits */
	double t = now_mono() - t0;
	if (t > 0.5) test_fail(__FILE__, __LINE__, "a hostile response took %.2f s", t);
	CHECK(MATCH(&db, "NULL", "aaxc", &r)); /* short: no limit is hit, the good line is reached */
	CHECK_STR(r.service, "good");
	nmap_db_release(&db);
}

static void expand_helpers(void)
{
	char out[16];
	const uint8_t s[] = "abcdefghijkl";
	size_t ov[6] = { 0, 12, 0, 9, SIZE_MAX, SIZE_MAX };
	CHECK_INT(nmap_expand("x$1y", s, 12, ov, 3, false, out, sizeof(out)), 0);
	CHECK_STR(out, "xabcdefghiy");
	CHECK_INT(nmap_expand("$I(1,\">\")", s, 12, ov, 3, false, out, sizeof(out)), -1); /* 9 bytes */
	CHECK_STR(out, "");
	CHECK_INT(nmap_expand("$2", s, 12, ov, 3, false, out, sizeof(out)), -1);   /* unset */
	CHECK_INT(nmap_expand("$3", s, 12, ov, 3, false, out, sizeof(out)), -1);   /* beyond the groups */
	CHECK_INT(nmap_expand("$1$1", s, 12, ov, 3, false, out, sizeof(out)), -1); /* 18 bytes do not fit */
	CHECK_STR(out, "");
	/* syntax only (the loader's check) */
	CHECK_INT(nmap_expand("v$0", NULL, 0, NULL, 0, false, NULL, 0), -1);
	CHECK_INT(nmap_expand("$X(1)", NULL, 0, NULL, 0, false, NULL, 0), -1);
	CHECK_INT(nmap_expand("$P(1", NULL, 0, NULL, 0, false, NULL, 0), -1);
	CHECK_INT(nmap_expand("$SUBST(1,\"a\")", NULL, 0, NULL, 0, false, NULL, 0), -1);
	CHECK_INT(nmap_expand("$SUBST(1,\"\",\"b\")", NULL, 0, NULL, 0, false, NULL, 0),
		  -1); /* "" never advances */
	CHECK_INT(nmap_expand("$I(1,\"=\")", NULL, 0, NULL, 0, false, NULL, 0), -1);
	CHECK_INT(nmap_expand("$ 1", NULL, 0, NULL, 0, false, NULL, 0), -1);
	CHECK_INT(nmap_expand("cost $", NULL, 0, NULL, 0, false, NULL, 0), -1);
	CHECK_INT(
	    nmap_expand("$P(1) $SUBST(2,\"\\x2c\",\".\") $I(3,\"<\")", NULL, 0, NULL, 0, false, NULL, 0), 0);
}

/* Each malformed file is refused with its file and line. */
static void bad_lines(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "match x m/a/\n", ":1: match before the first Probe" },
		{ "Probe SCTP N q||\n", ":1: Probe: the protocol must be TCP or UDP" },
		{ "Probe TCP N q|abc\n", ":1: Probe N: no closing '|'" },
		{ "Probe TCP N q|a\\qbc|\n", ":1: Probe N: bad escape \"\\qbc\"" },
		{ "Probe TCP N x||\n", ":1: Probe N: the probe string must be q" },
		{ "\n# c\nProbe TCP N q||\nrarity 10\n", ":4: rarity must be a number from 1 to 9" },
		{ "Probe TCP N q||\nrarity 5x\n", ":2: rarity must be a number" },
		{ "Probe TCP N q||\nports 80-\n", ":2: ports: a port list looks like 21-25,53,80" },
		{ "Probe TCP N q||\nsslports 70000\n", ":2: sslports: ports are 0 to 65535" },
		{ "Probe TCP N q||\nports 90-80\n",
		  ":2: ports: ports are 0 to 65535 and a range is low-high" },
		{ "Probe TCP N q||\ntotalwaitms 50\n",
		  ":2: totalwaitms must be a number from 100 to 300000" },
		{ "Probe TCP N q||\ntcpwrappedms x\n", ":2: tcpwrappedms must be a number" },
		{ "Probe TCP N q||\nmatch x m/(/\n", ":2: match x: PCRE2 refuses the pattern at offset 1" },
		{ "Probe TCP N q||\nmatch x m/a*/\n", ":2: match x: the pattern matches an empty response" },
		{ "Probe TCP N q||\nmatch x m/a/x\n", ":2: match x: unknown pattern flag 'x'" },
		{ "Probe TCP N q||\nmatch x m/a\n", ":2: match x: the pattern: no closing delimiter" },
		{ "Probe TCP N q||\nmatch x q/a/\n", ":2: match x: the pattern must be m" },
		{ "Probe TCP N q||\nmatch x\n", ":2: match: expected a service name" },
		{ "Probe TCP N q||\nmatch x m/a/ z/b/\n", ":2: match x: unknown field z" },
		{ "Probe TCP N q||\nmatch x m/a/ p/b/a\n", ":2: match x: unknown field p with flags a" },
		{ "Probe TCP N q||\nmatch x m/a/ p/b\n", ":2: match x: no closing delimiter" },
		{ "Probe TCP N q||\nmatch x m/a/ p/b/c/\n", ":2: match x: unexpected text after" },
		{ "Probe TCP N q||\nmatch x m/a/ v/$Q(1)/\n", ":2: match x: bad template \"$Q(1)\"" },
		{ "Probe TCP N q||\nsoftmatch x m/a/ cpe:/a:b:$0/\n", ":2: match x: bad template" },
		{ "Probe TCP N q||\nfallback Nope\n", ":2: probe N: unknown fallback probe \"Nope\"" },
		{ "Probe TCP N q||\nfallback N\nfallback N\n", ":3: a second fallback directive" },
		{ "Probe TCP N q||\nExclude 1\n", ":2: Exclude must come before the first Probe" },
		{ "Exclude 1\nExclude 2\n", ":2: only one Exclude directive" },
		{ "Exclude T:x\n", ":1: Exclude: " },
		{ "Probe TCP N q||\nbogus 1\n", ":2: unknown directive \"bogus\"" },
		{ "Probe TCP NULL q||\nProbe TCP NULL q||\n", ":2: a second TCP NULL probe" },
		{ "Probe TCP N q||\nmatch x m/a\0b/\n", ":2: a NUL byte in the line" },
	};
	char path[128];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-nmap-%d", (int)getpid());
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = fopen(path, "w");
		size_t len = strlen(cases[i].text);
		if (strstr(cases[i].want, "NUL byte")) len = 31; /* the text holds a NUL byte */
		fwrite(cases[i].text, 1, len, f);
		fclose(f);
		struct nmap_db db;
		struct dm_err e = { "" };
		int r = nmap_db_load(&db, path, &e);
		if (r != DM_EINPUT || strncmp(e.msg, path, strlen(path)) || !strstr(e.msg, cases[i].want))
			test_fail(__FILE__, __LINE__, "case %zu: %d \"%s\", expected \"%s\"", i, r, e.msg,
				  cases[i].want);
	}
	struct nmap_db db;
	struct dm_err e;
	FILE *f = fopen(path, "w");
	fputs("# comments only\n\n", f);
	fclose(f);
	CHECK_INT(nmap_db_load(&db, path, &e), DM_EEMPTY);
	CHECK(strstr(e.msg, "no Probe directive") != NULL);
	unlink(path);
	CHECK(nmap_db_load(&db, path, &e) < 0); /* missing */
	CHECK(strstr(e.msg, path) != NULL);
}

static void payloads(void)
{
	struct nmap_payloads pl;
	struct dm_err e;
	CHECK_INT(nmap_payloads_load(&pl, DORMANT_SOURCEDIR "/tests/data/nmap/nmap-payloads", &e), 0);
	CHECK_INT(pl.n, 4);
	const struct nmap_payload *p = nmap_payloads_next(&pl, 53, NULL);
	CHECK(p && p->len == 7 &&
	      !memcmp(p->data,
		      "\0\x01"
		      "ab\"c\0",
		      7) &&
	      p->line == 3);
	p = p ? nmap_payloads_next(&pl, 53, p) : NULL;
	CHECK(p && p->len == 13 && !memcmp(p->data, "second for 53", 13));
	CHECK(p && !nmap_payloads_next(&pl, 53, p));
	p = nmap_payloads_next(&pl, 1001, NULL);
	CHECK(p && p->len == 1 && p->data[0] == 'x');
	CHECK(!nmap_payloads_next(&pl, 1003, NULL));
	p = nmap_payloads_next(&pl, 7, NULL);
	CHECK(p && p->len == 2 && !memcmp(p->data, "\r\n", 2));
	nmap_payloads_release(&pl);
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "udp 7\n", ":1: udp entry: no payload string" },
		{ "udp x \"a\"\n", ":1: udp: a port list looks like" },
		{ "\n\nudp 7 \"a\\q\"\n", ":3: bad escape \"\\q\"" },
		{ "udp 7 \"abc\n\"\n", ":1: a payload string without its closing quote" },
		{ "tcp 7 \"a\"\n", ":1: expected \"udp PORTS" },
	};
	char path[128];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-nmap-pl-%d", (int)getpid());
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "w");
		fputs(bad[i].text, f);
		fclose(f);
		struct dm_err e2 = { "" };
		int r = nmap_payloads_load(&pl, path, &e2);
		if (r != DM_EINPUT || !strstr(e2.msg, bad[i].want))
			test_fail(__FILE__, __LINE__, "case %zu: %d \"%s\", expected \"%s\"", i, r, e2.msg,
				  bad[i].want);
	}
	unlink(path);
}

/* Debian's database and real banners: the values nmap's own rules give. */
static void real_database(void)
{
	struct nmap_db db;
	struct dm_err e;
	if (access(REAL, R_OK) != 0) {
		printf("    skip: %s is missing (scripts/deps test installs nmap-common)\n", REAL);
		return;
	}
	double t0 = now_mono();
	CHECK_INT(nmap_db_load(&db, REAL, &e), 0);
	double t1 = now_mono();
	CHECK(db.n_probes > 100 && db.n_matches > 10000 && db.n_softmatches > 100 && db.n_services > 1000);
	CHECK(db.null_probe != NULL);
	CHECK(nmap_db_excludes(&db, PROTO_TCP, 9100));
	struct nmap_result r;
	CHECK(MATCH(&db, "NULL", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", &r));
	CHECK_STR(r.service, "ssh");
	CHECK_STR(r.fields[NMAP_PRODUCT], "OpenSSH");
	CHECK_STR(r.fields[NMAP_VERSION], "9.2p1 Debian 2+deb12u3");
	CHECK_STR(r.fields[NMAP_INFO], "protocol 2.0");
	CHECK_STR(r.fields[NMAP_OS], "Linux");
	CHECK_STR(r.cpe[0], "cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*");
	CHECK_STR(r.cpe[1], "cpe:2.3:o:debian:debian_linux:*:*:*:*:*:*:*:*");
	CHECK(!strncmp(r.source, "nmap-service-probes:", 20));
	CHECK(MATCH(&db, "NULL", "220 (vsFTPd 3.0.3)\r\n", &r));
	CHECK_STR(r.service, "ftp");
	CHECK_STR(r.fields[NMAP_PRODUCT], "vsftpd");
	CHECK_STR(r.fields[NMAP_VERSION], "3.0.3");
	CHECK_STR(r.cpe[0], "cpe:2.3:a:vsftpd:vsftpd:3.0.3:*:*:*:*:*:*:*");
	/* ProFTPD's plain greeting is only an FTP softmatch to nmap too: its HELP
	 * reply names it (the Help probe) */
	CHECK(MATCH(&db, "NULL", "220 ProFTPD Server (Debian) [::ffff:127.0.0.1]\r\n", &r));
	CHECK(r.soft);
	CHECK_STR(r.service, "ftp");
	CHECK(MATCH(
	    &db, "Help",
	    "220 ProFTPD Server (Debian) [::ffff:127.0.0.1]\r\n214-The following commands are "
	    "recognized (* =>'s unimplemented).\r\n214-USER    PASS    ACCT*   CWD     XCWD    CDUP    XCUP  "
	    "  "
	    "SMNT*   \r\n214-QUIT    REIN*   PORT    PASV    TYPE    STRU    MODE    RETR    \r\n214-STOR    "
	    "STOU    APPE    ALLO*   REST    RNFR    RNTO    ABOR    \r\n214-DELE    MDTM    RMD     XRMD    "
	    "MKD     XMKD    PWD     XPWD    \r\n214-SIZE    \r\n",
	    &r));
	CHECK(!r.soft);
	CHECK_STR(r.fields[NMAP_PRODUCT], "ProFTPD");
	CHECK_STR(r.cpe[0], "cpe:2.3:a:proftpd:proftpd:*:*:*:*:*:*:*:*");
	CHECK(MATCH(&db, "NULL", "220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n", &r));
	CHECK_STR(r.service, "smtp");
	CHECK_STR(r.fields[NMAP_PRODUCT], "Postfix smtpd");
	CHECK_STR(r.fields[NMAP_HOSTNAME], " mail.example.org"); /* nmap's group holds the space */
	CHECK_STR(r.cpe[0], "cpe:2.3:a:postfix:postfix:*:*:*:*:*:*:*:*");
	double t2 = now_mono();
	CHECK(MATCH(&db, "GetRequest",
		    "HTTP/1.1 200 OK\r\nDate: Sun, 06 Dec 2026 02:00:00 GMT\r\nServer: Apache/2.4.62 "
		    "(Debian)\r\nContent-Length: 10701\r\nContent-Type: text/html\r\n\r\n<html>",
		    &r));
	double t3 = now_mono();
	CHECK_STR(r.service, "http");
	CHECK_STR(r.fields[NMAP_PRODUCT], "Apache httpd");
	CHECK_STR(r.fields[NMAP_VERSION], "2.4.62");
	CHECK_STR(r.fields[NMAP_INFO], "(Debian)");
	CHECK_STR(r.cpe[0], "cpe:2.3:a:apache:http_server:2.4.62:*:*:*:*:*:*:*");
	CHECK(match(&db, PROTO_UDP, "DNSVersionBindReq",
		    "\0\x06\x85\0\0\x01\0\x01\0\0\0\0\x07version\x04"
		    "bind\0\0\x10"
		    "\0\x03\xc0\x0c\0\x10\0\x03\0\0\0\0\0\x19\x18"
		    "9.18.28-1~deb12u2-Debian",
		    67, &r));
	CHECK_STR(r.fields[NMAP_PRODUCT], "ISC BIND");
	CHECK_STR(r.fields[NMAP_VERSION], "9.18.28-1~deb12u2");
	CHECK_STR(r.fields[NMAP_INFO], "Debian Linux");
	CHECK_STR(r.cpe[0], "cpe:2.3:a:isc:bind:9.18.28-1\\~deb12u2:*:*:*:*:*:*:*"); /* ~ is quoted in 2.3 */
	/* every probe's chain resolves and a hostile response finishes quickly */
	static char hostile[4096];
	memset(hostile, 'a', sizeof(hostile));
	double t4 = now_mono();
	for (size_t i = 0; i < db.n_probes; i++)
		nmap_db_match(&db, &db.probes[i], (const uint8_t *)hostile, sizeof(hostile), &r);
	double t5 = now_mono();
	printf("    info: load %.0f ms; GetRequest chain %.2f ms; 4 KiB of 'a' through all %zu probes %.0f "
	       "ms (sanitizer build)\n",
	       (t1 - t0) * 1000, (t3 - t2) * 1000, db.n_probes, (t5 - t4) * 1000);
	nmap_db_release(&db);
}

/* The prefilters never skip an expression that matches: every match line
 * of Debian's database against assorted responses, PCRE2 asked directly. */
static void prefilter_is_sound(void)
{
	struct nmap_db db;
	struct dm_err e;
	if (access(REAL, R_OK) != 0) {
		printf("    skip: %s is missing\n", REAL);
		return;
	}
	CHECK_INT(nmap_db_load(&db, REAL, &e), 0);
	static const char *subjects[] = {
		"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
		"220 (vsFTPd 3.0.3)\r\n",
		"220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n",
		"HTTP/1.1 200 OK\r\nServer: Apache/2.4.62 (Debian)\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"NETGEAR DGN2200\"\r\n\r\n",
		"+OK Dovecot (Debian) ready.\r\n",
		"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE] Dovecot ready.\r\n",
		"RFB 003.008\n",
		"-ERR unknown command 'GET'\r\n",
		"<html><title>Login</title></html>",
		"220-FileZilla Server 1.7.0\r\n220 Please visit https://filezilla-project.org/\r\n",
		"\x16\x03\x03\x00\x02\x02\x28",
		"J\0\0\0\n8.0.36\0",
		"AMQP\0\0\x09\x01",
	};
	pcre2_match_data *md = pcre2_match_data_create(64, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mc, 50000);
	unsigned matched = 0, skipped = 0, literal = 0, total = 0;
	for (size_t i = 0; i < db.n_probes; i++)
		for (size_t k = 0; k < db.probes[i].n_matches; k++) {
			const struct nmap_match *m = &db.probes[i].matches[k];
			total++;
			literal += m->lit_len > 0;
			for (size_t j = 0; j < sizeof(subjects) / sizeof(subjects[0]); j++) {
				size_t len = strlen(subjects[j]) + (j >= 12); /* two binary ones end in NUL */
				bool may = nmap_match_may_match(m, (const uint8_t *)subjects[j], len);
				int rc = pcre2_match(m->code, (PCRE2_SPTR)subjects[j], len, 0, 0, md, mc);
				if (rc >= 0) matched++;
				if (!may) skipped++;
				if (rc >= 0 && !may)
					test_fail(
					    __FILE__, __LINE__,
					    "line %u (%s) matches subject %zu but its prefilter skips it",
					    m->line, m->pattern, j);
			}
		}
	printf("    info: %u match lines, %u with a required literal; %u of %u checks skipped by the "
	       "prefilters, %u matched\n",
	       total, literal, skipped, total * (unsigned)(sizeof(subjects) / sizeof(subjects[0])), matched);
	CHECK(matched >= 10);
	CHECK(skipped > total * 10);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	nmap_db_release(&db);
}

static void flatten_nested(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "^a (.+)* http", "^a (.+)? http" },
		{ "(?:[a-z]+)+x", "(?:[a-z]+)x" },
		{ "(\\d+)*(\\x41+)*", "(\\d+)?(\\x41+)?" },
		{ "([^)]+)*", "([^)]+)?" },
		{ "(.+)*?", "(.+)*?" }, /* lazy: other order, left alone */
		{ "(.+?)*", "(.+?)*" },
		{ "(.+)*+", "(.+)*+" },     /* possessive never backtracks */
		{ "(.*)*", "(.*)*" },       /* the group would keep "" in the nested form */
		{ "(ab+)*", "(ab+)*" },     /* not one character */
		{ "(.+)*\\1", "(.+)*\\1" }, /* a backreference depends on the split */
		{ "[(.+)*]", "[(.+)*]" },   /* inside a class */
		{ "\\(.+)*", "\\(.+)*" },
		{ "(?<n>.+)*", "(?<n>.+)*" },
		{ "(\\b+)*", "(\\b+)*" }, /* an assertion is no character */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = BUF_INIT;
		pcre_util_flatten_nested(cases[i].in, &b);
		if (strcmp(b.data ? b.data : "", cases[i].out))
			test_fail(__FILE__, __LINE__, "\"%s\" became \"%s\", expected \"%s\"", cases[i].in,
				  b.data ? b.data : "", cases[i].out);
		buf_release(&b);
	}
}

/* Recog's smtp_banners.xml:799 passes, and a banner built to make the nested
 * form backtrack 2^n times is refused quickly. */
static void recog_nested_quantifier(void)
{
	char path[128];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-nested-%d.xml", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs("<fingerprints matches=\"smtp.banner\"><fingerprint pattern=\"^([^ ]{1,512}) SMTP NAVIEG "
	      "([^ ]+\\.[^ ]+\\.[^ ]+); (.+)* http\"><description>NAVIEG</description>"
	      "<example host.name=\"foo.bar\" service.version=\"2.0.1\" system.time=\"Sun, 29 Jul 2001 "
	      "22:02:16 -0500\">"
	      "foo.bar SMTP NAVIEG 2.0.1; Sun, 29 Jul 2001 22:02:16 -0500 http://www.symantec.com</example>"
	      "<param pos=\"1\" name=\"host.name\"/><param pos=\"2\" name=\"service.version\"/>"
	      "<param pos=\"3\" name=\"system.time\"/></fingerprint></fingerprints>",
	      f);
	fclose(f);
	struct fp_set set = { 0 };
	struct dm_err e;
	CHECK_INT(fp_set_load_file(&set, path, &e), 0);
	unlink(path);
	struct fp_verify_stats st;
	fp_set_verify(&set, NULL, 0, &st);
	CHECK_INT(st.examples, 1);
	CHECK_INT(st.passed, 1);
	static char hostile[20100];
	int n = snprintf(hostile, sizeof(hostile), "foo.bar SMTP NAVIEG 2.0.1; ");
	memset(hostile + n, 'x', sizeof(hostile) - (size_t)n - 1);
	struct fp_result r;
	double t0 = now_mono();
	CHECK(!fp_set_match(&set, "smtp.banner", hostile, strlen(hostile), &r));
	double t = now_mono() - t0;
	if (t > 1.0) test_fail(__FILE__, __LINE__, "a hostile banner took %.2f s", t);
	fp_set_release(&set);
}

SUITE(suite_nmap_probes, "nmap-probes", T(unescape), T(fixture_directives), T(fixture_plan), T(fixture_match),
      T(limit_budget), T(expand_helpers), T(bad_lines), T(payloads), T(real_database), T(prefilter_is_sound),
      T(flatten_nested), T(recog_nested_quantifier));

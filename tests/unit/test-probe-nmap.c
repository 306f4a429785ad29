/* nmap's probes in dormant's engine: a port's plan of nmap probes, and the
 * precedence of the databases when they name a service differently. */
#include "test.h"
#include "probe/nmap-probes.h"
#include "probe/probe-nmap.h"
#include "probe/services.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXTURE DORMANT_SOURCEDIR "/tests/data/nmap/nmap-service-probes"

static void plan_skips_null_and_lists_first(void)
{
	struct nmap_db db;
	struct dm_err e;
	CHECK_INT(nmap_db_load(&db, FIXTURE, &e), 0);
	struct svc s;
	memset(&s, 0, sizeof(s));
	size_t listed;
	/* port 80: the banner wait stands for NULL; GetRequest lists 80, then by rarity */
	s.out.port = 80;
	CHECK_INT(svc_nmap_plan(&s, &db, 7, false, &listed), 3);
	CHECK_INT(listed, 1);
	if (s.n_nplan == 3) {
		CHECK_STR(s.nplan[0]->name, "GetRequest");
		CHECK_STR(s.nplan[1]->name, "Escapes");
		CHECK_STR(s.nplan[2]->name, "DNSTCP");
	}
	/* a port nothing lists at intensity 0: no nmap probe at all */
	s.out.port = 22;
	CHECK_INT(svc_nmap_plan(&s, &db, 0, false, &listed), 0);
	CHECK_INT(listed, 0);
	/* inside TLS the NULL probe stays (dormant's https probe spoke first),
	 * and sslports decide what is listed */
	s.out.port = 443;
	CHECK_INT(svc_nmap_plan(&s, &db, 0, true, &listed), 2);
	CHECK_INT(listed, 2);
	CHECK(s.n_nplan == 2 && !strcmp(s.nplan[0]->name, "NULL") && !strcmp(s.nplan[1]->name, "GetRequest"));
	/* an excluded port gets nothing */
	s.out.port = 9100;
	CHECK_INT(svc_nmap_plan(&s, &db, 9, false, &listed), 0);
	nmap_db_release(&db);
}

static void result(struct nmap_result *r, bool soft, const char *svc, const char *prod, const char *ver,
		   const char *cpe, unsigned line)
{
	memset(r, 0, sizeof(*r));
	r->soft = soft;
	snprintf(r->service, sizeof(r->service), "%s", svc);
	snprintf(r->fields[NMAP_PRODUCT], sizeof(r->fields[0]), "%s", prod);
	snprintf(r->fields[NMAP_VERSION], sizeof(r->fields[0]), "%s", ver);
	if (cpe) snprintf(r->cpe[r->n_cpe++], sizeof(r->cpe[0]), "%s", cpe);
	snprintf(r->source, sizeof(r->source), "nmap-service-probes:%u", line);
}

static void nmap_names_what_nothing_named(void)
{
	struct svc s;
	struct nmap_result r;
	memset(&s, 0, sizeof(s));
	snprintf(s.out.name, sizeof(s.out.name), "unknown");
	result(&r, true, "ftp", "", "", NULL, 10);
	svc_nmap_result(&s, &r);
	CHECK_STR(s.out.name, "ftp");
	CHECK(!s.identified && s.rank == RANK_NMAP_SOFT && !s.nmap_hard);
	CHECK_STR(s.nmap_soft, "ftp");
	result(&r, false, "ftp", "ProFTPD", "1.3.8", "cpe:2.3:a:proftpd:proftpd:1.3.8:*:*:*:*:*:*:*", 20);
	svc_nmap_result(&s, &r);
	CHECK(s.identified && s.nmap_hard && s.rank == RANK_NMAP);
	CHECK_STR(s.out.product, "ProFTPD");
	CHECK_STR(s.out.version, "1.3.8");
	CHECK_STR(s.out.vendor, "proftpd");
	CHECK_STR(s.out.source, "nmap-service-probes:20");
	CHECK_STR(s.out.cpe, "cpe:2.3:a:proftpd:proftpd:1.3.8:*:*:*:*:*:*:*");
	/* a later softmatch takes nothing away */
	result(&r, true, "ftp", "", "", NULL, 30);
	svc_nmap_result(&s, &r);
	CHECK_STR(s.out.product, "ProFTPD");
	CHECK_STR(s.out.source, "nmap-service-probes:20");
	/* https: nmap's "ssl/http" is dormant's https */
	memset(&s, 0, sizeof(s));
	result(&r, false, "ssl/http", "nginx", "1.22.1", NULL, 40);
	svc_nmap_result(&s, &r);
	CHECK_STR(s.out.name, "https");
	memset(&s, 0, sizeof(s));
	result(&r, false, "ssl/imap", "Dovecot imapd", "", NULL, 41);
	svc_nmap_result(&s, &r);
	CHECK_STR(s.out.name, "ssl/imap");
}

/* "ssl" names the tunnel, not the service: the port is marked for nmap's
 * probes inside TLS, and what they find there is ssl/NAME (stunnel in front
 * of an IMAP server) */
static void ssl_match_means_probe_inside(void)
{
	struct svc s;
	struct nmap_result r;
	memset(&s, 0, sizeof(s));
	result(&r, false, "ssl", "", "", NULL, 11860);
	svc_nmap_result(&s, &r);
	CHECK(s.nmap_said_ssl && !s.identified && !s.nmap_hard);
	CHECK_STR(s.out.name, "ssl/unknown");
	CHECK_STR(s.nmap_soft, "");
	CHECK_STR(s.out.source, "");
	s.nmap_ssl = true; /* services.c: the plan inside TLS */
	result(&r, true, "imap", "", "", NULL, 1768);
	svc_nmap_result(&s, &r);
	CHECK_STR(s.out.name, "ssl/imap");
	result(&r, false, "imap", "Dovecot imapd", "", "cpe:2.3:a:dovecot:dovecot:*:*:*:*:*:*:*:*", 1800);
	svc_nmap_result(&s, &r);
	CHECK_STR(s.out.name, "ssl/imap");
	CHECK_STR(s.out.product, "Dovecot imapd");
	/* "ssl" with a product is a hard match like any other (qmail behind stunnel) */
	memset(&s, 0, sizeof(s));
	result(&r, false, "ssl", "qmail-pop3d behind stunnel", "", NULL, 13455);
	svc_nmap_result(&s, &r);
	CHECK(!s.nmap_said_ssl);
	CHECK_STR(s.out.product, "qmail-pop3d behind stunnel");
}

static void version_less_match_keeps_looking(void)
{
	struct svc s;
	struct nmap_result r;
	memset(&s, 0, sizeof(s));
	result(&r, false, "memcached", "Memcached", "", "cpe:2.3:a:memcached:memcached:*:*:*:*:*:*:*:*",
	       5864);
	svc_nmap_result(&s, &r);
	CHECK(!s.nmap_hard && s.identified);
	CHECK_STR(s.nmap_soft, "memcached"); /* the rest of the plan: probes that can name memcached */
	result(&r, false, "memcached", "Memcached", "1.6.18",
	       "cpe:2.3:a:memcached:memcached:1.6.18:*:*:*:*:*:*:*", 15511);
	svc_nmap_result(&s, &r);
	CHECK(s.nmap_hard);
	CHECK_STR(s.out.version, "1.6.18");
	CHECK_STR(s.out.source, "nmap-service-probes:15511");
}

static void own_beats_nmap_but_takes_its_name(void)
{
	struct svc s;
	struct nmap_result r;
	memset(&s, 0, sizeof(s));
	/* dormant's own fingerprint said Recog's "HTTPD" */
	s.identified = true;
	s.rank = RANK_OWN;
	snprintf(s.out.name, sizeof(s.out.name), "http");
	snprintf(s.out.product, sizeof(s.out.product), "HTTPD");
	snprintf(s.out.version, sizeof(s.out.version), "2.4.57");
	snprintf(s.out.cpe, sizeof(s.out.cpe), "cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*");
	snprintf(s.out.source, sizeof(s.out.source), "dormant:http_servers.xml:15");
	result(&r, false, "http", "Apache httpd", "2.4.99",
	       "cpe:2.3:a:apache:http_server:2.4.99:*:*:*:*:*:*:*", 100);
	svc_nmap_result(&s, &r);
	CHECK_STR(s.out.product, "Apache httpd"); /* the same product: the name operators know */
	CHECK_STR(s.out.version, "2.4.57");       /* the higher rank's version stays */
	CHECK_STR(s.out.source, "dormant:http_servers.xml:15");
	CHECK_STR(s.out.name, "http");
	/* another product: nothing changes */
	result(&r, false, "http", "nginx", "1.22.1", "cpe:2.3:a:f5:nginx:1.22.1:*:*:*:*:*:*:*", 101);
	svc_nmap_result(&s, &r);
	CHECK_STR(s.out.product, "Apache httpd");
	CHECK_STR(s.out.cpe, "cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*");
}

/* A Recog-format database in dir, one fingerprint for ftp.banner. */
static void write_db(const char *dir, const char *product)
{
	char path[512];
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/ftp.xml", dir);
	FILE *f = fopen(path, "w");
	if (!f) return;
	fprintf(f,
		"<fingerprints matches=\"ftp.banner\" protocol=\"ftp\">\n"
		"  <fingerprint pattern=\"^TestFTPd (\\d+\\.\\d+)\">\n"
		"    <description>test</description>\n"
		"    <param pos=\"0\" name=\"service.product\" value=\"%s\"/>\n"
		"    <param pos=\"1\" name=\"service.version\"/>\n"
		"  </fingerprint>\n"
		"</fingerprints>\n",
		product);
	fclose(f);
}

static void recog_below_nmap_own_above(void)
{
	char own[256], recog[256], p[512];
	snprintf(own, sizeof(own), "/tmp/dm-rank-own-%d", (int)getpid());
	snprintf(recog, sizeof(recog), "/tmp/dm-rank-recog-%d", (int)getpid());
	write_db(recog, "RecogFTP");
	write_db(own, "OwnFTP");
	struct fp_set rset = { 0 }, oset = { 0 };
	struct dm_err e;
	CHECK_INT(fp_set_load_dir(&rset, recog, &e), 0);
	CHECK_INT(fp_set_load_dir(&oset, own, &e), 0);
	struct svc s;
	struct nmap_result r;
	const char *banner = "TestFTPd 1.2 ready";
	/* Recog first, then nmap: nmap's hard match wins */
	memset(&s, 0, sizeof(s));
	s.fps = &rset;
	s.own_dir = own;
	svc_evidence(&s, "ftp.banner", banner, strlen(banner));
	CHECK_STR(s.out.product, "RecogFTP");
	CHECK(s.rank == RANK_RECOG && !strncmp(s.out.source, "recog:ftp.xml:", 14));
	result(&r, false, "ftp", "NmapFTP", "1.2", NULL, 7);
	svc_nmap_result(&s, &r);
	CHECK_STR(s.out.product, "NmapFTP");
	CHECK_STR(s.out.source, "nmap-service-probes:7");
	/* nmap first, then dormant's own: own wins */
	memset(&s, 0, sizeof(s));
	s.fps = &oset;
	s.own_dir = own;
	svc_nmap_result(&s, &r);
	svc_evidence(&s, "ftp.banner", banner, strlen(banner));
	CHECK_STR(s.out.product, "OwnFTP");
	CHECK_STR(s.out.version, "1.2");
	CHECK(s.rank == RANK_OWN && !strncmp(s.out.source, "dormant:ftp.xml:", 16));
	fp_set_release(&rset);
	fp_set_release(&oset);
	snprintf(p, sizeof(p), "%s/ftp.xml", own);
	unlink(p);
	rmdir(own);
	snprintf(p, sizeof(p), "%s/ftp.xml", recog);
	unlink(p);
	rmdir(recog);
}

SUITE(suite_probe_nmap, "probe-nmap", T(plan_skips_null_and_lists_first), T(nmap_names_what_nothing_named),
      T(version_less_match_keeps_looking), T(own_beats_nmap_but_takes_its_name),
      T(recog_below_nmap_own_above), T(ssl_match_means_probe_inside));

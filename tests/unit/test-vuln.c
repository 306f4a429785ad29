/* Streaming JSON, NVD configurations (AND/OR, negate, platforms, ranges),
 * feed parsing of the real fixtures, aliases, distribution markers, and
 * the store's incremental import. */
#include "test.h"
#include "test-db.h"
#include "analyze/vulnerable.h"
#include "base/json.h"
#include "store/store.h"
#include "vuln/aliases.h"
#include "vuln/config.h"
#include "vuln/feeds.h"
#include <stdlib.h>
#include <unistd.h>

#define FIXTURES DORMANT_SOURCEDIR "/tests/data/fixtures"

struct seen {
	int n;
	char ids[8][32];
	char header[32];
};

static int take(void *ctx, const struct json *rec, const struct json *header, uint64_t off, struct dm_err *e)
{
	struct seen *s = ctx;
	(void)off;
	(void)e;
	const char *id = json_str(rec, "id");
	if (s->n < 8) snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", id ? id : "?");
	if (header && json_str(header, "v"))
		snprintf(s->header, sizeof(s->header), "%s", json_str(header, "v"));
	s->n++;
	return 0;
}

static int run_json(const char *text, struct seen *s, struct dm_err *e)
{
	memset(s, 0, sizeof(*s));
	struct json_stream js = { .stream_key = "vulnerabilities", .record = take, .ctx = s };
	return json_stream_mem(&js, text, strlen(text), "t.json", e);
}

static void json_shapes(void)
{
	struct seen s;
	struct dm_err e;
	/* the wrapper: records are the stream array's elements; other members are the header */
	CHECK_INT(
	    run_json(
		"{\"v\":\"2.0\",\"vulnerabilities\":[{\"id\":\"a\"},{\"id\":\"b\",\"x\":[1,{\"y\":null}]}]}",
		&s, &e),
	    0);
	CHECK_INT(s.n, 2);
	CHECK_STR(s.ids[1], "b");
	CHECK_STR(s.header, "2.0");
	/* a bare record, a bare array, and several values one after another */
	CHECK_INT(run_json("{\"id\":\"c\",\"vulnerabilities\":3}", &s, &e), 0);
	CHECK_INT(s.n, 1);
	CHECK_STR(s.ids[0], "c");
	CHECK_INT(run_json("[{\"id\":\"d\"},{\"id\":\"e\"}]", &s, &e), 0);
	CHECK_INT(s.n, 2);
	CHECK_INT(run_json("{\"id\":\"f\"}\n{\"id\":\"g\"}\n", &s, &e), 0);
	CHECK_INT(s.n, 2);
	CHECK_STR(s.ids[1], "g");
	/* damage */
	CHECK_INT(run_json("{\"vulnerabilities\":[{\"id\":\"a\"},{\"id\":", &s, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "t.json: byte") && strstr(e.msg, "truncated"));
	CHECK_INT(run_json("{\"a\":tru}", &s, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "JSON lexical error") != NULL);
	CHECK_INT(run_json("\"just a string\"", &s, &e), DM_EINPUT);
	char deep[400];
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = 0;
	CHECK_INT(run_json(deep, &s, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "nested too deeply") != NULL);
}

static void add_match(struct vconfigs *c, bool vulnerable, const char *crit, const char *start, bool si,
		      const char *end, bool ei)
{
	struct vmatch *m = vconfigs_add_match(c);
	m->vulnerable = vulnerable;
	CHECK_INT(vmatch_set(c, m, crit, start, end), 0);
	m->start_incl = si;
	m->end_incl = ei;
}

static enum tri eval(const struct vconfigs *c, const char *subject, const char *platform, bool os_known)
{
	struct vsubject s = { .os_known = os_known };
	struct cpe plat;
	CHECK_INT(cpe_parse(subject, &s.cpe), 0);
	if (platform) {
		CHECK_INT(cpe_parse(platform, &plat), 0);
		s.platforms = &plat;
		s.n_platforms = 1;
	}
	struct vverdict v;
	vconfigs_eval(c, &s, &v);
	return v.result;
}

static void configurations(void)
{
	struct vconfigs c = { 0 };
	/* Redis on Debian 9/10 (CVE-2022-0543's shape): AND of the product and a platform */
	vconfigs_add_config(&c, true, false);
	vconfigs_add_node(&c, false, false);
	add_match(&c, true, "cpe:2.3:a:redis:redis:*:*:*:*:*:*:*:*", NULL, false, "6.0", false);
	vconfigs_add_node(&c, false, false);
	add_match(&c, false, "cpe:2.3:o:debian:debian_linux:9.0:*:*:*:*:*:*:*", NULL, false, NULL, false);
	add_match(&c, false, "cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*", NULL, false, NULL, false);
	const char *redis5 = "cpe:2.3:a:redis:redis:5.0.7:*:*:*:*:*:*:*";
	CHECK_INT(eval(&c, redis5, "cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*", true), TRI_TRUE);
	CHECK_INT(eval(&c, redis5, "cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*", true), TRI_FALSE);
	CHECK_INT(eval(&c, redis5, NULL, false), TRI_UNKNOWN); /* OS not seen */
	CHECK_INT(eval(&c, "cpe:2.3:a:redis:redis:7.0.15:*:*:*:*:*:*:*", NULL, false), TRI_FALSE);
	/* a platform alone never makes the subject vulnerable */
	CHECK_INT(eval(&c, "cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*", NULL, true), TRI_FALSE);
	/* negation */
	vconfigs_reset(&c);
	vconfigs_add_config(&c, true, false);
	vconfigs_add_node(&c, false, false);
	add_match(&c, true, "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", "1.0", true, NULL, false);
	vconfigs_add_node(&c, false, true);
	add_match(&c, false, "cpe:2.3:a:x:y:1.5:*:*:*:*:*:*:*", NULL, false, NULL, false);
	CHECK_INT(eval(&c, "cpe:2.3:a:x:y:1.2:*:*:*:*:*:*:*", NULL, true), TRI_TRUE);
	CHECK_INT(eval(&c, "cpe:2.3:a:x:y:1.5:*:*:*:*:*:*:*", NULL, true), TRI_FALSE);
	CHECK_INT(eval(&c, "cpe:2.3:a:x:y:0.9:*:*:*:*:*:*:*", NULL, true), TRI_FALSE);
	/* the compact form round-trips */
	struct buf b = BUF_INIT;
	CHECK_INT(vconfigs_encode(&c, &b), 0);
	struct vconfigs d = { 0 };
	CHECK_INT(vconfigs_decode(b.data, &d), 0);
	CHECK_INT(d.n_cfg, 1);
	CHECK_INT(d.n_nodes, 2);
	CHECK(d.nodes[1].negate);
	CHECK_STR(d.m[0].start, "1.0");
	CHECK_INT(eval(&d, "cpe:2.3:a:x:y:1.5:*:*:*:*:*:*:*", NULL, true), TRI_FALSE);
	CHECK_INT(vconfigs_decode("M\t1\tcpe\n", &d), DM_EINPUT);
	CHECK_INT(vconfigs_decode("Q\n", &d), DM_EINPUT);
	/* the packed form of the product index: the configurations listed, in order */
	vconfigs_add_config(&c, false, true);
	vconfigs_add_node(&c, false, false);
	add_match(&c, true, "cpe:2.3:a:x:z:*:*:*:*:*:*:*:*", NULL, false, "2.0", true);
	struct cpe named;
	cpe_init(&named);
	snprintf(named.v[CPE_VENDOR], sizeof(named.v[CPE_VENDOR]), "x");
	snprintf(named.v[CPE_PRODUCT], sizeof(named.v[CPE_PRODUCT]), "z");
	uint32_t idx[2];
	CHECK_INT(vconfigs_naming(&c, &named, idx), 1);
	CHECK_INT(idx[0], 1);
	buf_reset(&b);
	CHECK_INT(vconfigs_pack(&c, idx, 1, &b), 0);
	CHECK_INT(vconfigs_unpack(b.data, b.len, &d), 0);
	CHECK_INT(d.n_cfg, 1);
	CHECK(d.cfg[0].negate && !d.cfg[0].and_op);
	CHECK_INT(d.n_m, 1);
	CHECK_STR(d.m[0].criteria, "cpe:2.3:a:x:z:*:*:*:*:*:*:*:*");
	CHECK(d.m[0].vulnerable && d.m[0].end_incl && !d.m[0].start_incl && !d.m[0].start[0]);
	CHECK_STR(d.m[0].end, "2.0");
	idx[0] = 0, idx[1] = 1;
	buf_reset(&b);
	CHECK_INT(vconfigs_pack(&c, idx, 2, &b), 0);
	CHECK_INT(vconfigs_unpack(b.data, b.len, &d), 0);
	CHECK_INT(d.n_cfg, 2);
	CHECK_INT(d.n_nodes, 3);
	CHECK(d.nodes[1].negate);
	CHECK_INT(eval(&d, "cpe:2.3:a:x:y:1.5:*:*:*:*:*:*:*", NULL, true), TRI_FALSE);
	CHECK_INT(eval(&d, "cpe:2.3:a:x:y:1.2:*:*:*:*:*:*:*", NULL, true), TRI_TRUE);
	/* damaged: cut short, a byte too many, another format */
	CHECK_INT(vconfigs_unpack(b.data, b.len - 1, &d), DM_EINPUT);
	buf_putc(&b, 0);
	CHECK_INT(vconfigs_unpack(b.data, b.len, &d), DM_EINPUT);
	CHECK_INT(vconfigs_unpack("\x02\x00", 2, &d), DM_EINPUT);
	CHECK_INT(vconfigs_unpack("\x01\x00", 2, &d), 0);
	CHECK_INT(d.n_cfg, 0);
	buf_release(&b);
	vconfigs_release(&c);
	vconfigs_release(&d);
}

/* A product's brief decides as its configurations do, and is made only
 * when nothing but the product's own criteria can. */
static void config_briefs(void)
{
	struct vconfigs c = { 0 }, d = { 0 };
	struct cpe named;
	cpe_init(&named);
	snprintf(named.v[CPE_VENDOR], sizeof(named.v[CPE_VENDOR]), "x");
	snprintf(named.v[CPE_PRODUCT], sizeof(named.v[CPE_PRODUCT]), "y");
	/* two plain configurations naming x:y among other products */
	vconfigs_add_config(&c, false, false);
	vconfigs_add_node(&c, false, false);
	add_match(&c, true, "cpe:2.3:a:x:other:*:*:*:*:*:*:*:*", NULL, false, "9.0", false);
	add_match(&c, true, "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", "1.0", true, "1.4", false);
	add_match(&c, false, "cpe:2.3:a:x:y:1.6:*:*:*:*:*:*:*", NULL, false, NULL, false);
	vconfigs_add_config(&c, false, false);
	vconfigs_add_node(&c, false, false);
	add_match(&c, true, "cpe:2.3:a:*:y:2.0:*:*:*:*:*:*:*", NULL, false, NULL, false);
	struct buf b = BUF_INIT;
	CHECK_INT(vconfigs_brief(&c, &named, 480, &b), 1);
	CHECK_INT(vconfigs_unpack(b.data, b.len, &d), 0);
	CHECK_INT(d.n_cfg, 1);
	CHECK_INT(d.n_nodes, 1);
	CHECK_INT(d.n_m, 2); /* the vulnerable criteria naming x:y, in order */
	CHECK_STR(d.m[0].criteria, "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*");
	CHECK(d.m[0].start_incl && !d.m[0].end_incl);
	CHECK_STR(d.m[1].criteria, "cpe:2.3:a:*:y:2.0:*:*:*:*:*:*:*");
	static const char *const subjects[] = { "cpe:2.3:a:x:y:0.9:*:*:*:*:*:*:*",
						"cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*",
						"cpe:2.3:a:x:y:1.4:*:*:*:*:*:*:*",
						"cpe:2.3:a:x:y:1.6:*:*:*:*:*:*:*",
						"cpe:2.3:a:x:y:2.0:*:*:*:*:*:*:*" };
	for (size_t i = 0; i < ARRAY_SIZE(subjects); i++) {
		CHECK_INT(eval(&d, subjects[i], NULL, false), eval(&c, subjects[i], NULL, false));
		CHECK_INT(eval(&d, subjects[i], NULL, true), eval(&c, subjects[i], NULL, true));
	}
	CHECK_INT(eval(&d, subjects[1], NULL, false), TRI_TRUE);
	CHECK_INT(eval(&d, subjects[3], NULL, false), TRI_FALSE);
	/* a product named only by platforms: a brief without criteria */
	snprintf(named.v[CPE_PRODUCT], sizeof(named.v[CPE_PRODUCT]), "none");
	buf_reset(&b);
	CHECK_INT(vconfigs_brief(&c, &named, 480, &b), 1);
	CHECK_INT(vconfigs_unpack(b.data, b.len, &d), 0);
	CHECK_INT(d.n_m, 0);
	/* too large for the index row: none, and out as it was */
	snprintf(named.v[CPE_PRODUCT], sizeof(named.v[CPE_PRODUCT]), "y");
	buf_reset(&b);
	buf_puts(&b, "kept");
	CHECK_INT(vconfigs_brief(&c, &named, 20, &b), 0);
	CHECK_STR(b.data, "kept");
	/* a platform that must be seen (AND), or a negation: the configurations
	 * naming x:y, whole and in order (not one naming only another product),
	 * which decide as all of them do, platforms seen or not */
	vconfigs_add_config(&c, true, false);
	vconfigs_add_node(&c, false, false);
	add_match(&c, true, "cpe:2.3:a:x:y:3.0:*:*:*:*:*:*:*", NULL, false, NULL, false);
	vconfigs_add_node(&c, false, false);
	add_match(&c, false, "cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*", NULL, false, NULL, false);
	vconfigs_add_config(&c, false, false);
	vconfigs_add_node(&c, false, false);
	add_match(&c, true, "cpe:2.3:a:z:w:1.0:*:*:*:*:*:*:*", NULL, false, NULL, false);
	buf_reset(&b);
	CHECK_INT(vconfigs_brief(&c, &named, 480, &b), 1);
	vconfigs_reset(&d);
	CHECK_INT(vconfigs_unpack(b.data, b.len, &d), 0);
	CHECK_INT(d.n_cfg, 3);
	CHECK_INT(d.n_m, 6);
	CHECK(d.cfg[2].and_op && !d.m[5].vulnerable);
	static const char *const seen[] = { NULL, "cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*",
					    "cpe:2.3:o:debian:debian_linux:11.0:*:*:*:*:*:*:*" };
	static const char *const more[] = { "cpe:2.3:a:x:y:3.0:*:*:*:*:*:*:*",
					    "cpe:2.3:a:x:y:1.2:*:*:*:*:*:*:*",
					    "cpe:2.3:a:x:y:2.5:*:*:*:*:*:*:*" };
	for (size_t i = 0; i < ARRAY_SIZE(more); i++)
		for (size_t j = 0; j < ARRAY_SIZE(seen); j++)
			for (int os = 0; os < 2; os++)
				CHECK_INT(eval(&d, more[i], seen[j], os), eval(&c, more[i], seen[j], os));
	CHECK_INT(eval(&d, more[0], NULL, false), TRI_UNKNOWN);
	CHECK_INT(eval(&d, more[0], seen[1], false), TRI_TRUE);
	CHECK_INT(eval(&d, more[0], NULL, true), TRI_FALSE);
	buf_reset(&b);
	CHECK_INT(vconfigs_brief(&c, &named, 60, &b), 0); /* too large: none */
	CHECK_INT((int)b.len, 0);
	vconfigs_reset(&c);
	vconfigs_add_config(&c, false, false);
	vconfigs_add_node(&c, false, true);
	add_match(&c, true, "cpe:2.3:a:x:y:3.0:*:*:*:*:*:*:*", NULL, false, NULL, false);
	vconfigs_add_node(&c, false, false);
	add_match(&c, true, "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", "2.0", true, NULL, false);
	CHECK_INT(vconfigs_brief(&c, &named, 480, &b), 1);
	vconfigs_reset(&d);
	CHECK_INT(vconfigs_unpack(b.data, b.len, &d), 0);
	CHECK(d.n_cfg == 1 && d.n_nodes == 2 && d.nodes[0].negate);
	for (size_t i = 0; i < ARRAY_SIZE(more); i++)
		CHECK_INT(eval(&d, more[i], NULL, false), eval(&c, more[i], NULL, false));
	CHECK_INT(eval(&d, more[2], NULL, false), TRI_TRUE);
	buf_release(&b);
	vconfigs_release(&c);
	vconfigs_release(&d);
}

static void ranges(void)
{
	struct vmatch m = { .vulnerable = true, .start = "" };
	struct cpe t;
	/* OpenSSH "through 7.7": 7.7p1 is 7.7 + p1, inside */
	m.criteria = "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*";
	m.end = "7.7";
	m.end_incl = true;
	cpe_parse("cpe:2.3:a:openbsd:openssh:7.7:p1:*:*:*:*:*:*", &t);
	CHECK(vmatch_hits(&m, &t));
	cpe_parse("cpe:2.3:a:openbsd:openssh:7.8:p1:*:*:*:*:*:*", &t);
	CHECK(!vmatch_hits(&m, &t));
	/* an update named by the criterion folds into the bound: *:p2 through 7.2 = through 7.2p2 */
	m.criteria = "cpe:2.3:a:openbsd:openssh:*:p2:*:*:*:*:*:*";
	m.end = "7.2";
	cpe_parse("cpe:2.3:a:openbsd:openssh:7.1:p1:*:*:*:*:*:*", &t);
	CHECK(vmatch_hits(&m, &t));
	cpe_parse("cpe:2.3:a:openbsd:openssh:7.2:p2:*:*:*:*:*:*", &t);
	CHECK(vmatch_hits(&m, &t));
	cpe_parse("cpe:2.3:a:openbsd:openssh:7.3:p1:*:*:*:*:*:*", &t);
	CHECK(!vmatch_hits(&m, &t));
	/* exact versions and their update: 9.8:- is not 9.8p1 */
	struct vmatch x = { .vulnerable = true,
			    .criteria = "cpe:2.3:a:openbsd:openssh:9.8:-:*:*:*:*:*:*",
			    .start = "",
			    .end = "" };
	cpe_parse("cpe:2.3:a:openbsd:openssh:9.8:p1:*:*:*:*:*:*", &t);
	CHECK(!vmatch_hits(&x, &t));
	/* OpenSSL letters, exclusive end */
	m.criteria = "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*";
	m.start = "1.0.1";
	m.start_incl = true;
	m.end = "1.0.1g";
	m.end_incl = false;
	cpe_parse("cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*", &t);
	CHECK(vmatch_hits(&m, &t));
	cpe_parse("cpe:2.3:a:openssl:openssl:1.0.1g:*:*:*:*:*:*:*", &t);
	CHECK(!vmatch_hits(&m, &t));
	char fix[32];
	vmatch_fix(&m, fix, sizeof(fix));
	CHECK_STR(fix, "1.0.1g");
	/* no version on the subject: no claim */
	cpe_parse("cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", &t);
	CHECK(!vmatch_hits(&m, &t));
}

struct collected {
	struct vconfigs cfg[32];
	int64_t num[32];
	int n, kev;
	char model[32];
	uint64_t epss;
};

static int c_cve(void *ctx, const struct vuln_cve *c, struct dm_err *e)
{
	struct collected *k = ctx;
	(void)e;
	if (k->n < 32) {
		k->num[k->n] = c->num;
		CHECK_INT(vconfigs_decode(c->configs, &k->cfg[k->n]), 0);
		k->n++;
	}
	return 0;
}
static int c_kev(void *ctx, const struct vuln_kev *kv, struct dm_err *e)
{
	(void)e;
	((struct collected *)ctx)->kev += kv->num > 0;
	return 0;
}

static bool affects(struct collected *k, const char *cve, const char *subject)
{
	int64_t num = cve_number(cve);
	for (int i = 0; i < k->n; i++)
		if (k->num[i] == num) return eval(&k->cfg[i], subject, NULL, false) != TRI_FALSE;
	test_fail(__FILE__, __LINE__, "%s not imported", cve);
	return false;
}

static void real_records(void)
{
	struct collected k = { 0 };
	struct vuln_sink sink = { &k, c_cve, c_kev, NULL, NULL };
	struct feed_counts fc;
	struct dm_err e;
	CHECK_INT(feed_import_file(FIXTURES "/nvd/page.json", &sink, &fc, NULL, NULL, &e), 0);
	CHECK_INT(fc.cve, 19);
	CHECK_STR(fc.kind, "nvd");
	CHECK(affects(&k, "CVE-2024-6387", "cpe:2.3:a:openbsd:openssh:8.5:p1:*:*:*:*:*:*"));
	CHECK(!affects(&k, "CVE-2024-6387", "cpe:2.3:a:openbsd:openssh:9.8:p1:*:*:*:*:*:*"));
	CHECK(affects(&k, "CVE-2018-15473", "cpe:2.3:a:openbsd:openssh:7.7:p1:*:*:*:*:*:*"));
	CHECK(affects(&k, "CVE-2011-2523", "cpe:2.3:a:vsftpd_project:vsftpd:2.3.4:*:*:*:*:*:*:*"));
	CHECK(!affects(&k, "CVE-2011-2523", "cpe:2.3:a:vsftpd_project:vsftpd:3.0.3:*:*:*:*:*:*:*"));
	CHECK(affects(&k, "CVE-2014-0160", "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*"));
	CHECK(affects(&k, "CVE-2016-6210", "cpe:2.3:a:openbsd:openssh:7.2:p2:*:*:*:*:*:*"));
	for (int i = 0; i < k.n; i++) vconfigs_release(&k.cfg[i]);
	memset(&k, 0, sizeof(k));
	CHECK_INT(feed_import_file(FIXTURES "/kev/known_exploited_vulnerabilities.json", &sink, &fc, NULL,
				   NULL, &e),
		  0);
	CHECK_INT(k.kev, 1404);
	CHECK_STR(fc.kind, "kev");
	CHECK_INT(feed_import_file(FIXTURES "/cve5/CVE-2024-6387.json", &sink, &fc, NULL, NULL, &e), 0);
	CHECK_STR(fc.kind, "cve5");
	/* CVE 5: OpenSSH 8.5p1 through 9.7p1 from the CNA's "affected" */
	CHECK(affects(&k, "CVE-2024-6387", "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*"));
	CHECK(!affects(&k, "CVE-2024-6387", "cpe:2.3:a:openbsd:openssh:9.8:p1:*:*:*:*:*:*"));
	/* awaiting analysis: no configurations at all */
	CHECK_INT(feed_import_file(FIXTURES "/nvd-variants/CVE-2023-48795.awaiting-analysis.json", &sink, &fc,
				   NULL, NULL, &e),
		  0);
	CHECK_INT(k.cfg[k.n - 1].n_cfg, 0);
	for (int i = 0; i < k.n; i++) vconfigs_release(&k.cfg[i]);
}

/* A score that is not a finite number from 0 to 10 is an input error naming the record, not "cvss":inf. */
static void scores_out_of_range(void)
{
	struct collected k = { 0 };
	struct vuln_sink sink = { &k, c_cve, c_kev, NULL, NULL };
	struct feed_counts fc;
	struct dm_err e = { "" };
	const char *bad[] = { "\"inf\"", "\"nan\"", "1e999", "11.5", "-1", "\"high\"" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char page[512];
		snprintf(page, sizeof(page),
			 "{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[{\"cve\":{\"id\":"
			 "\"CVE-2024-0001\","
			 "\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\",\"cvssData\":{\"version\":"
			 "\"3.1\",\"baseScore\":%s}}]}}}]}",
			 bad[i]);
		e.msg[0] = 0;
		CHECK_INT(feed_import_mem(page, strlen(page), "feed.json", &sink, &fc, &e), DM_EINPUT);
		if (!strstr(e.msg, "feed.json: byte ") || !strstr(e.msg, "CVE-2024-0001: baseScore"))
			test_fail(__FILE__, __LINE__, "%s: %s", bad[i], e.msg);
	}
	const char *cve5 =
	    "{\"dataType\":\"CVE_RECORD\",\"cveMetadata\":{\"cveId\":\"CVE-2024-0002\"},\"containers\":{"
	    "\"cna\":"
	    "{\"metrics\":[{\"cvssV3_1\":{\"version\":\"3.1\",\"baseScore\":\"Infinity\"}}]}}}";
	CHECK_INT(feed_import_mem(cve5, strlen(cve5), "cve5.json", &sink, &fc, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "CVE-2024-0002: baseScore") != NULL);
	for (int i = 0; i < k.n; i++) vconfigs_release(&k.cfg[i]);
}

static void aliases_and_markers(void)
{
	struct aliases a = { 0 };
	struct dm_err e;
	CHECK_INT(aliases_load(&a, ALIASES_DEFAULT_PATH, &e), 0);
	struct vuln_product out[8];
	size_t n = aliases_expand(&a, "nginx", "nginx", out, 8);
	CHECK_INT(n, 3); /* nginx:nginx, f5:nginx, igor_sysoev:nginx */
	CHECK_STR(out[2].vendor, "igor_sysoev");
	struct cpe c;
	CHECK(aliases_subject(&a, NULL, "OpenSSH", "7.7p1", NULL, &c));
	CHECK_STR(c.v[CPE_VERSION], "7.7");
	CHECK_STR(c.v[CPE_UPDATE], "p1");
	CHECK(!aliases_subject(&a, NULL, "OpenSSH", NULL, NULL, &c));
	CHECK(!aliases_subject(&a, NULL, "Unheard-of", "1.0", NULL, &c));
	/* A cpe rule added since aliases_index() is found by the linear scan,
	 * then through the index of the cpe and update rules once made again. */
	a.v = xrealloc(a.v, (a.n + 1) * sizeof(*a.v));
	a.cap = a.n + 1;
	a.v[a.n++] = (struct alias_rule){ .kind = 'c', .from = "igor_sysoev:nginx", .to = "example:nginx" };
	CHECK_INT(aliases_expand(&a, "nginx", "nginx", out, 8), 4);
	CHECK_STR(out[3].vendor, "example");
	aliases_index(&a);
	CHECK_INT(aliases_expand(&a, "f5", "nginx", out, 8), 4);
	CHECK_STR(out[3].vendor, "example");
	CHECK(aliases_subject(&a, NULL, "OpenSSH", "8.9p1", NULL, &c));
	CHECK_STR(c.v[CPE_UPDATE], "p1");
	aliases_release(&a);
	char buf[64];
	CHECK_STR(vuln_distro_marker("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", buf, sizeof(buf)),
		  "Debian-2+deb12u3");
	CHECK_STR(vuln_distro_marker("SSH-2.0-OpenSSH_7.7p1 Ubuntu-4ubuntu0.3", buf, sizeof(buf)),
		  "Ubuntu-4ubuntu0.3");
	CHECK(vuln_distro_marker("SSH-2.0-OpenSSH_7.7p1", buf, sizeof(buf)) == NULL);
	CHECK_INT(cve_number("CVE-2014-0160"), 201400000160LL);
	cve_format(201400000160LL, buf, sizeof(buf));
	CHECK_STR(buf, "CVE-2014-0160");
	CHECK_INT(cve_number("CVE-2014-"), -1);
	CHECK_INT(cve_number("CVE-14-0160"), -1);
}

static void store_incremental(void)
{
	char dir[] = "/tmp/dormant-vuln-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[128];
	snprintf(path, sizeof(path), "%s/v.db", dir);
	if (test_db_pg()) test_db_path(path, sizeof(path), ""); /* DM_TEST_DB: on PostgreSQL */
	struct store *st;
	struct dm_err e;
	CHECK_INT(store_open(path, &st, &e), 0);
	struct vuln_cve c = { .num = 202400006387LL, .cvss = 8.1, .source = "nvd", .configs = "" };
	snprintf(c.modified, sizeof(c.modified), "2024-07-09");
	struct vuln_product p = { "openbsd", "openssh" };
	c.products = &p;
	c.n_products = 1;
	c.configs = "C\t0\t0\nN\t0\t0\nM\t1\tcpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*\t8.5\t1\t9.8\t0\n";
	/* packed, with the product's brief, as the importers hand them over */
	struct vconfigs cf = { 0 };
	CHECK_INT(vconfigs_decode(c.configs, &cf), 0);
	struct buf pk = BUF_INIT, br = BUF_INIT;
	uint32_t all = 0, at = 0, blen;
	CHECK_INT(vconfigs_pack(&cf, &all, 1, &pk), 0);
	struct cpe named;
	cpe_init(&named);
	snprintf(named.v[CPE_VENDOR], sizeof(named.v[CPE_VENDOR]), "openbsd");
	snprintf(named.v[CPE_PRODUCT], sizeof(named.v[CPE_PRODUCT]), "openssh");
	CHECK_INT(vconfigs_brief(&cf, &named, 480, &br), 1);
	blen = (uint32_t)br.len;
	c.packed = (const unsigned char *)pk.data;
	c.packed_len = pk.len;
	c.briefs = (const unsigned char *)br.data;
	c.brief_at = &at;
	c.brief_len = &blen;
	enum vuln_change ch;
	CHECK_INT(store_vuln_begin(st, &e), 0);
	CHECK_INT(store_vuln_put_cve(st, &c, &ch, &e), 0);
	CHECK_INT(ch, VULN_ADDED);
	CHECK_INT(store_vuln_end(st, true, &e), 0);
	/* the same again: unchanged; an older copy: unchanged; newer: updated */
	store_vuln_begin(st, &e);
	CHECK_INT(store_vuln_put_cve(st, &c, &ch, &e), 0);
	CHECK_INT(ch, VULN_UNCHANGED);
	snprintf(c.modified, sizeof(c.modified), "2024-01-01");
	CHECK_INT(store_vuln_put_cve(st, &c, &ch, &e), 0);
	CHECK_INT(ch, VULN_UNCHANGED);
	snprintf(c.modified, sizeof(c.modified), "2025-01-01");
	/* a newer record without configurations keeps the known ones, and its
	 * scores are what a hit shows (the index row's copy follows) */
	struct vuln_cve bare = c;
	bare.configs = "";
	bare.packed = NULL;
	bare.briefs = NULL;
	bare.cvss = 9.1;
	CHECK_INT(store_vuln_put_cve(st, &bare, &ch, &e), 0);
	CHECK_INT(ch, VULN_UPDATED);
	/* the same in one import: a CVE added, then its newer scores */
	c.num = 202400000002LL;
	CHECK_INT(store_vuln_put_cve(st, &c, &ch, &e), 0);
	bare.num = c.num;
	snprintf(bare.modified, sizeof(bare.modified), "2025-02-01");
	bare.cvss = 7.7;
	CHECK_INT(store_vuln_put_cve(st, &bare, &ch, &e), 0);
	CHECK_INT(ch, VULN_UPDATED);
	store_vuln_end(st, true, &e);
	/* a rolled-back import leaves nothing */
	store_vuln_begin(st, &e);
	c.num = 202400000001LL;
	CHECK_INT(store_vuln_put_cve(st, &c, &ch, &e), 0);
	store_vuln_end(st, false, &e);
	struct vuln_stats vs;
	CHECK_INT(store_vuln_stats(st, &vs, &e), 0);
	CHECK_INT(vs.cves, 2);
	CHECK_INT(vs.with_configs, 2);
	/* the matcher finds it through the product index */
	struct aliases al = { 0 };
	struct vuln_matcher m;
	vuln_matcher_init(&m, st, &al);
	struct vsubject s = { 0 };
	cpe_parse("cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*", &s.cpe);
	struct vuln_hit *h;
	size_t n;
	CHECK_INT(vuln_match(&m, &s, NULL, NULL, CONF_NONE, &h, &n, &e), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(h[0].fix, "9.8");
		CHECK_STR(h[0].match->criteria, "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*");
		CHECK(h[0].info->num == 202400006387LL && h[0].info->cvss == 9.1);
		CHECK(h[1].info->num == 202400000002LL && h[1].info->cvss == 7.7);
	}
	CHECK_INT(vuln_match(&m, &s, "Debian-2+deb12u3", NULL, CONF_MEDIUM, &h, &n, &e), 0);
	CHECK_INT(n, 0);
	cpe_parse("cpe:2.3:a:openbsd:openssh:9.8:p1:*:*:*:*:*:*", &s.cpe);
	CHECK_INT(vuln_match(&m, &s, NULL, NULL, CONF_NONE, &h, &n, &e), 0);
	CHECK_INT(n, 0);
	vuln_matcher_release(&m);
	vconfigs_release(&cf);
	buf_release(&pk);
	buf_release(&br);
	store_close(st);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

static int test_brief(void *ctx, struct vuln_cve *c, struct dm_err *e)
{
	struct cve_build *b = ctx;
	(void)e;
	CHECK_INT(vconfigs_unpack(c->packed, c->packed_len, &b->cfg), 0);
	CHECK_INT(cve_build_briefs(b, c->products, c->n_products), 0);
	c->briefs = b->cve.briefs;
	c->brief_at = b->cve.brief_at;
	c->brief_len = b->cve.brief_len;
	return 0;
}

static int count_briefs(void *ctx, const struct vuln_info *v)
{
	*(int *)ctx += v->brief != NULL;
	return 0;
}

/* A store imported before schema 30 (index rows without briefs) gets them
 * from its packed configurations, and matches as before. */
static void store_briefs_added(void)
{
	char dir[] = "/tmp/dormant-vuln-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[128];
	snprintf(path, sizeof(path), "%s/v.db", dir);
	if (test_db_pg()) test_db_path(path, sizeof(path), "");
	struct store *st;
	struct dm_err e;
	CHECK_INT(store_open(path, &st, &e), 0);
	struct vuln_cve c = { .num = 202400006387LL, .cvss = 8.1, .source = "nvd" };
	snprintf(c.modified, sizeof(c.modified), "2024-07-09");
	struct vuln_product p[2] = { { "openbsd", "openssh" }, { "debian", "debian_linux" } };
	c.products = p;
	c.n_products = 2;
	c.configs = "C\t0\t0\nN\t0\t0\nM\t1\tcpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*\t8.5\t1\t9.8\t0\n"
		    "C\t1\t0\nN\t0\t0\nM\t1\tcpe:2.3:a:openbsd:openssh:7.0:*:*:*:*:*:*:*\t\t0\t\t0\n"
		    "N\t0\t0\nM\t0\tcpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*\t\t0\t\t0\n";
	struct vconfigs cf = { 0 };
	CHECK_INT(vconfigs_decode(c.configs, &cf), 0);
	struct buf pk = BUF_INIT;
	uint32_t all[2] = { 0, 1 };
	CHECK_INT(vconfigs_pack(&cf, all, 2, &pk), 0);
	c.packed = (const unsigned char *)pk.data;
	c.packed_len = pk.len;
	enum vuln_change ch;
	CHECK_INT(store_vuln_begin(st, &e), 0);
	CHECK_INT(store_vuln_put_cve(st, &c, &ch, &e), 0); /* no briefs: an older import */
	CHECK_INT(store_vuln_meta_set(st, "index.briefs", "pending", &e), 0);
	CHECK_INT(store_vuln_end(st, true, &e), 0);
	int n = 0;
	CHECK_INT(store_vuln_by_product(st, "openbsd", "openssh", NULL, count_briefs, &n, &e), 1);
	CHECK_INT(n, 0);
	struct cve_build b = { 0 };
	CHECK_INT(store_vuln_begin(st, &e), 0);
	CHECK_INT(store_vuln_add_briefs(st, test_brief, &b, &e), test_db_pg() ? 0 : 1);
	CHECK_INT(store_vuln_end(st, true, &e), 0);
	cve_build_release(&b);
	char v[16];
	CHECK_INT(store_vuln_meta_get(st, "index.briefs", v, sizeof(v), &e), 1);
	CHECK_STR(v, "done");
	/* the second configuration is an AND with a platform: openssh's brief
	 * is both configurations whole; debian_linux (named only as a
	 * platform) gets an empty one */
	CHECK_INT(store_vuln_by_product(st, "openbsd", "openssh", NULL, count_briefs, &n, &e), 1);
	CHECK_INT(n, test_db_pg() ? 0 : 1);
	CHECK_INT(store_vuln_by_product(st, "debian", "debian_linux", NULL, count_briefs, &n, &e), 1);
	CHECK_INT(n, test_db_pg() ? 0 : 2);
	/* openssh's row without its brief (as one over the size cap) */
	CHECK_INT(
	    test_db_exec(path, "UPDATE vuln_product SET brief = NULL WHERE product = 'openssh'", "SELECT 1"),
	    0);
	struct aliases al = { 0 };
	struct vuln_matcher m;
	vuln_matcher_init(&m, st, &al);
	struct vsubject s = { 0 };
	struct vuln_hit *h;
	size_t nh;
	/* met first through debian_linux's brief (no configurations read),
	 * then through openssh's row, which has none: read then */
	cpe_parse("cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*", &s.cpe);
	CHECK_INT(vuln_match(&m, &s, NULL, NULL, CONF_NONE, &h, &nh, &e), 0);
	CHECK_INT(nh, 0);
	cpe_parse("cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*", &s.cpe);
	CHECK_INT(vuln_match(&m, &s, NULL, NULL, CONF_NONE, &h, &nh, &e), 0);
	CHECK_INT(nh, 1);
	if (nh) CHECK(h[0].info->cvss == 8.1);
	vuln_matcher_release(&m);
	vconfigs_release(&cf);
	buf_release(&pk);
	store_close(st);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

static int to_store_cve(void *ctx, const struct vuln_cve *c, struct dm_err *e)
{
	enum vuln_change ch;
	return store_vuln_put_cve(ctx, c, &ch, e);
}
static int to_store_kev(void *ctx, const struct vuln_kev *k, struct dm_err *e)
{
	return store_vuln_put_kev(ctx, k, e);
}

/* The rule on a result set: Apache 2.4.49 is in KEV with ransomware use;
 * vsftpd 2.3.4 is not; a host's Debian banner lowers confidence. */
static void rule_findings(void)
{
	char dir[] = "/tmp/dormant-rule-XXXXXX", path[128];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/v.db", dir);
	if (test_db_pg()) test_db_path(path, sizeof(path), ""); /* DM_TEST_DB: on PostgreSQL */
	struct store *st;
	struct dm_err e;
	CHECK_INT(store_open(path, &st, &e), 0);
	struct vuln_sink sink = { st, to_store_cve, to_store_kev, NULL, NULL };
	struct feed_counts fc;
	store_vuln_begin(st, &e);
	CHECK_INT(feed_import_file(FIXTURES "/nvd/page.json", &sink, &fc, NULL, NULL, &e), 0);
	CHECK_INT(feed_import_file(FIXTURES "/kev/known_exploited_vulnerabilities.json", &sink, &fc, NULL,
				   NULL, &e),
		  0);
	CHECK_INT(store_vuln_end(st, true, &e), 0);

	struct resultset rs = { 0 };
	struct obs_host h = { .how = HOW_TCP, .ts = 1 };
	ipaddr_parse("198.18.0.30", &h.ip);
	resultset_add_host(&rs, &h);
	struct obs_service web = { .ip = h.ip, .port = 80, .proto = PROTO_TCP, .ts = 1 };
	snprintf(web.name, sizeof(web.name), "http");
	snprintf(web.product, sizeof(web.product), "Apache httpd");
	snprintf(web.version, sizeof(web.version), "2.4.49");
	snprintf(web.cpe, sizeof(web.cpe), "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*");
	resultset_add_service(&rs, &web);
	struct obs_service ftp = web;
	ftp.port = 21;
	snprintf(ftp.name, sizeof(ftp.name), "ftp");
	snprintf(ftp.product, sizeof(ftp.product), "vsftpd");
	snprintf(ftp.version, sizeof(ftp.version), "2.3.4");
	ftp.cpe[0] = 0; /* by name, through the aliases */
	resultset_add_service(&rs, &ftp);
	struct obs_service ssh = web;
	ssh.port = 22;
	snprintf(ssh.name, sizeof(ssh.name), "ssh");
	snprintf(ssh.product, sizeof(ssh.product), "OpenSSH");
	snprintf(ssh.version, sizeof(ssh.version), "9.2");
	snprintf(ssh.update, sizeof(ssh.update), "p1");
	snprintf(ssh.cpe, sizeof(ssh.cpe), "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*");
	snprintf(ssh.banner, sizeof(ssh.banner), "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
	resultset_add_service(&rs, &ssh);

	struct aliases al = { 0 };
	CHECK_INT(aliases_load(&al, ALIASES_DEFAULT_PATH, &e), 0);
	struct vuln_matcher m;
	vuln_matcher_init(&m, st, &al);
	struct findings fs = { 0 };
	CHECK_INT(analyze_vulnerable(&m, &rs, CONF_NONE, &fs, &e), 0);
	findings_sort(&fs);
	CHECK_INT(fs.n, 4);
	if (fs.n == 4) {
		CHECK_STR(fs.v[0].rule, "known-exploited"); /* KEV with ransomware use ranks first */
		CHECK_INT(fs.v[0].port, 80);
		CHECK(strstr(fs.v[0].title, "CVE-2021-42013") && strstr(fs.v[0].title, "ransomware"));
		CHECK(strstr(fs.v[0].remediation, "CISA") != NULL);
		CHECK_STR(fs.v[1].rule, "vulnerable-service");
		CHECK_INT(fs.v[1].severity, SEV_CRITICAL);
		CHECK_INT(fs.v[2].port, 21); /* vsftpd: critical, no KEV */
		CHECK_INT(fs.v[3].port, 22); /* Debian build: low confidence, at most medium */
		CHECK_INT(fs.v[3].confidence, CONF_LOW);
		CHECK(fs.v[3].severity <= SEV_MEDIUM);
		CHECK(strstr(fs.v[3].evidence, "\"distribution_build\":\"Debian-2+deb12u3\"") != NULL);
	}
	/* saved with the run and read back */
	int64_t run;
	CHECK_INT(store_run_begin(st, "scan", "", 1, &run, &e), 0);
	CHECK_INT(store_save_findings(st, run, &fs, &e), 0);
	struct findings back = { 0 };
	CHECK_INT(store_load_findings(st, run, &back, &e), 0);
	CHECK_INT(back.n, fs.n);
	if (back.n) CHECK_STR(back.v[0].title, fs.v[0].title);
	findings_release(&back);
	findings_release(&fs);
	vuln_matcher_release(&m);
	aliases_release(&al);
	resultset_release(&rs);
	store_close(st);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

SUITE(suite_vuln, "vuln", { "json_shapes", json_shapes }, { "configurations", configurations },
      { "config_briefs", config_briefs }, { "ranges", ranges }, { "real_records", real_records },
      { "scores_out_of_range", scores_out_of_range }, { "aliases_and_markers", aliases_and_markers },
      { "store_incremental", store_incremental }, { "store_briefs_added", store_briefs_added },
      { "rule_findings", rule_findings });

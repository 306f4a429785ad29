/* Site config, prefixes, interned names, hourly summaries and the traffic
 * rules on small hand-made flow sets. */
#include "test.h"
#include "analyze/traffic.h"
#include "analyze/episodes.h"
#include "analyze/allow-apply.h"
#include "analyze/traffic-util.h"
#include "analyze/traffic-state.h"
#include "analyze/traffic-state-save.h"
#include "base/keysort.h"
#include "base/strpool.h"
#include "model/flowset.h"
#include "model/site-config.h"
#include "net/cidr.h"
#include "store/store.h"
#include <stdlib.h>
#include <math.h>
#include <time.h>
#include <unistd.h>

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0) return NULL;
	if (write(fd, text, strlen(text)) < 0) path[0] = 0;
	close(fd);
	return path;
}

static int load(const char *text, struct site_config *c, struct dm_err *e)
{
	site_config_defaults(c);
	char *p = write_tmp(text);
	int r = site_config_load(c, p, e);
	unlink(p);
	return r;
}

static void test_cidr(void)
{
	struct cidr c;
	struct dm_err e = { "" };
	struct ipaddr a;
	CHECK_INT(cidr_parse("10.20.1.7/23", &c, &e), 0);
	char s[64];
	cidr_fmt(&c, s, sizeof(s));
	CHECK_STR(s, "10.20.0.0/23");
	ipaddr_parse("10.20.1.255", &a);
	CHECK(cidr_contains(&c, &a));
	ipaddr_parse("10.20.2.0", &a);
	CHECK(!cidr_contains(&c, &a));
	CHECK_INT(cidr_parse("fd00:1::/20", &c, &e), 0);
	ipaddr_parse("fd00:0fff::1", &a);
	CHECK(cidr_contains(&c, &a));
	ipaddr_parse("fd00:1000::1", &a);
	CHECK(!cidr_contains(&c, &a));
	CHECK(cidr_parse("10.0.0.0/33", &c, &e) < 0);
	CHECK(strstr(e.msg, "0-32") != NULL);
	CHECK(cidr_parse("10.0.0/8", &c, &e) < 0);
	CHECK(cidr_parse("/8", &c, &e) < 0);
	CHECK(cidr_parse("10.0.0.0/", &c, &e) < 0);
	struct cidr_list l = { 0 };
	CHECK_INT(cidr_list_parse(&l, "10.0.0.0/8, 192.168.1.0/24 ::1", "x", &e), 0);
	CHECK_INT(l.n, 3);
	cidr_list_release(&l);
}

static void test_config_keys(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	int r =
	    load("[site]\ntimezone = Asia/Shanghai\nbusiness_hours = 08:30-18:00\nbusiness_days = Mon-Fri\n"
		 "home_countries = cn, DE\ninternal = 10.0.0.0/8\n[usage]\nwindow_days = 0.5\n"
		 "[segment core]\ncidr = 10.20.0.0/24, 10.20.1.0/24\nprotected = yes\n[segment lab]\ncidr = "
		 "10.9.0.0/24\n",
		 &c, &e);
	CHECK_INT(r, 0);
	if (r) {
		printf("    %s\n", e.msg);
		return;
	}
	CHECK_INT(c.business_start, 510);
	CHECK_INT(c.business_end, 1080);
	CHECK_INT(c.business_days, 0x3e);
	CHECK_INT(c.n_home, 2);
	CHECK(site_is_home_country(&c, "CN") && site_is_home_country(&c, "de") &&
	      !site_is_home_country(&c, "US"));
	CHECK(c.window_days == 0.5);
	CHECK_INT(c.n_segments, 2);
	struct ipaddr a;
	ipaddr_parse("10.20.1.9", &a);
	const struct segment *s = site_segment_of(&c, &a, true);
	CHECK(s && !strcmp(s->name, "core"));
	ipaddr_parse("10.9.0.5", &a);
	CHECK(site_segment_of(&c, &a, true) == NULL && site_segment_of(&c, &a, false) != NULL);
	CHECK(site_is_internal(&c, &a));
	ipaddr_parse("192.168.1.1", &a); /* internal is set: private ranges outside it are not */
	CHECK(!site_is_internal(&c, &a));
	/* Monday 2026-11-16 08:29 and 08:30 in Shanghai (UTC+8), Saturday noon */
	CHECK(!site_is_business_time(&c, 1794758400.0 + 8 * 3600 + 29 * 60));
	CHECK(site_is_business_time(&c, 1794758400.0 + 8 * 3600 + 30 * 60));
	CHECK(!site_is_business_time(&c, 1794758400.0 + 5 * 86400 + 12 * 3600));
	site_config_release(&c);
	unsetenv("TZ");
}

static void test_config_errors(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "[site]\ncolour = blue\n", "line 2: unknown key \"colour\" in [site]" },
		{ "[site]\ntimezone = Mars/Olympus\n",
		  "line 2: timezone \"Mars/Olympus\": not in /usr/share/zoneinfo" },
		{ "[site]\nbusiness_hours = 8-18\n",
		  "line 2: business_hours \"8-18\": expected HH:MM-HH:MM" },
		{ "[site]\nbusiness_days = Mon-Fry\n", "line 2: business_days" },
		{ "[site]\nhome_countries = CHN\n", "line 2: home_countries \"CHN\"" },
		{ "[usage]\nwindow_days = -1\n", "line 2: window_days" },
		{ "[sight]\nx = 1\n", "line 2: unknown section [sight]" },
		{ "[segment core]\ncidr = 10.0.0.0/40\n",
		  "line 2: cidr: \"10.0.0.0/40\": prefix length must be 0-32" },
		{ "[segment core]\nprotected = maybe\n", "line 2: protected \"maybe\": expected yes or no" },
		{ "[segment core]\nprotected = yes\n", "[segment core] has no cidr" },
		{ "[site]\nthis is not ini\n", "line 2: not INI syntax" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct site_config c;
		struct dm_err e = { "" };
		CHECK(load(bad[i].text, &c, &e) < 0);
		if (!strstr(e.msg, bad[i].msg))
			test_fail(__FILE__, __LINE__, "\"%s\" does not hold \"%s\"", e.msg, bad[i].msg);
		site_config_release(&c);
	}
	struct site_config c;
	struct dm_err e = { "" };
	site_config_defaults(&c);
	CHECK(site_config_load(&c, "/nonexistent/dormant.conf", &e) < 0 &&
	      strstr(e.msg, "/nonexistent/dormant.conf"));
}

static void test_overnight_shift(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	CHECK_INT(load("[site]\ntimezone = UTC\nbusiness_hours = 22:00-06:00\nbusiness_days = Fri\n", &c, &e),
		  0);
	double fri = 1794758400.0 + 8 * 3600 + 4 * 86400;  /* Friday 2026-11-20 00:00 UTC */
	CHECK(site_is_business_time(&c, fri + 23 * 3600)); /* Friday 23:00 */
	CHECK(site_is_business_time(&c, fri + 29 * 3600)); /* Saturday 05:00, Friday's shift */
	CHECK(!site_is_business_time(&c, fri + 3 * 3600)); /* Friday 03:00 belongs to Thursday */
	site_config_release(&c);
	unsetenv("TZ");
}

static void test_strpool(void)
{
	struct strpool p;
	strpool_init(&p);
	char name[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "host%d.example", i);
		CHECK_INT(strpool_add(&p, name), i + 1);
	}
	CHECK_INT(strpool_add(&p, "host42.example"), 43);
	CHECK_STR(strpool_get(&p, 43), "host42.example");
	CHECK_INT(strpool_add(&p, ""), 0);
	CHECK_INT(strpool_add(&p, NULL), 0);
	CHECK(strpool_get(&p, 0) == NULL && strpool_get(&p, 99999) == NULL);
	strpool_release(&p);
}

static struct obs_flow mkflow(const char *src, const char *dst, uint16_t dport, double t, uint64_t up,
			      uint64_t down)
{
	struct obs_flow f = { .sport = 40000,
			      .dport = dport,
			      .proto = 6,
			      .start = t,
			      .end = t + 1,
			      .bytes_out = up,
			      .bytes_in = down,
			      .pkts_out = 5,
			      .pkts_in = 5,
			      .flags_out = 0x1b,
			      .flags_in = 0x1b,
			      .entropy = -1 };
	ipaddr_parse(src, &f.src);
	ipaddr_parse(dst, &f.dst);
	return f;
}

static bool country_by_first_octet(void *ctx, const struct ipaddr *a, char cc[3])
{
	(void)ctx;
	if (a->family != AF_INET || a->v4 >> 24 != 91) return false;
	memcpy(cc, "DE", 3);
	return true;
}

static void test_hours(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset fs;
	flowset_init(&fs);
	struct obs_flow f = mkflow("10.0.0.1", "91.0.0.1", 443, 7200.5, 100, 1000);
	f.sni = "a.example";
	flowset_add(&fs, &f);
	f = mkflow("10.0.0.1", "91.0.0.1", 443, 7300, 50, 500);
	f.sni = "b.example";
	flowset_add(&fs, &f);
	f = mkflow("10.0.0.2", "10.0.0.1", 22, 7400, 7, 9); /* internal: a row for each side */
	flowset_add(&fs, &f);
	flowset_annotate(&fs, &c, country_by_first_octet, NULL);
	struct flow_hour *h;
	size_t n = flowset_hours(&fs, &h);
	CHECK_INT(n, 3);
	CHECK_INT(h[0].hour, 2);
	CHECK_INT(h[1].flows, 2);
	CHECK_INT(h[1].bytes_up, 150);
	CHECK_INT(h[1].bytes_down, 1500);
	CHECK_STR(h[1].names, "a.example,b.example");
	CHECK_STR(h[1].cc, "DE");
	CHECK(!h[1].inbound && !h[1].peer_internal);
	CHECK(h[0].inbound && h[0].port == 22 && h[0].bytes_up == 9); /* 10.0.0.1 answering on 22 */
	CHECK(!h[2].inbound && h[2].peer_internal);
	free(h);
	flowset_release(&fs);
}

/* The cursor gives the rows a block of hosts at a time, a chunk at a
 * time, in the store's key order: chunks of one row, blocks of about one
 * side (the first empty, hosts below the first split), a flow with no
 * internal side; the same rows as flowset_hours. */
static void test_hours_cursor(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset fs;
	flowset_init(&fs);
	struct obs_flow f = mkflow("10.0.0.1", "91.0.0.1", 443, 5 * 3600 + 10, 100, 1000);
	flowset_add(&fs, &f);
	f = mkflow("91.0.0.7", "91.0.0.8", 80, 3 * 3600 + 5, 1, 1); /* no internal side */
	flowset_add(&fs, &f);
	f = mkflow("10.0.0.2", "10.0.0.1", 22, 2 * 3600 + 1, 7, 9);
	flowset_add(&fs, &f);
	f = mkflow("10.0.0.1", "91.0.0.1", 443, 5 * 3600 + 20, 50, 500);
	flowset_add(&fs, &f);
	flowset_annotate(&fs, &c, country_by_first_octet, NULL);
	struct flow_hours_cursor cur;
	flowset_hours_open_blocks(&fs, &cur, 1);
	CHECK_INT(cur.n_splits, 2);
	struct flow_hour got[4];
	size_t n = 0, m;
	while (n < 4 && (m = flowset_hours_next(&cur, &got[n], 1))) n += m;
	CHECK_INT(n, 3);
	CHECK_INT(cur.rows, 3);
	CHECK_INT(flowset_hours_next(&cur, got, 1), 0);
	flowset_hours_close(&cur);
	struct flow_hour *h;
	CHECK_INT(flowset_hours(&fs, &h), 3);
	for (size_t i = 0; i < 3; i++) CHECK(!memcmp(&got[i], &h[i], sizeof(got[i])));
	CHECK(got[0].hour == 2 && got[0].inbound && got[0].port == 22); /* 10.0.0.1 answering */
	CHECK(got[1].hour == 5 && got[1].flows == 2 && got[1].bytes_up == 150);
	CHECK(got[2].hour == 2 && !got[2].inbound && got[2].port == 22); /* 10.0.0.2 */
	free(h);
	flowset_release(&fs);
}

/* More hosts than a byte numbers blocks (one side a block asked): at most
 * 255 blocks, the same rows as flowset_hours. */
static void test_hours_cursor_many_blocks(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset fs;
	flowset_init(&fs);
	for (int i = 0; i < 700; i++) {
		char src[32];
		snprintf(src, sizeof(src), "10.0.%d.%d", (i * 7919) % 700 / 200, 1 + (i * 7919) % 700 % 200);
		struct obs_flow f = mkflow(src, "91.0.0.1", 443, 3600.0 * (i % 5), (uint64_t)i, 1);
		flowset_add(&fs, &f);
	}
	flowset_annotate(&fs, &c, country_by_first_octet, NULL);
	struct flow_hours_cursor cur;
	flowset_hours_open_blocks(&fs, &cur, 1);
	CHECK(cur.n_splits > 200 && cur.n_splits <= 254);
	struct flow_hour *h, *got = xmalloc(701 * sizeof(*got));
	size_t n = 0, m;
	while (n < 701 && (m = flowset_hours_next(&cur, &got[n], 3))) n += m;
	flowset_hours_close(&cur);
	CHECK_INT(flowset_hours(&fs, &h), 700);
	CHECK_INT(n, 700);
	for (size_t i = 0; i < 700 && i < n; i++) CHECK(!memcmp(&got[i], &h[i], sizeof(got[i])));
	for (size_t i = 1; i < n; i++) CHECK(ipaddr_cmp(&got[i - 1].host, &got[i].host) < 0);
	free(got);
	free(h);
	flowset_release(&fs);
}

/* What flow_is_failed, flow_is_continuation and flow_is_encrypted said when
 * the record kept the flags, counts and entropy (the oracle). */
static bool old_failed(const struct obs_flow *f)
{
	uint32_t pin = f->pkts_in > UINT32_MAX ? UINT32_MAX : (uint32_t)f->pkts_in;
	if (f->proto != 6) return false;
	if (pin == 0 && !f->bytes_in) return !(f->flags_out & 0x10);
	return (f->flags_in & 0x04) && !(f->flags_in & 0x02) && f->bytes_in <= 60u * pin;
}

static bool old_encrypted(const struct obs_flow *f)
{
	bool tls = f->app && (!strcmp(f->app, "tls") || !strcmp(f->app, "ssh"));
	if (tls) return true;
	if ((int16_t)f->entropy >= 0) return !f->app && f->entropy >= 70;
	if (f->app) return false;
	return f->dport == 443 || f->dport == 22 || f->dport == 993;
}

/* The record's 96 bytes and what lies beside it: counts (of a NetFlow
 * reply turned round, clamped), TLS and DNS fields of the flows that have
 * them (in v and det), and the decisions made from the fields not kept,
 * against the formulas over every combination tried. */
static void test_flowrec_sides(void)
{
	CHECK_INT(sizeof(struct flowrec), 96);
	struct flowset fs;
	flowset_init(&fs);
	struct obs_flow f = mkflow("10.0.0.1", "91.0.0.1", 443, 100, 10, 20);
	f.ja3 = "j3", f.ja4 = "j4", f.cert_hash = "c1", f.pkts_out = 7, f.pkts_in = 1ull << 40;
	flowset_add(&fs, &f);
	f = mkflow("10.0.0.2", "91.0.0.2", 80, 100, 10, 20); /* nothing extra */
	flowset_add(&fs, &f);
	f = mkflow("91.0.0.3", "10.0.0.3", 50000, 100, 300, 0); /* a reply: turned round */
	f.sport = 53, f.proto = 17, f.pkts_out = 3, f.pkts_in = 0, f.dns_query = "q.example",
	f.dns_qtype = 16;
	flowset_add(&fs, &f);
	f.detail = true;
	f.dns_query = "d.example";
	flowset_add(&fs, &f);
	CHECK_INT(fs.n, 3);
	CHECK_INT(fs.n_det, 1);
	CHECK_INT(flowset_pkts(&fs, &fs.v[0]).out, 7);
	CHECK_INT(flowset_pkts(&fs, &fs.v[0]).in, UINT32_MAX);
	CHECK_STR(flowset_str(&fs, flowset_extra(&fs, &fs.v[0])->ja3), "j3");
	CHECK_STR(flowset_str(&fs, flowset_extra(&fs, &fs.v[0])->ja4), "j4");
	CHECK_STR(flowset_str(&fs, flowset_extra(&fs, &fs.v[0])->cert), "c1");
	CHECK_INT(flowset_extra(&fs, &fs.v[0])->query, 0);
	const struct flow_extra *x = flowset_extra(&fs, &fs.v[1]);
	CHECK(!x->ja3 && !x->ja4 && !x->cert && !x->query && !x->qtype);
	CHECK(fs.v[2].dport == 53 && fs.v[2].sport == 50000 && fs.v[2].bytes_in == 300);
	CHECK(flowset_pkts(&fs, &fs.v[2]).out == 0 && flowset_pkts(&fs, &fs.v[2]).in == 3);
	CHECK_STR(flowset_str(&fs, flowset_extra(&fs, &fs.v[2])->query), "q.example");
	CHECK_INT(flowset_extra(&fs, &fs.v[2])->qtype, 16);
	CHECK_STR(flowset_str(&fs, flowset_extra(&fs, &fs.det[0])->query), "d.example");
	CHECK_INT(flowset_pkts(&fs, &fs.det[0]).in, 3);
	flowset_release(&fs);

	static const uint8_t flags[] = { 0, 0x02, 0x04, 0x10, 0x12, 0x14, 0x06, 0x1b };
	static const uint64_t pkts[] = { 0, 1, 2, 1ull << 33 };
	static const uint64_t bytes[] = { 0, 60, 61, 120 };
	static const char *const apps[] = { NULL, "tls", "http" };
	static const int entropy[] = { -1, 69, 70 };
	static const uint16_t ports[] = { 443, 8080 };
	size_t tried = 0, wrong = 0;
	flowset_init(&fs);
	for (int proto = 6; proto <= 17; proto += 11)
		for (size_t a = 0; a < 8; a++)
			for (size_t b = 0; b < 8; b++)
				for (size_t p = 0; p < 4; p++)
					for (size_t y = 0; y < 4; y++)
						for (size_t k = 0; k < 3 * 3 * 2; k++) {
							f = mkflow("10.0.0.1", "91.0.0.1", ports[k % 2], 100,
								   10, bytes[y]);
							f.proto = (uint8_t)proto, f.flags_out = flags[a],
							f.flags_in = flags[b];
							f.pkts_in = pkts[p], f.app = apps[k / 2 % 3],
							f.entropy = entropy[k / 6];
							const struct flowrec *r = flowset_add(&fs, &f);
							bool cont = proto == 6 && (flags[a] | flags[b]) &&
								    !(flags[a] & 0x02);
							wrong += flow_is_failed(r) != old_failed(&f) ||
								 flow_is_encrypted(r) != old_encrypted(&f) ||
								 flow_is_continuation(r) != cont;
							tried++;
						}
	CHECK_INT(wrong, 0);
	CHECK(tried > 9000);
	flowset_release(&fs);
}

/* One host beacons every 300 s with 30% jitter and 10% missed beats to one
 * name behind changing addresses; another visits the same number of times
 * at random: only the first is a beacon. */
static void test_beacon_rule(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset fs;
	flowset_init(&fs);
	srand(7);
	double t = 1e9;
	for (int i = 0; i < 100; i++) {
		t += 300 * (1 + 0.3 * (2.0 * rand() / RAND_MAX - 1));
		if (rand() % 10 == 0) continue;
		char dst[32];
		snprintf(dst, sizeof(dst), "91.0.%d.%d", i / 200, 1 + i % 200);
		struct obs_flow f = mkflow("10.0.0.5", dst, 443, t, 400, 1200);
		f.sni = "c2.example";
		flowset_add(&fs, &f);
	}
	t = 1e9;
	for (int i = 0; i < 90; i++) {
		t += -300 * log((rand() + 1.0) / ((double)RAND_MAX + 2));
		struct obs_flow f = mkflow("10.0.0.6", "91.1.1.1", 443, t, 400, 1200);
		flowset_add(&fs, &f);
	}
	flowset_annotate(&fs, &c, country_by_first_octet, NULL);
	struct traffic_input in = { &c, &fs, NULL };
	struct findings out = { 0 };
	CHECK_INT(analyze_traffic(&in, "beacon", &out), 0);
	CHECK_INT(out.n, 1);
	if (out.n) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&out.v[0].ip, ip, sizeof(ip));
		CHECK_STR(ip, "10.0.0.5");
		CHECK(strstr(out.v[0].title, "c2.example:443") != NULL);
		CHECK(strstr(out.v[0].evidence, "\"addresses_total\":") != NULL);
	}
	findings_release(&out);
	flowset_release(&fs);
}

#define MON0 1794787200.0 /* Monday 2026-11-16 00:00 UTC */

static void add_named(struct flowset *fs, const char *src, const char *dst, const char *name, double t,
		      double up, double down)
{
	struct obs_flow f = mkflow(src, dst, 443, t, (uint64_t)up, (uint64_t)down);
	f.sni = name;
	flowset_add(fs, &f);
}

/* Office-hours browsing on business days: visits at random moments. */
static void add_browsing(struct flowset *fs, const char *src, int days)
{
	for (int d = 0; d < days; d++) {
		if (d % 7 >= 5) continue;
		for (int k = 0; k < 30; k++) {
			char name[64], dst[32];
			int site = rand() % 40;
			snprintf(name, sizeof(name), "www.site%d.example", site);
			snprintf(dst, sizeof(dst), "80.0.0.%d", 1 + site);
			add_named(fs, src, dst, name,
				  MON0 + d * 86400.0 + 9 * 3600 + 8 * 3600.0 * rand() / RAND_MAX, 2e4, 5e5);
		}
	}
}

static bool country_cn_de(void *ctx, const struct ipaddr *a, char cc[3])
{
	(void)ctx;
	if (a->family != AF_INET) return false;
	unsigned o = a->v4 >> 24;
	memcpy(cc, o == 101 ? "CN" : o == 91 ? "DE" : "US", 3);
	return true;
}

static const struct finding *finding_of(const struct findings *out, const char *ip)
{
	for (size_t i = 0; i < out->n; i++) {
		char s[IPADDR_STRLEN];
		ipaddr_fmt(&out->v[i].ip, s, sizeof(s));
		if (!strcmp(s, ip)) return &out->v[i];
	}
	return NULL;
}

/* Busy browsers open dozens of one-off sessions a day whose shapes fall
 * into a few common cells: six alike in a day is chance, not rotation. A
 * host that also sends ten sessions of one rare shape to ten addresses in
 * an evening is rotating. */
static void test_rotating_chance(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset fs;
	flowset_init(&fs);
	srand(5);
	for (int h = 0; h < 20; h++)
		for (int d = 0; d < 5; d++)
			for (int k = 0; k < 40; k++) {
				char src[32], dst[32];
				snprintf(src, sizeof(src), "10.0.1.%d", 10 + h);
				snprintf(dst, sizeof(dst), "80.%d.%d.%d", h, d, k + 1);
				double u = 2.7 + 1.8 * rand() / RAND_MAX, w = 3.7 + 2.8 * rand() / RAND_MAX;
				struct obs_flow f =
				    mkflow(src, dst, 443,
					   MON0 + d * 86400.0 + 9 * 3600 + 8 * 3600.0 * rand() / RAND_MAX,
					   (uint64_t)pow(10, u), (uint64_t)pow(10, w));
				flowset_add(&fs, &f);
			}
	for (int k = 0; k < 10; k++) {
		char dst[32];
		snprintf(dst, sizeof(dst), "185.%d.7.%d", 10 + k, 20 + k);
		struct obs_flow f = mkflow("10.0.1.15", dst, 8443,
					   MON0 + 2 * 86400.0 + 19 * 3600 + k * 1800.0, (uint64_t)(880 + k),
					   1600);
		flowset_add(&fs, &f);
	}
	flowset_annotate(&fs, &c, NULL, NULL);
	struct traffic_input in = { &c, &fs, NULL };
	struct findings out = { 0 };
	CHECK_INT(analyze_traffic(&in, "rotating-destinations", &out), 0);
	CHECK_INT(out.n, 1);
	const struct finding *f = finding_of(&out, "10.0.1.15");
	CHECK(f != NULL);
	if (f) CHECK(strstr(f->title, "to 10 different addresses") != NULL);
	findings_release(&out);
	flowset_release(&fs);
}

/* Ten sessions of one rare shape to ten addresses, one every half hour:
 * each hour alone holds two, under six; judged an hour at a time with the
 * state the day's sessions make one cluster, found from the hour of the
 * sixth, as the whole input finds it, and no browser with it. */
static void test_rotating_stream(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset all, hour[3 * 24];
	flowset_init(&all);
	for (int h = 0; h < 3 * 24; h++) flowset_init(&hour[h]);
	srand(5);
	for (int k = 0; k < 20 * 3 * 40 + 10; k++) {
		char src[32], dst[32];
		struct obs_flow f;
		if (k < 20 * 3 * 40) { /* 20 browsers, 40 one-off visits a day */
			int h = k / 120, d = k / 40 % 3;
			snprintf(src, sizeof(src), "10.0.1.%d", 10 + h);
			snprintf(dst, sizeof(dst), "80.%d.%d.%d", h, d, k % 40 + 1);
			double u = 2.7 + 1.8 * rand() / RAND_MAX, w = 3.7 + 2.8 * rand() / RAND_MAX;
			f = mkflow(src, dst, 443,
				   MON0 + d * 86400.0 + 9 * 3600 + 8 * 3600.0 * rand() / RAND_MAX,
				   (uint64_t)pow(10, u), (uint64_t)pow(10, w));
		} else {
			int j = k - 20 * 3 * 40;
			snprintf(dst, sizeof(dst), "185.%d.7.%d", 10 + j, 20 + j);
			f = mkflow("10.0.1.15", dst, 8443, MON0 + 2 * 86400.0 + 19 * 3600 + j * 1800.0 + 60,
				   (uint64_t)(880 + j), 1600);
		}
		flowset_add(&all, &f);
		flowset_add(&hour[(int)((f.start - MON0) / 3600)], &f);
	}
	flowset_annotate(&all, &c, NULL, NULL);
	struct findings whole = { 0 }, alone = { 0 }, carried = { 0 };
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "rotating-destinations", &whole), 0);
	CHECK_INT(whole.n, 1);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	int first = -1;
	for (int h = 0; h < 3 * 24; h++) {
		if (!hour[h].n) continue;
		flowset_annotate(&hour[h], &c, NULL, NULL);
		struct traffic_input hin = { &c, &hour[h], NULL };
		CHECK_INT(analyze_traffic(&hin, "rotating-destinations", &alone), 0);
		size_t before = carried.n;
		hin.state = st;
		CHECK_INT(analyze_traffic(&hin, "rotating-destinations", &carried), 0);
		if (carried.n > before && first < 0) first = h;
		traffic_state_update(st, &hin);
	}
	CHECK_INT(alone.n, 0);
	CHECK_INT(first, 2 * 24 + 21); /* the sixth session, 21:31 */
	for (size_t i = 0; i < carried.n; i++) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&carried.v[i].ip, ip, sizeof(ip));
		CHECK_STR(ip, "10.0.1.15");
	}
	if (carried.n) CHECK(strstr(carried.v[carried.n - 1].title, "to 10 different addresses") != NULL);
	traffic_state_free(st);
	findings_release(&whole);
	findings_release(&alone);
	findings_release(&carried);
	flowset_release(&all);
	for (int h = 0; h < 3 * 24; h++) flowset_release(&hour[h]);
}

/* A C2 of the night, 02:00-06:30: ten sessions of one shape to ten
 * addresses before any other host opened a session, so the day so far
 * holds none of the site's to call the shape rare. Judged an hour at a
 * time it is found once the browsers' morning sessions show the shape is
 * not the site's, as the whole day judged at once finds it; once, and no
 * browser with it. Saved and restored between the hours, the same. */
static void test_rotating_night(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset all, hour[24];
	flowset_init(&all);
	for (int h = 0; h < 24; h++) flowset_init(&hour[h]);
	srand(7);
	for (int k = 0; k < 20 * 40 + 10; k++) {
		char src[32], dst[32];
		struct obs_flow f;
		if (k < 20 * 40) { /* 20 browsers, 40 one-off visits, 09:00-17:00 */
			snprintf(src, sizeof(src), "10.0.1.%d", 10 + k / 40);
			snprintf(dst, sizeof(dst), "80.%d.0.%d", k / 40, k % 40 + 1);
			double u = 2.7 + 1.8 * rand() / RAND_MAX, w = 3.7 + 2.8 * rand() / RAND_MAX;
			f = mkflow(src, dst, 443, MON0 + 9 * 3600 + 8 * 3600.0 * rand() / RAND_MAX,
				   (uint64_t)pow(10, u), (uint64_t)pow(10, w));
		} else {
			int j = k - 20 * 40;
			snprintf(dst, sizeof(dst), "185.%d.7.%d", 10 + j, 20 + j);
			f = mkflow("10.0.1.5", dst, 8443, MON0 + 2 * 3600 + j * 1800.0 + 60,
				   (uint64_t)(880 + j), 1600);
		}
		flowset_add(&all, &f);
		flowset_add(&hour[(int)((f.start - MON0) / 3600)], &f);
	}
	flowset_annotate(&all, &c, NULL, NULL);
	struct findings whole = { 0 }, carried = { 0 }, restored = { 0 };
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "rotating-destinations", &whole), 0);
	CHECK_INT(whole.n, 1);
	if (whole.n) CHECK(finding_of(&whole, "10.0.1.5") != NULL);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	struct traffic_state *sv = traffic_state_new(TRAFFIC_STATE_WINDOW);
	int first = -1;
	for (int h = 0; h < 24; h++) {
		if (!hour[h].n) continue;
		flowset_annotate(&hour[h], &c, NULL, NULL);
		struct traffic_input hin = { &c, &hour[h], NULL };
		hin.state = st;
		size_t before = carried.n;
		CHECK_INT(analyze_traffic(&hin, "rotating-destinations", &carried), 0);
		if (carried.n > before && first < 0) first = h;
		traffic_state_update(st, &hin);
		struct buf b = BUF_INIT; /* the other state saved and read back each hour */
		struct dm_err e = { "" };
		CHECK_INT(traffic_state_encode(sv, &b), 0);
		traffic_state_free(sv);
		sv = NULL;
		CHECK_INT(traffic_state_decode(b.data, b.len, &sv, &e), 0);
		buf_release(&b);
		if (!sv) break;
		hin.state = sv;
		CHECK_INT(analyze_traffic(&hin, "rotating-destinations", &restored), 0);
		traffic_state_update(sv, &hin);
	}
	CHECK_INT(carried.n, 1);
	CHECK_INT(restored.n, 1);
	CHECK(first >= 9); /* not before the browsers' first sessions */
	if (carried.n) {
		CHECK(finding_of(&carried, "10.0.1.5") != NULL);
		CHECK(strstr(carried.v[0].title, "to 10 different addresses") != NULL);
	}
	traffic_state_free(st);
	traffic_state_free(sv);
	findings_release(&whole);
	findings_release(&carried);
	findings_release(&restored);
	flowset_release(&all);
	for (int h = 0; h < 24; h++) flowset_release(&hour[h]);
}

static void add_udp(struct flowset *fs, const char *src, const char *dst, uint16_t port, double t)
{
	struct obs_flow f = mkflow(src, dst, port, t, 60, 60);
	f.proto = 17;
	f.flags_out = f.flags_in = 0;
	flowset_add(fs, &f);
}

/* A device that keeps its clock in sync through nine quiet days and then
 * opens a shell into the core woke up; a laptop away for nine days that
 * looks up its first site just before browsing came back. */
/* Judged an hour at a time with a store of the hours' own traffic: a
 * server with NTP chatter through nine quiet days that opens a session
 * woke; a laptop away as long (no chatter) is back, as the whole input
 * tells them. Without the state's chatter both silences reach back before
 * the hour and both are taken as idleness. */
static void test_idle_stream_chatter(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset h0, chat[8], wake;
	flowset_init(&h0);
	flowset_init(&wake);
	for (int k = 0; k < 2; k++) {
		const char *host = k ? "10.0.2.51" : "10.0.2.50";
		struct obs_flow f = mkflow(host, "80.0.0.9", 443, MON0 + 10 * 3600 + k, 2e3, 5e5);
		flowset_add(&h0, &f);
		f = mkflow(host, "80.0.0.9", 443, MON0 + 9 * 86400.0 + 10 * 3600 + k, 2e3, 5e5);
		flowset_add(&wake, &f);
	}
	for (int d = 0; d < 8; d++) {
		flowset_init(&chat[d]);
		add_udp(&chat[d], "10.0.2.50", "91.189.89.198", 123, MON0 + (d + 1) * 86400.0 + 10 * 3600);
	}
	flowset_annotate(&h0, &c, NULL, NULL);
	flowset_annotate(&wake, &c, NULL, NULL);
	char path[256];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-idle-%d.db", (int)getpid());
	unlink(path);
	struct store *st = NULL;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	struct flow_hour *h;
	size_t nh = flowset_hours(&h0, &h);
	bool known = true;
	CHECK_INT(store_flow_save_hours(st, 1, "h0", h, nh, &known, &e), 0);
	free(h);
	struct traffic_state *ts = traffic_state_new(TRAFFIC_STATE_WINDOW);
	struct traffic_input in = { &c, &h0, st };
	in.state = ts;
	traffic_state_update(ts, &in);
	for (int d = 0; d < 8; d++) {
		flowset_annotate(&chat[d], &c, NULL, NULL);
		in.flows = &chat[d];
		traffic_state_update(ts, &in);
	}
	struct findings without = { 0 }, with = { 0 };
	in.flows = &wake;
	in.state = NULL;
	CHECK_INT(analyze_traffic(&in, "idle-device-active", &without), 0);
	CHECK_INT(without.n, 2);
	in.state = ts;
	CHECK_INT(analyze_traffic(&in, "idle-device-active", &with), 0);
	CHECK_INT(with.n, 1);
	CHECK(finding_of(&with, "10.0.2.50") != NULL);
	traffic_state_free(ts);
	findings_release(&without);
	findings_release(&with);
	store_close(st);
	unlink(path);
	flowset_release(&h0);
	flowset_release(&wake);
	for (int d = 0; d < 8; d++) flowset_release(&chat[d]);
}

static void test_idle_arrival(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset fs;
	flowset_init(&fs);
	for (double t = MON0; t < MON0 + 10 * 86400.0; t += 6 * 3600)
		add_udp(&fs, "10.0.2.50", "91.189.89.198", 123, t);
	struct obs_flow f = mkflow("10.0.2.50", "10.0.5.10", 22, MON0 + 9 * 86400.0 + 3600, 4000, 6000);
	flowset_add(&fs, &f);
	for (int d = 0; d < 10; d += 9)
		for (int k = 0; k < 5; k++) {
			double t = MON0 + d * 86400.0 + 9 * 3600 + k * 600;
			add_udp(&fs, "10.0.2.51", "10.0.0.2", 53, t - 0.05);
			f = mkflow("10.0.2.51", "80.0.0.9", 443, t, 2e3, 5e5);
			flowset_add(&fs, &f);
		}
	flowset_annotate(&fs, &c, NULL, NULL);
	struct traffic_input in = { &c, &fs, NULL };
	struct findings out = { 0 };
	CHECK_INT(analyze_traffic(&in, "idle-device-active", &out), 0);
	CHECK_INT(out.n, 1);
	CHECK(finding_of(&out, "10.0.2.50") != NULL);
	findings_release(&out);
	flowset_release(&fs);
}

/* Daily, business-day and weekly jobs are one routine finding at info, a
 * Sunday full backup measured against the Sunday before; browsing at random
 * moments is no job; a first Sunday ten times the nightly run is abnormal. */
static void test_scheduled_schedules(void)
{
	struct site_config c;
	site_config_defaults(&c);
	setenv("TZ", "UTC", 1); /* the site's zone is the process's */
	tzset();
	struct flowset fs;
	flowset_init(&fs);
	srand(11);
	for (int d = 0; d < 14; d++) {
		double day0 = MON0 + d * 86400.0;
		add_named(&fs, "10.0.0.7", "45.0.0.1", "av.example", day0 + 1 * 3600 + 20 * 60 + d % 3 * 60,
			  3e3, 8e6);
		add_named(&fs, "10.0.0.7", "101.0.0.2", "vault.example", day0 + 2 * 3600 + d % 5 * 60,
			  d % 7 == 6 ? 1.2e9 : 1e8, 2e5);
		if (d % 7 < 5)
			add_named(&fs, "10.0.0.7", "101.0.0.3", "erp.example",
				  day0 + 7 * 3600 + 10 * 60 + d % 4 * 60, 5e7, 1e5);
		if (d % 7 == 6)
			add_named(&fs, "10.0.0.7", "52.0.0.4", "inventory.example",
				  day0 + 3.5 * 3600 + d % 2 * 60, 2e6, 2e4);
		if (d < 7)
			add_named(&fs, "10.0.0.8", "101.0.0.2", "vault.example", day0 + 2 * 3600 + d % 5 * 60,
				  d == 6 ? 1.2e9 : 1e8, 2e5);
	}
	add_browsing(&fs, "10.0.0.7", 14);
	flowset_annotate(&fs, &c, NULL, NULL);
	struct traffic_input in = { &c, &fs, NULL };
	struct findings out = { 0 };
	CHECK_INT(analyze_traffic(&in, "scheduled-transfer", &out), 0);
	CHECK_INT(out.n, 2);
	const struct finding *f = finding_of(&out, "10.0.0.7");
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(f->severity, SEV_INFO);
		CHECK_INT((int)f->score, 4);
		CHECK(strstr(f->title, "av.example daily 01:2") != NULL);
		CHECK(strstr(f->title, "erp.example business days 07:1") != NULL);
		CHECK(strstr(f->title, "inventory.example Sun 03:3") != NULL);
		CHECK(strstr(f->title, "vault.example daily 02:0") != NULL);
		CHECK(strstr(f->evidence, "\"schedule\":\"weekly\",\"weekday\":\"Sun\"") != NULL);
		CHECK(strstr(f->evidence, "www.site") == NULL);
		CHECK(strstr(f->title, "abnormal") == NULL);
	}
	f = finding_of(&out, "10.0.0.8");
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(f->severity, SEV_MEDIUM);
		CHECK(strstr(f->title, "its latest run sent far more than its own history") != NULL);
	}
	findings_release(&out);
	flowset_release(&fs);
}

/* A Sunday full backup at the nightly backup's hour: to the home cloud it is
 * routine, on the first Sunday (judged by where it goes) and on the second
 * (against the first); to a foreign destination one host uses, the first
 * Sunday is an upload to a routine destination ten times its usual, and
 * the second is the host's normal Sunday. */
static void test_exfil_weekly_backup(void)
{
	struct site_config c;
	site_config_defaults(&c);
	memcpy(c.home[0], "CN", 3);
	c.n_home = 1;
	setenv("TZ", "UTC", 1);
	tzset();
	struct flowset fs;
	flowset_init(&fs);
	for (int d = 0; d < 14; d++) {
		double day0 = MON0 + d * 86400.0;
		add_named(&fs, "10.0.0.9", "101.0.0.2", "vault.example", day0 + 2 * 3600 + d % 5 * 60,
			  d % 7 == 6 ? 1.2e9 : 1e8, 2e5);
		add_named(&fs, "10.0.0.10", "91.0.0.2", "drop.example", day0 + 2 * 3600 + d % 5 * 60,
			  d % 7 == 6 ? 1e9 : 5e6, 2e5);
	}
	flowset_annotate(&fs, &c, country_cn_de, NULL);
	struct traffic_input in = { &c, &fs, NULL };
	struct findings out = { 0 };
	CHECK_INT(analyze_traffic(&in, "exfil-volume", &out), 0);
	CHECK_INT(out.n, 1);
	const struct finding *f = finding_of(&out, "10.0.0.10");
	CHECK(f != NULL);
	if (f) {
		CHECK(strstr(f->title,
			     "Upload of 1.0 GB in 1 hours to a routine destination, 200x its usual at "
			     "this hour (5.0 MB)") != NULL);
		CHECK_INT((int64_t)f->first_seen, (int64_t)(MON0 + 6 * 86400.0 + 2 * 3600));
	}
	findings_release(&out);
	flowset_release(&fs);
}

static int count_peer_hour(void *ctx, int64_t hour, const struct ipaddr *peer, const char *names, uint64_t up)
{
	(void)hour;
	(void)peer;
	size_t *n = ctx;
	*n += names && !strcmp(names, "drop.example") && up >= 5000000;
	return 0;
}

/* A foreign weekly backup's first week is in the store: the second week's
 * Sunday is measured against the stored Sunday, so it is no alarm, while
 * the same week alone has no Sunday before and is one. */
static void test_exfil_history_per_destination(void)
{
	struct site_config c;
	site_config_defaults(&c);
	memcpy(c.home[0], "CN", 3);
	c.n_home = 1;
	setenv("TZ", "UTC", 1);
	tzset();
	struct flowset week[2];
	for (int w = 0; w < 2; w++) {
		flowset_init(&week[w]);
		for (int d = 7 * w; d < 7 * w + 7; d++) {
			double day0 = MON0 + d * 86400.0;
			add_named(&week[w], "10.0.0.10", "91.0.0.2", "drop.example",
				  day0 + 2 * 3600 + d % 5 * 60, d % 7 == 6 ? 1e9 : 5e6, 2e5);
			add_named(&week[w], "10.0.0.11", "45.0.0.9", "other.example", day0 + 2 * 3600, 1e5,
				  2e5);
		}
		flowset_annotate(&week[w], &c, country_cn_de, NULL);
	}
	char path[256];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-exfil-%d.db", (int)getpid());
	unlink(path);
	struct store *st = NULL;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	struct flow_hour *h;
	size_t nh = flowset_hours(&week[0], &h);
	bool known = true;
	CHECK_INT(store_flow_save_hours(st, 1, "week0", h, nh, &known, &e), 0);
	free(h);
	CHECK(!known);
	/* the stored hours of one host, to each peer */
	size_t rows = 0;
	struct ipaddr host;
	ipaddr_parse("10.0.0.10", &host);
	CHECK_INT(store_flow_host_peer_hours(st, &host, MON0, MON0 + 7 * 86400.0, count_peer_hour, &rows, &e),
		  0);
	CHECK_INT(rows, 7);

	struct findings out = { 0 };
	struct traffic_input in = { &c, &week[1], st };
	CHECK_INT(analyze_traffic(&in, "exfil-volume", &out), 0);
	CHECK_INT(out.n, 0);
	findings_release(&out);
	in.store = NULL;
	CHECK_INT(analyze_traffic(&in, "exfil-volume", &out), 0);
	CHECK_INT(out.n, 1);
	findings_release(&out);
	store_close(st);
	unlink(path);
	for (int w = 0; w < 2; w++) flowset_release(&week[w]);
}

/* Judged an hour at a time (the watch), a destination five hosts used the
 * hour before is common: the one host sending 30 MB to it now is not an
 * upload to a rare destination, as it is when the hour stands alone. The
 * state keeps pairs of the window only. */
static void test_exfil_stream_prevalence(void)
{
	struct site_config c;
	site_config_defaults(&c);
	memcpy(c.home[0], "CN", 3);
	c.n_home = 1;
	struct flowset h1, h2;
	flowset_init(&h1);
	flowset_init(&h2);
	for (int k = 1; k <= 5; k++) {
		char src[32];
		snprintf(src, sizeof(src), "10.0.0.%d", k);
		add_named(&h1, src, "91.0.0.50", "cloud.example", MON0 + 9 * 3600 + k * 60, 2e5, 1e6);
	}
	add_named(&h2, "10.0.0.9", "91.0.0.51", "cloud.example", MON0 + 10 * 3600 + 60, 3e7, 1e5);
	flowset_annotate(&h1, &c, country_cn_de, NULL);
	flowset_annotate(&h2, &c, country_cn_de, NULL);
	struct findings alone = { 0 }, carried = { 0 };
	struct traffic_input in2 = { &c, &h2, NULL };
	CHECK_INT(analyze_traffic(&in2, "exfil-volume", &alone), 0);
	CHECK_INT(alone.n, 1);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	struct traffic_input in1 = { &c, &h1, NULL, .state = st };
	traffic_state_update(st, &in1);
	CHECK_INT(traffic_state_pairs(st), 5);
	in2.state = st;
	CHECK_INT(analyze_traffic(&in2, "exfil-volume", &carried), 0);
	CHECK_INT(carried.n, 0);
	traffic_state_update(st, &in2);
	CHECK_INT(traffic_state_pairs(st), 6);
	/* three weeks on: the first hours' pairs have left the window */
	struct flowset h3;
	flowset_init(&h3);
	add_named(&h3, "10.0.0.9", "91.0.0.51", "cloud.example", MON0 + 21 * 86400.0, 1e3, 1e3);
	flowset_annotate(&h3, &c, country_cn_de, NULL);
	struct traffic_input in3 = { &c, &h3, NULL, .state = st };
	traffic_state_update(st, &in3);
	CHECK_INT(traffic_state_pairs(st), 1);
	traffic_state_free(st);
	findings_release(&alone);
	findings_release(&carried);
	flowset_release(&h1);
	flowset_release(&h2);
	flowset_release(&h3);
}

/* A slow upload (15 MB an hour, under the hourly figure) judged an hour at
 * a time: the state adds the day's hours, so the day is reported once, in
 * the hour it passes 50 MB, as the whole input reports it; each hour alone
 * reports nothing. */
static void test_exfil_stream_slow_day(void)
{
	struct site_config c;
	site_config_defaults(&c);
	memcpy(c.home[0], "CN", 3);
	c.n_home = 1;
	setenv("TZ", "UTC", 1);
	tzset();
	struct flowset all, hour[24 * 6];
	flowset_init(&all);
	for (int h = 0; h < 24 * 6; h++) flowset_init(&hour[h]);
	srand(7);
	for (int d = 0; d < 6; d++)
		for (int k = 0; k < 20; k++) { /* office-hours browsing, small uploads */
			char name[64], dst[32];
			int site = rand() % 40, h = 9 + k % 8;
			snprintf(name, sizeof(name), "www.site%d.example", site);
			snprintf(dst, sizeof(dst), "80.0.0.%d", 1 + site);
			double t = MON0 + d * 86400.0 + h * 3600 + k * 60;
			add_named(&all, "10.0.0.21", dst, name, t, 2e4, 5e5);
			add_named(&hour[d * 24 + h], "10.0.0.21", dst, name, t, 2e4, 5e5);
		}
	for (int h = 9; h < 15; h++) {
		struct obs_flow f = mkflow("10.0.0.21", "91.0.0.80", 443, MON0 + 5 * 86400.0 + h * 3600 + 600,
					   15000000, 20000);
		flowset_add(&all, &f);
		flowset_add(&hour[5 * 24 + h], &f);
	}
	flowset_annotate(&all, &c, country_cn_de, NULL);
	struct findings whole = { 0 }, alone = { 0 }, carried = { 0 };
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "exfil-volume", &whole), 0);
	CHECK_INT(whole.n, 1);
	if (whole.n) CHECK(strstr(whole.v[0].title, "in 1 days") != NULL);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	int crossed = 0;
	for (int h = 0; h < 24 * 6; h++) {
		if (!hour[h].n) continue;
		flowset_annotate(&hour[h], &c, country_cn_de, NULL);
		struct traffic_input hin = { &c, &hour[h], NULL };
		CHECK_INT(analyze_traffic(&hin, "exfil-volume", &alone), 0);
		size_t before = carried.n;
		hin.state = st;
		CHECK_INT(analyze_traffic(&hin, "exfil-volume", &carried), 0);
		if (carried.n > before) crossed = h;
		traffic_state_update(st, &hin);
	}
	CHECK_INT(alone.n, 0);
	CHECK_INT(carried.n, 1);
	if (carried.n) CHECK(strstr(carried.v[0].title, "Upload of 60.2 MB in 1 days") != NULL);
	CHECK_INT(crossed, 5 * 24 + 12); /* the fourth hour of 15 MB */
	traffic_state_free(st);
	findings_release(&whole);
	findings_release(&alone);
	findings_release(&carried);
	flowset_release(&all);
	for (int h = 0; h < 24 * 6; h++) flowset_release(&hour[h]);
}

/* A watcher started again: the destinations' hosts of the hours before it
 * come from the store's hourly summaries, so the one host sending 30 MB to
 * the destination five used before the restart is not alone. */
static void test_exfil_stream_seed(void)
{
	struct site_config c;
	site_config_defaults(&c);
	memcpy(c.home[0], "CN", 3);
	c.n_home = 1;
	struct flowset h1, h2;
	flowset_init(&h1);
	flowset_init(&h2);
	for (int k = 1; k <= 5; k++) {
		char src[32];
		snprintf(src, sizeof(src), "10.0.0.%d", k);
		add_named(&h1, src, "91.0.0.50", "cloud.example", MON0 + 9 * 3600 + k * 60, 2e5, 1e6);
	}
	add_named(&h2, "10.0.0.9", "91.0.0.51", "cloud.example", MON0 + 30 * 3600 + 60, 3e7, 1e5);
	flowset_annotate(&h1, &c, country_cn_de, NULL);
	flowset_annotate(&h2, &c, country_cn_de, NULL);
	char path[256];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-seed-%d.db", (int)getpid());
	unlink(path);
	struct store *st = NULL;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	struct flow_hour *h;
	size_t nh = flowset_hours(&h1, &h);
	bool known = true;
	CHECK_INT(store_flow_save_hours(st, 1, "h1", h, nh, &known, &e), 0);
	free(h);
	struct traffic_state *ts = traffic_state_new(TRAFFIC_STATE_WINDOW);
	CHECK_INT(traffic_state_seed(ts, st, h2.first, &e), 0);
	CHECK_INT(traffic_state_pairs(ts), 5);
	struct findings unseeded = { 0 }, seeded = { 0 };
	struct traffic_input in = { &c, &h2, st };
	CHECK_INT(analyze_traffic(&in, "exfil-volume", &unseeded), 0);
	CHECK_INT(unseeded.n, 1);
	in.state = ts;
	CHECK_INT(analyze_traffic(&in, "exfil-volume", &seeded), 0);
	CHECK_INT(seeded.n, 0);
	traffic_state_free(ts);
	findings_release(&unseeded);
	findings_release(&seeded);
	store_close(st);
	unlink(path);
	flowset_release(&h1);
	flowset_release(&h2);
}

/* A beacon every 30 minutes (jitter 20%) over 12 hours: each hour alone
 * holds two beats, too few; judged an hour at a time with the state its
 * beats make one series, found from the hours that bring eight, as the
 * whole input finds it; random visits of another host stay unfound. */
static void test_beacon_stream_beats(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset all, hour[14];
	flowset_init(&all);
	for (int h = 0; h < 14; h++) flowset_init(&hour[h]);
	srand(11);
	const double t0 = 1794787200.0; /* an hour's start */
	double t = t0;
	for (int i = 0; i < 24; i++) {
		t += 1800 * (1 + 0.2 * (2.0 * rand() / RAND_MAX - 1));
		if (t >= t0 + 14 * 3600) break;
		struct obs_flow f = mkflow("10.0.0.5", "91.0.0.7", 443, t, 400, 1200);
		f.sni = "c2.example";
		flowset_add(&all, &f);
		flowset_add(&hour[(int)((t - t0) / 3600)], &f);
	}
	t = t0;
	for (int i = 0; i < 24; i++) {
		t += -1800 * log((rand() + 1.0) / ((double)RAND_MAX + 2));
		if (t >= t0 + 14 * 3600) break;
		struct obs_flow f = mkflow("10.0.0.6", "91.1.1.1", 443, t, 400, 1200);
		flowset_add(&all, &f);
		flowset_add(&hour[(int)((t - t0) / 3600)], &f);
	}
	flowset_annotate(&all, &c, country_by_first_octet, NULL);
	struct findings whole = { 0 }, alone = { 0 }, carried = { 0 };
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "beacon", &whole), 0);
	CHECK_INT(whole.n, 1);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	for (int h = 0; h < 14; h++) {
		if (!hour[h].n) continue;
		flowset_annotate(&hour[h], &c, country_by_first_octet, NULL);
		struct traffic_input hin = { &c, &hour[h], NULL };
		CHECK_INT(analyze_traffic(&hin, "beacon", &alone), 0);
		hin.state = st;
		CHECK_INT(analyze_traffic(&hin, "beacon", &carried), 0);
		traffic_state_update(st, &hin);
	}
	CHECK_INT(alone.n, 0);
	CHECK(carried.n >= 1);
	for (size_t i = 0; i < carried.n; i++) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&carried.v[i].ip, ip, sizeof(ip));
		CHECK_STR(ip, "10.0.0.5");
		CHECK(strstr(carried.v[i].title, "c2.example:443") != NULL);
	}
	traffic_state_free(st);
	findings_release(&whole);
	findings_release(&alone);
	findings_release(&carried);
	flowset_release(&all);
	for (int h = 0; h < 14; h++) flowset_release(&hour[h]);
}

/* A six-hour session exported as 30-minute records (an active timeout):
 * each hour alone holds an hour of it, too short; judged an hour at a time
 * with the state the records stitch onto the session left open, found from
 * the hour it passes four hours, as the whole input finds it. */
static void test_long_connection_stream(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset all, hour[7];
	flowset_init(&all);
	for (int h = 0; h < 7; h++) flowset_init(&hour[h]);
	const double t0 = 1794787200.0 + 9 * 3600; /* an hour's start */
	for (int k = 0; k < 12; k++) {
		struct obs_flow f = mkflow("10.0.0.5", "91.0.0.9", 22, t0 + 600 + k * 1800.0, 5e4, 9e4);
		f.end = f.start + 1800;
		flowset_add(&all, &f);
		flowset_add(&hour[(int)((f.start - t0) / 3600)], &f);
	}
	flowset_annotate(&all, &c, country_by_first_octet, NULL);
	struct findings whole = { 0 }, alone = { 0 }, carried = { 0 };
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "long-connection", &whole), 0);
	CHECK_INT(whole.n, 1);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	int first = -1;
	for (int h = 0; h < 7; h++) {
		if (!hour[h].n) continue;
		flowset_annotate(&hour[h], &c, country_by_first_octet, NULL);
		struct traffic_input hin = { &c, &hour[h], NULL };
		CHECK_INT(analyze_traffic(&hin, "long-connection", &alone), 0);
		size_t before = carried.n;
		hin.state = st;
		CHECK_INT(analyze_traffic(&hin, "long-connection", &carried), 0);
		if (carried.n > before && first < 0) first = h;
		traffic_state_update(st, &hin);
	}
	CHECK_INT(alone.n, 0);
	CHECK_INT(first, 3); /* 09:10 to 13:10 with the fourth hour's records */
	if (carried.n)
		CHECK(strstr(carried.v[carried.n - 1].title,
			     "A long session to 91.0.0.9 port 22 (longest 6h00m") != NULL);
	traffic_state_free(st);
	findings_release(&whole);
	findings_release(&alone);
	findings_release(&carried);
	flowset_release(&all);
	for (int h = 0; h < 7; h++) flowset_release(&hour[h]);
}

/* The routine VPN on the stream: three hosts to one gateway, 30-minute
 * records; two go home at 13:10, the third stays until 17:10. Its 8-hour
 * session is one session, and every hour judges it routine (info), as the
 * whole input does: the hour after the others' sessions ended still counts
 * them, though they are in no pair of that hour (it was medium). */
static void test_long_connection_stream_routine(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset all, hour[8];
	flowset_init(&all);
	for (int h = 0; h < 8; h++) flowset_init(&hour[h]);
	const double t0 = 1794787200.0 + 9 * 3600; /* an hour's start */
	const char *hosts[] = { "10.0.0.5", "10.0.0.6", "10.0.0.7" };
	for (int u = 0; u < 3; u++)
		for (int k = 0; k < (u ? 8 : 16); k++) {
			struct obs_flow f =
			    mkflow(hosts[u], "91.0.0.9", 443, t0 + 600 + k * 1800.0, 5e4, 9e4);
			f.end = f.start + 1800;
			f.sport = (uint16_t)(40000 + u);
			flowset_add(&all, &f);
			flowset_add(&hour[(int)((f.start - t0) / 3600)], &f);
		}
	flowset_annotate(&all, &c, country_by_first_octet, NULL);
	struct findings whole = { 0 }, carried = { 0 };
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "long-connection", &whole), 0);
	CHECK_INT(whole.n, 3);
	for (size_t i = 0; i < whole.n; i++) CHECK_INT(whole.v[i].severity, SEV_INFO);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	for (int h = 0; h < 8; h++) {
		flowset_annotate(&hour[h], &c, country_by_first_octet, NULL);
		struct traffic_input hin = { &c, &hour[h], NULL };
		hin.state = st;
		CHECK_INT(analyze_traffic(&hin, "long-connection", &carried), 0);
		traffic_state_update(st, &hin);
	}
	size_t of5 = 0;
	const struct finding *last = NULL;
	for (size_t i = 0; i < carried.n; i++) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&carried.v[i].ip, ip, sizeof(ip));
		CHECK_INT(carried.v[i].severity, SEV_INFO);
		if (strcmp(ip, "10.0.0.5")) continue;
		of5++;
		last = &carried.v[i];
	}
	CHECK_INT(of5, 5); /* the hours from 12:00 to 16:00 */
	if (last)
		CHECK(strstr(last->title,
			     "A long session to 91.0.0.9 port 443 (longest 8h00m, 8h00m in all)") != NULL);
	traffic_state_free(st);
	findings_release(&whole);
	findings_release(&carried);
	flowset_release(&all);
	for (int h = 0; h < 8; h++) flowset_release(&hour[h]);
}

/* The routine VPN named by its TLS name, on the first record of a session
 * only: three hosts hold it a day; the next morning the first back has a
 * new named session, judged with yesterday's 8 hours from the state. The
 * other hosts' pairs in the state are the same peer: routine (it was
 * medium, the later records keyed by the address). */
static void test_long_connection_stream_named(void)
{
	struct site_config c;
	site_config_defaults(&c);
	enum { HOURS = 26 };
	struct flowset hour[HOURS];
	for (int h = 0; h < HOURS; h++) flowset_init(&hour[h]);
	const double t0 = 1794787200.0 + 9 * 3600; /* an hour's start */
	const char *hosts[] = { "10.0.0.5", "10.0.0.6", "10.0.0.7" };
	for (int u = 0; u < 3; u++)
		for (int k = 0; k < 16; k++) {
			struct obs_flow f =
			    mkflow(hosts[u], "91.0.0.9", 443, t0 + 600 + k * 1800.0, 5e4, 9e4);
			f.end = f.start + 1800;
			f.sport = (uint16_t)(40000 + u);
			if (!k) f.sni = "vpn.example";
			flowset_add(&hour[(int)((f.start - t0) / 3600)], &f);
		}
	struct obs_flow f = mkflow("10.0.0.5", "91.0.0.9", 443, t0 + 86400 + 600, 5e4, 9e4);
	f.end = f.start + 1800;
	f.sport = 41000;
	f.sni = "vpn.example";
	flowset_add(&hour[24], &f);
	struct findings carried = { 0 };
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	for (int h = 0; h < HOURS; h++) {
		if (!hour[h].n) continue;
		flowset_annotate(&hour[h], &c, country_by_first_octet, NULL);
		struct traffic_input hin = { &c, &hour[h], NULL };
		hin.state = st;
		CHECK_INT(analyze_traffic(&hin, "long-connection", &carried), 0);
		traffic_state_update(st, &hin);
	}
	CHECK(carried.n > 3);
	for (size_t i = 0; i < carried.n; i++) CHECK_INT(carried.v[i].severity, SEV_INFO);
	traffic_state_free(st);
	findings_release(&carried);
	for (int h = 0; h < HOURS; h++) flowset_release(&hour[h]);
}

static bool same_findings(const struct findings *a, const struct findings *b);

/* Flows judged an hour at a time from hour[0, n) with st; the findings
 * appended to out. */
static void judge_hours(struct site_config *c, struct flowset *hour, int n, struct traffic_state *st,
			const char *rule, struct findings *out)
{
	for (int h = 0; h < n; h++) {
		if (!hour[h].n) continue;
		flowset_annotate(&hour[h], c, country_by_first_octet, NULL);
		struct traffic_input hin = { c, &hour[h], NULL, .state = st };
		CHECK_INT(analyze_traffic(&hin, rule, out), 0);
		traffic_state_update(st, &hin);
	}
}

/* A file's first reading in two parts split at `cut` flows (a session's
 * records on both sides), as pipeline/traffic-batch.c gives it. */
static void seed_file(struct site_config *c, const struct flowset *all, size_t cut, struct traffic_state *st)
{
	struct flowset part[2];
	flowset_init(&part[0]), flowset_init(&part[1]);
	for (size_t i = 0; i < all->n; i++) {
		struct obs_flow f = mkflow("10.0.0.1", "10.0.0.2", 1, 0, 0, 0);
		const struct flowrec *r = &all->v[i];
		f.src = r->src, f.dst = r->dst, f.sport = r->sport, f.dport = r->dport;
		f.start = r->start, f.end = r->end, f.bytes_out = r->bytes_out, f.bytes_in = r->bytes_in;
		f.sni = r->name ? flowset_str(all, r->name) : NULL;
		flowset_add(&part[i >= cut], &f);
	}
	for (int k = 0; k < 2; k++) {
		flowset_annotate(&part[k], c, country_by_first_octet, NULL);
		struct traffic_input in = { c, &part[k], NULL };
		traffic_state_seed_flows(st, &in);
		flowset_release(&part[k]);
	}
	traffic_state_seed_end(st);
}

static size_t count_sev(const struct findings *f, const char *ip, enum severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++) {
		char a[IPADDR_STRLEN];
		ipaddr_fmt(&f->v[i].ip, a, sizeof(a));
		n += (!ip || !strcmp(a, ip)) && f->v[i].severity == sev;
	}
	return n;
}

/* A file on the stream: a jump host routine by its days (a 1h10m session
 * on five days, a 5-hour one on the first) and a gateway routine by its
 * hosts (one host on the first day, two more on the second). The whole
 * file calls both routine (info); hour by hour the first day's hours are
 * judged before the later days are seen (medium); with the file's first
 * reading (in two parts, a session cut between them) they are info from
 * the first hour, and the state saved and read back keeps it. */
static void test_long_connection_stream_seeded(void)
{
	struct site_config c;
	site_config_defaults(&c);
	enum { HOURS = 5 * 24 };
	struct flowset all, hour[HOURS];
	flowset_init(&all);
	for (int h = 0; h < HOURS; h++) flowset_init(&hour[h]);
	size_t cut = 0;
	for (int d = 0; d < 5; d++)
		for (int k = 0; k < 3; k++) { /* 09:10 to 10:20 */
			struct obs_flow f = mkflow("10.0.0.5", "93.0.0.9", 22,
						   MON0 + d * 86400.0 + 33000 + k * 1800, 5e4, 9e4);
			f.end = f.start + (k < 2 ? 1800 : 600);
			f.sport = (uint16_t)(41000 + d);
			flowset_add(&all, &f);
			if (d == 2 && k == 0) cut = all.n; /* the third day's session in both parts */
		}
	for (int k = 0; k < 10; k++) { /* the first day 13:00 to 18:00 */
		struct obs_flow f = mkflow("10.0.0.5", "93.0.0.9", 22, MON0 + 13 * 3600 + k * 1800, 5e4, 9e4);
		f.end = f.start + 1800;
		f.sport = 42000;
		flowset_add(&all, &f);
	}
	const char *hosts[] = { "10.0.0.6", "10.0.0.7", "10.0.0.8" };
	for (int u = 0; u < 3; u++)
		for (int k = 0; k < 10; k++) { /* 5 hours, the first host on the first day */
			struct obs_flow f = mkflow(hosts[u], "93.0.1.9", 443,
						   MON0 + (u ? 86400 : 0) + 9 * 3600 + k * 1800, 5e4, 9e4);
			f.end = f.start + 1800;
			f.sport = (uint16_t)(43000 + u);
			flowset_add(&all, &f);
		}
	for (size_t i = 0; i < all.n; i++) {
		struct obs_flow f = mkflow("10.0.0.1", "10.0.0.2", 1, 0, 0, 0);
		const struct flowrec *r = &all.v[i];
		f.src = r->src, f.dst = r->dst, f.sport = r->sport, f.dport = r->dport;
		f.start = r->start, f.end = r->end, f.bytes_out = r->bytes_out, f.bytes_in = r->bytes_in;
		flowset_add(&hour[(int)((f.start - MON0) / 3600)], &f);
	}
	flowset_annotate(&all, &c, country_by_first_octet, NULL);
	struct findings whole = { 0 }, plain = { 0 }, seeded = { 0 }, restored = { 0 };
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "long-connection", &whole), 0);
	CHECK_INT(whole.n, 4);
	CHECK_INT(count_sev(&whole, NULL, SEV_INFO), 4);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	judge_hours(&c, hour, HOURS, st, "long-connection", &plain);
	CHECK(count_sev(&plain, "10.0.0.5", SEV_MEDIUM) > 0); /* what the stream knew then */
	CHECK(count_sev(&plain, "10.0.0.6", SEV_MEDIUM) > 0);
	traffic_state_free(st);
	st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	seed_file(&c, &all, cut, st);
	/* saved and read back before the first hour, as a restart would */
	struct buf saved = BUF_INIT, again = BUF_INIT;
	CHECK_INT(traffic_state_encode(st, &saved), 0);
	struct traffic_state *back = NULL;
	struct dm_err e = { "" };
	CHECK_INT(traffic_state_decode(saved.data, saved.len, &back, &e), 0);
	CHECK(back && traffic_state_encode(back, &again) == 0 && again.len == saved.len &&
	      !memcmp(again.data, saved.data, saved.len));
	judge_hours(&c, hour, HOURS, st, "long-connection", &seeded);
	for (int h = 0; back && h < HOURS; h++) /* annotated already: judged again */
		if (hour[h].n) {
			struct traffic_input hin = { &c, &hour[h], NULL, .state = back };
			CHECK_INT(analyze_traffic(&hin, "long-connection", &restored), 0);
			traffic_state_update(back, &hin);
		}
	CHECK(seeded.n >= 4);
	CHECK_INT(count_sev(&seeded, NULL, SEV_INFO), seeded.n);
	CHECK(same_findings(&seeded, &restored));
	for (size_t i = 0; i < seeded.n; i++)
		if (strstr(seeded.v[i].title, "93.0.0.9")) /* the days are the file's */
			CHECK(strstr(seeded.v[i].evidence, "\"days_with_long_sessions\":5") != NULL);
	buf_release(&saved), buf_release(&again);
	traffic_state_free(st), traffic_state_free(back);
	findings_release(&whole), findings_release(&plain), findings_release(&seeded);
	findings_release(&restored);
	flowset_release(&all);
	for (int h = 0; h < HOURS; h++) flowset_release(&hour[h]);
}

/* A file on the stream: 20 browsers' one-off visits, and a host that on
 * its third evening opens eight sessions of one rare shape to eight sites
 * it also visited on each of the two mornings before. The whole file
 * reached each of them three times: fixed destinations, not rotation (no
 * finding). Hour by hour the 24 hours before the evening hold one visit
 * each, so they look one-off and rotating; with the file's first reading
 * (the pairs the whole file reaches more than twice) they do not, and the
 * state saved and read back keeps it. */
static void test_rotating_stream_seeded(void)
{
	struct site_config c;
	site_config_defaults(&c);
	enum { HOURS = 3 * 24 };
	struct flowset all, hour[HOURS];
	flowset_init(&all);
	for (int h = 0; h < HOURS; h++) flowset_init(&hour[h]);
	srand(5);
	for (int k = 0; k < 20 * 3 * 40 + 3 * 8; k++) {
		char src[32], dst[32];
		struct obs_flow f;
		if (k < 20 * 3 * 40) { /* 20 browsers, 40 one-off visits a day */
			int h = k / 120, d = k / 40 % 3;
			snprintf(src, sizeof(src), "10.0.1.%d", 10 + h);
			snprintf(dst, sizeof(dst), "80.%d.%d.%d", h, d, k % 40 + 1);
			double u = 2.7 + 1.8 * rand() / RAND_MAX, w = 3.7 + 2.8 * rand() / RAND_MAX;
			f = mkflow(src, dst, 443,
				   MON0 + d * 86400.0 + 9 * 3600 + 8 * 3600.0 * rand() / RAND_MAX,
				   (uint64_t)pow(10, u), (uint64_t)pow(10, w));
		} else {
			int j = (k - 20 * 3 * 40) % 8, d = (k - 20 * 3 * 40) / 8;
			snprintf(dst, sizeof(dst), "185.%d.7.%d", 10 + j, 20 + j);
			f = d < 2
				? mkflow("10.0.1.40", dst, 8443, MON0 + d * 86400.0 + 10 * 3600 + j * 60.0,
					 (uint64_t)(4000 + 300 * j), (uint64_t)(60000 + 9000 * j))
				: mkflow("10.0.1.40", dst, 8443, MON0 + 2 * 86400.0 + 19 * 3600 + j * 1800.0,
					 (uint64_t)(880 + j), 1600);
		}
		flowset_add(&all, &f);
		flowset_add(&hour[(int)((f.start - MON0) / 3600)], &f);
	}
	flowset_annotate(&all, &c, NULL, NULL);
	struct findings whole = { 0 }, plain = { 0 }, seeded = { 0 }, restored = { 0 };
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "rotating-destinations", &whole), 0);
	CHECK_INT(whole.n, 0);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	judge_hours(&c, hour, HOURS, st, "rotating-destinations", &plain);
	CHECK(plain.n > 0); /* what the stream alone knows: the cluster as it grows */
	for (size_t i = 0; i < plain.n; i++) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&plain.v[i].ip, ip, sizeof(ip));
		CHECK_STR(ip, "10.0.1.40");
	}
	traffic_state_free(st);
	st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	seed_file(&c, &all, all.n / 2, st);
	struct buf saved = BUF_INIT, again = BUF_INIT;
	CHECK_INT(traffic_state_encode(st, &saved), 0);
	struct traffic_state *back = NULL;
	struct dm_err e = { "" };
	CHECK_INT(traffic_state_decode(saved.data, saved.len, &back, &e), 0);
	CHECK(back && traffic_state_encode(back, &again) == 0 && again.len == saved.len &&
	      !memcmp(again.data, saved.data, saved.len));
	judge_hours(&c, hour, HOURS, st, "rotating-destinations", &seeded);
	CHECK_INT(seeded.n, 0);
	for (int h = 0; back && h < HOURS; h++) /* annotated already: judged again */
		if (hour[h].n) {
			struct traffic_input hin = { &c, &hour[h], NULL, .state = back };
			CHECK_INT(analyze_traffic(&hin, "rotating-destinations", &restored), 0);
			traffic_state_update(back, &hin);
		}
	CHECK_INT(restored.n, 0);
	buf_release(&saved), buf_release(&again);
	traffic_state_free(st), traffic_state_free(back);
	findings_release(&whole), findings_release(&plain), findings_release(&seeded);
	findings_release(&restored);
	flowset_release(&all);
	for (int h = 0; h < HOURS; h++) flowset_release(&hour[h]);
}

/* A file on the stream: a nightly backup with a full one on Sundays over
 * two weeks and a day. The whole file (ending on a Monday) lists it at
 * info; hour by hour the first Sunday's run is measured against no earlier
 * Sunday and is abnormal (medium); with the file's first reading it is
 * measured against the other Sunday (info). Another host's one big
 * Wednesday run among small ones stays abnormal. */
static void test_scheduled_stream_seeded(void)
{
	struct site_config c;
	site_config_defaults(&c);
	setenv("TZ", "UTC", 1);
	tzset();
	enum { DAYS = 15, HOURS = DAYS * 24 };
	struct flowset all, hour[HOURS];
	flowset_init(&all);
	for (int h = 0; h < HOURS; h++) flowset_init(&hour[h]);
	for (int d = 0; d < DAYS; d++) {
		double t = MON0 + d * 86400.0 + 2 * 3600 + d % 3 * 60;
		add_named(&all, "10.0.0.7", "93.0.0.3", "backup.example", t, d % 7 == 6 ? 8e8 : 3e6, 2e4);
		add_named(&hour[d * 24 + 2], "10.0.0.7", "93.0.0.3", "backup.example", t,
			  d % 7 == 6 ? 8e8 : 3e6, 2e4);
		add_named(&all, "10.0.0.8", "93.0.0.3", "backup.example", t + 600, d == 9 ? 8e8 : 3e6, 2e4);
		add_named(&hour[d * 24 + 2], "10.0.0.8", "93.0.0.3", "backup.example", t + 600,
			  d == 9 ? 8e8 : 3e6, 2e4);
	}
	flowset_annotate(&all, &c, country_by_first_octet, NULL);
	struct findings whole = { 0 }, plain = { 0 }, seeded = { 0 };
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "scheduled-transfer", &whole), 0);
	CHECK_INT(whole.n, 2);
	CHECK_INT(count_sev(&whole, NULL, SEV_INFO), 2);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	judge_hours(&c, hour, HOURS, st, "scheduled-transfer", &plain);
	CHECK_INT(count_sev(&plain, "10.0.0.7", SEV_MEDIUM), 1); /* the first Sunday */
	CHECK_INT(count_sev(&plain, "10.0.0.8", SEV_MEDIUM), 1); /* the big Wednesday */
	traffic_state_free(st);
	st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	seed_file(&c, &all, all.n / 2, st);
	judge_hours(&c, hour, HOURS, st, "scheduled-transfer", &seeded);
	CHECK_INT(count_sev(&seeded, "10.0.0.7", SEV_MEDIUM), 0);
	CHECK_INT(count_sev(&seeded, "10.0.0.7", SEV_INFO), 1);
	CHECK_INT(count_sev(&seeded, "10.0.0.8", SEV_MEDIUM), 1);
	for (size_t i = 0; i < seeded.n; i++)
		if (seeded.v[i].severity == SEV_MEDIUM)
			CHECK(seeded.v[i].last_seen < MON0 + 10 * 86400.0); /* its Wednesday */
	traffic_state_free(st);
	findings_release(&whole), findings_release(&plain), findings_release(&seeded);
	flowset_release(&all);
	for (int h = 0; h < HOURS; h++) flowset_release(&hour[h]);
}

/* A nightly job over five days, judged an hour at a time: each hour alone
 * holds one run, no schedule; with the state its runs add up and the job
 * is listed once, on its third night, as the whole input lists it. */
static void test_scheduled_stream(void)
{
	struct site_config c;
	site_config_defaults(&c);
	setenv("TZ", "UTC", 1);
	tzset();
	struct flowset all, hour[5 * 24];
	flowset_init(&all);
	for (int h = 0; h < 5 * 24; h++) flowset_init(&hour[h]);
	for (int d = 0; d < 5; d++) {
		double t = MON0 + d * 86400.0 + 2 * 3600 + d % 3 * 60;
		add_named(&all, "10.0.0.7", "91.0.0.3", "updates.example", t, 2e4, 3e6);
		add_named(&hour[d * 24 + 2], "10.0.0.7", "91.0.0.3", "updates.example", t, 2e4, 3e6);
	}
	struct findings whole = { 0 }, alone = { 0 }, carried = { 0 };
	flowset_annotate(&all, &c, country_by_first_octet, NULL);
	struct traffic_input in = { &c, &all, NULL };
	CHECK_INT(analyze_traffic(&in, "scheduled-transfer", &whole), 0);
	CHECK_INT(whole.n, 1);
	struct traffic_state *st = traffic_state_new(TRAFFIC_STATE_WINDOW);
	int when = -1;
	for (int h = 0; h < 5 * 24; h++) {
		if (!hour[h].n) continue;
		flowset_annotate(&hour[h], &c, country_by_first_octet, NULL);
		struct traffic_input hin = { &c, &hour[h], NULL };
		CHECK_INT(analyze_traffic(&hin, "scheduled-transfer", &alone), 0);
		size_t before = carried.n;
		hin.state = st;
		CHECK_INT(analyze_traffic(&hin, "scheduled-transfer", &carried), 0);
		if (carried.n > before) when = h;
		traffic_state_update(st, &hin);
	}
	CHECK_INT(alone.n, 0);
	CHECK_INT(carried.n, 1);
	CHECK_INT(when, 2 * 24 + 2);
	if (carried.n) CHECK(strstr(carried.v[0].title, "1 job (updates.example daily 02:0") != NULL);
	traffic_state_free(st);
	findings_release(&whole);
	findings_release(&alone);
	findings_release(&carried);
	flowset_release(&all);
	for (int h = 0; h < 5 * 24; h++) flowset_release(&hour[h]);
}

/* A day of hours with every slot's kind of traffic: a named beacon, a
 * session exported in half-hour records, a nightly job, one-off sessions
 * abroad, NTP chatter. */
static void save_hours(struct flowset *hour, int n)
{
	srand(5);
	for (int h = 0; h < n; h++) flowset_init(&hour[h]);
	for (double t = MON0 + 300; t < MON0 + n * 3600.0; t += 1700 + rand() % 200) {
		struct obs_flow f = mkflow("10.0.0.5", "91.0.0.7", 443, t, 400, 1200);
		f.sni = "c2.example";
		flowset_add(&hour[(int)((t - MON0) / 3600)], &f);
	}
	for (int k = 0; k < 2 * n - 2; k++) {
		struct obs_flow f = mkflow("10.0.0.6", "91.0.0.9", 22, MON0 + 600 + k * 1800.0, 5e4, 9e4);
		f.end = f.start + 1800;
		flowset_add(&hour[(int)((f.start - MON0) / 3600)], &f);
	}
	for (int d = 0; d * 24 + 2 < n; d++)
		add_named(&hour[d * 24 + 2], "10.0.0.7", "91.0.0.3", "updates.example",
			  MON0 + d * 86400.0 + 7300, 2e4, 3e6);
	for (int h = 0; h < n; h++) {
		for (int k = 0; k < 3; k++) {
			char dst[32];
			snprintf(dst, sizeof(dst), "92.%d.%d.%d", h % 200, k, rand() % 250 + 1);
			add_named(&hour[h], "10.0.0.8", dst, NULL, MON0 + h * 3600.0 + 100 + k * 900, 3e5 + k,
				  2e3);
		}
		add_udp(&hour[h], "10.0.0.9", "10.0.0.1", 123, MON0 + h * 3600.0 + 30);
	}
}

/* One hour with the state: its findings appended to out. */
static void save_judge(struct site_config *c, struct flowset *fs, struct traffic_state *st,
		       struct findings *out)
{
	flowset_annotate(fs, c, country_by_first_octet, NULL);
	struct traffic_input in = { c, fs, NULL, .state = st };
	CHECK_INT(analyze_traffic(&in, NULL, out), 0);
	traffic_state_update(st, &in);
}

static bool same_findings(const struct findings *a, const struct findings *b)
{
	if (a->n != b->n) return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].rule, b->v[i].rule) || strcmp(a->v[i].title, b->v[i].title) ||
		    a->v[i].severity != b->v[i].severity)
			return false;
	return true;
}

/* The state saved after some hours and read back judges the next hours as
 * the state kept in memory does, for every rule that carries one (an empty
 * state does not); it is saved again byte for byte; a damaged or
 * truncated save is refused naming its byte, never read past. */
static void test_state_save(void)
{
	enum { N = 54, CUT = 30 };
	struct site_config c;
	site_config_defaults(&c);
	setenv("TZ", "UTC", 1);
	tzset();
	struct flowset h1[N], h2[N], h3[N];
	save_hours(h1, N), save_hours(h2, N), save_hours(h3, N);
	struct findings whole = { 0 }, restored = { 0 }, empty = { 0 };
	struct traffic_state *a = traffic_state_new(TRAFFIC_STATE_WINDOW);
	struct traffic_state *b = traffic_state_new(TRAFFIC_STATE_WINDOW);
	struct traffic_state *z = traffic_state_new(TRAFFIC_STATE_WINDOW);
	for (int h = 0; h < N; h++) save_judge(&c, &h1[h], a, &whole);
	for (int h = 0; h < CUT; h++) save_judge(&c, &h2[h], b, &restored), save_judge(&c, &h3[h], z, &empty);
	struct buf saved = BUF_INIT, again = BUF_INIT;
	CHECK_INT(traffic_state_encode(b, &saved), 0);
	traffic_state_free(b);
	struct dm_err e = { "" };
	CHECK_INT(traffic_state_decode(saved.data, saved.len, &b, &e), 0);
	CHECK(b != NULL);
	CHECK_INT(traffic_state_encode(b, &again), 0);
	CHECK(again.len == saved.len && !memcmp(again.data, saved.data, saved.len));
	traffic_state_free(z);
	z = traffic_state_new(TRAFFIC_STATE_WINDOW); /* a start that forgot */
	for (int h = CUT; h < N && b; h++)
		save_judge(&c, &h2[h], b, &restored), save_judge(&c, &h3[h], z, &empty);
	CHECK(whole.n > 0);
	CHECK(same_findings(&whole, &restored));
	CHECK(!same_findings(&whole, &empty));
	const char *rules[] = { "beacon", "long-connection", "scheduled-transfer" };
	for (size_t k = 0; k < ARRAY_SIZE(rules); k++) { /* each carried rule found after the cut */
		bool found = false;
		for (size_t i = 0; i < whole.n; i++) found |= !strcmp(whole.v[i].rule, rules[k]);
		if (!found) printf("    %s not found\n", rules[k]);
		CHECK(found);
	}
	/* truncated anywhere: refused with its byte */
	for (size_t n = 0; n < saved.len; n += n < 600 ? 1 : 97) {
		struct traffic_state *t = NULL;
		CHECK_INT(traffic_state_decode(saved.data, n, &t, &e), DM_EINPUT);
		CHECK(t == NULL && strstr(e.msg, "byte") != NULL);
	}
	/* a byte changed anywhere: read or refused, never past the input */
	for (size_t i = 0; i < saved.len; i += i < 600 ? 1 : 53) {
		saved.data[i] ^= 0x5a;
		struct traffic_state *t = NULL;
		if (traffic_state_decode(saved.data, saved.len, &t, &e) == 0) traffic_state_free(t);
		saved.data[i] ^= 0x5a;
	}
	saved.data[4] = 1; /* an older format */
	CHECK_INT(traffic_state_format(saved.data, saved.len), 1);
	traffic_state_free(b);
	CHECK_INT(traffic_state_decode(saved.data, saved.len, &b, &e), DM_EINPUT);
	CHECK(b == NULL && strstr(e.msg, "format 1 (byte 4), this dormant reads 4") != NULL);
	buf_release(&saved), buf_release(&again);
	traffic_state_free(a), traffic_state_free(z);
	findings_release(&whole), findings_release(&restored), findings_release(&empty);
	for (int h = 0; h < N; h++) flowset_release(&h1[h]), flowset_release(&h2[h]), flowset_release(&h3[h]);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* median_of sorts in place (p90 reads the sorted array): against qsort on
 * sizes around the insertion-sort cut, with many ties and sorted runs */
static void test_median_sorts(void)
{
	srand(7);
	double v[300], w[300];
	for (size_t n = 0; n < 300; n += 1 + n / 8)
		for (int kind = 0; kind < 4; kind++) {
			for (size_t i = 0; i < n; i++)
				v[i] = kind == 0   ? rand() % 1000
				       : kind == 1 ? rand() % 3
				       : kind == 2 ? (double)i
						   : (double)(n - i);
			memcpy(w, v, sizeof(v));
			qsort(w, n, sizeof(*w), cmp_dbl);
			double m = median_of(v, n);
			CHECK(!memcmp(v, w, n * sizeof(*v)));
			CHECK(m == (!n ? 0 : n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2));
		}
}

static int cmp_key(const void *pa, const void *pb)
{
	const struct sortkey *a = pa, *b = pb;
	if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* sortkeys against qsort: random, few distinct high words, sorted, reversed
 * and a median-of-three killer's organ pipe, on sizes around the cuts */
static void test_sortkeys(void)
{
	srand(11);
	enum { MAX = 5000 };
	struct sortkey *v = malloc(MAX * sizeof(*v)), *w = malloc(MAX * sizeof(*w));
	for (size_t n = 0; n < MAX; n += 1 + n / 3)
		for (int kind = 0; kind < 5; kind++) {
			for (size_t i = 0; i < n; i++) {
				uint64_t x = (uint64_t)rand() << 31 ^ (uint64_t)rand();
				v[i] = kind == 0   ? (struct sortkey){ x, (uint64_t)rand() }
				       : kind == 1 ? (struct sortkey){ x % 3, x % 5 }
				       : kind == 2 ? (struct sortkey){ i / 7, i }
				       : kind == 3 ? (struct sortkey){ n - i, 0 }
						   : (struct sortkey){ i < n / 2 ? i : n - i, i & 1 };
			}
			memcpy(w, v, n * sizeof(*v));
			qsort(w, n, sizeof(*w), cmp_key);
			sortkeys(v, n);
			CHECK(!memcmp(v, w, n * sizeof(*v)));
		}
	free(v);
	free(w);
	const double d[] = { -1e300, -2.5, -1, -1e-300, 0, 1e-300, 0.5, 1, 1767225600.25, 1e22 };
	for (size_t i = 1; i < ARRAY_SIZE(d); i++) CHECK(sortkey_double(d[i - 1]) < sortkey_double(d[i]));
	CHECK(sortkey_double(-0.0) == sortkey_double(0.0));
	struct sortkey k = { 0, 0 };
	sortkey_push(&k, 5, 3);
	sortkey_push(&k, 0xffff, 64);
	sortkey_push(&k, 1, 1);
	CHECK(k.hi == 10 &&
	      k.lo == (0xffffu << 1 | 1)); /* the 64-bit push moved 5 up whole, then 1 bit more */
	CHECK_INT(sortkey_bits(0), 0);
	CHECK_INT(sortkey_bits(1), 1);
	CHECK_INT(sortkey_bits(255), 8);
	CHECK_INT(sortkey_bits(256), 9);
}

/* The summaries' rows by keys of ranks (flowset_hours_open) equal those of
 * the comparator, which it falls back to when the keys do not fit: here
 * one side 1e15 years on makes the hours need 63 bits. */
static void test_hours_keys(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset fs;
	flowset_init(&fs);
	srand(5);
	static const char *const names[] = { NULL, "a.example", "b.example", "c.example" };
	for (int i = 0; i < 3000; i++) {
		char src[64], dst[64];
		int h = rand() % 40;
		if (rand() % 4 == 0)
			snprintf(src, sizeof(src), "fd00::%x", h);
		else
			snprintf(src, sizeof(src), "10.0.%d.%d", h / 10, h % 10);
		int d = rand() % 60;
		if (d < 20)
			snprintf(dst, sizeof(dst), "10.0.%d.%d", d / 10, d % 10);
		else if (d < 30)
			snprintf(dst, sizeof(dst), "fd00::%x", d);
		else
			snprintf(dst, sizeof(dst), "91.0.0.%d", d);
		static const uint16_t ports[] = { 22, 53, 443, 445 };
		struct obs_flow f = mkflow(src, dst, ports[rand() % 4], 1767225600.0 + rand() % (30 * 3600),
					   (uint64_t)rand() % 5000, (uint64_t)rand() % 5000);
		f.proto = rand() % 5 ? 6 : 17;
		f.sni = names[rand() % 4];
		if (rand() % 10 == 0)
			f.pkts_in = 0, f.bytes_in = 0, f.flags_out = 2; /* failed: no answering side */
		flowset_add(&fs, &f);
	}
	flowset_annotate(&fs, &c, country_by_first_octet, NULL);
	struct flow_hour *a, *b;
	size_t na = flowset_hours(&fs, &a);
	CHECK(na > 1000);
	for (size_t k = 1; k < na; k++) { /* strictly by host, hour, peer, port, proto, way */
		int cmp = ipaddr_cmp(&a[k - 1].host, &a[k].host);
		if (!cmp) cmp = a[k - 1].hour < a[k].hour ? -1 : a[k - 1].hour > a[k].hour;
		if (!cmp) cmp = ipaddr_cmp(&a[k - 1].peer, &a[k].peer);
		if (!cmp) cmp = a[k - 1].port < a[k].port ? -1 : a[k - 1].port > a[k].port;
		if (!cmp) cmp = a[k - 1].proto < a[k].proto ? -1 : a[k - 1].proto > a[k].proto;
		if (!cmp) cmp = (int)a[k - 1].inbound - (int)a[k].inbound;
		CHECK(cmp < 0);
	}
	struct obs_flow far = mkflow("10.9.9.9", "91.0.0.1", 443, 3e22, 1, 1);
	flowset_add(&fs, &far);
	flowset_annotate(&fs, &c, country_by_first_octet, NULL);
	size_t nb = flowset_hours(&fs, &b);
	CHECK_INT(nb, na + 1);
	size_t k = 0;
	for (size_t i = 0; i < nb && k < na; i++) {
		if (b[i].hour == (int64_t)(3e22 / 3600)) continue;
		CHECK(!memcmp(&a[k], &b[i], sizeof(*a)));
		k++;
	}
	CHECK_INT(k, na);
	free(a);
	free(b);
	flowset_release(&fs);
}

static void net24(const struct ipaddr *a, struct ipaddr *ret)
{
	*ret = *a;
	if (ret->family == AF_INET) ret->v4 &= 0xffffff00u;
}

static const struct flowset *series_fs;
static bool series_net;

/* sort_by_series' order written as a comparator: src, name, dst (its /24)
 * when no name, port, start, index */
static int cmp_series_ref(const void *pa, const void *pb)
{
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct flowrec *a = &series_fs->v[ia], *b = &series_fs->v[ib];
	int c = ipaddr_cmp(&a->src, &b->src);
	if (c) return c;
	if (a->name != b->name) return a->name < b->name ? -1 : 1;
	if (!a->name) {
		struct ipaddr x = a->dst, y = b->dst;
		if (series_net) net24(&a->dst, &x), net24(&b->dst, &y);
		if ((c = ipaddr_cmp(&x, &y))) return c;
	}
	if (a->dport != b->dport) return a->dport < b->dport ? -1 : 1;
	if (a->start != b->start) return a->start < b->start ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* The beacon's and the scheduled transfers' sort by keys against that
 * comparator, with equal starts, names, IPv6 and a mapped destination. */
static void test_series_keys(void)
{
	struct site_config c;
	site_config_defaults(&c);
	struct flowset fs;
	flowset_init(&fs);
	srand(9);
	static const char *const names[] = { NULL, NULL, "a.example", "b.example" };
	for (int i = 0; i < 4000; i++) {
		char src[64], dst[64];
		if (rand() % 5 == 0)
			snprintf(src, sizeof(src), "fd00::%x", rand() % 20);
		else
			snprintf(src, sizeof(src), "10.0.0.%d", rand() % 30);
		if (rand() % 6 == 0)
			snprintf(dst, sizeof(dst), "2001:db8::%x", rand() % 9);
		else
			snprintf(dst, sizeof(dst), "91.0.%d.%d", rand() % 3, rand() % 40);
		struct obs_flow f = mkflow(src, dst, rand() % 2 ? 443 : 22, 1767225600.0 + rand() % 50, 1, 1);
		f.sni = names[rand() % 4];
		flowset_add(&fs, &f);
	}
	flowset_annotate(&fs, &c, NULL, NULL);
	struct traffic_input in = { &c, &fs, NULL };
	uint32_t *a = malloc(fs.n * sizeof(*a)), *b = malloc(fs.n * sizeof(*b));
	series_fs = &fs;
	for (int net = 0; net < 2; net++) {
		size_t n = 0;
		for (size_t i = 0; i < fs.n; i += 1 + (i % 3 == 0)) a[n++] = (uint32_t)i;
		memcpy(b, a, n * sizeof(*a));
		series_net = net;
		CHECK(sort_by_series(&in, a, n, net ? net24 : NULL));
		qsort(b, n, sizeof(*b), cmp_series_ref);
		CHECK(!memcmp(a, b, n * sizeof(*a)));
	}
	free(a);
	free(b);
	flowset_release(&fs);
	site_config_release(&c);
}

/* Night uploads to one country, every session to 443: the finding names the
 * port, so an allowlist entry by country and port covers it (issue 19's
 * acceptance: --explain showed the entry matching the flows, yet the
 * finding stayed unsuppressed); an entry for another port does not. */
static void test_offhours_allow_port(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	CHECK_INT(load("[site]\ntimezone = UTC\nhome_countries = CN\n"
		       "[allow de-backup]\nrule = offhours-foreign-encrypted\ncountry = DE\nport = 443\n"
		       "reason = the DE backup contract\n"
		       "[allow de-ssh]\nrule = offhours-foreign-encrypted\ncountry = DE\nport = 22\n"
		       "reason = another port\n",
		       &c, &e),
		  0);
	struct flowset fs;
	flowset_init(&fs);
	const double mon_0200 = 1764554400.0; /* 2025-12-01 02:00 UTC, a Monday */
	for (int k = 0; k < 3; k++) {
		char dst[32];
		snprintf(dst, sizeof(dst), "91.0.0.%d", k + 1);
		struct obs_flow f = mkflow("10.0.0.5", dst, 443, mon_0200 + k * 600, 2000000, 20000);
		f.app = "tls";
		flowset_add(&fs, &f);
	}
	flowset_annotate(&fs, &c, country_cn_de, NULL);
	struct traffic_input in = { &c, &fs, NULL };
	struct findings out = { 0 };
	CHECK_INT(analyze_traffic(&in, "offhours-foreign-encrypted", &out), 0);
	CHECK_INT(out.n, 1);
	if (out.n == 1) {
		CHECK(strstr(out.v[0].evidence, "\"dport\":443") != NULL);
		const struct allow_entry *a = allow_finding_entry(&c.allow, &out.v[0], mon_0200);
		CHECK(a != NULL);
		if (a) CHECK_STR(a->name, "de-backup");
	}
	findings_release(&out);
	flowset_release(&fs);
	site_config_release(&c);
}

/* Uploads abroad to new destinations on two nights, one episode: the
 * finding lists every destination of both nights (issue 19's acceptance: a
 * dst = entry could not cover exfil-volume, whose evidence named no
 * destination). Entries covering some of them leave it standing; one
 * covering all suppresses it. */
static void test_exfil_allow_destinations(void)
{
	const char *base = "[site]\ntimezone = UTC\nhome_countries = CN\n"
			   "[allow one]\nrule = exfil-volume\ndst = 91.0.0.1/32\nreason = the first only\n"
			   "[allow two]\nrule = exfil-volume\ndst = 91.0.0.2/32\nreason = the second\n";
	struct site_config c1, c2;
	struct dm_err e = { "" };
	CHECK_INT(load(base, &c1, &e), 0);
	char all[512];
	snprintf(all, sizeof(all),
		 "%s[allow net]\nrule = exfil-volume\ndst = 91.0.0.0/24\nreason = the provider\n", base);
	CHECK_INT(load(all, &c2, &e), 0);
	struct flowset fs;
	flowset_init(&fs);
	const double mon_0200 = 1764554400.0; /* 2025-12-01 02:00 UTC */
	for (int k = 0; k < 5; k++) {         /* night 1: 120 MB to two; night 2: 25 MB to a third */
		char dst[32];
		snprintf(dst, sizeof(dst), "91.0.0.%d", k < 4 ? k % 2 + 1 : 3);
		struct obs_flow f = mkflow("10.0.0.5", dst, 443, mon_0200 + (k < 4 ? k * 600 : 86400),
					   k < 4 ? 3e7 : 2.5e7, 20000);
		flowset_add(&fs, &f);
	}
	flowset_annotate(&fs, &c1, country_cn_de, NULL);
	struct traffic_input in = { &c1, &fs, NULL };
	struct findings out = { 0 };
	CHECK_INT(analyze_traffic(&in, "exfil-volume", &out), 0);
	CHECK_INT(out.n, 1);
	if (out.n == 1) {
		const char *ev = out.v[0].evidence;
		CHECK(strstr(ev, "\"dst\":\"91.0.0.1\"") && strstr(ev, "\"dst\":\"91.0.0.2\"") &&
		      strstr(ev, "\"dst\":\"91.0.0.3\""));
		CHECK(strstr(ev, "\"destinations_n\":3") != NULL);
		CHECK(strstr(ev, "\"episode\":{") != NULL);
		CHECK(allow_finding_entry(&c1.allow, &out.v[0], mon_0200) == NULL);
		const struct allow_entry *a = allow_finding_entry(&c2.allow, &out.v[0], mon_0200);
		CHECK(a != NULL);
	}
	findings_release(&out);
	flowset_release(&fs);
	site_config_release(&c1);
	site_config_release(&c2);
}

/* A stream's hours merged per episode (analyze/episodes.h): one identity
 * over two hours is one finding (earliest first seen, latest last seen,
 * highest severity, counted once in its evidence and title); a second
 * destination of the same host and port within the gap joins it as within
 * one input; the same identity five days later is an episode of its own. */
static struct finding ep_finding(const char *dst, enum severity sev, double first, double last)
{
	struct finding f = {
		.rule = "beacon", .severity = sev, .has_ip = true, .port = 443, .proto = PROTO_TCP
	};
	ipaddr_parse("10.0.0.5", &f.ip);
	snprintf(f.title, sizeof(f.title), "beacon to %s", dst);
	char ev[96];
	snprintf(ev, sizeof(ev), "{\"dst\":\"%s\"}", dst);
	f.evidence = xstrdup(ev);
	f.first_seen = first, f.last_seen = last;
	return f;
}

static void test_episodes_acc(void)
{
	const double t0 = 1764554400.0;
	struct episodes_acc acc;
	episodes_acc_init(&acc, "lab");
	struct findings h = { 0 };
	struct finding f = ep_finding("91.0.0.1", SEV_MEDIUM, t0, t0 + 3600);
	findings_add(&h, &f);
	episodes_acc_add(&acc, &h);
	CHECK_INT(h.n, 0);
	f = ep_finding("91.0.0.1", SEV_HIGH, t0 + 3600, t0 + 7200);
	findings_add(&h, &f);
	episodes_acc_add(&acc, &h);
	CHECK_INT(acc.fs.n, 1);
	if (acc.fs.n == 1) {
		CHECK(acc.fs.v[0].severity == SEV_HIGH);
		CHECK(acc.fs.v[0].first_seen == t0 && acc.fs.v[0].last_seen == t0 + 7200);
		CHECK(strstr(acc.fs.v[0].evidence, "\"findings\":2") != NULL);
	}
	f = ep_finding("91.0.0.2", SEV_LOW, t0 + 7200, t0 + 9000);
	findings_add(&h, &f);
	f = ep_finding("91.0.0.1", SEV_LOW, t0 + 5 * 86400, t0 + 5 * 86400 + 60);
	findings_add(&h, &f);
	episodes_acc_add(&acc, &h);
	CHECK_INT(acc.fs.n, 3);
	struct findings out = { 0 };
	episodes_acc_take(&acc, &out);
	CHECK_INT(acc.fs.n, 0);
	CHECK_INT(out.n, 2);
	findings_sort(&out);
	if (out.n == 2) {
		const struct finding *a = &out.v[0], *b = &out.v[1];
		CHECK(a->severity == SEV_HIGH && a->first_seen == t0 && a->last_seen == t0 + 9000);
		CHECK(strstr(a->evidence, "\"findings\":3") != NULL);
		const char *ep = strstr(a->evidence, "\"episode\"");
		CHECK(ep != NULL && !strstr(ep + 1, "\"episode\"")); /* counted once */
		CHECK(strstr(a->title, "[3 times over") != NULL && !strstr(a->title, "[2 times"));
		CHECK(b->severity == SEV_LOW && b->first_seen == t0 + 5 * 86400);
		CHECK(strstr(b->evidence, "episode") == NULL);
	}
	findings_release(&out);
	episodes_acc_release(&acc);
}

SUITE(suite_traffic, "traffic", { "cidr", test_cidr }, { "config_keys", test_config_keys },
      { "config_errors", test_config_errors }, { "overnight_shift", test_overnight_shift },
      { "strpool", test_strpool }, { "hours", test_hours }, { "hours_cursor", test_hours_cursor },
      { "hours_cursor_many_blocks", test_hours_cursor_many_blocks }, { "flowrec_sides", test_flowrec_sides },
      { "beacon_rule", test_beacon_rule }, { "scheduled_schedules", test_scheduled_schedules },
      { "exfil_weekly_backup", test_exfil_weekly_backup },
      { "exfil_history_per_destination", test_exfil_history_per_destination },
      { "exfil_stream_prevalence", test_exfil_stream_prevalence },
      { "exfil_stream_slow_day", test_exfil_stream_slow_day },
      { "exfil_stream_seed", test_exfil_stream_seed }, { "beacon_stream_beats", test_beacon_stream_beats },
      { "long_connection_stream", test_long_connection_stream },
      { "long_connection_stream_routine", test_long_connection_stream_routine },
      { "long_connection_stream_named", test_long_connection_stream_named },
      { "scheduled_stream", test_scheduled_stream }, { "state_save", test_state_save },
      { "long_connection_stream_seeded", test_long_connection_stream_seeded },
      { "scheduled_stream_seeded", test_scheduled_stream_seeded },
      { "rotating_chance", test_rotating_chance }, { "rotating_stream_seeded", test_rotating_stream_seeded },
      { "rotating_stream", test_rotating_stream }, { "rotating_night", test_rotating_night },
      { "offhours_allow_port", test_offhours_allow_port },
      { "exfil_allow_destinations", test_exfil_allow_destinations }, { "idle_arrival", test_idle_arrival },
      { "idle_stream_chatter", test_idle_stream_chatter }, { "median_sorts", test_median_sorts },
      { "sortkeys", test_sortkeys }, { "hours_keys", test_hours_keys }, { "series_keys", test_series_keys },
      { "episodes_acc", test_episodes_acc });

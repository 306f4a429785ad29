/* `dormant fingerprint webapps URL|FILE`: the web applications the rules
 * find on a live page (probed like a scan probes it: the page, its favicon,
 * the path asked for) or on a saved one (an HTTP response with its headers,
 * or bare HTML). For operators checking a page, and for the tests. */
#include "cmd/fingerprint-webapps.h"
#include "base/buf.h"
#include "base/datadir.h"
#include "base/escape.h"
#include "cmd/opts.h"
#include "probe/services.h"
#include "probe/webapps.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct one {
	struct obs_service s;
	bool got;
};

static void on_service(void *ctx, const struct obs_service *s)
{
	struct one *o = ctx;
	o->s = *s;
	o->got = true;
}

/* http://IP[:PORT][/PATH]: an address, not a name (no resolver is asked). */
static int parse_url(const char *url, struct service_target *t, bool *tls, char *path, size_t pn,
		     struct dm_err *e)
{
	*tls = !strncasecmp(url, "https://", 8);
	const char *h = url + (*tls ? 8 : 7), *slash = strchr(h, '/');
	size_t hl = slash ? (size_t)(slash - h) : strlen(h);
	char host[80];
	if (!hl || hl >= sizeof(host)) return dm_fail(e, DM_EINPUT, "%s: no address in the URL", url);
	memcpy(host, h, hl);
	host[hl] = 0;
	t->port = *tls ? 443 : 80;
	char *colon = strrchr(host, ':'), *addr = host;
	if (host[0] == '[') {
		char *rb = strchr(host, ']');
		if (!rb) return dm_fail(e, DM_EINPUT, "%s: unclosed [ in the address", url);
		*rb = 0;
		addr = host + 1;
		colon = rb[1] == ':' ? rb + 1 : NULL;
	} else if (colon && strchr(host, ':') != colon) {
		colon = NULL; /* a bare IPv6 address */
	}
	if (colon) {
		char *end;
		long p = strtol(colon + 1, &end, 10);
		if (*end || p < 1 || p > 65535) return dm_fail(e, DM_EINPUT, "%s: bad port", url);
		t->port = (uint16_t)p;
		if (addr == host) *colon = 0;
	}
	if (ipaddr_parse(addr, &t->ip) < 0)
		return dm_fail(e, DM_EINPUT, "%s: \"%s\" is not an IP address (names are not resolved)", url,
			       addr);
	snprintf(path, pn, "%s", slash ? slash : "/");
	return 0;
}

static int live(const char *url, const struct fp_set *fps, const struct wa_db *wa, struct obs_service *ret,
		struct dm_err *e)
{
	struct service_target t;
	bool tls;
	char path[200];
	int r;
	if ((r = parse_url(url, &t, &tls, path, sizeof(path), e)) < 0) return r;
	struct one o = { 0 };
	struct obs_sink sink = { .ctx = &o, .service = on_service };
	struct services_config c = { .fps = fps,
				     .wa = wa,
				     .web_path = path,
				     .web_tls = tls,
				     .max_inflight = 4,
				     .per_host = 2,
				     .sink = &sink };
	if ((r = services_probe_tcp(&c, &t, 1)) < 0) return dm_fail(e, r, "%s: no connection engine", url);
	if (!o.got || (strcmp(o.s.name, "http") && strcmp(o.s.name, "https")))
		return dm_fail(e, DM_EINPUT, "%s: no HTTP answer", url);
	*ret = o.s;
	return 0;
}

static int saved(const char *path, const struct fp_set *fps, const struct wa_db *wa, struct obs_service *ret,
		 struct dm_err *e)
{
	struct buf b = { 0 };
	int r = buf_read_file(&b, path, 16u << 20, "page", e);
	if (r < 0) return r;
	struct webpage pg;
	if (b.len >= 5 && !memcmp(b.data, "HTTP/", 5)) {
		if (webpage_parse_http((const uint8_t *)b.data, b.len, &pg) < 0) {
			buf_release(&b);
			return dm_fail(e, DM_EINPUT, "%s: byte 0: not an HTTP response", path);
		}
	} else {
		webpage_parse_html((const uint8_t *)b.data, b.len, &pg);
	}
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->info, sizeof(ret->info), "%s", pg.title);
	webapps_from_page(fps, wa, &pg, ret);
	webpage_free(&pg);
	buf_release(&b);
	return 0;
}

int fingerprint_webapps(const char *target, const struct fp_set *fps, const char *wadir, struct dm_err *e)
{
	struct wa_db wa = { 0 };
	int r;
	if (access(wadir, R_OK) == 0) {
		if ((r = wa_db_load(&wa, wadir, e)) < 0) goto out;
	} else {
		fprintf(stderr, "dormant: %s: no Wappalyzer rules (scripts/deps installs them); Recog only\n",
			wadir);
	}
	struct obs_service s;
	bool url = !strncasecmp(target, "http://", 7) || !strncasecmp(target, "https://", 8);
	if ((r = url ? live(target, fps, wa.n ? &wa : NULL, &s, e)
		     : saved(target, fps, wa.n ? &wa : NULL, &s, e)) < 0)
		goto out;
	FILE *t = term_open(stdout); /* names and versions come from the page */
	if (url)
		fprintf(t, "service: %s %s %s%s%s\n", s.name, s.product[0] ? s.product : "-",
			s.version[0] ? s.version : "", s.info[0] ? "; " : "", s.info);
	for (unsigned i = 0; i < s.n_apps; i++)
		fprintf(t, "%s\t%s\t%s\t%s\n", s.apps[i].name, s.apps[i].version[0] ? s.apps[i].version : "-",
			s.apps[i].cpe[0] ? s.apps[i].cpe : "-", s.apps[i].source);
	if (!s.n_apps) fprintf(t, "no web application found\n");
	term_close_stream(t);
	r = s.n_apps ? EXIT_OK : EXIT_FINDINGS;
out:
	wa_db_release(&wa);
	return r;
}

/* The allowlist applied to findings made or stored, and explained for one
 * host (allow-apply.h). */
#include "analyze/allow-apply.h"
#include "base/escape.h"
#include "base/json.h"
#include "base/util.h"
#include <string.h>

static void subject_of(const struct flowset *fs, const struct flowrec *r, const char *rule,
		       struct allow_subject *s)
{
	bool src_in = r->where & FREC_SRC_INTERNAL;
	*s = (struct allow_subject){
		.rule = rule,
		.host = src_in ? &r->src : &r->dst,
		.dst = src_in ? &r->dst : &r->src,
		/* a DNS question's name when the flow has no other (dns-tunnel, intel-match) */
		.name = r->name ? flowset_name(fs, r) : flowset_str(fs, flowset_extra(fs, r)->query),
		.country = r->cc,
		.port = r->dport
	};
}

static bool any_live(const struct allowlist *l, const char *rule, double now)
{
	for (size_t i = 0; i < l->n; i++)
		if (allow_entry_live(&l->v[i], rule, now)) return true;
	return false;
}

struct ev_ctx {
	const struct allowlist *l;
	const struct finding *f;
	double now;
	const struct allow_entry *hit; /* of the last record of the evidence */
};

/* Tries the entry against every destination the evidence names. */
static int on_evidence(void *ctx, const struct json *rec, const struct json *header, uint64_t offset,
		       struct dm_err *e)
{
	(void)header, (void)offset, (void)e;
	struct ev_ctx *c = ctx;
	const char *name = json_str(rec, "name"), *cc = json_str(rec, "country");
	if (!cc) cc = json_str(rec, "countries"); /* one country, or the first listed */
	char cc1[3] = "";
	if (cc && strlen(cc) >= 2) memcpy(cc1, cc, 2);
	double port = 0;
	json_num(rec, "dport", &port);
	struct ipaddr dst;
	const char *d = json_str(rec, "dst");
	bool have_dst = d && ipaddr_parse(d, &dst) == 0;
	const struct json *addrs = json_get(rec, "addresses");
	if (!have_dst && addrs && addrs->first && addrs->first->type == JSON_STRING)
		have_dst = ipaddr_parse(addrs->first->str, &dst) == 0;
	struct allow_subject s = { .rule = c->f->rule,
				   .host = &c->f->ip,
				   .dst = have_dst ? &dst : NULL,
				   .name = name,
				   .country = cc1,
				   .port = (uint16_t)(port > 0 && port < 65536 ? port : c->f->port) };
	c->hit = allowlist_match(c->l, &s, c->now);
	/* a finding about many destinations (exfil-volume): covered when every
	 * one is, and all of them are listed */
	const struct json *dests = json_get(rec, "destinations");
	double listed = -1;
	if (!c->hit && dests && dests->type == JSON_ARRAY && dests->n &&
	    json_num(rec, "destinations_n", &listed) && listed == (double)dests->n) {
		const struct allow_entry *first = NULL;
		bool all = true;
		json_each(x, dests)
		{
			struct ipaddr xd;
			const char *xs = json_str(x, "dst"), *xc = json_str(x, "country");
			double xp = 0;
			json_num(x, "dport", &xp);
			struct allow_subject xsub = { .rule = c->f->rule,
						      .host = &c->f->ip,
						      .dst = xs && ipaddr_parse(xs, &xd) == 0 ? &xd : NULL,
						      .name = json_str(x, "name"),
						      .country = xc,
						      .port = (uint16_t)(xp > 0 && xp < 65536 ? xp : 0) };
			const struct allow_entry *h = allowlist_match(c->l, &xsub, c->now);
			if (!h) {
				all = false;
				break;
			}
			if (!first) first = h;
		}
		if (all) c->hit = first;
	}
	/* a finding about every name under a domain (dns-tunnel): an entry
	 * whose name glob covers them all ("*.tun.example") or the domain */
	const char *parent = json_str(rec, "parent_domain");
	if (!c->hit && !name && parent && strlen(parent) < 256) {
		char any[260];
		snprintf(any, sizeof(any), "*.%s", parent);
		s.name = any;
		if (!(c->hit = allowlist_match(c->l, &s, c->now))) {
			s.name = parent;
			c->hit = allowlist_match(c->l, &s, c->now);
		}
	}
	return 0;
}

const struct allow_entry *allow_finding_entry(const struct allowlist *l, const struct finding *f, double now)
{
	if (!l->n || !f->has_ip || !any_live(l, f->rule, now)) return NULL;
	struct ev_ctx c = { l, f, now, NULL };
	struct json_stream js = { .record = on_evidence, .ctx = &c };
	struct dm_err e = { "" };
	if (!f->evidence || json_stream_mem(&js, f->evidence, strlen(f->evidence), "evidence", &e) < 0 ||
	    !js.records) {
		struct allow_subject s = { .rule = f->rule, .host = &f->ip, .port = f->port };
		return allowlist_match(l, &s, now);
	}
	return c.hit;
}

size_t allow_findings(const struct allowlist *l, struct findings *fs, size_t from, double now)
{
	if (!l->n) return 0;
	size_t m = from, dropped = 0;
	for (size_t i = from; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		if (allow_finding_entry(l, f, now)) {
			free(f->evidence);
			free(f->remediation);
			free(f->path);
			dropped++;
			continue;
		}
		fs->v[m++] = *f;
	}
	fs->n = m;
	return dropped;
}

void allow_explain(const struct traffic_input *in, const struct ipaddr *host, const struct findings *found,
		   double now, FILE *out)
{
	const struct flowset *fs = in->flows;
	const struct allowlist *l = &in->cfg->allow;
	char h[IPADDR_STRLEN];
	ipaddr_fmt(host, h, sizeof(h));
	size_t own = 0;
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		own += ((r->where & FREC_SRC_INTERNAL) && !ipaddr_cmp(&r->src, host)) ||
		       ((r->where & FREC_DST_INTERNAL) && !ipaddr_cmp(&r->dst, host));
	}
	fprintf(out, "%s: %zu flows%s\n", h, own, own ? "" : " (not an internal host of these flows?)");
	size_t *hid = xcalloc(l->n + 1, sizeof(*hid));
	struct buf b = BUF_INIT;
	for (size_t k = 0; k < traffic_rules_count; k++) {
		const char *rule = traffic_rules[k].id;
		memset(hid, 0, (l->n + 1) * sizeof(*hid));
		size_t judged = 0;
		for (size_t i = 0; i < fs->n; i++) {
			const struct flowrec *r = &fs->v[i];
			if (!r->where) continue;
			struct allow_subject s;
			subject_of(fs, r, rule, &s);
			if (ipaddr_cmp(s.host, host)) continue;
			const struct allow_entry *e = allowlist_match(l, &s, now);
			if (e) hid[e - l->v]++;
			judged++;
		}
		size_t nf = 0;
		for (size_t i = 0; found && i < found->n; i++)
			nf += found->v[i].has_ip && !ipaddr_cmp(&found->v[i].ip, host) &&
			      !strcmp(found->v[i].rule, rule);
		fprintf(out, "  %-28s %zu flows judged, %zu finding%s\n", rule, judged, nf,
			nf == 1 ? "" : "s");
		for (size_t i = 0; i < l->n; i++) {
			if (!hid[i]) continue;
			fprintf(out, "    %zu flows match [allow %s] (judged all the same): ", hid[i],
				term_str(&b, l->v[i].name));
			fprintf(out, "%s\n", term_str(&b, l->v[i].reason));
		}
	}
	free(hid);
	for (size_t i = 0; found && i < found->n; i++) {
		const struct finding *f = &found->v[i];
		if (!f->has_ip || ipaddr_cmp(&f->ip, host)) continue;
		fprintf(out, "  finding %s (%s): %s\n", f->rule, severity_name(f->severity),
			term_str(&b, f->title));
		const struct allow_entry *a = allow_finding_entry(l, f, now);
		if (!a) continue;
		fprintf(out, "    suppressed by [allow %s]: ", term_str(&b, a->name));
		fprintf(out, "%s\n", term_str(&b, a->reason));
	}
	buf_release(&b);
}

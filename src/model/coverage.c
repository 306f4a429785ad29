/* What a run covered (targets, ports, checks), its stored text form, and
 * the overlap of two runs: the only part where a change may be stated. */
#include "model/coverage.h"
#include "base/util.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const check_names[] = { "discover",    "ports",   "services", "vulns",
					   "credentials", "traffic", "register", "use" };

static int cmp_v6(const void *a, const void *b) { return memcmp(a, b, sizeof(struct in6_addr)); }

static void copy_ports(uint16_t **dst, size_t *n_dst, const uint16_t *src, size_t n)
{
	*dst = n ? xmalloc(n * sizeof(**dst)) : NULL;
	if (n) memcpy(*dst, src, n * sizeof(**dst));
	*n_dst = n;
}

void coverage_set(struct coverage *c, const struct rangeset *v4, const struct in6_addr *v6, size_t n_v6,
		  const struct portlist *ports, unsigned checks)
{
	*c = (struct coverage){ .known = true, .checks = checks };
	for (size_t i = 0; v4 && i < v4->n; i++) rangeset_add(&c->v4, v4->r[i].lo, v4->r[i].hi);
	rangeset_normalize(&c->v4);
	if (n_v6) {
		c->v6 = xmalloc(n_v6 * sizeof(*c->v6));
		memcpy(c->v6, v6, n_v6 * sizeof(*c->v6));
		qsort(c->v6, n_v6, sizeof(*c->v6), cmp_v6);
	}
	c->n_v6 = n_v6;
	if (ports) {
		copy_ports(&c->ports.tcp, &c->ports.n_tcp, ports->tcp, ports->n_tcp);
		copy_ports(&c->ports.udp, &c->ports.n_udp, ports->udp, ports->n_udp);
	}
}

void coverage_release(struct coverage *c)
{
	rangeset_release(&c->v4);
	free(c->v6);
	portlist_release(&c->ports);
	*c = (struct coverage){ 0 };
}

uint64_t coverage_addrs(const struct coverage *c)
{
	uint64_t n = c->n_v6;
	for (size_t i = 0; i < c->v4.n; i++) n += (uint64_t)c->v4.r[i].hi - c->v4.r[i].lo + 1;
	return n;
}

bool coverage_has_addr(const struct coverage *c, const struct ipaddr *ip)
{
	if (ip->family == AF_INET) return rangeset_contains(&c->v4, ip->v4);
	return c->n_v6 && bsearch(&ip->v6, c->v6, c->n_v6, sizeof(*c->v6), cmp_v6);
}

static int cmp_u16(const void *a, const void *b) { return (int)*(const uint16_t *)a - *(const uint16_t *)b; }

bool coverage_has_port(const struct coverage *c, enum proto p, uint16_t port)
{
	const uint16_t *v = p == PROTO_UDP ? c->ports.udp : c->ports.tcp;
	size_t n = p == PROTO_UDP ? c->ports.n_udp : c->ports.n_tcp;
	return n && bsearch(&port, v, n, sizeof(*v), cmp_u16);
}

/* "22,80,8000-8100": runs collapsed. */
static void put_ports(struct buf *b, const char *prefix, const uint16_t *v, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && v[j + 1] == v[j] + 1) j++;
		buf_printf(b, "%s%s%u", b->len ? "," : "", i == 0 ? prefix : "", v[i]);
		if (j > i) buf_printf(b, "-%u", v[j]);
		i = j + 1;
	}
}

void coverage_checks_names(unsigned checks, const char *sep, struct buf *out)
{
	bool first = true;
	for (size_t i = 0; i < ARRAY_SIZE(check_names); i++)
		if (checks & (1u << i)) {
			buf_printf(out, "%s%s", first ? "" : sep, check_names[i]);
			first = false;
		}
}

void coverage_format(const struct coverage *c, struct buf *targets, struct buf *ports, struct buf *checks)
{
	char a[IPADDR_STRLEN], b[IPADDR_STRLEN];
	for (size_t i = 0; i < c->v4.n; i++) {
		ipv4_fmt(c->v4.r[i].lo, a, sizeof(a));
		ipv4_fmt(c->v4.r[i].hi, b, sizeof(b));
		if (c->v4.r[i].lo == c->v4.r[i].hi)
			buf_printf(targets, "%s%s", targets->len ? "," : "", a);
		else
			buf_printf(targets, "%s%s-%s", targets->len ? "," : "", a, b);
	}
	for (size_t i = 0; i < c->n_v6; i++)
		if (inet_ntop(AF_INET6, &c->v6[i], a, sizeof(a)))
			buf_printf(targets, "%s%s", targets->len ? "," : "", a);
	put_ports(ports, "T:", c->ports.tcp, c->ports.n_tcp);
	put_ports(ports, "U:", c->ports.udp, c->ports.n_udp);
	coverage_checks_names(c->checks, ",", checks);
	/* every buffer holds a string, also when empty */
	buf_puts(targets, "");
	buf_puts(ports, "");
	buf_puts(checks, "");
}

static int parse_targets(struct coverage *c, const char *s)
{
	size_t cap = 0;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		char item[2 * IPADDR_STRLEN];
		if (len == 0 || len >= sizeof(item)) return DM_EINPUT;
		memcpy(item, s, len);
		item[len] = 0;
		struct in6_addr v6;
		struct in_addr lo, hi;
		char *dash = strchr(item, '-');
		if (strchr(item, ':')) {
			if (inet_pton(AF_INET6, item, &v6) != 1) return DM_EINPUT;
			if (c->n_v6 == cap)
				c->v6 = xrealloc(c->v6, (cap = cap ? cap * 2 : 8) * sizeof(*c->v6));
			c->v6[c->n_v6++] = v6;
		} else {
			if (dash) *dash = 0;
			if (inet_pton(AF_INET, item, &lo) != 1 ||
			    inet_pton(AF_INET, dash ? dash + 1 : item, &hi) != 1)
				return DM_EINPUT;
			rangeset_add(&c->v4, ntohl(lo.s_addr), ntohl(hi.s_addr));
		}
		s += len + (end ? 1 : 0);
	}
	rangeset_normalize(&c->v4);
	if (c->n_v6) qsort(c->v6, c->n_v6, sizeof(*c->v6), cmp_v6);
	return 0;
}

static int parse_checks(const char *s, unsigned *ret)
{
	*ret = 0;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		size_t i = 0;
		while (i < ARRAY_SIZE(check_names) &&
		       (strlen(check_names[i]) != len || memcmp(check_names[i], s, len)))
			i++;
		if (i == ARRAY_SIZE(check_names)) return DM_EINPUT; /* a check a newer dormant made */
		*ret |= 1u << i;
		s += len + (end ? 1 : 0);
	}
	return 0;
}

int coverage_parse(struct coverage *c, const char *targets, const char *ports, const char *checks)
{
	*c = (struct coverage){ 0 };
	int r = parse_targets(c, targets ? targets : "");
	if (r == 0 && ports && *ports)
		r = portlist_parse(&c->ports, ports, PROTO_TCP, NULL) < 0 ? DM_EINPUT : 0;
	if (r == 0) r = parse_checks(checks ? checks : "", &c->checks);
	if (r < 0) {
		coverage_release(c);
		return r;
	}
	c->known = true;
	return 0;
}

/* Sorted arrays: the common elements into both (may be NULL), the count of a's alone. */
static size_t ports_common(const uint16_t *a, size_t na, const uint16_t *b, size_t nb, uint16_t **both,
			   size_t *n_both)
{
	size_t i = 0, j = 0, only_a = 0;
	*both = na && nb ? xmalloc(MIN(na, nb) * sizeof(**both)) : NULL;
	*n_both = 0;
	while (i < na) {
		if (j == nb || a[i] < b[j]) {
			only_a++, i++;
		} else if (a[i] > b[j]) {
			j++;
		} else {
			(*both)[(*n_both)++] = a[i];
			i++, j++;
		}
	}
	return only_a;
}

static void v6_common(const struct coverage *a, const struct coverage *b, struct coverage *both)
{
	both->v6 = a->n_v6 ? xmalloc(a->n_v6 * sizeof(*both->v6)) : NULL;
	for (size_t i = 0; i < a->n_v6; i++)
		if (b->n_v6 && bsearch(&a->v6[i], b->v6, b->n_v6, sizeof(*b->v6), cmp_v6))
			both->v6[both->n_v6++] = a->v6[i];
}

void coverage_intersect(const struct coverage *a, const struct coverage *b, struct coverage_overlap *o)
{
	*o = (struct coverage_overlap){
		.a_known = a->known, .b_known = b->known, .checks_a = a->checks, .checks_b = b->checks
	};
	if (!a->known || !b->known) return;
	o->known = true;
	struct coverage *both = &o->both;
	both->known = true;
	both->checks = a->checks & b->checks;
	/* a and b = a minus (a minus b) */
	struct rangeset a_minus_b = { 0 };
	for (size_t i = 0; i < a->v4.n; i++) rangeset_add(&a_minus_b, a->v4.r[i].lo, a->v4.r[i].hi);
	rangeset_normalize(&a_minus_b);
	rangeset_subtract(&a_minus_b, &b->v4);
	for (size_t i = 0; i < a->v4.n; i++) rangeset_add(&both->v4, a->v4.r[i].lo, a->v4.r[i].hi);
	rangeset_normalize(&both->v4);
	rangeset_subtract(&both->v4, &a_minus_b);
	rangeset_release(&a_minus_b);
	v6_common(a, b, both);
	uint64_t n_both = coverage_addrs(both);
	o->addrs_only_a = coverage_addrs(a) - n_both;
	o->addrs_only_b = coverage_addrs(b) - n_both;
	o->ports_only_a = ports_common(a->ports.tcp, a->ports.n_tcp, b->ports.tcp, b->ports.n_tcp,
				       &both->ports.tcp, &both->ports.n_tcp) +
			  ports_common(a->ports.udp, a->ports.n_udp, b->ports.udp, b->ports.n_udp,
				       &both->ports.udp, &both->ports.n_udp);
	size_t nb = both->ports.n_tcp + both->ports.n_udp;
	o->ports_only_b = b->ports.n_tcp + b->ports.n_udp - nb;
}

void coverage_overlap_release(struct coverage_overlap *o)
{
	coverage_release(&o->both);
	*o = (struct coverage_overlap){ 0 };
}

bool coverage_overlaps(const struct coverage *a, const struct coverage *b)
{
	if (!a->known || !b->known) return true;
	struct coverage_overlap o;
	coverage_intersect(a, b, &o);
	bool any = coverage_addrs(&o.both) > 0;
	coverage_overlap_release(&o);
	return any;
}

/* The rules of docs/ARCHITECTURE.md and the checks that produce them. */
static const struct {
	const char *rule;
	unsigned checks;
	bool scoped; /* about a scanned target (its address and port) */
} rule_checks[] = {
	{ "vulnerable-service", CHECK_SERVICES | CHECK_VULNS, true },
	{ "known-exploited", CHECK_SERVICES | CHECK_VULNS, true },
	{ "outdated-tls", CHECK_SERVICES, true },
	{ "default-credentials", CHECK_SERVICES | CHECK_CREDS, true },
	{ "anonymous-access", CHECK_SERVICES | CHECK_CREDS, true },
	{ "idle-host", CHECK_DISCOVER | CHECK_REGISTER | CHECK_USE, true },
	{ "unused-port", CHECK_PORTS | CHECK_REGISTER | CHECK_USE, true },
	{ "unregistered-host", CHECK_DISCOVER | CHECK_REGISTER, true },
	{ "asset-readdressed", CHECK_DISCOVER, true },
	{ "decommissioned-alive", CHECK_DISCOVER | CHECK_REGISTER, true },
	{ "expired-test-device", CHECK_DISCOVER | CHECK_REGISTER, true },
	{ "unexpected-service", CHECK_SERVICES | CHECK_REGISTER, true },
	{ "beacon", CHECK_TRAFFIC, false },
	{ "offhours-foreign-encrypted", CHECK_TRAFFIC, false },
	{ "rotating-destinations", CHECK_TRAFFIC, false },
	{ "exfil-volume", CHECK_TRAFFIC, false },
	{ "idle-device-active", CHECK_TRAFFIC, false },
	{ "lateral-from-idle", CHECK_TRAFFIC, false },
};

unsigned coverage_rule_checks(const char *rule)
{
	for (size_t i = 0; i < ARRAY_SIZE(rule_checks); i++)
		if (!strcmp(rule_checks[i].rule, rule)) return rule_checks[i].checks;
	return CHECK_ALL;
}

bool coverage_rule_scoped(const char *rule)
{
	for (size_t i = 0; i < ARRAY_SIZE(rule_checks); i++)
		if (!strcmp(rule_checks[i].rule, rule)) return rule_checks[i].scoped;
	return true;
}

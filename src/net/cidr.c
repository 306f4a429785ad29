/* Address prefixes and prefix lists (cidr.h): parsing and membership. */
#include "net/cidr.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void clear_host_bits(struct ipaddr *a, int bits)
{
	if (a->family == AF_INET) {
		a->v4 = bits ? a->v4 & (0xffffffffu << (32 - bits)) : 0;
		return;
	}
	for (int i = 0; i < 16; i++) {
		int keep = bits - 8 * i;
		a->v6.s6_addr[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
}

int cidr_parse(const char *s, struct cidr *ret, struct dm_err *e)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	if (hl == 0 || hl >= sizeof(host))
		return dm_fail(e, DM_EINPUT, "\"%s\": not an address or prefix", s);
	memcpy(host, s, hl);
	host[hl] = 0;
	if (ipaddr_parse(host, &ret->net) < 0)
		return dm_fail(e, DM_EINPUT, "\"%s\": not an address or prefix", s);
	int max = ret->net.family == AF_INET ? 32 : 128;
	ret->bits = max;
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || b < 0 || b > max)
			return dm_fail(e, DM_EINPUT, "\"%s\": prefix length must be 0-%d", s, max);
		ret->bits = (int)b;
	}
	clear_host_bits(&ret->net, ret->bits);
	return 0;
}

bool cidr_contains(const struct cidr *c, const struct ipaddr *a)
{
	if (a->family != c->net.family) return false;
	struct ipaddr m = *a;
	clear_host_bits(&m, c->bits);
	return m.family == AF_INET ? m.v4 == c->net.v4 : !memcmp(&m.v6, &c->net.v6, 16);
}

void cidr_fmt(const struct cidr *c, char *out, size_t n)
{
	char a[IPADDR_STRLEN];
	ipaddr_fmt(&c->net, a, sizeof(a));
	snprintf(out, n, "%s/%d", a, c->bits);
}

void cidr_list_add(struct cidr_list *l, const struct cidr *c)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *c;
}

int cidr_list_parse(struct cidr_list *l, const char *s, const char *where, struct dm_err *e)
{
	char *copy = xstrdup(s), *save = NULL;
	int r = 0, n = 0;
	for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		struct cidr c;
		struct dm_err pe = { "" };
		if ((r = cidr_parse(tok, &c, &pe)) < 0) {
			r = dm_fail(e, DM_EINPUT, "%s: %s", where, pe.msg);
			break;
		}
		cidr_list_add(l, &c);
		n++;
	}
	if (r == 0 && n == 0) r = dm_fail(e, DM_EINPUT, "%s: no address prefix given", where);
	free(copy);
	return r;
}

bool cidr_list_contains(const struct cidr_list *l, const struct ipaddr *a)
{
	for (size_t i = 0; i < l->n; i++)
		if (cidr_contains(&l->v[i], a)) return true;
	return false;
}

void cidr_list_release(struct cidr_list *l)
{
	free(l->v);
	*l = (struct cidr_list){ 0 };
}

/* Parsing of target specifications and building of the final target set. */
#include "net/targets.h"
#include "base/util.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_V6 (1u << 20) /* single IPv6 addresses in one scan */
#define MAX_OCTET_RANGES (1u << 22)

static void v6_push(struct in6_addr **v, size_t *n, size_t *cap, const struct in6_addr *a)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = *a;
}

static int parse_uint(const char *s, size_t len, unsigned max, unsigned *ret)
{
	if (len == 0 || len > 10) return DM_EINPUT;
	unsigned long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) return DM_EINPUT;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max) return DM_EINPUT;
	*ret = (unsigned)v;
	return 0;
}

/* One octet of an nmap-style pattern: "*", "n", "n-m", lists joined by ','. */
static int parse_octet(const char *s, size_t len, uint8_t set[32])
{
	memset(set, 0, 32);
	if (len == 1 && s[0] == '*') {
		memset(set, 0xff, 32);
		return 0;
	}
	const char *end = s + len;
	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *item_end = comma ? comma : end;
		const char *dash = memchr(s, '-', (size_t)(item_end - s));
		unsigned lo, hi;
		if (dash) {
			if (parse_uint(s, (size_t)(dash - s), 255, &lo) < 0 && dash != s) return DM_EINPUT;
			if (dash == s) lo = 0;
			if (dash + 1 == item_end)
				hi = 255;
			else if (parse_uint(dash + 1, (size_t)(item_end - dash - 1), 255, &hi) < 0)
				return DM_EINPUT;
		} else {
			if (parse_uint(s, (size_t)(item_end - s), 255, &lo) < 0) return DM_EINPUT;
			hi = lo;
		}
		if (lo > hi) return DM_EINPUT;
		for (unsigned v = lo; v <= hi; v++) set[v / 8] |= (uint8_t)(1u << (v % 8));
		s = comma ? comma + 1 : end;
		if (comma && s == end) return DM_EINPUT;
	}
	return 0;
}

#define IN_SET(set, v) ((set)[(v) / 8] & (1u << ((v) % 8)))

static int add_octet_pattern(struct rangeset *rs, const char *spec, size_t *added)
{
	uint8_t sets[4][32];
	const char *p = spec;
	for (int i = 0; i < 4; i++) {
		const char *dot = strchr(p, '.');
		if ((i < 3) != (dot != NULL)) return DM_EINPUT;
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (parse_octet(p, len, sets[i]) < 0) return DM_EINPUT;
		p = dot ? dot + 1 : p + len;
	}
	/* Refuse before looping: the first three octets decide how many /24s are walked. */
	uint64_t blocks = 1;
	for (int i = 0; i < 3; i++) {
		unsigned cnt = 0;
		for (unsigned v = 0; v < 256; v++) cnt += IN_SET(sets[i], v) ? 1 : 0;
		blocks *= cnt;
	}
	if (blocks > MAX_OCTET_RANGES / 4) return DM_ETOOBIG;
	*added = 0;
	for (unsigned a = 0; a < 256; a++) {
		if (!IN_SET(sets[0], a)) continue;
		for (unsigned b = 0; b < 256; b++) {
			if (!IN_SET(sets[1], b)) continue;
			for (unsigned c = 0; c < 256; c++) {
				if (!IN_SET(sets[2], c)) continue;
				uint32_t base = (a << 24) | (b << 16) | (c << 8);
				for (unsigned d = 0; d < 256; d++) {
					if (!IN_SET(sets[3], d)) continue;
					unsigned e = d;
					while (e + 1 < 256 && IN_SET(sets[3], e + 1)) e++;
					if (++*added > MAX_OCTET_RANGES) return DM_ETOOBIG;
					rangeset_add(rs, base | d, base | e);
					d = e;
				}
			}
		}
	}
	return 0;
}

static bool looks_like_hostname(const char *s)
{
	bool alpha = false;
	for (; *s; s++) {
		if (isalpha((unsigned char)*s))
			alpha = true;
		else if (!isdigit((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	}
	return alpha;
}

/* Parses one spec into v4 ranges and v6 addresses. */
static int parse_spec(const char *spec, const char *where, struct rangeset *rs, struct in6_addr **v6,
		      size_t *n6, size_t *cap6, struct dm_err *e)
{
	struct ipaddr a;
	const char *slash = strchr(spec, '/');
	if (*spec == 0) return dm_fail(e, DM_EINPUT, "%s: empty target", where);
	if (slash) {
		char host[INET6_ADDRSTRLEN + 1];
		size_t hl = (size_t)(slash - spec);
		unsigned len;
		if (hl >= sizeof(host))
			return dm_fail(e, DM_EINPUT, "%s: \"%s\": not an address/prefix", where, spec);
		memcpy(host, spec, hl);
		host[hl] = 0;
		if (ipaddr_parse(host, &a) < 0)
			return dm_fail(e, DM_EINPUT, "%s: \"%s\": \"%s\" is not an IP address", where, spec,
				       host);
		unsigned max = a.family == AF_INET ? 32 : 128;
		if (parse_uint(slash + 1, strlen(slash + 1), max, &len) < 0)
			return dm_fail(e, DM_EINPUT, "%s: \"%s\": prefix length must be 0-%u", where, spec,
				       max);
		if (a.family == AF_INET) {
			uint32_t mask = len ? ~(uint32_t)0 << (32 - len) : 0;
			rangeset_add(rs, a.v4 & mask, (a.v4 & mask) | ~mask);
			return 0;
		}
		if (len < 112)
			return dm_fail(e, DM_ETOOBIG,
				       "%s: \"%s\": IPv6 prefixes shorter than /112 are too large to sweep",
				       where, spec);
		unsigned hostbits = 128 - len;
		uint32_t count = 1u << hostbits;
		if (*n6 + count > MAX_V6) return dm_fail(e, DM_ETOOBIG, "%s: too many IPv6 targets", where);
		for (uint32_t i = 0; i < count; i++) {
			struct in6_addr x = a.v6;
			uint32_t low = ((uint32_t)x.s6_addr[14] << 8 | x.s6_addr[15]);
			if (hostbits < 16)
				low &= ~((1u << hostbits) - 1);
			else
				low = 0;
			low |= i;
			x.s6_addr[14] = (uint8_t)(low >> 8);
			x.s6_addr[15] = (uint8_t)low;
			v6_push(v6, n6, cap6, &x);
		}
		return 0;
	}
	if (ipaddr_parse(spec, &a) == 0) {
		if (a.family == AF_INET)
			rangeset_add(rs, a.v4, a.v4);
		else {
			if (*n6 >= MAX_V6) return dm_fail(e, DM_ETOOBIG, "%s: too many IPv6 targets", where);
			v6_push(v6, n6, cap6, &a.v6);
		}
		return 0;
	}
	const char *dash = strchr(spec, '-');
	if (dash) { /* full range a.b.c.d-e.f.g.h */
		struct ipaddr b;
		char first[INET6_ADDRSTRLEN + 1];
		size_t fl = (size_t)(dash - spec);
		if (fl < sizeof(first) && ipaddr_parse(dash + 1, &b) == 0 && b.family == AF_INET) {
			memcpy(first, spec, fl);
			first[fl] = 0;
			if (ipaddr_parse(first, &a) < 0 || a.family != AF_INET)
				return dm_fail(e, DM_EINPUT, "%s: \"%s\": bad range start", where, spec);
			if (a.v4 > b.v4)
				return dm_fail(e, DM_EINPUT, "%s: \"%s\": range ends before it starts", where,
					       spec);
			rangeset_add(rs, a.v4, b.v4);
			return 0;
		}
	}
	if (strspn(spec, "0123456789.,-*") == strlen(spec)) {
		size_t added;
		int r = add_octet_pattern(rs, spec, &added);
		if (r == DM_ETOOBIG)
			return dm_fail(e, r, "%s: \"%s\": pattern expands to too many ranges", where, spec);
		if (r < 0)
			return dm_fail(e, r, "%s: \"%s\": not an address, CIDR block, range or octet pattern",
				       where, spec);
		return 0;
	}
	if (looks_like_hostname(spec)) {
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
		int g = getaddrinfo(spec, NULL, &hints, &res);
		if (g != 0)
			return dm_fail(e, DM_EINPUT, "%s: \"%s\": cannot resolve: %s", where, spec,
				       gai_strerror(g));
		for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
			if (ai->ai_family == AF_INET)
				rangeset_add(rs, ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr),
					     ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr));
			else if (ai->ai_family == AF_INET6 && *n6 < MAX_V6)
				v6_push(v6, n6, cap6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
		}
		freeaddrinfo(res);
		return 0;
	}
	return dm_fail(e, DM_EINPUT, "%s: \"%s\": not an address, CIDR block, range or host name", where,
		       spec);
}

int targets_add(struct targets *t, const char *spec, const char *where, struct dm_err *e)
{
	struct rangeset rs = { 0 };
	int r = parse_spec(spec, where, &rs, &t->v6, &t->n_v6, &t->cap_v6, e);
	for (size_t i = 0; r == 0 && i < rs.n; i++) {
		rangeset_add(&t->v4, rs.r[i].lo, rs.r[i].hi);
		if (t->n_origins == t->cap_origins) {
			t->cap_origins = t->cap_origins ? t->cap_origins * 2 : 16;
			t->origins = xrealloc(t->origins, t->cap_origins * sizeof(*t->origins));
		}
		/* Only the first range of a spec keeps the name; enough for messages. */
		t->origins[t->n_origins++] =
		    (struct origin){ rs.r[i].lo, rs.r[i].hi, i == 0 ? xstrdup(spec) : NULL };
	}
	rangeset_release(&rs);
	return r;
}

int targets_exclude(struct targets *t, const char *spec, const char *where, struct dm_err *e)
{
	return parse_spec(spec, where, &t->excl_v4, &t->excl_v6, &t->n_excl_v6, &t->cap_excl_v6, e);
}

int targets_add_file(struct targets *t, const char *path, bool exclude, struct dm_err *e)
{
	/* "-" is standard input, as in nmap (-iL -): read, never closed here */
	bool is_stdin = !strcmp(path, "-");
	_cleanup_fclose_ FILE *opened = is_stdin ? NULL : fopen(path, "r");
	FILE *f = is_stdin ? stdin : opened;
	if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	if (is_stdin) path = "standard input";
	char line[4096];
	unsigned lineno = 0, specs = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n')
			return dm_fail(e, DM_EINPUT, "%s:%u: line longer than %zu bytes", path, lineno,
				       sizeof(line) - 2);
		char *hash = strchr(line, '#');
		if (hash) *hash = 0;
		char *save = NULL;
		for (char *tok = strtok_r(line, " \t\r\n,", &save); tok;
		     tok = strtok_r(NULL, " \t\r\n,", &save)) {
			char where[300];
			snprintf(where, sizeof(where), "%s:%u", path, lineno);
			int r = exclude ? targets_exclude(t, tok, where, e) : targets_add(t, tok, where, e);
			if (r < 0) return r;
			specs++;
		}
	}
	if (ferror(f)) return dm_fail(e, -EIO, "%s: read error", path);
	if (!exclude && specs == 0) return dm_fail(e, DM_EEMPTY, "%s: no targets in file", path);
	return 0;
}

static int cmp_v6(const void *a, const void *b) { return memcmp(a, b, sizeof(struct in6_addr)); }

static size_t sort_unique_v6(struct in6_addr *v, size_t n)
{
	if (n < 2) return n;
	qsort(v, n, sizeof(*v), cmp_v6);
	size_t w = 1;
	for (size_t i = 1; i < n; i++)
		if (memcmp(&v[i], &v[w - 1], sizeof(*v))) v[w++] = v[i];
	return w;
}

static const char *origin_of(const struct targets *t, uint32_t a)
{
	const char *name = NULL;
	for (size_t i = 0; i < t->n_origins; i++) {
		if (t->origins[i].spec) name = t->origins[i].spec;
		if (a >= t->origins[i].lo && a <= t->origins[i].hi) return name ? name : "?";
	}
	return "?";
}

int targets_finalize(struct targets *t, bool allow_public, struct dm_err *e)
{
	rangeset_normalize(&t->v4);
	rangeset_normalize(&t->excl_v4);
	rangeset_subtract(&t->v4, &t->excl_v4);
	rangeset_index(&t->v4);
	uint64_t before = t->v4.count;
	for (size_t i = 0; i < ipv4_never_count; i++)
		rangeset_subtract_one(&t->v4, ipv4_never[i][0], ipv4_never[i][1]);
	rangeset_index(&t->v4);
	t->removed_never = before - t->v4.count;

	t->n_excl_v6 = sort_unique_v6(t->excl_v6, t->n_excl_v6);
	t->n_v6 = sort_unique_v6(t->v6, t->n_v6);
	size_t w = 0;
	for (size_t i = 0; i < t->n_v6; i++) {
		if (ipv6_is_never(&t->v6[i])) {
			t->removed_never++;
			continue;
		}
		if (t->n_excl_v6 && bsearch(&t->v6[i], t->excl_v6, t->n_excl_v6, sizeof(*t->v6), cmp_v6))
			continue;
		t->v6[w++] = t->v6[i];
	}
	t->n_v6 = w;

	if (!allow_public) {
		struct rangeset pub = { 0 };
		for (size_t i = 0; i < t->v4.n; i++) rangeset_add(&pub, t->v4.r[i].lo, t->v4.r[i].hi);
		rangeset_normalize(&pub);
		for (size_t i = 0; i < ipv4_nonpublic_count; i++)
			rangeset_subtract_one(&pub, ipv4_nonpublic[i][0], ipv4_nonpublic[i][1]);
		if (pub.n) {
			char s[IPADDR_STRLEN];
			uint32_t first = pub.r[0].lo;
			ipv4_fmt(first, s, sizeof(s));
			int r =
			    dm_fail(e, DM_EPUBLIC,
				    "target \"%s\": %s is a public address; pass --allow-public to scan it",
				    origin_of(t, first), s);
			rangeset_release(&pub);
			return r;
		}
		rangeset_release(&pub);
		for (size_t i = 0; i < t->n_v6; i++)
			if (ipv6_is_public(&t->v6[i])) {
				char s[IPADDR_STRLEN];
				inet_ntop(AF_INET6, &t->v6[i], s, sizeof(s));
				return dm_fail(
				    e, DM_EPUBLIC,
				    "target %s is a public address; pass --allow-public to scan it", s);
			}
	}
	if (targets_count(t) == 0)
		return dm_fail(e, DM_EEMPTY, "the targets resolve to no address to scan (after exclusions%s)",
			       t->removed_never ? " and removing multicast/broadcast/reserved addresses"
						: "");
	return 0;
}

uint64_t targets_count(const struct targets *t) { return t->v4.count + t->n_v6; }

bool targets_is_excluded_v4(const struct targets *t, uint32_t a) { return rangeset_contains(&t->excl_v4, a); }

bool targets_contains(const struct targets *t, const struct ipaddr *a)
{
	if (a->family == AF_INET) return rangeset_contains(&t->v4, a->v4);
	return t->n_v6 && bsearch(&a->v6, t->v6, t->n_v6, sizeof(*t->v6), cmp_v6);
}

void targets_release(struct targets *t)
{
	rangeset_release(&t->v4);
	rangeset_release(&t->excl_v4);
	free(t->v6);
	free(t->excl_v6);
	for (size_t i = 0; i < t->n_origins; i++) free(t->origins[i].spec);
	free(t->origins);
	memset(t, 0, sizeof(*t));
}

bool targets_within(const struct targets *t, const struct cidr_list *l, struct ipaddr *ret_outside)
{
	struct rangeset in = { 0 }, left = { 0 };
	for (size_t i = 0; i < l->n; i++) {
		const struct cidr *c = &l->v[i];
		if (c->net.family != AF_INET) continue;
		uint32_t size = c->bits >= 32 ? 0 : ~0u >> c->bits;
		rangeset_add(&in, c->net.v4, c->net.v4 | size);
	}
	for (size_t i = 0; i < t->v4.n; i++) rangeset_add(&left, t->v4.r[i].lo, t->v4.r[i].hi);
	rangeset_normalize(&in);
	rangeset_normalize(&left);
	rangeset_subtract(&left, &in);
	bool ok = left.n == 0;
	if (!ok) *ret_outside = ipaddr_v4(left.r[0].lo);
	rangeset_release(&in);
	rangeset_release(&left);
	for (size_t i = 0; ok && i < t->n_v6; i++) {
		struct ipaddr a = { .family = AF_INET6, .v6 = t->v6[i] };
		if (!cidr_list_contains(l, &a)) {
			*ret_outside = a;
			ok = false;
		}
	}
	return ok;
}

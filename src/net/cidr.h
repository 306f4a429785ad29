/* Address prefixes (10.20.0.0/24, fd00::/8) and lists of them, for policy:
 * which addresses are internal, which belong to a protected segment. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "net/addr.h"

struct cidr {
	struct ipaddr net; /* host bits cleared */
	int bits;
};

struct cidr_list {
	struct cidr *v;
	size_t n, cap;
};

/* "a.b.c.d/n", "x::/n" or a bare address (a /32 or /128). */
int cidr_parse(const char *s, struct cidr *ret, struct dm_err *e);
bool cidr_contains(const struct cidr *c, const struct ipaddr *a);
void cidr_fmt(const struct cidr *c, char *out, size_t n);
/* A comma- or space-separated list, appended to l; where names the input. */
int cidr_list_parse(struct cidr_list *l, const char *s, const char *where, struct dm_err *e);
void cidr_list_add(struct cidr_list *l, const struct cidr *c);
bool cidr_list_contains(const struct cidr_list *l, const struct ipaddr *a);
void cidr_list_release(struct cidr_list *l);

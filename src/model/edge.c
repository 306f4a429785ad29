/* Edge port mappings (edge.h): the set, and the conversion of a gateway's
 * answer (the client library's strings) into checked fields. */
#include "model/edge.h"
#include "base/err.h"
#include "base/util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const method_names[] = { "upnp", "natpmp", "pcp" };
static const char *const open_names[] = { "untested", "refused", "accepted" };

const char *edge_method_name(enum edge_method m) { return (unsigned)m < 3 ? method_names[m] : "?"; }

int edge_method_parse(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, method_names[i])) return i;
	return -1;
}

const char *edge_open_name(enum edge_open o) { return (unsigned)o < 3 ? open_names[o] : "?"; }

size_t edge_set_add_gateway(struct edge_set *s, const struct edge_gateway *g)
{
	s->gws = xrealloc(s->gws, (s->n_gws + 1) * sizeof(*s->gws));
	s->gws[s->n_gws] = *g;
	return s->n_gws++;
}

void edge_set_add_map(struct edge_set *s, const struct edge_map *m)
{
	if (s->n_maps == s->cap_maps) {
		s->cap_maps = s->cap_maps ? 2 * s->cap_maps : 16;
		s->maps = xrealloc(s->maps, s->cap_maps * sizeof(*s->maps));
	}
	s->maps[s->n_maps++] = *m;
}

void edge_set_release(struct edge_set *s)
{
	free(s->gws);
	free(s->maps);
	*s = (struct edge_set){ 0 };
}

const char *edge_map_added_by(const struct edge_map *m)
{
	if (!strncmp(m->desc, "NAT-PMP ", 8)) return "natpmp";
	return !strncmp(m->desc, "PCP ", 4) ? "pcp" : "upnp";
}

/* A decimal number in [lo, hi], the whole string. */
static bool number(const char *s, long long lo, long long hi, long long *ret)
{
	if (!s || !*s || strlen(s) > 20) return false;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9') return false;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno || v < lo || v > hi) return false;
	*ret = v;
	return true;
}

int edge_map_from_strings(const char *ext_port, const char *int_client, const char *int_port,
			  const char *proto, const char *desc, const char *enabled, const char *remote,
			  const char *lease, struct edge_map *m, char *why, size_t why_len)
{
	long long ep, ip, ls = 0;
	*m = (struct edge_map){ .enabled = true };
	if (!number(ext_port, 0, 65535, &ep)) {
		snprintf(why, why_len, "external port is not a port number");
		return DM_EINPUT;
	}
	if (!number(int_port, 1, 65535, &ip)) {
		snprintf(why, why_len, "internal port is not a port number");
		return DM_EINPUT;
	}
	if (!proto || (strcasecmp(proto, "TCP") && strcasecmp(proto, "UDP"))) {
		snprintf(why, why_len, "protocol is neither TCP nor UDP");
		return DM_EINPUT;
	}
	if (!int_client || ipaddr_parse(int_client, &m->internal) < 0) {
		snprintf(why, why_len, "internal client is not an address");
		return DM_EINPUT;
	}
	if (lease && *lease && !number(lease, 0, INT64_C(1) << 40, &ls)) {
		snprintf(why, why_len, "lease duration is not a number of seconds");
		return DM_EINPUT;
	}
	m->ext_port = (uint16_t)ep;
	m->int_port = (uint16_t)ip;
	m->proto = !strcasecmp(proto, "UDP") ? PROTO_UDP : PROTO_TCP;
	m->lease = ls;
	m->enabled = !enabled || strcmp(enabled, "0");
	snprintf(m->desc, sizeof(m->desc), "%s", desc ? desc : "");
	snprintf(m->remote_host, sizeof(m->remote_host), "%s", remote ? remote : "");
	return 0;
}

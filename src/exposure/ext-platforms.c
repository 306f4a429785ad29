/* Each platform's field names (as its documentation gives them) mapped to
 * one external observation, and the checks every record passes: an
 * address, a port, a transport, a time that parses. */
#include "exposure/ext-record.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct fieldmap {
	const char *ip, *port, *proto, *service, *product, *server, *version, *cpe, *cpe22, *time, *hosts;
};

static const struct fieldmap maps[EXT_N] = {
	/* Shodan banner: ip_str, port, transport, product, version, cpe23 (cpe
	 * the older 2.2 list), timestamp, hostnames; _shodan.module the protocol */
	[EXT_SHODAN] = { "ip_str", "port", "transport", "_shodan.module", "product", NULL, "version", "cpe23",
			 "cpe", "timestamp", "hostnames" },
	/* Censys host services[]: the host's ip and last_updated_at are filled in by convert_censys */
	[EXT_CENSYS] = { NULL, "port", "transport_protocol", "service_name", "software.product", NULL,
			 "software.version", "software.uniform_resource_identifier", NULL, "observed_at",
			 NULL },
	/* FOFA fields: base_protocol is the transport, protocol the application;
	 * server (nginx/1.18.0) when no product is given */
	[EXT_FOFA] = { "ip", "port", "base_protocol", "protocol", "product", "server", "version", NULL, NULL,
		       "lastupdatetime", "host" },
	/* ZoomEye host search: portinfo.{port,service,app,version,hostname}, protocol.transport */
	[EXT_ZOOMEYE] = { "ip", "portinfo.port", "protocol.transport", "portinfo.service", "portinfo.app",
			  NULL, "portinfo.version", NULL, NULL, "timestamp", "portinfo.hostname" },
	/* Hunter arr[]: base_protocol, protocol, component[].{name,version}, updated_at, domain;
	 * an export's component column reads name/version */
	[EXT_HUNTER] = { "ip", "port", "base_protocol", "protocol", "component.name", "component",
			 "component.version", NULL, NULL, "updated_at", "domain" },
};

static void copy(char *out, size_t n, const char *v) { snprintf(out, n, "%s", v ? v : ""); }

static int fill(struct ext_rec *r, const struct fieldmap *m, const char *ip, const char *time,
		const char *where, struct ext_obs *o, struct dm_err *e)
{
	const char *port = ext_get(r, m->port), *proto = m->proto ? ext_get(r, m->proto) : NULL;
	if (!ip) return dm_fail(e, DM_EINPUT, "%s: no address (%s)", where, m->ip ? m->ip : "ip");
	if (ipaddr_parse(ip, &o->ip) < 0)
		return dm_fail(e, DM_EINPUT, "%s: %s \"%.64s\": not an IPv4 or IPv6 address", where,
			       m->ip ? m->ip : "ip", ip);
	if (!port) return dm_fail(e, DM_EINPUT, "%s: no port (%s)", where, m->port);
	char *end;
	long p = strtol(port, &end, 10);
	if (*end || end == port || p < 1 || p > 65535)
		return dm_fail(e, DM_EINPUT, "%s: %s \"%.32s\": expected a number from 1 to 65535", where,
			       m->port, port);
	o->port = (uint16_t)p;
	o->proto = PROTO_TCP; /* what every platform means when it does not say */
	if (proto && (!strcasecmp(proto, "udp") || !strcasecmp(proto, "quic")))
		o->proto = PROTO_UDP;
	else if (proto && strcasecmp(proto, "tcp"))
		return dm_fail(e, DM_EINPUT, "%s: %s \"%.32s\": expected tcp or udp", where, m->proto, proto);
	if (time && ext_parse_time(time, &o->indexed) < 0)
		return dm_fail(e, DM_EINPUT, "%s: %s \"%.40s\": not a date and time", where, m->time, time);
	copy(o->service, sizeof(o->service), m->service ? ext_get(r, m->service) : NULL);
	copy(o->product, sizeof(o->product), ext_get(r, m->product));
	copy(o->version, sizeof(o->version), m->version ? ext_get(r, m->version) : NULL);
	const char *server = m->server ? ext_get(r, m->server) : NULL;
	if (!o->product[0] && server) { /* "nginx/1.18.0 (Ubuntu)": product and version */
		size_t n = strcspn(server, "/ (");
		snprintf(o->product, sizeof(o->product), "%.*s", (int)MIN(n, sizeof(o->product) - 1), server);
		if (server[n] == '/' && !o->version[0])
			snprintf(o->version, sizeof(o->version), "%.*s",
				 (int)MIN(strcspn(server + n + 1, " "), sizeof(o->version) - 1),
				 server + n + 1);
	}
	const char *cpe = m->cpe ? ext_get(r, m->cpe) : NULL;
	if (!cpe && m->cpe22) cpe = ext_get(r, m->cpe22);
	if (cpe)
		snprintf(o->cpe, sizeof(o->cpe), "%.*s", (int)MIN(strcspn(cpe, ","), sizeof(o->cpe) - 1),
			 cpe);
	copy(o->hostnames, sizeof(o->hostnames), m->hosts ? ext_get(r, m->hosts) : NULL);
	return 0;
}

/* A Censys host: one observation per entry of services[]. */
static int convert_censys(struct ext_rec *r, const char *file, const char *where, unsigned line,
			  struct ext_set *out, struct dm_err *e)
{
	const char *ip = ext_get(r, "ip"), *host_time = ext_get(r, "last_updated_at");
	const char *names = ext_get(r, "dns.names");
	if (!names) names = ext_get(r, "dns.reverse_dns.names"); /* a search hit has only the PTR names */
	const struct json *svcs = json_get(r->j, "services");
	size_t first = out->n;
	unsigned k = 0;
	json_each(s, svcs)
	{
		char w[300];
		snprintf(w, sizeof(w), "%s: services[%u]", where, k++);
		struct ext_rec sr = { .j = s };
		struct ext_obs o = { .platform = EXT_CENSYS, .line = line, .file = file };
		const char *t = ext_get(&sr, "observed_at");
		if (s->type != JSON_OBJECT) {
			out->n = first;
			return dm_fail(e, DM_EINPUT, "%s: expected an object", w);
		}
		if (fill(&sr, &maps[EXT_CENSYS], ip, t ? t : host_time, w, &o, e) < 0) {
			out->n = first; /* nothing of a bad record */
			return DM_EINPUT;
		}
		if (names) copy(o.hostnames, sizeof(o.hostnames), names);
		ext_set_add(out, &o);
	}
	if (!ip) return dm_fail(e, DM_EINPUT, "%s: no address (ip)", where);
	return 0;
}

int ext_convert(struct ext_rec *r, enum ext_platform p, const char *file, const char *where, unsigned line,
		struct ext_set *out, struct dm_err *e)
{
	if (p == EXT_CENSYS) return convert_censys(r, file, where, line, out, e);
	if ((unsigned)p >= EXT_DORMANT) return dm_fail(e, DM_EINPUT, "%s: not a platform's export", where);
	const struct fieldmap *m = &maps[p];
	struct ext_obs o = { .platform = p, .line = line, .file = file };
	if (fill(r, m, ext_get(r, m->ip), ext_get(r, m->time), where, &o, e) < 0) return DM_EINPUT;
	ext_set_add(out, &o);
	return 0;
}

/* Import: the format told by content, and what the readers share
 * (import/import.h, import/import-util.h). */
#include "import/import.h"
#include "import/import-util.h"
#include "model/resultset.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool line_next(struct line_iter *it, const char **s, size_t *n)
{
	if (it->p >= it->end) return false;
	const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	const char *le = nl ? nl : it->end;
	*s = it->p;
	*n = (size_t)(le - it->p);
	if (*n && (*s)[*n - 1] == '\r') (*n)--;
	it->last_nl = nl != NULL;
	it->p = nl ? nl + 1 : it->end;
	it->no++;
	return true;
}

void meta_time(struct import_meta *meta, double t)
{
	if (t <= 0) return;
	if (!meta->start || t < meta->start) meta->start = t;
	if (t > meta->end) meta->end = t;
}

bool parse_uint(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	if (!n || n > 20) return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i])) return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max) return false;
	}
	*ret = v;
	return true;
}

void report_port(const struct obs_sink *sink, struct import_meta *meta, const struct ipaddr *ip,
		 enum proto proto, uint16_t port, enum port_state st, const char *reason, uint8_t ttl,
		 double ts)
{
	if (st == PORT_OPEN && sink->host) {
		struct obs_host h = { .ip = *ip,
				      .how = proto == PROTO_UDP ? HOW_UDP : HOW_TCP,
				      .reason = reason_intern(reason),
				      .ttl = ttl,
				      .ts = ts };
		sink->host(sink->ctx, &h);
		meta->hosts++;
	}
	struct obs_port p = { .ip = *ip,
			      .port = port,
			      .proto = proto,
			      .state = st,
			      .reason = reason_intern(reason),
			      .ttl = ttl,
			      .ts = ts };
	if (sink->port) sink->port(sink->ctx, &p);
	meta->ports++;
	meta_time(meta, ts);
}

/* A sink that merges what several records say about one port (masscan
 * reports an HTTP server's Server header, title and response apart). */
static void merge_service(void *ctx, const struct obs_service *s)
{
	struct resultset *rs = ctx;
	struct host_entry *he = resultset_host(rs, &s->ip, false);
	struct obs_service *old = he ? (struct obs_service *)host_service(he, s->proto, s->port) : NULL;
	if (!old) {
		resultset_add_service(rs, s);
		return;
	}
#define FILL(f)                                                               \
	do {                                                                  \
		if (!old->f[0]) snprintf(old->f, sizeof(old->f), "%s", s->f); \
	} while (0)
	FILL(product);
	FILL(vendor);
	FILL(version);
	FILL(cpe);
	FILL(device);
	FILL(os);
	FILL(banner);
#undef FILL
	if (s->info[0] && !strstr(old->info, s->info)) {
		size_t w = strlen(old->info);
		snprintf(old->info + w, sizeof(old->info) - w, "%s%s", w ? "; " : "", s->info);
	}
	if (!strcmp(old->name, "unknown") || !old->name[0])
		snprintf(old->name, sizeof(old->name), "%s", s->name);
}

struct obs_sink import_sink(struct resultset *rs)
{
	struct obs_sink sink = resultset_sink(rs);
	sink.service = merge_service;
	return sink;
}

const char *import_format_name(enum import_format f)
{
	switch (f) {
	case IMPORT_NMAP_XML: return "nmap XML";
	case IMPORT_MASSCAN_JSON: return "masscan JSON";
	case IMPORT_MASSCAN_LIST: return "masscan list";
	case IMPORT_ZMAP_CSV: return "ZMap CSV";
	default: return "unknown";
	}
}

static bool starts(const char *s, size_t n, const char *word)
{
	size_t l = strlen(word);
	return n >= l && !strncmp(s, word, l);
}

enum import_format import_detect(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) p += 3;
	while (p < end && isspace((unsigned char)*p)) p++;
	size_t n = (size_t)(end - p);
	if (starts(p, n, "<?xml") || starts(p, n, "<!DOCTYPE nmaprun") || starts(p, n, "<nmaprun")) {
		/* the root element within the prologue */
		size_t look = n < 4096 ? n : 4096;
		for (size_t i = 0; i + 8 <= look; i++)
			if (!memcmp(p + i, "<nmaprun", 8)) return IMPORT_NMAP_XML;
		return IMPORT_UNKNOWN;
	}
	if (starts(p, n, "[") || starts(p, n, "{")) return IMPORT_MASSCAN_JSON;
	if (starts(p, n, "#masscan")) return IMPORT_MASSCAN_LIST;
	static const char *const words[] = { "open tcp ",   "open udp ",   "open sctp ", "closed tcp ",
					     "closed udp ", "banner tcp ", "banner udp " };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (starts(p, n, words[i])) return IMPORT_MASSCAN_LIST;
	/* ZMap: a header naming its fields, or an address per line */
	const char *nl = memchr(p, '\n', n);
	size_t first = nl ? (size_t)(nl - p) : n;
	char head[64];
	snprintf(head, sizeof(head), "%.*s", (int)(first < 63 ? first : 63), p);
	head[strcspn(head, ",\r")] = 0;
	struct ipaddr ip;
	if (!strcmp(head, "saddr") || !strcmp(head, "daddr") || !strcmp(head, "classification") ||
	    !strcmp(head, "saddr_raw") || !strcmp(head, "saddr-raw") || ipaddr_parse(head, &ip) == 0)
		return IMPORT_ZMAP_CSV;
	return IMPORT_UNKNOWN;
}

void import_meta_release(struct import_meta *m) { portlist_release(&m->scanned); }

int import_read(const char *name, const char *data, size_t len, const struct obs_sink *sink,
		struct import_meta *meta, struct dm_err *e)
{
	*meta = (struct import_meta){ .format = import_detect(data, len) };
	switch (meta->format) {
	case IMPORT_NMAP_XML: return import_nmap_xml(name, data, len, sink, meta, e);
	case IMPORT_MASSCAN_JSON: return import_masscan_json(name, data, len, sink, meta, e);
	case IMPORT_MASSCAN_LIST: return import_masscan_list(name, data, len, sink, meta, e);
	case IMPORT_ZMAP_CSV: return import_zmap_csv(name, data, len, sink, meta, e);
	default:
		return dm_fail(e, DM_EINPUT, "%s: not nmap XML, masscan JSON or list, or ZMap CSV (%s)", name,
			       len ? "unknown content" : "empty file");
	}
}

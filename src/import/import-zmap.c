/* ZMap's CSV output: a header naming the fields (saddr, sport,
 * classification, success, timestamp_ts or timestamp_str, ttl, ...) and a
 * record per reply, or, with no header, an address per line (-f saddr
 * without one). saddr answered on sport: "synack" is an open port, "rst" a
 * closed one; without sport only the host is known to be up. */
#include "import/import.h"
#include "import/import-util.h"
#include "base/csv.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { F_SADDR, F_SPORT, F_CLASS, F_SUCCESS, F_TS, F_TSSTR, F_TTL, F_N };
static const char *const fnames[F_N] = { "saddr",   "sport",        "classification",
					 "success", "timestamp_ts", "timestamp_str",
					 "ttl" };

/* ZMap 2 writes timestamp_str, ZMap 3 timestamp-str. */
static bool same_field(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_'))) return false;
	return !*a && !*b;
}

/* "2023-11-14T22:13:20.123+0100": seconds since the epoch; 0 if not a time. */
static double zmap_time(const char *s)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p) return 0;
	time_t t = timegm(&tm);
	if (*p == '.') p += 1 + strspn(p + 1, "0123456789");
	int sign = *p == '+' ? 1 : *p == '-' ? -1 : 0;
	if (sign && strlen(p) >= 5) {
		int hh = (p[1] - '0') * 10 + (p[2] - '0'), mm = (p[3] - '0') * 10 + (p[4] - '0');
		t -= sign * (hh * 3600 + mm * 60);
	}
	return t > 0 ? (double)t : 0;
}

int import_zmap_csv(const char *name, const char *data, size_t len, const struct obs_sink *sink,
		    struct import_meta *meta, struct dm_err *e)
{
	snprintf(meta->scanner, sizeof(meta->scanner), "zmap");
	struct csv c;
	csv_init(&c, data, len, ',');
	int col[F_N], r;
	for (int i = 0; i < F_N; i++) col[i] = -1;
	bool header = false;
	size_t width = 0, last_line = 0;
	while ((r = csv_next(&c, name, e)) == 1) {
		last_line = c.line;
		if (!width) { /* the first record: a header, or the first address */
			width = c.n;
			for (size_t i = 0; i < c.n; i++)
				for (int f = 0; f < F_N; f++)
					if (same_field(c.fields[i], fnames[f]))
						col[f] = (int)i, header = true;
			if (header) {
				if (col[F_SADDR] < 0)
					return csv_release(&c),
					       dm_fail(e, DM_EINPUT,
						       "%s:%zu: the header names no saddr field", name,
						       c.line);
				continue;
			}
			if (c.n != 1)
				return csv_release(&c),
				       dm_fail(e, DM_EINPUT, "%s:%zu: no header, and not an address per line",
					       name, c.line);
			col[F_SADDR] = 0;
		}
		if (c.n != width) {
			r = dm_fail(e, DM_EINPUT, "%s:%zu: %zu fields, the header has %zu", name, c.line, c.n,
				    width);
			break;
		}
		struct ipaddr ip;
		if (ipaddr_parse(c.fields[col[F_SADDR]], &ip) < 0) {
			r = dm_fail(e, DM_EINPUT, "%s:%zu: bad address \"%.64s\"", name, c.line,
				    c.fields[col[F_SADDR]]);
			break;
		}
		uint64_t port = 0, ttl = 0, ts = 0;
		if (col[F_SPORT] >= 0 &&
		    (!parse_uint(c.fields[col[F_SPORT]], strlen(c.fields[col[F_SPORT]]), 65535, &port) ||
		     !port)) {
			r = dm_fail(e, DM_EINPUT, "%s:%zu: bad sport \"%.16s\"", name, c.line,
				    c.fields[col[F_SPORT]]);
			break;
		}
		if (col[F_TTL] >= 0)
			parse_uint(c.fields[col[F_TTL]], strlen(c.fields[col[F_TTL]]), 255, &ttl);
		if (col[F_TS] >= 0 &&
		    !parse_uint(c.fields[col[F_TS]], strlen(c.fields[col[F_TS]]), UINT32_MAX, &ts)) {
			r = dm_fail(e, DM_EINPUT, "%s:%zu: bad timestamp_ts \"%.24s\"", name, c.line,
				    c.fields[col[F_TS]]);
			break;
		}
		if (!ts && col[F_TSSTR] >= 0) ts = (uint64_t)zmap_time(c.fields[col[F_TSSTR]]);
		const char *cls = col[F_CLASS] >= 0 ? c.fields[col[F_CLASS]] : "synack";
		bool ok = col[F_SUCCESS] < 0 || !strcmp(c.fields[col[F_SUCCESS]], "1");
		if (!port) { /* the host answered; which port the file does not say */
			if (!ok) continue;
			struct obs_host h = { .ip = ip,
					      .how = HOW_TCP,
					      .reason = reason_intern("syn-ack"),
					      .ttl = (uint8_t)ttl,
					      .ts = (double)ts };
			if (sink->host) sink->host(sink->ctx, &h);
			meta->hosts++;
			meta_time(meta, (double)ts);
			continue;
		}
		enum port_state st = ok && !strcmp(cls, "synack") ? PORT_OPEN
				     : !strcmp(cls, "rst")        ? PORT_CLOSED
								  : 0;
		if (!st) continue; /* ICMP unreachable and the like: nothing about the port */
		report_port(sink, meta, &ip, PROTO_TCP, (uint16_t)port, st,
			    st == PORT_OPEN ? "syn-ack" : "reset", (uint8_t)ttl, (double)ts);
	}
	csv_release(&c);
	if (r < 0) return r;
	if (len && data[len - 1] != '\n')
		return dm_fail(e, DM_EINPUT, "%s:%zu: truncated: the last line has no end", name, last_line);
	return 0;
}

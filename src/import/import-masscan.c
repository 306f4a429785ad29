/* masscan's output: JSON (-oJ: an array of records, one per line, the
 * commas between them on lines of their own; older versions end with
 * "{finished: 1}") and list (-oL: "open tcp 80 10.0.0.1 1700000000",
 * "banner tcp 80 10.0.0.1 1700000000 http TEXT", framed by "#masscan" and
 * "# end"). A record spread over several lines is read whole. */
#include "import/import.h"
#include "import/import-util.h"
#include "base/buf.h"
#include "base/util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static bool parse_proto(const char *s, size_t n, enum proto *ret)
{
	if (n == 3 && !strncmp(s, "tcp", 3)) return *ret = PROTO_TCP, true;
	if (n == 3 && !strncmp(s, "udp", 3)) return *ret = PROTO_UDP, true;
	return false;
}

/* A banner as a service: masscan's protocol name (ssh, http, ftp, ...;
 * "http.server" is HTTP's Server header, "title" a page title) and text. */
static void report_banner(const struct obs_sink *sink, struct import_meta *meta, const struct ipaddr *ip,
			  enum proto proto, uint16_t port, const char *svc, size_t svc_n, const char *text,
			  size_t text_n, double ts)
{
	struct obs_service s = { .ip = *ip, .port = port, .proto = proto, .ts = ts };
	const char *d = memchr(svc, '.', svc_n); /* svc may be a part of a line, not a string */
	size_t dot = d ? (size_t)(d - svc) : svc_n;
	bool title = svc_n == 5 && !strncmp(svc, "title", 5);
	snprintf(s.name, sizeof(s.name), "%.*s", (int)(title ? 4 : dot), title ? "http" : svc);
	if (title)
		snprintf(s.info, sizeof(s.info), "title: %.*s", (int)MIN(text_n, 240), text);
	else if (dot < svc_n)
		snprintf(s.info, sizeof(s.info), "%.*s: %.*s", (int)(svc_n - dot - 1), svc + dot + 1,
			 (int)MIN(text_n, 200), text);
	else
		snprintf(s.banner, sizeof(s.banner), "%.*s", (int)MIN(text_n, sizeof(s.banner) - 1), text);
	if (sink->service) sink->service(sink->ctx, &s);
	meta->services++;
}

/* --- list --- */

int import_masscan_list(const char *name, const char *data, size_t len, const struct obs_sink *sink,
			struct import_meta *meta, struct dm_err *e)
{
	snprintf(meta->scanner, sizeof(meta->scanner), "masscan");
	struct line_iter it = { .p = data, .end = data + len };
	const char *s;
	size_t n;
	bool ended = false;
	while (line_next(&it, &s, &n)) {
		if (ended && n) return dm_fail(e, DM_EINPUT, "%s:%u: text after \"# end\"", name, it.no);
		if (!n) continue;
		if (s[0] == '#') {
			ended = n == 5 && !strncmp(s, "# end", 5);
			continue;
		}
		/* state proto port addr time [service text] */
		const char *f[6];
		size_t fl[6] = { 0 }, nf = 0;
		const char *p = s, *end = s + n;
		while (nf < 6 && p < end) {
			while (p < end && *p == ' ') p++;
			if (p >= end) break;
			f[nf] = p;
			if (nf == 5) {
				fl[nf++] = (size_t)(end - p); /* the banner: the rest */
				break;
			}
			while (p < end && *p != ' ') p++;
			fl[nf] = (size_t)(p - f[nf]);
			nf++;
		}
		enum proto proto;
		uint64_t port, ts;
		struct ipaddr ip;
		char addr[64];
		bool banner = fl[0] == 6 && !strncmp(f[0], "banner", 6);
		if (nf < 5)
			return dm_fail(e, DM_EINPUT, "%s:%u: expected STATE PROTO PORT ADDRESS TIME", name,
				       it.no);
		snprintf(addr, sizeof(addr), "%.*s", (int)MIN(fl[3], 63), f[3]);
		if (!parse_proto(f[1], fl[1], &proto))
			return dm_fail(e, DM_EINPUT, "%s:%u: protocol \"%.*s\" is not tcp or udp", name,
				       it.no, (int)MIN(fl[1], 16), f[1]);
		if (!parse_uint(f[2], fl[2], 65535, &port) || !port)
			return dm_fail(e, DM_EINPUT, "%s:%u: bad port \"%.*s\"", name, it.no,
				       (int)MIN(fl[2], 16), f[2]);
		if (ipaddr_parse(addr, &ip) < 0)
			return dm_fail(e, DM_EINPUT, "%s:%u: bad address \"%.*s\"", name, it.no,
				       (int)MIN(fl[3], 64), f[3]);
		if (!parse_uint(f[4], fl[4], UINT32_MAX, &ts))
			return dm_fail(e, DM_EINPUT, "%s:%u: bad time \"%.*s\"", name, it.no,
				       (int)MIN(fl[4], 24), f[4]);
		if (banner) {
			if (nf < 6)
				return dm_fail(e, DM_EINPUT, "%s:%u: banner without a service name", name,
					       it.no);
			/* "service text": the first word names the protocol */
			const char *t = f[5];
			const char *sp = memchr(t, ' ', fl[5]);
			size_t sl = sp ? (size_t)(sp - t) : fl[5];
			const char *txt = t + sl + (sl < fl[5]);
			report_banner(sink, meta, &ip, proto, (uint16_t)port, t, sl, txt,
				      (size_t)(s + n - txt), (double)ts);
			meta_time(meta, (double)ts);
			continue;
		}
		enum port_state st = fl[0] == 4 && !strncmp(f[0], "open", 4)     ? PORT_OPEN
				     : fl[0] == 6 && !strncmp(f[0], "closed", 6) ? PORT_CLOSED
										 : 0;
		if (!st)
			return dm_fail(e, DM_EINPUT, "%s:%u: state \"%.*s\" is not open, closed or banner",
				       name, it.no, (int)MIN(fl[0], 16), f[0]);
		report_port(sink, meta, &ip, proto, (uint16_t)port, st, st == PORT_OPEN ? "syn-ack" : "reset",
			    0, (double)ts);
	}
	if (!ended)
		return dm_fail(e, DM_EINPUT,
			       "%s:%u: truncated: the file ends without masscan's \"# end\" line", name,
			       it.no);
	return 0;
}

/* --- JSON --- */

static const char *str_at(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_any);
	return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

/* A number written as a number or as a string ("timestamp": "1700000000"). */
static bool num_at(yajl_val obj, const char *key, uint64_t max, uint64_t *ret)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_any);
	if (YAJL_IS_INTEGER(v)) {
		long long x = YAJL_GET_INTEGER(v);
		if (x < 0 || (uint64_t)x > max) return false;
		*ret = (uint64_t)x;
		return true;
	}
	return YAJL_IS_STRING(v) && parse_uint(v->u.string, strlen(v->u.string), max, ret);
}

static int json_record(const char *name, unsigned line, yajl_val rec, const struct obs_sink *sink,
		       struct import_meta *meta, struct dm_err *e)
{
	if (!YAJL_IS_OBJECT(rec))
		return dm_fail(e, DM_EINPUT, "%s:%u: a record is not a JSON object", name, line);
	const char *addr = str_at(rec, "ip");
	struct ipaddr ip;
	uint64_t ts = 0;
	if (!addr || ipaddr_parse(addr, &ip) < 0)
		return dm_fail(e, DM_EINPUT, "%s:%u: record without a valid \"ip\"", name, line);
	const char *tpath[] = { "timestamp", NULL };
	if (yajl_tree_get(rec, tpath, yajl_t_any) && !num_at(rec, "timestamp", UINT32_MAX, &ts))
		return dm_fail(e, DM_EINPUT, "%s:%u: bad \"timestamp\"", name, line);
	const char *ppath[] = { "ports", NULL };
	yajl_val ports = yajl_tree_get(rec, ppath, yajl_t_array);
	if (!ports) return dm_fail(e, DM_EINPUT, "%s:%u: record without a \"ports\" list", name, line);
	for (size_t i = 0; i < YAJL_GET_ARRAY(ports)->len; i++) {
		yajl_val p = YAJL_GET_ARRAY(ports)->values[i];
		uint64_t port, ttl = 0;
		const char *pr = YAJL_IS_OBJECT(p) ? str_at(p, "proto") : NULL;
		enum proto proto;
		if (!pr || !parse_proto(pr, strlen(pr), &proto) || !num_at(p, "port", 65535, &port) || !port)
			return dm_fail(e, DM_EINPUT,
				       "%s:%u: port %zu: expected \"port\" and \"proto\" (tcp or udp)", name,
				       line, i + 1);
		const char *svpath[] = { "service", NULL };
		yajl_val svc = yajl_tree_get(p, svpath, yajl_t_object);
		if (svc) {
			const char *sn = str_at(svc, "name"), *bn = str_at(svc, "banner");
			if (!sn)
				return dm_fail(e, DM_EINPUT, "%s:%u: a banner without a service name", name,
					       line);
			report_banner(sink, meta, &ip, proto, (uint16_t)port, sn, strlen(sn), bn ? bn : "",
				      bn ? strlen(bn) : 0, (double)ts);
			meta_time(meta, (double)ts);
			continue;
		}
		const char *status = str_at(p, "status"), *reason = str_at(p, "reason");
		num_at(p, "ttl", 255, &ttl);
		enum port_state st = status && !strcmp(status, "open")     ? PORT_OPEN
				     : status && !strcmp(status, "closed") ? PORT_CLOSED
									   : 0;
		if (!st)
			return dm_fail(e, DM_EINPUT, "%s:%u: port %zu: \"status\" is not open or closed",
				       name, line, i + 1);
		report_port(sink, meta, &ip, proto, (uint16_t)port, st,
			    reason            ? reason
			    : st == PORT_OPEN ? "syn-ack"
					      : "reset",
			    (uint8_t)ttl, (double)ts);
	}
	return 0;
}

/* Braces still open after s (n bytes) from depth d, strings skipped. */
static int brace_depth(const char *s, size_t n, int d, bool *in_str)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (*in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				*in_str = false;
		} else if (c == '"')
			*in_str = true;
		else if (c == '{')
			d++;
		else if (c == '}')
			d--;
	}
	return d;
}

int import_masscan_json(const char *name, const char *data, size_t len, const struct obs_sink *sink,
			struct import_meta *meta, struct dm_err *e)
{
	snprintf(meta->scanner, sizeof(meta->scanner), "masscan");
	struct line_iter it = { .p = data, .end = data + len };
	const char *s;
	size_t n;
	bool opened = false, closed = false, in_str = false;
	struct buf rec = BUF_INIT;
	unsigned rec_line = 0;
	int depth = 0, r = 0;
	while (r == 0 && line_next(&it, &s, &n)) {
		if (!rec_line) {
			while (n && isspace((unsigned char)*s)) s++, n--;
			while (n && isspace((unsigned char)s[n - 1])) n--;
			if (!n) continue;
			if (closed) {
				r = dm_fail(e, DM_EINPUT, "%s:%u: text after the closing ]", name, it.no);
				break;
			}
			if (!opened && s[0] == '[') {
				opened = true;
				s++, n--;
				while (n && isspace((unsigned char)*s)) s++, n--;
			}
			if (n && s[0] == ',') s++, n--; /* the comma before a record */
			while (n && isspace((unsigned char)*s)) s++, n--;
			if (n == 1 && s[0] == ']') {
				closed = true;
				continue;
			}
			if (!n) continue;
			if (n >= 13 && !strncmp(s, "{finished: 1}", 13))
				continue; /* masscan 1.0's last record */
			if (s[0] != '{') {
				r = dm_fail(e, DM_EINPUT, "%s:%u: expected a JSON record ({...})", name,
					    it.no);
				break;
			}
			rec_line = it.no;
			in_str = false;
			depth = 0;
		}
		buf_append(&rec, s, n);
		buf_putc(&rec, '\n');
		depth = brace_depth(s, n, depth, &in_str);
		if (depth > 0) continue;
		/* one whole record: drop the comma or bracket after it */
		while (rec.len &&
		       (isspace((unsigned char)rec.data[rec.len - 1]) || rec.data[rec.len - 1] == ','))
			rec.len--;
		if (rec.len && rec.data[rec.len - 1] == ']') {
			closed = true;
			rec.len--;
		}
		if ((r = buf_error(&rec)) < 0) break;
		buf_putc(&rec, 0);
		char why[256];
		yajl_val v = yajl_tree_parse(rec.data, why, sizeof(why));
		if (!v) {
			why[strcspn(why, "\n")] = 0;
			r = dm_fail(e, DM_EINPUT, "%s:%u: not a JSON record: %s", name, rec_line, why);
			break;
		}
		r = json_record(name, rec_line, v, sink, meta, e);
		yajl_tree_free(v);
		buf_reset(&rec);
		rec_line = 0;
	}
	buf_release(&rec);
	if (r < 0) return r;
	if (rec_line)
		return dm_fail(e, DM_EINPUT, "%s:%u: truncated: the record begun here never ends", name,
			       rec_line);
	if (opened && !closed) /* -oJ's array; -oD's one record a line has no end mark */
		return dm_fail(e, DM_EINPUT, "%s:%u: truncated: the file ends without the closing ]", name,
			       it.no);
	return 0;
}

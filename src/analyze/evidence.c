/* Findings' evidence (a JSON object built pair by pair) and the helpers
 * every rule uses to add a finding about a host or one of its ports. */
#include "analyze/evidence.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <stdio.h>

static void ev_key(struct buf *b, const char *key)
{
	if (b->len > 1) buf_putc(b, ',');
	json_put_str(b, key);
	buf_putc(b, ':');
}

void ev_str(struct buf *b, const char *key, const char *v)
{
	ev_key(b, key);
	if (v)
		json_put_str(b, v);
	else
		buf_puts(b, "null");
}

void ev_time(struct buf *b, const char *key, double t)
{
	char ts[40];
	fmt_rfc3339(t, ts, sizeof(ts));
	ev_str(b, key, ts);
}

void ev_addr(struct buf *b, const char *key, const struct ipaddr *a)
{
	char s[IPADDR_STRLEN];
	ipaddr_fmt(a, s, sizeof(s));
	ev_str(b, key, s);
}

void ev_num(struct buf *b, const char *key, double v)
{
	ev_key(b, key);
	buf_printf(b, "%.15g", v);
}

void ev_bool(struct buf *b, const char *key, bool v)
{
	ev_key(b, key);
	buf_puts(b, v ? "true" : "false");
}

void ev_raw(struct buf *b, const char *key, const char *json)
{
	ev_key(b, key);
	buf_puts(b, json);
}

void add_host_finding(struct findings *out, const char *rule, enum severity sev, double score,
		      const struct ipaddr *host, const char *title, struct buf *evidence,
		      const char *remediation, double first, double last)
{
	add_port_finding(out, rule, sev, score, host, 0, PROTO_TCP, title, evidence, remediation, first,
			 last);
}

void add_port_finding(struct findings *out, const char *rule, enum severity sev, double score,
		      const struct ipaddr *host, uint16_t port, enum proto proto, const char *title,
		      struct buf *evidence, const char *remediation, double first, double last)
{
	struct finding f = { .severity = sev,
			     .confidence = CONF_NONE,
			     .score = score,
			     .has_ip = true,
			     .ip = *host,
			     .port = port,
			     .proto = proto,
			     .first_seen = first,
			     .last_seen = last };
	snprintf(f.rule, sizeof(f.rule), "%s", rule);
	snprintf(f.title, sizeof(f.title), "%s", title);
	buf_putc(evidence, '}');
	f.evidence = buf_detach(evidence);
	f.remediation = xstrdup(remediation);
	findings_add(out, &f);
}

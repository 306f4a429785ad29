/* Alert bodies (alert/alert.h): JSON, OCSF 1.1 Detection Finding (class
 * 2004), syslog RFC 5424 with a structured-data element, CEF inside an RFC
 * 5424 header, and plain text for mail. Every string the finding carries
 * goes through the escaper of the format; the evidence is the JSON object
 * the store kept (redacted when it was made). */
#include "alert/alert.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include <stdio.h>
#include <string.h>

static const char *rfc3339(double t, char *buf, size_t n)
{
	fmt_rfc3339(t, buf, n);
	return buf;
}

static const char *evidence(const struct life_alert *a)
{
	return a->evidence && *a->evidence == '{' ? a->evidence : "{}";
}

static void json_kv(struct buf *b, const char *k, const char *v)
{
	buf_printf(b, ",\"%s\":", k);
	json_put_str(b, v);
}

static void finding_json(const struct life_alert *a, struct buf *b)
{
	char t[40];
	buf_printf(b, "{\"id\":\"F%lld\"", (long long)a->finding);
	json_kv(b, "rule", a->rule);
	json_kv(b, "severity", severity_name(a->severity));
	json_kv(b, "state", a->state);
	json_kv(b, "site", a->site);
	if (*a->ip) json_kv(b, "ip", a->ip);
	if (a->port) {
		buf_printf(b, ",\"port\":%u", a->port);
		json_kv(b, "proto", a->proto);
	}
	if (*a->path) json_kv(b, "path", a->path);
	json_kv(b, "title", a->title);
	buf_printf(b, ",\"evidence\":%s", evidence(a));
	if (a->remediation) json_kv(b, "remediation", a->remediation);
	json_kv(b, "first_seen", rfc3339(a->first_seen, t, sizeof(t)));
	json_kv(b, "last_seen", rfc3339(a->last_seen, t, sizeof(t)));
	buf_printf(b, ",\"link\":\"dormant findings show F%lld\"}", (long long)a->finding);
}

/* A watch job's host or port change: no finding, the same fields where
 * they apply, and the port's service. */
static void change_json(const struct life_alert *a, struct buf *b)
{
	char t[40];
	buf_puts(b, "{\"site\":");
	json_put_str(b, a->site);
	json_kv(b, "state", a->state);
	json_kv(b, "ip", a->ip);
	if (a->port) {
		buf_printf(b, ",\"port\":%u", a->port);
		json_kv(b, "proto", a->proto);
		if (*a->service) json_kv(b, "service", a->service);
	}
	json_kv(b, "title", a->title);
	buf_printf(b, ",\"evidence\":%s", evidence(a));
	json_kv(b, "first_seen", rfc3339(a->first_seen, t, sizeof(t)));
	json_kv(b, "last_seen", rfc3339(a->last_seen, t, sizeof(t)));
	buf_printf(b, ",\"run\":%lld}", (long long)a->run);
}

static void fmt_json(const struct life_alert *a, struct buf *b)
{
	char t[40];
	buf_puts(b, "{\"type\":\"alert\"");
	json_kv(b, "ts", rfc3339(a->created, t, sizeof(t)));
	json_kv(b, "idempotency_key", a->key);
	json_kv(b, "event", a->event);
	json_kv(b, "channel", a->channel);
	buf_puts(b, a->finding ? ",\"finding\":" : ",\"change\":");
	if (a->finding)
		finding_json(a, b);
	else
		change_json(a, b);
	buf_putc(b, '}');
}

static long long ms(double t) { return (long long)(t * 1000.0 + (t >= 0 ? 0.5 : -0.5)); }

/* OCSF 1.1: activity Create for a new finding, Close when resolved, Update
 * otherwise; status New, In Progress, Resolved. */
static void fmt_ocsf(const struct life_alert *a, struct buf *b)
{
	static const char *const sev_names[] = { "Informational", "Low", "Medium", "High", "Critical" };
	int activity = !strcmp(a->event, "new") ? 1 : !strcmp(a->event, "resolved") ? 3 : 2;
	static const char *const activity_names[] = { "", "Create", "Update", "Close" };
	int status = !strcmp(a->state, "resolved")                               ? 4
		     : !strcmp(a->state, "new") || !strcmp(a->state, "reopened") ? 1
										 : 2;
	static const char *const status_names[] = { "", "New", "In Progress", "", "Resolved" };
	buf_printf(b,
		   "{\"class_uid\":2004,\"class_name\":\"Detection Finding\",\"category_uid\":2,"
		   "\"category_name\":\"Findings\",\"activity_id\":%d,\"activity_name\":\"%s\","
		   "\"type_uid\":%d,\"type_name\":\"Detection Finding: %s\",\"time\":%lld,"
		   "\"severity_id\":%d,\"severity\":\"%s\",\"status_id\":%d,\"status\":\"%s\"",
		   activity, activity_names[activity], 200400 + activity, activity_names[activity],
		   ms(a->created), (int)a->severity + 1, sev_names[a->severity], status,
		   status_names[status]);
	json_kv(b, "message", a->title);
	buf_puts(b, ",\"metadata\":{\"version\":\"1.1.0\",\"product\":{\"name\":\"dormant\",\"vendor_name\":"
		    "\"dormant\",\"version\":\"" DORMANT_VERSION "\"}");
	json_kv(b, "uid", a->key);
	buf_puts(b, "},\"finding_info\":{");
	buf_printf(b, "\"uid\":");
	char uid[192];
	if (a->finding)
		snprintf(uid, sizeof(uid), "dormant:%s:F%lld", a->site, (long long)a->finding);
	else
		snprintf(uid, sizeof(uid), "%s", a->key);
	json_put_str(b, uid);
	json_kv(b, "title", a->title);
	buf_puts(b, ",\"types\":[");
	json_put_str(b, a->finding ? a->rule : a->event);
	buf_printf(b, "],\"created_time\":%lld,\"first_seen_time\":%lld,\"last_seen_time\":%lld}",
		   ms(a->created), ms(a->first_seen), ms(a->last_seen));
	if (*a->ip) {
		buf_puts(b, ",\"resources\":[{\"type\":\"host\"");
		json_kv(b, "uid", a->ip);
		if (a->port) {
			buf_printf(b, ",\"data\":{\"port\":%u,\"proto\":\"%s\"", a->port, a->proto);
			if (*a->service) json_kv(b, "service", a->service);
			buf_putc(b, '}');
		}
		buf_puts(b, "}]");
	}
	buf_printf(b, ",\"evidences\":[{\"data\":%s}]", evidence(a));
	if (a->remediation) {
		buf_puts(b, ",\"remediation\":{");
		buf_printf(b, "\"desc\":");
		json_put_str(b, a->remediation);
		buf_putc(b, '}');
	}
	buf_puts(b, ",\"unmapped\":{");
	buf_puts(b, "\"event\":");
	json_put_str(b, a->event);
	json_kv(b, "state", a->state);
	json_kv(b, "site", a->site);
	if (*a->path) json_kv(b, "path", a->path);
	if (a->finding) buf_printf(b, ",\"link\":\"dormant findings show F%lld\"", (long long)a->finding);
	buf_puts(b, "}}");
}

/* Text on one line: control characters (newlines of a hostile title) become spaces. */
static void put_line(struct buf *b, const char *s, const char *escape)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			buf_putc(b, ' ');
		else if (escape && strchr(escape, c)) {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else
			buf_putc(b, (char)c);
	}
}

/* local0, with the severity mapped: critical 2, high 3, medium 4, low 5, info 6 */
static int pri(const struct life_alert *a) { return 16 * 8 + (6 - (int)a->severity); }

static void syslog_header(const struct life_alert *a, const char *host, struct buf *b)
{
	char t[40];
	buf_printf(b, "<%d>1 %s ", pri(a), rfc3339(a->created, t, sizeof(t)));
	if (host && *host)
		put_line(b, host, NULL);
	else
		buf_putc(b, '-');
	buf_printf(b, " dormant - %s ", a->event);
}

static void sd_param(struct buf *b, const char *name, const char *v)
{
	buf_printf(b, " %s=\"", name);
	put_line(b, v, "\"\\]");
	buf_putc(b, '"');
}

/* 32473 is the private enterprise number RFC 5612 reserves for examples;
 * the element's name is documented (docs/ARCHITECTURE.md) and stable. */
static void fmt_rfc5424(const struct life_alert *a, const char *host, struct buf *b)
{
	char t[40], id[32], port[8];
	syslog_header(a, host, b);
	snprintf(id, sizeof(id), "F%lld", (long long)a->finding);
	buf_puts(b, "[dormant@32473");
	sd_param(b, "key", a->key);
	sd_param(b, "event", a->event);
	sd_param(b, "state", a->state);
	if (a->finding) {
		sd_param(b, "finding", id);
		sd_param(b, "rule", a->rule);
		sd_param(b, "severity", severity_name(a->severity));
	}
	sd_param(b, "site", a->site);
	if (*a->ip) sd_param(b, "ip", a->ip);
	if (a->port) {
		snprintf(port, sizeof(port), "%u", a->port);
		sd_param(b, "port", port);
		sd_param(b, "proto", a->proto);
		if (*a->service) sd_param(b, "service", a->service);
	}
	if (*a->path) sd_param(b, "path", a->path);
	sd_param(b, "first_seen", rfc3339(a->first_seen, t, sizeof(t)));
	sd_param(b, "last_seen", rfc3339(a->last_seen, t, sizeof(t)));
	buf_puts(b, "] ");
	put_line(b, a->title, NULL);
	buf_puts(b, "; evidence: ");
	put_line(b, evidence(a), NULL);
	if (a->remediation) {
		buf_puts(b, "; remediation: ");
		put_line(b, a->remediation, NULL);
	}
	if (a->finding) buf_printf(b, "; dormant findings show %s", id);
}

static void cef_ext(struct buf *b, const char *k, const char *v)
{
	buf_printf(b, " %s=", k);
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '=')
			buf_putc(b, '\\'), buf_putc(b, *v);
		else if (*v == '\n' || *v == '\r')
			buf_puts(b, *v == '\n' ? "\\n" : "\\r");
		else if ((unsigned char)*v < 0x20 || *v == 0x7f)
			buf_putc(b, ' ');
		else
			buf_putc(b, *v);
	}
}

/* CEF severity 0-10: info 1, low 3, medium 5, high 8, critical 10 */
static void fmt_cef(const struct life_alert *a, const char *host, struct buf *b)
{
	static const int sev[] = { 1, 3, 5, 8, 10 };
	char n[48];
	syslog_header(a, host, b);
	buf_puts(b, "- CEF:0|dormant|dormant|" DORMANT_VERSION "|");
	put_line(b, a->finding ? a->rule : a->event, "\\|");
	buf_putc(b, '|');
	put_line(b, a->title, "\\|");
	buf_printf(b, "|%d|rt=%lld", sev[a->severity], ms(a->created));
	snprintf(n, sizeof(n), "F%lld", (long long)a->finding);
	if (a->finding) cef_ext(b, "externalId", n);
	cef_ext(b, "act", a->event);
	cef_ext(b, "outcome", a->state);
	if (*a->ip) cef_ext(b, "dst", a->ip);
	if (a->port) {
		snprintf(n, sizeof(n), "%u", a->port);
		cef_ext(b, "dpt", n);
		cef_ext(b, "proto", a->proto);
		if (*a->service) cef_ext(b, "app", a->service);
	}
	if (*a->path) cef_ext(b, "filePath", a->path);
	snprintf(n, sizeof(n), "%lld", ms(a->first_seen));
	cef_ext(b, "start", n);
	snprintf(n, sizeof(n), "%lld", ms(a->last_seen));
	cef_ext(b, "end", n);
	cef_ext(b, "cs1Label", "idempotencyKey");
	cef_ext(b, "cs1", a->key);
	cef_ext(b, "cs2Label", "site");
	cef_ext(b, "cs2", a->site);
	cef_ext(b, "cs3Label", "evidence");
	cef_ext(b, "cs3", evidence(a));
	if (a->remediation) {
		cef_ext(b, "cs4Label", "remediation");
		cef_ext(b, "cs4", a->remediation);
	}
	if (!a->finding) return;
	snprintf(n, sizeof(n), "dormant findings show F%lld", (long long)a->finding);
	cef_ext(b, "cs5Label", "link");
	cef_ext(b, "cs5", n);
}

static void text_line(struct buf *b, const char *label, const char *v)
{
	buf_printf(b, "%-13s ", label);
	put_line(b, v, NULL);
	buf_putc(b, '\n');
}

static void fmt_text(const struct life_alert *a, struct buf *b)
{
	char t[40], host[96], id[32];
	snprintf(id, sizeof(id), "F%lld", (long long)a->finding);
	if (a->finding)
		buf_printf(b, "Finding %s is %s (%s) at site ", id, a->state, a->event);
	else
		buf_printf(b, "A watch job saw a change (%s) at site ", a->event);
	put_line(b, a->site, NULL);
	buf_puts(b, ".\n\n");
	if (a->finding) {
		text_line(b, "Rule:", a->rule);
		text_line(b, "Severity:", severity_name(a->severity));
	}
	if (*a->ip) {
		if (a->port)
			snprintf(host, sizeof(host), "%s port %u/%s", a->ip, a->port, a->proto);
		else
			snprintf(host, sizeof(host), "%s", a->ip);
		text_line(b, "Host:", host);
		if (*a->service) text_line(b, "Service:", a->service);
	}
	if (*a->path) text_line(b, "Path:", a->path);
	text_line(b, "Title:", a->title);
	text_line(b, "First seen:", rfc3339(a->first_seen, t, sizeof(t)));
	text_line(b, "Last seen:", rfc3339(a->last_seen, t, sizeof(t)));
	text_line(b, "Evidence:", evidence(a));
	if (a->remediation) text_line(b, "Remediation:", a->remediation);
	snprintf(host, sizeof(host), "dormant findings show %s", id);
	if (a->finding) text_line(b, "Details:", host);
	text_line(b, "Alert key:", a->key);
}

int alert_subject(const struct life_alert *a, struct buf *out)
{
	if (a->finding)
		buf_printf(out, "[dormant] %s %s %s", a->event, severity_name(a->severity), a->rule);
	else
		buf_printf(out, "[dormant] %s", a->event);
	if (*a->ip) buf_printf(out, " %s", a->ip);
	if (a->port) buf_printf(out, ":%u", a->port);
	buf_puts(out, ": ");
	put_line(out, a->title, NULL);
	return buf_error(out);
}

int alert_format(const struct life_alert *a, enum alert_format f, const char *host, struct buf *out)
{
	switch (f) {
	case AFMT_OCSF: fmt_ocsf(a, out); break;
	case AFMT_RFC5424: fmt_rfc5424(a, host, out); break;
	case AFMT_CEF: fmt_cef(a, host, out); break;
	case AFMT_TEXT: fmt_text(a, out); break;
	default: fmt_json(a, out); break;
	}
	return buf_error(out);
}

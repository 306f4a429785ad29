/* [alert NAME] sections of the site config (model/alert-config.h). */
#include "model/alert-config.h"
#include "model/finding-life.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const type_names[] = { "none", "jsonl", "syslog", "webhook", "email" };
static const char *const format_names[] = { "default", "json", "ocsf", "rfc5424", "cef", "text" };
#define DEFAULT_EVENTS (LEV_NEW | LEV_REOPENED | LEV_ESCALATED | LEV_RESOLVED)

const char *alert_type_name(enum alert_type t)
{
	return (unsigned)t < ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

const char *alert_format_name(enum alert_format f)
{
	return (unsigned)f < ARRAY_SIZE(format_names) ? format_names[f] : "?";
}

const struct alert_config *alert_config_find(const struct alert_configs *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].name, name)) return &a->v[i];
	return NULL;
}

static struct alert_config *channel(struct alert_configs *a, const char *name)
{
	struct alert_config *c = (struct alert_config *)alert_config_find(a, name);
	if (c) return c;
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	c = &a->v[a->n++];
	*c = (struct alert_config){ .min_severity = SEV_LOW, .events = DEFAULT_EVENTS };
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

static int copy(char *dst, size_t n, const char *key, const char *value, struct dm_err *e)
{
	if (strlen(value) >= n) return dm_fail(e, DM_EINPUT, "%s: longer than %zu characters", key, n - 1);
	snprintf(dst, n, "%s", value);
	return 0;
}

static int parse_events(const char *value, unsigned *ret, struct dm_err *e)
{
	char buf[512];
	if (strlen(value) >= sizeof(buf)) return dm_fail(e, DM_EINPUT, "events: too long");
	snprintf(buf, sizeof(buf), "%s", value);
	unsigned bits = 0;
	for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		unsigned b = life_event_parse(t);
		if (!b)
			return dm_fail(e, DM_EINPUT,
				       "events: \"%.40s\" is not one of new, reopened, escalated, resolved, "
				       "host-new, host-silent, host-woke, port-opened, port-closed",
				       t);
		bits |= b;
	}
	if (!bits) return dm_fail(e, DM_EINPUT, "events: empty");
	*ret = bits;
	return 0;
}

static int parse_named(const char *value, const char *const *names, size_t n, int first)
{
	for (size_t i = (size_t)first; i < n; i++)
		if (!strcasecmp(value, names[i])) return (int)i;
	return -1;
}

int alert_config_set(struct alert_configs *a, const char *name, const char *key, const char *value,
		     struct dm_err *e)
{
	if (!*name || strlen(name) >= sizeof(a->v->name))
		return dm_fail(e, DM_EINPUT, "alert name \"%.80s\": 1-63 characters", name);
	struct alert_config *c = channel(a, name);
	if (!key) return 0;
	if (!strcmp(key, "type")) {
		int t = parse_named(value, type_names, ARRAY_SIZE(type_names), 1);
		if (t < 0)
			return dm_fail(e, DM_EINPUT,
				       "type \"%.40s\": expected jsonl, syslog, webhook or email", value);
		c->type = (enum alert_type)t;
	} else if (!strcmp(key, "min_severity")) {
		int s = severity_parse(value);
		if (s < 0)
			return dm_fail(e, DM_EINPUT,
				       "min_severity \"%.40s\": expected info, low, medium, high or critical",
				       value);
		c->min_severity = (enum severity)s;
	} else if (!strcmp(key, "rules")) {
		return copy(c->rules, sizeof(c->rules), key, value, e);
	} else if (!strcmp(key, "events")) {
		return parse_events(value, &c->events, e);
	} else if (!strcmp(key, "format")) {
		int f = parse_named(value, format_names, ARRAY_SIZE(format_names), 1);
		if (f < 0)
			return dm_fail(e, DM_EINPUT,
				       "format \"%.40s\": expected json, ocsf, rfc5424, cef or text", value);
		c->format = (enum alert_format)f;
	} else if (!strcmp(key, "path")) {
		return copy(c->path, sizeof(c->path), key, value, e);
	} else if (!strcmp(key, "server")) {
		return copy(c->server, sizeof(c->server), key, value, e);
	} else if (!strcmp(key, "url")) {
		return copy(c->url, sizeof(c->url), key, value, e);
	} else if (!strcmp(key, "header")) {
		if (c->n_headers == ALERT_MAX_HEADERS)
			return dm_fail(e, DM_EINPUT, "header: at most %d", ALERT_MAX_HEADERS);
		if (!strchr(value, ':') || strpbrk(value, "\r\n"))
			return dm_fail(e, DM_EINPUT, "header \"%.40s\": expected Name: value", value);
		return copy(c->headers[c->n_headers++], sizeof(c->headers[0]), key, value, e);
	} else if (!strcmp(key, "secret")) {
		return copy(c->secret, sizeof(c->secret), key, value, e);
	} else if (!strcmp(key, "from")) {
		return copy(c->from, sizeof(c->from), key, value, e);
	} else if (!strcmp(key, "to")) {
		return copy(c->to, sizeof(c->to), key, value, e);
	} else {
		return dm_fail(e, DM_EINPUT, "unknown key \"%s\" in [alert %s]", key, name);
	}
	return 0;
}

static bool has_scheme(const char *s, const char *const *schemes)
{
	for (; *schemes; schemes++)
		if (!strncmp(s, *schemes, strlen(*schemes)) && s[strlen(*schemes)]) return true;
	return false;
}

static int check_one(struct alert_config *c, struct dm_err *e)
{
	static const char *const syslog_schemes[] = { "unix:", "udp://", "tcp://", "tls://", NULL };
	static const char *const smtp_schemes[] = { "smtp://", "smtps://", NULL };
	static const char *const http_schemes[] = { "http://", "https://", NULL };
	const char *n = c->name;
	enum alert_format f = c->format;
	switch (c->type) {
	case ALERT_NONE: return dm_fail(e, DM_EINPUT, "[alert %s] has no type", n);
	case ALERT_JSONL:
		if (!*c->path) return dm_fail(e, DM_EINPUT, "[alert %s] (jsonl) has no path", n);
		if (f && f != AFMT_JSON && f != AFMT_OCSF)
			return dm_fail(e, DM_EINPUT, "[alert %s] (jsonl): format is json or ocsf", n);
		break;
	case ALERT_SYSLOG:
		if (!has_scheme(c->server, syslog_schemes))
			return dm_fail(
			    e, DM_EINPUT,
			    "[alert %s] (syslog): server is unix:PATH, udp://H:P, tcp://H:P or tls://H:P", n);
		if (f && f != AFMT_RFC5424 && f != AFMT_CEF)
			return dm_fail(e, DM_EINPUT, "[alert %s] (syslog): format is rfc5424 or cef", n);
		break;
	case ALERT_WEBHOOK:
		if (!has_scheme(c->url, http_schemes))
			return dm_fail(e, DM_EINPUT, "[alert %s] (webhook): url is http:// or https://", n);
		if (f && f != AFMT_JSON && f != AFMT_OCSF)
			return dm_fail(e, DM_EINPUT, "[alert %s] (webhook): format is json or ocsf", n);
		break;
	case ALERT_EMAIL:
		if (!has_scheme(c->server, smtp_schemes) || !*c->from || !*c->to)
			return dm_fail(e, DM_EINPUT,
				       "[alert %s] (email): needs server = smtp://H:P, from and to", n);
		if (f && f != AFMT_TEXT && f != AFMT_JSON)
			return dm_fail(e, DM_EINPUT, "[alert %s] (email): format is text or json", n);
		break;
	}
	return 0;
}

int alert_configs_check(struct alert_configs *a, struct dm_err *e)
{
	for (size_t i = 0; i < a->n; i++) {
		int r = check_one(&a->v[i], e);
		if (r < 0) return r;
	}
	return 0;
}

void alert_configs_release(struct alert_configs *a)
{
	free(a->v);
	*a = (struct alert_configs){ 0 };
}

enum alert_format alert_config_format(const struct alert_config *c)
{
	if (c->format) return c->format;
	switch (c->type) {
	case ALERT_SYSLOG: return AFMT_RFC5424;
	case ALERT_EMAIL: return AFMT_TEXT;
	default: return AFMT_JSON;
	}
}

bool alert_config_wants(const struct alert_config *c, unsigned event, const char *rule, enum severity sev)
{
	if (!(c->events & event)) return false;
	if (event & LEV_RUN_CHANGES) return true; /* named in events: no rule, no severity */
	if (sev < c->min_severity) return false;
	return !*c->rules || list_has(c->rules, rule);
}

/* Findings with a life: identities and state transitions (model/finding-life.h).
 * Pure functions over one record; the store applies them in a transaction. */
#include "model/finding-life.h"
#include "base/json.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const state_names[] = { "new", "open", "acknowledged", "resolved", "reopened" };
static const char *const event_names[] = { "new",       "reopened",    "escalated",
					   "resolved",  "host-new",    "host-silent",
					   "host-woke", "port-opened", "port-closed" };

const char *life_state_name(enum life_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "?";
}

int life_state_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (!strcasecmp(s, state_names[i])) return (int)i;
	if (!strcasecmp(s, "ack") || !strcasecmp(s, "acked")) return LIFE_ACKED;
	return -1;
}

const char *life_event_name(enum life_event ev)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if ((unsigned)ev == 1u << i) return event_names[i];
	return "none";
}

unsigned life_event_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (!strcasecmp(s, event_names[i])) return 1u << i;
	return 0;
}

struct key_ctx {
	char *out;
	size_t n;
};

static int take_key(void *ctx, const struct json *rec, const struct json *header, uint64_t offset,
		    struct dm_err *e)
{
	(void)header, (void)offset, (void)e;
	struct key_ctx *k = ctx;
	const char *v = json_str(rec, "dst");
	if (!v) v = json_str(rec, "name");
	if (v) snprintf(k->out, k->n, "%s", v);
	return 0;
}

void life_rule_key(const char *evidence, char *out, size_t n)
{
	if (!n) return;
	*out = 0;
	if (!evidence || *evidence != '{') return;
	struct key_ctx k = { out, n };
	struct json_stream js = { .record = take_key, .ctx = &k, .max_record = 1 << 20 };
	json_stream_mem(&js, evidence, strlen(evidence), "evidence", NULL);
}

void life_key(const struct finding *f, const char *site, char *out, size_t n)
{
	char asset[IPADDR_STRLEN] = "", rk[160];
	if (f->has_ip) ipaddr_fmt(&f->ip, asset, sizeof(asset));
	life_rule_key(f->evidence, rk, sizeof(rk));
	const char *where = f->has_ip ? asset : f->path ? f->path : "";
	if (f->port)
		snprintf(out, n, "%s|%s|%s|%u/%s|%s", f->rule, site ? site : "", where, f->port,
			 proto_name(f->proto), rk);
	else
		snprintf(out, n, "%s|%s|%s||%s", f->rule, site ? site : "", where, rk);
}

bool life_is_suppressed(const struct life_record *r, double now)
{
	return r->suppressed && (r->suppress_until <= 0 || now < r->suppress_until);
}

static bool by_config(const struct life_record *r)
{
	return r->suppressed && !strncmp(r->suppress_by, LIFE_CONFIG_ORIGIN, strlen(LIFE_CONFIG_ORIGIN));
}

/* Whether r's suppression names the config file (LIFE_CONFIG_ORIGIN "FILE [allow NAME]: ..."). */
static bool by_this_config(const struct life_record *r, const char *config)
{
	if (!config || !*config || !by_config(r)) return false;
	const char *p = r->suppress_by + strlen(LIFE_CONFIG_ORIGIN);
	size_t n = strlen(config);
	return !strncmp(p, config, n) && !strncmp(p + n, " [allow ", 8);
}

bool life_config_suppress(struct life_record *r, const struct life_allow *a, const char *config, double now)
{
	if (a && a->by) {
		if (life_is_suppressed(r, now) && !by_config(r)) return false; /* a person's holds */
		if (r->suppressed && r->suppress_until == a->until && !strcmp(r->suppress_by, a->by))
			return false;
		r->suppressed = true;
		r->suppress_until = a->until;
		snprintf(r->suppress_by, sizeof(r->suppress_by), "%s", a->by);
		return true;
	}
	if (!by_this_config(r, config)) return false;
	r->suppressed = false;
	r->suppress_until = 0;
	r->suppress_by[0] = 0;
	return true;
}

static enum life_event open_as(struct life_record *r, enum life_state st, enum life_event ev, double now)
{
	r->state = st;
	r->changed = now;
	if (ev) r->changes++;
	return ev;
}

enum life_event life_seen(struct life_record *r, int64_t run, enum severity sev, double now)
{
	bool again = r->id && r->last_run == run; /* a second finding of one identity in a run */
	enum severity before = r->peak;
	r->severity = sev;
	if (!r->id) {
		r->first_run = r->last_run = run;
		r->peak = sev;
		return open_as(r, LIFE_NEW, LEV_NEW, now);
	}
	r->last_run = run;
	if (r->state == LIFE_RESOLVED) {
		r->peak = sev;
		return open_as(r, LIFE_REOPENED, LEV_REOPENED, now);
	}
	if (sev > before) {
		r->peak = sev;
		r->ack_until = 0;
		return open_as(r, again && r->state == LIFE_NEW ? LIFE_NEW : LIFE_OPEN, LEV_ESCALATED, now);
	}
	if (again) return LEV_NONE;
	if (r->state == LIFE_ACKED) {
		if (r->ack_until > 0 && now >= r->ack_until) return open_as(r, LIFE_OPEN, LEV_NONE, now);
		return LEV_NONE;
	}
	if (r->state != LIFE_OPEN) return open_as(r, LIFE_OPEN, LEV_NONE, now);
	return LEV_NONE;
}

enum life_event life_unseen(struct life_record *r, double now)
{
	if (r->state == LIFE_RESOLVED) return LEV_NONE;
	r->ack_until = 0;
	return open_as(r, LIFE_RESOLVED, LEV_RESOLVED, now);
}

void life_change_key(const char *site, int64_t run, enum life_event ev, const char *ip, uint16_t port,
		     const char *proto, char *out, size_t n)
{
	int k = snprintf(out, n, "dormant:%s:R%lld:%s:%s", site, (long long)run, life_event_name(ev), ip);
	if (port && k >= 0 && (size_t)k < n) snprintf(out + k, n - (size_t)k, ":%u/%s", port, proto);
}

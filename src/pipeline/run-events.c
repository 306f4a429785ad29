/* A watch job's host and port changes into the alert outbox
 * (pipeline/run-events.h). The comparison is pipeline/run-changes.c's;
 * when each host and port was first and last seen is the store's. */
#include "pipeline/run-events.h"
#include "base/buf.h"
#include "base/escape.h"
#include "base/util.h"
#include "net/ports.h"
#include "pipeline/run-changes.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct queue {
	struct life_alert *v;
	size_t n, cap;
};

static unsigned wanted(const struct alert_configs *cs)
{
	unsigned w = 0;
	for (size_t i = 0; i < cs->n; i++) w |= cs->v[i].events & LEV_RUN_CHANGES;
	return w;
}

enum life_event run_event_host_back(double last, double now, double window_days)
{
	if (last <= 0) return LEV_HOST_NEW;
	return now - last >= window_days * 86400 ? LEV_HOST_WOKE : LEV_NONE;
}

/* When a host back in run last answered before it: the latest run that saw
 * it answer; when retention dropped those runs, the asset's first seen (it
 * answered before the earlier run began, and long enough ago). 0: never. */
static int last_answer(struct store *st, const struct change *c, int64_t run, double first_seen,
		       double prev_started, double *ret, struct dm_err *e)
{
	double ts = 0;
	int r = store_host_answered_before(st, &c->ip, run, &ts, e);
	if (r < 0) return r;
	*ret = r ? ts : first_seen > 0 && first_seen < prev_started ? first_seen : 0;
	return 0;
}

/* The event of one change (a host back: run_event_host_back, judged at the
 * run's start against the usage window). */
static int event_of(struct store *st, const struct site_config *site, const struct change *c, int64_t run,
		    double started, double first_seen, double prev_started, enum life_event *ret,
		    struct dm_err *e)
{
	double last = 0;
	int r;
	switch (c->kind) {
	case CHANGE_HOST_NEW:
		if ((r = last_answer(st, c, run, first_seen, prev_started, &last, e)) < 0) return r;
		*ret = run_event_host_back(last, started, site->window_days);
		return 0;
	case CHANGE_HOST_GONE: *ret = LEV_HOST_SILENT; return 0;
	case CHANGE_PORT_OPENED: *ret = LEV_PORT_OPENED; return 0;
	case CHANGE_PORT_CLOSED: *ret = LEV_PORT_CLOSED; return 0;
	default: *ret = LEV_NONE; return 0;
	}
}

static void title_of(enum life_event ev, const char *ip, const struct change *c, const char *svc, char *out,
		     size_t n)
{
	char port[48];
	snprintf(port, sizeof(port), "port %u/%s%s%s%s", c->port, proto_name(c->proto), *svc ? " (" : "", svc,
		 *svc ? ")" : "");
	switch (ev) {
	case LEV_HOST_NEW: snprintf(out, n, "%s answers for the first time", ip); break;
	case LEV_HOST_WOKE: snprintf(out, n, "%s answers again after a silence", ip); break;
	case LEV_HOST_SILENT: snprintf(out, n, "%s no longer answers", ip); break;
	case LEV_PORT_OPENED: snprintf(out, n, "%s opened on %s", port, ip); break;
	default: snprintf(out, n, "%s closed on %s", port, ip); break;
	}
}

/* The service the run that saw the port open named (the newer for an
 * opened port, the earlier for a closed one). */
static const char *service_of(struct resultset *rs, const struct change *c)
{
	struct host_entry *he = resultset_host(rs, &c->ip, false);
	const struct obs_service *s = he ? host_service(he, c->proto, c->port) : NULL;
	return s && strcmp(s->name, "unknown") ? s->name : "";
}

static int add(struct queue *q, struct store *st, const struct site_config *site, const struct change *c,
	       int64_t prev, const struct run_info *prev_ri, int64_t run, double started, double now,
	       struct resultset *old, struct resultset *cur, struct dm_err *e)
{
	bool port = c->kind == CHANGE_PORT_OPENED || c->kind == CHANGE_PORT_CLOSED;
	double first = 0, last = 0;
	int r = store_seen_span(st, &c->ip, run, c->proto, port ? c->port : 0, &first, &last, e);
	if (r < 0) return r;
	if (r == 0) first = last = now;
	enum life_event ev;
	if ((r = event_of(st, site, c, run, started, first, prev_ri->started, &ev, e)) < 0 || !ev) return r;
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(&c->ip, ip, sizeof(ip));
	const char *svc = port ? service_of(c->kind == CHANGE_PORT_OPENED ? cur : old, c) : "";
	const char *site_name = *site->name ? site->name : "default";
	struct buf ev_json = BUF_INIT;
	buf_printf(&ev_json, "{\"run\":%lld,\"previous_run\":%lld", (long long)run, (long long)prev);
	if (*svc) {
		buf_puts(&ev_json, ",\"service\":");
		json_put_str(&ev_json, svc);
	}
	buf_putc(&ev_json, '}');
	if ((r = buf_error(&ev_json)) < 0) return r;
	for (size_t i = 0; i < site->alerts.n; i++) {
		const struct alert_config *ch = &site->alerts.v[i];
		if (!alert_config_wants(ch, ev, "", SEV_INFO)) continue;
		if (q->n == q->cap)
			q->v = xrealloc(q->v, (q->cap = q->cap ? q->cap * 2 : 16) * sizeof(*q->v));
		struct life_alert *a = &q->v[q->n++];
		*a = (struct life_alert){ .run = run,
					  .created = now,
					  .severity = SEV_INFO,
					  .first_seen = first,
					  .last_seen = last };
		snprintf(a->channel, sizeof(a->channel), "%s", ch->name);
		life_change_key(site_name, run, ev, ip, port ? c->port : 0, proto_name(c->proto), a->key,
				sizeof(a->key));
		snprintf(a->event, sizeof(a->event), "%s", life_event_name(ev));
		snprintf(a->state, sizeof(a->state), "%s",
			 port ? (ev == LEV_PORT_OPENED ? "open" : "closed")
			      : (ev == LEV_HOST_SILENT ? "down" : "up"));
		snprintf(a->site, sizeof(a->site), "%s", site_name);
		snprintf(a->ip, sizeof(a->ip), "%s", ip);
		if (port) {
			a->port = c->port;
			snprintf(a->proto, sizeof(a->proto), "%s", proto_name(c->proto));
		}
		snprintf(a->service, sizeof(a->service), "%s", svc);
		title_of(ev, ip, c, svc, a->title, sizeof(a->title));
		a->evidence = xstrdup(ev_json.data);
	}
	buf_release(&ev_json);
	return 0;
}

int run_events_queue(struct store *st, int64_t run, const char *kind, const struct site_config *site,
		     double now, struct run_events_out *ret, struct dm_err *e)
{
	struct run_events_out out = { 0 };
	if (ret) *ret = out;
	if (!site || !wanted(&site->alerts)) return 0;
	int64_t prev = run_comparable_before(st, run, kind, e);
	if (prev <= 0) return prev < 0 ? (int)prev : 0;
	struct resultset old = { 0 }, cur = { 0 };
	struct findings none = { 0 };
	struct rundiff d = { 0 };
	struct run_info pri, cri;
	struct queue q = { 0 };
	int r;
	if ((r = store_run_get(st, prev, &pri, e)) < 0 || (r = store_run_get(st, run, &cri, e)) < 0 ||
	    (r = store_load_results(st, prev, &old, e)) < 0 || (r = store_load_results(st, run, &cur, e)) < 0)
		goto out;
	resultset_sort(&old);
	resultset_sort(&cur);
	if ((r = run_compare(st, prev, run, &old, &none, &cur, &none, &d, e)) < 0) goto out;
	out.prev = prev;
	for (size_t i = 0; i < d.n && r == 0; i++) {
		if (d.v[i].kind > CHANGE_PORT_CLOSED) continue; /* findings and traffic: not here */
		out.changes++;
		r = add(&q, st, site, &d.v[i], prev, &pri, run, cri.started, now, &old, &cur, e);
	}
	if (r == 0 && q.n) r = store_alert_queue(st, q.v, q.n, &out.queued, e);
out:
	for (size_t i = 0; i < q.n; i++) free((char *)q.v[i].evidence);
	free(q.v);
	rundiff_release(&d);
	resultset_release(&old);
	resultset_release(&cur);
	if (r == 0 && ret) *ret = out;
	return r;
}

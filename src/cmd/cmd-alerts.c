/* `dormant alerts list|deliver`: the alert outbox (alert/alert.h). list
 * shows what was queued and what became of it; deliver sends what is due
 * to the channels of the site config, and with --wait keeps retrying (with
 * the channels' backoff) until everything is delivered or the time is up.
 * Wiring only. */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "alert/alert.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "model/site-config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { A_DB = 1, A_JSON, A_PENDING, A_LIMIT, A_CONFIG, A_WAIT, A_QUIET, A_HELP };

static const struct opt alerts_opts[] = {
	{ "--db", A_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--json", A_JSON, false, NULL, "list: JSON Lines \"alert\" records" },
	{ "--pending", A_PENDING, false, NULL, "list: only alerts not delivered yet" },
	{ "--limit", A_LIMIT, true, "N", "list: the newest N (default 100; 0: all)" },
	{ "--config", A_CONFIG, true, "FILE", "deliver: the site policy with the [alert NAME] channels" },
	{ "--wait", A_WAIT, true, "SECONDS",
	  "deliver: keep retrying until everything is delivered, at most this long (default: one pass)" },
	{ "-q", A_QUIET, false, NULL, "quiet: errors only" },
	{ "--help", A_HELP, false, NULL, "this help" },
	{ "-h", A_HELP, false, NULL, NULL },
};

struct alerts_args {
	const char *db, *config;
	bool json, pending, help;
	uint64_t limit;
	double wait;
	char **pos;
	int n_pos;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct alerts_args *a = ctx;
	switch (id) {
	case 0: a->pos[a->n_pos++] = (char *)arg; return 0;
	case A_DB: a->db = arg; return 0;
	case A_JSON: a->json = true; return 0;
	case A_PENDING: a->pending = true; return 0;
	case A_LIMIT: return parse_u64(name, arg, 0, 1000000000, &a->limit, e);
	case A_CONFIG: a->config = arg; return 0;
	case A_WAIT: return parse_double(name, arg, 0, 86400, &a->wait, e);
	case A_QUIET: log_level = LOG_WARN; return 0;
	case A_HELP: a->help = true; return 0;
	}
	return 0;
}

struct list_ctx {
	bool json;
	FILE *t;
};

static int print_alert(void *ctx, const struct life_alert *al)
{
	struct list_ctx *c = ctx;
	char created[40], delivered[40] = "-";
	fmt_rfc3339(al->created, created, sizeof(created));
	if (al->delivered > 0) fmt_rfc3339(al->delivered, delivered, sizeof(delivered));
	const char *status = al->delivered > 0 ? "delivered"
			     : al->sending     ? "sending"
			     : al->attempts    ? "retrying"
					       : "queued";
	struct buf b = BUF_INIT;
	if (c->json) {
		buf_printf(&b, "{\"type\":\"alert\",\"id\":%lld,\"key\":", (long long)al->id);
		json_put_str(&b, al->key);
		buf_puts(&b, ",\"channel\":");
		json_put_str(&b, al->channel);
		buf_printf(&b, ",\"event\":\"%s\"", al->event);
		/* a host or port change is no finding and has no rule: null, and its address */
		if (al->finding)
			buf_printf(&b, ",\"finding\":\"F%lld\",\"rule\":\"%s\"", (long long)al->finding,
				   al->rule);
		else
			buf_puts(&b, ",\"finding\":null,\"rule\":null");
		if (*al->ip) buf_puts(&b, ",\"ip\":"), json_put_str(&b, al->ip);
		if (al->port)
			buf_printf(&b, ",\"port\":%u,\"proto\":", al->port), json_put_str(&b, al->proto);
		buf_printf(&b, ",\"severity\":\"%s\",\"status\":\"%s\",\"created\":\"%s\",\"attempts\":%d",
			   severity_name(al->severity), status, created, al->attempts);
		if (al->delivered > 0) buf_printf(&b, ",\"delivered\":\"%s\"", delivered);
		if (*al->error) buf_puts(&b, ",\"error\":"), json_put_str(&b, al->error);
		buf_puts(&b, "}\n");
		fwrite(b.data, 1, b.len, stdout);
	} else {
		char id[24] = "-"; /* a host or port change is no finding */
		if (al->finding) snprintf(id, sizeof(id), "F%lld", (long long)al->finding);
		fprintf(c->t, "%-6lld %-12s %-11s %-6s %-9s %-24s %-10s %s%s%s\n", (long long)al->id,
			term_str(&b, al->channel), al->event, id, severity_name(al->severity),
			al->finding ? al->rule : al->ip, status, al->delivered > 0 ? delivered : created,
			*al->error ? "  " : "", al->error);
	}
	buf_release(&b);
	return 0;
}

static int deliver(struct store *st, const struct alerts_args *a, struct dm_err *e)
{
	struct site_config site;
	site_config_defaults(&site);
	int r = site_config_load(&site, a->config, e);
	if (r == 0 && !site.alerts.n) r = dm_fail(e, DM_EINPUT, "%s: no [alert NAME] section", a->config);
	double deadline = now_mono() + a->wait;
	struct alert_stats total = { 0 }, s = { 0 };
	while (r == 0) {
		if ((r = alerts_deliver_pending(st, &site.alerts, now_real(), &s, e)) < 0) break;
		total.sent += s.sent, total.failed += s.failed;
		if (s.failed) log_warn("%s", s.error);
		if (!s.pending || now_mono() >= deadline) break;
		double wait = s.next_try > 0 ? s.next_try - now_real() : 0.2;
		if (wait < 0.05) wait = 0.05;
		if (now_mono() + wait > deadline) wait = deadline - now_mono();
		if (wait > 0) usleep((useconds_t)(wait * 1e6));
	}
	if (r == 0 && log_level >= LOG_INFO)
		printf("alerts: %zu delivered, %zu failed tries, %zu pending\n", total.sent, total.failed,
		       s.pending);
	if (r == 0 && s.pending)
		r = dm_fail(e, -EAGAIN, "%zu alerts not delivered yet (%s); they stay queued", s.pending,
			    *s.error ? s.error : "not due yet");
	site_config_release(&site);
	return r;
}

int cmd_alerts(int argc, char **argv)
{
	struct alerts_args a = { .limit = 100 };
	struct dm_err e = { "" };
	struct store *st = NULL;
	char *dbpath = NULL;
	int r, code = EXIT_OK;
	a.pos = xcalloc((size_t)argc + 1, sizeof(*a.pos));
	if ((r = opts_parse(argc, argv, alerts_opts, ARRAY_SIZE(alerts_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help || a.n_pos == 0) {
		opts_help(
		    a.help ? stdout : stderr,
		    "dormant alerts list [--pending] [--limit N] [--json]\n"
		    "       dormant alerts deliver --config FILE [--wait SECONDS]",
		    "The alert outbox: one alert per change of a finding (new, reopened, escalated,\n"
		    "resolved) or of a watch job's hosts and ports (host-new, host-woke, host-silent,\n"
		    "port-opened, port-closed) and channel, queued with the change (a change lists\n"
		    "its address where a finding lists F<id> and its rule). deliver sends the due ones to "
		    "the\n"
		    "site's [alert NAME] channels (jsonl, syslog, webhook, email), oldest first, retrying\n"
		    "a refused one with backoff; each carries its idempotency key.",
		    alerts_opts, ARRAY_SIZE(alerts_opts));
		code = a.help ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	const char *sub = a.pos[0];
	if (strcmp(sub, "list") && strcmp(sub, "deliver")) {
		r = dm_fail(&e, DM_EINPUT, "unknown action \"%s\": expected list or deliver", sub);
		goto fail;
	}
	if (a.n_pos != 1) {
		r = dm_fail(&e, DM_EINPUT, "%s takes no argument", sub);
		goto fail;
	}
	if (!strcmp(sub, "deliver") && !a.config) {
		r = dm_fail(&e, DM_EINPUT, "deliver needs --config FILE (the [alert NAME] channels)");
		goto fail;
	}
	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open_mode(dbpath, STORE_EXISTING, &st, &e)) < 0) goto fail;
	if (!strcmp(sub, "list")) {
		struct list_ctx c = { .json = a.json, .t = a.json ? stdout : term_open(stdout) };
		r = store_alert_list(st, a.pending, a.limit, print_alert, &c, &e);
		if (!a.json) term_close_stream(c.t);
		if (r < 0) goto fail;
	} else if ((r = deliver(st, &a, &e)) < 0) {
		goto fail;
	}
	goto out;
fail:
	code = cmd_error("alerts", r, &e);
out:
	store_close(st);
	free(dbpath);
	free(a.pos);
	return code;
}

/* `dormant findings list|show|ack|suppress|unsuppress|note|apply`: findings
 * with a life (model/finding-life.h). People acknowledge, suppress and
 * annotate them with who, why and until when; `apply RUN` feeds a stored
 * run's findings to their states and the alert outbox as a saved audit
 * does. Wiring only: the states are the store's, the transitions the model's. */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "pipeline/lifecycle.h"
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { F_DB = 1, F_JSON, F_SITE, F_STATE, F_BY, F_WHY, F_UNTIL, F_CONFIG, F_QUIET, F_HELP };

static const struct opt findings_opts[] = {
	{ "--db", F_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--json", F_JSON, false, NULL, "list, show: JSON Lines \"finding\" records with id and state" },
	{ "--site", F_SITE, true, "NAME", "list: only this site's findings" },
	{ "--state", F_STATE, true, "STATE",
	  "list: new, open, acknowledged, resolved, reopened or all (default: all but resolved)" },
	{ "--by", F_BY, true, "WHO", "ack, suppress, unsuppress, note: who (default: the login name)" },
	{ "--why", F_WHY, true, "TEXT", "ack, suppress, note: why (required)" },
	{ "--until", F_UNTIL, true, "WHEN",
	  "ack, suppress: until YYYY-MM-DD (the end of that day, UTC) or for a time (30d, 12h); default: "
	  "for good" },
	{ "--config", F_CONFIG, true, "FILE", "apply: the site policy (its name and [alert NAME] channels)" },
	{ "-q", F_QUIET, false, NULL, "quiet: errors only" },
	{ "--help", F_HELP, false, NULL, "this help" },
	{ "-h", F_HELP, false, NULL, NULL },
};

struct findings_args {
	const char *db, *site, *by, *why, *until, *config;
	int state;
	bool json, help;
	char **pos;
	int n_pos;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct findings_args *a = ctx;
	switch (id) {
	case 0: a->pos[a->n_pos++] = (char *)arg; return 0;
	case F_DB: a->db = arg; return 0;
	case F_JSON: a->json = true; return 0;
	case F_SITE: a->site = arg; return 0;
	case F_STATE:
		if (!strcmp(arg, "all"))
			a->state = -2;
		else if ((a->state = life_state_parse(arg)) < 0)
			return dm_fail(
			    e, DM_EINPUT,
			    "%s \"%s\": expected new, open, acknowledged, resolved, reopened or all", name,
			    arg);
		return 0;
	case F_BY: a->by = arg; return 0;
	case F_WHY: a->why = arg; return 0;
	case F_UNTIL: a->until = arg; return 0;
	case F_CONFIG: a->config = arg; return 0;
	case F_QUIET: log_level = LOG_WARN; return 0;
	case F_HELP: a->help = true; return 0;
	}
	return 0;
}

/* YYYY-MM-DD: the end of that day, UTC; 30d, 12h, 90m: from now. */
static int parse_until(const char *s, double now, double *ret, struct dm_err *e)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	if (end && !*end) {
		*ret = (double)timegm(&tm) + 86400;
		return 0;
	}
	char *unit;
	double v = strtod(s, &unit);
	double mult = !strcmp(unit, "d") ? 86400 : !strcmp(unit, "h") ? 3600 : !strcmp(unit, "m") ? 60 : 0;
	if (unit == s || !mult || !(v > 0) || v > 3650)
		return dm_fail(e, DM_EINPUT, "--until \"%s\": expected YYYY-MM-DD or a time such as 30d, 12h",
			       s);
	*ret = now + v * mult;
	return 0;
}

static int parse_id(const char *s, int64_t *ret, struct dm_err *e)
{
	char *end;
	const char *p = (*s == 'F' || *s == 'f') ? s + 1 : s;
	long long v = strtoll(p, &end, 10);
	if (end == p || *end || v <= 0)
		return dm_fail(e, DM_EINPUT, "\"%s\": expected a finding id such as F12", s);
	*ret = v;
	return 0;
}

static void fmt_time(double t, char *out, size_t n)
{
	if (t <= 0)
		snprintf(out, n, "-");
	else
		fmt_rfc3339(t, out, n);
}

struct show_ctx {
	bool json, detail;
	FILE *t;
	size_t n;
};

static int print_view(void *ctx, const struct life_view *v)
{
	struct show_ctx *c = ctx;
	char first[40], last[40], changed[40], until[40], host[80];
	const struct life_record *r = &v->r;
	fmt_time(r->first_seen, first, sizeof(first));
	fmt_time(r->last_seen, last, sizeof(last));
	fmt_time(r->changed, changed, sizeof(changed));
	fmt_time(r->suppress_until, until, sizeof(until));
	c->n++;
	if (c->json) {
		struct buf b = BUF_INIT;
		buf_printf(&b,
			   "{\"type\":\"finding\",\"id\":\"F%lld\",\"state\":\"%s\",\"rule\":\"%s\","
			   "\"severity\":\"%s\"",
			   (long long)r->id, life_state_name(r->state), r->rule, severity_name(r->severity));
		buf_puts(&b, ",\"site\":");
		json_put_str(&b, r->site);
		if (*v->ip) buf_printf(&b, ",\"ip\":\"%s\"", v->ip);
		if (v->port) buf_printf(&b, ",\"port\":%u,\"proto\":\"%s\"", v->port, v->proto);
		if (*v->path) buf_puts(&b, ",\"path\":"), json_put_str(&b, v->path);
		buf_puts(&b, ",\"title\":");
		json_put_str(&b, v->title);
		buf_printf(&b, ",\"evidence\":%s", v->evidence && *v->evidence == '{' ? v->evidence : "{}");
		buf_puts(&b, ",\"remediation\":");
		json_put_str(&b, v->remediation ? v->remediation : "");
		buf_printf(&b,
			   ",\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"changed\":\"%s\",\"suppressed\":%s",
			   first, last, changed, life_is_suppressed(r, now_real()) ? "true" : "false");
		if (r->suppressed && *r->suppress_by)
			buf_puts(&b, ",\"suppressed_by\":"), json_put_str(&b, r->suppress_by);
		buf_puts(&b, "}\n");
		fwrite(b.data, 1, b.len, stdout);
		buf_release(&b);
		return 0;
	}
	struct buf f1 = BUF_INIT, f2 = BUF_INIT;
	if (v->port)
		snprintf(host, sizeof(host), "%s:%u", v->ip, v->port);
	else
		snprintf(host, sizeof(host), "%s", *v->ip ? v->ip : "-");
	if (!c->detail) {
		fprintf(c->t, "F%-5lld %-12s %-8s %-24s %-22s %-12s %s%s\n", (long long)r->id,
			life_state_name(r->state), severity_name(r->severity), r->rule, host,
			term_str(&f2, r->site), term_str(&f1, v->title),
			!life_is_suppressed(r, now_real())                ? ""
			: !strncmp(r->suppress_by, LIFE_CONFIG_ORIGIN, 7) ? " [suppressed by config]"
									  : " [suppressed]");
	} else {
		fprintf(c->t, "F%lld  %s  %s  %s  site %s\n", (long long)r->id, life_state_name(r->state),
			severity_name(r->severity), r->rule, term_str(&f2, r->site));
		fprintf(c->t, "  host         %s%s%s\n", host, *v->path ? "  path " : "",
			*v->path ? term_str(&f1, v->path) : "");
		fprintf(c->t, "  title        %s\n", term_str(&f1, v->title));
		fprintf(c->t, "  seen         %s .. %s (runs %lld .. %lld)\n", first, last,
			(long long)r->first_run, (long long)r->last_run);
		fprintf(c->t, "  changed      %s\n", changed);
		if (r->suppressed)
			fprintf(c->t, "  suppressed   until %s%s%s\n",
				r->suppress_until > 0 ? until : "unsuppressed", *r->suppress_by ? " by " : "",
				term_str(&f2, r->suppress_by));
		fprintf(c->t, "  evidence     %s\n", term_str(&f1, v->evidence ? v->evidence : "{}"));
		fprintf(c->t, "  remediation  %s\n", term_str(&f1, v->remediation ? v->remediation : "-"));
		fprintf(c->t, "  identity     %s\n", term_str(&f1, r->key));
	}
	buf_release(&f1);
	buf_release(&f2);
	return 0;
}

static int print_note(void *ctx, double at, const char *action, const char *who, const char *why,
		      double until)
{
	struct show_ctx *c = ctx;
	char t[40], u[40];
	struct buf f1 = BUF_INIT, f2 = BUF_INIT;
	fmt_time(at, t, sizeof(t));
	fmt_time(until, u, sizeof(u));
	fprintf(c->t, "  %s  %-10s by %s: %s", t, action, term_str(&f1, who), term_str(&f2, why));
	if (until > 0) fprintf(c->t, " (until %s)", u);
	fputc('\n', c->t);
	buf_release(&f1);
	buf_release(&f2);
	return 0;
}

static int apply_run(struct store *st, const struct findings_args *a, struct dm_err *e)
{
	int64_t run = 0;
	struct site_config site;
	site_config_defaults(&site);
	struct findings fs = { 0 };
	struct coverage cov = { 0 };
	struct buf rules = BUF_INIT;
	int r = parse_id(a->pos[1], &run, e);
	if (r == 0 && a->config) r = site_config_load(&site, a->config, e);
	/* without a config the run's own site is the findings' site */
	struct run_info ri;
	if (r == 0 && !a->config && (r = store_run_get(st, run, &ri, e)) == 0)
		r = store_set_site(st, ri.site, e);
	if (r == 0) r = store_load_findings(st, run, &fs, e);
	int have_cov = r == 0 ? store_run_coverage(st, run, &cov, e) : 0;
	if (have_cov < 0) r = have_cov;
	if (r == 0) {
		/* a run whose coverage is unknown resolves nothing */
		if (have_cov > 0) lifecycle_rules_for_checks(cov.checks, &rules);
		struct lifecycle_scope sc = { .rules = rules.data ? rules.data : "",
					      .cov = have_cov > 0 ? &cov : NULL };
		struct life_apply_out o;
		r = lifecycle_apply(st, run, &fs, &site, &sc, now_real(), &o, e);
		if (r == 0 && log_level >= LOG_INFO)
			printf("run %lld: %zu findings: %zu new, %zu reopened, %zu escalated, %zu resolved; "
			       "%zu alerts "
			       "queued\n",
			       (long long)run, o.seen, o.created, o.reopened, o.escalated, o.resolved,
			       o.alerts);
	}
	buf_release(&rules);
	if (have_cov > 0) coverage_release(&cov);
	findings_release(&fs);
	site_config_release(&site);
	return r;
}

static const char *login_name(void)
{
	const char *u = getenv("SUDO_USER");
	if (!u || !*u) u = getenv("USER");
	struct passwd *pw = (!u || !*u) ? getpwuid(getuid()) : NULL;
	return pw ? pw->pw_name : u && *u ? u : "unknown";
}

static int act(struct store *st, const struct findings_args *a, const char *sub, struct dm_err *e)
{
	static const char *const names[] = { "ack", "suppress", "unsuppress", "note" };
	int action = -1;
	for (int i = 0; i < 4; i++)
		if (!strcmp(sub, names[i])) action = i;
	int64_t id = 0;
	double now = now_real(), until = 0;
	int r = parse_id(a->pos[1], &id, e);
	if (r < 0) return r;
	if (action != LIFE_ACT_UNSUPPRESS && (!a->why || !*a->why))
		return dm_fail(e, DM_EINPUT, "%s needs --why TEXT (what is known, a ticket)", sub);
	if (a->until && (action == LIFE_ACT_ACK || action == LIFE_ACT_SUPPRESS) &&
	    (r = parse_until(a->until, now, &until, e)) < 0)
		return r;
	if (a->until && action != LIFE_ACT_ACK && action != LIFE_ACT_SUPPRESS)
		return dm_fail(e, DM_EINPUT, "--until belongs to ack and suppress");
	if ((r = store_life_act(st, id, (enum life_action)action, a->by ? a->by : login_name(),
				a->why ? a->why : "", until, now, e)) < 0)
		return r;
	if (log_level >= LOG_INFO) printf("F%lld: %s recorded\n", (long long)id, sub);
	return 0;
}

int cmd_findings(int argc, char **argv)
{
	struct findings_args a = { .state = -1 };
	struct dm_err e = { "" };
	struct store *st = NULL;
	char *dbpath = NULL;
	int r, code = EXIT_OK;
	a.pos = xcalloc((size_t)argc + 1, sizeof(*a.pos));
	static const char *const subs = "list,show,ack,suppress,unsuppress,note,apply";
	if ((r = opts_parse(argc, argv, findings_opts, ARRAY_SIZE(findings_opts), on_opt, &a, &e)) < 0)
		goto fail;
	if (a.help || a.n_pos == 0) {
		opts_help(
		    a.help ? stdout : stderr,
		    "dormant findings list [--state S] [--site NAME] [--json]\n"
		    "       dormant findings show ID\n"
		    "       dormant findings ack|suppress ID --why TEXT [--by WHO] [--until WHEN]\n"
		    "       dormant findings unsuppress|note ID [--why TEXT] [--by WHO]\n"
		    "       dormant findings apply RUN [--config FILE]",
		    "Findings with a life: each has a stable id across runs (rule, site, host, port and the\n"
		    "rule's key) and a state: new, open, acknowledged, resolved (its check ran and did not "
		    "see\n"
		    "it), reopened. An acknowledged finding alerts again only when its severity rises; a\n"
		    "suppressed one never alerts while suppressed. apply RUN feeds a stored run's findings\n"
		    "to the states and queues the alerts of the site's [alert NAME] channels.",
		    findings_opts, ARRAY_SIZE(findings_opts));
		code = a.help ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	const char *sub = a.pos[0];
	if (!list_has(subs, sub)) {
		r = dm_fail(
		    &e, DM_EINPUT,
		    "unknown action \"%s\": expected list, show, ack, suppress, unsuppress, note or apply",
		    sub);
		goto fail;
	}
	if ((strcmp(sub, "list") && a.n_pos != 2) || (!strcmp(sub, "list") && a.n_pos != 1)) {
		r = dm_fail(&e, DM_EINPUT, "%s takes %s", sub,
			    strcmp(sub, "list") ? "one id" : "no argument");
		goto fail;
	}
	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open_mode(dbpath, strcmp(sub, "apply") ? STORE_EXISTING : STORE_CREATE, &st, &e)) < 0)
		goto fail;
	struct show_ctx c = { .json = a.json, .detail = !strcmp(sub, "show") };
	if (!strcmp(sub, "list") || !strcmp(sub, "show")) {
		c.t = a.json ? stdout : term_open(stdout);
		int64_t id = 0;
		if (!strcmp(sub, "list"))
			r = store_life_list(st, a.site, a.state, print_view, &c, &e);
		else if ((r = parse_id(a.pos[1], &id, &e)) == 0 &&
			 (r = store_life_get(st, id, print_view, &c, &e)) == 0)
			r = dm_fail(&e, DM_EINPUT, "no finding F%lld", (long long)id);
		if (r >= 0 && !a.json && c.detail) r = store_life_notes(st, id, print_note, &c, &e);
		if (!a.json) term_close_stream(c.t);
		if (r < 0) goto fail;
	} else if (!strcmp(sub, "apply")) {
		if ((r = apply_run(st, &a, &e)) < 0) goto fail;
	} else if ((r = act(st, &a, sub, &e)) < 0) {
		goto fail;
	}
	goto out;
fail:
	code = cmd_error("findings", r, &e);
out:
	store_close(st);
	free(dbpath);
	free(a.pos);
	return code;
}

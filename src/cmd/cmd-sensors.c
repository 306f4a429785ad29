/* `dormant sensors`: the sensors that wrote to the store (--sensor NAME on
 * scan, audit, creds), their first and last contact, their last run and
 * how many runs of each kind they made. Wiring only. */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "pipeline/run-groups.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S_DB = 1, S_JSON, S_HELP };

static const struct opt sensors_opts[] = {
	{ "--db", S_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--json", S_JSON, false, NULL, "JSON Lines \"sensor\" records" },
	{ "--help", S_HELP, false, NULL, "this help" },
	{ "-h", S_HELP, false, NULL, NULL },
};

struct sensors_args {
	const char *db;
	bool json, help;
	int n_pos;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct sensors_args *a = ctx;
	(void)name;
	switch (id) {
	case 0: return dm_fail(e, DM_EINPUT, "unexpected argument \"%s\"", arg);
	case S_DB: a->db = arg; return 0;
	case S_JSON: a->json = true; return 0;
	case S_HELP: a->help = true; return 0;
	}
	return 0;
}

static void print_json(const struct sensor_info *v)
{
	char first[40], last[40];
	fmt_rfc3339(v->first_seen, first, sizeof(first));
	fmt_rfc3339(v->last_seen, last, sizeof(last));
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\"type\":\"sensor\",\"name\":");
	json_put_str(&b, v->name);
	buf_printf(&b, ",\"first_contact\":\"%s\",\"last_contact\":\"%s\",\"runs\":%llu", first, last,
		   (unsigned long long)v->runs);
	if (v->last_run) {
		buf_printf(&b, ",\"last_run\":{\"id\":%lld,\"kind\":", (long long)v->last_run);
		json_put_str(&b, v->last_kind);
		buf_puts(&b, ",\"status\":");
		json_put_str(&b, v->last_status);
		buf_puts(&b, "}");
	}
	buf_puts(&b, ",\"ran\":{");
	/* "audit 2, scan 1" as {"audit":2,"scan":1} */
	char kinds[sizeof(v->kinds)];
	snprintf(kinds, sizeof(kinds), "%s", v->kinds);
	int k = 0;
	for (char *save = NULL, *w = strtok_r(kinds, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		while (*w == ' ') w++;
		char *sp = strrchr(w, ' ');
		if (!sp) continue;
		*sp = 0;
		buf_puts(&b, k++ ? "," : "");
		json_put_str(&b, w);
		buf_printf(&b, ":%lld", strtoll(sp + 1, NULL, 10));
	}
	buf_puts(&b, "}}\n");
	fwrite(b.data, 1, b.len, stdout);
	buf_release(&b);
}

static void print_text(FILE *t, const struct sensor_info *v)
{
	char first[40], last[40], run[64] = "-";
	fmt_rfc3339(v->first_seen, first, sizeof(first));
	fmt_rfc3339(v->last_seen, last, sizeof(last));
	struct buf b = BUF_INIT, k = BUF_INIT, s = BUF_INIT;
	if (v->last_run)
		snprintf(run, sizeof(run), "%lld %s %s", (long long)v->last_run, term_str(&k, v->last_kind),
			 term_str(&s, v->last_status));
	buf_reset(&k);
	fprintf(t, "%-20s %-24s %-24s %-20s %s\n", term_str(&b, v->name), first, last, run,
		*v->kinds ? term_str(&k, v->kinds) : "-");
	buf_release(&b);
	buf_release(&k);
	buf_release(&s);
}

/* Run groups: each group's shards, whether all reported, which did not. */
static void print_groups(FILE *t, bool json, const struct run_group *g, size_t n)
{
	struct buf b = BUF_INIT, s = BUF_INIT;
	if (!json && n)
		fprintf(t, "\n%-20s %-12s %7s %9s %-11s %-12s %5s %s\n", "run group", "site", "shards",
			"reported", "state", "missing", "runs", "last contact");
	for (size_t i = 0; i < n; i++) {
		char first[40], last[40];
		fmt_rfc3339(g[i].first, first, sizeof(first));
		fmt_rfc3339(g[i].last, last, sizeof(last));
		bool complete = g[i].done == g[i].shards && !g[i].disagree;
		const char *missing = g[i].missing.len ? g[i].missing.data : "";
		if (!json) {
			fprintf(t, "%-20s %-12s %7u %9u %-11s %-12s %5zu %s\n", term_str(&b, g[i].id),
				term_str(&s, g[i].site), g[i].shards, g[i].done,
				complete        ? "complete"
				: g[i].disagree ? "mismatched"
						: "incomplete",
				*missing ? missing : "-", g[i].runs, last);
			continue;
		}
		buf_reset(&b);
		buf_puts(&b, "{\"type\":\"run_group\",\"id\":");
		json_put_str(&b, g[i].id);
		buf_puts(&b, ",\"site\":");
		json_put_str(&b, g[i].site);
		buf_printf(&b, ",\"shards\":%u,\"reported\":%u,\"complete\":%s,\"missing\":[%s],\"runs\":%zu",
			   g[i].shards, g[i].done, complete ? "true" : "false", missing, g[i].runs);
		buf_printf(&b, ",\"first_contact\":\"%s\",\"last_contact\":\"%s\"%s}\n", first, last,
			   g[i].disagree ? ",\"shards_disagree\":true" : "");
		fwrite(b.data, 1, b.len, stdout);
	}
	buf_release(&b);
	buf_release(&s);
}

int cmd_sensors(int argc, char **argv)
{
	struct sensors_args a = { 0 };
	struct dm_err e = { "" };
	struct store *st = NULL;
	struct sensor_info *v = NULL;
	struct run_info *runs = NULL;
	struct run_group *groups = NULL;
	size_t n = 0, n_runs = 0, n_groups = 0;
	char *dbpath = NULL;
	int r, code = EXIT_OK;
	if ((r = opts_parse(argc, argv, sensors_opts, ARRAY_SIZE(sensors_opts), on_opt, &a, &e)) < 0)
		goto fail;
	if (a.help) {
		opts_help(
		    stdout, "dormant sensors [--db PATH] [--json]",
		    "The sensors that wrote to the store (scan, audit, creds --sensor NAME), by name:\n"
		    "first and last contact, the last run (id, kind, status) and the runs of each kind;\n"
		    "then the run groups (--run-group): shards, how many reported, which are missing.",
		    sensors_opts, ARRAY_SIZE(sensors_opts));
		goto out;
	}
	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open_mode(dbpath, STORE_EXISTING, &st, &e)) < 0 ||
	    (r = store_sensors_list(st, &v, &n, &e)) < 0 || (r = store_runs_list(st, &runs, &n_runs, &e)) < 0)
		goto fail;
	n_groups = run_groups_list(runs, n_runs, &groups);
	if (a.json) {
		for (size_t i = 0; i < n; i++) print_json(&v[i]);
		print_groups(stdout, true, groups, n_groups);
	} else {
		FILE *t = term_open(stdout);
		if (!n)
			fprintf(t, "no sensors: runs made with --sensor NAME register theirs\n");
		else
			fprintf(t, "%-20s %-24s %-24s %-20s %s\n", "sensor", "first contact", "last contact",
				"last run", "ran");
		for (size_t i = 0; i < n; i++) print_text(t, &v[i]);
		print_groups(t, false, groups, n_groups);
		term_close_stream(t);
	}
	goto out;
fail:
	code = cmd_error("sensors", r, &e);
out:
	free(v);
	free(runs);
	run_groups_release(groups, n_groups);
	store_close(st);
	free(dbpath);
	return code;
}

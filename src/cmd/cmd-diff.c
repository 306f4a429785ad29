/* `dormant diff [RUN_A RUN_B]`: hosts that appeared or went silent, ports
 * opened or closed and findings new or resolved between two stored runs,
 * stated only where both runs looked (without run ids: the last two
 * comparable runs). */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "model/rundiff.h"
#include "pipeline/run-changes.h"
#include "report/report-diff.h"
#include "store/store.h"
#include <errno.h>
#include <string.h>

enum { D_FORMAT = 1, D_DB, D_SITE, D_HELP };

static const struct opt diff_opts[] = {
	{ "--format", D_FORMAT, true, "FMT", "text or json (JSON Lines \"change\" records)" },
	{ "--db", D_DB, true, "PATH", "store database" },
	{ "--site", D_SITE, true, "NAME", "the site whose runs are compared (default: the runs' own)" },
	{ "--help", D_HELP, false, NULL, "this help" },
	{ "-h", D_HELP, false, NULL, NULL },
};

struct diff_args {
	uint64_t runs[2];
	int n;
	bool json, help;
	const char *db, *site;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct diff_args *a = ctx;
	switch (id) {
	case 0:
		if (a->n == 2)
			return dm_fail(e, DM_EINPUT, "unexpected argument \"%s\": diff takes two run ids",
				       arg);
		{
			int k = a->n++;
			return parse_u64(k ? "RUN_B" : "RUN_A", arg, 1, INT64_MAX, &a->runs[k], e);
		}
	case D_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return dm_fail(e, DM_EINPUT, "%s \"%s\": expected text or json", name, arg);
		a->json = !strcmp(arg, "json");
		return 0;
	case D_DB: a->db = arg; return 0;
	case D_SITE: a->site = arg; return store_site_check(name, arg, e);
	case D_HELP: a->help = true; return 0;
	}
	return 0;
}

/* The newest finished run that scanned, and the newest before it whose
 * targets overlap its own. */
static int pick_runs(struct store *st, const char *db, uint64_t runs[2], struct dm_err *e)
{
	int64_t b = run_comparable_before(st, 0, NULL, e), a = 0;
	if (b < 0) return (int)b;
	if (b == 0)
		return store_site(st)
			   ? dm_fail(e, DM_EEMPTY,
				     "%s holds no finished scan, audit, creds or imported run of "
				     "site %s yet",
				     db, store_site(st))
			   : dm_fail(e, DM_EEMPTY,
				     "%s holds no finished scan, audit, creds or imported run yet", db);
	if ((a = run_comparable_before(st, b, NULL, e)) < 0) return (int)a;
	if (a == 0)
		return dm_fail(e, DM_EEMPTY,
			       "%s: no finished run before run %lld covered any of its targets: nothing to "
			       "compare it with (give two run ids; see dormant report --list)",
			       db, (long long)b);
	runs[0] = (uint64_t)a;
	runs[1] = (uint64_t)b;
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a = { 0 };
	struct dm_err e = { "" };
	struct store *st = NULL;
	struct resultset rs[2] = { { 0 }, { 0 } };
	struct findings fs[2] = { { 0 }, { 0 } };
	char *db = NULL, site[72] = "";
	int r, code = EXIT_OK;
	if ((r = opts_parse(argc, argv, diff_opts, ARRAY_SIZE(diff_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help) {
		opts_help(stdout, "dormant diff [--format text|json] [--site NAME] [RUN_A RUN_B]",
			  "What changed from RUN_A to RUN_B: new hosts and hosts that stopped answering, "
			  "opened and closed\n"
			  "ports, new and resolved findings, hosts whose traffic went silent or woke; of\n"
			  "network devices walked in both runs, MACs learned on another switch port, ports\n"
			  "whose link came up or went down, entries new in an ARP table. Only "
			  "what both runs\n"
			  "covered is compared (targets, ports, checks); the first line says what that was. "
			  "Without run ids:\n"
			  "the last two finished runs whose targets overlap (of --site NAME's runs when "
			  "given).\n"
			  "Both runs are one site's.",
			  diff_opts, ARRAY_SIZE(diff_opts));
		goto out;
	}
	if (a.n == 1) {
		r = dm_fail(&e, DM_EINPUT,
			    "one run id given: two run ids needed, or none for the last two comparable runs "
			    "(see dormant report --list)");
		goto fail;
	}
	db = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open_mode(db, STORE_EXISTING, &st, &e)) < 0) goto fail;
	if (a.site && (r = store_set_site(st, a.site, &e)) < 0) goto fail;
	if (a.n == 0 && (r = pick_runs(st, db, a.runs, &e)) < 0) goto fail;
	for (int i = 0; i < 2; i++) {
		struct run_info ri;
		if ((r = store_run_get(st, (int64_t)a.runs[i], &ri, &e)) < 0) {
			if (r == -ENOENT)
				r = dm_fail(&e, DM_EINPUT, "run %llu is not in %s",
					    (unsigned long long)a.runs[i], db);
			goto fail;
		}
		/* two sites' runs are two networks: their 10.0.0.5 are two hosts */
		if (i == 0) snprintf(site, sizeof(site), "%s", ri.site);
		if (strcmp(ri.site, a.site ? a.site : site)) {
			r = dm_fail(&e, DM_EINPUT,
				    "run %llu is of site %s, not %s: a diff compares one site's runs",
				    (unsigned long long)a.runs[i], ri.site, a.site ? a.site : site);
			goto fail;
		}
		if ((r = store_load_results(st, (int64_t)a.runs[i], &rs[i], &e)) < 0) goto fail;
		resultset_sort(&rs[i]);
	}
	for (int i = 0; i < 2; i++)
		if ((r = store_load_findings(st, (int64_t)a.runs[i], &fs[i], &e)) < 0) goto fail;
	struct rundiff d;
	if ((r = run_compare(st, (int64_t)a.runs[0], (int64_t)a.runs[1], &rs[0], &fs[0], &rs[1], &fs[1], &d,
			     &e)) < 0)
		goto fail;
	/* the network devices' tables, when both runs walked them */
	struct netdev_rows nd[2] = { { 0 }, { 0 } };
	for (int i = 0; i < 2 && r >= 0; i++) r = store_netdev_rows(st, (int64_t)a.runs[i], &nd[i], &e);
	if (r >= 0 && nd[0].n && nd[1].n) rundiff_netdev(&nd[0], &nd[1], &d);
	netdev_rows_release(&nd[0]);
	netdev_rows_release(&nd[1]);
	if (r < 0) {
		rundiff_release(&d);
		goto fail;
	}
	/* the register's names beside the addresses (the runs' site's); a store
	 * without one has none */
	struct inventory inv = { 0 };
	if ((r = store_set_site(st, site, &e)) < 0 || (r = store_inventory_load(st, &inv, &e)) < 0) {
		rundiff_release(&d);
		goto fail;
	}
	rundiff_name_hosts(&d, &inv);
	inventory_release(&inv);
	report_diff(stdout, &d, (int64_t)a.runs[0], (int64_t)a.runs[1], a.json);
	rundiff_release(&d);
	goto out;
fail:
	code = cmd_error("diff", r, &e);
out:
	free(db);
	resultset_release(&rs[0]);
	resultset_release(&rs[1]);
	findings_release(&fs[0]);
	findings_release(&fs[1]);
	store_close(st);
	return code;
}

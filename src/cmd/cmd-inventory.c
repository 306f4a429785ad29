/* `dormant inventory import FILE` and `dormant inventory list`: the asset
 * register. An import checks every row first (and names every bad one) and
 * replaces the register, or with --merge adds and updates its rows, in one
 * transaction, so a bad file changes nothing. */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "base/buf.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "model/inventory.h"
#include "store/store.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { I_DB = 1, I_JSON, I_FORMAT, I_MERGE, I_QUIET, I_HELP, I_SITE };

static const struct opt inventory_opts[] = {
	{ "--db", I_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--site", I_SITE, true, "NAME", "the site whose register this is (default: default)" },
	{ "--format", I_FORMAT, true, "FMT",
	  "list: text (default) or json (JSON Lines \"inventory\" records)" },
	{ "--json", I_JSON, false, NULL, "same as --format json" },
	{ "--merge", I_MERGE, false, NULL,
	  "import: add the file's rows and update those with the same ip, instead of replacing the "
	  "register" },
	{ "-q", I_QUIET, false, NULL, "quiet: errors only" },
	{ "--help", I_HELP, false, NULL, "this help" },
	{ "-h", I_HELP, false, NULL, NULL },
};

struct inventory_args {
	const char *db, *site;
	bool json, merge, help;
	char **pos;
	int n_pos;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct inventory_args *a = ctx;
	switch (id) {
	case 0: a->pos[a->n_pos++] = (char *)arg; return 0;
	case I_DB: a->db = arg; return 0;
	case I_SITE: a->site = arg; return store_site_check(name, arg, e);
	case I_JSON: a->json = true; return 0;
	case I_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return dm_fail(e, DM_EINPUT, "%s \"%s\": expected text or json", name, arg);
		a->json = !strcmp(arg, "json");
		return 0;
	case I_MERGE: a->merge = true; return 0;
	case I_QUIET: log_level = LOG_WARN; return 0;
	case I_HELP: a->help = true; return 0;
	}
	return 0;
}

static void fmt_day(double t, char *out, size_t n)
{
	if (t <= 0) {
		snprintf(out, n, "-");
		return;
	}
	time_t s = (time_t)t - 86400; /* stored as the end of the day */
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
}

static void list(const struct inventory *inv, bool json)
{
	struct buf b = BUF_INIT;
	FILE *t = json ? NULL : term_open(stdout); /* owner, role, hostname: as the register said */
	if (!json)
		fprintf(t, "%-40s %-15s %-10s %-12s %-16s %-24s %s\n", "IP", "STATUS", "EXPIRES", "ROLE",
			"OWNER", "HOSTNAME", "MAC");
	for (size_t i = 0; i < inv->n; i++) {
		const struct inv_entry *en = &inv->v[i];
		char ip[IPADDR_STRLEN], day[16];
		ipaddr_fmt(&en->ip, ip, sizeof(ip));
		fmt_day(en->expires, day, sizeof(day));
		if (!json) {
			/* one line per asset: a newline inside a field is shown, not obeyed */
			struct buf f1 = BUF_INIT, f2 = BUF_INIT, f3 = BUF_INIT;
			fprintf(t, "%-40s %-15s %-10s %-12.12s %-16.16s %-24.24s %s\n", ip,
				inv_status_name(en->status), day, *en->role ? term_str(&f1, en->role) : "-",
				*en->owner ? term_str(&f2, en->owner) : "-",
				*en->hostname ? term_str(&f3, en->hostname) : "-", *en->mac ? en->mac : "-");
			buf_release(&f1), buf_release(&f2), buf_release(&f3);
			continue;
		}
		buf_reset(&b);
		buf_printf(&b, "{\"type\":\"inventory\",\"ip\":\"%s\",\"status\":\"%s\"", ip,
			   inv_status_name(en->status));
		const char *keys[] = { "mac", "hostname", "owner", "role" };
		const char *vals[] = { en->mac, en->hostname, en->owner, en->role };
		for (size_t k = 0; k < 4; k++) {
			buf_printf(&b, ",\"%s\":", keys[k]);
			if (*vals[k])
				json_put_str(&b, vals[k]);
			else
				buf_puts(&b, "null");
		}
		if (en->expires > 0)
			buf_printf(&b, ",\"expires\":\"%s\"", day);
		else
			buf_puts(&b, ",\"expires\":null");
		if (en->has_public) {
			char pub[IPADDR_STRLEN];
			ipaddr_fmt(&en->public_ip, pub, sizeof(pub));
			buf_printf(&b, ",\"public_ip\":\"%s\"", pub);
		} else {
			buf_puts(&b, ",\"public_ip\":null");
		}
		buf_printf(&b, ",\"line\":%u}\n", en->line);
		fwrite(b.data, 1, b.len, stdout);
	}
	if (t) term_close_stream(t);
	buf_release(&b);
}

/* A rejected file's bad rows, one line each, before cmd_error's summary
 * (which says it when there is only one). */
static void list_errors(const struct inventory *inv)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; inv->n_errors > 1 && i < inv->n_errors && i < INV_ERRORS_KEPT; i++)
		fprintf(stderr, "dormant: inventory: %s\n", term_str(&b, inv->errors[i]));
	if (inv->n_errors > INV_ERRORS_KEPT)
		fprintf(stderr, "dormant: inventory: ... and %zu more\n", inv->n_errors - INV_ERRORS_KEPT);
	buf_release(&b);
}

int cmd_inventory(int argc, char **argv)
{
	struct inventory_args a = { 0 };
	struct dm_err e = { "" };
	struct store *st = NULL;
	struct inventory inv = { 0 }, old = { 0 };
	char *dbpath = NULL;
	int r, code = EXIT_OK;
	a.pos = xcalloc((size_t)argc + 1, sizeof(*a.pos));
	if ((r = opts_parse(argc, argv, inventory_opts, ARRAY_SIZE(inventory_opts), on_opt, &a, &e)) < 0)
		goto fail;
	if (a.help || a.n_pos == 0) {
		opts_help(
		    a.help ? stdout : stderr,
		    "dormant inventory import [--merge] FILE\n       dormant inventory list [--format json]",
		    "The asset register: a CSV file with a header naming its columns (ip, mac, "
		    "hostname, owner,\n"
		    "role, status = active|test|spare|decommissioned, expires = YYYY-MM-DD; other "
		    "columns are\n"
		    "ignored with a warning), or JSON with the same members (an array of objects, an "
		    "object whose\n"
		    "\"assets\" member holds it, or one object per line). Every row is checked first; "
		    "an import\n"
		    "replaces the register whole; --merge adds new addresses and updates known ones.\n"
		    "A file with bad rows is rejected whole, every bad row named (at most 100 listed).",
		    inventory_opts, ARRAY_SIZE(inventory_opts));
		code = a.help ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	const char *sub = a.pos[0];
	if (strcmp(sub, "import") && strcmp(sub, "list")) {
		r = dm_fail(&e, DM_EINPUT, "unknown action \"%s\": expected import or list", sub);
		goto fail;
	}
	if (!strcmp(sub, "import") && a.n_pos != 2) {
		r = dm_fail(&e, DM_EINPUT, "import needs one file (the whole register)");
		goto fail;
	}
	if (a.merge && strcmp(sub, "import")) {
		r = dm_fail(&e, DM_EINPUT, "--merge belongs to inventory import");
		goto fail;
	}
	if (!strcmp(sub, "import")) { /* checked before the store is touched */
		if ((r = inventory_load_file(a.pos[1], &inv, &e)) < 0) {
			list_errors(&inv);
			if (inv.n_errors > 1)
				r = dm_fail(&e, DM_EINPUT, "%s: %zu errors; nothing was imported", a.pos[1],
					    inv.n_errors);
			goto fail;
		}
	}
	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open_mode(dbpath, strcmp(sub, "list") ? STORE_CREATE : STORE_EXISTING, &st, &e)) < 0 ||
	    (a.site && (r = store_set_site(st, a.site, &e)) < 0))
		goto fail;
	if (!strcmp(sub, "import")) {
		size_t by[4] = { 0 }, n_old, added = 0, updated = 0;
		for (size_t i = 0; i < inv.n; i++) by[inv.v[i].status]++;
		if ((r = store_inventory_load(st, &old, &e)) < 0) goto fail;
		n_old = old.n;
		if (a.merge) inventory_merge(&old, &inv, &added, &updated);
		if ((r = store_inventory_replace(st, a.merge ? &old : &inv, a.pos[1], now_real(), &e)) < 0)
			goto fail;
		struct buf b = BUF_INIT; /* the file's name as given: escaped for the terminal */
		if (log_level >= LOG_INFO && a.merge)
			printf("%zu assets from %s (%zu active, %zu test, %zu spare, %zu decommissioned) "
			       "merged: "
			       "%zu added, %zu updated; the register has %zu (had %zu)\n",
			       inv.n, term_str(&b, a.pos[1]), by[INV_ACTIVE], by[INV_TEST], by[INV_SPARE],
			       by[INV_DECOMMISSIONED], added, updated, old.n, n_old);
		else if (log_level >= LOG_INFO)
			printf("%zu assets from %s (%zu active, %zu test, %zu spare, %zu decommissioned); "
			       "the register had %zu, all replaced (--merge adds and updates instead)\n",
			       inv.n, term_str(&b, a.pos[1]), by[INV_ACTIVE], by[INV_TEST], by[INV_SPARE],
			       by[INV_DECOMMISSIONED], n_old);
		buf_release(&b);
	} else {
		if ((r = store_inventory_load(st, &inv, &e)) < 0) goto fail;
		list(&inv, a.json);
	}
	goto out;
fail:
	code = cmd_error("inventory", r, &e);
out:
	inventory_release(&inv);
	inventory_release(&old);
	store_close(st);
	free(dbpath);
	free(a.pos);
	return code;
}

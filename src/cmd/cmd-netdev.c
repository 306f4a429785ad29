/* `dormant netdev`: asks the routers and switches of the [netdev NAME]
 * sections (the site policy, or a --netdev file) over SNMP and prints what
 * they know: interfaces, ARP, forwarding tables with VLANs, LLDP. */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "base/log.h"
#include "base/util.h"
#include "base/redact.h"
#include "base/timeutil.h"
#include "pipeline/netdev.h"
#include "report/report.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>

enum { N_DB = 1, N_CONFIG, N_NETDEV, N_DEVICE, N_JSON, N_FORMAT, N_PUBLIC, N_QUIET, N_HELP, N_SITE };

static const struct opt netdev_opts[] = {
	{ "--db", N_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--config", N_CONFIG, true, "FILE", "site policy with [netdev NAME] sections" },
	{ "--netdev", N_NETDEV, true, "FILE", "a file of [netdev NAME] sections only (mode 0600)" },
	{ "--device", N_DEVICE, true, "NAME", "ask only this device" },
	{ "--site", N_SITE, true, "NAME", "the site the devices are at (default: --config's [site] name)" },
	{ "--format", N_FORMAT, true, "FMT", "text (default) or json (JSON Lines netdev records)" },
	{ "--json", N_JSON, false, NULL, "same as --format json" },
	{ "--allow-public", N_PUBLIC, false, NULL, "allow devices with public addresses" },
	{ "-q", N_QUIET, false, NULL, "quiet: errors only" },
	{ "--help", N_HELP, false, NULL, "this help" },
	{ "-h", N_HELP, false, NULL, NULL },
};

struct netdev_args {
	const char *db, *config, *netdev, *device, *site;
	bool json, allow_public, help;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct netdev_args *a = ctx;
	switch (id) {
	case 0:
		return dm_fail(e, DM_EINPUT,
			       "unexpected argument \"%s\" (devices come from --config or --netdev)", arg);
	case N_DB: a->db = arg; return 0;
	case N_CONFIG: a->config = arg; return 0;
	case N_NETDEV: a->netdev = arg; return 0;
	case N_DEVICE: a->device = arg; return 0;
	case N_SITE: a->site = arg; return store_site_check(name, arg, e);
	case N_JSON: a->json = true; return 0;
	case N_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return dm_fail(e, DM_EINPUT, "%s \"%s\": expected text or json", name, arg);
		a->json = !strcmp(arg, "json");
		return 0;
	case N_PUBLIC: a->allow_public = true; return 0;
	case N_QUIET: log_level = LOG_WARN; return 0;
	case N_HELP: a->help = true; return 0;
	}
	return 0;
}

int cmd_netdev(int argc, char **argv)
{
	struct netdev_args a = { 0 };
	struct dm_err e = { "" };
	struct site_config cfg;
	struct netdev_confs extra = { 0 };
	struct netdev_result *rs = NULL;
	struct store *st = NULL;
	struct findings fs = { 0 };
	char *dbpath = NULL;
	size_t n = 0;
	int r, code = EXIT_OK;
	site_config_defaults(&cfg);
	if ((r = opts_parse(argc, argv, netdev_opts, ARRAY_SIZE(netdev_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help) {
		opts_help(
		    stdout, "dormant netdev [--config FILE | --netdev FILE] [--device NAME] [--format json]",
		    "Asks the routers and switches named in [netdev NAME] sections (address, version 2c\n"
		    "with community, or 3 with user, auth SHA|SHA-256|MD5, auth_pass, priv AES|DES,\n"
		    "priv_pass) over SNMP: system group, ifTable/ifXTable, ipNetToPhysical/MediaTable,\n"
		    "dot1d/dot1q forwarding tables with VLANs, bridge ports, LLDP and CDP neighbours and\n"
		    "the ENTITY-MIB chassis (what the device is; its firmware is matched against the\n"
		    "stored vulnerability data like a service), walked\n"
		    "with GetBulk (bulk, max_rows, deadline, timeout bound each device). A file holding\n"
		    "these credentials must not be readable by others; outputs show them redacted. A\n"
		    "device that fails or stops answering is reported with what it gave (exit 3).",
		    netdev_opts, ARRAY_SIZE(netdev_opts));
		goto out;
	}
	if (a.config && (r = site_config_load(&cfg, a.config, &e)) < 0) goto fail;
	const struct netdev_confs *confs = &cfg.netdevs;
	if (a.netdev) {
		if ((r = netdev_conf_load(&extra, a.netdev, &e)) < 0) goto fail;
		if (cfg.netdevs.n) {
			r = dm_fail(&e, DM_EINPUT,
				    "devices from both --config and --netdev: name them in one place");
			goto fail;
		}
		confs = &extra;
	}
	if (!confs->n) {
		r = dm_fail(&e, DM_EINPUT,
			    "no devices: give --netdev FILE or --config FILE with [netdev NAME] sections");
		goto fail;
	}
	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if (a.site) snprintf(cfg.name, sizeof(cfg.name), "%s", a.site);
	if ((r = store_open(dbpath, &st, &e)) < 0 || (r = store_set_site(st, cfg.name, &e)) < 0) goto fail;
	redact_set_key(store_redact_key(st));
	double started = now_real();
	if ((r = netdev_collect(confs, a.device, a.allow_public, &rs, &n, &e)) < 0 ||
	    (r = netdev_identify_data(rs, n, &e)) < 0)
		goto fail;
	int64_t run = 0;
	if ((r = netdev_judge(st, &cfg, rs, n, &fs, &e)) < 0 ||
	    (r = netdev_run_save(st, "netdev", started, rs, n, &fs, &run, &e)) < 0)
		goto fail;
	if (a.json) {
		report_netdev_jsonl(stdout, rs, n);
		report_findings_jsonl(stdout, &fs, run);
	} else {
		report_netdev_text(stdout, rs, n);
		if (fs.n) fputc('\n', stdout), report_findings_text(stdout, &fs, NULL);
	}
	code = fs.n ? EXIT_FINDINGS : EXIT_OK;
	for (size_t i = 0; i < n; i++)
		if (!rs[i].ok) code = EXIT_RUNTIME;
	goto out;
fail:
	code = cmd_error("netdev", r, &e);
out:
	netdev_results_free(rs, n);
	findings_release(&fs);
	store_close(st);
	free(dbpath);
	netdev_confs_release(&extra);
	site_config_release(&cfg);
	return code;
}

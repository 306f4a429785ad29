/* One option of scan, audit and creds into struct scan_args: targets,
 * ports, scan settings, outputs, the credential and join inputs, with the
 * checks that name both options of a conflicting or repeated pair. */
#include "cmd/scan-opt-ids.h"
#include "base/log.h"
#include "base/redact.h"
#include "store/store.h"
#include <string.h>

/* --shard I/N: digits only (sscanf's %llu would take "-1" and wrap it). */
static int parse_shard(const char *arg, struct scan_config *c, struct dm_err *e)
{
	const char *slash = strchr(arg, '/');
	char num[24];
	uint64_t i, n;
	struct dm_err ignored = { "" };
	size_t len = slash ? (size_t)(slash - arg) : 0;
	bool ok = slash && len > 0 && len < sizeof(num) && strspn(arg, "0123456789") == len && slash[1] &&
		  strspn(slash + 1, "0123456789") == strlen(slash + 1);
	if (ok) {
		snprintf(num, sizeof(num), "%.*s", (int)len, arg);
		ok = parse_u64("--shard", num, 1, UINT64_MAX, &i, &ignored) == 0 &&
		     parse_u64("--shard", slash + 1, 1, UINT64_MAX, &n, &ignored) == 0 && i <= n;
	}
	if (!ok) return dm_fail(e, DM_EINPUT, "--shard \"%s\": expected I/N with 1 <= I <= N", arg);
	c->shard = i - 1;
	c->shards = n;
	return 0;
}

/* -T's names, as nmap spells them (-T aggressive is -T4). */
static const char *const timing_names[6] = {
	"paranoid", "sneaky", "polite", "normal", "aggressive", "insane"
};

/* An exclusive choice: the second option that makes it differently is an
 * error naming both (-sS then -sT; -q then -v). */
static int choose(const char **slot, const char *name, struct dm_err *e)
{
	if (*slot && strcmp(*slot, name))
		return dm_fail(e, DM_EINPUT, "%s and %s cannot be combined; choose one", *slot, name);
	*slot = name;
	return 0;
}

/* -q against -v, -vv or -d: the second is an error naming both. */
static int set_level(struct scan_args *a, const char *name, enum log_level lvl, struct dm_err *e)
{
	bool quiet = !strcmp(name, "-q");
	if (a->level_opt && !strcmp(a->level_opt, "-q") != quiet)
		return dm_fail(e, DM_EINPUT, "%s and %s cannot be combined; choose one", a->level_opt, name);
	if (!a->level_opt || lvl > log_level) log_level = lvl;
	a->level_opt = name;
	return 0;
}

/* -oA BASE: the three formats nmap writes, dormant's JSON Lines as BASE.jsonl. */
static int set_output(struct scan_args *a, int which, const char *name, const char *path, struct dm_err *e)
{
	const char **slot[3] = { &a->p.out.jsonl, &a->p.out.xml, &a->p.out.text };
	static const char *const what[3] = { "JSON Lines", "XML", "text" };
	if (a->out_opt[which])
		return dm_fail(e, DM_EINPUT, "%s and %s both name the %s output; give one", a->out_opt[which],
			       name, what[which]);
	a->out_opt[which] = name;
	*slot[which] = path;
	return 0;
}

static int set_all_outputs(struct scan_args *a, const char *name, const char *base, struct dm_err *e)
{
	static const char *const ext[3] = { "jsonl", "xml", "nmap" };
	if (!*base || !strcmp(base, "-"))
		return dm_fail(e, DM_EINPUT, "%s \"%s\": give a base name for the files, not standard output",
			       name, base);
	for (int i = 0; i < 3; i++) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s.%s", base, ext[i]);
		a->oa[i] = b.data;
		int r = set_output(a, i, name, a->oa[i], e);
		if (r < 0) return r;
	}
	return 0;
}

int scan_opt_apply(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct scan_args *a = ctx;
	struct scan_config *c = &a->p.scan;
	uint64_t u;
	double d;
	int r = 0;
	char where[32];
	switch (id) {
	case 0:
		snprintf(where, sizeof(where), "target %d", ++a->positional);
		return targets_add(&a->targets, arg, where, e);
	case O_PORTS:
		/* -p with --top-ports is a union (-p U:161 --top-ports 100), not a conflict */
		if (a->sn_opt) return choose(&a->sn_opt, name, e);
		a->ports_opt = name;
		a->ports_given = true;
		return portlist_parse(&a->ports, arg, PROTO_TCP, e);
	case O_TOP:
		if (a->sn_opt) return choose(&a->sn_opt, name, e);
		a->ports_opt = name;
		if ((r = parse_u64(name, arg, 1, 65535, &u, e)) < 0) return r;
		a->top = (long)u;
		return 0;
	case O_UDP: a->udp = true; return 0;
	case O_SYN: c->mode = SCAN_SYN; return choose(&a->mode_opt, "-sS", e);
	case O_CONNECT: c->mode = SCAN_CONNECT; return choose(&a->mode_opt, "-sT", e);
	case O_PN: c->skip_discovery = true; return 0;
	case O_SN:
		if (a->ports_opt)
			return dm_fail(e, DM_EINPUT, "%s and -sn cannot be combined: -sn scans no ports",
				       a->ports_opt);
		c->discovery_only = true;
		a->sn_opt = name;
		return 0;
	case O_IL: return targets_add_file(&a->targets, arg, false, e);
	case O_EXCLUDE: {
		char *copy = xstrdup(arg), *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t && r == 0; t = strtok_r(NULL, ",", &save))
			r = targets_exclude(&a->targets, t, "--exclude", e);
		free(copy);
		return r;
	}
	case O_EXCLUDE_FILE: return targets_add_file(&a->targets, arg, true, e);
	case O_PUBLIC: a->allow_public = true; return 0;
	case O_RATE:
		if ((r = parse_double(name, arg, 0, 100e6, &d, e)) < 0) return r;
		c->rate = d;
		a->explicit_timing |= TIMING_RATE;
		return 0;
	case O_RETRIES:
		if ((r = parse_u64(name, arg, 0, 20, &u, e)) < 0) return r;
		c->retries = (unsigned)u;
		a->explicit_timing |= TIMING_RETRIES;
		return 0;
	case O_WAIT: a->explicit_timing |= TIMING_WAIT; return parse_seconds(name, arg, &c->max_wait, e);
	case O_COOLDOWN: return parse_seconds(name, arg, &c->quiet, e);
	case O_CTIMEOUT:
		a->explicit_timing |= TIMING_CTIMEOUT;
		return parse_seconds(name, arg, &c->connect_timeout, e);
	case O_INFLIGHT:
		if ((r = parse_u64(name, arg, 1, 1000000, &u, e)) < 0) return r;
		c->max_inflight = (unsigned)u;
		a->explicit_timing |= TIMING_INFLIGHT;
		return 0;
	case O_SEED:
		if ((r = parse_u64(name, arg, 0, UINT64_MAX, &c->seed, e)) < 0) return r;
		c->seed_given = true;
		return 0;
	case O_SHARD: return parse_shard(arg, c, e);
	case O_RESUME: c->resume_path = arg; return 0;
	case O_IFACE: c->iface = arg; return 0;
	case O_SOURCE: c->source = arg; return 0;
	case O_ROUTER: c->router_mac = arg; return 0;
	case O_OJ: return set_output(a, 0, name, arg, e);
	case O_OX: return set_output(a, 1, name, arg, e);
	case O_ON: return set_output(a, 2, name, arg, e);
	case O_OA: return set_all_outputs(a, name, arg, e);
	case O_TIMING:
		for (int k = 0; k < 6; k++)
			if (!strcmp(arg, timing_names[k])) {
				a->timing = k;
				return 0;
			}
		if ((r = parse_u64(name, arg, 0, 5, &u, e)) < 0)
			return dm_fail(
			    e, DM_EINPUT,
			    "%s \"%s\": expected 0 to 5 or paranoid, sneaky, polite, normal, aggressive, "
			    "insane",
			    name, arg);
		a->timing = (int)u;
		return 0;
	case O_YES: a->yes = true; return 0;
	case O_HTML: a->p.out.html = arg; return 0;
	case O_CSV: a->p.out.csv = arg; return 0;
	case O_DB: a->p.db = arg; return 0;
	case O_SENSOR: a->p.sensor = arg; return store_sensor_check(arg, e);
	case O_SITE: a->p.site = arg; return store_site_check(name, arg, e);
	case O_RUNGROUP:
		a->p.run_group = arg;
		return store_sensor_check(arg, e) < 0
			   ? dm_fail(e, DM_EINPUT,
				     "--run-group \"%s\": 1 to 64 letters, digits, '.', '_' or '-'", arg)
			   : 0;
	case O_NODROP: a->p.priv.keep = true; return 0;
	case O_USER: a->p.priv.user = arg; return 0;
	case O_REDACT:
		if ((a->p.redact = redact_mode_parse(arg)) < 0)
			return dm_fail(e, DM_EINPUT, "%s: \"%s\" is not tag or full", name, arg);
		return 0;
	case O_SERVICES:
		a->services = true;
		return choose(&a->services_opt, name[1] == '-' ? "-sV" : name, e);
	case O_NOSERVICES: a->no_services = true; return choose(&a->services_opt, name, e);
	case O_FPDIR: a->p.fpdir = arg; return 0;
	case O_NOVULN: a->no_vulns = true; return 0;
	case O_CHECKCREDS: a->check_creds = true; return 0;
	case O_CREDDB: a->p.cred_db = arg; return 0;
	case O_BUDGET:
		if ((r = parse_u64(name, arg, 1, 64, &u, e)) < 0) return r;
		a->p.cred.budget = (unsigned)u;
		return 0;
	case O_HOSTBUDGET:
		if ((r = parse_u64(name, arg, 1, 1000, &u, e)) < 0) return r;
		a->p.cred.host_budget = (unsigned)u;
		return 0;
	case O_LDELAY: return parse_seconds(name, arg, &a->p.cred.delay, e);
	case O_LTIMEOUT:
		if ((r = parse_seconds(name, arg, &a->p.cred.timeout, e)) < 0) return r;
		if (a->p.cred.timeout <= 0) return dm_fail(e, DM_EINPUT, "%s must be above 0", name);
		return 0;
	case O_LPARALLEL:
		if ((r = parse_u64(name, arg, 1, 256, &u, e)) < 0) return r;
		a->p.cred.parallel = (unsigned)u;
		return 0;
	case O_FLOWS:
		a->p.join.flows =
		    xrealloc(a->p.join.flows, (a->p.join.n_flows + 1) * sizeof(*a->p.join.flows));
		a->p.join.flows[a->p.join.n_flows++] = (char *)arg;
		a->join_given = true;
		return 0;
	case O_FLOWS_HOURLY: /* hour by hour is the default; old command lines keep working */
		a->join_given = true;
		return 0;
	case O_FLOWS_AT_ONCE:
		a->p.join.flows_at_once = true;
		a->join_given = true;
		return 0;
	case O_LEASES:
		a->p.join.lease_files =
		    xrealloc(a->p.join.lease_files, (a->p.join.n_lease_files + 1) * sizeof(char *));
		a->p.join.lease_files[a->p.join.n_lease_files++] = (char *)arg;
		a->join_given = true;
		return 0;
	case O_INVENTORY:
		a->p.join.inventory = arg;
		a->join_given = true;
		return 0;
	case O_CONFIG:
		a->p.join.config = arg;
		a->join_given = true;
		return 0;
	case O_GEOIP:
		a->p.join.geoip = arg;
		a->join_given = true;
		return 0;
	case O_UPNP: a->p.edge.upnp = a->p.edge.natpmp = a->p.edge.pcp = a->edge_given = true; return 0;
	case O_TESTMAP: a->p.edge.test_mapping = a->edge_given = true; return 0;
	case O_EXTERNAL: a->external = true; return 0;
	case O_GATEWAY:
		a->p.edge.gateway_url = arg;
		a->edge_given = true;
		return 0;
	case O_MINCONF: {
		int lvl;
		if ((r = parse_confidence(name, arg, &lvl, e)) < 0) return r;
		a->p.min_conf = (enum confidence)lvl;
		return 0;
	}
	case O_FAILON:
		if ((a->fail_on = severity_parse(arg)) < 0)
			return dm_fail(e, DM_EINPUT,
				       "--fail-on \"%s\": expected info, low, medium, high or critical", arg);
		return 0;
	case O_OPEN: a->p.only_open = true; return 0;
	case O_PERHOST:
		if ((r = parse_u64(name, arg, 1, 64, &u, e)) < 0) return r;
		a->p.per_host = (unsigned)u;
		return 0;
	case O_SVCPROBES: a->p.service_probes = arg; return 0;
	case O_INTENSITY:
		if ((r = parse_u64(name, arg, 0, 9, &u, e)) < 0) return r;
		a->p.intensity = (unsigned)u;
		a->p.intensity_given = true;
		return 0;
	case O_QUIET: return set_level(a, name, LOG_WARN, e);
	/* -v -v is -vv, as in nmap */
	case O_VERBOSE: return set_level(a, name, a->level_opt ? LOG_EVENTS : LOG_DEBUG, e);
	case O_VV: return set_level(a, name, LOG_EVENTS, e);
	case O_DEBUG: return set_level(a, name, LOG_TRACE, e);
	case O_HELP: a->help = true; return 0;
	}
	return 0;
}

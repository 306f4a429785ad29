/* The options `dormant scan`, `audit` and `creds` share: one table, one
 * parser into struct scan_args, and the checks that turn them into a
 * pipeline configuration (targets finalized, ports chosen). */
#include "cmd/scan-opts.h"
#include "base/redact.h"
#include "base/log.h"
#include <string.h>

enum {
	O_PORTS = 1,
	O_TOP,
	O_UDP,
	O_SYN,
	O_CONNECT,
	O_PN,
	O_SN,
	O_IL,
	O_EXCLUDE,
	O_EXCLUDE_FILE,
	O_PUBLIC,
	O_RATE,
	O_RETRIES,
	O_WAIT,
	O_COOLDOWN,
	O_CTIMEOUT,
	O_INFLIGHT,
	O_SEED,
	O_SHARD,
	O_RESUME,
	O_IFACE,
	O_SOURCE,
	O_ROUTER,
	O_OJ,
	O_OX,
	O_ON,
	O_DB,
	O_QUIET,
	O_VERBOSE,
	O_HELP,
	O_NODROP,
	O_USER,
	O_REDACT,
	O_SERVICES,
	O_FPDIR,
	O_PERHOST,
	O_NOSERVICES,
	O_MINCONF,
	O_FAILON,
	O_OPEN,
	O_NOVULN,
	O_FLOWS,
	O_INVENTORY,
	O_CONFIG,
	O_GEOIP,
	O_HTML,
	O_LEASES,
	O_CSV,
	O_CHECKCREDS,
	O_CREDDB,
	O_BUDGET,
	O_HOSTBUDGET,
	O_LDELAY,
	O_LTIMEOUT,
	O_LPARALLEL,
	O_OA,
	O_TIMING,
	O_YES,
	O_VV,
	O_DEBUG,
};

const struct opt scan_opts[] = {
	{ "-p", O_PORTS, true, "PORTS", "ports: 22,80,8000-8100, -p- for all, U:161 for UDP" },
	{ "--top-ports", O_TOP, true, "N", "the N most common TCP ports (default 1000)" },
	{ "-sU", O_UDP, false, NULL, "also probe the UDP services dormant has payloads for" },
	{ "-sV", O_SERVICES, false, NULL, "identify the services on open ports (default for audit)" },
	{ "--services", O_SERVICES, false, NULL, "same as -sV" },
	{ "--no-services", O_NOSERVICES, false, NULL, "audit: skip service identification" },
	{ "--fingerprints", O_FPDIR, true, "DIR", "also use the Recog-format databases in DIR" },
	{ "--min-confidence", O_MINCONF, true, "LEVEL",
	  "report vulnerabilities at this confidence or above (low, medium, high)" },
	{ "--no-vulns", O_NOVULN, false, NULL, "do not match services against the vulnerability data" },
	{ "--fail-on", O_FAILON, true, "SEVERITY", "exit 1 when a finding is at SEVERITY or above" },
	{ "--open", O_OPEN, false, NULL, "the table lists only open ports, and only hosts with one" },
	{ "--flows", O_FLOWS, true, "FILE",
	  "audit: traffic (pcap, pcapng, Zeek conn.log) to judge use by; repeatable", true },
	{ "--inventory", O_INVENTORY, true, "FILE",
	  "audit: the asset register (CSV or JSON) to judge ownership by; replaces the stored one" },
	{ "--leases", O_LEASES, true, "FILE",
	  "audit: DHCP leases (dnsmasq or ISC dhcpd) as evidence of presence; repeatable", true },
	{ "--config", O_CONFIG, true, "FILE",
	  "audit: site policy: usage window, roles, segments, time zone (INI)" },
	{ "--geoip", O_GEOIP, true, "FILE",
	  "audit: country database for the traffic rules (MaxMind format)" },
	{ "--probe-per-host", O_PERHOST, true, "N", "service probes at once to one host (default 4)" },
	{ "-sS", O_SYN, false, NULL, "SYN scan (default when raw sockets are allowed)" },
	{ "-sT", O_CONNECT, false, NULL, "connect() scan" },
	{ "--connect", O_CONNECT, false, NULL, "same as -sT" },
	{ "-Pn", O_PN, false, NULL, "skip host discovery: scan every target" },
	{ "-sn", O_SN, false, NULL, "host discovery only, no port scan" },
	{ "-iL", O_IL, true, "FILE", "read targets from FILE (- for standard input); repeatable", true },
	{ "--exclude", O_EXCLUDE, true, "LIST", "never probe these (comma-separated); always wins", true },
	{ "--exclude-file", O_EXCLUDE_FILE, true, "FILE", "never probe what FILE lists", true },
	{ "--allow-public", O_PUBLIC, false, NULL, "allow public (Internet) addresses as targets" },
	{ "-T", O_TIMING, true, "0-5",
	  "timing template: 0 paranoid, 1 sneaky, 2 polite, 3 normal (default), 4 aggressive, 5 insane; "
	  "explicit options win" },
	{ "--rate", O_RATE, true, "PPS", "packets per second (default 2000; 0 = unlimited)" },
	{ "--retries", O_RETRIES, true, "N", "extra passes over probes that got no answer (default 1)" },
	{ "--wait", O_WAIT, true, "TIME", "longest cooldown after the last probe (default 5s)" },
	{ "--cooldown", O_COOLDOWN, true, "TIME", "silence that ends the cooldown early (default 500ms)" },
	{ "--connect-timeout", O_CTIMEOUT, true, "TIME", "connect() scan: per attempt (default 1.5s)" },
	{ "--max-inflight", O_INFLIGHT, true, "N", "connect() scan: attempts at once (default 1024)" },
	{ "--seed", O_SEED, true, "N", "seed of the probe order (shards and resumes share it)" },
	{ "--shard", O_SHARD, true, "I/N", "scan shard I of N (1-based) of the seeded order" },
	{ "--resume", O_RESUME, true, "FILE", "log progress to FILE; if it exists, continue that scan" },
	{ "-e", O_IFACE, true, "IFACE", "send and capture on IFACE" },
	{ "-S", O_SOURCE, true, "ADDR", "source IPv4 address" },
	{ "--router-mac", O_ROUTER, true, "MAC",
	  "next-hop MAC for routed targets (skips ARP for the gateway)" },
	{ "-oJ", O_OJ, true, "FILE", "write JSON Lines (- for stdout)" },
	{ "-oX", O_OX, true, "FILE", "write nmap-compatible XML (- for stdout)" },
	{ "-oN", O_ON, true, "FILE", "write the text table to FILE" },
	{ "-oA", O_OA, true, "BASE", "write BASE.nmap (text), BASE.xml and BASE.jsonl" },
	{ "--html", O_HTML, true, "FILE",
	  "write the HTML report (one self-contained page with charts) to FILE" },
	{ "-oH", O_HTML, true, "FILE", NULL },
	{ "--check-credentials", O_CHECKCREDS, false, NULL,
	  "audit: also try the services' published default logins (opt-in; budgeted)" },
	{ "--credentials", O_CREDDB, true, "FILE",
	  "credential checks: the database of defaults (default data/credentials.csv)" },
	{ "--budget", O_BUDGET, true, "N", "credential checks: database entries per service (default 3)" },
	{ "--host-budget", O_HOSTBUDGET, true, "N",
	  "credential checks: attempts per host, checks included (default 16)" },
	{ "--login-delay", O_LDELAY, true, "SECONDS",
	  "credential checks: pause between attempts on a host (default 1)" },
	{ "--login-timeout", O_LTIMEOUT, true, "SECONDS",
	  "credential checks: wait for each answer at most (default 5)" },
	{ "--login-parallel", O_LPARALLEL, true, "N",
	  "credential checks: hosts checked at once (default 16)" },
	{ "--csv", O_CSV, true, "FILE",
	  "write CSV to FILE: a row per finding (audit, -sV), else a row per open port" },
	{ "--db", O_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--redact", O_REDACT, true, "MODE",
	  "secrets in every output: tag (first character, length, the store's keyed tag) or full (length "
	  "only); default tag, full for --html and --csv" },
	{ "--user", O_USER, true, "NAME",
	  "run as NAME once the raw sockets, store and outputs are open "
	  "(default: SUDO_UID's user, else dormant, else nobody)" },
	{ "--keep-privileges", O_NODROP, false, NULL,
	  "do not drop privileges (no --user, no seccomp filter)" },
	{ "--yes", O_YES, false, NULL, "start a large scan at once, without stating it and waiting 5 s" },
	{ "-q", O_QUIET, false, NULL, "quiet: no table, no progress" },
	{ "-v", O_VERBOSE, false, NULL, "verbose: each stage with its counts" },
	{ "-vv", O_VV, false, NULL, "more verbose: also each host's events" },
	{ "-d", O_DEBUG, false, NULL, "debug: everything" },
	{ "--help", O_HELP, false, NULL, "this help" },
	{ "-h", O_HELP, false, NULL, NULL },
};

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

enum { TIMING_RATE = 1, TIMING_RETRIES = 2, TIMING_WAIT = 4, TIMING_CTIMEOUT = 8, TIMING_INFLIGHT = 16 };

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

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
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
	case O_QUIET: return set_level(a, name, LOG_WARN, e);
	/* -v -v is -vv, as in nmap */
	case O_VERBOSE: return set_level(a, name, a->level_opt ? LOG_EVENTS : LOG_DEBUG, e);
	case O_VV: return set_level(a, name, LOG_EVENTS, e);
	case O_DEBUG: return set_level(a, name, LOG_TRACE, e);
	case O_HELP: a->help = true; return 0;
	}
	return 0;
}

const size_t scan_opts_count = ARRAY_SIZE(scan_opts);

/* -T0 ... -T5 as nmap users expect them (docs/dormant.1 has the table):
 * the slow ones send one probe at a time with nmap's delays between probes
 * (T0 5 minutes, T1 15 s, T2 0.4 s), T3 is the default, the fast ones send
 * more at once and wait less. An explicit --rate, --retries, --wait,
 * --connect-timeout or --max-inflight wins, whatever the order. */
static const struct timing_template {
	double rate, wait, connect_timeout;
	unsigned retries, inflight;
} timing_templates[6] = {
	{ 1.0 / 300, 10, 5, 1, 1 }, { 1.0 / 15, 10, 5, 1, 1 }, { 2.5, 10, 3, 1, 16 },
	{ 2000, 5, 1.5, 1, 1024 },  { 10000, 3, 1, 1, 4096 },  { 50000, 2, 0.5, 0, 8192 },
};

static void apply_timing(struct scan_args *a)
{
	const struct timing_template *t = &timing_templates[a->timing];
	struct scan_config *c = &a->p.scan;
	unsigned x = a->explicit_timing;
	if (!(x & TIMING_RATE)) c->rate = t->rate;
	if (!(x & TIMING_RETRIES)) c->retries = t->retries;
	if (!(x & TIMING_WAIT)) c->max_wait = t->wait;
	if (!(x & TIMING_CTIMEOUT)) c->connect_timeout = t->connect_timeout;
	if (!(x & TIMING_INFLIGHT)) c->max_inflight = t->inflight;
}

int scan_args_parse(struct scan_args *a, const struct scan_command *cmd, int argc, char **argv,
		    struct dm_err *e)
{
	*a = (struct scan_args){ .fail_on = -1, .timing = -1, .check_creds = cmd->creds };
	a->p = (struct pipeline_config){
		.kind = cmd->name, .stages = cmd->stages, .cred = CRED_CHECK_DEFAULTS, .changes = cmd->audit
	};
	a->p.scan = (struct scan_config){ .rate = 2000,
					  .retries = 1,
					  .quiet = 0.5,
					  .max_wait = 5,
					  .connect_timeout = 1.5,
					  .max_inflight = 1024,
					  .shards = 1 };
	for (int i = 0; i < argc; i++) buf_printf(&a->cmdline, "%s%s", i ? " " : "", argv[i]);
	int r = opts_parse(argc, argv, scan_opts, scan_opts_count, on_opt, a, e);
	if (r == 0 && a->timing >= 0) apply_timing(a);
	return r;
}

void scan_args_release(struct scan_args *a)
{
	free(a->p.join.flows);
	free(a->p.join.lease_files);
	targets_release(&a->targets);
	portlist_release(&a->ports);
	buf_release(&a->cmdline);
	for (int i = 0; i < 3; i++) free(a->oa[i]);
}

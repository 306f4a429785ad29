/* `dormant scan` and `dormant audit`: parse options, build targets and
 * ports, run the scan source into a result set, save it in the store as a
 * run, write the reports. audit is the same pipeline with audit defaults
 * and a summary of what changed since the previous audit. */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "base/safe-write.h"
#include "base/log.h"
#include "base/privmon.h"
#include "base/privsep.h"
#include "base/redact.h"
#include "base/sandbox.h"
#include "base/timeutil.h"
#include "analyze/vulnerable.h"
#include "cmd/audit-join.h"
#include "cmd/cred-stage.h"
#include "cmd/run-changes.h"
#include "cmd/stage-clock.h"
#include "net/route.h"
#include "model/resultset.h"
#include "model/rundiff.h"
#include "report/report-diff.h"
#include "report/report.h"
#include "report/report-untag.h"
#include "net/oui.h"
#include "probe/services.h"
#include "scan/scan.h"
#include "scan/udp-payloads.h"
#include "store/store.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>

enum {
	O_PORTS = 1, O_TOP, O_UDP, O_SYN, O_CONNECT, O_PN, O_SN, O_IL, O_EXCLUDE, O_EXCLUDE_FILE, O_PUBLIC,
	O_RATE, O_RETRIES, O_WAIT, O_COOLDOWN, O_CTIMEOUT, O_INFLIGHT, O_SEED, O_SHARD, O_RESUME, O_IFACE,
	O_SOURCE, O_ROUTER, O_OJ, O_OX, O_ON, O_DB, O_QUIET, O_VERBOSE, O_HELP, O_NODROP, O_SERVICES, O_FPDIR,
	O_PERHOST, O_NOSERVICES, O_MINCONF, O_FAILON, O_NOVULN, O_FLOWS, O_INVENTORY, O_CONFIG, O_GEOIP, O_HTML,
	O_LEASES, O_CSV, O_USER, O_CHECKCREDS, O_CREDDB, O_BUDGET, O_HOSTBUDGET, O_LDELAY, O_LTIMEOUT, O_LPARALLEL, O_REDACT,
};

static const struct opt scan_opts[] = {
	{ "-p", O_PORTS, true, "PORTS", "ports: 22,80,8000-8100, -p- for all, U:161 for UDP" },
	{ "--top-ports", O_TOP, true, "N", "the N most common TCP ports (default 1000)" },
	{ "-sU", O_UDP, false, NULL, "also probe the UDP services dormant has payloads for" },
	{ "-sV", O_SERVICES, false, NULL, "identify the services on open ports (default for audit)" },
	{ "--services", O_SERVICES, false, NULL, "same as -sV" },
	{ "--no-services", O_NOSERVICES, false, NULL, "audit: skip service identification" },
	{ "--fingerprints", O_FPDIR, true, "DIR", "also use the Recog-format databases in DIR" },
	{ "--min-confidence", O_MINCONF, true, "LEVEL", "report vulnerabilities at this confidence or above (low, medium, high)" },
	{ "--no-vulns", O_NOVULN, false, NULL, "do not match services against the vulnerability data" },
	{ "--fail-on", O_FAILON, true, "SEVERITY", "exit 1 when a finding is at SEVERITY or above" },
	{ "--flows", O_FLOWS, true, "FILE", "audit: traffic (pcap, pcapng, Zeek conn.log) to judge use by; repeatable" },
	{ "--inventory", O_INVENTORY, true, "FILE", "audit: the asset register (CSV or JSON) to judge ownership by; replaces the stored one" },
	{ "--leases", O_LEASES, true, "FILE", "audit: DHCP leases (dnsmasq or ISC dhcpd) as evidence of presence; repeatable" },
	{ "--config", O_CONFIG, true, "FILE", "audit: site policy: usage window, roles, segments, time zone (INI)" },
	{ "--geoip", O_GEOIP, true, "FILE", "audit: country database for the traffic rules (MaxMind format)" },
	{ "--probe-per-host", O_PERHOST, true, "N", "service probes at once to one host (default 4)" },
	{ "-sS", O_SYN, false, NULL, "SYN scan (default when raw sockets are allowed)" },
	{ "-sT", O_CONNECT, false, NULL, "connect() scan" },
	{ "--connect", O_CONNECT, false, NULL, "same as -sT" },
	{ "-Pn", O_PN, false, NULL, "skip host discovery: scan every target" },
	{ "-sn", O_SN, false, NULL, "host discovery only, no port scan" },
	{ "-iL", O_IL, true, "FILE", "read targets from FILE" },
	{ "--exclude", O_EXCLUDE, true, "LIST", "never probe these (comma-separated); always wins" },
	{ "--exclude-file", O_EXCLUDE_FILE, true, "FILE", "never probe what FILE lists" },
	{ "--allow-public", O_PUBLIC, false, NULL, "allow public (Internet) addresses as targets" },
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
	{ "--router-mac", O_ROUTER, true, "MAC", "next-hop MAC for routed targets (skips ARP for the gateway)" },
	{ "-oJ", O_OJ, true, "FILE", "write JSON Lines (- for stdout)" },
	{ "-oX", O_OX, true, "FILE", "write nmap-compatible XML (- for stdout)" },
	{ "-oN", O_ON, true, "FILE", "write the text table to FILE" },
	{ "--html", O_HTML, true, "FILE", "write the HTML report (one self-contained page with charts) to FILE" },
	{ "-oH", O_HTML, true, "FILE", NULL },
	{ "--check-credentials", O_CHECKCREDS, false, NULL, "audit: also try the services' published default logins (opt-in; budgeted)" },
	{ "--credentials", O_CREDDB, true, "FILE", "credential checks: the database of defaults (default data/credentials.csv)" },
	{ "--budget", O_BUDGET, true, "N", "credential checks: database entries per service (default 3)" },
	{ "--host-budget", O_HOSTBUDGET, true, "N", "credential checks: attempts per host, checks included (default 16)" },
	{ "--login-delay", O_LDELAY, true, "SECONDS", "credential checks: pause between attempts on a host (default 1)" },
	{ "--login-timeout", O_LTIMEOUT, true, "SECONDS", "credential checks: wait for each answer at most (default 5)" },
	{ "--login-parallel", O_LPARALLEL, true, "N", "credential checks: hosts checked at once (default 16)" },
	{ "--csv", O_CSV, true, "FILE", "write CSV to FILE: a row per finding (audit, -sV), else a row per open port" },
	{ "--db", O_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--redact", O_REDACT, true, "MODE", "secrets in every output: tag (first character, length, the store's keyed tag) or full (length only); default tag, full for --html and --csv" },
	{ "--user", O_USER, true, "NAME", "run as NAME once the raw sockets, store and outputs are open "
					  "(default: SUDO_UID's user, else dormant, else nobody)" },
	{ "--keep-privileges", O_NODROP, false, NULL, "do not drop privileges (no --user, no seccomp filter)" },
	{ "-q", O_QUIET, false, NULL, "quiet: no table, no progress" },
	{ "-v", O_VERBOSE, false, NULL, "verbose" },
	{ "--help", O_HELP, false, NULL, "this help" },
	{ "-h", O_HELP, false, NULL, NULL },
};

struct scan_args {
	bool audit, creds;
	struct cred_stage cs;
	struct targets targets;
	struct portlist ports;
	bool ports_given, udp, help, allow_public, services, no_services, no_vulns;
	enum confidence min_conf;
	int fail_on; /* -1: never */
	const char *fpdir;
	uint64_t per_host;
	long top;
	struct scan_config cfg;
	const char *oj, *ox, *on, *db, *html, *csv;
	struct buf cmdline;
	int positional;
	struct audit_join join;
	bool join_given;
	struct privsep_opts priv;
	int redact; /* REDACT_DEFAULT: each output its own default */
};

/* Ctrl-C or kill: say what became of the run, then die of the signal as
 * usual. The store needs nothing: results are saved in one transaction at
 * the end, and the next dormant to open it marks the run interrupted. */
static char interrupt_msg[512];
static size_t interrupt_len;

static void on_interrupt(int sig)
{
	if (write(STDERR_FILENO, interrupt_msg, interrupt_len) < 0) { /* nothing more to do */ }
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_interrupt_say(const char *name, int64_t run, const char *resume)
{
	int n = snprintf(interrupt_msg, sizeof(interrupt_msg),
			 "\ndormant: %s interrupted: run %lld saved no results and will be marked interrupted%s%.200s%s\n",
			 name, (long long)run, resume ? "; run it again with --resume " : "", resume ? resume : "",
			 resume ? " to continue it" : "");
	interrupt_len = n > 0 && (size_t)n < sizeof(interrupt_msg) ? (size_t)n : 0;
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The address the audit scanned from: the SYN scan's source, else the
 * kernel's choice towards the first target. */
static struct ipaddr scan_vantage(const struct scan_summary *sum, const struct targets *t)
{
	struct ipaddr a = { 0 };
	struct route_info rt;
	struct dm_err e = { "" };
	uint32_t src = sum->src;
	if (!src && t->v4.n && route_lookup_v4(t->v4.r[0].lo, &rt, &e) == 0) src = rt.src;
	if (src) a = (struct ipaddr){ .family = AF_INET, .v4 = src };
	return a;
}

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct scan_args *a = ctx;
	struct scan_config *c = &a->cfg;
	uint64_t u;
	double d;
	int r = 0;
	char where[32];
	switch (id) {
	case 0:
		snprintf(where, sizeof(where), "target %d", ++a->positional);
		return targets_add(&a->targets, arg, where, e);
	case O_PORTS:
		a->ports_given = true;
		return portlist_parse(&a->ports, arg, PROTO_TCP, e);
	case O_TOP:
		if ((r = parse_u64(name, arg, 1, 65535, &u, e)) < 0) return r;
		a->top = (long)u;
		return 0;
	case O_UDP: a->udp = true; return 0;
	case O_SYN: c->mode = SCAN_SYN; return 0;
	case O_CONNECT: c->mode = SCAN_CONNECT; return 0;
	case O_PN: c->skip_discovery = true; return 0;
	case O_SN: c->discovery_only = true; return 0;
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
		return 0;
	case O_RETRIES:
		if ((r = parse_u64(name, arg, 0, 20, &u, e)) < 0) return r;
		c->retries = (unsigned)u;
		return 0;
	case O_WAIT: return parse_seconds(name, arg, &c->max_wait, e);
	case O_COOLDOWN: return parse_seconds(name, arg, &c->quiet, e);
	case O_CTIMEOUT: return parse_seconds(name, arg, &c->connect_timeout, e);
	case O_INFLIGHT:
		if ((r = parse_u64(name, arg, 1, 1000000, &u, e)) < 0) return r;
		c->max_inflight = (unsigned)u;
		return 0;
	case O_SEED:
		if ((r = parse_u64(name, arg, 0, UINT64_MAX, &c->seed, e)) < 0) return r;
		c->seed_given = true;
		return 0;
	case O_SHARD: {
		unsigned long long i, n;
		char tail;
		if (sscanf(arg, "%llu/%llu%c", &i, &n, &tail) != 2 || n < 1 || i < 1 || i > n)
			return dm_fail(e, DM_EINPUT, "--shard \"%s\": expected I/N with 1 <= I <= N", arg);
		c->shard = i - 1;
		c->shards = n;
		return 0;
	}
	case O_RESUME: c->resume_path = arg; return 0;
	case O_IFACE: c->iface = arg; return 0;
	case O_SOURCE: c->source = arg; return 0;
	case O_ROUTER: c->router_mac = arg; return 0;
	case O_OJ: a->oj = arg; return 0;
	case O_OX: a->ox = arg; return 0;
	case O_ON: a->on = arg; return 0;
	case O_HTML: a->html = arg; return 0;
	case O_CSV: a->csv = arg; return 0;
	case O_DB: a->db = arg; return 0;
	case O_REDACT:
		if ((a->redact = redact_mode_parse(arg)) < 0) return dm_fail(e, DM_EINPUT, "%s: \"%s\" is not tag or full", name, arg);
		return 0;
	case O_NODROP: a->priv.keep = true; return 0;
	case O_USER: a->priv.user = arg; return 0;
	case O_SERVICES: a->services = true; return 0;
	case O_NOSERVICES: a->no_services = true; return 0;
	case O_FPDIR: a->fpdir = arg; return 0;
	case O_NOVULN: a->no_vulns = true; return 0;
	case O_CHECKCREDS: a->cs.on = true; return 0;
	case O_CREDDB: a->cs.db = arg; return 0;
	case O_BUDGET:
		if ((r = parse_u64(name, arg, 1, 64, &u, e)) < 0) return r;
		a->cs.o.budget = (unsigned)u;
		return 0;
	case O_HOSTBUDGET:
		if ((r = parse_u64(name, arg, 1, 1000, &u, e)) < 0) return r;
		a->cs.o.host_budget = (unsigned)u;
		return 0;
	case O_LDELAY: return parse_seconds(name, arg, &a->cs.o.delay, e);
	case O_LTIMEOUT:
		if ((r = parse_seconds(name, arg, &a->cs.o.timeout, e)) < 0) return r;
		if (a->cs.o.timeout <= 0) return dm_fail(e, DM_EINPUT, "%s must be above 0", name);
		return 0;
	case O_LPARALLEL:
		if ((r = parse_u64(name, arg, 1, 256, &u, e)) < 0) return r;
		a->cs.o.parallel = (unsigned)u;
		return 0;
	case O_FLOWS:
		a->join.flows = xrealloc(a->join.flows, (a->join.n_flows + 1) * sizeof(*a->join.flows));
		a->join.flows[a->join.n_flows++] = (char *)arg;
		a->join_given = true;
		return 0;
	case O_LEASES:
		a->join.lease_files = xrealloc(a->join.lease_files, (a->join.n_lease_files + 1) * sizeof(char *));
		a->join.lease_files[a->join.n_lease_files++] = (char *)arg;
		a->join_given = true;
		return 0;
	case O_INVENTORY: a->join.inventory = arg; a->join_given = true; return 0;
	case O_CONFIG: a->join.config = arg; a->join_given = true; return 0;
	case O_GEOIP: a->join.geoip = arg; a->join_given = true; return 0;
	case O_MINCONF: {
		int lvl;
		if ((r = parse_confidence(name, arg, &lvl, e)) < 0) return r;
		a->min_conf = (enum confidence)lvl;
		return 0;
	}
	case O_FAILON:
		if ((a->fail_on = severity_parse(arg)) < 0)
			return dm_fail(e, DM_EINPUT, "--fail-on \"%s\": expected info, low, medium, high or critical", arg);
		return 0;
	case O_PERHOST: return parse_u64(name, arg, 1, 64, &a->per_host, e);
	case O_QUIET: log_level = LOG_WARN; return 0;
	case O_VERBOSE: log_level = LOG_DEBUG; return 0;
	case O_HELP: a->help = true; return 0;
	}
	return 0;
}

/* The scan's sink: results into the result set, UDP replies identified
 * on the spot when service identification is on. */
struct collect {
	struct resultset *rs;
	const struct fp_set *fps; /* NULL: no identification */
};

static void c_host(void *ctx, const struct obs_host *h) { resultset_add_host(((struct collect *)ctx)->rs, h); }
static void c_port(void *ctx, const struct obs_port *p) { resultset_add_port(((struct collect *)ctx)->rs, p); }
static void c_service(void *ctx, const struct obs_service *s) { resultset_add_service(((struct collect *)ctx)->rs, s); }

static void c_udp(void *ctx, const struct ipaddr *ip, uint16_t port, const uint8_t *data, size_t len)
{
	struct collect *c = ctx;
	struct obs_service sv;
	if (c->fps && services_identify_udp(c->fps, ip, port, data, len, &sv)) resultset_add_service(c->rs, &sv);
}

/* Every open TCP port of the result set, for the service probes. */
static struct service_target *open_tcp(const struct resultset *rs, size_t *ret_n)
{
	size_t n = 0, k = 0;
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_ports; j++)
			n += rs->hosts[i].ports[j].proto == PROTO_TCP && rs->hosts[i].ports[j].state == PORT_OPEN;
	struct service_target *t = xcalloc(n ? n : 1, sizeof(*t));
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_ports; j++)
			if (rs->hosts[i].ports[j].proto == PROTO_TCP && rs->hosts[i].ports[j].state == PORT_OPEN)
				t[k++] = (struct service_target){ rs->hosts[i].h.ip, rs->hosts[i].ports[j].port };
	*ret_n = n;
	return t;
}

/* The outputs: each a temporary file (base/safe-write.h) created next to
 * its final name before the privilege drop, written through the descriptor
 * kept open, and renamed into place by the rename monitor (after the drop
 * the folder may be root's alone). */
struct pending_out {
	const char *path, *opt;
	int (*fn)(FILE *, const struct resultset *, const struct report_meta *);
	bool plain;  /* hosts and ports only: may be shared (0644) in a plain scan */
	bool shared; /* made to be shared (HTML, CSV): secrets without their tags unless --redact tag */
	struct out_file o;
};

static int outputs_open(struct pending_out *v, size_t n, bool plain, const struct privsep_plan *plan,
			struct privmon *mon, struct dm_err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].path) continue;
		/* findings, credential checks and the reports are private */
		int r = out_open(&v[i].o, v[i].path, v[i].opt, plain && v[i].plain ? OUT_PUBLIC : OUT_PRIVATE, e);
		if (r < 0) return r;
		if (!v[i].o.tmp_path) continue; /* standard output or a device */
		/* run through sudo: the outputs are the invoking user's, as without sudo */
		if (plan->switch_user && plan->u.invoker && fchown(fileno(v[i].o.f), plan->u.uid, plan->u.gid) < 0)
			log_warn("%s %s: cannot give it to %s: %s", v[i].opt, v[i].path, plan->u.name, strerror(errno));
		privmon_allow(mon, v[i].o.tmp_path, v[i].o.path);
	}
	out_set_hooks(&(struct out_hooks){ privmon_rename, privmon_unlink, mon });
	return 0;
}

/* Outputs not committed (a failure) are removed. */
static void outputs_discard(struct pending_out *v, size_t n)
{
	for (size_t i = 0; i < n; i++) out_discard(&v[i].o);
}

static int write_outputs(struct pending_out *v, size_t n, int redact, struct resultset *rs,
			 const struct report_meta *m, struct findings *fs, struct rundiff *changes, struct dm_err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].o.f) continue;
		struct untag_undo u = { 0 };
		if (!redact && v[i].shared) report_untag(rs, fs, changes, &u);
		int r = v[i].fn(v[i].o.f, rs, m);
		report_untag_undo(&u);
		if (r < 0) {
			out_discard(&v[i].o);
			return dm_fail(e, r, "%s %s: %s", v[i].opt, v[i].path, dm_strerror(r));
		}
		if ((r = out_commit(&v[i].o, e)) < 0) return r;
	}
	return 0;
}

/* vulnerable-service and known-exploited findings for the identified services. */
static int match_vulnerabilities(struct store *st, const struct resultset *rs, enum confidence min, bool audit,
				 struct findings *fs, struct dm_err *e)
{
	if (store_vuln_any(st, NULL) <= 0) {
		if (audit) log_info("audit: no vulnerability data in the store; 'dormant vulndb import' NVD and KEV files to match services");
		return 0;
	}
	struct aliases al = { 0 };
	int r = aliases_load(&al, ALIASES_DEFAULT_PATH, e);
	if (r < 0) return r;
	struct vuln_matcher m;
	vuln_matcher_init(&m, st, &al);
	double t0 = now_mono();
	r = analyze_vulnerable(&m, rs, min, fs, e);
	log_debug("vulnerabilities: %zu findings, %llu product lookups, %.3f s", fs->n, (unsigned long long)m.queries,
		  now_mono() - t0);
	vuln_matcher_release(&m);
	aliases_release(&al);
	findings_sort(fs);
	return r;
}

static int run_scan(int argc, char **argv, bool audit, bool creds)
{
	const char *name = creds ? "creds" : audit ? "audit" : "scan";
	struct scan_args a = { .audit = audit, .creds = creds, .fail_on = -1, .cs = { .on = creds, .o = CRED_CHECK_DEFAULTS } };
	struct cred_db cdb = { 0 };
	struct findings fs = { 0 };
	struct asset_risk *assets = NULL;
	size_t n_assets = 0;
	struct exposure exposure = { 0 };
	struct traffic_profile profile = { 0 };
	struct rundiff changes = { 0 };
	int64_t changes_from = 0;
	a.cfg = (struct scan_config){ .rate = 2000, .retries = 1, .quiet = 0.5, .max_wait = 5, .connect_timeout = 1.5,
				     .max_inflight = 1024, .shards = 1,
				     .progress = progress_print };
	struct dm_err e = { "" };
	struct resultset rs = { 0 };
	struct scan sc = { 0 };
	struct store *st = NULL;
	struct fp_set fps = { 0 };
	int64_t run = 0;
	int r, code = EXIT_OK;
	bool prepared = false;
	char *dbpath = NULL;
	struct privsep_plan plan;
	struct privmon mon = { .fd = -1 };
	struct pending_out outs[] = { { .opt = "-oJ", .fn = report_jsonl, .plain = true },
				      { .opt = "-oX", .fn = report_nmap_xml, .plain = true },
				      { .opt = "-oN", .fn = report_text, .plain = true }, { .opt = "--html", .fn = report_html, .shared = true },
				      { .opt = "--csv", .fn = report_csv, .shared = true } };
	for (int i = 0; i < argc; i++) buf_printf(&a.cmdline, "%s%s", i ? " " : "", argv[i]);

	if ((r = opts_parse(argc, argv, scan_opts, ARRAY_SIZE(scan_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help) {
		opts_help(stdout, creds ? "dormant creds [options] TARGET..." : audit ? "dormant audit [options] TARGET..." : "dormant scan [options] TARGET...",
			  creds ? "Scan the targets, identify their services, then try each service's published default logins\n"
				  "(HTTP Basic/Digest, RTSP, FTP and anonymous FTP, Telnet, SSH, SNMP communities, MQTT, Redis)\n"
				  "from the credential database: the anonymous check and a random login that must fail first,\n"
				  "then at most --budget entries chosen by the device identified, --login-delay apart, stopping at\n"
				  "the first success or any sign of lockout. Passwords are never printed. Only your own networks."
			: audit ? "Audit the targets end to end: discovery, TCP and UDP port scan, service identification\n"
				  "and vulnerability matching (with data from 'dormant vulndb import'), traffic (--flows) and\n"
				  "the asset register (--inventory) joined: idle, unregistered, decommissioned and expired\n"
				  "hosts, unused ports, unexpected services; saved as a run in the store, findings ranked by\n"
				  "severity and risk per asset, with what changed since the previous audit."
				: "Find live hosts (ARP, ICMP, TCP) and their open ports (SYN or connect scan, UDP probes).",
			  scan_opts, ARRAY_SIZE(scan_opts));
		goto out;
	}
	if (a.positional == 0 && a.targets.v4.n == 0 && a.targets.n_v6 == 0) {
		r = dm_fail(&e, DM_EINPUT, "no targets given (addresses, CIDR blocks, ranges or -iL FILE); see --help");
		goto fail;
	}
	if (a.join_given && !audit) {
		r = dm_fail(&e, DM_EINPUT, "--flows, --inventory, --leases, --config and --geoip belong to 'dormant audit'");
		goto fail;
	}
	if (audit && (r = audit_join_prepare(&a.join, &e)) < 0) goto fail;
	if (a.cs.on && !audit && !creds) {
		r = dm_fail(&e, DM_EINPUT, "--check-credentials belongs to 'dormant audit' (or use 'dormant creds')");
		goto fail;
	}
	if (creds) a.no_vulns = true;
	if (a.cs.on && (r = cred_stage_prepare(&a.cs, &cdb, &e)) < 0) goto fail;
	if ((r = targets_finalize(&a.targets, a.allow_public, &e)) < 0) goto fail;
	if (a.top && (r = portlist_add_top(&a.ports, a.top, PROTO_TCP, &e)) < 0) goto fail;
	if (!a.ports_given && !a.top && (r = portlist_add_top(&a.ports, 1000, PROTO_TCP, &e)) < 0) goto fail;
	if (a.udp || audit || creds) {
		for (size_t i = 0; i < udp_default_ports_count; i++) {
			char p[16];
			snprintf(p, sizeof(p), "U:%u", udp_default_ports[i]);
			portlist_parse(&a.ports, p, PROTO_UDP, &e);
		}
	}
	if (a.cfg.mode == SCAN_SYN && a.targets.v4.count == 0) {
		r = dm_fail(&e, DM_EINPUT, "-sS needs IPv4 targets; IPv6 is scanned with connect()");
		goto fail;
	}
	a.cfg.targets = &a.targets;
	a.cfg.ports = &a.ports;
	outs[0].path = a.oj, outs[1].path = a.ox, outs[2].path = a.on, outs[3].path = a.html, outs[4].path = a.csv;
	if ((r = privsep_plan(&a.priv, &plan, &e)) < 0) goto fail;
	if ((r = scan_prepare(&sc, &a.cfg, &e)) < 0) goto fail;
	prepared = true;

	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open(dbpath, &st, &e)) < 0) goto fail;
	redact_set_key(store_redact_key(st)); /* before anything is redacted: SNMP communities, logins */
	bool identify = (a.services || audit || creds) && !a.no_services;
	if (identify) {
		if ((r = fp_set_load_dir(&fps, DORMANT_DATADIR "/fingerprints", &e)) < 0) goto fail;
		if (a.fpdir && (r = fp_set_load_dir(&fps, a.fpdir, &e)) < 0) goto fail;
	}
	struct collect col = { &rs, identify ? &fps : NULL };
	struct obs_sink sink = { &col, c_host, c_port, c_service, c_udp };
	int64_t resumed_run = 0;
	if ((r = scan_open_resume(&sc, &sink, &resumed_run, &e)) < 0) goto fail;
	struct run_info ri;
	if (resumed_run && store_run_get(st, resumed_run, &ri, NULL) == 0 && strcmp(ri.status, "done")) {
		run = resumed_run;
		if ((r = store_run_resume(st, run, &e)) < 0) goto fail;
		log_info("%s: continuing run %lld from %s (%llu results logged)", name, (long long)run, a.cfg.resume_path,
			 (unsigned long long)sc.resume.replayed);
	} else if ((r = store_run_begin(st, name, a.cmdline.data, now_real(), &run, &e)) < 0) {
		goto fail;
	}
	scan_set_run(&sc, run);
	on_interrupt_say(name, run, a.cfg.resume_path);
	struct stage_clock clock;
	stage_start(&clock);
	if (audit && (r = audit_join_ingest(&a.join, st, dbpath, run, &e)) < 0) {
		store_run_finish(st, run, "failed", now_real(), NULL);
		goto fail;
	}
	if (audit) stage_mark(&clock, "flows");
	/* The privilege drop. Everything that needs root is open by now: raw
	 * sockets, the store with its WAL, the resume log, the flow files
	 * read, the outputs' temporary files. The rename monitor keeps the one
	 * power the outputs still need; the deny-list follows. */
	if ((r = outputs_open(outs, ARRAY_SIZE(outs), !audit && !creds && !(a.services && !a.no_services && !a.no_vulns), &plan, &mon, &e)) < 0 ||
	    (plan.switch_user && (r = privmon_start(&mon, &e)) < 0) || (r = privsep_apply(&plan, &e)) < 0 ||
	    (plan.drop && (r = sandbox_apply(SANDBOX_DENY, SANDBOX_FDS_NONE, &e)) < 0)) {
		store_run_finish(st, run, "failed", now_real(), NULL);
		goto fail;
	}
	if (plan.switch_user) log_debug("%s: running as %s (uid %u, from %s)", name, plan.u.name, (unsigned)plan.u.uid, plan.u.why);
	double start = now_real();
	struct scan_summary sum;
	r = scan_execute(&sc, &sink, &sum, &e);
	progress_done();
	stage_mark(&clock, "scan");
	if (r < 0) {
		store_run_finish(st, run, "failed", now_real(), NULL);
		goto fail;
	}
	if (identify) {
		size_t nt;
		struct service_target *tg = open_tcp(&rs, &nt);
		struct services_config svc = { .fps = &fps, .per_host = a.per_host ? (unsigned)a.per_host : 4,
					       .max_inflight = 2048, .sink = &sink };
		double t0 = now_mono();
		services_probe_tcp(&svc, tg, nt);
		log_debug("%s: identified %zu TCP services in %.2f s", name, nt, now_mono() - t0);
		free(tg);
		stage_mark(&clock, "services");
	}
	struct oui_db oui;
	struct dm_err oe;
	if (oui_load(&oui, OUI_DEFAULT_PATH, &oe) == 0) {
		for (size_t i = 0; i < rs.n_hosts; i++) {
			const char *v = rs.hosts[i].h.has_mac ? oui_vendor(&oui, rs.hosts[i].h.mac) : NULL;
			if (v) snprintf(rs.hosts[i].vendor, sizeof(rs.hosts[i].vendor), "%s", v);
		}
		oui_release(&oui);
	} else {
		log_debug("%s: no MAC vendors: %s", name, oe.msg);
	}
	resultset_sort(&rs);
	bool analysed = identify && !a.no_vulns;
	if (analysed && (r = match_vulnerabilities(st, &rs, a.min_conf, audit, &fs, &e)) < 0) goto fail;
	if (analysed) stage_mark(&clock, "vulns");
	if (a.cs.on && identify) {
		cred_stage_run(&a.cs, &cdb, &rs, &fs);
		findings_sort(&fs);
		analysed = true;
		stage_mark(&clock, "credentials");
	}
	if (audit) {
		a.join.targets = &a.targets;
		a.join.vantage = scan_vantage(&sum, &a.targets);
		if ((r = audit_join_analyze(&a.join, st, &rs, &fs, &exposure, &e)) < 0) goto fail;
		n_assets = assets_rank(&rs, &fs, &assets);
		analysed = true;
		stage_mark(&clock, "join");
	}
	if ((r = store_save_results(st, run, &rs, &e)) < 0 ||
	    (analysed && (r = store_save_findings(st, run, &fs, &e)) < 0) ||
	    (r = store_run_finish(st, run, "done", now_real(), &e)) < 0)
		goto fail;
	stage_mark(&clock, "save");
	if (audit) {
		changes_from = run_changes(st, run, name, &rs, &fs, &changes);
		if (a.join.job_started) flowset_profile(&a.join.job.flows, &a.join.job.cfg, &profile);
	}
	struct report_meta m = {
		.command = name, .args = a.cmdline.data, .scan_type = scan_mode_name(sum.mode), .ports = &a.ports,
		.start = start, .end = now_real(), .targets = targets_count(&a.targets), .run_id = run, .probes = sum.probes,
		.send_seconds = sum.send_seconds, .findings = analysed ? &fs : NULL, .assets = assets, .n_assets = n_assets,
		.inv = &a.join.inv, .exposure = exposure.v, .n_exposure = exposure.n, .exposure_judged = exposure.judged,
		.traffic = profile.present ? &profile : NULL, .changes = changes_from ? &changes : NULL,
		.changes_from = changes_from,
	};
	if (sum.drops) log_warn("%s: the kernel dropped %llu captured packets; the rate was lowered to %.0f pps", name,
				(unsigned long long)sum.drops, sum.final_rate);
	if (sum.unreachable)
		log_info("%s: %llu probes skipped: on-link targets that did not answer ARP cannot be reached", name,
			 (unsigned long long)sum.unreachable);
	if (a.redact == REDACT_FULL) {
		/* the store keeps the tags (a later report may show them); no output does */
		report_untag(&rs, &fs, &changes, NULL);
		for (size_t i = 0; i < a.cs.results.n; i++) {
			redact_untag(a.cs.results.v[i].pass_shown);
			redact_untag(a.cs.results.v[i].identity);
			redact_untag(a.cs.results.v[i].detail);
		}
	}
	if ((r = write_outputs(outs, ARRAY_SIZE(outs), a.redact, &rs, &m, &fs, &changes, &e)) < 0) goto fail;
	stage_mark(&clock, "outputs");
	char stages[512];
	stage_format(&clock, stages, sizeof(stages));
	log_debug("%s: stages (wall, peak memory so far): %s", name, stages);
	bool stdout_taken = (a.oj && !strcmp(a.oj, "-")) || (a.ox && !strcmp(a.ox, "-")) || (a.on && !strcmp(a.on, "-")) ||
			    (a.html && !strcmp(a.html, "-"));
	if (log_level >= LOG_INFO && !stdout_taken) {
		report_text(stdout, &rs, &m);
		if (a.cs.on) cred_stage_print(&a.cs, stdout);
		if (audit && changes_from) {
			printf("\n");
			report_diff(stdout, &changes, changes_from, run, false);
		} else if (audit) {
			printf("\nfirst audit in this database: nothing to compare with yet\n");
		}
		if (a.html) printf("HTML report: %s\n", a.html);
		log_debug("%s: %s scan on %s, %llu probes in %.2f s (sending %.2f s)", name, scan_mode_name(sum.mode),
			  sum.iface, (unsigned long long)sum.probes, sum.seconds, sum.send_seconds);
	}
	for (size_t i = 0; i < fs.n && a.fail_on >= 0; i++)
		if ((int)fs.v[i].severity >= a.fail_on) code = EXIT_FINDINGS;
	goto out;
fail:
	code = cmd_error(name, r, &e);
out:
	outputs_discard(outs, ARRAY_SIZE(outs));
	privmon_stop(&mon);
	out_set_hooks(NULL);
	findings_release(&fs);
	free(assets);
	free(exposure.v);
	rundiff_release(&changes);
	audit_join_release(&a.join);
	cred_stage_release(&a.cs);
	cred_db_release(&cdb);
	if (prepared) scan_release(&sc);
	store_close(st);
	free(dbpath);
	resultset_release(&rs);
	fp_set_release(&fps);
	targets_release(&a.targets);
	portlist_release(&a.ports);
	buf_release(&a.cmdline);
	return code;
}

int cmd_scan(int argc, char **argv) { return run_scan(argc, argv, false, false); }
int cmd_audit(int argc, char **argv) { return run_scan(argc, argv, true, false); }
int cmd_creds(int argc, char **argv) { return run_scan(argc, argv, false, true); }

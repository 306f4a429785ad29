/* store/: schema, file mode, round trip of a run, history across runs.
 * Runs on SQLite, or on PostgreSQL when DM_TEST_DB names one (test-db.h):
 * what only one backend has (a file's mode) is checked on that one. */
#include "test.h"
#include "store/store.h"
#include "store/store-row.h"
#include "pipeline/pipeline.h"
#include "pipeline/run-caveats.h"
#include "test-db.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void dbpath(char *buf, size_t n, const char *tag) { test_db_path(buf, n, tag); }

static void cleanup(const char *p)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/dormant-unit-%d", (int)getpid());
	(void)p;
	if (system(cmd)) {
	}
}

static void fill(struct resultset *rs, uint16_t extra)
{
	struct obs_host h = { .ip = ipaddr_v4(0xc612000a),
			      .how = HOW_ARP,
			      .reason = "arp-response",
			      .has_mac = true,
			      .mac = { 2, 0, 0x5e, 0, 0, 10 },
			      .ts = 100 };
	resultset_add_host(rs, &h);
	struct obs_port p = { .ip = h.ip,
			      .port = 22,
			      .proto = PROTO_TCP,
			      .state = PORT_OPEN,
			      .reason = "syn-ack",
			      .ttl = 64,
			      .ts = 101 };
	resultset_add_port(rs, &p);
	p.port = extra;
	resultset_add_port(rs, &p);
	p.port = 9, p.state = PORT_CLOSED, p.reason = "reset";
	resultset_add_port(rs, &p);
	resultset_sort(rs);
}

static void store_round_trip(void)
{
	char path[256];
	dbpath(path, sizeof(path), "rt");
	struct store *st;
	struct dm_err e;
	CHECK_INT(store_open(path, &st, &e), 0);
	struct stat sb;
	if (!test_db_pg()) CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	int64_t run1, run2;
	CHECK_INT(store_run_begin(st, "scan", "198.18.0.0/24", 100, &run1, &e), 0);
	struct resultset a = { 0 }, b = { 0 }, back = { 0 };
	fill(&a, 80);
	CHECK_INT(store_save_results(st, run1, &a, &e), 0);
	CHECK_INT(store_run_finish(st, run1, "done", 102, &e), 0);
	CHECK_INT(store_run_begin(st, "scan", "198.18.0.0/24", 200, &run2, &e), 0);
	fill(&b, 443);
	CHECK_INT(store_save_results(st, run2, &b, &e), 0);
	CHECK_INT(store_run_finish(st, run2, "done", 202, &e), 0);
	CHECK_INT(store_load_results(st, run1, &back, &e), 0);
	resultset_sort(&back);
	CHECK_INT(back.n_hosts, 1);
	CHECK(back.hosts[0].h.has_mac && back.hosts[0].h.mac[5] == 10);
	CHECK_INT(back.hosts[0].n_ports, 2);
	CHECK_INT(back.hosts[0].ports[1].port, 80);
	CHECK_INT(back.hosts[0].closed, 1);
	struct run_info *runs;
	size_t n;
	CHECK_INT(store_runs_list(st, &runs, &n, &e), 0);
	CHECK_INT(n, 2);
	CHECK_STR(runs[1].status, "done");
	CHECK_INT(runs[1].open_ports, 2);
	CHECK_INT(runs[0].hosts_up, 1);
	free(runs);
	store_close(st);
	/* history lives in SQL for the later analyzers: first/last seen per port */
	char hist[128], want[128];
	CHECK_INT(test_db_text(
		      path,
		      "SELECT group_concat(x, ',') FROM (SELECT port || ':' || first_run || ':' || last_run"
		      " AS x FROM ports ORDER BY port)",
		      "SELECT string_agg(port || ':' || first_run || ':' || last_run, ',' ORDER BY port)"
		      " FROM ports",
		      hist, sizeof(hist)),
		  0);
	snprintf(want, sizeof(want), "22:%lld:%lld,80:%lld:%lld,443:%lld:%lld", (long long)run1,
		 (long long)run2, (long long)run1, (long long)run1, (long long)run2, (long long)run2);
	CHECK_STR(hist, want);
	CHECK_INT(test_db_exec(path, "PRAGMA user_version=99", "UPDATE dormant_schema SET version = 99"), 0);
	CHECK_INT(store_open(path, &st, &e), DM_ESCHEMA);
	CHECK(strstr(e.msg, "newer") != NULL);
	resultset_release(&a);
	resultset_release(&b);
	resultset_release(&back);
	cleanup(path);
}

static void not_a_database(void)
{
	char path[256];
	dbpath(path, sizeof(path), "junk");
	struct store *st;
	struct dm_err e;
	CHECK_INT(store_open(path, &st, &e), 0);
	store_close(st);
	if (test_db_pg()) { /* a database that is not there: the error names the URI */
		char other[300];
		const char *q = strchr(path, '?');
		snprintf(other, sizeof(other), "postgresql:///no_such_db%s", q ? q : "");
		CHECK(store_open(other, &st, &e) < 0);
		CHECK(strstr(e.msg, "no_such_db") && strstr(e.msg, "cannot connect"));
		/* a database that holds no dormant store is not taken for one */
		CHECK_INT(test_db_exec(path, "", "DROP TABLE dormant_schema CASCADE"), 0);
		CHECK_INT(store_open_mode(path, STORE_EXISTING, &st, &e), DM_EINPUT);
		CHECK(strstr(e.msg, "not a dormant store") != NULL);
		return;
	}
	FILE *f = fopen(path, "w");
	fputs("this is not sqlite, just text that is long enough to be a header......\n", f);
	fclose(f);
	char wal[300];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	CHECK(store_open(path, &st, &e) < 0);
	CHECK(strstr(e.msg, path) != NULL);
	cleanup(path);
}

/* A failing store call says which store and what it was doing, in the
 * dm_err like every other module (there is no store_errmsg to ask). */
static void errors_name_store_and_operation(void)
{
	char path[256];
	dbpath(path, sizeof(path), "err");
	struct store *st;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	int64_t run = 0;
	CHECK_INT(store_run_begin(st, "scan", "", 1, &run, &e), 0);
	struct run_info ri;
	CHECK_INT(store_run_get(st, run + 41, &ri, &e), -ENOENT);
	CHECK(strstr(e.msg, path) && strstr(e.msg, "no run"));
	/* a table gone behind the store's back: every operation on it fails */
	CHECK_INT(test_db_exec(path, "DROP TABLE findings; DROP TABLE service_obs",
			       "DROP TABLE findings; DROP TABLE service_obs"),
		  0);
	struct findings fs = { 0 };
	struct finding f = { .rule = "idle-host", .severity = SEV_LOW, .title = "t" };
	findings_add(&fs, &f);
	e.msg[0] = 0;
	CHECK_INT(store_save_findings(st, run, &fs, &e), DM_ESTORE);
	CHECK(strstr(e.msg, "--db ") && strstr(e.msg, path));
	CHECK(strstr(e.msg, "saving findings") && strstr(e.msg, "findings") &&
	      (strstr(e.msg, "no such table") || strstr(e.msg, "does not exist")));
	e.msg[0] = 0;
	struct resultset rs = { 0 };
	CHECK_INT(store_load_results(st, run, &rs, &e), DM_ESTORE);
	CHECK(strstr(e.msg, path) && strstr(e.msg, "loading results") && strstr(e.msg, "service_obs"));
	/* NULL e: the code alone */
	CHECK_INT(store_load_findings(st, run, &fs, NULL), DM_ESTORE);
	resultset_release(&rs);
	findings_release(&fs);
	store_close(st);
	cleanup(path);
}

/* What schema 24 adds to vuln_cfg (a store from before it has none). */
#define VULN_CFG_SCORES_DROP                                                                         \
	"ALTER TABLE vuln_cfg DROP COLUMN scored; ALTER TABLE vuln_cfg DROP COLUMN cvss;"            \
	" ALTER TABLE vuln_cfg DROP COLUMN cvss_version; ALTER TABLE vuln_cfg DROP COLUMN severity;" \
	" ALTER TABLE vuln_cfg DROP COLUMN exploit_ref; ALTER TABLE vuln_cfg DROP COLUMN kev_added;"

/* What schema 30 adds to vuln_product. */
#define VULN_PRODUCT_BRIEF_DROP                                                                              \
	" ALTER TABLE vuln_product DROP COLUMN brief; ALTER TABLE vuln_product DROP COLUMN cvss;"            \
	" ALTER TABLE vuln_product DROP COLUMN cvss_version; ALTER TABLE vuln_product DROP COLUMN severity;" \
	" ALTER TABLE vuln_product DROP COLUMN exploit_ref; ALTER TABLE vuln_product DROP COLUMN kev_added;"

/* What schemas 28, 29, 32 and 34 add to asset_idents (SQLite drops no
 * indexed column), and schema 31's per-day flow summaries. */
#define IDENT_FINGERPRINT_DROP                                                                             \
	" ALTER TABLE asset_idents DROP COLUMN snmp_engine; ALTER TABLE asset_idents DROP COLUMN ssh_key;" \
	" ALTER TABLE asset_idents DROP COLUMN mdns_name; ALTER TABLE asset_idents DROP COLUMN dns_name;"
#define IDENT_SITE_DROP                                                                 \
	" DROP INDEX asset_idents_site_key; ALTER TABLE asset_idents DROP COLUMN site;" \
	" ALTER TABLE asset_idents DROP COLUMN cert;" IDENT_FINGERPRINT_DROP " DROP TABLE flow_day;"

/* What schema 36 adds to findings: the file a finding is about; and 38's
 * stream states. */
#define FINDINGS_PATH_DROP " ALTER TABLE findings DROP COLUMN path; DROP TABLE stream_state;"

/* Each run's coverage is stored with it; a run from a store of schema 8
 * (before coverage) reads back as unknown, and so does a damaged row. */
static void run_coverage_kept(void)
{
	char path[256];
	dbpath(path, sizeof(path), "cov");
	struct store *st;
	struct dm_err e;
	int64_t old, run;
	CHECK_INT(store_open(path, &st, &e), 0);
	CHECK_INT(store_run_begin(st, "audit", "127.0.0.1-3", 100, &old, &e), 0);
	store_close(st);
	CHECK_INT(
	    test_db_exec(
		path,
		"DROP TABLE run_caveats; DROP TABLE run_coverage; ALTER TABLE service_obs DROP COLUMN"
		" source; DROP TABLE external_obs; DROP TABLE exposure_imports; ALTER TABLE inventory"
		" DROP COLUMN public_ip; DROP TABLE sensors; ALTER TABLE runs DROP COLUMN sensor; "
		"ALTER TABLE finding_life DROP COLUMN suppress_by; ALTER TABLE runs DROP COLUMN site;"
		" DROP INDEX runs_group; ALTER TABLE runs DROP COLUMN run_group; ALTER TABLE runs DROP COLUMN"
		" shard; ALTER TABLE runs DROP COLUMN shards; " VULN_CFG_SCORES_DROP IDENT_SITE_DROP
		    VULN_PRODUCT_BRIEF_DROP FINDINGS_PATH_DROP " PRAGMA user_version=8",
		"DROP TABLE run_caveats; DROP TABLE run_coverage; ALTER TABLE service_obs DROP COLUMN"
		" source; DROP TABLE external_obs; DROP TABLE exposure_imports; ALTER TABLE inventory"
		" DROP COLUMN public_ip; DROP TABLE sensors; ALTER TABLE runs DROP COLUMN sensor;"
		" ALTER TABLE finding_life DROP COLUMN suppress_by; ALTER TABLE runs DROP COLUMN site;"
		" ALTER TABLE assets DROP COLUMN site; ALTER TABLE inventory DROP COLUMN site;"
		" DROP INDEX runs_group; ALTER TABLE runs DROP COLUMN run_group; ALTER TABLE runs DROP COLUMN"
		" shard; ALTER TABLE runs DROP COLUMN shards; " VULN_CFG_SCORES_DROP IDENT_SITE_DROP
		    VULN_PRODUCT_BRIEF_DROP FINDINGS_PATH_DROP " UPDATE dormant_schema SET version = 8"),
	    0);
	CHECK_INT(store_open(path, &st, &e), 0); /* migrates 8 -> 9 */
	struct coverage c = { 0 }, back;
	CHECK_INT(store_run_coverage(st, old, &back, &e), 0);
	CHECK(!back.known);
	struct rangeset v4 = { 0 };
	struct portlist pl = { 0 };
	rangeset_add(&v4, 0x7f000001, 0x7f000001);
	CHECK(portlist_parse(&pl, "22,80", PROTO_TCP, NULL) == 0);
	coverage_set(&c, &v4, NULL, 0, &pl, CHECK_DISCOVER | CHECK_PORTS);
	CHECK_INT(store_run_begin(st, "audit", "127.0.0.1", 200, &run, &e), 0);
	CHECK_INT(store_run_set_coverage(st, run, &c, &e), 0);
	CHECK_INT(store_run_coverage(st, run, &back, &e), 1);
	CHECK(back.known && coverage_addrs(&back) == 1 && back.ports.n_tcp == 2 && back.ports.n_udp == 0);
	CHECK_INT(back.checks, CHECK_DISCOVER | CHECK_PORTS);
	coverage_release(&back);
	store_close(st);
	CHECK_INT(test_db_exec(path, "UPDATE run_coverage SET ports = 'T:0-'",
			       "UPDATE run_coverage SET ports = 'T:0-'"),
		  0);
	CHECK_INT(store_open(path, &st, &e), 0);
	CHECK_INT(store_run_coverage(st, run, &back, &e), 0);
	CHECK(!back.known);
	store_close(st);
	coverage_release(&c);
	rangeset_release(&v4);
	portlist_release(&pl);
	cleanup(path);
}

/* The commands that only read never create a store: not the folder, not the file. */
static void existing_mode_creates_nothing(void)
{
	char path[256], dir[256];
	dbpath(path, sizeof(path), "ro");
	snprintf(dir, sizeof(dir), "/tmp/dormant-unit-%d/ro", (int)getpid());
	struct store *st = NULL;
	struct dm_err e = { "" };
	if (test_db_pg()) { /* an empty database is not made a store by a read */
		CHECK_INT(store_open_mode(path, STORE_EXISTING, &st, &e), DM_EINPUT);
		CHECK(strstr(e.msg, "not a dormant store") != NULL);
		char n[16];
		CHECK_INT(test_db_text(path, "", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
				       n, sizeof(n)),
			  0);
		CHECK_STR(n, "0");
	} else {
		CHECK_INT(store_open_mode(path, STORE_EXISTING, &st, &e), -ENOENT);
		CHECK(strstr(e.msg, path) != NULL);
		struct stat sb;
		CHECK(stat(dir, &sb) < 0);
	}
	CHECK_INT(store_open(path, &st, &e), 0);
	store_close(st);
	CHECK_INT(store_open_mode(path, STORE_EXISTING, &st, &e), 0);
	store_close(st);
	cleanup(path);
}

/* Reads a number from the store in another process (sqlite3's shell): what
 * this process committed must be visible there. */
static long other_process_count(const char *path, const char *sql)
{
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' '%s' 2>&1", path, sql);
	FILE *p = popen(cmd, "r");
	long n = -1;
	if (p && fscanf(p, "%ld", &n) != 1) n = -1;
	if (p) pclose(p);
	return n;
}

/* A second store on a file this process already has open (a traffic job's
 * two connections, the next hour's job beside the held one) keeps the
 * process's locks: another process's close must not delete the -wal under
 * it, which hid every later commit until this process closed. */
static void second_open_keeps_locks(void)
{
	if (test_db_pg()) return;
	char path[256], wal[300];
	dbpath(path, sizeof(path), "locks");
	snprintf(wal, sizeof(wal), "%s-wal", path);
	struct store *a = NULL, *b = NULL;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &a, &e), 0);
	CHECK_INT(store_open(path, &b, &e), 0);
	CHECK_INT(other_process_count(path, "SELECT count(*) FROM runs"), 0);
	struct stat sb;
	CHECK(stat(wal, &sb) == 0);
	int64_t run;
	CHECK_INT(store_run_begin(a, "collect", "", 100, &run, &e), 0);
	CHECK_INT(other_process_count(path, "SELECT count(*) FROM runs"), 1);
	store_close(b);
	CHECK_INT(store_run_finish(a, run, "done", 101, &e), 0);
	CHECK_INT(other_process_count(path, "SELECT count(*) FROM runs WHERE finished = 101"), 1);
	store_close(a);
	cleanup(path);
}

static double day(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	return (double)timegm(&tm);
}

/* The caveats a run computes from its store, and their round trip. */
static void caveats_vuln_age_and_round_trip(void)
{
	char path[256];
	dbpath(path, sizeof(path), "cav");
	struct store *st;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	struct portlist pl = { 0 };
	portlist_parse(&pl, "22,80", PROTO_TCP, &e);
	struct caveats_in in = { .stages = STAGES_AUDIT,
				 .identify = true,
				 .ports_scanned = true,
				 .ports = &pl,
				 .st = st,
				 .register_rows = 3,
				 .traffic_judged = true,
				 .now = day(2026, 3, 1) };
	struct caveats cs;
	run_caveats(&in, &cs);
	CHECK(caveats_find(&cs, "no-vuln-data") && !caveats_find(&cs, "vuln-data-old"));
	CHECK(!caveats_find(&cs, "no-register") && !caveats_find(&cs, "no-traffic"));
	CHECK(caveats_find(&cs, "credentials-not-checked") != NULL);
	const struct caveat *c = caveats_find(&cs, "ports-not-scanned");
	CHECK(c && strstr(c->text, "TCP 22,80 (2 of 65535)") && strstr(c->text, "UDP not scanned"));
	struct vuln_cve cve = { .num = 2024000001LL,
				.modified = "2026-01-01T08:00:00.000",
				.cvss = -1,
				.source = "nvd",
				.configs = "" };
	CHECK_INT(store_vuln_begin(st, &e), 0);
	enum vuln_change ch;
	CHECK_INT(store_vuln_put_cve(st, &cve, &ch, &e), 0);
	CHECK_INT(store_vuln_end(st, true, &e), 0);
	run_caveats(&in, &cs); /* 59 days after the newest record: more than 30 */
	c = caveats_find(&cs, "vuln-data-old");
	CHECK(c && strstr(c->text, "59 days old") && strstr(c->text, "2026-01-01") &&
	      strstr(c->text, "more than 30 days"));
	CHECK(!caveats_find(&cs, "no-vuln-data"));
	in.vuln_max_age = 90;
	run_caveats(&in, &cs);
	CHECK(!caveats_find(&cs, "vuln-data-old"));
	in.vuln_max_age = 0, in.now = day(2026, 1, 20);
	in.creds = true, in.register_rows = 0, in.traffic_judged = false, in.ports_scanned = false;
	run_caveats(&in, &cs);
	CHECK(!caveats_find(&cs, "vuln-data-old") && !caveats_find(&cs, "credentials-not-checked"));
	CHECK(caveats_find(&cs, "no-register") && caveats_find(&cs, "no-traffic"));
	c = caveats_find(&cs, "ports-not-scanned");
	CHECK(c && strstr(c->text, "-sn"));
	in.stages = STAGES_AUDIT & ~STAGE_BIT(STAGE_VULNS); /* --no-vulns */
	run_caveats(&in, &cs);
	CHECK(caveats_find(&cs, "vulns-not-checked") && !caveats_find(&cs, "no-vuln-data"));
	/* a plain scan judges nothing but its ports */
	in.stages = STAGES_SCAN, in.ports_scanned = true;
	run_caveats(&in, &cs);
	CHECK_INT(cs.n, 1);
	/* stored with the run, in order; saving again replaces */
	int64_t run = 0;
	CHECK_INT(store_run_begin(st, "audit", "", 1, &run, &e), 0);
	in.stages = STAGES_AUDIT, in.creds = false;
	run_caveats(&in, &cs);
	CHECK_INT(store_save_caveats(st, run, &cs, &e), 0);
	struct caveats back;
	CHECK_INT(store_load_caveats(st, run, &back, &e), 0);
	CHECK_INT(back.n, cs.n);
	for (size_t i = 0; i < cs.n && i < back.n; i++)
		CHECK(!strcmp(back.v[i].code, cs.v[i].code) && !strcmp(back.v[i].text, cs.v[i].text));
	cs.n = 1;
	CHECK_INT(store_save_caveats(st, run, &cs, &e), 0);
	CHECK_INT(store_load_caveats(st, run, &back, &e), 0);
	CHECK_INT(back.n, 1);
	CHECK_INT(store_load_caveats(st, run + 1, &back, &e), 0);
	CHECK_INT(back.n, 0);
	portlist_release(&pl);
	store_close(st);
	cleanup(path);
}

static int count_use(void *ctx, const struct flow_use *u)
{
	uint64_t *n = ctx;
	n[0]++;
	n[1] += u->flows;
	return 0;
}

static int count_vuln(void *ctx, const struct vuln_info *v)
{
	int64_t *n = ctx;
	n[0]++;
	n[1] = v->num;
	if (v->epss >= 0) n[2] = (int64_t)(v->epss * 100);
	return 0;
}

/* The brief row: scores and EPSS, no description or configurations. */
static int check_brief(void *ctx, const struct vuln_info *v)
{
	int *ok = ctx;
	*ok = v->cvss == 7.5 && v->epss == 0.5 && !v->summary && !v->modified && v->configs && !*v->configs;
	return 0;
}

/* The scores that came with the packed configurations: "cvss severity" or "-". */
static int scores_seen(void *ctx, const struct vuln_info *v)
{
	snprintf(ctx, 32, v->scored ? "%.1f %s" : "-", v->cvss, v->severity ? v->severity : "null");
	return 0;
}

static int kev_epss_seen(void *ctx, const struct vuln_info *v)
{
	*(int *)ctx = !v->kev && v->epss == 0.5 && v->percentile == 0.9 && !v->kev_added;
	return 0;
}

/* configs of the CVEs not known: "cfg" read unless known says it is held */
static bool known_all(void *ctx, int64_t num) { return (void)ctx, num > 0; }
static int configs_seen(void *ctx, const struct vuln_info *v)
{
	*(int *)ctx = !strcmp(v->configs, "cfg") ? 1 : !*v->configs && !v->packed ? 2 : 3;
	return 0;
}

static int count_fix(void *ctx, const struct vuln_distro_fix *f)
{
	int *n = ctx;
	*n += f->status == DSTAT_FIXED && f->fixed_version && !strcmp(f->fixed_version, "1.2-3");
	return 0;
}

/* Every kind of data through every backend: findings (first seen carried
 * over), flow summaries (an input saved twice counts once), the register,
 * vulnerability and distribution data, external observations, and a save
 * undone as a whole where the backend has transactions across calls. */
static void every_kind_round_trip(void)
{
	char path[256];
	dbpath(path, sizeof(path), "all");
	struct store *st;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	CHECK_STR(store_backend(st), test_db_pg() ? "postgresql" : "sqlite");
	int64_t r1, r2;
	struct finding f = { .rule = "idle-host",
			     .severity = SEV_HIGH,
			     .title = "idle",
			     .has_ip = true,
			     .ip = ipaddr_v4(0xc612000a),
			     .port = 22,
			     .proto = PROTO_TCP,
			     .first_seen = 50,
			     .last_seen = 60 };
	struct findings fs = { 0 }, back = { 0 };
	findings_add(&fs, &f);
	CHECK_INT(store_run_begin(st, "audit", "", 100, &r1, &e), 0);
	CHECK_INT(store_save_findings(st, r1, &fs, &e), 0);
	findings_release(&fs);
	f.first_seen = 90, f.last_seen = 95, f.evidence = strdup("e");
	findings_add(&fs, &f);
	/* a finding about a file keeps it (schema 36) */
	findings_add(
	    &fs, &(struct finding){ .rule = "plaintext-credentials", .title = "f", .path = strdup("/a/b") });
	CHECK_INT(store_run_begin(st, "audit", "", 200, &r2, &e), 0);
	CHECK_INT(store_save_findings(st, r2, &fs, &e), 0);
	CHECK_INT(store_load_findings(st, r2, &back, &e), 0);
	CHECK_INT(back.n, 2);
	if (back.n == 2) {
		CHECK(back.v[0].first_seen == 50 && back.v[0].last_seen == 95 && back.v[0].port == 22);
		CHECK(back.v[0].severity == SEV_HIGH && back.v[0].evidence &&
		      !strcmp(back.v[0].evidence, "e") && !back.v[0].path);
		CHECK(!back.v[1].has_ip && back.v[1].path && !strcmp(back.v[1].path, "/a/b"));
	}
	findings_release(&fs);
	findings_release(&back);
	/* another file's finding is first seen when it is, not when /a/b was */
	int64_t rf;
	findings_add(&fs, &(struct finding){ .rule = "plaintext-credentials",
					     .title = "g",
					     .path = strdup("/a/c"),
					     .first_seen = 300 });
	CHECK_INT(store_run_begin(st, "secrets", "", 300, &rf, &e), 0);
	CHECK_INT(store_save_findings(st, rf, &fs, &e), 0);
	CHECK_INT(store_load_findings(st, rf, &back, &e), 0);
	CHECK(back.n == 1 && back.v[0].first_seen == 300);
	findings_release(&fs);
	findings_release(&back);

	struct flow_hour h[2] = { { .hour = 500000,
				    .host = ipaddr_v4(0xc612000a),
				    .peer = ipaddr_v4(0x08080808),
				    .port = 443,
				    .proto = 6,
				    .flows = 3,
				    .bytes_up = 100,
				    .names = "a.example" },
				  { .hour = 500001,
				    .host = ipaddr_v4(0xc612000a),
				    .peer = ipaddr_v4(0xc612000b),
				    .port = 22,
				    .proto = 6,
				    .inbound = true,
				    .peer_internal = true,
				    .flows = 2,
				    .bytes_down = 10 } };
	bool known = true;
	CHECK_INT(store_flow_save_hours(st, r2, "digest-1", h, 2, &known, &e), 0);
	CHECK(!known);
	CHECK_INT(store_flow_save_hours(st, r2, "digest-1", h, 2, &known, &e), 0);
	CHECK(known);
	double first = 0, last = 0;
	CHECK_INT(store_flow_coverage(st, &first, &last, &e), 1);
	CHECK(first == 500000 * 3600.0 && last == 500002 * 3600.0);
	uint64_t n[2] = { 0 };
	CHECK_INT(store_flow_host_use(st, 500000 * 3600.0, 500002 * 3600.0, count_use, n, &e), 0);
	CHECK(n[0] == 1 && n[1] == 5);
	n[0] = n[1] = 0;
	CHECK_INT(store_flow_port_clients(st, &h[1].host, 6, 22, 0, 500002 * 3600.0, count_use, n, &e), 0);
	CHECK(n[0] == 1 && n[1] == 2);
	double act = 0;
	CHECK_INT(store_flow_host_last_active(st, &h[0].host, 500003 * 3600.0, &act, &e), 1);
	CHECK(act == 500002 * 3600.0);

	struct inventory inv = { 0 }, inv2 = { 0 };
	struct inv_entry en = {
		.ip = ipaddr_v4(0xc612000a), .hostname = "cam", .status = INV_TEST, .line = 2
	};
	inv.v = &en, inv.n = inv.cap = 1;
	CHECK_INT(store_inventory_replace(st, &inv, "reg.csv", 300, &e), 0);
	CHECK_INT(store_inventory_load(st, &inv2, &e), 0);
	CHECK(inv2.n == 1 && !strcmp(inv2.v[0].hostname, "cam") && inv2.v[0].status == INV_TEST &&
	      !inv2.v[0].mac[0]);
	free(inv2.v);

	struct vuln_product prod = { .vendor = "openbsd", .product = "openssh" };
	struct vuln_cve cve = { .num = 2024000002LL,
				.modified = "2026-01-01T00:00:00.000",
				.cvss = 7.5,
				.source = "nvd",
				.configs = "cfg",
				.products = &prod,
				.n_products = 1 };
	struct vuln_epss ep = { .num = cve.num, .epss = 0.5, .percentile = 0.9 };
	struct vuln_distro_fix fx = { .distro = "debian",
				      .release = "bookworm",
				      .package = "openssh",
				      .num = cve.num,
				      .status = DSTAT_FIXED,
				      .fixed_version = "1.2-3" };
	enum vuln_change ch;
	CHECK_INT(store_vuln_begin(st, &e), 0);
	CHECK_INT(store_vuln_put_cve(st, &cve, &ch, &e), 0);
	CHECK_INT(ch, VULN_ADDED);
	CHECK_INT(store_vuln_put_cve(st, &cve, &ch, &e), 0);
	CHECK_INT(ch, VULN_UNCHANGED);
	CHECK_INT(store_vuln_put_epss(st, &ep, &e), 0);
	CHECK_INT(store_distro_put_fix(st, &fx, &e), 0);
	CHECK_INT(store_vuln_meta_set(st, "nvd.timestamp", "t1", &e), 0);
	CHECK_INT(store_vuln_end(st, true, &e), 0);
	int64_t got[3] = { 0 };
	CHECK_INT(store_vuln_by_product(st, "openbsd", "openssh", NULL, count_vuln, got, &e), 1);
	CHECK_INT(store_vuln_get(st, cve.num, count_vuln, got, &e), 1);
	CHECK(got[0] == 2 && got[1] == cve.num && got[2] == 50);
	int brief = 0, seen = 0;
	CHECK_INT(store_vuln_get_brief(st, cve.num, check_brief, &brief, &e), 1);
	CHECK_INT(brief, 1);
	CHECK_INT(store_vuln_get_brief(st, cve.num + 1, check_brief, &brief, &e), 0);
	CHECK_INT(store_vuln_by_product(st, "openbsd", "openssh", NULL, configs_seen, &seen, &e), 1);
	CHECK_INT(seen, 1);
	/* a held CVE comes with its number alone (SQLite); PostgreSQL sends the text anyway */
	CHECK_INT(store_vuln_by_product(st, "openbsd", "openssh", known_all, configs_seen, &seen, &e), 1);
	CHECK_INT(seen, test_db_pg() ? 1 : 2);
	int fixes = 0;
	CHECK_INT(store_distro_fixes(st, "debian", "openssh", count_fix, &fixes, &e), 1);
	CHECK_INT(fixes, 1);
	struct vuln_stats vs;
	CHECK_INT(store_vuln_stats(st, &vs, &e), 0);
	CHECK(vs.cves == 1 && vs.products == 1 && vs.epss == 1 && !strcmp(vs.nvd_timestamp, "t1"));
	CHECK_INT(store_vuln_any(st, &e), 1);
	/* SQLite keeps a CVE's scores beside its packed configurations, and a
	 * newer record without configurations still updates them there */
	static const unsigned char no_configs[] = { 1, 0 };
	struct vuln_product prod2 = { .vendor = "x", .product = "y" };
	struct vuln_cve pc = cve;
	pc.num = cve.num + 10, pc.products = &prod2, pc.packed = no_configs,
	pc.packed_len = sizeof(no_configs);
	snprintf(pc.severity, sizeof(pc.severity), "high");
	char sc[32] = "";
	CHECK_INT(store_vuln_begin(st, &e), 0);
	CHECK_INT(store_vuln_put_cve(st, &pc, &ch, &e), 0);
	CHECK_INT(store_vuln_end(st, true, &e), 0);
	CHECK_INT(store_vuln_by_product(st, "x", "y", NULL, scores_seen, sc, &e), 1);
	CHECK_STR(sc, test_db_pg() ? "-" : "7.5 high");
	snprintf(pc.modified, sizeof(pc.modified), "2026-02-01T00:00:00.000");
	pc.cvss = 9.8, pc.configs = NULL, pc.packed = NULL, pc.packed_len = 0;
	snprintf(pc.severity, sizeof(pc.severity), "critical");
	CHECK_INT(store_vuln_begin(st, &e), 0);
	CHECK_INT(store_vuln_put_cve(st, &pc, &ch, &e), 0);
	CHECK_INT(store_vuln_end(st, true, &e), 0);
	CHECK_INT(ch, VULN_UPDATED);
	CHECK_INT(store_vuln_by_product(st, "x", "y", NULL, scores_seen, sc, &e), 1);
	CHECK_STR(sc, test_db_pg() ? "-" : "9.8 critical");
	int ke = 0;
	CHECK_INT(store_vuln_kev_epss(st, cve.num, kev_epss_seen, &ke, &e), 1);
	CHECK_INT(ke, 1);

	struct ext_obs o = { .platform = EXT_SHODAN,
			     .ip = ipaddr_v4(0xcb007101),
			     .port = 80,
			     .proto = PROTO_TCP,
			     .service = "http",
			     .indexed = 1000,
			     .line = 1,
			     .file = "x.json" };
	size_t added = 9;
	CHECK_INT(store_exposure_save(st, "x.json", "shodan", 400, &o, 1, &added, &e), 0);
	CHECK_INT(added, 1);
	CHECK_INT(store_exposure_save(st, "x.json", "shodan", 401, &o, 1, &added, &e), 0);
	CHECK_INT(added, 0);
	struct ext_set es = { 0 };
	CHECK_INT(store_exposure_load(st, &es, &e), 0);
	CHECK(es.n == 1 && es.v[0].port == 80 && !strcmp(es.v[0].service, "http"));
	ext_set_release(&es);

	/* a save undone: on PostgreSQL nothing of it stays; the run is sensor s1's */
	int64_t r3;
	CHECK_INT(store_set_sensor(st, "bad name", &e), DM_EINPUT);
	CHECK_INT(store_set_sensor(st, "s1", &e), 0);
	CHECK_INT(store_run_begin(st, "scan", "", 500, &r3, &e), 0);
	char sensor[64], want[64];
	CHECK_INT(test_db_text(path,
			       "SELECT sensor || ':' || last_run FROM runs, sensors WHERE runs.id = last_run",
			       "SELECT sensor || ':' || last_run FROM runs, sensors WHERE runs.id = last_run",
			       sensor, sizeof(sensor)),
		  0);
	snprintf(want, sizeof(want), "s1:%lld", (long long)r3);
	CHECK_STR(sensor, want);
	struct resultset rs = { 0 }, rback = { 0 };
	fill(&rs, 80);
	CHECK_INT(store_save_begin(st, &e), 0);
	CHECK_INT(store_save_results(st, r3, &rs, &e), 0);
	CHECK_INT(store_run_finish(st, r3, "done", 501, &e), 0);
	CHECK_INT(store_save_end(st, false, &e), 0);
	struct run_info ri;
	CHECK_INT(store_run_get(st, r3, &ri, &e), 0);
	CHECK_INT(store_load_results(st, r3, &rback, &e), 0);
	if (test_db_pg()) CHECK(!strcmp(ri.status, "running") && rback.n_hosts == 0);
	resultset_release(&rs);
	resultset_release(&rback);
	/* a failing save of summaries says so and leaves the store usable */
	CHECK_INT(test_db_exec(path, "DROP TABLE flow_hour", "DROP TABLE flow_hour"), 0);
	CHECK_INT(store_flow_save_hours(st, r3, "digest-2", h, 2, &known, &e), DM_ESTORE);
	CHECK(strstr(e.msg, "flow summaries") && strstr(e.msg, "flow_hour"));
	CHECK_INT(store_run_finish(st, r3, "done", 502, &e), 0);
	store_close(st);
	cleanup(path);
}

static int count_flows(void *ctx, const struct flow_use *u)
{
	*(uint64_t *)ctx += u->flows;
	return 0;
}

static void save_hour(struct store *st, int64_t run, int64_t hour, const char *digest)
{
	struct flow_hour h = { .hour = hour,
			       .host = ipaddr_v4(0xc612000a),
			       .peer = ipaddr_v4(0x08080808),
			       .port = 443,
			       .proto = 6,
			       .flows = 1 };
	bool known;
	struct dm_err e = { "" };
	CHECK_INT(store_flow_save_hours(st, run, digest, &h, 1, &known, &e), 0);
}

struct peer_seen {
	uint64_t bytes[2];
	char names[2][128];
};

static int keep_peer(void *ctx, int64_t hour, const struct ipaddr *peer, const char *names, uint64_t bytes_up)
{
	(void)hour;
	struct peer_seen *ps = ctx;
	int i = peer->v4 == 0x08080808 ? 0 : 1;
	ps->bytes[i] += bytes_up;
	snprintf(ps->names[i], sizeof(ps->names[i]), "%s", names ? names : "");
	return 0;
}

static int sum_up(void *ctx, int64_t hour, uint64_t up)
{
	(void)hour;
	*(uint64_t *)ctx += up;
	return 0;
}

static int keep_one_use(void *ctx, const struct flow_use *u)
{
	*(struct flow_use *)ctx = *u;
	return 0;
}

/* Rows of one key in one input are summed as rows of two inputs are, names
 * listed once each in the order seen; names with quotes, backslashes,
 * braces and commas come back as they went. A host's use in a window:
 * flows, bytes and distinct peers of its hours in the window, its last
 * hour from all. */
static void store_flow_input_keys_summed(void)
{
	char path[256];
	dbpath(path, sizeof(path), "flowkeys");
	struct store *st;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	int64_t run;
	CHECK_INT(store_run_begin(st, "collect", "", 100, &run, &e), 0);
	struct flow_hour h[4];
	const char *names[4] = { "a.example", "b.example", "a.example", "q\"u\\o{t},e" };
	for (int i = 0; i < 4; i++) {
		h[i] = (struct flow_hour){ .hour = 480000,
					   .host = ipaddr_v4(0xc612000a),
					   .peer = ipaddr_v4(i == 3 ? 0x09090909 : 0x08080808),
					   .port = 443,
					   .proto = 6,
					   .flows = (uint64_t)i + 1,
					   .bytes_up = 10 * ((uint64_t)i + 1) };
		snprintf(h[i].names, sizeof(h[i].names), "%s", names[i]);
	}
	bool known = true;
	CHECK_INT(store_flow_save_hours(st, run, "k1", h, 4, &known, &e), 0);
	CHECK(!known);
	snprintf(h[0].names, sizeof(h[0].names), "c.example");
	CHECK_INT(store_flow_save_hours(st, run, "k2", h, 1, &known, &e), 0);
	/* a name the key has already: listed once */
	snprintf(h[0].names, sizeof(h[0].names), "b.example");
	CHECK_INT(store_flow_save_hours(st, run, "k2b", h, 1, &known, &e), 0);
	struct peer_seen ps = { 0 };
	CHECK_INT(
	    store_flow_host_peer_hours(st, &h[0].host, 480000 * 3600.0, 480001 * 3600.0, keep_peer, &ps, &e),
	    0);
	CHECK(ps.bytes[0] == 80 && ps.bytes[1] == 40);
	CHECK_STR(ps.names[0], "a.example,b.example,c.example");
	CHECK_STR(ps.names[1], names[3]);
	/* the key of three inputs: one row in SQLite (upserted), three on
	 * PostgreSQL (appended, schema 35), read as one */
	char t[32];
	CHECK_INT(test_db_text(path, "SELECT count(*) FROM flow_hour WHERE peer = '8.8.8.8'",
			       "SELECT count(*) FROM flow_hour WHERE peer = '8.8.8.8'", t, sizeof(t)),
		  0);
	CHECK_STR(t, test_db_pg() ? "3" : "1");
	uint64_t up = 0;
	CHECK_INT(
	    store_flow_host_hourly_up(st, &h[0].host, 480000 * 3600.0, 480001 * 3600.0, sum_up, &up, &e), 0);
	CHECK_INT(up, 120);
	/* an hour before the window: the host's last hour, not its use in the window */
	h[1].hour = 479000;
	h[1].peer = ipaddr_v4(0x0a0a0a0a);
	CHECK_INT(store_flow_save_hours(st, run, "k3", &h[1], 1, &known, &e), 0);
	struct flow_use u = { 0 };
	CHECK_INT(store_flow_host_use(st, 480000 * 3600.0, 480001 * 3600.0, keep_one_use, &u, &e), 0);
	CHECK(u.flows == 1 + 2 + 3 + 4 + 1 + 1 && u.peers == 2 && u.bytes == 120 &&
	      u.last == 480001 * 3600.0);
	u = (struct flow_use){ 0 };
	CHECK_INT(store_flow_host_use(st, 480001 * 3600.0, 480001 * 3600.0, keep_one_use, &u, &e), 0);
	CHECK(u.flows == 0 && u.peers == 0 && u.bytes == 0 && u.last == 480001 * 3600.0);
	/* an input of 30,000 rows (about 1.8 MB of COPY data): more than one piece (1 MiB) */
	enum { BIG = 30000 };
	struct flow_hour *big = calloc(BIG, sizeof(*big));
	for (int i = 0; i < BIG; i++)
		big[i] = (struct flow_hour){ .hour = 480000,
					     .host = ipaddr_v4(0xc612000b),
					     .peer = ipaddr_v4(0x0b000000 + (uint32_t)i),
					     .port = 443,
					     .proto = 6,
					     .flows = 1,
					     .bytes_up = 3 };
	CHECK_INT(store_flow_save_hours(st, run, "big", big, BIG, &known, &e), 0);
	free(big);
	up = 0;
	struct ipaddr bh = ipaddr_v4(0xc612000b);
	CHECK_INT(store_flow_host_hourly_up(st, &bh, 480000 * 3600.0, 480001 * 3600.0, sum_up, &up, &e), 0);
	CHECK_INT(up, 3 * BIG);
	store_close(st);
	cleanup(path);
}

/* [retention]: flow hours before the limit go (whole days as partitions on
 * PostgreSQL), and runs that ended before theirs with all their rows; a
 * running run stays. Every table with a run_id is covered by the list. */
static void retention(void)
{
	char path[256];
	dbpath(path, sizeof(path), "retain");
	struct store *st;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	int64_t old, kept, running;
	CHECK_INT(store_run_begin(st, "audit", "", 100, &old, &e), 0);
	struct resultset rs = { 0 };
	struct obs_host h = { .ip = ipaddr_v4(0x7f000001), .how = HOW_ARP, .ts = 100 };
	resultset_add_host(&rs, &h);
	struct obs_port p = { .ip = h.ip, .port = 22, .proto = PROTO_TCP, .state = PORT_OPEN, .ts = 100 };
	resultset_add_port(&rs, &p);
	CHECK_INT(store_save_results(st, old, &rs, &e), 0);
	struct caveats cs = { 0 };
	caveats_add(&cs, "x", "a caveat");
	CHECK_INT(store_save_caveats(st, old, &cs, &e), 0);
	CHECK_INT(store_run_finish(st, old, "done", 200, &e), 0);
	CHECK_INT(store_run_begin(st, "audit", "", 1000, &kept, &e), 0);
	CHECK_INT(store_save_results(st, kept, &rs, &e), 0);
	CHECK_INT(store_run_finish(st, kept, "done", 1100, &e), 0);
	CHECK_INT(store_run_begin(st, "scan", "", 50, &running, &e), 0);
	resultset_release(&rs);
	int64_t d0 = 20000 * 24; /* three days of hours */
	save_hour(st, kept, d0 + 1, "d0");
	save_hour(st, kept, d0 + 24 + 5, "d1a");
	save_hour(st, kept, d0 + 24 + 20, "d1b");
	save_hour(st, kept, d0 + 48 + 3, "d2");
	struct store_retain_out o;
	CHECK_INT(store_retain(st, (double)(d0 + 24 + 10) * 3600, 500, &o, &e), 0);
	CHECK_INT(o.flow_rows, 2);
	CHECK_INT(o.flow_partitions, test_db_pg() ? 1 : 0);
	CHECK_INT(o.runs, 1);
	uint64_t flows = 0;
	CHECK_INT(store_flow_host_use(st, 0, 1e12, count_flows, &flows, &e), 0);
	CHECK_INT(flows, 2);
	struct run_info *runs = NULL;
	size_t n = 0;
	CHECK_INT(store_runs_list(st, &runs, &n, &e), 0);
	CHECK(n == 2 && runs[0].id == kept && runs[1].id == running && runs[0].hosts_up == 1);
	free(runs);
	struct caveats back;
	CHECK_INT(store_load_caveats(st, old, &back, &e), 0);
	CHECK_INT(back.n, 0);
	/* the input of a dropped day may be saved again; a kept one is known */
	bool known = false;
	struct flow_hour again = {
		.hour = d0 + 1, .host = ipaddr_v4(0xc612000a), .peer = ipaddr_v4(1), .flows = 1
	};
	CHECK_INT(store_flow_save_hours(st, kept, "d0", &again, 1, &known, &e), 0);
	CHECK(!known);
	CHECK_INT(store_flow_save_hours(st, kept, "d2", &again, 1, &known, &e), 0);
	CHECK(known);
	/* names from the traffic, with COPY's special bytes, come back as sent */
	struct flow_hour odd = {
		.hour = d0 + 50, .host = ipaddr_v4(0xc612000a), .peer = ipaddr_v4(2), .flows = 1
	};
	snprintf(odd.names, sizeof(odd.names), "a\tb\\c\nd\\N");
	CHECK_INT(store_flow_save_hours(st, kept, "odd", &odd, 1, &known, &e), 0);
	char t[64];
	CHECK_INT(test_db_text(path, "SELECT names FROM flow_hour WHERE names IS NOT NULL",
			       "SELECT names FROM flow_hour WHERE names IS NOT NULL", t, sizeof(t)),
		  0);
	CHECK_STR(t, odd.names);
	if (test_db_pg()) {
		CHECK_INT(
		    test_db_text(
			path, "",
			"SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_inherits i"
			" JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'flow_hour'::regclass",
			t, sizeof(t)),
		    0);
		CHECK_STR(t, "flow_hour_d20000 flow_hour_d20001 flow_hour_d20002");
	} else {
		/* every table with a run_id column is deleted by retention or kept on purpose */
		struct buf all = BUF_INIT;
		for (size_t i = 0; i < store_retain_runs_n; i++)
			buf_printf(&all, "%s\n", store_retain_runs_sql[i]);
		for (size_t i = 0; store_retain_keeps[i]; i++)
			buf_printf(&all, "DELETE FROM %s \n", store_retain_keeps[i]);
		buf_putc(&all, 0);
		char tables[1024];
		CHECK_INT(
		    test_db_text(
			path,
			"SELECT group_concat(m.name, ' ') FROM sqlite_master m, pragma_table_info(m.name) c"
			" WHERE m.type = 'table' AND c.name = 'run_id'",
			"", tables, sizeof(tables)),
		    0);
		for (char *w = strtok(tables, " "); w; w = strtok(NULL, " ")) {
			char want[96];
			snprintf(want, sizeof(want), "DELETE FROM %s ", w);
			if (!strstr(all.data, want))
				printf("    %s has a run_id but retention leaves it\n", w);
			CHECK(strstr(all.data, want) != NULL);
		}
		buf_release(&all);
	}
	store_close(st);
	cleanup(path);
}

/* The use queries read whole days from flow_day and the window's partial
 * days from flow_hour: for windows starting and ending at and inside
 * days, after schema 31's migration summed the days stored before, and
 * after retention cut a day, each host's and service's use is
 * what the hours themselves give (summed here from the rows saved, in
 * three inputs so that days and hours are added to). */
#define UD_N 90
#define UD_BASE (20000 * 24)
struct use_got {
	struct flow_use v[16];
	size_t n;
};

static int keep_use_row(void *ctx, const struct flow_use *u)
{
	struct use_got *g = ctx;
	if (g->n < 16) g->v[g->n++] = *u;
	return 0;
}

/* row UD_N: a last input that ends inside a day */
static struct flow_hour ud_row(int i)
{
	return (struct flow_hour){ .hour = UD_BASE + (i < UD_N ? (i * 7) % 96 : 100),
				   .host = ipaddr_v4(0x0a000001 + (uint32_t)(i % 2)),
				   .peer = ipaddr_v4(0x08080800 + (uint32_t)(i / 2 % 3)),
				   .port = i % 3 ? 443 : 22,
				   .proto = 6,
				   .inbound = i % 4 == 1,
				   .background = i % 5 == 2,
				   .flows = (uint64_t)(i % 7 + 1),
				   .bytes_up = (uint64_t)i,
				   .bytes_down = 2 * (uint64_t)i };
}

/* The expected use of host (and port when by_port) over hours [from_h, to_h)
 * of the rows from hour `kept` on; 0 when no row counts. */
static int ud_want(int by_port, uint32_t host, uint16_t port, int64_t kept, int n, int64_t from_h,
		   int64_t to_h, struct flow_use *w)
{
	*w = (struct flow_use){ 0 };
	int64_t last = -1;
	bool peer_in[3] = { false };
	for (int i = 0; i < n; i++) {
		struct flow_hour h = ud_row(i);
		if (h.hour < kept || h.hour >= to_h || h.host.v4 != host) continue;
		if (by_port ? !h.inbound || h.port != port : h.background && !h.inbound) continue;
		if (h.hour > last) last = h.hour;
		if (h.hour < from_h) continue;
		w->flows += h.flows;
		w->bytes += h.bytes_up + h.bytes_down;
		peer_in[h.peer.v4 & 3] = true;
	}
	for (int p = 0; p < 3; p++) w->peers += peer_in[p];
	w->last = (double)(last + 1) * 3600.0;
	return last >= 0;
}

static void ud_check(struct store *st, int64_t kept, int n, double from, double to)
{
	struct dm_err e = { "" };
	int64_t from_h = (int64_t)(from / 3600), to_h = (int64_t)((to + 3599) / 3600);
	for (int by_port = 0; by_port < 2; by_port++) {
		struct use_got g = { 0 };
		if (by_port)
			CHECK_INT(store_flow_port_use(st, from, to, keep_use_row, &g, &e), 0);
		else
			CHECK_INT(store_flow_host_use(st, from, to, keep_use_row, &g, &e), 0);
		size_t want_n = 0;
		for (uint32_t host = 0x0a000001; host <= 0x0a000002; host++)
			for (int k = 0; k < (by_port ? 2 : 1); k++) {
				uint16_t port = by_port ? (k ? 443 : 22) : 0;
				struct flow_use w;
				if (!ud_want(by_port, host, port, kept, n, from_h, to_h, &w)) continue;
				want_n++;
				const struct flow_use *u = NULL;
				for (size_t j = 0; j < g.n; j++)
					if (g.v[j].host.v4 == host && g.v[j].port == port) u = &g.v[j];
				if (!u || u->flows != w.flows || u->bytes != w.bytes || u->peers != w.peers ||
				    u->last != w.last)
					printf("    %s use of %x:%u over hours %lld-%lld: got %llu flows "
					       "%llu bytes"
					       " %llu peers, want %llu %llu %llu\n",
					       by_port ? "port" : "host", host, port, (long long)from_h,
					       (long long)to_h, u ? (unsigned long long)u->flows : 0,
					       u ? (unsigned long long)u->bytes : 0,
					       u ? (unsigned long long)u->peers : 0,
					       (unsigned long long)w.flows, (unsigned long long)w.bytes,
					       (unsigned long long)w.peers);
				CHECK(u && u->flows == w.flows && u->bytes == w.bytes &&
				      u->peers == w.peers && u->last == w.last);
			}
		CHECK_INT(g.n, want_n);
		/* asked for one stored host and one not stored: that host's rows
		 * as above; and any host when there were rows above */
		const struct ipaddr ask[] = { ipaddr_v4(0x0a0000ff), ipaddr_v4(0x0a000002) };
		struct use_got o = { 0 };
		if (by_port)
			CHECK_INT(store_flow_port_use_of(st, from, to, ask, 2, keep_use_row, &o, &e), 0);
		else
			CHECK_INT(store_flow_host_use_of(st, from, to, ask, 2, keep_use_row, &o, &e), 0);
		size_t want_of = 0, same = 0;
		for (size_t j = 0; j < g.n; j++) {
			if (g.v[j].host.v4 != 0x0a000002) continue;
			want_of++;
			for (size_t k = 0; k < o.n; k++)
				same += !ipaddr_cmp(&o.v[k].host, &g.v[j].host) &&
					o.v[k].port == g.v[j].port && o.v[k].proto == g.v[j].proto &&
					o.v[k].flows == g.v[j].flows && o.v[k].bytes == g.v[j].bytes &&
					o.v[k].peers == g.v[j].peers && o.v[k].last == g.v[j].last;
		}
		CHECK_INT(o.n, want_of);
		CHECK_INT(same, want_of);
		if (!by_port) CHECK_INT(store_flow_hosts_any(st, from, to, &e), g.n > 0);
	}
}

static void flow_use_by_day(void)
{
	char path[256];
	dbpath(path, sizeof(path), "useday");
	struct store *st;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	int64_t run;
	CHECK_INT(store_run_begin(st, "collect", "", 100, &run, &e), 0);
	for (int k = 0; k < 3; k++) {
		struct flow_hour v[UD_N];
		size_t n = 0;
		for (int i = k; i < UD_N; i += 3) v[n++] = ud_row(i);
		char digest[16];
		snprintf(digest, sizeof(digest), "ud%d", k);
		bool known = true;
		CHECK_INT(store_flow_save_hours(st, run, digest, v, n, &known, &e), 0);
		CHECK(!known);
	}
	/* windows of hours [a, b) from UD_BASE; odd seconds round out */
	static const double w[][2] = { { 0, 96 },  { 5, 50 },    { 24, 72 }, { 30, 30 }, { 47, 49 },
				       { 0, 200 }, { -100, 24 }, { 23, 25 }, { 26, 47 }, { 5.01, 49.99 } };
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		ud_check(st, 0, UD_N, (UD_BASE + w[i][0]) * 3600.0, (UD_BASE + w[i][1]) * 3600.0);
	/* a store of schema 30 has its days summed by the migration (32's
	 * columns and 35's PostgreSQL input numbers, index and names
	 * aggregate dropped too: the migrations after 30 run again) */
	store_close(st);
	CHECK_INT(test_db_exec(
		      path,
		      "DROP TABLE flow_day;" IDENT_FINGERPRINT_DROP FINDINGS_PATH_DROP
		      " PRAGMA user_version=30",
		      "DROP TABLE flow_day;" IDENT_FINGERPRINT_DROP FINDINGS_PATH_DROP
		      " ALTER TABLE flow_hour DROP COLUMN pg_seq; ALTER TABLE flow_input DROP COLUMN pg_seq;"
		      " DROP INDEX flow_hour_host; DROP AGGREGATE dm_names(text);"
		      " DROP FUNCTION dm_names_add(text, text); UPDATE dormant_schema SET version = 30"),
		  0);
	st = NULL;
	CHECK_INT(store_open(path, &st, &e), 0);
	if (!st) return;
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		ud_check(st, 0, UD_N, (UD_BASE + w[i][0]) * 3600.0, (UD_BASE + w[i][1]) * 3600.0);
	struct store_retain_out o = { 0 };
	CHECK_INT(store_retain(st, (UD_BASE + 30) * 3600.0, 0, &o, &e), 0);
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		ud_check(st, UD_BASE + 30, UD_N, (UD_BASE + w[i][0]) * 3600.0, (UD_BASE + w[i][1]) * 3600.0);
	/* the inputs end inside a day: a window ending there reads that day's
	 * summaries, one ending before it the day's hours */
	struct flow_hour late = ud_row(UD_N);
	bool known = true;
	CHECK_INT(store_flow_save_hours(st, run, "ud-late", &late, 1, &known, &e), 0);
	static const double w2[][2] = { { 5, 101 }, { 30, 101.5 }, { 48, 150 }, { 72, 99 }, { 80, 101 } };
	for (size_t i = 0; i < ARRAY_SIZE(w2); i++)
		ud_check(st, UD_BASE + 30, UD_N + 1, (UD_BASE + w2[i][0]) * 3600.0,
			 (UD_BASE + w2[i][1]) * 3600.0);
	store_close(st);
	cleanup(path);
}

/* The host's use over the first 96 hours: the ud rows' and n times the
 * late row's. */
static void late_use(struct store *st, const struct flow_hour *late, int n)
{
	struct flow_use u = { 0 }, want;
	struct use_got g = { 0 };
	struct dm_err e = { "" };
	CHECK_INT(store_flow_host_use(st, UD_BASE * 3600.0, (UD_BASE + 96) * 3600.0, keep_use_row, &g, &e),
		  0);
	ud_want(0, late->host.v4, 0, 0, UD_N, UD_BASE, UD_BASE + 96, &want);
	for (size_t j = 0; j < g.n; j++)
		if (g.v[j].host.v4 == late->host.v4) u = g.v[j];
	CHECK(u.flows == want.flows + n * late->flows &&
	      u.bytes == want.bytes + n * (late->bytes_up + late->bytes_down));
}

/* PostgreSQL appends the day rows of each input (schema 39) and folds a
 * day to a row a key once a saved hour lies two past its end: the sums
 * read are the same before the fold (several rows a key) and after (one);
 * SQLite keeps a row a key all along. Inputs of one hour each, in order,
 * as a sensor saves them. */
static void flow_day_folded(void)
{
	char path[256];
	dbpath(path, sizeof(path), "dayfold");
	struct store *st;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	int64_t run;
	CHECK_INT(store_run_begin(st, "collect", "", 100, &run, &e), 0);
	for (int hour = 0; hour < 96; hour++) {
		struct flow_hour v[UD_N];
		size_t n = 0;
		for (int i = 0; i < UD_N; i++)
			if (ud_row(i).hour == UD_BASE + hour) v[n++] = ud_row(i);
		if (!n) continue;
		char digest[16];
		snprintf(digest, sizeof(digest), "h%d", hour);
		bool known = true;
		CHECK_INT(store_flow_save_hours(st, run, digest, v, n, &known, &e), 0);
	}
	static const double w[][2] = { { 0, 96 }, { 5, 50 }, { 24, 72 }, { 47, 49 }, { 72, 96 }, { 0, 200 } };
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		ud_check(st, 0, UD_N, (UD_BASE + w[i][0]) * 3600.0, (UD_BASE + w[i][1]) * 3600.0);
	/* rows beyond a row a key: none in the folded days 0-2; the last day,
	 * not closed yet, has its keys' rows of several hours */
	const char *extra_sql =
	    "SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT scope, host, port,"
	    " proto, peer FROM flow_day WHERE day = %d) AS k) FROM flow_day WHERE day = %d";
	char sql[256], t[32];
	for (int d = 0; d < 4; d++) {
		snprintf(sql, sizeof(sql), extra_sql, UD_BASE / 24 + d, UD_BASE / 24 + d);
		CHECK_INT(test_db_text(path, sql, sql, t, sizeof(t)), 0);
		if (d < 3 || !test_db_pg())
			CHECK_STR(t, "0");
		else
			CHECK(atoi(t) > 0);
	}
	/* an input of hour 100 (2 hours past the last day's end + 2) folds it:
	 * the same sums, a row a key */
	struct flow_hour late = ud_row(UD_N);
	bool known = true;
	CHECK_INT(store_flow_save_hours(st, run, "late", &late, 1, &known, &e), 0);
	snprintf(sql, sizeof(sql), extra_sql, UD_BASE / 24 + 3, UD_BASE / 24 + 3);
	CHECK_INT(test_db_text(path, sql, sql, t, sizeof(t)), 0);
	CHECK_STR(t, "0");
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		ud_check(st, 0, UD_N + 1, (UD_BASE + w[i][0]) * 3600.0, (UD_BASE + w[i][1]) * 3600.0);
	/* a late input of a folded day (a key it has) and its replay on a
	 * second handle (a late sensor): appended and summed, the day unmarked,
	 * and folded again, a row a key, by the next save that closes a day */
	struct flow_hour again = ud_row(9); /* hour 63, counted in the host's use */
	CHECK_INT(store_flow_save_hours(st, run, "again", &again, 1, &known, &e), 0);
	struct store *late_sensor = NULL;
	CHECK_INT(store_open(path, &late_sensor, &e), 0);
	if (!late_sensor) return;
	CHECK_INT(store_flow_save_hours(late_sensor, run, "again2", &again, 1, &known, &e), 0);
	snprintf(sql, sizeof(sql), extra_sql, UD_BASE / 24 + 2, UD_BASE / 24 + 2);
	CHECK_INT(test_db_text(path, sql, sql, t, sizeof(t)), 0);
	if (test_db_pg())
		CHECK(atoi(t) >= 2);
	else
		CHECK_STR(t, "0");
	late_use(st, &again, 2);        /* the sums, before it is folded again */
	struct flow_hour later = again; /* day 5, outside the windows read below */
	later.hour = UD_BASE + 120;
	CHECK_INT(store_flow_save_hours(late_sensor, run, "later", &later, 1, &known, &e), 0);
	store_close(late_sensor);
	CHECK_INT(test_db_text(path, sql, sql, t, sizeof(t)), 0);
	CHECK_STR(t, "0");
	if (test_db_pg()) {
		snprintf(sql, sizeof(sql), "SELECT obj_description('flow_day_d%d'::regclass, 'pg_class')",
			 UD_BASE / 24 + 2);
		CHECK_INT(test_db_text(path, sql, sql, t, sizeof(t)), 0);
		CHECK_STR(t, "dormant: folded");
	}
	late_use(st, &again, 2);
	store_close(st);
	cleanup(path);
}

static int count_rows(void *ctx, const struct vuln_info *v)
{
	(void)v;
	++*(int *)ctx;
	return 0;
}

/* Schema 33 has an index imported before it given its briefs again by the
 * next import (index.briefs pending); a store without an index is left be. */
static void vuln_briefs_redone(void)
{
	char path[256], empty[256];
	dbpath(path, sizeof(path), "briefs33");
	dbpath(empty, sizeof(empty), "briefs33e");
	struct store *st;
	struct dm_err e = { "" };
	struct vuln_product prod = { .vendor = "openbsd", .product = "openssh" };
	struct vuln_cve cve = { .num = 2024000003LL,
				.modified = "2026-01-01T00:00:00.000",
				.cvss = 7.5,
				.source = "nvd",
				.configs = "cfg",
				.products = &prod,
				.n_products = 1 };
	enum vuln_change ch;
	CHECK_INT(store_open(path, &st, &e), 0);
	CHECK_INT(store_vuln_begin(st, &e), 0);
	CHECK_INT(store_vuln_put_cve(st, &cve, &ch, &e), 0);
	CHECK_INT(store_vuln_meta_set(st, "index.briefs", "done", &e), 0);
	CHECK_INT(store_vuln_end(st, true, &e), 0);
	store_close(st);
	CHECK_INT(store_open(empty, &st, &e), 0);
	store_close(st);
	/* on PostgreSQL both names are the one test database: no empty store */
	int n_stores = test_db_pg() ? 1 : 2;
	for (int i = 0; i < n_stores; i++)
		CHECK_INT(test_db_exec(
			      i ? empty : path,
			      "ALTER TABLE asset_idents DROP COLUMN mdns_name;"
			      " ALTER TABLE asset_idents DROP COLUMN dns_name;" FINDINGS_PATH_DROP
			      " PRAGMA user_version=32",
			      "ALTER TABLE asset_idents DROP COLUMN IF EXISTS mdns_name;"
			      " ALTER TABLE asset_idents DROP COLUMN IF EXISTS dns_name;"
			      " ALTER TABLE findings DROP COLUMN IF EXISTS path;"
			      " DROP TABLE IF EXISTS stream_state; UPDATE dormant_schema SET version = 32"),
			  0);
	char v[16] = "";
	CHECK_INT(store_open(path, &st, &e), 0);
	CHECK_INT(store_vuln_meta_get(st, "index.briefs", v, sizeof(v), &e), 1);
	CHECK_STR(v, "pending");
	int n = 0;
	CHECK_INT(store_vuln_by_product(st, "openbsd", "openssh", NULL, count_rows, &n, &e), 1);
	CHECK_INT(n, 1);
	store_close(st);
	if (n_stores == 2) {
		CHECK_INT(store_open(empty, &st, &e), 0);
		CHECK_INT(store_vuln_meta_get(st, "index.briefs", v, sizeof(v), &e), 0);
		store_close(st);
	}
	cleanup(path);
	cleanup(empty);
}

/* A stream's hour (schema 38): its findings, its state and its run's end
 * land together, the state comes back byte for byte (zero bytes and high
 * bits included) per source and site, a later hour replaces it, and a
 * failed save leaves neither the findings nor the state. */
static void stream_state_kept(void)
{
	char path[256];
	dbpath(path, sizeof(path), "stream");
	struct store *st;
	struct dm_err e;
	CHECK_INT(store_open(path, &st, &e), 0);
	int64_t run, run2;
	CHECK_INT(store_run_begin(st, "collect", "watch collect c", 100, &run, &e), 0);
	struct findings fs = { 0 };
	struct finding f = { .rule = "beacon", .severity = SEV_MEDIUM, .title = "t" };
	findings_add(&fs, &f);
	unsigned char blob[300];
	for (size_t i = 0; i < sizeof(blob); i++) blob[i] = (unsigned char)(i * 37);
	struct stream_state_row row = { 1, 1794787200.5, run, blob, sizeof(blob) }, back;
	CHECK_INT(store_stream_state_load(st, "watch collect c", &back, &e), 0);
	CHECK_INT(store_stream_hour_save(st, run, &fs, "watch collect c", &row, 200, &e), 0);
	CHECK_INT(store_stream_state_load(st, "watch collect c", &back, &e), 1);
	CHECK_INT(back.format, 1);
	CHECK(back.clock == row.clock && back.run == run && back.n == sizeof(blob));
	CHECK(back.data && !memcmp(back.data, blob, sizeof(blob)));
	free(back.data);
	struct run_info ri;
	CHECK_INT(store_run_get(st, run, &ri, &e), 0);
	CHECK_STR(ri.status, "done");
	struct findings got = { 0 };
	CHECK_INT(store_load_findings(st, run, &got, &e), 0);
	CHECK_INT(got.n, 1);
	findings_release(&got);
	CHECK_INT(store_stream_state_load(st, "watch collect other", &back, &e), 0);
	/* the next hour replaces it; a run that is not there fails the save whole */
	CHECK_INT(store_run_begin(st, "collect", "watch collect c", 300, &run2, &e), 0);
	row.run = run2, row.n = 7, row.clock = 1794790800;
	CHECK_INT(store_stream_hour_save(st, run2, &fs, "watch collect c", &row, 400, &e), 0);
	CHECK_INT(store_stream_state_load(st, "watch collect c", &back, &e), 1);
	CHECK(back.n == 7 && back.run == run2 && back.clock == 1794790800);
	free(back.data);
	store_close(st);
	/* another site's watcher on the same store has its own */
	CHECK_INT(store_open(path, &st, &e), 0);
	CHECK_INT(store_set_site(st, "branch", &e), 0);
	CHECK_INT(store_stream_state_load(st, "watch collect c", &back, &e), 0);
	store_close(st);
	CHECK_INT(store_open(path, &st, &e), 0);
	CHECK_INT(
	    test_db_exec(path,
			 "CREATE TRIGGER no_end BEFORE UPDATE ON runs BEGIN SELECT RAISE(ABORT, 'no'); END",
			 "CREATE FUNCTION no_end() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no'; END $$"
			 " LANGUAGE plpgsql; CREATE TRIGGER no_end BEFORE UPDATE ON runs FOR EACH ROW EXECUTE"
			 " FUNCTION no_end()"),
	    0);
	int64_t run3;
	CHECK_INT(store_run_begin(st, "collect", "watch collect c", 500, &run3, &e), 0);
	row.run = run3, row.n = 9;
	CHECK(store_stream_hour_save(st, run3, &fs, "watch collect c", &row, 600, &e) < 0);
	CHECK_INT(store_stream_state_load(st, "watch collect c", &back, &e), 1);
	CHECK(back.n == 7 && back.run == run2); /* the state before */
	free(back.data);
	CHECK_INT(store_load_findings(st, run3, &got, &e), 0);
	CHECK_INT(got.n, 0); /* nor its findings */
	findings_release(&got);
	findings_release(&fs);
	store_close(st);
	cleanup(path);
}

/* Flow summaries held in one transaction (store_flow_hold_begin, the hours
 * of a file judged on the stream): the holding handle sees each save at
 * once, others only once committed; a save that fails inside undoes itself
 * alone; an end without commit undoes the lot. PostgreSQL holds none: each
 * save is its own, as before. */
static void flow_summaries_held(void)
{
	char path[256];
	dbpath(path, sizeof(path), "hold");
	struct store *st, *other;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	CHECK_INT(store_open(path, &other, &e), 0);
	CHECK_INT(test_db_exec(path,
			       "CREATE TRIGGER no_x BEFORE INSERT ON flow_hour WHEN NEW.names = 'x'"
			       " BEGIN SELECT RAISE(ABORT, 'no x'); END",
			       "CREATE FUNCTION no_x() RETURNS trigger AS $$ BEGIN IF NEW.names = 'x' THEN"
			       " RAISE EXCEPTION 'no x'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;"
			       " CREATE TRIGGER no_x BEFORE INSERT ON flow_hour FOR EACH ROW EXECUTE"
			       " FUNCTION no_x()"),
		  0);
	int64_t run;
	CHECK_INT(store_run_begin(st, "flows", "x", 100, &run, &e), 0);
	struct flow_hour h = { .hour = 500000,
			       .host = ipaddr_v4(0xc612000a),
			       .peer = ipaddr_v4(0x08080808),
			       .port = 443,
			       .proto = 6,
			       .flows = 3,
			       .bytes_up = 100 };
	bool pg = test_db_pg(), known = true;
	double first = 0, last = 0;
	CHECK_INT(store_flow_hold_begin(st, &e), pg ? 0 : 1);
	CHECK_INT(store_flow_save_hours(st, run, "hour-1", &h, 1, &known, &e), 0);
	CHECK(!known);
	h.hour++;
	CHECK_INT(store_flow_save_hours(st, run, "hour-2", &h, 1, &known, &e), 0);
	CHECK_INT(store_flow_save_hours(st, run, "hour-2", &h, 1, &known, &e), 0);
	CHECK(known); /* an input saved in the hold is known in it */
	CHECK_INT(store_flow_coverage(st, &first, &last, &e), 1);
	CHECK(first == 500000 * 3600.0 && last == 500002 * 3600.0);
	CHECK_INT(store_flow_coverage(other, &first, &last, &e), pg ? 1 : 0); /* not committed yet */
	CHECK_INT(store_flow_hold_end(st, true, &e), 0);
	CHECK_INT(store_flow_coverage(other, &first, &last, &e), 1);
	CHECK(first == 500000 * 3600.0 && last == 500002 * 3600.0);
	uint64_t flows = 0;
	CHECK_INT(store_flow_host_use(other, 0, 600000 * 3600.0, count_flows, &flows, &e), 0);
	CHECK(flows == 6);
	CHECK_INT(store_flow_hold_end(st, true, &e), 0); /* none held: nothing to do */
	/* a save that fails while held says so; the holder ends without
	 * commit and what was held is undone (PostgreSQL: the failed save alone) */
	CHECK_INT(store_flow_hold_begin(st, &e), pg ? 0 : 1);
	h.hour++;
	CHECK_INT(store_flow_save_hours(st, run, "hour-3", &h, 1, &known, &e), 0);
	h.hour++;
	snprintf(h.names, sizeof(h.names), "x");
	CHECK_INT(store_flow_save_hours(st, run, "hour-4", &h, 1, &known, &e), DM_ESTORE);
	CHECK(strstr(e.msg, "flow summaries") && strstr(e.msg, "no x"));
	CHECK_INT(store_flow_hold_end(st, false, &e), 0);
	CHECK_INT(store_flow_coverage(other, &first, &last, &e), 1);
	CHECK(last == (pg ? 500003 : 500002) * 3600.0);
	h.names[0] = 0;
	CHECK_INT(store_flow_save_hours(st, run, "hour-4", &h, 1, &known, &e), 0);
	CHECK(!known); /* its failed save left no mark */
	CHECK_INT(store_flow_coverage(other, &first, &last, &e), 1);
	CHECK(last == 500004 * 3600.0);
	store_close(other);
	store_close(st);
	cleanup(path);
}

SUITE(suite_store, "store", T(store_round_trip), T(not_a_database), T(errors_name_store_and_operation),
      T(run_coverage_kept), T(existing_mode_creates_nothing), T(second_open_keeps_locks),
      T(caveats_vuln_age_and_round_trip), T(every_kind_round_trip), T(retention),
      T(store_flow_input_keys_summed), T(flow_use_by_day), T(flow_day_folded), T(vuln_briefs_redone),
      T(stream_state_kept), T(flow_summaries_held));

/* store/: schema, file mode, round trip of a run, history across runs. */
#include "test.h"
#include "store/store.h"
#include "pipeline/pipeline.h"
#include "pipeline/run-caveats.h"
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void dbpath(char *buf, size_t n, const char *tag)
{
	snprintf(buf, n, "/tmp/dormant-unit-%d/%s/x.db", (int)getpid(), tag);
}

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
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
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
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, "SELECT port, first_run, last_run FROM ports ORDER BY port", -1, &q, NULL);
	int rows = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int port = sqlite3_column_int(q, 0), first = sqlite3_column_int(q, 1),
		    last = sqlite3_column_int(q, 2);
		if (port == 22) CHECK(first == run1 && last == run2);
		if (port == 80) CHECK(first == run1 && last == run1);
		if (port == 443) CHECK(first == run2 && last == run2);
		rows++;
	}
	CHECK_INT(rows, 3);
	sqlite3_finalize(q);
	sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL);
	sqlite3_close(db);
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
	sqlite3 *db;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "DROP TABLE findings; DROP TABLE service_obs", NULL, NULL, NULL),
		  SQLITE_OK);
	sqlite3_close(db);
	struct findings fs = { 0 };
	struct finding f = { .rule = "idle-host", .severity = SEV_LOW, .title = "t" };
	findings_add(&fs, &f);
	e.msg[0] = 0;
	CHECK_INT(store_save_findings(st, run, &fs, &e), DM_ESTORE);
	CHECK(strstr(e.msg, "--db ") && strstr(e.msg, path));
	CHECK(strstr(e.msg, "saving findings") && strstr(e.msg, "no such table: findings"));
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
	sqlite3 *db;
	sqlite3_open(path, &db);
	CHECK_INT(
	    sqlite3_exec(
		db,
		"DROP TABLE run_caveats; DROP TABLE run_coverage; ALTER TABLE service_obs DROP COLUMN source;"
		" DROP TABLE external_obs; DROP TABLE exposure_imports; ALTER TABLE inventory DROP COLUMN "
		"public_ip;"
		" PRAGMA user_version=8",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
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
	sqlite3_open(path, &db);
	CHECK_INT(sqlite3_exec(db, "UPDATE run_coverage SET ports = 'T:0-'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
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
	CHECK_INT(store_open_mode(path, STORE_EXISTING, &st, &e), -ENOENT);
	CHECK(strstr(e.msg, path) != NULL);
	struct stat sb;
	CHECK(stat(dir, &sb) < 0);
	CHECK_INT(store_open(path, &st, &e), 0);
	store_close(st);
	CHECK_INT(store_open_mode(path, STORE_EXISTING, &st, &e), 0);
	store_close(st);
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

SUITE(suite_store, "store", T(store_round_trip), T(not_a_database), T(errors_name_store_and_operation),
      T(run_coverage_kept), T(existing_mode_creates_nothing), T(caveats_vuln_age_and_round_trip));

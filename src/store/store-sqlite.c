/* SQLite backend of the store: WAL journal, 0600 file, schema migrations
 * keyed by PRAGMA user_version. SQLite errors are mapped here only. */
#include "store/sqlite-internal.h"
#include "base/log.h"
#include "base/owner.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "net/route.h"
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

/* Each entry moves the schema from version i to i+1; never edit a shipped one. */
static const char *const migrations[] = {
	/* 1: runs, assets, ports and what each run observed */
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, args TEXT NOT NULL DEFAULT '',"
	"  started REAL NOT NULL, finished REAL, status TEXT NOT NULL DEFAULT 'running');"
	"CREATE TABLE assets ("
	"  id INTEGER PRIMARY KEY, ip TEXT NOT NULL UNIQUE, mac TEXT, hostname TEXT,"
	"  first_seen REAL NOT NULL, last_seen REAL NOT NULL, first_run INTEGER, last_run INTEGER);"
	"CREATE TABLE host_obs ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id), asset_id INTEGER NOT NULL REFERENCES assets(id),"
	"  how TEXT NOT NULL, reason TEXT, mac TEXT, ttl INTEGER, ts REAL NOT NULL,"
	"  closed INTEGER NOT NULL DEFAULT 0, filtered INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (run_id, asset_id));"
	"CREATE TABLE ports ("
	"  id INTEGER PRIMARY KEY, asset_id INTEGER NOT NULL REFERENCES assets(id),"
	"  proto TEXT NOT NULL, port INTEGER NOT NULL, state TEXT NOT NULL,"
	"  first_seen REAL NOT NULL, last_seen REAL NOT NULL, first_run INTEGER, last_run INTEGER,"
	"  UNIQUE (asset_id, proto, port));"
	"CREATE TABLE port_obs ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id), asset_id INTEGER NOT NULL REFERENCES assets(id),"
	"  proto TEXT NOT NULL, port INTEGER NOT NULL, state TEXT NOT NULL, reason TEXT, ttl INTEGER, ts "
	"REAL NOT NULL,"
	"  PRIMARY KEY (run_id, asset_id, proto, port));"
	"CREATE INDEX port_obs_run ON port_obs(run_id);",
	/* 2: services identified on ports */
	"CREATE TABLE services ("
	"  id INTEGER PRIMARY KEY, asset_id INTEGER NOT NULL REFERENCES assets(id),"
	"  proto TEXT NOT NULL, port INTEGER NOT NULL, name TEXT NOT NULL, vendor TEXT, product TEXT,"
	"  version TEXT, version_update TEXT, cpe TEXT, device TEXT,"
	"  first_seen REAL NOT NULL, last_seen REAL NOT NULL, first_run INTEGER, last_run INTEGER,"
	"  UNIQUE (asset_id, proto, port));"
	"CREATE TABLE service_obs ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id), asset_id INTEGER NOT NULL REFERENCES assets(id),"
	"  proto TEXT NOT NULL, port INTEGER NOT NULL, name TEXT NOT NULL, vendor TEXT, product TEXT,"
	"  version TEXT, version_update TEXT, cpe TEXT, device TEXT, os TEXT, banner TEXT, info TEXT,"
	"  anonymous INTEGER NOT NULL DEFAULT 0, tls_versions INTEGER, tls_tested INTEGER, tls_subject TEXT,"
	"  tls_issuer TEXT, tls_not_before REAL, tls_not_after REAL, tls_self_signed INTEGER, tls_expired "
	"INTEGER,"
	"  tls_sha256 TEXT, ts REAL NOT NULL,"
	"  PRIMARY KEY (run_id, asset_id, proto, port));",
	/* 3: the MAC vendor of an asset (IEEE registry) */
	"ALTER TABLE assets ADD COLUMN vendor TEXT;",
	/* 4: vulnerability data (NVD, CVE 5, KEV, EPSS) and findings */
	"CREATE TABLE vuln_cve ("
	"  id INTEGER PRIMARY KEY, published TEXT, modified TEXT, status TEXT, summary TEXT, cvss REAL,"
	"  cvss_version TEXT, cvss_vector TEXT, severity TEXT, exploit_ref INTEGER NOT NULL DEFAULT 0, "
	"kev_added TEXT,"
	"  source TEXT NOT NULL, configs TEXT NOT NULL DEFAULT '', products TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE vuln_product ("
	"  vendor TEXT NOT NULL, product TEXT NOT NULL, cve INTEGER NOT NULL, PRIMARY KEY (vendor, product, "
	"cve)) WITHOUT ROWID;"
	"CREATE TABLE vuln_kev ("
	"  cve INTEGER PRIMARY KEY, vendor TEXT, product TEXT, name TEXT, date_added TEXT, due_date TEXT, "
	"action TEXT,"
	"  ransomware INTEGER NOT NULL DEFAULT 0, notes TEXT);"
	"CREATE TABLE vuln_epss (cve INTEGER PRIMARY KEY, epss REAL NOT NULL, percentile REAL NOT NULL);"
	"CREATE TABLE vuln_meta (key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE findings ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id), rule TEXT NOT NULL, severity TEXT NOT NULL, "
	"confidence TEXT,"
	"  score REAL, ip TEXT, port INTEGER, proto TEXT, title TEXT NOT NULL, evidence TEXT, remediation "
	"TEXT,"
	"  first_seen REAL, last_seen REAL);"
	"CREATE INDEX findings_run ON findings(run_id);"
	"CREATE INDEX findings_key ON findings(rule, ip, port, proto);",
	/* 5: hourly flow summaries per internal host, peer and service port;
	 * inputs already summarised, so the same capture is not counted twice */
	"CREATE TABLE flow_hour ("
	"  host TEXT NOT NULL, hour INTEGER NOT NULL, peer TEXT NOT NULL, port INTEGER NOT NULL, proto "
	"INTEGER NOT NULL,"
	"  inbound INTEGER NOT NULL, background INTEGER NOT NULL, peer_internal INTEGER NOT NULL,"
	"  flows INTEGER NOT NULL, bytes_up INTEGER NOT NULL, bytes_down INTEGER NOT NULL,"
	"  pkts_up INTEGER NOT NULL, pkts_down INTEGER NOT NULL, names TEXT, country TEXT, last_run INTEGER,"
	"  PRIMARY KEY (host, hour, peer, port, proto, inbound)) WITHOUT ROWID;"
	"CREATE TABLE flow_input (digest TEXT PRIMARY KEY, run_id INTEGER, first REAL, last REAL, flows "
	"INTEGER);",
	/* 6: the asset register, replaced as a whole by each import */
	"CREATE TABLE inventory ("
	"  ip TEXT PRIMARY KEY, mac TEXT, hostname TEXT, owner TEXT, role TEXT, status TEXT NOT NULL,"
	"  expires REAL, line INTEGER, source TEXT, imported REAL NOT NULL);",
	/* 7: which process runs a run ("BOOT_ID:PID"), so that a run whose
	 * process is gone is marked interrupted */
	"ALTER TABLE runs ADD COLUMN owner TEXT;",
	/* 8: the key of the redaction tags (base/redact.h), made by load_redact_key.
	 * It lives in the store rather than in a file beside it: the database is
	 * already created 0600, a copy or backup of the store keeps its tags
	 * comparable, and there is no second file to lose, leave world-readable or
	 * pair with the wrong store. Whoever reads the store can test guesses
	 * against its tags, but the store holds nothing less redacted than the
	 * shared outputs do; the key protects those outputs. */
	"CREATE TABLE redact_key (id INTEGER PRIMARY KEY CHECK (id = 1), key BLOB NOT NULL CHECK "
	"(length(key) = 32));",
	/* 9 (run coverage): what each run covered, so that two runs are compared
	 * only where both looked (model/coverage.h): targets as ranges, ports per
	 * protocol, the checks that ran. A run from before has no row and is
	 * compared as stored, saying so. */
	"CREATE TABLE run_coverage (run_id INTEGER PRIMARY KEY REFERENCES runs(id), targets TEXT NOT NULL,"
	"  ports TEXT NOT NULL, checks TEXT NOT NULL);",
	/* 10: what each run could not judge (model/caveat.h), for the reports of a stored run */
	"CREATE TABLE run_caveats (run_id INTEGER NOT NULL REFERENCES runs(id), code TEXT NOT NULL,"
	"  text TEXT NOT NULL, PRIMARY KEY (run_id, code));",
	/* 11: which database and entry named a service ("nmap-service-probes:1234") */
	"ALTER TABLE service_obs ADD source TEXT;",
	/* 12: the web applications behind each HTTP(S) service a run observed
	 * (model/obs.h struct obs_webapp), in the service's order */
	"CREATE TABLE IF NOT EXISTS service_webapps (run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  asset_id INTEGER NOT NULL REFERENCES assets(id), proto TEXT NOT NULL, port INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL, name TEXT NOT NULL, version TEXT, cpe TEXT, source TEXT NOT NULL,"
	"  PRIMARY KEY (run_id, asset_id, proto, port, idx));",
	/* 13 (distro): the distributions' verdicts per release, source package
	 * and CVE (Debian's tracker, Ubuntu's CVE data, Red Hat's VEX), and the
	 * version each release ships, which tells a release from a version */
	"CREATE TABLE IF NOT EXISTS distro_fix (distro TEXT NOT NULL, release TEXT NOT NULL, package TEXT "
	"NOT NULL,"
	"  cve INTEGER NOT NULL, status TEXT NOT NULL, fixed_version TEXT, urgency TEXT,"
	"  PRIMARY KEY (distro, package, release, cve)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS distro_pkg (distro TEXT NOT NULL, release TEXT NOT NULL, package TEXT "
	"NOT NULL,"
	"  version TEXT NOT NULL, PRIMARY KEY (distro, package, release)) WITHOUT ROWID;",
	/* 14 (passive): the TLS judgement of a service (its key, the weak suite
	 * classes it accepted, whether its chain leads to a system root), and
	 * the services seen in traffic rather than probed (when first). New
	 * tables only, IF NOT EXISTS: a store re-migrated from an older
	 * user_version takes it again. */
	"CREATE TABLE IF NOT EXISTS service_obs_tls ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id), asset_id INTEGER NOT NULL REFERENCES assets(id),"
	"  proto TEXT NOT NULL, port INTEGER NOT NULL, key_type TEXT, key_bits INTEGER, weak INTEGER NOT "
	"NULL,"
	"  weak_tested INTEGER NOT NULL, chain INTEGER NOT NULL, chain_error TEXT,"
	"  PRIMARY KEY (run_id, asset_id, proto, port));"
	"CREATE TABLE IF NOT EXISTS service_obs_passive ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id), asset_id INTEGER NOT NULL REFERENCES assets(id),"
	"  proto TEXT NOT NULL, port INTEGER NOT NULL, first_seen REAL,"
	"  PRIMARY KEY (run_id, asset_id, proto, port));",
	/* 15 (exposure): what mapping platforms indexed of our public addresses,
	 * one row per (platform, address, port, transport, time indexed) so that
	 * importing an export twice adds nothing; each import is a row of its
	 * own. The register gains the public (NAT) address of an asset. */
	"CREATE TABLE exposure_imports (id INTEGER PRIMARY KEY, file TEXT NOT NULL, platform TEXT NOT NULL,"
	"  imported REAL NOT NULL, records INTEGER NOT NULL, added INTEGER NOT NULL);"
	"CREATE TABLE external_obs (platform TEXT NOT NULL, ip TEXT NOT NULL, port INTEGER NOT NULL,"
	"  proto TEXT NOT NULL, service TEXT, product TEXT, version TEXT, cpe TEXT, indexed REAL NOT NULL,"
	"  hostnames TEXT, file TEXT, line INTEGER, import_id INTEGER REFERENCES exposure_imports(id),"
	"  PRIMARY KEY (platform, ip, port, proto, indexed));"
	"ALTER TABLE inventory ADD COLUMN public_ip TEXT;",
	/* 16 (life): findings with a life (model/finding-life.h), one row per
	 * identity across runs, with the hand-made changes (ack, suppress,
	 * notes) beside it; and the alert outbox, one row per (change, channel)
	 * written in the transaction of the change, each holding a copy of the
	 * finding as it was so that a late delivery says what was true then.
	 * New tables only, IF NOT EXISTS. */
	"CREATE TABLE IF NOT EXISTS finding_life (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	"  site TEXT NOT NULL, rule TEXT NOT NULL, ip TEXT, port INTEGER NOT NULL DEFAULT 0, proto TEXT,"
	"  path TEXT, state INTEGER NOT NULL, severity INTEGER NOT NULL, peak INTEGER NOT NULL,"
	"  title TEXT NOT NULL, evidence TEXT, remediation TEXT, first_seen REAL, last_seen REAL,"
	"  changed REAL NOT NULL, first_run INTEGER, last_run INTEGER, changes INTEGER NOT NULL DEFAULT 0,"
	"  ack_until REAL NOT NULL DEFAULT 0, suppressed INTEGER NOT NULL DEFAULT 0,"
	"  suppress_until REAL NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS finding_life_open ON finding_life(site, state);"
	"CREATE TABLE IF NOT EXISTS finding_notes (id INTEGER PRIMARY KEY,"
	"  finding INTEGER NOT NULL REFERENCES finding_life(id), at REAL NOT NULL, action TEXT NOT NULL,"
	"  who TEXT NOT NULL, why TEXT NOT NULL DEFAULT '', until REAL NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS alert_outbox (id INTEGER PRIMARY KEY, channel TEXT NOT NULL,"
	"  key TEXT NOT NULL, event TEXT NOT NULL, finding INTEGER NOT NULL REFERENCES finding_life(id),"
	"  run INTEGER, created REAL NOT NULL, state TEXT NOT NULL, site TEXT NOT NULL, rule TEXT NOT NULL,"
	"  severity INTEGER NOT NULL, ip TEXT, port INTEGER NOT NULL DEFAULT 0, proto TEXT, path TEXT,"
	"  title TEXT NOT NULL, evidence TEXT, remediation TEXT, first_seen REAL, last_seen REAL,"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_try REAL NOT NULL DEFAULT 0, sending INTEGER NOT NULL"
	"  DEFAULT 0, delivered REAL, error TEXT, UNIQUE (channel, key));"
	"CREATE INDEX IF NOT EXISTS alert_outbox_pending ON alert_outbox(channel, delivered, id);",
	/* 17 edge (issue 23): the internet gateways a run read (UPnP IGD, NAT-PMP)
	 * and their port mappings; the earliest run holding a mapping gives its
	 * age. New tables only, IF NOT EXISTS. */
	"CREATE TABLE IF NOT EXISTS edge_gateways (run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  idx INTEGER NOT NULL, method TEXT NOT NULL, addr TEXT NOT NULL, url TEXT, service TEXT,"
	"  name TEXT, public_ip TEXT, open TEXT NOT NULL, open_detail TEXT, n_maps INTEGER NOT NULL,"
	"  truncated INTEGER NOT NULL, read_at REAL NOT NULL, PRIMARY KEY (run_id, idx));"
	"CREATE TABLE IF NOT EXISTS edge_mappings (run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  gw INTEGER NOT NULL, ext_port INTEGER NOT NULL, proto TEXT NOT NULL, internal TEXT NOT NULL,"
	"  int_port INTEGER NOT NULL, description TEXT, remote_host TEXT, enabled INTEGER NOT NULL,"
	"  lease INTEGER NOT NULL, seen REAL NOT NULL);"
	"CREATE INDEX IF NOT EXISTS edge_mappings_run ON edge_mappings(run_id);",
	/* 18 netdev (issue 24): what routers and switches said over SNMP, per run
	 * like a scan: one row per device walk, then its tables */
	"CREATE TABLE IF NOT EXISTS netdev_walks (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL"
	"  REFERENCES runs(id), device TEXT NOT NULL, address TEXT NOT NULL, started REAL NOT NULL,"
	"  finished REAL NOT NULL, sys_descr TEXT, sys_object_id TEXT, sys_name TEXT, uptime INTEGER,"
	"  complete INTEGER NOT NULL, error TEXT);"
	"CREATE INDEX IF NOT EXISTS netdev_walks_device ON netdev_walks(device, started);"
	"CREATE TABLE IF NOT EXISTS netdev_ports (walk_id INTEGER NOT NULL REFERENCES netdev_walks(id),"
	"  ifindex INTEGER NOT NULL, name TEXT, alias TEXT, type INTEGER, admin INTEGER, oper INTEGER,"
	"  speed INTEGER, last_change INTEGER, in_octets INTEGER, out_octets INTEGER, in_pkts INTEGER,"
	"  out_pkts INTEGER, bridge_port INTEGER, pvid INTEGER, PRIMARY KEY (walk_id, ifindex));"
	"CREATE TABLE IF NOT EXISTS netdev_arp (walk_id INTEGER NOT NULL REFERENCES netdev_walks(id),"
	"  ifindex INTEGER, ip TEXT NOT NULL, mac TEXT NOT NULL, type INTEGER);"
	"CREATE TABLE IF NOT EXISTS netdev_fdb (walk_id INTEGER NOT NULL REFERENCES netdev_walks(id),"
	"  mac TEXT NOT NULL, vlan INTEGER, bridge_port INTEGER, ifindex INTEGER, status INTEGER);"
	"CREATE TABLE IF NOT EXISTS netdev_lldp (walk_id INTEGER NOT NULL REFERENCES netdev_walks(id),"
	"  local_port INTEGER, chassis TEXT, port_id TEXT, port_desc TEXT, sys_name TEXT);",
	/* 19 (vulndb layout): each CVE's configurations again, packed
	 * (vuln/config.h), in a table of their own: matching reads a product's
	 * candidates from narrow rows with no parsing, not from the CVE rows,
	 * whose descriptions and references come first (a chain of overflow
	 * pages to walk for every candidate). A CVE of an older import has none
	 * and is matched from its text. */
	"CREATE TABLE IF NOT EXISTS vuln_cfg (id INTEGER PRIMARY KEY, packed BLOB NOT NULL);",
	/* 20 (sensors): which sensor (--sensor NAME) ran each run, and the
	 * sensors known with their first and last contact and last run */
	"CREATE TABLE IF NOT EXISTS sensors (name TEXT PRIMARY KEY, first_seen REAL NOT NULL,"
	"  last_seen REAL NOT NULL, last_run INTEGER);"
	"ALTER TABLE runs ADD COLUMN sensor TEXT;",
	/* 21 (netdev identity, issue 24): what each walked device is (sysDescr
	 * and ENTITY-MIB through the fingerprints) and its CDP neighbours */
	"CREATE TABLE IF NOT EXISTS netdev_ident (walk_id INTEGER PRIMARY KEY REFERENCES"
	"  netdev_walks(id), vendor TEXT, product TEXT, version TEXT, cpe TEXT, model TEXT);"
	"CREATE TABLE IF NOT EXISTS netdev_cdp (walk_id INTEGER NOT NULL REFERENCES netdev_walks(id),"
	"  ifindex INTEGER, device_id TEXT, port_id TEXT, platform TEXT, address TEXT);",
	/* 22 (issue 21): who suppressed a finding, a person or the config's
	 * allowlist ("config FILE [allow NAME]"), which a run may lift */
	"ALTER TABLE finding_life ADD COLUMN suppress_by TEXT NOT NULL DEFAULT '';",
	/* 23 (asset identity, issue 22): what each run saw of a live host that
	 * outlasts its address (model/identity.h): its MAC, whether that MAC is
	 * locally administered, its host name; key is the identity it is
	 * followed by ('' none), so a key's rows are its address history */
	"CREATE TABLE IF NOT EXISTS asset_idents (run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  ip TEXT NOT NULL, key TEXT NOT NULL DEFAULT '', mac TEXT NOT NULL DEFAULT '',"
	"  mac_local INTEGER NOT NULL DEFAULT 0, hostname TEXT NOT NULL DEFAULT '',"
	"  mac_from TEXT NOT NULL DEFAULT '', name_from TEXT NOT NULL DEFAULT '', seen REAL NOT NULL,"
	"  PRIMARY KEY (run_id, ip));"
	"CREATE INDEX IF NOT EXISTS asset_idents_key ON asset_idents(key, seen);",
	/* 24 (vulndb matching, issue 20): a CVE's own scores beside its packed
	 * configurations, so a CVE that applies costs no second lookup into
	 * vuln_cve (its row is mostly description and text). scored is NULL in
	 * the rows of an older import, which are read as before. */
	"ALTER TABLE vuln_cfg ADD COLUMN scored INTEGER;"
	"ALTER TABLE vuln_cfg ADD COLUMN cvss REAL;"
	"ALTER TABLE vuln_cfg ADD COLUMN cvss_version TEXT;"
	"ALTER TABLE vuln_cfg ADD COLUMN severity TEXT;"
	"ALTER TABLE vuln_cfg ADD COLUMN exploit_ref INTEGER;"
	"ALTER TABLE vuln_cfg ADD COLUMN kev_added TEXT;",
	/* 25 (issue 21): the outbox also carries a watch job's host and port
	 * changes (host-new, port-opened ...), which are no finding: finding
	 * may be NULL, and service names the port's service. SQLite cannot
	 * drop a NOT NULL, so the table is made again with its rows. */
	"ALTER TABLE alert_outbox RENAME TO alert_outbox_v22;"
	"CREATE TABLE alert_outbox (id INTEGER PRIMARY KEY, channel TEXT NOT NULL,"
	"  key TEXT NOT NULL, event TEXT NOT NULL, finding INTEGER REFERENCES finding_life(id),"
	"  run INTEGER, created REAL NOT NULL, state TEXT NOT NULL, site TEXT NOT NULL, rule TEXT NOT NULL,"
	"  severity INTEGER NOT NULL, ip TEXT, port INTEGER NOT NULL DEFAULT 0, proto TEXT, path TEXT,"
	"  title TEXT NOT NULL, evidence TEXT, remediation TEXT, first_seen REAL, last_seen REAL,"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_try REAL NOT NULL DEFAULT 0, sending INTEGER NOT NULL"
	"  DEFAULT 0, delivered REAL, error TEXT, service TEXT, UNIQUE (channel, key));"
	"INSERT INTO alert_outbox (id, channel, key, event, finding, run, created, state, site, rule,"
	"  severity, ip, port, proto, path, title, evidence, remediation, first_seen, last_seen, attempts,"
	"  next_try, sending, delivered, error) SELECT id, channel, key, event, finding, run, created,"
	"  state, site, rule, severity, ip, port, proto, path, title, evidence, remediation, first_seen,"
	"  last_seen, attempts, next_try, sending, delivered, error FROM alert_outbox_v22;"
	"DROP TABLE alert_outbox_v22;"
	"CREATE INDEX IF NOT EXISTS alert_outbox_pending ON alert_outbox(channel, delivered, id);",
	/* 26 (sites, issue 22): each run observes one site (--site, else the
	 * config's [site] name, else 'default'); an asset and a register row are
	 * a site's address, so the same 10.0.0.5 at two sites is two assets.
	 * The tables are made again (SQLite cannot drop a UNIQUE), ids kept so
	 * the observations still point at their asset; what was stored before
	 * is site 'default'. Migrations run with foreign keys off for this.
	 * PostgreSQL alters the constraints instead (store-pg-schema.c). */
	"ALTER TABLE runs ADD COLUMN site TEXT NOT NULL DEFAULT 'default';"
	"CREATE TABLE assets_by_site (id INTEGER PRIMARY KEY, ip TEXT NOT NULL, mac TEXT, hostname TEXT,"
	"  first_seen REAL NOT NULL, last_seen REAL NOT NULL, first_run INTEGER, last_run INTEGER,"
	"  vendor TEXT, site TEXT NOT NULL DEFAULT 'default', UNIQUE (site, ip));"
	"INSERT INTO assets_by_site(id, ip, mac, hostname, first_seen, last_seen, first_run, last_run, "
	"vendor)"
	"  SELECT id, ip, mac, hostname, first_seen, last_seen, first_run, last_run, vendor FROM assets;"
	"DROP TABLE assets;"
	"ALTER TABLE assets_by_site RENAME TO assets;"
	"CREATE TABLE inventory_by_site (ip TEXT NOT NULL, mac TEXT, hostname TEXT, owner TEXT, role TEXT,"
	"  status TEXT NOT NULL, expires REAL, line INTEGER, source TEXT, imported REAL NOT NULL,"
	"  public_ip TEXT, site TEXT NOT NULL DEFAULT 'default', PRIMARY KEY (site, ip));"
	"INSERT INTO inventory_by_site(ip, mac, hostname, owner, role, status, expires, line, source,"
	"  imported, public_ip) SELECT ip, mac, hostname, owner, role, status, expires, line, source,"
	"  imported, public_ip FROM inventory;"
	"DROP TABLE inventory;"
	"ALTER TABLE inventory_by_site RENAME TO inventory;",
	/* 27 (run groups, issue 22): n sensors scan the shards of one seeded
	 * order into one logical run (--run-group ID with --shard I/N) */
	"ALTER TABLE runs ADD COLUMN run_group TEXT;"
	"ALTER TABLE runs ADD COLUMN shard INTEGER;"
	"ALTER TABLE runs ADD COLUMN shards INTEGER;"
	"CREATE INDEX IF NOT EXISTS runs_group ON runs(run_group);",
	/* 28 (sites, issue 22): an identity row is its run's site's, so a key's
	 * address history never crosses sites (the same MAC in two sites'
	 * overlapping 10.x is two devices' histories); the rows stored before
	 * take their run's site */
	"ALTER TABLE asset_idents ADD COLUMN site TEXT NOT NULL DEFAULT 'default';"
	"UPDATE asset_idents SET site = COALESCE((SELECT site FROM runs WHERE runs.id ="
	"  asset_idents.run_id), 'default');"
	"DROP INDEX IF EXISTS asset_idents_key;"
	"CREATE INDEX IF NOT EXISTS asset_idents_site_key ON asset_idents(site, key, seen);",
	/* 29 (asset identity, issue 22): the TLS certificate a host presents
	 * (SHA-256, hex), which follows a host with no MAC and no name */
	"ALTER TABLE asset_idents ADD COLUMN cert TEXT NOT NULL DEFAULT '';",
	/* 30 (asset identity, issue 22): the service fingerprints that follow
	 * a device across addresses, an SNMPv3 agent's engine ID (hex) and the
	 * SSH host key's SHA-256 ("SHA256:" base64) */
	"ALTER TABLE asset_idents ADD COLUMN snmp_engine TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE asset_idents ADD COLUMN ssh_key TEXT NOT NULL DEFAULT '';",
};

int sq_fail(struct store *s, struct dm_err *e, const char *what)
{
	return dm_fail(e, DM_ESTORE, "--db %s: %s: %s", s->path, what, sqlite3_errmsg(SQ(s)->db));
}

static const char *sq_row_text(const struct store_row *r, int col)
{
	return (const char *)sqlite3_column_text((sqlite3_stmt *)r->h, col);
}

static int64_t sq_row_i64(const struct store_row *r, int col)
{
	return sqlite3_column_int64((sqlite3_stmt *)r->h, col);
}

static double sq_row_dbl(const struct store_row *r, int col)
{
	return sqlite3_column_double((sqlite3_stmt *)r->h, col);
}

struct store_row sq_row(sqlite3_stmt *st)
{
	static const struct store_row_ops ops = { sq_row_text, sq_row_i64, sq_row_dbl };
	return (struct store_row){ .ops = &ops, .h = st };
}

int sq_exec(struct store *s, const char *sql, const char *what, struct dm_err *e)
{
	char *msg = NULL;
	if (sqlite3_exec(SQ(s)->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		dm_fail(e, DM_ESTORE, "--db %s: %s: %s", s->path, what,
			msg ? msg : sqlite3_errmsg(SQ(s)->db));
		sqlite3_free(msg);
		return DM_ESTORE;
	}
	return 0;
}

static int mkdirs(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	char *slash = strrchr(buf, '/');
	if (!slash || slash == buf) return 0;
	*slash = 0;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/') continue;
		*p = 0;
		if (mkdir(buf, 0700) < 0 && errno != EEXIST) return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST) return -errno;
	return 0;
}

static void sq_close(struct store *s)
{
	struct sq_conn *q = SQ(s);
	if (!q) return;
	for (size_t i = 0; i < ARRAY_SIZE(q->vuln_stmts); i++) sqlite3_finalize(q->vuln_stmts[i]);
	for (size_t i = 0; i < ARRAY_SIZE(q->distro_stmts); i++) sqlite3_finalize(q->distro_stmts[i]);
	sqlite3_close(q->db);
	free(q);
	s->be = NULL;
}

static void reap_runs(struct store *s, const char *path);

/* Reads the store's redaction key, first making it from getrandom when the
 * store has none (a new store, or one from before schema 8). INSERT OR
 * IGNORE: of two processes opening a new store at once, the first key wins
 * and both read it. */
static int load_redact_key(struct store *s, const char *path, struct dm_err *e)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(SQ(s)->db, "SELECT key FROM redact_key WHERE id = 1", -1, &st, NULL) !=
		    SQLITE_OK)
			return dm_fail(e, DM_ESTORE, "--db %s: reading the redaction key: %s", path,
				       sqlite3_errmsg(SQ(s)->db));
		bool found = false;
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == REDACT_KEY_LEN) {
			memcpy(SQ(s)->redact_key, sqlite3_column_blob(st, 0), REDACT_KEY_LEN);
			found = true;
		}
		sqlite3_finalize(st);
		if (found) return 0;
		if (attempt) break;
		unsigned char k[REDACT_KEY_LEN];
		if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k))
			return dm_fail(e, -errno, "--db %s: no random bytes for the redaction key: %s", path,
				       strerror(errno));
		if (sqlite3_prepare_v2(SQ(s)->db, "INSERT OR IGNORE INTO redact_key(id, key) VALUES (1, ?)",
				       -1, &st, NULL) != SQLITE_OK)
			return dm_fail(e, DM_ESTORE, "--db %s: storing the redaction key: %s", path,
				       sqlite3_errmsg(SQ(s)->db));
		sqlite3_bind_blob(st, 1, k, sizeof(k), SQLITE_TRANSIENT);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		memset(k, 0, sizeof(k));
		if (rc != SQLITE_DONE)
			return dm_fail(e, DM_ESTORE, "--db %s: storing the redaction key: %s", path,
				       sqlite3_errmsg(SQ(s)->db));
	}
	return dm_fail(e, DM_ESTORE, "--db %s: the redaction key is damaged (not %d bytes)", path,
		       REDACT_KEY_LEN);
}

static const unsigned char *sq_redact_key(struct store *s) { return SQ(s)->redact_key; }

static int sq_open(struct store *s, struct dm_err *e)
{
	const char *path = s->path;
	bool create = s->mode == STORE_CREATE;
	int r = 0;
	if (!create) {
		struct stat sb;
		if (stat(path, &sb) < 0)
			return dm_fail(e, -errno, "--db %s: %s (nothing has been recorded there yet)", path,
				       strerror(errno));
	} else if ((r = mkdirs(path)) < 0) {
		return dm_fail(e, r, "--db %s: cannot create its folder: %s", path, strerror(-r));
	} else {
		/* Create the file 0600 before SQLite does; its -wal/-shm files copy
		 * the mode. Only when it is not there: a close() of a file another
		 * connection of this process has open drops the process's POSIX
		 * locks on it, and another process's last close then deletes the
		 * -wal and -shm under it (its commits unseen until it closed). */
		struct stat sb;
		int fd = stat(path, &sb) < 0 && errno == ENOENT
			     ? open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
			     : -2;
		if (fd == -1 && errno != EEXIST)
			return dm_fail(e, -errno, "--db %s: %s", path, strerror(errno));
		if (fd >= 0) close(fd);
	}
	s->be = xcalloc(1, sizeof(struct sq_conn));
	if (sqlite3_open_v2(path, &SQ(s)->db,
			    SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		r = dm_fail(e, DM_ESTORE, "--db %s: %s", path, sqlite3_errmsg(SQ(s)->db));
		sq_close(s);
		return r;
	}
	sqlite3_busy_timeout(SQ(s)->db, 10000);
	sqlite3_stmt *st = NULL;
	int version = 0;
	/* The version first: a file that is not a store is left as it was. */
	if (sqlite3_prepare_v2(SQ(s)->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		r = dm_fail(e, DM_ESTORE, "--db %s: not a usable SQLite database: %s", path,
			    sqlite3_errmsg(SQ(s)->db));
		sqlite3_finalize(st);
		sq_close(s);
		return r;
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version == 0 && !create) {
		sq_close(s);
		return dm_fail(e, DM_EINPUT, "--db %s: not a dormant store (no schema)", path);
	}
	/* temp_store: sorting never creates a file (after the privilege drop a
	 * seccomp filter may forbid it) */
	if (sq_exec(s,
		    "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
		    "PRAGMA temp_store=MEMORY;",
		    "setup", NULL) < 0) {
		r = dm_fail(e, DM_ESTORE, "--db %s: not a usable SQLite database: %s", path,
			    sqlite3_errmsg(SQ(s)->db));
		sq_close(s);
		return r;
	}
	if (version > (int)ARRAY_SIZE(migrations)) {
		sq_close(s);
		return dm_fail(e, DM_ESCHEMA,
			       "--db %s: schema version %d is newer than this dormant knows (%zu)", path,
			       version, ARRAY_SIZE(migrations));
	}
	/* foreign keys off while migrating (outside a transaction, where the
	 * pragma counts): schema 26 makes a parent table again, ids kept */
	if (version < (int)ARRAY_SIZE(migrations) && sq_exec(s, "PRAGMA foreign_keys=OFF", "setup", e) < 0) {
		sq_close(s);
		return DM_ESTORE;
	}
	for (int v = version; v < (int)ARRAY_SIZE(migrations); v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;", v + 1);
		char what[48];
		snprintf(what, sizeof(what), "migration to schema %d failed", v + 1);
		if (sq_exec(s, "BEGIN IMMEDIATE", what, e) < 0) {
			sq_close(s);
			return DM_ESTORE;
		}
		/* another process (sensors opening a new store at once) may have
		 * migrated while this one waited for the lock */
		int now = v;
		if (sqlite3_prepare_v2(SQ(s)->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			now = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (now > v) {
			if (sq_exec(s, "COMMIT", what, e) < 0) {
				sq_close(s);
				return DM_ESTORE;
			}
			v = now - 1;
			continue;
		}
		if (sq_exec(s, migrations[v], what, e) < 0 || sq_exec(s, pragma, what, e) < 0 ||
		    sq_exec(s, "COMMIT", what, e) < 0) {
			r = DM_ESTORE;
			sq_exec(s, "ROLLBACK", "rollback", NULL);
			sq_close(s);
			return r;
		}
	}
	if (sq_exec(s, "PRAGMA foreign_keys=ON", "setup", e) < 0) {
		sq_close(s);
		return DM_ESTORE;
	}
	if ((r = load_redact_key(s, path, e)) < 0) {
		sq_close(s);
		return r;
	}
	chmod(path, 0600);
	reap_runs(s, path);
	return 0;
}

static int sq_run_begin(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id,
			struct dm_err *e)
{
	sqlite3_stmt *st;
	char owner[96];
	owner_self(owner, sizeof(owner));
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "INSERT INTO runs(kind, args, started, owner, site) VALUES (?, ?, ?, ?, ?)",
			       -1, &st, NULL))
		return sq_fail(s, e, "starting a run");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, args, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, started);
	sqlite3_bind_text(st, 4, owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, store_site_name(s), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) return sq_fail(s, e, "starting a run");
	*ret_id = sqlite3_last_insert_rowid(SQ(s)->db);
	return 0;
}

static void fill_run(sqlite3_stmt *st, struct run_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->id = sqlite3_column_int64(st, 0);
	snprintf(ri->kind, sizeof(ri->kind), "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(ri->args, sizeof(ri->args), "%s", (const char *)sqlite3_column_text(st, 2));
	ri->started = sqlite3_column_double(st, 3);
	ri->finished = sqlite3_column_double(st, 4);
	snprintf(ri->status, sizeof(ri->status), "%s", (const char *)sqlite3_column_text(st, 5));
	ri->hosts_up = (uint64_t)sqlite3_column_int64(st, 6);
	ri->open_ports = (uint64_t)sqlite3_column_int64(st, 7);
	const char *site = (const char *)sqlite3_column_text(st, 8);
	snprintf(ri->site, sizeof(ri->site), "%s", site ? site : "default");
	const char *group = (const char *)sqlite3_column_text(st, 9);
	snprintf(ri->run_group, sizeof(ri->run_group), "%s", group ? group : "");
	ri->shard = (uint32_t)sqlite3_column_int64(st, 10);
	ri->shards = (uint32_t)sqlite3_column_int64(st, 11);
}

#define RUN_COLUMNS                                                                               \
	"SELECT id, kind, args, started, coalesce(finished, 0), status,"                          \
	" (SELECT count(*) FROM host_obs h WHERE h.run_id = runs.id AND h.how != 'none'),"        \
	" (SELECT count(*) FROM port_obs p WHERE p.run_id = runs.id AND p.state = 'open'), site," \
	" run_group, coalesce(shard, 0), coalesce(shards, 0) FROM runs"

static int sq_save_caveats(struct store *s, int64_t run, const struct caveats *cs, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	int r = sq_exec(s, "SAVEPOINT caveats", "saving the run's caveats", e);
	if (r < 0) return r;
	char del[96];
	snprintf(del, sizeof(del), "DELETE FROM run_caveats WHERE run_id = %lld", (long long)run);
	if ((r = sq_exec(s, del, "saving the run's caveats", e)) < 0) goto out;
	if (sqlite3_prepare_v2(SQ(s)->db, "INSERT INTO run_caveats(run_id, code, text) VALUES (?, ?, ?)", -1,
			       &st, NULL) != SQLITE_OK) {
		r = sq_fail(s, e, "saving the run's caveats");
		goto out;
	}
	for (size_t i = 0; i < cs->n && r == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, cs->v[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, cs->v[i].text, -1, SQLITE_STATIC);
		r = sq_done(s, st, "saving the run's caveats", e);
	}
out:
	sqlite3_finalize(st);
	if (r < 0) {
		sq_exec(s, "ROLLBACK TO caveats", "rollback", NULL);
		sq_exec(s, "RELEASE caveats", "rollback", NULL);
		return r;
	}
	return sq_exec(s, "RELEASE caveats", "saving the run's caveats", e);
}

static int sq_load_caveats(struct store *s, int64_t run, struct caveats *ret, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	*ret = (struct caveats){ 0 };
	/* in the order they were saved (the order run_caveats gives them) */
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT code, text FROM run_caveats WHERE run_id = ? ORDER BY rowid", -1, &st,
			       NULL) != SQLITE_OK)
		return sq_fail(s, e, "reading the run's caveats");
	sqlite3_bind_int64(st, 1, run);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0),
			   *text = (const char *)sqlite3_column_text(st, 1);
		caveats_add(ret, code ? code : "", "%s", text ? text : "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, e, "reading the run's caveats");
}

static int sq_run_get(struct store *s, int64_t id, struct run_info *ret, struct dm_err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(s)->db, RUN_COLUMNS " WHERE id = ?", -1, &st, NULL))
		return sq_fail(s, e, "reading a run");
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) fill_run(st, ret);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) return dm_fail(e, -ENOENT, "--db %s: no run %lld", s->path, (long long)id);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, e, "reading a run");
}

static int sq_runs_list(struct store *s, struct run_info **ret, size_t *ret_n, struct dm_err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(s)->db, RUN_COLUMNS " ORDER BY id", -1, &st, NULL))
		return sq_fail(s, e, "listing runs");
	size_t n = 0, cap = 0;
	struct run_info *v = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) v = xrealloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));
		fill_run(st, &v[n++]);
	}
	sqlite3_finalize(st);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* A run continued from its --resume log is this process's now. */
static int sq_run_resume(struct store *s, int64_t id, struct dm_err *e)
{
	sqlite3_stmt *st;
	char owner[96];
	owner_self(owner, sizeof(owner));
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "UPDATE runs SET status = 'running', finished = NULL, owner = ? WHERE id = ?",
			       -1, &st, NULL))
		return sq_fail(s, e, "resuming a run");
	sqlite3_bind_text(st, 1, owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, e, "resuming a run");
}

/* Runs still "running" whose process is gone (killed, crashed, the machine
 * went down) are marked interrupted, once, by whoever opens the store next.
 * What they saved is consistent: results and findings are written in one
 * transaction at the end, so an interrupted run has none. */
static void reap_runs(struct store *s, const char *path)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT id, kind, started, owner FROM runs WHERE status = 'running'", -1, &st,
			       NULL) ||
	    sqlite3_prepare_v2(SQ(s)->db,
			       "UPDATE runs SET status = 'interrupted' WHERE id = ? AND status = 'running'",
			       -1, &up, NULL)) {
		sqlite3_finalize(st);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *owner = (const char *)sqlite3_column_text(st, 3);
		if (owner_alive(owner)) continue;
		int64_t id = sqlite3_column_int64(st, 0);
		char when[40];
		fmt_rfc3339(sqlite3_column_double(st, 2), when, sizeof(when));
		sqlite3_bind_int64(up, 1, id);
		if (sqlite3_step(up) == SQLITE_DONE && sqlite3_changes(SQ(s)->db) == 1)
			log_warn("%s: run %lld (%s, started %s) was interrupted: its process is gone. Marked "
				 "interrupted; "
				 "it saved no results, reports and diffs skip it (a scan or audit given "
				 "--resume FILE "
				 "continues it)",
				 path, (long long)id, (const char *)sqlite3_column_text(st, 1), when);
		sqlite3_reset(up);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
}

/* The run's sensor, and the sensor's last contact. */
static int sq_sensor_note(struct store *s, int64_t run, const char *sensor, double when, struct dm_err *e)
{
	sqlite3_stmt *up = NULL, *reg = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(SQ(s)->db, "UPDATE runs SET sensor = ? WHERE id = ?", -1, &up, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT INTO sensors(name, first_seen, last_seen, last_run) VALUES (?1, ?2, ?2, ?3)"
		" ON CONFLICT(name) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen),"
		" last_run = excluded.last_run",
		-1, &reg, NULL)) {
		r = sq_fail(s, e, "registering the sensor");
	} else {
		sqlite3_bind_text(up, 1, sensor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(up, 2, run);
		sqlite3_bind_text(reg, 1, sensor, -1, SQLITE_STATIC);
		sqlite3_bind_double(reg, 2, when);
		sqlite3_bind_int64(reg, 3, run);
		if ((r = sq_done(s, up, "registering the sensor", e)) == 0)
			r = sq_done(s, reg, "registering the sensor", e);
	}
	sqlite3_finalize(up);
	sqlite3_finalize(reg);
	return r;
}

/* The run's place in its run group. */
static int sq_group_note(struct store *s, int64_t run, const char *group, unsigned shard, unsigned shards,
			 struct dm_err *e)
{
	sqlite3_stmt *up = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, "UPDATE runs SET run_group = ?, shard = ?, shards = ? WHERE id = ?",
			       -1, &up, NULL))
		return sq_fail(s, e, "noting the run group");
	sqlite3_bind_text(up, 1, group, -1, SQLITE_STATIC);
	sqlite3_bind_int64(up, 2, shard);
	sqlite3_bind_int64(up, 3, shards);
	sqlite3_bind_int64(up, 4, run);
	int r = sq_done(s, up, "noting the run group", e);
	sqlite3_finalize(up);
	return r;
}

static int sq_run_finish(struct store *s, int64_t id, const char *status, double finished, struct dm_err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(s)->db, "UPDATE runs SET status = ?, finished = ? WHERE id = ?", -1, &st,
			       NULL))
		return sq_fail(s, e, "finishing a run");
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, finished);
	sqlite3_bind_int64(st, 3, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, e, "finishing a run");
}

static int64_t upsert_asset(struct store *s, sqlite3_stmt *ins, sqlite3_stmt *sel, const char *ip,
			    const char *mac, const char *vendor, double ts, int64_t run)
{
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, ip, -1, SQLITE_TRANSIENT);
	if (mac)
		sqlite3_bind_text(ins, 2, mac, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(ins, 2);
	sqlite3_bind_double(ins, 3, ts);
	sqlite3_bind_int64(ins, 4, run);
	if (vendor && *vendor)
		sqlite3_bind_text(ins, 5, vendor, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(ins, 5);
	if (sqlite3_step(ins) != SQLITE_DONE) return -1;
	sqlite3_reset(sel);
	sqlite3_bind_text(sel, 1, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(sel, 2, run);
	int64_t id = sqlite3_step(sel) == SQLITE_ROW ? sqlite3_column_int64(sel, 0) : -1;
	(void)s;
	return id;
}

static int sq_save_results(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e)
{
	sqlite3_stmt *ins_asset = NULL, *sel_asset = NULL, *ins_host = NULL, *ins_pobs = NULL,
		     *up_port = NULL, *ins_sobs = NULL, *up_svc = NULL;
	int r = 0;
	if (sq_exec(s, "BEGIN IMMEDIATE", "saving results", e) < 0) return DM_ESTORE;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT INTO assets(ip, mac, first_seen, last_seen, first_run, last_run, vendor, site)"
		" VALUES (?1, ?2, ?3, ?3, ?4, ?4, ?5, (SELECT site FROM runs WHERE id = ?4))"
		" ON CONFLICT(site, ip) DO UPDATE SET mac = coalesce(excluded.mac, mac), vendor = "
		"coalesce(excluded.vendor, vendor),"
		" last_seen = max(last_seen, excluded.last_seen), last_run = max(last_run, "
		"excluded.last_run)",
		-1, &ins_asset, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT id FROM assets WHERE ip = ?1 AND site = (SELECT site FROM runs WHERE id = ?2)", -1,
		&sel_asset, NULL) ||
	    sqlite3_prepare_v2(SQ(s)->db,
			       "INSERT OR REPLACE INTO host_obs(run_id, asset_id, how, reason, mac, ttl, ts, "
			       "closed, filtered)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &ins_host, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT OR REPLACE INTO port_obs(run_id, asset_id, proto, port, state, reason, ttl, ts)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &ins_pobs, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT INTO ports(asset_id, proto, port, state, first_seen, last_seen, first_run, last_run)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?6) ON CONFLICT(asset_id, proto, port) DO UPDATE SET"
		" state = excluded.state, last_seen = max(last_seen, excluded.last_seen), last_run = "
		"excluded.last_run",
		-1, &up_port, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT OR REPLACE INTO service_obs(run_id, asset_id, proto, port, name, vendor, product, "
		"version,"
		" version_update, cpe, device, os, banner, info, anonymous, tls_versions, tls_tested, "
		"tls_subject,"
		" tls_issuer, tls_not_before, tls_not_after, tls_self_signed, tls_expired, tls_sha256, ts, "
		"source)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
		"?19, ?20,"
		" ?21, ?22, ?23, ?24, ?25, ?26)",
		-1, &ins_sobs, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT INTO services(asset_id, proto, port, name, vendor, product, version, version_update, "
		"cpe,"
		" device, first_seen, last_seen, first_run, last_run) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"?8, ?9, ?10,"
		" ?11, ?11, ?12, ?12) ON CONFLICT(asset_id, proto, port) DO UPDATE SET name = excluded.name,"
		" vendor = excluded.vendor, product = excluded.product, version = excluded.version,"
		" version_update = excluded.version_update, cpe = excluded.cpe, device = excluded.device,"
		" last_seen = max(last_seen, excluded.last_seen), last_run = excluded.last_run",
		-1, &up_svc, NULL)) {
		r = sq_fail(s, e, "saving results");
		goto out;
	}
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		/* a host seen only in traffic (passive services) is kept with them */
		if (!he->up && he->n_ports == 0 && he->n_svcs == 0) continue;
		char ip[IPADDR_STRLEN], mac[24];
		ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
		if (he->h.has_mac) mac_fmt(he->h.mac, mac, sizeof(mac));
		double ts = he->h.ts;
		for (size_t j = 0; j < he->n_ports; j++) ts = MAX(ts, he->ports[j].ts);
		for (size_t j = 0; j < he->n_svcs; j++) ts = MAX(ts, he->svcs[j].ts);
		int64_t aid = upsert_asset(s, ins_asset, sel_asset, ip, he->h.has_mac ? mac : NULL,
					   he->vendor, ts, run);
		if (aid < 0) {
			r = sq_fail(s, e, "saving results (assets)");
			goto out;
		}
		sqlite3_reset(ins_host);
		sqlite3_bind_int64(ins_host, 1, run);
		sqlite3_bind_int64(ins_host, 2, aid);
		sqlite3_bind_text(ins_host, 3, he->up ? host_how_name(he->h.how) : "none", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_host, 4, he->h.reason ? he->h.reason : "", -1, SQLITE_STATIC);
		if (he->h.has_mac)
			sqlite3_bind_text(ins_host, 5, mac, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins_host, 5);
		sqlite3_bind_int(ins_host, 6, he->h.ttl);
		sqlite3_bind_double(ins_host, 7, ts);
		sqlite3_bind_int64(ins_host, 8, (int64_t)he->closed);
		sqlite3_bind_int64(ins_host, 9, (int64_t)he->filtered);
		if (sqlite3_step(ins_host) != SQLITE_DONE) {
			r = sq_fail(s, e, "saving results (hosts)");
			goto out;
		}
		for (size_t j = 0; j < he->n_ports; j++) {
			const struct port_entry *pe = &he->ports[j];
			sqlite3_reset(ins_pobs);
			sqlite3_bind_int64(ins_pobs, 1, run);
			sqlite3_bind_int64(ins_pobs, 2, aid);
			sqlite3_bind_text(ins_pobs, 3, proto_name(pe->proto), -1, SQLITE_STATIC);
			sqlite3_bind_int(ins_pobs, 4, pe->port);
			sqlite3_bind_text(ins_pobs, 5, port_state_name(pe->state), -1, SQLITE_STATIC);
			sqlite3_bind_text(ins_pobs, 6, pe->reason ? pe->reason : "", -1, SQLITE_STATIC);
			sqlite3_bind_int(ins_pobs, 7, pe->ttl);
			sqlite3_bind_double(ins_pobs, 8, pe->ts);
			if (sqlite3_step(ins_pobs) != SQLITE_DONE) {
				r = sq_fail(s, e, "saving results (ports)");
				goto out;
			}
			sqlite3_reset(up_port);
			sqlite3_bind_int64(up_port, 1, aid);
			sqlite3_bind_text(up_port, 2, proto_name(pe->proto), -1, SQLITE_STATIC);
			sqlite3_bind_int(up_port, 3, pe->port);
			sqlite3_bind_text(up_port, 4, port_state_name(pe->state), -1, SQLITE_STATIC);
			sqlite3_bind_double(up_port, 5, pe->ts);
			sqlite3_bind_int64(up_port, 6, run);
			if (sqlite3_step(up_port) != SQLITE_DONE) {
				r = sq_fail(s, e, "saving results (ports)");
				goto out;
			}
		}
		for (size_t j = 0; j < he->n_svcs; j++) {
			const struct obs_service *sv = &he->svcs[j];
			const char *pr = proto_name(sv->proto);
			sqlite3_reset(ins_sobs);
			sqlite3_bind_int64(ins_sobs, 1, run);
			sqlite3_bind_int64(ins_sobs, 2, aid);
			sqlite3_bind_text(ins_sobs, 3, pr, -1, SQLITE_STATIC);
			sqlite3_bind_int(ins_sobs, 4, sv->port);
			const char *texts[] = { sv->name, sv->vendor, sv->product, sv->version, sv->update,
						sv->cpe,  sv->device, sv->os,      sv->banner,  sv->info };
			for (int k = 0; k < 10; k++)
				sqlite3_bind_text(ins_sobs, 5 + k, texts[k], -1, SQLITE_STATIC);
			sqlite3_bind_int(ins_sobs, 15, sv->anonymous);
			if (sv->tls.present) {
				sqlite3_bind_int(ins_sobs, 16, (int)sv->tls.versions);
				sqlite3_bind_int(ins_sobs, 17, (int)sv->tls.tested);
				sqlite3_bind_text(ins_sobs, 18, sv->tls.subject, -1, SQLITE_STATIC);
				sqlite3_bind_text(ins_sobs, 19, sv->tls.issuer, -1, SQLITE_STATIC);
				sqlite3_bind_double(ins_sobs, 20, sv->tls.not_before);
				sqlite3_bind_double(ins_sobs, 21, sv->tls.not_after);
				sqlite3_bind_int(ins_sobs, 22, sv->tls.self_signed);
				sqlite3_bind_int(ins_sobs, 23, sv->tls.expired);
				sqlite3_bind_text(ins_sobs, 24, sv->tls.sha256, -1, SQLITE_STATIC);
			} else {
				for (int k = 16; k <= 24; k++) sqlite3_bind_null(ins_sobs, k);
			}
			sqlite3_bind_double(ins_sobs, 25, sv->ts);
			sqlite3_bind_text(ins_sobs, 26, sv->source, -1, SQLITE_STATIC);
			sqlite3_reset(up_svc);
			sqlite3_bind_int64(up_svc, 1, aid);
			sqlite3_bind_text(up_svc, 2, pr, -1, SQLITE_STATIC);
			sqlite3_bind_int(up_svc, 3, sv->port);
			for (int k = 0; k < 7; k++)
				sqlite3_bind_text(up_svc, 4 + k, texts[k], -1, SQLITE_STATIC);
			sqlite3_bind_double(up_svc, 11, sv->ts);
			sqlite3_bind_int64(up_svc, 12, run);
			if (sqlite3_step(ins_sobs) != SQLITE_DONE || sqlite3_step(up_svc) != SQLITE_DONE) {
				r = sq_fail(s, e, "saving results (services)");
				goto out;
			}
			if ((r = sq_save_webapps(s, run, aid, sv, e)) < 0) goto out;
		}
	}
out:
	sqlite3_finalize(ins_asset);
	sqlite3_finalize(sel_asset);
	sqlite3_finalize(ins_host);
	sqlite3_finalize(ins_pobs);
	sqlite3_finalize(up_port);
	sqlite3_finalize(ins_sobs);
	sqlite3_finalize(up_svc);
	if (r == 0) r = sq_save_service_extras(s, run, rs, e);
	if (r < 0) {
		sq_exec(s, "ROLLBACK", "rollback", NULL);
		return r;
	}
	return sq_exec(s, "COMMIT", "saving results", e);
}

static int sq_load_results(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT a.ip, h.how, h.reason, h.mac, h.ttl, h.ts, h.closed, h.filtered, "
			       "a.vendor FROM host_obs h"
			       " JOIN assets a ON a.id = h.asset_id WHERE h.run_id = ?",
			       -1, &st, NULL))
		return sq_fail(s, e, "loading results");
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct obs_host h = { 0 };
		if (ipaddr_parse((const char *)sqlite3_column_text(st, 0), &h.ip) < 0) continue;
		h.how = host_how_parse((const char *)sqlite3_column_text(st, 1));
		h.reason = reason_intern((const char *)sqlite3_column_text(st, 2));
		const char *mac = (const char *)sqlite3_column_text(st, 3);
		h.has_mac = mac && mac_parse(mac, h.mac) == 0;
		h.ttl = (uint8_t)sqlite3_column_int(st, 4);
		h.ts = sqlite3_column_double(st, 5);
		struct host_entry *he = resultset_host(rs, &h.ip, true);
		if (h.how != HOW_NONE)
			resultset_add_host(rs, &h);
		else
			he->h = h;
		he->closed = (uint64_t)sqlite3_column_int64(st, 6);
		he->filtered = (uint64_t)sqlite3_column_int64(st, 7);
		const char *vendor = (const char *)sqlite3_column_text(st, 8);
		if (vendor) snprintf(he->vendor, sizeof(he->vendor), "%s", vendor);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT a.ip, p.proto, p.port, p.state, p.reason, p.ttl, p.ts FROM port_obs p"
			       " JOIN assets a ON a.id = p.asset_id WHERE p.run_id = ?",
			       -1, &st, NULL))
		return sq_fail(s, e, "loading results");
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct obs_port p = { 0 };
		if (ipaddr_parse((const char *)sqlite3_column_text(st, 0), &p.ip) < 0) continue;
		p.proto = strcmp((const char *)sqlite3_column_text(st, 1), "udp") ? PROTO_TCP : PROTO_UDP;
		p.port = (uint16_t)sqlite3_column_int(st, 2);
		p.state = port_state_parse((const char *)sqlite3_column_text(st, 3));
		p.reason = reason_intern((const char *)sqlite3_column_text(st, 4));
		p.ttl = (uint8_t)sqlite3_column_int(st, 5);
		p.ts = sqlite3_column_double(st, 6);
		if (p.state) resultset_add_port(rs, &p);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT a.ip, o.proto, o.port, o.name, o.vendor, o.product, o.version, o.version_update, "
		"o.cpe,"
		" o.device, o.os, o.banner, o.info, o.anonymous, o.tls_versions, o.tls_tested, o.tls_subject,"
		" o.tls_issuer, o.tls_not_before, o.tls_not_after, o.tls_self_signed, o.tls_expired, "
		"o.tls_sha256, o.ts, o.source"
		" FROM service_obs o JOIN assets a ON a.id = o.asset_id WHERE o.run_id = ?",
		-1, &st, NULL))
		return sq_fail(s, e, "loading results");
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct obs_service sv;
		memset(&sv, 0, sizeof(sv));
		if (ipaddr_parse((const char *)sqlite3_column_text(st, 0), &sv.ip) < 0) continue;
		sv.proto = strcmp((const char *)sqlite3_column_text(st, 1), "udp") ? PROTO_TCP : PROTO_UDP;
		sv.port = (uint16_t)sqlite3_column_int(st, 2);
		struct {
			char *dst;
			size_t n;
		} f[] = {
			{ sv.name, sizeof(sv.name) },       { sv.vendor, sizeof(sv.vendor) },
			{ sv.product, sizeof(sv.product) }, { sv.version, sizeof(sv.version) },
			{ sv.update, sizeof(sv.update) },   { sv.cpe, sizeof(sv.cpe) },
			{ sv.device, sizeof(sv.device) },   { sv.os, sizeof(sv.os) },
			{ sv.banner, sizeof(sv.banner) },   { sv.info, sizeof(sv.info) },
		};
		for (int k = 0; k < 10; k++) {
			const char *v = (const char *)sqlite3_column_text(st, 3 + k);
			snprintf(f[k].dst, f[k].n, "%s", v ? v : "");
		}
		sv.anonymous = sqlite3_column_int(st, 13);
		if (sqlite3_column_type(st, 14) != SQLITE_NULL) {
			sv.tls.present = true;
			sv.tls.versions = (unsigned)sqlite3_column_int(st, 14);
			sv.tls.tested = (unsigned)sqlite3_column_int(st, 15);
			snprintf(sv.tls.subject, sizeof(sv.tls.subject), "%s",
				 (const char *)sqlite3_column_text(st, 16));
			snprintf(sv.tls.issuer, sizeof(sv.tls.issuer), "%s",
				 (const char *)sqlite3_column_text(st, 17));
			sv.tls.not_before = sqlite3_column_double(st, 18);
			sv.tls.not_after = sqlite3_column_double(st, 19);
			sv.tls.self_signed = sqlite3_column_int(st, 20);
			sv.tls.expired = sqlite3_column_int(st, 21);
			snprintf(sv.tls.sha256, sizeof(sv.tls.sha256), "%s",
				 (const char *)sqlite3_column_text(st, 22));
		}
		sv.ts = sqlite3_column_double(st, 23);
		const char *src = (const char *)sqlite3_column_text(st, 24);
		snprintf(sv.source, sizeof(sv.source), "%s", src ? src : "");
		resultset_add_service(rs, &sv);
	}
	sqlite3_finalize(st);
	int r = sq_load_webapps(s, run, rs, e);
	return r < 0 ? r : sq_load_service_extras(s, run, rs, e);
}

static int sq_run_set_coverage(struct store *s, int64_t run, const struct coverage *c, struct dm_err *e)
{
	struct buf t = BUF_INIT, p = BUF_INIT, k = BUF_INIT;
	sqlite3_stmt *st;
	int r = 0;
	coverage_format(c, &t, &p, &k);
	if (buf_error(&t) || buf_error(&p) || buf_error(&k))
		r = dm_fail(e, DM_ETOOBIG, "--db %s: run %lld: its coverage is too long to store", s->path,
			    (long long)run);
	else if (sqlite3_prepare_v2(SQ(s)->db, "INSERT OR REPLACE INTO run_coverage VALUES (?, ?, ?, ?)", -1,
				    &st, NULL))
		r = sq_fail(s, e, "saving a run's coverage");
	else {
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, t.data, (int)t.len, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, p.data, (int)p.len, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, k.data, (int)k.len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) r = sq_fail(s, e, "saving a run's coverage");
		sqlite3_finalize(st);
	}
	buf_release(&t);
	buf_release(&p);
	buf_release(&k);
	return r;
}

static int sq_run_coverage(struct store *s, int64_t run, struct coverage *ret, struct dm_err *e)
{
	sqlite3_stmt *st;
	*ret = (struct coverage){ 0 };
	if (sqlite3_prepare_v2(SQ(s)->db, "SELECT targets, ports, checks FROM run_coverage WHERE run_id = ?",
			       -1, &st, NULL))
		return sq_fail(s, e, "reading a run's coverage");
	sqlite3_bind_int64(st, 1, run);
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW) {
		if (coverage_parse(ret, (const char *)sqlite3_column_text(st, 0),
				   (const char *)sqlite3_column_text(st, 1),
				   (const char *)sqlite3_column_text(st, 2)) < 0)
			log_warn("%s: run %lld: its stored coverage is damaged; it is compared as stored",
				 s->path, (long long)run);
		else
			r = 1;
	} else if (rc != SQLITE_DONE) {
		r = sq_fail(s, e, "reading a run's coverage");
	}
	sqlite3_finalize(st);
	return r;
}

/* In WAL mode a read transaction keeps the snapshot of its first read. */
static int sq_read_begin(struct store *s, struct dm_err *e)
{
	return sq_exec(s, "BEGIN DEFERRED; SELECT count(*) FROM runs;", "starting a read", e);
}

static int sq_read_end(struct store *s, struct dm_err *e) { return sq_exec(s, "COMMIT", "ending a read", e); }

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.run_begin = sq_run_begin,
	.run_get = sq_run_get,
	.run_finish = sq_run_finish,
	.sensor_note = sq_sensor_note,
	.group_note = sq_group_note,
	.run_resume = sq_run_resume,
	.save_results = sq_save_results,
	.load_results = sq_load_results,
	.runs_list = sq_runs_list,
	.run_set_coverage = sq_run_set_coverage,
	.run_coverage = sq_run_coverage,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	STORE_SQLITE_VULN_OPS STORE_SQLITE_FLOW_OPS STORE_SQLITE_INVENTORY_OPS STORE_SQLITE_EXPOSURE_OPS
	    STORE_SQLITE_LIFE_OPS STORE_SQLITE_EDGE_OPS STORE_SQLITE_NETDEV_OPS
		STORE_SQLITE_IDENT_OPS.redact_key = sq_redact_key,
	.save_caveats = sq_save_caveats,
	.load_caveats = sq_load_caveats,
	.retain = sq_retain,
	.sensors_list = sq_sensors_list,
};

const char *const *store_sqlite_migrations(size_t *n)
{
	*n = ARRAY_SIZE(migrations);
	return migrations;
}

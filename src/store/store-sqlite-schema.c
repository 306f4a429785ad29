/* The store's schema: SQLite's migrations, which PostgreSQL also runs
 * through store-pg-schema.c's translation. */
#include "store/store-backend.h"
#include "store/flow-day.h"
#include "base/util.h"

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
	/* 30 (vulndb matching, issue 20): beside a product index row, what
	 * decides its CVE for that product when the product's own criteria
	 * alone do (vuln/config.h vconfigs_brief), with the CVE's own scores
	 * (as vuln_cfg has them): most candidates are then told from the index
	 * rows, a few pages a product, not from a random vuln_cfg leaf each.
	 * brief is NULL in the rows of an older import (read as before) until
 * the next import gives them theirs (store_vuln_add_briefs). */
	"ALTER TABLE vuln_product ADD COLUMN brief BLOB;"
	"ALTER TABLE vuln_product ADD COLUMN cvss REAL;"
	"ALTER TABLE vuln_product ADD COLUMN cvss_version TEXT;"
	"ALTER TABLE vuln_product ADD COLUMN severity TEXT;"
	"ALTER TABLE vuln_product ADD COLUMN exploit_ref INTEGER;"
	"ALTER TABLE vuln_product ADD COLUMN kev_added TEXT;"
	"INSERT INTO vuln_meta(key, value) SELECT 'index.briefs', 'pending'"
	"  WHERE EXISTS (SELECT 1 FROM vuln_product);",
	/* 31 (issue 22): per-day flow summaries (store/flow-day.h), kept by
	 * each save; filled here from the hours stored before */
	"CREATE TABLE flow_day (day INTEGER NOT NULL, scope INTEGER NOT NULL, host TEXT NOT NULL,"
	"  port INTEGER NOT NULL, proto INTEGER NOT NULL, peer TEXT NOT NULL, last_hour INTEGER NOT NULL,"
	"  flows INTEGER NOT NULL, bytes INTEGER NOT NULL,"
	"  PRIMARY KEY (day, scope, host, port, proto, peer)) WITHOUT ROWID;" FLOW_DAY_FILL("") ";",
	/* 32 (asset identity, issue 22): the service fingerprints that follow
	 * a device across addresses, an SNMPv3 agent's engine ID (hex) and the
	 * SSH host key's SHA-256 ("SHA256:" base64) */
	"ALTER TABLE asset_idents ADD COLUMN snmp_engine TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE asset_idents ADD COLUMN ssh_key TEXT NOT NULL DEFAULT '';",
	/* 33 (vulndb matching, issue 20): briefs also for the configurations
	 * that AND a platform or negate (vconfigs_brief packs those whole): the
	 * next import gives an older index its new briefs, as for 30 */
	"DELETE FROM vuln_meta WHERE key = 'index.briefs';"
	"INSERT INTO vuln_meta(key, value) SELECT 'index.briefs', 'pending'"
	"  WHERE EXISTS (SELECT 1 FROM vuln_product);",
	/* 34 (asset identity, issue 22): the names the network gives a host,
	 * its mDNS responder's (label) and its reverse DNS (PTR) name */
	"ALTER TABLE asset_idents ADD COLUMN mdns_name TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE asset_idents ADD COLUMN dns_name TEXT NOT NULL DEFAULT '';",
	/* 35 (issue 22): PostgreSQL's flow_hour without its unique key, a save
	 * appends (store-pg-schema.c); SQLite keeps the key and its upsert */
	"SELECT 35;",
	/* 36 (sites, issue 22): the file a finding is about (plaintext-credentials
	 * of a `dormant secrets` run), so that a stored run's findings keep the
	 * identity their life gave them */
	"ALTER TABLE findings ADD COLUMN path TEXT;",
	/* 37 (issue 22): a report reads the use of its run's live hosts only
	 * (store_flow_host_use_of): their day rows by host, not every day's */
	"CREATE INDEX IF NOT EXISTS flow_day_host ON flow_day (host);",
	/* 38 (issue 21): the traffic stream's state across hours, per source
	 * and site, saved with each judged hour (store_stream_hour_save) */
	"CREATE TABLE stream_state (source TEXT NOT NULL, site TEXT NOT NULL, format INTEGER NOT NULL,"
	"  clock REAL NOT NULL, run_id INTEGER NOT NULL, saved REAL NOT NULL, state BLOB NOT NULL,"
	"  PRIMARY KEY (source, site)) WITHOUT ROWID;",
	/* 39 (issue 22): PostgreSQL's flow_day without its unique key, a save
	 * appends its day rows and a closed day is folded (store-pg-schema.c);
	 * SQLite keeps the key and its upsert */
	"SELECT 39;",
};

const char *const *store_sqlite_migrations(size_t *n)
{
	*n = ARRAY_SIZE(migrations);
	return migrations;
}

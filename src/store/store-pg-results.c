/* PostgreSQL backend: what a run observed (hosts, ports, services, their
 * web applications, TLS judgement and passive sightings), with the
 * assets, ports and services it updates: the SQLite backend's tables and
 * meaning (store-sqlite.c, -tls.c, -webapps.c), in one transaction. */
#include "store/pg-internal.h"
#include "base/util.h"
#include "model/resultset.h"
#include "net/route.h"
#include <stdio.h>
#include <string.h>

static int64_t upsert_asset(struct store *s, const char *ip, const char *mac, const char *vendor, double ts,
			    int64_t run, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, ip);
	pp_str(&p, mac);
	pp_dbl(&p, ts);
	pp_int(&p, run);
	pp_text(&p, vendor);
	PGresult *r =
	    pg_q(s,
		 "INSERT INTO assets(ip, mac, first_seen, last_seen, first_run, last_run, vendor, site)"
		 " VALUES ($1, $2, $3, $3, $4, $4, $5, (SELECT site FROM runs WHERE id = $4))"
		 " ON CONFLICT (site, ip) DO UPDATE SET"
		 " mac = coalesce(excluded.mac, assets.mac), vendor = coalesce(excluded.vendor, "
		 "assets.vendor), last_seen = greatest(assets.last_seen, excluded.last_seen),"
		 " last_run = greatest(assets.last_run, excluded.last_run) RETURNING id",
		 &p, "saving results (assets)", e);
	if (!r) return DM_ESTORE;
	int64_t id = pg_i64(r, 0, 0);
	PQclear(r);
	return id;
}

static int save_port(struct store *s, int64_t run, int64_t aid, const struct port_entry *pe, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, run);
	pp_int(&p, aid);
	pp_str(&p, proto_name(pe->proto));
	pp_int(&p, pe->port);
	pp_str(&p, port_state_name(pe->state));
	pp_str(&p, pe->reason ? pe->reason : "");
	pp_int(&p, pe->ttl);
	pp_dbl(&p, pe->ts);
	if (pg_cmd(s,
		   "INSERT INTO port_obs(run_id, asset_id, proto, port, state, reason, ttl, ts)"
		   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (run_id, asset_id, proto, port)"
		   " DO UPDATE SET state = excluded.state, reason = excluded.reason, ttl = excluded.ttl,"
		   " ts = excluded.ts",
		   &p, "saving results (ports)", e) < 0)
		return DM_ESTORE;
	struct pg_params q = { 0 };
	pp_int(&q, aid);
	pp_str(&q, proto_name(pe->proto));
	pp_int(&q, pe->port);
	pp_str(&q, port_state_name(pe->state));
	pp_dbl(&q, pe->ts);
	pp_int(&q, run);
	return pg_cmd(
	    s,
	    "INSERT INTO ports(asset_id, proto, port, state, first_seen, last_seen, first_run, last_run)"
	    " VALUES ($1, $2, $3, $4, $5, $5, $6, $6) ON CONFLICT (asset_id, proto, port) DO UPDATE SET"
	    " state = excluded.state, last_seen = greatest(ports.last_seen, excluded.last_seen),"
	    " last_run = excluded.last_run",
	    &q, "saving results (ports)", e);
}

static int save_webapps(struct store *s, int64_t run, int64_t aid, const struct obs_service *sv,
			struct dm_err *e)
{
	int r = 0;
	for (unsigned i = 0; i < sv->n_apps && i < OBS_MAX_APPS && r == 0; i++) {
		const struct obs_webapp *a = &sv->apps[i];
		struct pg_params p = { 0 };
		pp_int(&p, run);
		pp_int(&p, aid);
		pp_str(&p, proto_name(sv->proto));
		pp_int(&p, sv->port);
		pp_int(&p, i);
		pp_str(&p, a->name);
		pp_text(&p, a->version);
		pp_text(&p, a->cpe);
		pp_str(&p, a->source);
		r = pg_cmd(
		    s,
		    "INSERT INTO service_webapps(run_id, asset_id, proto, port, idx, name, version, cpe,"
		    " source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
		    " ON CONFLICT (run_id, asset_id, proto, port, idx) DO UPDATE SET name = excluded.name,"
		    " version = excluded.version, cpe = excluded.cpe, source = excluded.source",
		    &p, "saving results (web applications)", e);
	}
	return r;
}

/* schema 14: the TLS judgement and passive sighting of a service */
static int save_extras(struct store *s, int64_t run, int64_t aid, const struct obs_service *sv,
		       struct dm_err *e)
{
	const char *pr = proto_name(sv->proto);
	if (sv->passive) {
		struct pg_params p = { 0 };
		pp_int(&p, run);
		pp_int(&p, aid);
		pp_str(&p, pr);
		pp_int(&p, sv->port);
		pp_dbl(&p, sv->ts);
		if (pg_cmd(s,
			   "INSERT INTO service_obs_passive(run_id, asset_id, proto, port, first_seen)"
			   " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, asset_id, proto, port)"
			   " DO UPDATE SET first_seen = excluded.first_seen",
			   &p, "saving results (passive services)", e) < 0)
			return DM_ESTORE;
	}
	if (!sv->tls.present) return 0;
	struct pg_params p = { 0 };
	pp_int(&p, run);
	pp_int(&p, aid);
	pp_str(&p, pr);
	pp_int(&p, sv->port);
	pp_text(&p, sv->tls.key_type);
	pp_int(&p, sv->tls.key_bits);
	pp_int(&p, (int64_t)sv->tls.weak);
	pp_int(&p, (int64_t)sv->tls.weak_tested);
	pp_int(&p, sv->tls.chain);
	pp_text(&p, sv->tls.chain_error);
	return pg_cmd(
	    s,
	    "INSERT INTO service_obs_tls(run_id, asset_id, proto, port, key_type, key_bits, weak,"
	    " weak_tested, chain, chain_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
	    " ON CONFLICT (run_id, asset_id, proto, port) DO UPDATE SET key_type = excluded.key_type,"
	    " key_bits = excluded.key_bits, weak = excluded.weak, weak_tested = excluded.weak_tested,"
	    " chain = excluded.chain, chain_error = excluded.chain_error",
	    &p, "saving results (TLS)", e);
}

static int save_service(struct store *s, int64_t run, int64_t aid, const struct obs_service *sv,
			struct dm_err *e)
{
	const char *pr = proto_name(sv->proto);
	const char *texts[] = { sv->name, sv->vendor, sv->product, sv->version, sv->update,
				sv->cpe,  sv->device, sv->os,      sv->banner,  sv->info };
	struct pg_params p = { 0 };
	pp_int(&p, run);
	pp_int(&p, aid);
	pp_str(&p, pr);
	pp_int(&p, sv->port);
	for (int k = 0; k < 10; k++) pp_str(&p, texts[k]);
	pp_int(&p, sv->anonymous);
	if (sv->tls.present) {
		pp_int(&p, (int64_t)sv->tls.versions);
		pp_int(&p, (int64_t)sv->tls.tested);
		pp_str(&p, sv->tls.subject);
		pp_str(&p, sv->tls.issuer);
		pp_dbl(&p, sv->tls.not_before);
		pp_dbl(&p, sv->tls.not_after);
		pp_int(&p, sv->tls.self_signed);
		pp_int(&p, sv->tls.expired);
		pp_str(&p, sv->tls.sha256);
	} else {
		for (int k = 16; k <= 24; k++) pp_null(&p);
	}
	pp_dbl(&p, sv->ts);
	pp_str(&p, sv->source);
	if (pg_cmd(s,
		   "INSERT INTO service_obs(run_id, asset_id, proto, port, name, vendor, product, version,"
		   " version_update, cpe, device, os, banner, info, anonymous, tls_versions, tls_tested,"
		   " tls_subject, tls_issuer, tls_not_before, tls_not_after, tls_self_signed, tls_expired,"
		   " tls_sha256, ts, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
		   " $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)"
		   " ON CONFLICT (run_id, asset_id, proto, port) DO UPDATE SET name = excluded.name,"
		   " vendor = excluded.vendor, product = excluded.product, version = excluded.version,"
		   " version_update = excluded.version_update, cpe = excluded.cpe, device = excluded.device,"
		   " os = excluded.os, banner = excluded.banner, info = excluded.info,"
		   " anonymous = excluded.anonymous, tls_versions = excluded.tls_versions,"
		   " tls_tested = excluded.tls_tested, tls_subject = excluded.tls_subject,"
		   " tls_issuer = excluded.tls_issuer, tls_not_before = excluded.tls_not_before,"
		   " tls_not_after = excluded.tls_not_after, tls_self_signed = excluded.tls_self_signed,"
		   " tls_expired = excluded.tls_expired, tls_sha256 = excluded.tls_sha256, ts = excluded.ts,"
		   " source = excluded.source",
		   &p, "saving results (services)", e) < 0)
		return DM_ESTORE;
	struct pg_params q = { 0 };
	pp_int(&q, aid);
	pp_str(&q, pr);
	pp_int(&q, sv->port);
	for (int k = 0; k < 7; k++) pp_str(&q, texts[k]);
	pp_dbl(&q, sv->ts);
	pp_int(&q, run);
	if (pg_cmd(
		s,
		"INSERT INTO services(asset_id, proto, port, name, vendor, product, version, version_update,"
		" cpe, device, first_seen, last_seen, first_run, last_run) VALUES ($1, $2, $3, $4, $5, $6,"
		" $7, $8, $9, $10, $11, $11, $12, $12) ON CONFLICT (asset_id, proto, port) DO UPDATE SET"
		" name = excluded.name, vendor = excluded.vendor, product = excluded.product,"
		" version = excluded.version, version_update = excluded.version_update, cpe = excluded.cpe,"
		" device = excluded.device, last_seen = greatest(services.last_seen, excluded.last_seen),"
		" last_run = excluded.last_run",
		&q, "saving results (services)", e) < 0)
		return DM_ESTORE;
	int r = save_webapps(s, run, aid, sv, e);
	return r < 0 ? r : save_extras(s, run, aid, sv, e);
}

static int save_host(struct store *s, int64_t run, const struct host_entry *he, struct dm_err *e)
{
	char ip[IPADDR_STRLEN], mac[24];
	ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
	if (he->h.has_mac) mac_fmt(he->h.mac, mac, sizeof(mac));
	double ts = he->h.ts;
	for (size_t j = 0; j < he->n_ports; j++) ts = MAX(ts, he->ports[j].ts);
	for (size_t j = 0; j < he->n_svcs; j++) ts = MAX(ts, he->svcs[j].ts);
	int64_t aid = upsert_asset(s, ip, he->h.has_mac ? mac : NULL, he->vendor, ts, run, e);
	if (aid < 0) return (int)aid;
	struct pg_params p = { 0 };
	pp_int(&p, run);
	pp_int(&p, aid);
	pp_str(&p, he->up ? host_how_name(he->h.how) : "none");
	pp_str(&p, he->h.reason ? he->h.reason : "");
	pp_str(&p, he->h.has_mac ? mac : NULL);
	pp_int(&p, he->h.ttl);
	pp_dbl(&p, ts);
	pp_int(&p, (int64_t)he->closed);
	pp_int(&p, (int64_t)he->filtered);
	if (pg_cmd(s,
		   "INSERT INTO host_obs(run_id, asset_id, how, reason, mac, ttl, ts, closed, filtered)"
		   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (run_id, asset_id) DO UPDATE SET"
		   " how = excluded.how, reason = excluded.reason, mac = excluded.mac, ttl = excluded.ttl,"
		   " ts = excluded.ts, closed = excluded.closed, filtered = excluded.filtered",
		   &p, "saving results (hosts)", e) < 0)
		return DM_ESTORE;
	int r = 0;
	for (size_t j = 0; j < he->n_ports && r == 0; j++) r = save_port(s, run, aid, &he->ports[j], e);
	for (size_t j = 0; j < he->n_svcs && r == 0; j++) r = save_service(s, run, aid, &he->svcs[j], e);
	return r;
}

int pg_save_results(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e)
{
	int r = pg_begin(s, "saving results", e);
	for (size_t i = 0; i < rs->n_hosts && r == 0; i++) {
		const struct host_entry *he = &rs->hosts[i];
		/* a host seen only in traffic (passive services) is kept with them */
		if (!he->up && he->n_ports == 0 && he->n_svcs == 0) continue;
		r = save_host(s, run, he, e);
	}
	if (r < 0) {
		pg_rollback(s);
		return r;
	}
	return pg_commit(s, "saving results", e);
}

static enum proto proto_of(const char *v) { return v && !strcmp(v, "udp") ? PROTO_UDP : PROTO_TCP; }

static void copy(char *dst, size_t n, const char *v) { snprintf(dst, n, "%s", v ? v : ""); }

static int load_hosts(struct store *s, const struct pg_params *p, struct resultset *rs, struct dm_err *e)
{
	PGresult *r = pg_q(s,
			   "SELECT a.ip, h.how, h.reason, h.mac, h.ttl, h.ts, h.closed, h.filtered, a.vendor"
			   " FROM host_obs h JOIN assets a ON a.id = h.asset_id WHERE h.run_id = $1",
			   p, "loading results", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct obs_host h = { 0 };
		if (ipaddr_parse(PQgetvalue(r, i, 0), &h.ip) < 0) continue;
		h.how = host_how_parse(PQgetvalue(r, i, 1));
		h.reason = reason_intern(PQgetvalue(r, i, 2));
		const char *mac = pg_col(r, i, 3);
		h.has_mac = mac && mac_parse(mac, h.mac) == 0;
		h.ttl = (uint8_t)pg_i64(r, i, 4);
		h.ts = pg_dbl(r, i, 5);
		struct host_entry *he = resultset_host(rs, &h.ip, true);
		if (h.how != HOW_NONE)
			resultset_add_host(rs, &h);
		else
			he->h = h;
		he->closed = (uint64_t)pg_i64(r, i, 6);
		he->filtered = (uint64_t)pg_i64(r, i, 7);
		if (pg_col(r, i, 8)) copy(he->vendor, sizeof(he->vendor), pg_col(r, i, 8));
	}
	PQclear(r);
	r = pg_q(s,
		 "SELECT a.ip, p.proto, p.port, p.state, p.reason, p.ttl, p.ts FROM port_obs p"
		 " JOIN assets a ON a.id = p.asset_id WHERE p.run_id = $1",
		 p, "loading results", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct obs_port o = { 0 };
		if (ipaddr_parse(PQgetvalue(r, i, 0), &o.ip) < 0) continue;
		o.proto = proto_of(PQgetvalue(r, i, 1));
		o.port = (uint16_t)pg_i64(r, i, 2);
		o.state = port_state_parse(PQgetvalue(r, i, 3));
		o.reason = reason_intern(PQgetvalue(r, i, 4));
		o.ttl = (uint8_t)pg_i64(r, i, 5);
		o.ts = pg_dbl(r, i, 6);
		if (o.state) resultset_add_port(rs, &o);
	}
	PQclear(r);
	return 0;
}

static int load_services(struct store *s, const struct pg_params *p, struct resultset *rs, struct dm_err *e)
{
	PGresult *r = pg_q(s,
			   "SELECT a.ip, o.proto, o.port, o.name, o.vendor, o.product, o.version,"
			   " o.version_update, o.cpe, o.device, o.os, o.banner, o.info, o.anonymous,"
			   " o.tls_versions, o.tls_tested, o.tls_subject, o.tls_issuer, o.tls_not_before,"
			   " o.tls_not_after, o.tls_self_signed, o.tls_expired, o.tls_sha256, o.ts, o.source"
			   " FROM service_obs o JOIN assets a ON a.id = o.asset_id WHERE o.run_id = $1",
			   p, "loading results", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct obs_service sv;
		memset(&sv, 0, sizeof(sv));
		if (ipaddr_parse(PQgetvalue(r, i, 0), &sv.ip) < 0) continue;
		sv.proto = proto_of(PQgetvalue(r, i, 1));
		sv.port = (uint16_t)pg_i64(r, i, 2);
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
		for (int k = 0; k < 10; k++) copy(f[k].dst, f[k].n, pg_col(r, i, 3 + k));
		sv.anonymous = pg_i64(r, i, 13) != 0;
		if (pg_col(r, i, 14)) {
			sv.tls.present = true;
			sv.tls.versions = (unsigned)pg_i64(r, i, 14);
			sv.tls.tested = (unsigned)pg_i64(r, i, 15);
			copy(sv.tls.subject, sizeof(sv.tls.subject), pg_col(r, i, 16));
			copy(sv.tls.issuer, sizeof(sv.tls.issuer), pg_col(r, i, 17));
			sv.tls.not_before = pg_dbl(r, i, 18);
			sv.tls.not_after = pg_dbl(r, i, 19);
			sv.tls.self_signed = pg_i64(r, i, 20) != 0;
			sv.tls.expired = pg_i64(r, i, 21) != 0;
			copy(sv.tls.sha256, sizeof(sv.tls.sha256), pg_col(r, i, 22));
		}
		sv.ts = pg_dbl(r, i, 23);
		copy(sv.source, sizeof(sv.source), pg_col(r, i, 24));
		resultset_add_service(rs, &sv);
	}
	PQclear(r);
	return 0;
}

/* The loaded service a row's first three columns (ip, proto, port) name, or
 * NULL when its host or service was not loaded. */
static struct obs_service *row_service(struct resultset *rs, const PGresult *r, int i)
{
	struct ipaddr ip;
	if (ipaddr_parse(PQgetvalue(r, i, 0), &ip) < 0) return NULL;
	struct host_entry *he = resultset_host(rs, &ip, false);
	if (!he) return NULL;
	return (struct obs_service *)host_service(he, proto_of(PQgetvalue(r, i, 1)),
						  (uint16_t)pg_i64(r, i, 2));
}

static int load_webapps(struct store *s, const struct pg_params *p, struct resultset *rs, struct dm_err *e)
{
	PGresult *r =
	    pg_q(s,
		 "SELECT a.ip, w.proto, w.port, w.name, w.version, w.cpe, w.source FROM service_webapps w"
		 " JOIN assets a ON a.id = w.asset_id WHERE w.run_id = $1"
		 " ORDER BY w.asset_id, w.proto, w.port, w.idx",
		 p, "loading results (web applications)", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct obs_service *sv = row_service(rs, r, i);
		if (!sv || sv->n_apps >= OBS_MAX_APPS) continue;
		struct obs_webapp *a = &sv->apps[sv->n_apps++];
		copy(a->name, sizeof(a->name), pg_col(r, i, 3));
		copy(a->version, sizeof(a->version), pg_col(r, i, 4));
		copy(a->cpe, sizeof(a->cpe), pg_col(r, i, 5));
		copy(a->source, sizeof(a->source), pg_col(r, i, 6));
	}
	PQclear(r);
	return 0;
}

static int load_extras(struct store *s, const struct pg_params *p, struct resultset *rs, struct dm_err *e)
{
	PGresult *r =
	    pg_q(s,
		 "SELECT a.ip, o.proto, o.port, p.run_id IS NOT NULL, t.key_type, t.key_bits, t.weak,"
		 " t.weak_tested, t.chain, t.chain_error FROM service_obs o"
		 " JOIN assets a ON a.id = o.asset_id LEFT JOIN service_obs_tls t ON t.run_id = o.run_id"
		 " AND t.asset_id = o.asset_id AND t.proto = o.proto AND t.port = o.port"
		 " LEFT JOIN service_obs_passive p ON p.run_id = o.run_id AND p.asset_id = o.asset_id"
		 " AND p.proto = o.proto AND p.port = o.port"
		 " WHERE o.run_id = $1 AND (p.run_id IS NOT NULL OR t.run_id IS NOT NULL)",
		 p, "loading results (TLS)", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct obs_service *sv = row_service(rs, r, i);
		if (!sv) continue;
		sv->passive = pg_bool(r, i, 3);
		if (!pg_col(r, i, 5)) continue;
		copy(sv->tls.key_type, sizeof(sv->tls.key_type), pg_col(r, i, 4));
		sv->tls.key_bits = (int)pg_i64(r, i, 5);
		sv->tls.weak = (unsigned)pg_i64(r, i, 6);
		sv->tls.weak_tested = (unsigned)pg_i64(r, i, 7);
		sv->tls.chain = (int)pg_i64(r, i, 8);
		copy(sv->tls.chain_error, sizeof(sv->tls.chain_error), pg_col(r, i, 9));
	}
	PQclear(r);
	return 0;
}

int pg_load_results(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, run);
	int r;
	if ((r = load_hosts(s, &p, rs, e)) < 0 || (r = load_services(s, &p, rs, e)) < 0 ||
	    (r = load_webapps(s, &p, rs, e)) < 0)
		return r;
	return load_extras(s, &p, rs, e);
}

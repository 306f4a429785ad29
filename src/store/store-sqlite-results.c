/* SQLite backend: a run's results saved (assets and ports upserted, what
 * the run observed of each) and loaded back into a resultset. */
#include "store/sqlite-internal.h"
#include "base/util.h"
#include "net/route.h"
#include <string.h>

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

int sq_save_results(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e)
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

int sq_load_results(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e)
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

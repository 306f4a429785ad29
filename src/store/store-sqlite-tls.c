/* What schema 14 adds to a run's service observations: the TLS judgement
 * (key, weak suites, chain trust) in service_obs_tls, and the services
 * seen in traffic rather than probed (service_obs_passive).
 * Saved inside the results' transaction, read back after them. */
#include "store/sqlite-internal.h"
#include "model/resultset.h"
#include <stdio.h>
#include <string.h>

int sq_save_service_extras(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e)
{
	sqlite3_stmt *tls = NULL, *pas = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT OR REPLACE INTO service_obs_tls(run_id, asset_id, proto, port, key_type, "
		"key_bits, weak, weak_tested, chain, chain_error)"
		" SELECT ?1, id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 FROM assets WHERE ip = ?2"
		" AND site = (SELECT site FROM runs WHERE id = ?1)",
		-1, &tls, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT OR REPLACE INTO service_obs_passive(run_id, asset_id, proto, port, first_seen)"
		" SELECT ?1, id, ?3, ?4, ?5 FROM assets WHERE ip = ?2"
		" AND site = (SELECT site FROM runs WHERE id = ?1)",
		-1, &pas, NULL)) {
		r = sq_fail(s, e, "saving results (TLS)");
		goto out;
	}
	for (size_t i = 0; i < rs->n_hosts && !r; i++) {
		const struct host_entry *he = &rs->hosts[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
		for (size_t j = 0; j < he->n_svcs && !r; j++) {
			const struct obs_service *sv = &he->svcs[j];
			const char *pr = proto_name(sv->proto);
			if (sv->passive) {
				sqlite3_reset(pas);
				sqlite3_bind_int64(pas, 1, run);
				sqlite3_bind_text(pas, 2, ip, -1, SQLITE_STATIC);
				sqlite3_bind_text(pas, 3, pr, -1, SQLITE_STATIC);
				sqlite3_bind_int(pas, 4, sv->port);
				sqlite3_bind_double(pas, 5, sv->ts);
				r = sq_done(s, pas, "saving results (passive services)", e);
			}
			if (r || !sv->tls.present) continue;
			sqlite3_reset(tls);
			sqlite3_bind_int64(tls, 1, run);
			sqlite3_bind_text(tls, 2, ip, -1, SQLITE_STATIC);
			sqlite3_bind_text(tls, 3, pr, -1, SQLITE_STATIC);
			sqlite3_bind_int(tls, 4, sv->port);
			sq_text(tls, 5, sv->tls.key_type);
			sqlite3_bind_int(tls, 6, sv->tls.key_bits);
			sqlite3_bind_int(tls, 7, (int)sv->tls.weak);
			sqlite3_bind_int(tls, 8, (int)sv->tls.weak_tested);
			sqlite3_bind_int(tls, 9, sv->tls.chain);
			sq_text(tls, 10, sv->tls.chain_error);
			r = sq_done(s, tls, "saving results (TLS)", e);
		}
	}
out:
	sqlite3_finalize(tls);
	sqlite3_finalize(pas);
	return r;
}

int sq_load_service_extras(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT a.ip, o.proto, o.port, p.run_id IS NOT NULL, t.key_type, t.key_bits, t.weak, "
		"t.weak_tested, t.chain, t.chain_error FROM service_obs o"
		" JOIN assets a ON a.id = o.asset_id LEFT JOIN service_obs_tls t ON t.run_id = "
		"o.run_id AND t.asset_id = o.asset_id AND t.proto = o.proto AND t.port = o.port"
		" LEFT JOIN service_obs_passive p ON p.run_id = o.run_id AND p.asset_id = o.asset_id"
		" AND p.proto = o.proto AND p.port = o.port"
		" WHERE o.run_id = ? AND (p.run_id IS NOT NULL OR t.run_id IS NOT NULL)",
		-1, &st, NULL))
		return sq_fail(s, e, "loading results (TLS)");
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct obs_service *sv = sq_row_service(rs, st);
		if (!sv) continue;
		sv->passive = sqlite3_column_int(st, 3) != 0;
		if (sqlite3_column_type(st, 5) == SQLITE_NULL) continue;
		const char *kt = (const char *)sqlite3_column_text(st, 4),
			   *ce = (const char *)sqlite3_column_text(st, 9);
		snprintf(sv->tls.key_type, sizeof(sv->tls.key_type), "%s", kt ? kt : "");
		sv->tls.key_bits = sqlite3_column_int(st, 5);
		sv->tls.weak = (unsigned)sqlite3_column_int(st, 6);
		sv->tls.weak_tested = (unsigned)sqlite3_column_int(st, 7);
		sv->tls.chain = sqlite3_column_int(st, 8);
		snprintf(sv->tls.chain_error, sizeof(sv->tls.chain_error), "%s", ce ? ce : "");
	}
	sqlite3_finalize(st);
	return 0;
}

/* PostgreSQL backend: reading hourly flow summaries (saved by
 * store-pg-flow-save.c), findings and the asset
 * register, with the SQLite backend's tables and meaning
 * (store-sqlite-flow.c, -inventory.c, -vuln.c). A key of flow_hour may be
 * several rows here, one an input that saved it: every read sums them
 * (GROUP BY), and the names are those of the key's rows merged in their
 * inputs' order (dm_names, store-pg-schema.c), as SQLite's upsert merges. */
#include "store/pg-internal.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

int pg_flow_coverage(struct store *s, double *first, double *last, struct dm_err *e)
{
	PGresult *r = pg_q(s, "SELECT min(first), max(last) FROM flow_input", NULL, "flow summaries", e);
	if (!r) return DM_ESTORE;
	int found = PQntuples(r) == 1 && pg_col(r, 0, 0) && pg_col(r, 0, 1);
	if (found) *first = pg_dbl(r, 0, 0), *last = pg_dbl(r, 0, 1);
	PQclear(r);
	return found;
}

int pg_flow_host_last_active(struct store *s, const struct ipaddr *host, double before, double *ret,
			     struct dm_err *e)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(host, ip, sizeof(ip));
	struct pg_params p = { 0 };
	pp_str(&p, ip);
	pp_int(&p, (int64_t)(before / 3600));
	PGresult *r = pg_q(s,
			   "SELECT max(hour) FROM flow_hour WHERE host = $1 AND hour < $2 AND background = 0",
			   &p, "flow summaries", e);
	if (!r) return DM_ESTORE;
	int found = PQntuples(r) == 1 && pg_col(r, 0, 0);
	if (found) *ret = (double)(pg_i64(r, 0, 0) + 1) * 3600.0;
	PQclear(r);
	return found;
}

int pg_flow_host_hourly_up(struct store *s, const struct ipaddr *host, double from, double to,
			   flow_hour_fn fn, void *ctx, struct dm_err *e)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(host, ip, sizeof(ip));
	struct pg_params p = { 0 };
	pp_str(&p, ip);
	pp_int(&p, (int64_t)(from / 3600));
	pp_int(&p, (int64_t)((to + 3599) / 3600));
	PGresult *r =
	    pg_q(s,
		 "SELECT hour, sum(bytes_up) FROM flow_hour WHERE host = $1 AND hour >= $2 AND hour < $3"
		 " AND peer_internal = 0 AND inbound = 0 GROUP BY hour ORDER BY hour",
		 &p, "flow summaries", e);
	if (!r) return DM_ESTORE;
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++)
		ret = fn(ctx, pg_i64(r, i, 0), (uint64_t)pg_i64(r, i, 1));
	PQclear(r);
	return ret;
}

int pg_flow_host_peer_hours(struct store *s, const struct ipaddr *host, double from, double to,
			    flow_peer_hour_fn fn, void *ctx, struct dm_err *e)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(host, ip, sizeof(ip));
	struct pg_params p = { 0 };
	pp_str(&p, ip);
	pp_int(&p, (int64_t)(from / 3600));
	pp_int(&p, (int64_t)((to + 3599) / 3600));
	PGresult *r =
	    pg_q(s,
		 "SELECT hour, peer, max(names), sum(b) FROM (SELECT hour, peer,"
		 " dm_names(names ORDER BY pg_seq NULLS FIRST) AS names, sum(bytes_up) AS b FROM flow_hour"
		 " WHERE host = $1 AND hour >= $2 AND hour < $3 AND peer_internal = 0 AND inbound = 0"
		 " AND background = 0 GROUP BY hour, peer, port, proto) k"
		 " GROUP BY hour, peer HAVING sum(b) > 0 ORDER BY hour",
		 &p, "flow summaries", e);
	if (!r) return DM_ESTORE;
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) {
		struct ipaddr peer;
		const char *pc = pg_col(r, i, 1);
		if (!pc || ipaddr_parse(pc, &peer) < 0) continue; /* not written by this store */
		ret = fn(ctx, pg_i64(r, i, 0), &peer, pg_col(r, i, 2), (uint64_t)pg_i64(r, i, 3));
	}
	PQclear(r);
	return ret;
}

int pg_flow_port_clients(struct store *s, const struct ipaddr *host, uint8_t proto, uint16_t port,
			 double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(host, ip, sizeof(ip));
	struct pg_params p = { 0 };
	pp_str(&p, ip);
	pp_int(&p, (int64_t)(from / 3600));
	pp_int(&p, (int64_t)((to + 3599) / 3600));
	pp_int(&p, port);
	pp_int(&p, proto);
	PGresult *r = pg_q(s,
			   "SELECT peer, max(hour), sum(flows), sum(bytes_up + bytes_down) FROM flow_hour"
			   " WHERE host = $1 AND hour >= $2 AND hour < $3 AND port = $4 AND proto = $5"
			   " AND inbound = 1 GROUP BY peer",
			   &p, "flow summaries", e);
	if (!r) return DM_ESTORE;
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) {
		struct flow_use u = { .port = port, .proto = proto, .peers = 1 };
		if (ipaddr_parse(PQgetvalue(r, i, 0), &u.host) < 0) continue;
		u.last = (double)(pg_i64(r, i, 1) + 1) * 3600.0;
		u.flows = (uint64_t)pg_i64(r, i, 2);
		u.bytes = (uint64_t)pg_i64(r, i, 3);
		ret = fn(ctx, &u);
	}
	PQclear(r);
	return ret;
}

int pg_save_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e)
{
	const char *what = "saving findings";
	int r = pg_begin(s, what, e);
	for (size_t i = 0; i < fs->n && r == 0; i++) {
		struct finding *f = &fs->v[i];
		char ip[IPADDR_STRLEN] = "";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		const char *proto = f->port ? proto_name(f->proto) : NULL;
		struct pg_params q = { 0 };
		pp_str(&q, f->rule);
		pp_text(&q, ip);
		if (f->port)
			pp_int(&q, f->port);
		else
			pp_null(&q);
		pp_text(&q, proto);
		pp_int(&q, run);
		pp_text(&q, f->path); /* two files' findings are two */
		PGresult *res =
		    pg_q(s,
			 "SELECT min(first_seen) FROM findings WHERE rule = $1 AND ip IS NOT DISTINCT"
			 " FROM $2 AND port IS NOT DISTINCT FROM $3::bigint AND proto IS NOT DISTINCT"
			 " FROM $4 AND run_id < $5 AND path IS NOT DISTINCT FROM $6",
			 &q, what, e);
		if (!res) {
			r = DM_ESTORE;
			break;
		}
		if (PQntuples(res) == 1 && pg_col(res, 0, 0)) {
			double fsn = pg_dbl(res, 0, 0);
			if (fsn < f->first_seen || !f->first_seen) f->first_seen = fsn;
		}
		PQclear(res);
		struct pg_params p = { 0 };
		pp_int(&p, run);
		pp_str(&p, f->rule);
		pp_str(&p, severity_name(f->severity));
		pp_text(&p, f->confidence ? confidence_name(f->confidence) : NULL);
		pp_dbl(&p, f->score);
		pp_text(&p, ip);
		if (f->port)
			pp_int(&p, f->port);
		else
			pp_null(&p);
		pp_text(&p, proto);
		pp_str(&p, f->title);
		pp_text(&p, f->evidence);
		pp_text(&p, f->remediation);
		pp_dbl(&p, f->first_seen);
		pp_dbl(&p, f->last_seen);
		pp_text(&p, f->path);
		r = pg_cmd(
		    s,
		    "INSERT INTO findings(run_id, rule, severity, confidence, score, ip, port, proto,"
		    " title, evidence, remediation, first_seen, last_seen, path) VALUES ($1, $2, $3, $4,"
		    " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
		    &p, what, e);
	}
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

int pg_load_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, run);
	PGresult *r =
	    pg_q(s,
		 "SELECT rule, severity, confidence, score, ip, port, proto, title, evidence, remediation,"
		 " first_seen, last_seen, path FROM findings WHERE run_id = $1 ORDER BY pg_seq",
		 &p, "loading findings", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct finding f = { 0 };
		const char *c;
		snprintf(f.rule, sizeof(f.rule), "%s", PQgetvalue(r, i, 0));
		int sev = (c = pg_col(r, i, 1)) ? severity_parse(c) : -1;
		f.severity = sev < 0 ? SEV_INFO : (enum severity)sev;
		int conf = (c = pg_col(r, i, 2)) ? confidence_parse(c) : -1;
		f.confidence = conf < 0 ? CONF_NONE : (enum confidence)conf;
		f.score = pg_dbl(r, i, 3);
		f.has_ip = (c = pg_col(r, i, 4)) && ipaddr_parse(c, &f.ip) == 0;
		f.port = (uint16_t)pg_i64(r, i, 5);
		f.proto = (c = pg_col(r, i, 6)) && !strcmp(c, "udp") ? PROTO_UDP : PROTO_TCP;
		snprintf(f.title, sizeof(f.title), "%s", PQgetvalue(r, i, 7));
		f.evidence = (c = pg_col(r, i, 8)) ? xstrdup(c) : NULL;
		f.remediation = (c = pg_col(r, i, 9)) ? xstrdup(c) : NULL;
		f.first_seen = pg_dbl(r, i, 10);
		f.last_seen = pg_dbl(r, i, 11);
		f.path = (c = pg_col(r, i, 12)) ? xstrdup(c) : NULL;
		findings_add(fs, &f);
	}
	PQclear(r);
	return 0;
}

int pg_inventory_replace(struct store *s, const struct inventory *inv, const char *source, double when,
			 struct dm_err *e)
{
	const char *what = "saving the asset register";
	int r = pg_begin(s, what, e);
	struct pg_params d = { 0 };
	pp_str(&d, store_site_name(s));
	/* the site's register only: other sites keep theirs */
	if (r == 0) r = pg_cmd(s, "DELETE FROM inventory WHERE site = $1", &d, what, e);
	for (size_t i = 0; i < inv->n && r == 0; i++) {
		const struct inv_entry *en = &inv->v[i];
		char ip[IPADDR_STRLEN], pub[IPADDR_STRLEN] = "";
		ipaddr_fmt(&en->ip, ip, sizeof(ip));
		if (en->has_public) ipaddr_fmt(&en->public_ip, pub, sizeof(pub));
		struct pg_params p = { 0 };
		pp_str(&p, ip);
		pp_text(&p, en->mac);
		pp_text(&p, en->hostname);
		pp_text(&p, en->owner);
		pp_text(&p, en->role);
		pp_str(&p, inv_status_name(en->status));
		if (en->expires > 0)
			pp_dbl(&p, en->expires);
		else
			pp_null(&p);
		pp_int(&p, en->line);
		pp_text(&p, source);
		pp_dbl(&p, when);
		pp_text(&p, pub);
		pp_str(&p, store_site_name(s));
		r = pg_cmd(
		    s,
		    "INSERT INTO inventory(ip, mac, hostname, owner, role, status, expires, line, source,"
		    " imported, public_ip, site) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
		    &p, what, e);
	}
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

int pg_inventory_load(struct store *s, struct inventory *inv, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, store_site_name(s));
	PGresult *r =
	    pg_q(s,
		 "SELECT ip, mac, hostname, owner, role, status, expires, line, public_ip FROM inventory"
		 " WHERE site = $1",
		 &p, "loading the asset register", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct inv_entry en = { 0 };
		if (ipaddr_parse(PQgetvalue(r, i, 0), &en.ip) < 0) continue;
		snprintf(en.mac, sizeof(en.mac), "%s", PQgetvalue(r, i, 1));
		snprintf(en.hostname, sizeof(en.hostname), "%s", PQgetvalue(r, i, 2));
		snprintf(en.owner, sizeof(en.owner), "%s", PQgetvalue(r, i, 3));
		snprintf(en.role, sizeof(en.role), "%s", PQgetvalue(r, i, 4));
		int k = inv_status_parse(PQgetvalue(r, i, 5));
		en.status = k < 0 ? INV_ACTIVE : (enum inv_status)k;
		en.expires = pg_dbl(r, i, 6);
		en.line = (unsigned)pg_i64(r, i, 7);
		const char *pub = pg_col(r, i, 8);
		en.has_public = pub && ipaddr_parse(pub, &en.public_ip) == 0;
		if (inv->n == inv->cap) {
			inv->cap = inv->cap ? 2 * inv->cap : 64;
			inv->v = xrealloc(inv->v, inv->cap * sizeof(*inv->v));
		}
		inv->v[inv->n++] = en;
	}
	PQclear(r);
	inventory_sort(inv);
	return 0;
}

/* PostgreSQL backend: hourly flow summaries, findings and the asset
 * register, with the SQLite backend's tables and meaning
 * (store-sqlite-flow.c, -inventory.c, -vuln.c). */
#include "store/pg-internal.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

static const char flow_merge[] =
    "INSERT INTO flow_hour AS f (host, hour, peer, port, proto, inbound, background, peer_internal, flows,"
    " bytes_up, bytes_down, pkts_up, pkts_down, names, country, last_run) SELECT host, hour, peer, port,"
    " proto, inbound, max(background), max(peer_internal), sum(flows), sum(bytes_up), sum(bytes_down),"
    " sum(pkts_up), sum(pkts_down), string_agg(DISTINCT names, ','), max(country), $1::bigint"
    " FROM dm_flow_stage GROUP BY host, hour, peer, port, proto, inbound"
    " ON CONFLICT (host, hour, peer, port, proto, inbound)"
    " DO UPDATE SET flows = f.flows + excluded.flows, bytes_up = f.bytes_up + excluded.bytes_up,"
    " bytes_down = f.bytes_down + excluded.bytes_down, pkts_up = f.pkts_up + excluded.pkts_up,"
    " pkts_down = f.pkts_down + excluded.pkts_down,"
    " names = CASE WHEN f.names IS NULL THEN excluded.names WHEN excluded.names IS NULL"
    " OR strpos(',' || f.names || ',', ',' || excluded.names || ',') > 0"
    " OR length(f.names) > 1000 THEN f.names ELSE f.names || ',' || excluded.names END,"
    " country = coalesce(f.country, excluded.country), last_run = excluded.last_run";

static int flow_fail(struct store *s, const char *msg, struct dm_err *e)
{
	char m[512];
	snprintf(m, sizeof(m), "%s", msg && *msg ? msg : "unknown error");
	pg_oneline(m);
	return dm_fail(e, DM_ESTORE, "--db %s: saving flow summaries: %s", s->path, m);
}

/* COPY's text form of v: tab, newline, carriage return and backslash
 * escaped (names come from the traffic), "\N" for NULL. */
static void copy_text(struct buf *b, const char *v)
{
	if (!v || !*v) {
		buf_puts(b, "\\N");
		return;
	}
	for (const char *c = v; *c; c++) {
		if (*c == '\\' || *c == '\t' || *c == '\n' || *c == '\r') {
			buf_putc(b, '\\');
			buf_putc(b, *c == '\t' ? 't' : *c == '\n' ? 'n' : *c == '\r' ? 'r' : '\\');
		} else {
			buf_putc(b, *c);
		}
	}
}

/* What a save's rows covered: the input's span and flows, and the days
 * of their hours (the partitions they need). */
struct hours_seen {
	double first, last;
	uint64_t flows;
	bool any;
	int64_t *days;
	size_t n_days, cap_days;
};

static void seen_row(struct hours_seen *hs, const struct flow_hour *h)
{
	if (!hs->any || h->hour * 3600.0 < hs->first) hs->first = h->hour * 3600.0;
	if ((h->hour + 1) * 3600.0 > hs->last) hs->last = (h->hour + 1) * 3600.0;
	hs->any = true;
	hs->flows += h->flows;
	int64_t day = h->hour >= 0 ? h->hour / 24 : (h->hour - 23) / 24;
	for (size_t i = hs->n_days; i-- > 0;)
		if (hs->days[i] == day) return;
	if (hs->n_days == hs->cap_days) {
		hs->cap_days = hs->cap_days ? 2 * hs->cap_days : 16;
		hs->days = xrealloc(hs->days, hs->cap_days * sizeof(*hs->days));
	}
	hs->days[hs->n_days++] = day;
}

/* rows asked of the source at a time: a few hundred kB */
#define CHUNK 1024

/* The hours COPYed into a temporary table (merged into flow_hour by
 * merge_hours): a fraction of a round trip a row. Inside the caller's
 * transaction; ON COMMIT DELETE ROWS and a DELETE first keep it empty. */
static int copy_hours(struct store *s, flow_hour_next_fn next, void *ctx, struct hours_seen *hs,
		      struct dm_err *e)
{
	const char *what = "saving flow summaries";
	PGconn *c = PG(s)->c;
	/* made each time: a rolled back save takes the table it made with it */
	if (pg_cmd(s,
		   "CREATE TEMP TABLE IF NOT EXISTS dm_flow_stage (host TEXT, hour BIGINT, peer TEXT, port "
		   "BIGINT,"
		   " proto BIGINT, inbound BIGINT, background BIGINT, peer_internal BIGINT, flows BIGINT, "
		   "bytes_up"
		   " BIGINT, bytes_down BIGINT, pkts_up BIGINT, pkts_down BIGINT, names TEXT, country TEXT)"
		   " ON COMMIT DELETE ROWS",
		   NULL, what, e) < 0)
		return DM_ESTORE;
	if (pg_cmd(s, "DELETE FROM dm_flow_stage", NULL, what, e) < 0) return DM_ESTORE;
	PGresult *res = PQexec(c, "COPY dm_flow_stage FROM STDIN");
	bool in = PQresultStatus(res) == PGRES_COPY_IN;
	int r = in ? 0 : flow_fail(s, PQresultErrorMessage(res), e);
	PQclear(res);
	if (r < 0) return r;
	struct buf b = BUF_INIT;
	struct flow_hour *v = xmalloc(CHUNK * sizeof(*v));
	size_t n;
	while (r == 0 && (n = next(ctx, v, CHUNK)) > 0)
		for (size_t i = 0; i < n && r == 0; i++) {
			const struct flow_hour *h = &v[i];
			seen_row(hs, h);
			char host[IPADDR_STRLEN], peer[IPADDR_STRLEN];
			ipaddr_fmt(&h->host, host, sizeof(host));
			ipaddr_fmt(&h->peer, peer, sizeof(peer));
			buf_printf(&b, "%s\t%lld\t%s\t%u\t%u\t%d\t%d\t%d\t%llu\t%llu\t%llu\t%llu\t%llu\t",
				   host, (long long)h->hour, peer, h->port, h->proto, h->inbound,
				   h->background, h->peer_internal, (unsigned long long)h->flows,
				   (unsigned long long)h->bytes_up, (unsigned long long)h->bytes_down,
				   (unsigned long long)h->pkts_up, (unsigned long long)h->pkts_down);
			copy_text(&b, h->names);
			buf_putc(&b, '\t');
			copy_text(&b, h->cc);
			buf_putc(&b, '\n');
			if (buf_error(&b))
				r = dm_fail(e, DM_ETOOBIG, "--db %s: %s: out of memory", s->path, what);
			else if (b.len >= 65536 && PQputCopyData(c, b.data, (int)b.len) != 1)
				r = flow_fail(s, PQerrorMessage(c), e);
			if (b.len >= 65536) buf_reset(&b);
		}
	if (r == 0 && b.len && PQputCopyData(c, b.data, (int)b.len) != 1)
		r = flow_fail(s, PQerrorMessage(c), e);
	free(v);
	buf_release(&b);
	if (PQputCopyEnd(c, r < 0 ? "aborted" : NULL) != 1 && r == 0) r = flow_fail(s, PQerrorMessage(c), e);
	while ((res = PQgetResult(c))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && r == 0)
			r = flow_fail(s, PQresultErrorMessage(res), e);
		PQclear(res);
	}
	return r;
}

/* The staged rows merged into flow_hour by one INSERT ... SELECT ... ON
 * CONFLICT (rows of one key in the same input summed first). */
static int merge_hours(struct store *s, int64_t run, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, run);
	return pg_cmd(s, flow_merge, &p, "saving flow summaries", e);
}

int pg_flow_save_hours(struct store *s, int64_t run, const char *digest, flow_hour_next_fn next, void *ctx,
		       bool *ret_known, struct dm_err *e)
{
	const char *what = "saving flow summaries";
	*ret_known = false;
	int r = pg_begin(s, what, e);
	if (r < 0) return r;
	/* the input's row first: of two sensors saving the same capture at
	 * once, the second waits here and then finds it known */
	struct pg_params m = { 0 };
	pp_str(&m, digest);
	pp_int(&m, run);
	PGresult *res =
	    pg_q(s,
		 "INSERT INTO flow_input(digest, run_id) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING"
		 " RETURNING 1",
		 &m, what, e);
	if (!res) goto fail;
	*ret_known = PQntuples(res) == 0;
	PQclear(res);
	if (*ret_known) return pg_commit(s, what, e);
	/* staged first (the rows come once), then the days' partitions, then merged */
	struct hours_seen hs = { 0 };
	r = copy_hours(s, next, ctx, &hs, e);
	if (r == 0) r = pg_flow_partitions(s, hs.days, hs.n_days, e);
	free(hs.days);
	if (r == 0 && hs.any) r = merge_hours(s, run, e);
	if (r == 0) {
		struct pg_params p = { 0 };
		pp_dbl(&p, hs.first);
		pp_dbl(&p, hs.last);
		pp_int(&p, (int64_t)hs.flows);
		pp_str(&p, digest);
		r = pg_cmd(s, "UPDATE flow_input SET first = $1, last = $2, flows = $3 WHERE digest = $4", &p,
			   what, e);
	}
	if (r == 0) return pg_commit(s, what, e);
fail:
	pg_rollback(s);
	return r < 0 ? r : DM_ESTORE;
}

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
		 "SELECT hour, peer, max(names), sum(bytes_up) FROM flow_hour WHERE host = $1 AND hour >= $2"
		 " AND hour < $3 AND peer_internal = 0 AND inbound = 0 AND background = 0"
		 " GROUP BY hour, peer HAVING sum(bytes_up) > 0 ORDER BY hour",
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

static int use_rows(struct store *s, const char *sql, double from, double to, flow_use_fn fn, void *ctx,
		    struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, (int64_t)(from / 3600));
	pp_int(&p, (int64_t)((to + 3599) / 3600));
	PGresult *r = pg_q(s, sql, &p, "flow summaries", e);
	if (!r) return DM_ESTORE;
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) {
		struct flow_use u = { 0 };
		if (ipaddr_parse(PQgetvalue(r, i, 0), &u.host) < 0) continue;
		u.port = (uint16_t)pg_i64(r, i, 1);
		u.proto = (uint8_t)pg_i64(r, i, 2);
		u.last = (double)(pg_i64(r, i, 3) + 1) * 3600.0;
		u.flows = (uint64_t)pg_i64(r, i, 4);
		u.peers = (uint64_t)pg_i64(r, i, 5);
		u.bytes = (uint64_t)pg_i64(r, i, 6);
		ret = fn(ctx, &u);
	}
	PQclear(r);
	return ret;
}

/* coalesce: PostgreSQL's sum of no rows is NULL where SQLite's CASE sum is 0 */
#define WINDOW_SUMS                                                                 \
	" max(hour), coalesce(sum(CASE WHEN hour >= $1 THEN flows ELSE 0 END), 0)," \
	" count(DISTINCT CASE WHEN hour >= $1 THEN peer END),"                      \
	" coalesce(sum(CASE WHEN hour >= $1 THEN bytes_up + bytes_down ELSE 0 END), 0)"

int pg_flow_host_use(struct store *s, double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e)
{
	return use_rows(s,
			"SELECT host, 0, 0," WINDOW_SUMS
			" FROM flow_hour WHERE hour < $2 AND (background = 0 OR inbound = 1) GROUP BY host",
			from, to, fn, ctx, e);
}

int pg_flow_port_use(struct store *s, double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e)
{
	return use_rows(s,
			"SELECT host, port, proto," WINDOW_SUMS
			" FROM flow_hour WHERE hour < $2 AND inbound = 1 GROUP BY host, port, proto",
			from, to, fn, ctx, e);
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
		PGresult *res =
		    pg_q(s,
			 "SELECT min(first_seen) FROM findings WHERE rule = $1 AND ip IS NOT DISTINCT"
			 " FROM $2 AND port IS NOT DISTINCT FROM $3::bigint AND proto IS NOT DISTINCT"
			 " FROM $4 AND run_id < $5",
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
		r = pg_cmd(s,
			   "INSERT INTO findings(run_id, rule, severity, confidence, score, ip, port, proto,"
			   " title, evidence, remediation, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5,"
			   " $6, $7, $8, $9, $10, $11, $12, $13)",
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
		 " first_seen, last_seen FROM findings WHERE run_id = $1 ORDER BY pg_seq",
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

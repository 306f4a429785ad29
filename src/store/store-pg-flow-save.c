/* PostgreSQL backend: saving an input's hourly flow summaries. flow_hour
 * has no unique key here (schema 35): a save appends its rows with COPY,
 * and a key saved again by a later input is a second row that the readers
 * sum (store-pg-flow.c), the names merged in the inputs' order (pg_seq,
 * the input's number in flow_input). Rows of one key in the same input are
 * summed here first, as the SQLite backend's row-by-row upsert sums them.
 * The rows' days (store/flow-day.h) are summed here too and appended to
 * flow_day in one statement (upserted when flow_day is not partitioned);
 * after the save, the days it closed are folded (store-pg-flow-fold.c). The input's mark in flow_input, its rows and
 * their days are one transaction (a savepoint inside a caller's): a save
 * is whole or not there. A day with no partition yet fails it; its
 * partitions are made and the save tried again. */
#include "store/pg-internal.h"
#include "base/log.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char mark_sql[] =
    "INSERT INTO flow_input(digest, run_id, first, last, flows) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (digest) DO NOTHING RETURNING pg_seq";

static const char copy_sql[] =
    "COPY flow_hour (host, hour, peer, port, proto, inbound, background, peer_internal, flows, bytes_up,"
    " bytes_down, pkts_up, pkts_down, names, country, last_run, pg_seq) FROM STDIN";

/* store/flow-day.h's FLOW_DAY_FILL, of rows summed here: appended to a
 * partitioned flow_day (no key, schema 39; folded when the day is closed,
 * store-pg-flow-fold.c), upserted into a plain one */
#define DAY_INSERT                                                                                  \
	"INSERT INTO flow_day (day, scope, host, port, proto, peer, last_hour, flows, bytes)"       \
	" SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[]," \
	" $6::text[], $7::bigint[], $8::bigint[], $9::bigint[])"
static const char day_append_sql[] = DAY_INSERT;
static const char day_sql[] = DAY_INSERT
    " ON CONFLICT (day, scope, host, port, proto, peer) DO UPDATE SET"
    " last_hour = greatest(flow_day.last_hour, excluded.last_hour),"
    " flows = flow_day.flows + excluded.flows, bytes = flow_day.bytes + excluded.bytes";

/* One key's rows of an input, summed. */
struct merged {
	const struct flow_hour *h; /* the first row: key, background, peer_internal */
	uint64_t flows, bytes_up, bytes_down, pkts_up, pkts_down;
	char *names; /* NULL: h->names; else merged, malloc'd */
	const char *cc;
};

static int cmp_key(const void *a, const void *b)
{
	const struct flow_hour *x = *(const struct flow_hour *const *)a,
			       *y = *(const struct flow_hour *const *)b;
	int c = ipaddr_cmp(&x->host, &y->host);
	if (c) return c;
	if (x->hour != y->hour) return x->hour < y->hour ? -1 : 1;
	if ((c = ipaddr_cmp(&x->peer, &y->peer))) return c;
	if (x->port != y->port) return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto) return x->proto < y->proto ? -1 : 1;
	if (x->inbound != y->inbound) return x->inbound < y->inbound ? -1 : 1;
	/* the input's order within a key, so the first row stays first */
	return x < y ? -1 : x > y;
}

static const char *merged_names(const struct merged *m) { return m->names ? m->names : m->h->names; }

/* The SQLite backend's names rule: kept when the new one is there already
 * or the list is long, else appended. */
static void add_names(struct merged *m, const char *add)
{
	const char *cur = merged_names(m);
	if (!*add) return;
	if (!*cur) {
		free(m->names);
		m->names = xstrdup(add);
		return;
	}
	size_t lc = strlen(cur), la = strlen(add);
	if (lc > 1000) return;
	for (const char *p = cur; (p = strstr(p, add)); p++)
		if ((p == cur || p[-1] == ',') && (p[la] == ',' || !p[la])) return;
	char *n = xmalloc(lc + la + 2);
	memcpy(n, cur, lc);
	n[lc] = ',';
	memcpy(n + lc + 1, add, la + 1);
	free(m->names);
	m->names = n;
}

static size_t merge_rows(const struct flow_hour *v, size_t n, struct merged **ret)
{
	const struct flow_hour **p = xcalloc(n ? n : 1, sizeof(*p));
	for (size_t i = 0; i < n; i++) p[i] = &v[i];
	qsort(p, n, sizeof(*p), cmp_key);
	struct merged *m = xcalloc(n ? n : 1, sizeof(*m));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct flow_hour *h = p[i];
		struct merged *o = k ? &m[k - 1] : NULL;
		if (!o || ipaddr_cmp(&o->h->host, &h->host) || o->h->hour != h->hour ||
		    ipaddr_cmp(&o->h->peer, &h->peer) || o->h->port != h->port || o->h->proto != h->proto ||
		    o->h->inbound != h->inbound) {
			m[k++] = (struct merged){ h,          h->flows,     h->bytes_up, h->bytes_down,
						  h->pkts_up, h->pkts_down, NULL,        h->cc };
			continue;
		}
		o->flows += h->flows, o->bytes_up += h->bytes_up, o->bytes_down += h->bytes_down;
		o->pkts_up += h->pkts_up, o->pkts_down += h->pkts_down;
		add_names(o, h->names);
		if (!*o->cc) o->cc = h->cc;
	}
	free(p);
	*ret = m;
	return k;
}

/* An array element of text: quoted, '"' and '\' escaped. */
static void arr_text(struct buf *b, const char *v)
{
	buf_putc(b, '"');
	for (const char *c = v; *c; c++) {
		if (*c == '"' || *c == '\\') buf_putc(b, '\\');
		buf_putc(b, *c);
	}
	buf_putc(b, '"');
}

/* A COPY text field: \N when empty (NULL, as the upsert stored it); the
 * format's special bytes escaped. */
static void copy_text(struct buf *b, const char *v)
{
	if (!v || !*v) {
		buf_puts(b, "\\N");
		return;
	}
	for (const char *c = v; *c; c++) {
		if (*c == '\\')
			buf_puts(b, "\\\\");
		else if (*c == '\t')
			buf_puts(b, "\\t");
		else if (*c == '\n')
			buf_puts(b, "\\n");
		else if (*c == '\r')
			buf_puts(b, "\\r");
		else
			buf_putc(b, *c);
	}
}

static void copy_rows(const struct merged *m, size_t n, int64_t run, int64_t seq, struct buf *b)
{
	for (size_t i = 0; i < n; i++) {
		const struct merged *x = &m[i];
		const struct flow_hour *h = x->h;
		char host[IPADDR_STRLEN], peer[IPADDR_STRLEN];
		ipaddr_fmt(&h->host, host, sizeof(host));
		ipaddr_fmt(&h->peer, peer, sizeof(peer));
		buf_printf(b, "%s\t%lld\t%s\t%u\t%u\t%d\t%d\t%d\t%llu\t%llu\t%llu\t%llu\t%llu\t", host,
			   (long long)h->hour, peer, h->port, h->proto, h->inbound, h->background,
			   h->peer_internal, (unsigned long long)x->flows, (unsigned long long)x->bytes_up,
			   (unsigned long long)x->bytes_down, (unsigned long long)x->pkts_up,
			   (unsigned long long)x->pkts_down);
		copy_text(b, merged_names(x));
		buf_putc(b, '\t');
		copy_text(b, x->cc);
		buf_printf(b, "\t%lld\t%lld\n", (long long)run, (long long)seq);
	}
}

/* A row of flow_day: a day's sums of one key (store/flow-day.h). */
struct day_row {
	int64_t day, scope;
	const struct flow_hour *h; /* host, peer; port and proto when scope 1 */
	int64_t last_hour;
	uint64_t flows, bytes;
};

static int cmp_day(const void *a, const void *b)
{
	const struct day_row *x = a, *y = b;
	if (x->day != y->day) return x->day < y->day ? -1 : 1;
	if (x->scope != y->scope) return x->scope < y->scope ? -1 : 1;
	int c = ipaddr_cmp(&x->h->host, &y->h->host);
	if (c) return c;
	if (x->scope && x->h->port != y->h->port) return x->h->port < y->h->port ? -1 : 1;
	if (x->scope && x->h->proto != y->h->proto) return x->h->proto < y->h->proto ? -1 : 1;
	return ipaddr_cmp(&x->h->peer, &y->h->peer);
}

/* The days of the merged rows, each key once: scope 0 the hours that the
 * host's use counts (background = 0 OR inbound = 1) per host and peer,
 * scope 1 the inbound hours per host, service and peer. The day is the
 * SQL's hour / 24 (toward zero), as FLOW_DAY_FILL has it. */
static size_t day_rows(const struct merged *m, size_t n, struct day_row **ret)
{
	struct day_row *d = xcalloc(2 * n + 1, sizeof(*d));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct flow_hour *h = m[i].h;
		struct day_row r = {
			h->hour / 24, 0, h, h->hour, m[i].flows, m[i].bytes_up + m[i].bytes_down
		};
		if (!h->background || h->inbound) d[k++] = r;
		if (h->inbound) r.scope = 1, d[k++] = r;
	}
	qsort(d, k, sizeof(*d), cmp_day);
	size_t j = 0;
	for (size_t i = 0; i < k; i++) {
		if (j && !cmp_day(&d[j - 1], &d[i])) {
			struct day_row *o = &d[j - 1];
			if (d[i].last_hour > o->last_hour) o->last_hour = d[i].last_hour;
			o->flows += d[i].flows, o->bytes += d[i].bytes;
			continue;
		}
		d[j++] = d[i];
	}
	*ret = d;
	return j;
}

enum { D_DAY, D_SCOPE, D_HOST, D_PORT, D_PROTO, D_PEER, D_LAST, D_FLOWS, D_BYTES, D_N };

static void day_arrays(const struct day_row *d, size_t n, struct buf *a)
{
	for (int c = 0; c < D_N; c++) buf_putc(&a[c], '{');
	for (size_t i = 0; i < n; i++) {
		const struct day_row *x = &d[i];
		char ip[IPADDR_STRLEN];
		const char *sep = i ? "," : "";
		buf_printf(&a[D_DAY], "%s%lld", sep, (long long)x->day);
		buf_printf(&a[D_SCOPE], "%s%lld", sep, (long long)x->scope);
		ipaddr_fmt(&x->h->host, ip, sizeof(ip));
		buf_puts(&a[D_HOST], sep);
		arr_text(&a[D_HOST], ip);
		buf_printf(&a[D_PORT], "%s%u", sep, x->scope ? x->h->port : 0);
		buf_printf(&a[D_PROTO], "%s%u", sep, x->scope ? x->h->proto : 0);
		ipaddr_fmt(&x->h->peer, ip, sizeof(ip));
		buf_puts(&a[D_PEER], sep);
		arr_text(&a[D_PEER], ip);
		buf_printf(&a[D_LAST], "%s%lld", sep, (long long)x->last_hour);
		buf_printf(&a[D_FLOWS], "%s%llu", sep, (unsigned long long)x->flows);
		buf_printf(&a[D_BYTES], "%s%llu", sep, (unsigned long long)x->bytes);
	}
	for (int c = 0; c < D_N; c++) buf_putc(&a[c], '}');
}

/* An error of the server's: 1 when it is a row that no partition takes
 * (check_violation), else DM_ESTORE with its message in e. */
static int save_error(struct store *s, const PGresult *r, struct dm_err *e)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (PG(s)->flow_parted && state && !strcmp(state, "23514")) return 1;
	char m[512];
	snprintf(m, sizeof(m), "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(PG(s)->c));
	pg_oneline(m);
	return dm_fail(e, DM_ESTORE, "--db %s: saving flow summaries: %s", s->path, *m ? m : "unknown error");
}

/* What one save sends: the input's mark, its rows (COPY text, the input's
 * number not yet in), its days' arrays. */
struct save {
	const struct merged *m;
	size_t k;
	int64_t run;
	struct pg_params mark, days;
	const char *day_set; /* its days, each once ("{d,...}") */
	size_t unmarked;     /* of those, folded before: unmarked (pg_flow_day_unfold) */
};

/* The save's statements in the open transaction: 0, 1 for want of a
 * partition, or DM_ESTORE. */
static int send_save(struct store *s, struct save *sv, bool *ret_known, struct dm_err *e)
{
	PGconn *c = PG(s)->c;
	PGresult *r = PQexecParams(c, mark_sql, sv->mark.n, NULL, sv->mark.v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		int ret = save_error(s, r, e);
		PQclear(r);
		return ret;
	}
	*ret_known = PQntuples(r) == 0;
	int64_t seq = *ret_known ? 0 : pg_i64(r, 0, 0);
	PQclear(r);
	if (*ret_known || !sv->k) return 0;
	struct buf rows = BUF_INIT;
	copy_rows(sv->m, sv->k, sv->run, seq, &rows);
	if (buf_error(&rows)) {
		buf_release(&rows);
		return dm_fail(e, DM_ETOOBIG, "--db %s: saving flow summaries: out of memory", s->path);
	}
	r = PQexec(c, copy_sql);
	int ret = 0;
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		ret = save_error(s, r, e);
	} else {
		/* in pieces: PQputCopyData takes an int's worth at most */
		const char *fail = NULL;
		for (size_t off = 0; off < rows.len && !fail; off += 1 << 20) {
			size_t len = rows.len - off < 1 << 20 ? rows.len - off : 1 << 20;
			if (PQputCopyData(c, rows.data + off, (int)len) != 1) fail = "sending the rows";
		}
		if (PQputCopyEnd(c, fail) != 1) fail = "ending the rows";
		PQclear(r);
		/* the COPY's result, then none */
		r = PQgetResult(c);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) ret = save_error(s, r, e);
		PGresult *more;
		while ((more = PQgetResult(c))) PQclear(more);
	}
	PQclear(r);
	buf_release(&rows);
	if (ret) return ret;
	r = PQexecParams(c, PG(s)->flow_parted ? day_append_sql : day_sql, sv->days.n, NULL, sv->days.v, NULL,
			 NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) ret = save_error(s, r, e);
	PQclear(r);
	/* after the rows: a fold of their day under way has ended (its lock
	 * kept them out), so its mark is seen */
	if (ret == 0 && PG(s)->flow_parted) ret = pg_flow_day_unfold(s, sv->day_set, &sv->unmarked, e);
	return ret;
}

/* The days (hour / 24) of v's rows, each once: the partitions they need. */
static size_t row_days(const struct flow_hour *v, size_t n, int64_t **ret)
{
	int64_t *d = xcalloc(n ? n : 1, sizeof(*d));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t day = v[i].hour >= 0 ? v[i].hour / 24 : (v[i].hour - 23) / 24;
		if (!k || d[k - 1] != day)
			d[k++] = day; /* rows come sorted by host, then hour: repeats are few */
	}
	*ret = d;
	return k;
}

/* The statement takes every row of the input at once: the chunks of the
 * source are gathered first (hour rows, far fewer than the flows). */
static int save_rows(struct store *s, int64_t run, const char *digest, const struct flow_hour *v, size_t n,
		     bool *ret_known, struct dm_err *e);

int pg_flow_save_hours(struct store *s, int64_t run, const char *digest, flow_hour_next_fn next, void *ctx,
		       bool *ret_known, struct dm_err *e)
{
	size_t n = 0, cap = 1024, got;
	struct flow_hour *v = xmalloc(cap * sizeof(*v));
	while ((got = next(ctx, v + n, cap - n)) > 0)
		if ((n += got) == cap) v = xrealloc(v, (cap *= 2) * sizeof(*v));
	int r = save_rows(s, run, digest, v, n, ret_known, e);
	free(v);
	return r;
}

static int save_rows(struct store *s, int64_t run, const char *digest, const struct flow_hour *v, size_t n,
		     bool *ret_known, struct dm_err *e)
{
	const char *what = "saving flow summaries";
	*ret_known = false;
	double first = 0, last = 0;
	uint64_t flows = 0;
	for (size_t i = 0; i < n; i++) {
		if (!i || v[i].hour * 3600.0 < first) first = v[i].hour * 3600.0;
		if ((v[i].hour + 1) * 3600.0 > last) last = (v[i].hour + 1) * 3600.0;
		flows += v[i].flows;
	}
	struct merged *m;
	size_t k = merge_rows(v, n, &m);
	struct day_row *d;
	size_t n_d = day_rows(m, k, &d);
	struct buf a[D_N];
	for (int c = 0; c < D_N; c++) a[c] = (struct buf)BUF_INIT;
	day_arrays(d, n_d, a);
	struct buf day_set = BUF_INIT; /* d is sorted by day */
	buf_putc(&day_set, '{');
	for (size_t i = 0; i < n_d; i++)
		if (!i || d[i].day != d[i - 1].day)
			buf_printf(&day_set, "%s%lld", i ? "," : "", (long long)d[i].day);
	buf_putc(&day_set, '}');
	int r = 0;
	for (int c = 0; c < D_N && r == 0; c++)
		if (buf_error(&a[c])) r = dm_fail(e, DM_ETOOBIG, "--db %s: %s: out of memory", s->path, what);
	if (r == 0 && buf_error(&day_set))
		r = dm_fail(e, DM_ETOOBIG, "--db %s: %s: out of memory", s->path, what);
	struct save sv = { .m = m, .k = k, .run = run, .day_set = day_set.data };
	pp_str(&sv.mark, digest);
	pp_int(&sv.mark, run);
	pp_dbl(&sv.mark, first);
	pp_dbl(&sv.mark, last);
	pp_int(&sv.mark, (int64_t)flows);
	for (int c = 0; c < D_N; c++) pp_str(&sv.days, a[c].data);
	/* a transaction, or inside a caller's a savepoint, so that a failure
	 * (or the missing partition's) undoes only this save */
	int depth0 = PG(s)->depth;
	if (r == 0) r = pg_begin(s, what, e);
	if (r == 0 && (r = send_save(s, &sv, ret_known, e)) == 1) {
		pg_rollback(s);
		/* alone, the partitions are made in a transaction of their own:
		 * their maker's advisory lock is held to its end */
		r = pg_begin(s, what, e);
		int64_t *days;
		size_t n_days = row_days(v, n, &days);
		if (r == 0) r = pg_flow_partitions(s, days, n_days, e);
		free(days);
		if (r == 0 && !depth0 && (r = pg_commit(s, what, e)) == 0) r = pg_begin(s, what, e);
		if (r == 0 && (r = send_save(s, &sv, ret_known, e)) == 1)
			r = dm_fail(e, DM_ESTORE, "--db %s: %s: no partition of flow_hour takes the rows",
				    s->path, what);
	}
	while (PG(s)->depth > depth0) {
		if (r == 0)
			r = pg_commit(s, what, e);
		else
			pg_rollback(s);
	}
	/* outside a caller's transaction only: a fold is one of its own */
	int64_t max_hour = 0;
	for (size_t i = 0; i < n; i++)
		if (!i || v[i].hour > max_hour) max_hour = v[i].hour;
	/* the save has committed: a fold that fails leaves the day's rows as
	 * appended (every reader sums them) and is tried again by the next save */
	struct dm_err fe = { "" };
	if (r == 0 && !depth0 && !*ret_known && n &&
	    pg_flow_fold_closed(s, max_hour, sv.unmarked > 0, &fe) < 0)
		log_warn("--db %s: folding closed days of flow_day: %s (their rows stay as saved; retried by "
			 "the next save)",
			 s->path, fe.msg);
	buf_release(&day_set);
	for (int c = 0; c < D_N; c++) buf_release(&a[c]);
	free(d);
	for (size_t i = 0; i < k; i++) free(m[i].names);
	free(m);
	return r < 0 ? r : 0;
}

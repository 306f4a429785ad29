/* PostgreSQL backend: saving an input's hourly flow summaries in one
 * statement, one round trip. The rows go as 15 array parameters (text
 * form) that unnest() turns back into rows; a data-modifying WITH marks the
 * input in flow_input and adds the rows only when the input was not known,
 * so a single statement is the whole save and is atomic without BEGIN and
 * COMMIT of its own. Rows of one key in the same input are summed here
 * first, as the SQLite backend's row-by-row upsert sums them (ON CONFLICT
 * DO UPDATE may not touch one row twice in a statement); sorted by the
 * key, they also reach flow_hour's index in its order. The same
 * statement adds them to their days' summaries (flow_day). A day with no
 * partition yet fails the statement as a whole; its partitions are made
 * and the statement sent again. */
#include "store/pg-internal.h"
#include "store/flow-day.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char save_sql[] =
    "WITH m AS (INSERT INTO flow_input(digest, run_id, first, last, flows) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (digest) DO NOTHING RETURNING 1),"
    " u AS (SELECT * FROM unnest($6::text[], $7::bigint[], $8::text[], $9::bigint[], $10::bigint[],"
    " $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[],"
    " $17::bigint[], $18::bigint[], $19::text[], $20::text[]) AS u(host, hour, peer, port, proto,"
    " inbound, background, peer_internal, flows, bytes_up, bytes_down, pkts_up, pkts_down, names,"
    " country) WHERE EXISTS (SELECT 1 FROM m)),"
    " i AS (INSERT INTO flow_hour AS f (host, hour, peer, port, proto, inbound, background, peer_internal,"
    " flows, bytes_up, bytes_down, pkts_up, pkts_down, names, country, last_run)"
    " SELECT u.*, $2::bigint FROM u"
    " ON CONFLICT (host, hour, peer, port, proto, inbound)"
    " DO UPDATE SET flows = f.flows + excluded.flows, bytes_up = f.bytes_up + excluded.bytes_up,"
    " bytes_down = f.bytes_down + excluded.bytes_down, pkts_up = f.pkts_up + excluded.pkts_up,"
    " pkts_down = f.pkts_down + excluded.pkts_down,"
    " names = CASE WHEN f.names IS NULL THEN excluded.names WHEN excluded.names IS NULL"
    " OR strpos(',' || f.names || ',', ',' || excluded.names || ',') > 0"
    " OR length(f.names) > 1000 THEN f.names ELSE f.names || ',' || excluded.names END,"
    " country = coalesce(f.country, excluded.country), last_run = excluded.last_run),"
    /* the rows' days (store/flow-day.h), summed per key first: an upsert
     * may not touch one row twice in a statement */
    " d AS (" FLOW_DAY_FILL_FROM(
	"u", "") " ON CONFLICT (day, scope, host, port, proto, peer) DO UPDATE SET"
		 " last_hour = greatest(flow_day.last_hour, excluded.last_hour),"
		 " flows = flow_day.flows + excluded.flows, bytes = flow_day.bytes + excluded.bytes)"
		 " SELECT count(*) FROM m";

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

/* An array element of text: quoted, '"' and '\' escaped; NULL when empty. */
static void arr_text(struct buf *b, const char *v)
{
	if (!v || !*v) {
		buf_puts(b, "NULL");
		return;
	}
	buf_putc(b, '"');
	for (const char *c = v; *c; c++) {
		if (*c == '"' || *c == '\\') buf_putc(b, '\\');
		buf_putc(b, *c);
	}
	buf_putc(b, '"');
}

enum {
	A_HOST,
	A_HOUR,
	A_PEER,
	A_PORT,
	A_PROTO,
	A_IN,
	A_BG,
	A_PI,
	A_FLOWS,
	A_BU,
	A_BD,
	A_PU,
	A_PD,
	A_NAMES,
	A_CC,
	A_N
};

static void arrays(const struct merged *m, size_t n, struct buf *a)
{
	for (int c = 0; c < A_N; c++) buf_putc(&a[c], '{');
	for (size_t i = 0; i < n; i++) {
		const struct merged *x = &m[i];
		const struct flow_hour *h = x->h;
		char ip[IPADDR_STRLEN];
		const char *sep = i ? "," : "";
		ipaddr_fmt(&h->host, ip, sizeof(ip));
		buf_puts(&a[A_HOST], sep);
		arr_text(&a[A_HOST], ip);
		ipaddr_fmt(&h->peer, ip, sizeof(ip));
		buf_puts(&a[A_PEER], sep);
		arr_text(&a[A_PEER], ip);
		buf_printf(&a[A_HOUR], "%s%lld", sep, (long long)h->hour);
		buf_printf(&a[A_PORT], "%s%u", sep, h->port);
		buf_printf(&a[A_PROTO], "%s%u", sep, h->proto);
		buf_printf(&a[A_IN], "%s%d", sep, h->inbound);
		buf_printf(&a[A_BG], "%s%d", sep, h->background);
		buf_printf(&a[A_PI], "%s%d", sep, h->peer_internal);
		buf_printf(&a[A_FLOWS], "%s%llu", sep, (unsigned long long)x->flows);
		buf_printf(&a[A_BU], "%s%llu", sep, (unsigned long long)x->bytes_up);
		buf_printf(&a[A_BD], "%s%llu", sep, (unsigned long long)x->bytes_down);
		buf_printf(&a[A_PU], "%s%llu", sep, (unsigned long long)x->pkts_up);
		buf_printf(&a[A_PD], "%s%llu", sep, (unsigned long long)x->pkts_down);
		buf_puts(&a[A_NAMES], sep);
		arr_text(&a[A_NAMES], merged_names(x));
		buf_puts(&a[A_CC], sep);
		arr_text(&a[A_CC], x->cc);
	}
	for (int c = 0; c < A_N; c++) buf_putc(&a[c], '}');
}

/* The statement; 1 when it failed for want of a day's partition. */
static int send_save(struct store *s, const struct pg_params *p, bool *ret_known, struct dm_err *e)
{
	PGresult *r = PQexecParams(PG(s)->c, save_sql, p->n, NULL, p->v, NULL, NULL, 0);
	int ret = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		*ret_known = pg_i64(r, 0, 0) == 0;
	} else {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		/* check_violation: no partition of flow_hour takes the row */
		if (PG(s)->flow_parted && state && !strcmp(state, "23514")) {
			ret = 1;
		} else {
			char m[512];
			snprintf(m, sizeof(m), "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(PG(s)->c));
			pg_oneline(m);
			ret = dm_fail(e, DM_ESTORE, "--db %s: saving flow summaries: %s", s->path,
				      *m ? m : "unknown error");
		}
	}
	PQclear(r);
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
	struct buf a[A_N];
	for (int c = 0; c < A_N; c++) a[c] = (struct buf)BUF_INIT;
	arrays(m, k, a);
	int r = 0;
	for (int c = 0; c < A_N && r == 0; c++)
		if (buf_error(&a[c])) r = dm_fail(e, DM_ETOOBIG, "--db %s: %s: out of memory", s->path, what);
	struct pg_params p = { 0 };
	pp_str(&p, digest);
	pp_int(&p, run);
	pp_dbl(&p, first);
	pp_dbl(&p, last);
	pp_int(&p, (int64_t)flows);
	for (int c = 0; c < A_N; c++) pp_str(&p, a[c].data);
	/* inside a caller's transaction: a savepoint, so that a failure (or
	 * the missing partition's) undoes only this save */
	int depth0 = PG(s)->depth;
	if (r == 0 && depth0) r = pg_begin(s, what, e);
	if (r == 0 && (r = send_save(s, &p, ret_known, e)) == 1) {
		if (depth0) pg_rollback(s);
		/* alone, the partitions are made in a transaction of their own:
		 * their maker's advisory lock is held to its end */
		r = pg_begin(s, what, e);
		int64_t *days;
		size_t n_days = row_days(v, n, &days);
		if (r == 0) r = pg_flow_partitions(s, days, n_days, e);
		free(days);
		if (r == 0 && !depth0) r = pg_commit(s, what, e);
		if (r == 0 && (r = send_save(s, &p, ret_known, e)) == 1)
			r = dm_fail(e, DM_ESTORE, "--db %s: %s: no partition of flow_hour takes the rows",
				    s->path, what);
	}
	while (PG(s)->depth > depth0) {
		if (r == 0)
			r = pg_commit(s, what, e);
		else
			pg_rollback(s);
	}
	for (int c = 0; c < A_N; c++) buf_release(&a[c]);
	for (size_t i = 0; i < k; i++) free(m[i].names);
	free(m);
	return r < 0 ? r : 0;
}

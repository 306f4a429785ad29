/* PostgreSQL backend: what each run saw of its hosts' identities (issue
 * 22, asset_idents), with the statements the SQLite backend runs. */
#include "store/pg-internal.h"
#include "store/store-row.h"
#include "base/util.h"
#include "net/route.h"
#include <stdlib.h>

static int save_one(struct store *s, int64_t run, const struct ident_obs *o, struct dm_err *e)
{
	char ip[IPADDR_STRLEN], mac[18] = "", key[IDENT_KEY_MAX];
	ipaddr_fmt(&o->ip, ip, sizeof(ip));
	if (o->has_mac) mac_fmt(o->mac, mac, sizeof(mac));
	ident_key(o, key);
	struct pg_params q = { 0 };
	pp_int(&q, run);
	pp_str(&q, ip);
	pp_str(&q, key);
	pp_str(&q, mac);
	pp_int(&q, o->mac_local);
	pp_str(&q, o->hostname);
	pp_str(&q, o->mac_from);
	pp_str(&q, o->name_from);
	pp_dbl(&q, o->seen);
	pp_str(&q, o->cert);
	pp_str(&q, o->snmp_engine);
	pp_str(&q, o->ssh_key);
	pp_str(&q, o->mdns_name);
	pp_str(&q, o->dns_name);
	return pg_cmd(s, ROW_IDENT_INSERT, &q, "saving the hosts' identities", e);
}

int pg_idents_save(struct store *s, int64_t run, const struct ident_set *is, struct dm_err *e)
{
	const char *what = "saving the hosts' identities";
	int r = pg_begin(s, what, e);
	struct pg_params p = { 0 };
	pp_int(&p, run);
	if (r == 0) r = pg_cmd(s, "DELETE FROM asset_idents WHERE run_id = $1", &p, what, e);
	for (size_t i = 0; i < is->n && r == 0; i++) r = save_one(s, run, &is->v[i], e);
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

int pg_idents_load(struct store *s, int64_t run, struct ident_set *out, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, run);
	PGresult *r = pg_q(s, ROW_IDENT_LOAD, &p, "loading the hosts' identities", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct store_row row = pg_row(r, i);
		struct ident_obs o;
		if (row_ident(&row, &o)) ident_set_add(out, &o);
	}
	PQclear(r);
	return 0;
}

int pg_ident_history(struct store *s, const char *key, int64_t through, struct ident_addr **ret,
		     size_t *ret_n, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, key);
	pp_int(&p, through);
	pp_str(&p, store_site(s) ? store_site(s) : "default");
	PGresult *r = pg_q(s, ROW_IDENT_HISTORY, &p, "reading an identity's addresses", e);
	if (!r) return DM_ESTORE;
	int rows = PQntuples(r);
	struct ident_addr *v = rows ? xcalloc((size_t)rows, sizeof(*v)) : NULL;
	size_t n = 0;
	for (int i = 0; i < rows; i++) {
		struct store_row row = pg_row(r, i);
		if (row_ident_addr(&row, &v[n])) n++;
	}
	PQclear(r);
	*ret = v;
	*ret_n = n;
	return 0;
}

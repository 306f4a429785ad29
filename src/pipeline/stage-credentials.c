/* The credentials stage: the services a scan identified, checked against the
 * database of defaults (creds/checker.c), as findings. */
#include "pipeline/stage-credentials.h"
#include "base/escape.h"
#include "analyze/credentials.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <string.h>
#include "base/datadir.h"

int cred_stage_prepare(const char *path, struct cred_db *db, struct dm_err *e)
{
	int r = cred_db_load(db, path ? path : dm_data("credentials.csv"), e);
	if (r < 0) return r;
	return cred_db_load_forms(db, dm_data("login-forms.csv"), e);
}

static void append(char *id, size_t len, const char *w)
{
	size_t n = strlen(id);
	if (!w || !*w || strstr(id, w) || n + strlen(w) + 2 >= len) return;
	snprintf(id + n, len - n, "%s%s", n ? " " : "", w);
}

void stage_credentials(const struct cred_stage_in *in, struct cred_stage_out *out)
{
	const struct resultset *rs = in->rs;
	struct cred_service *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t h = 0; h < rs->n_hosts; h++) {
		const struct host_entry *he = &rs->hosts[h];
		/* the device as a whole: what any of its services said it is */
		char id[160] = "";
		append(id, sizeof(id), he->vendor);
		for (size_t k = 0; k < he->n_svcs; k++) {
			append(id, sizeof(id), he->svcs[k].vendor);
			append(id, sizeof(id), he->svcs[k].product);
			append(id, sizeof(id), he->svcs[k].device);
		}
		for (size_t k = 0; k < he->n_svcs; k++) {
			const struct obs_service *s = &he->svcs[k];
			if (!creds_checkable(s->name)) continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				v = xrealloc(v, cap * sizeof(*v));
			}
			struct cred_service *c = &v[n++];
			memset(c, 0, sizeof(*c));
			c->ip = s->ip, c->port = s->port, c->proto = s->proto;
			snprintf(c->name, sizeof(c->name), "%s", s->name);
			snprintf(c->identity, sizeof(c->identity), "%s", id);
			append(c->identity, sizeof(c->identity), s->info);
		}
	}
	creds_check(in->db, v, n, in->o, &out->results);
	credential_findings(&out->results, now_real(), in->fs);
	free(v);
	findings_sort(in->fs);
}

void cred_stage_print(const struct cred_stage_out *cs, const struct cred_check_opts *o, FILE *out)
{
	FILE *f = term_open(out); /* a result's detail quotes what the service answered */
	if (!cs->results.n) {
		fprintf(f, "\nCREDENTIALS  no service with a login check was found\n");
		term_close_stream(f);
		return;
	}
	fprintf(f,
		"\nCREDENTIALS  %zu services checked (at most %u database entries each, %u attempts per "
		"host, %.1f s apart)\n",
		cs->results.n, o->budget, o->host_budget, o->delay);
	for (size_t i = 0; i < cs->results.n; i++) {
		const struct cred_result *r = &cs->results.v[i];
		char ip[IPADDR_STRLEN], where[64];
		ipaddr_fmt(&r->ip, ip, sizeof(ip));
		snprintf(where, sizeof(where), "%s:%u/%s", ip, r->port, proto_name(r->proto));
		fprintf(f, "  %-24s %-7s %-20s %2u tries  %s\n", where, r->check,
			cred_outcome_name(r->outcome), r->attempts, r->detail);
	}
	term_close_stream(f);
}

void cred_stage_release(struct cred_stage_out *cs)
{
	free(cs->results.v);
	cs->results = (struct cred_results){ 0 };
}

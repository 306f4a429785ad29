/* Running the login checks: hosts in parallel, a host's services one after
 * another, attempts spaced by the delay. */
#include "creds/checker.h"
#include "creds/login.h"
#include "base/log.h"
#include "base/redact.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <openssl/rand.h>
#include <pthread.h>
#include <string.h>

/* details are cut to their field on purpose */
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

const char *cred_outcome_name(enum cred_outcome o)
{
	static const char *const names[] = { "default-credentials", "anonymous", "refused", "no-login",
					     "inconclusive",        "lockout",   "error" };
	return o <= CRED_ERROR ? names[o] : "?";
}

bool creds_checkable(const char *service)
{
	bool tls;
	return login_proto_for(service, &tls) != NULL;
}

struct run {
	const struct cred_db *db;
	const struct cred_service *svcs;
	size_t n;
	const struct cred_check_opts *o;
	struct cred_results *out;
	size_t next; /* the next host's first service */
	pthread_mutex_t mu;
};

static void random_word(char *out, size_t n)
{
	static const char al[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char r[64];
	RAND_bytes(r, (int)MIN(n, sizeof(r)));
	for (size_t i = 0; i + 1 < n; i++) out[i] = al[r[i] % (sizeof(al) - 1)];
	out[n - 1] = 0;
}

struct host_state {
	unsigned spent;
	double last;
};

/* One attempt, spaced from the host's previous one. */
static void attempt(const struct run *R, struct host_state *h, const struct login_proto *p,
		    const struct login_target *t, const char *user, const char *pass, struct login_out *o,
		    double *took)
{
	if (h->last > 0) sleep_until_mono(h->last + R->o->delay);
	memset(o, 0, sizeof(*o));
	double t0 = now_mono();
	p->login(t, user, pass, o);
	h->last = now_mono();
	*took = h->last - t0;
	h->spent++;
}

static void check_service(const struct run *R, struct host_state *h, const struct cred_service *sv,
			  struct cred_result *res)
{
	bool tls;
	const struct login_proto *p = login_proto_for(sv->name, &tls);
	struct login_target t = { sv->ip, sv->port, tls, R->o->timeout };
	struct login_out o;
	double took, base = 0;
	memset(res, 0, sizeof(*res));
	res->ip = sv->ip, res->port = sv->port, res->proto = sv->proto;
	snprintf(res->service, sizeof(res->service), "%s", sv->name);
	snprintf(res->check, sizeof(res->check), "%s", p->name);
	snprintf(res->identity, sizeof(res->identity), "%s", sv->identity);
#define SPENT() (h->spent >= R->o->host_budget)
#define DONE(outc, ...)                                                  \
	do {                                                             \
		res->outcome = (outc);                                   \
		snprintf(res->detail, sizeof(res->detail), __VA_ARGS__); \
		return;                                                  \
	} while (0)
	if (SPENT())
		DONE(CRED_ERROR, "host budget of %u attempts spent on other services", R->o->host_budget);
	/* 1. no credentials at all */
	if (p->anonymous) {
		attempt(R, h, p, &t, NULL, NULL, &o, &took);
		res->attempts++;
		snprintf(res->method, sizeof(res->method), "%s", o.method);
		if (o.r == AUTH_OK) DONE(CRED_ANONYMOUS, "%s", o.detail);
		/* an open page: a device whose login is a web form, by what it was identified as */
		if (o.r == AUTH_NOAUTH && !strcmp(p->name, "http") &&
		    (t.form = cred_db_form(R->db, sv->identity))) {
			attempt(R, h, p, &t, NULL, NULL, &o, &took);
			res->attempts++;
			snprintf(res->method, sizeof(res->method), "form");
		}
		if (o.r == AUTH_NOAUTH) DONE(CRED_NO_LOGIN, "%s", o.detail);
		if (o.r == AUTH_ERROR) DONE(CRED_ERROR, "%s", o.detail);
		if (o.r == AUTH_LOCKED) DONE(CRED_LOCKOUT, "%s", o.detail);
	}
	/* 2. the negative control: a login nobody has must fail */
	if (SPENT()) DONE(CRED_ERROR, "host budget of %u attempts spent", R->o->host_budget);
	char ru[13], rp[21];
	random_word(ru, sizeof(ru));
	random_word(rp, sizeof(rp));
	attempt(R, h, p, &t, p->users ? ru : NULL, rp, &o, &took);
	res->attempts++;
	base = took;
	if (o.method[0]) snprintf(res->method, sizeof(res->method), "%s", o.method);
	if (o.r == AUTH_OK)
		DONE(CRED_INCONCLUSIVE, "a random login was accepted (%s): success cannot be told apart",
		     o.detail);
	if (o.r == AUTH_NOAUTH) DONE(CRED_NO_LOGIN, "%s", o.detail);
	if (o.r == AUTH_LOCKED) DONE(CRED_LOCKOUT, "%s", o.detail);
	if (o.r == AUTH_ERROR) DONE(CRED_ERROR, "negative control: %s", o.detail);
	/* 3. the database's entries for this kind of device */
	const struct cred_entry *pick[64];
	size_t np =
	    cred_db_pick(R->db, p->name, sv->identity, pick, MIN((size_t)R->o->budget, ARRAY_SIZE(pick)));
	for (size_t i = 0; i < np; i++) {
		if (SPENT())
			DONE(CRED_NONE, "host budget of %u attempts spent after %u entries",
			     R->o->host_budget, res->entries_tried);
		const struct cred_entry *x = pick[i];
		attempt(R, h, p, &t, p->users ? x->user : (x->user[0] ? x->user : NULL), x->pass, &o, &took);
		res->attempts++;
		res->entries_tried++;
		if (o.method[0]) snprintf(res->method, sizeof(res->method), "%s", o.method);
		if (o.r == AUTH_OK) {
			snprintf(res->vendor, sizeof(res->vendor), "%s", x->vendor);
			snprintf(res->source, sizeof(res->source), "%s", x->source);
			snprintf(res->db, sizeof(res->db), "%s", R->db->path);
			res->db_line = x->line;
			snprintf(res->user, sizeof(res->user), "%s", x->user);
			redact_fmt(x->pass, strlen(x->pass), res->pass_shown, sizeof(res->pass_shown));
			DONE(CRED_DEFAULT, "%s", o.detail);
		}
		if (o.r == AUTH_LOCKED)
			DONE(CRED_LOCKOUT, "after %u entries: %s", res->entries_tried, o.detail);
		if (o.r == AUTH_ERROR)
			DONE(CRED_LOCKOUT,
			     "after %u entries the service stopped answering (%s): stopped as a lockout sign",
			     res->entries_tried, o.detail);
		if (took > 2 && took > 3 * base)
			DONE(CRED_LOCKOUT,
			     "answers slowed from %.1f s to %.1f s after %u entries: stopped as a lockout "
			     "sign",
			     base, took, res->entries_tried);
	}
	DONE(CRED_NONE, "%u entr%s of the database refused", res->entries_tried,
	     res->entries_tried == 1 ? "y" : "ies");
#undef DONE
#undef SPENT
}

static void *worker(void *arg)
{
	struct run *R = arg;
	for (;;) {
		pthread_mutex_lock(&R->mu);
		size_t i = R->next;
		while (R->next < R->n && !ipaddr_cmp(&R->svcs[R->next].ip, &R->svcs[i].ip)) R->next++;
		size_t end = R->next;
		pthread_mutex_unlock(&R->mu);
		if (i >= R->n) return NULL;
		struct host_state h = { 0 };
		for (size_t k = i; k < end; k++) {
			if (!creds_checkable(R->svcs[k].name)) continue;
			struct cred_result res;
			check_service(R, &h, &R->svcs[k], &res);
			char ip[IPADDR_STRLEN];
			ipaddr_fmt(&res.ip, ip, sizeof(ip));
			log_info("creds: %s:%u %s: %s after %u attempts (%s)", ip, res.port, res.check,
				 cred_outcome_name(res.outcome), res.attempts, res.detail);
			pthread_mutex_lock(&R->mu);
			if (R->out->n == R->out->cap) {
				R->out->cap = R->out->cap ? R->out->cap * 2 : 32;
				R->out->v = xrealloc(R->out->v, R->out->cap * sizeof(*R->out->v));
			}
			R->out->v[R->out->n++] = res;
			pthread_mutex_unlock(&R->mu);
		}
	}
}

int creds_check(const struct cred_db *db, const struct cred_service *svcs, size_t n,
		const struct cred_check_opts *o, struct cred_results *out)
{
	struct run R = { .db = db, .svcs = svcs, .n = n, .o = o, .out = out };
	pthread_mutex_init(&R.mu, NULL);
	unsigned nt = MAX(1u, MIN(o->parallel, 256u));
	pthread_t th[256];
	unsigned started = 0;
	for (unsigned i = 0; i < nt; i++)
		if (pthread_create(&th[started], NULL, worker, &R) == 0) started++;
	if (!started) worker(&R);
	for (unsigned i = 0; i < started; i++) pthread_join(th[i], NULL);
	pthread_mutex_destroy(&R.mu);
	return 0;
}

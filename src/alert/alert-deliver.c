/* Delivery of the outbox (alert/alert.h): per channel, the due alerts in
 * order; each is marked begun, sent, then marked delivered, or failed with
 * its next try; the channel stops at its first failure so that a receiver
 * that comes back gets everything in order. */
#include "alert/alert.h"
#include "base/util.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH 64

double alert_backoff(int failures)
{
	double d = 1;
	for (int i = 1; i < failures && d < 300; i++) d *= 2;
	return d < 300 ? d : 300;
}

struct pending {
	int64_t id;
	int attempts;
	bool sending;
	char key[160];
	char *body, *subject;
};

struct batch {
	const struct alert_config *c;
	const char *host;
	struct pending v[BATCH];
	size_t n;
	int err;
};

static int take(void *ctx, const struct life_alert *a)
{
	struct batch *b = ctx;
	if (b->n == BATCH) return 0;
	struct pending *p = &b->v[b->n];
	struct buf body = { .max = 1 << 20 }, subject = { .max = 4096 };
	if (alert_format(a, alert_config_format(b->c), b->host, &body) < 0 ||
	    alert_subject(a, &subject) < 0) {
		/* a body over 1 MiB: evidence is capped far below; kept as an error */
		buf_release(&body);
		buf_release(&subject);
		b->err = DM_ETOOBIG;
		return 0;
	}
	*p = (struct pending){ .id = a->id, .attempts = a->attempts, .sending = a->sending };
	snprintf(p->key, sizeof(p->key), "%s", a->key);
	p->body = buf_detach(&body);
	p->subject = buf_detach(&subject);
	b->n++;
	return 0;
}

static void batch_release(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].body);
		free(b->v[i].subject);
	}
	b->n = 0;
}

static int deliver_channel(struct store *st, const struct alert_config *c, const char *host, double now,
			   struct alert_stats *ret, struct dm_err *e)
{
	for (;;) {
		struct batch b = { .c = c, .host = host };
		int r = store_alert_pending(st, c->name, now, BATCH, take, &b, e);
		if (r < 0) {
			batch_release(&b);
			return r;
		}
		size_t i = 0;
		bool stop = false;
		for (; i < b.n && !stop; i++) {
			struct pending *p = &b.v[i];
			struct dm_err se = { "" };
			if ((r = store_alert_mark(st, p->id, ALERT_MARK_SENDING, now, 0, NULL, e)) < 0) break;
			if (alert_send(c, p->key, p->subject, p->body, p->sending, &se) == 0) {
				r = store_alert_mark(st, p->id, ALERT_MARK_SENT, now, 0, NULL, e);
				ret->sent++;
			} else {
				double next = now + alert_backoff(p->attempts + 1);
				r = store_alert_mark(st, p->id, ALERT_MARK_FAILED, now, next, se.msg, e);
				ret->failed++;
				snprintf(ret->error, sizeof(ret->error), "[alert %.63s]: %.400s", c->name,
					 se.msg);
				stop = true;
			}
			if (r < 0) break;
		}
		size_t got = b.n;
		batch_release(&b);
		if (r < 0) return r;
		if (stop || got < BATCH) return 0;
	}
}

struct count_ctx {
	const struct alert_configs *cfg;
	struct alert_stats *ret;
};

static int count_pending(void *ctx, const struct life_alert *a)
{
	struct count_ctx *k = ctx;
	if (!alert_config_find(k->cfg, a->channel)) return 0;
	k->ret->pending++;
	if (a->next_try > 0 && (!k->ret->next_try || a->next_try < k->ret->next_try))
		k->ret->next_try = a->next_try;
	return 0;
}

int alerts_deliver_pending(struct store *st, const struct alert_configs *cfg, double now,
			   struct alert_stats *ret, struct dm_err *e)
{
	struct alert_stats s = { 0 };
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) < 0) *host = 0;
	int r = 0;
	for (size_t i = 0; cfg && i < cfg->n && r == 0; i++)
		r = deliver_channel(st, &cfg->v[i], host, now, &s, e);
	struct count_ctx k = { cfg, &s };
	if (r == 0 && cfg) r = store_alert_list(st, true, 0, count_pending, &k, e);
	if (ret) *ret = s;
	return r;
}

/* Redis: INFO server. An answer without AUTH means the data is open to
 * anyone who reaches the port; "-NOAUTH" means a password is set. */
#include "probe/services.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void redis_start(struct pconn *c) { pconn_send(c, "INFO server\r\n", 13); }

static int redis_on_data(struct pconn *c)
{
	const char *b = (const char *)c->rbuf;
	if (b[0] == '-' || b[0] == '+') return memchr(b, '\n', c->rlen) ? PR_DONE : PR_MORE;
	if (b[0] != '$') return PR_FAIL;
	const char *nl = memchr(b, '\n', c->rlen);
	if (!nl) return PR_MORE;
	long n = strtol(b + 1, NULL, 10);
	if (n < 0) return PR_DONE;
	return (size_t)(nl + 1 - b) + (size_t)n <= c->rlen || c->rlen >= c->cap ? PR_DONE : PR_MORE;
}

static void redis_finish(struct pconn *c, bool ok)
{
	struct svc *s = c->svc;
	const char *b = (const char *)c->rbuf;
	if (!ok || c->rlen == 0 || (b[0] != '$' && b[0] != '-')) return;
	s->identified = true;
	snprintf(s->out.name, sizeof(s->out.name), "redis");
	snprintf(s->out.product, sizeof(s->out.product), "Redis");
	snprintf(s->out.vendor, sizeof(s->out.vendor), "Redis");
	s->rank = RANK_OWN;
	snprintf(s->out.source, sizeof(s->out.source), "dormant:probe-redis");
	if (b[0] == '-') {
		svc_set_banner(s, c->rbuf, MIN(c->rlen, 200));
		snprintf(s->out.info, sizeof(s->out.info), "password required");
		return;
	}
	s->out.anonymous = true;
	snprintf(s->out.info, sizeof(s->out.info), "INFO answered without AUTH");
	const char *v = strstr(b, "redis_version:");
	if (v) svc_set_banner(s, (const uint8_t *)v, strcspn(v, "\r\n"));
	svc_evidence(s, "redis.info", b, c->rlen);
}

const struct proto_ops proto_redis = {
	.name = "redis",
	.cap = 16384,
	.timeout = 3,
	.start = redis_start,
	.on_data = redis_on_data,
	.finish = redis_finish,
};

/* RTSP, the streaming protocol of cameras and recorders: OPTIONS for the
 * Server and Public headers, then DESCRIBE, whose 401 names the login realm. */
#include "probe/services.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

static void request(struct pconn *c, const char *method, int cseq)
{
	char ip[IPADDR_STRLEN], req[512];
	ipaddr_fmt(&c->svc->out.ip, ip, sizeof(ip));
	int n = snprintf(req, sizeof(req),
			 "%s rtsp://%s:%u/ RTSP/1.0\r\nCSeq: %d\r\nUser-Agent: dormant/" DORMANT_VERSION
			 "\r\n%s\r\n",
			 method, ip, c->svc->out.port, cseq,
			 !strcmp(method, "DESCRIBE") ? "Accept: application/sdp\r\n" : "");
	pconn_send(c, req, (size_t)n);
}

static void rtsp_start(struct pconn *c) { request(c, "OPTIONS", 1); }

static void note(struct svc *s, const struct http_resp *r)
{
	struct obs_service *o = &s->out;
	if (r->server[0]) svc_evidence(s, "rtsp_header.server", r->server, strlen(r->server));
	if (r->www_auth[0]) {
		svc_evidence(s, "http_header.wwwauth", r->www_auth, strlen(r->www_auth));
		snprintf(o->info, sizeof(o->info), "DESCRIBE %d: %.200s", r->status, r->www_auth);
	} else if (r->public_[0] && !o->info[0]) {
		snprintf(o->info, sizeof(o->info), "methods: %s", r->public_);
	}
}

static int rtsp_on_data(struct pconn *c)
{
	struct http_resp r;
	int st = http_parse_response(c->rbuf + 0, c->rlen, false, &r);
	if (st < 0) return PR_FAIL;
	if (st == 0) return PR_MORE;
	if (!r.is_rtsp) return PR_FAIL;
	c->svc->identified = true;
	snprintf(c->svc->out.name, sizeof(c->svc->out.name), "rtsp");
	if (c->step == 0) svc_set_banner(c->svc, c->rbuf, MIN(r.header_len, 400));
	note(c->svc, &r);
	if (c->step++ == 0) {
		pconn_consume(c, r.header_len + r.body_len);
		request(c, "DESCRIBE", 2);
		return PR_MORE;
	}
	return PR_DONE;
}

static void rtsp_finish(struct pconn *c, bool ok)
{
	(void)c;
	(void)ok; /* everything was noted as it arrived */
}

const struct proto_ops proto_rtsp = {
	.name = "rtsp",
	.cap = 16384,
	.timeout = 4,
	.start = rtsp_start,
	.on_data = rtsp_on_data,
	.finish = rtsp_finish,
};

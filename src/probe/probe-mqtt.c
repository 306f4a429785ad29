/* MQTT: CONNECT without credentials. CONNACK 0 means anyone may publish
 * and subscribe; then the broker's $SYS/broker/version names it. */
#include "probe/services.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

static const uint8_t connect_pkt[] = {
	0x10, 0x19,                                 /* CONNECT, 25 bytes follow */
	0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, /* MQTT 3.1.1, clean session */
	0x00, 0x1e,                                 /* keep alive 30 s */
	0x00, 0x0d, 'd', 'o', 'r', 'm', 'a',  'n',  't', '-', 'p', 'r', 'o', 'b', 'e',
};
static const uint8_t subscribe_pkt[] = {
	0x82, 0x18, 0x00, 0x01, /* SUBSCRIBE, packet id 1 */
	0x00, 0x13, '$',  'S',  'Y', 'S', '/', 'b', 'r', 'o', 'k',
	'e',  'r',  '/',  'v',  'e', 'r', 's', 'i', 'o', 'n', 0x00, /* QoS 0 */
};

static void mqtt_start(struct pconn *c) { pconn_send(c, connect_pkt, sizeof(connect_pkt)); }

/* Length of the packet at p (fixed header + remaining length), or 0 if incomplete/invalid. */
static size_t packet_len(const uint8_t *p, size_t len, size_t *hdr)
{
	size_t rem = 0, mult = 1, i = 1;
	for (; i < len && i < 5; i++) {
		rem += (size_t)(p[i] & 0x7f) * mult;
		mult *= 128;
		if (!(p[i] & 0x80)) break;
	}
	if (i >= len || i >= 5) return 0;
	*hdr = i + 1;
	return *hdr + rem <= len ? *hdr + rem : 0;
}

static int mqtt_on_data(struct pconn *c)
{
	struct svc *s = c->svc;
	for (;;) {
		size_t hdr, n = packet_len(c->rbuf, c->rlen, &hdr);
		if (!n) return c->rlen >= c->cap ? PR_FAIL : PR_MORE;
		uint8_t type = c->rbuf[0] >> 4;
		if (c->step == 0) {
			if (type != 2 || n != 4) return PR_FAIL; /* CONNACK, 2 bytes */
			/* step 1 + the return code; the port counts as identified only
			 * when this connection ends (mqtt_finish): marked now, the
			 * end of another guess would cancel it before $SYS answers */
			uint8_t rc = c->rbuf[3];
			c->step = 1 + rc;
			pconn_consume(c, n);
			if (rc != 0) return PR_DONE;
			pconn_send(c, subscribe_pkt, sizeof(subscribe_pkt));
			continue;
		}
		if (type == 3 && n > hdr + 2) { /* PUBLISH: topic, then the payload */
			size_t tl = (size_t)c->rbuf[hdr] << 8 | c->rbuf[hdr + 1];
			size_t off = hdr + 2 + tl;
			if (off <= n) {
				char v[128];
				size_t vl = MIN(n - off, sizeof(v) - 1);
				memcpy(v, c->rbuf + off, vl);
				v[vl] = 0;
				svc_set_banner(s, (const uint8_t *)v, vl);
				svc_evidence(s, "mqtt.sys_version", v, vl);
			}
			return PR_DONE;
		}
		pconn_consume(c, n); /* SUBACK and others */
		if (!c->rlen) return PR_MORE;
	}
}

static void mqtt_finish(struct pconn *c, bool ok)
{
	struct svc *s = c->svc;
	(void)ok;
	if (c->step < 1) return;
	int rc = c->step - 1;
	s->identified = true;
	snprintf(s->out.name, sizeof(s->out.name), "mqtt");
	s->out.anonymous = rc == 0;
	snprintf(s->out.info, sizeof(s->out.info), "%s",
		 rc == 0   ? "CONNECT without credentials accepted"
		 : rc == 5 ? "not authorized (credentials required)"
		 : rc == 4 ? "bad user name or password"
			   : "connection refused");
}

const struct proto_ops proto_mqtt = {
	.name = "mqtt",
	.cap = 8192,
	.timeout = 3,
	.start = mqtt_start,
	.on_data = mqtt_on_data,
	.finish = mqtt_finish,
};

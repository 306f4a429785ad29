/* SNMP v1 and v2c communities: a GetRequest for sysDescr.0 with the
 * community as the secret, sent once in each version in the same attempt
 * (agents that speak only v1 drop v2c). Agents drop requests with a wrong
 * community in silence, so no answer within the timeout is a refusal. */
#include "creds/login.h"
#include "creds/sock.h"
#include "base/util.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

void login_snmp(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	(void)user;
	static const unsigned char oid[] = { 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00 };
	unsigned char pdu[64], msg[200];
	size_t cl = pass ? strlen(pass) : 0;
	snprintf(o->method, sizeof(o->method), "community");
	if (!pass || cl > 100) {
		o->r = AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail), "no community");
		return;
	}
	/* varbind list { { sysDescr.0, NULL } } */
	size_t n = 0;
	unsigned id = (unsigned)getpid() & 0x7fff;
	pdu[n++] = 0xa0; /* GetRequest */
	pdu[n++] = (unsigned char)(4 + 3 + 3 + 2 + 2 + sizeof(oid) + 2);
	pdu[n++] = 0x02, pdu[n++] = 0x02, pdu[n++] = (unsigned char)(id >> 8), pdu[n++] = (unsigned char)id;
	pdu[n++] = 0x02, pdu[n++] = 0x01, pdu[n++] = 0x00; /* error-status */
	pdu[n++] = 0x02, pdu[n++] = 0x01, pdu[n++] = 0x00; /* error-index */
	pdu[n++] = 0x30, pdu[n++] = (unsigned char)(sizeof(oid) + 4);
	pdu[n++] = 0x30, pdu[n++] = (unsigned char)(sizeof(oid) + 2);
	memcpy(pdu + n, oid, sizeof(oid));
	n += sizeof(oid);
	pdu[n++] = 0x05, pdu[n++] = 0x00;
	size_t m = 0, body = 3 + 2 + cl + n;
	msg[m++] = 0x30, msg[m++] = (unsigned char)body;
	size_t version_at = m + 2;
	msg[m++] = 0x02, msg[m++] = 0x01, msg[m++] = 0x01; /* version: v2c */
	msg[m++] = 0x04, msg[m++] = (unsigned char)cl;
	memcpy(msg + m, pass, cl);
	m += cl;
	memcpy(msg + m, pdu, n);
	m += n;
	struct csock s;
	int r = csock_udp(&s, &t->ip, t->port, t->timeout);
	if (r == 0 && (r = csock_send(&s, msg, m)) == 0) {
		msg[version_at] = 0x00; /* the same request in v1 */
		r = csock_send(&s, msg, m);
	}
	if (r < 0) {
		o->r = AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail), "%s", strerror(-r));
		csock_close(&s);
		return;
	}
	unsigned char in[1500];
	ssize_t k = csock_recv(&s, in, sizeof(in), t->timeout);
	csock_close(&s);
	if (k == -ETIMEDOUT) {
		o->r = AUTH_FAIL;
		snprintf(o->detail, sizeof(o->detail), "no answer (wrong community)");
	} else if (k > 0 && in[0] == 0x30 && memmem(in, (size_t)k, "\xa2", 1)) {
		o->r = AUTH_OK;
		size_t vat = 4 + (in[1] & 0x80 ? (size_t)(in[1] & 0x7f) : 0); /* after the message's length */
		snprintf(o->detail, sizeof(o->detail), "GetResponse (SNMP%s) to sysDescr.0",
			 (size_t)k > vat && in[vat] == 1 ? "v2c" : "v1");
	} else {
		o->r = AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail), k < 0 ? "%s" : "not an SNMP response",
			 k < 0 ? strerror((int)-k) : "");
	}
}

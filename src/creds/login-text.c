/* Logins over line protocols and small binary ones: FTP, Telnet, Redis,
 * MQTT; and the table of checks by service name. */
#include "creds/login.h"
#include "creds/sock.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct login_proto protos[] = {
	{ "http", login_http, true, true }, { "rtsp", login_rtsp, true, true },
	{ "ftp", login_ftp, true, true },   { "telnet", login_telnet, true, true },
	{ "ssh", login_ssh, false, true },  { "snmp", login_snmp, false, false },
	{ "mqtt", login_mqtt, true, true }, { "redis", login_redis, true, false },
};

const struct login_proto *login_proto_for(const char *service, bool *tls)
{
	*tls = !strcmp(service, "https") || !strcmp(service, "https-alt");
	const char *name = *tls || !strcmp(service, "http-alt") || !strcmp(service, "http-proxy") ? "http"
												  : service;
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
		if (!strcmp(protos[i].name, name)) return &protos[i];
	return NULL;
}

void login_said(struct login_out *o, const char *prefix, const char *text)
{
	size_t n = strlen(prefix);
	snprintf(o->detail, sizeof(o->detail), "%s", prefix);
	for (const char *p = text; *p && *p != '\r' && *p != '\n' && n < sizeof(o->detail) - 1; p++)
		o->detail[n++] = isprint((unsigned char)*p) ? *p : '?';
	o->detail[n] = 0;
}

static void fail_errno(struct login_out *o, int r, const char *what)
{
	o->r = AUTH_ERROR;
	snprintf(o->detail, sizeof(o->detail), "%s: %s", what, r == 0 ? "no answer" : strerror(-r));
}

/* ---- FTP ---- */

/* Reads one reply (multi-line "123-" ... "123 "); returns its code or <0. */
static int ftp_reply(struct csock *s, struct buf *b, double wait)
{
	buf_reset(b);
	for (;;) {
		int r = csock_read_until(s, b, "\n", 8192, wait);
		if (r <= 0) return r < 0 ? r : -ETIMEDOUT;
		/* the last line of the reply is "NNN " */
		const char *line = b->data, *nl;
		while ((nl = strchr(line, '\n'))) {
			if (strlen(line) >= 4 && isdigit((unsigned char)line[0]) && line[3] == ' ')
				return atoi(line);
			line = nl + 1;
		}
		if (b->len >= 8192) return -EPROTO;
		/* wait for more lines: read_until found the old newline */
		size_t before = b->len;
		r = csock_read_until(s, b, NULL, 8192, 0.5);
		if (b->len == before) {
			if (strlen(b->data) >= 4 && b->data[3] == ' ') return atoi(b->data);
			return -ETIMEDOUT;
		}
	}
}

void login_ftp(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	struct csock s;
	struct buf b = BUF_INIT;
	char cmd[200];
	snprintf(o->method, sizeof(o->method), "%s", user ? "password" : "anonymous");
	int r = csock_connect(&s, &t->ip, t->port, false, t->timeout);
	if (r < 0) {
		fail_errno(o, r, "connect");
		return;
	}
	int code = ftp_reply(&s, &b, t->timeout);
	if (code != 220) {
		code < 0 ? fail_errno(o, code, "greeting") : login_said(o, "greeting: ", b.data);
		o->r = code == 421 ? AUTH_LOCKED : AUTH_ERROR;
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "USER %s\r\n", user ? user : "anonymous");
	if ((r = csock_send(&s, cmd, strlen(cmd))) < 0 || (code = ftp_reply(&s, &b, t->timeout)) < 0) {
		fail_errno(o, r < 0 ? r : code, "USER");
		goto out;
	}
	if (code == 331 || code == 332) {
		snprintf(cmd, sizeof(cmd), "PASS %s\r\n", user ? pass : "dormant@");
		if ((r = csock_send(&s, cmd, strlen(cmd))) < 0 ||
		    (code = ftp_reply(&s, &b, t->timeout + 3)) < 0) {
			fail_errno(o, r < 0 ? r : code, "PASS");
			goto out;
		}
	}
	login_said(o, "", b.data);
	o->r = code == 230                                 ? AUTH_OK
	       : code == 421                               ? AUTH_LOCKED
	       : code == 530 || code == 430 || code == 331 ? AUTH_FAIL
							   : AUTH_ERROR;
	if (o->r == AUTH_FAIL && (strcasestr(b.data, "locked") || strcasestr(b.data, "too many")))
		o->r = AUTH_LOCKED;
	csock_send(&s, "QUIT\r\n", 6);
out:
	buf_release(&b);
	csock_close(&s);
}

/* ---- Telnet ---- */

enum { IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240 };

/* Reads what the device says, answering every option request with a
 * refusal, and keeps the text without the negotiation. */
static int telnet_read(struct csock *s, struct buf *text, double wait, const char *const *until)
{
	unsigned char in[2048];
	double end = now_mono() + wait;
	int state = 0;
	for (;;) {
		for (const char *const *u = until; *u; u++)
			if (text->len && strcasestr(text->data, *u)) return 1;
		if (text->len > 65536) return -EPROTO; /* talks without end */
		double left = end - now_mono();
		if (left <= 0) return 0;
		ssize_t k = csock_recv(s, in, sizeof(in), left);
		if (k == -ETIMEDOUT || k == 0) return k == 0 ? -ECONNRESET : 0;
		if (k < 0) return (int)k;
		unsigned char reply[3 * sizeof(in)];
		size_t rn = 0;
		for (ssize_t i = 0; i < k; i++) {
			unsigned char c = in[i];
			switch (state) {
			case 0:
				if (c == IAC)
					state = 1;
				else if (c)
					buf_putc(text, (char)c);
				break;
			case 1:
				state = c == SB                                            ? 3
					: (c == DO || c == DONT || c == WILL || c == WONT) ? c
											   : 0;
				if (c == IAC) buf_putc(text, (char)c), state = 0;
				break;
			case 3: /* subnegotiation: skip to IAC SE */
				if (c == IAC) state = 4;
				break;
			case 4: state = c == SE ? 0 : 3; break;
			default: /* the option byte of DO/DONT/WILL/WONT */
				if (state == DO)
					reply[rn++] = IAC, reply[rn++] = WONT, reply[rn++] = c;
				else if (state == WILL)
					reply[rn++] = IAC, reply[rn++] = DONT, reply[rn++] = c;
				state = 0;
			}
		}
		if (rn && csock_send(s, reply, rn) < 0) return -EPIPE;
	}
}

static bool ends_with_prompt(const struct buf *b)
{
	size_t n = b->len;
	while (n && (b->data[n - 1] == ' ' || b->data[n - 1] == '\r' || b->data[n - 1] == '\n')) n--;
	return n && strchr("#$>%", b->data[n - 1]);
}

void login_telnet(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	static const char *const login_p[] = { "login:", "username:", "user name:", "password:", NULL };
	static const char *const pass_p[] = { "password:", NULL };
	struct csock s;
	struct buf b = BUF_INIT;
	snprintf(o->method, sizeof(o->method), "%s", user ? "password" : "no login");
	int r = csock_connect(&s, &t->ip, t->port, false, t->timeout);
	if (r < 0) {
		fail_errno(o, r, "connect");
		return;
	}
	r = telnet_read(&s, &b, t->timeout, login_p);
	if (r <= 0) {
		/* no prompt: an open shell, or a device that never asks */
		if (r == 0 && ends_with_prompt(&b)) {
			o->r = user ? AUTH_NOAUTH : AUTH_OK;
			login_said(o, "shell without a login: ", b.data);
		} else
			fail_errno(o, r, "no login prompt");
		goto out;
	}
	if (!user) { /* the anonymous check: a login is asked for */
		o->r = AUTH_FAIL;
		snprintf(o->detail, sizeof(o->detail), "asks for a login");
		goto out;
	}
	char line[200];
	bool pw_only = strcasestr(b.data, "password:") && !strcasestr(b.data, "login:") &&
		       !strcasestr(b.data, "user");
	if (!pw_only) {
		snprintf(line, sizeof(line), "%s\r\n", user);
		buf_reset(&b);
		if ((r = csock_send(&s, line, strlen(line))) < 0 ||
		    (r = telnet_read(&s, &b, t->timeout, pass_p)) <= 0) {
			fail_errno(o, r, "no password prompt");
			goto out;
		}
	}
	snprintf(line, sizeof(line), "%s\r\n", pass);
	buf_reset(&b);
	if ((r = csock_send(&s, line, strlen(line))) < 0) {
		fail_errno(o, r, "send");
		goto out;
	}
	/* a refusal or a new prompt says no; a shell prompt says yes. PAM's
	 * delay after a failure is a few seconds: wait for it. */
	static const char *const verdict[] = { "incorrect", "failed",    "denied",    "invalid",
					       "login:",    "username:", "password:", NULL };
	double end = now_mono() + t->timeout + 4;
	while (now_mono() < end) {
		r = telnet_read(&s, &b, 0.5, verdict);
		if (r != 0) break;
		if (ends_with_prompt(&b)) break;
	}
	if (r == 1 || (r < 0 && !ends_with_prompt(&b))) {
		o->r = strcasestr(b.data, "locked") || strcasestr(b.data, "too many") ? AUTH_LOCKED
										      : AUTH_FAIL;
		login_said(o, "", b.len ? b.data : "connection closed");
	} else if (ends_with_prompt(&b)) {
		o->r = AUTH_OK;
		snprintf(o->detail, sizeof(o->detail), "shell prompt after the login");
		csock_send(&s, "exit\r\n", 6);
	} else {
		fail_errno(o, 0, "no verdict after the password");
	}
out:
	buf_release(&b);
	csock_close(&s);
}

/* ---- Redis ---- */

void login_redis(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	struct csock s;
	struct buf b = BUF_INIT;
	char cmd[300];
	snprintf(o->method, sizeof(o->method), "%s", pass ? "AUTH" : "no AUTH");
	int r = csock_connect(&s, &t->ip, t->port, false, t->timeout);
	if (r < 0) {
		fail_errno(o, r, "connect");
		return;
	}
	if (!pass)
		snprintf(cmd, sizeof(cmd), "PING\r\n");
	else if (user && *user)
		snprintf(cmd, sizeof(cmd), "AUTH %s %s\r\n", user, pass);
	else
		snprintf(cmd, sizeof(cmd), "AUTH %s\r\n", pass);
	if ((r = csock_send(&s, cmd, strlen(cmd))) < 0 ||
	    (r = csock_read_until(&s, &b, "\r\n", 4096, t->timeout)) <= 0) {
		fail_errno(o, r, "reply");
		goto out;
	}
	login_said(o, "", b.data);
	if (b.data[0] == '+')
		o->r = AUTH_OK;
	else if (strstr(b.data, "NOAUTH") || strstr(b.data, "WRONGPASS") || strstr(b.data, "invalid") ||
		 strstr(b.data, "no password is set"))
		o->r = strstr(b.data, "no password is set") ? AUTH_NOAUTH : AUTH_FAIL;
	else
		o->r = AUTH_ERROR;
out:
	buf_release(&b);
	csock_close(&s);
}

/* ---- MQTT 3.1.1 ---- */

static size_t put_str(unsigned char *p, const char *s)
{
	size_t n = strlen(s);
	p[0] = (unsigned char)(n >> 8), p[1] = (unsigned char)n;
	memcpy(p + 2, s, n);
	return n + 2;
}

void login_mqtt(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	unsigned char pkt[512], body[500];
	size_t n = 0;
	char id[24];
	snprintf(id, sizeof(id), "dormant-%ld", (long)getpid());
	n += put_str(body + n, "MQTT");
	body[n++] = 4;                                                             /* 3.1.1 */
	body[n++] = (unsigned char)(0x02 | (user ? 0x80 : 0) | (pass ? 0x40 : 0)); /* clean session */
	body[n++] = 0, body[n++] = 10;                                             /* keep-alive */
	n += put_str(body + n, id);
	if (user) n += put_str(body + n, MIN(strlen(user), (size_t)100) == strlen(user) ? user : "");
	if (pass) n += put_str(body + n, strlen(pass) <= 100 ? pass : "");
	pkt[0] = 0x10, pkt[1] = (unsigned char)n; /* under 128 bytes: one length byte */
	memcpy(pkt + 2, body, n);
	snprintf(o->method, sizeof(o->method), "%s", user ? "password" : "anonymous");
	struct csock s;
	int r = csock_connect(&s, &t->ip, t->port, t->tls, t->timeout);
	if (r < 0) {
		fail_errno(o, r, "connect");
		return;
	}
	unsigned char ack[4];
	size_t got = 0;
	if ((r = csock_send(&s, pkt, n + 2)) < 0) {
		fail_errno(o, r, "send");
		goto out;
	}
	while (got < 4) {
		ssize_t k = csock_recv(&s, ack + got, 4 - got, t->timeout);
		if (k <= 0) break;
		got += (size_t)k;
	}
	if (got < 4 || ack[0] != 0x20 || ack[1] != 2) {
		/* brokers close the connection on a refused login without a CONNACK too */
		o->r = got == 0 ? AUTH_FAIL : AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail),
			 got == 0 ? "connection closed without CONNACK" : "not an MQTT CONNACK");
		goto out;
	}
	static const char *const rc[] = {
		"accepted",           "unacceptable protocol version", "identifier rejected",
		"server unavailable", "bad user name or password",     "not authorized"
	};
	snprintf(o->detail, sizeof(o->detail), "CONNACK %u (%s)", ack[3], ack[3] < 6 ? rc[ack[3]] : "?");
	o->r = ack[3] == 0 ? AUTH_OK : ack[3] == 4 || ack[3] == 5 ? AUTH_FAIL : AUTH_ERROR;
	if (o->r == AUTH_OK) csock_send(&s, "\xe0\x00", 2); /* DISCONNECT */
out:
	csock_close(&s);
}

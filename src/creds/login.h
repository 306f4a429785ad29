/* One login attempt per call, per protocol. Every function connects,
 * tries, and closes within the target's timeout; none retries. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "net/addr.h"

struct login_form;

struct login_target {
	struct ipaddr ip;
	uint16_t port;
	bool tls;
	double timeout;                /* per wait, seconds */
	const struct login_form *form; /* http: log in through this web form instead of Basic/Digest */
};

enum auth {
	AUTH_FAIL,   /* the service refused the login */
	AUTH_OK,     /* logged in */
	AUTH_LOCKED, /* the service says it is locking us out or slowing us down */
	AUTH_ERROR,  /* no usable answer: refused, reset, silent, garbled */
	AUTH_NOAUTH, /* nothing here asks for a login (an open web page) */
};

struct login_out {
	enum auth r;
	char method[24];  /* basic, digest, password, community, ... */
	char detail[160]; /* what the service said, printable */
};

/* user or pass NULL: the anonymous check (no credentials at all). */
typedef void (*login_fn)(const struct login_target *t, const char *user, const char *pass,
			 struct login_out *o);

struct login_proto {
	const char *name; /* the credential database's protocol column */
	login_fn login;
	bool anonymous; /* login(t, NULL, NULL) tells whether no credentials are needed */
	bool users;     /* entries need a user (SNMP and Redis take only a secret) */
};

/* The check for a service name (http, https, rtsp, ftp, telnet, ssh, snmp, mqtt, redis); NULL if none. */
const struct login_proto *login_proto_for(const char *service, bool *tls);

void login_http(const struct login_target *t, const char *user, const char *pass, struct login_out *o);
void login_rtsp(const struct login_target *t, const char *user, const char *pass, struct login_out *o);
void login_ftp(const struct login_target *t, const char *user, const char *pass, struct login_out *o);
void login_telnet(const struct login_target *t, const char *user, const char *pass, struct login_out *o);
void login_ssh(const struct login_target *t, const char *user, const char *pass, struct login_out *o);
void login_snmp(const struct login_target *t, const char *user, const char *pass, struct login_out *o);
void login_mqtt(const struct login_target *t, const char *user, const char *pass, struct login_out *o);
void login_redis(const struct login_target *t, const char *user, const char *pass, struct login_out *o);
/* "what the service said": the first line of text, printable, for detail. */
void login_said(struct login_out *o, const char *prefix, const char *text);
/* The HTTP/RTSP reply parsers on one reply (the fuzz target's entry). */
int login_http_inspect(const char *reply, char *out, size_t len);

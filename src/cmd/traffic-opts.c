/* The traffic options of `flows` and `collect`: --rules is checked
 * against the rule table as it is parsed. */
#include "cmd/traffic-opts.h"
#include "base/log.h"
#include "base/util.h"
#include "store/store.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static int rules_check(const char *list, struct dm_err *e)
{
	char *copy = xstrdup(list), *save = NULL;
	int r = 0;
	for (char *t = strtok_r(copy, ",", &save); t && !r; t = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < traffic_rules_count && strcmp(traffic_rules[i].id, t)) i++;
		if (i == traffic_rules_count)
			r = dm_fail(e, DM_EINPUT, "--rules: unknown rule \"%s\" (see --help)", t);
	}
	free(copy);
	return r;
}

void traffic_rules_help(FILE *f)
{
	fprintf(f, "\nTraffic rules (default severity):\n");
	for (size_t i = 0; i < traffic_rules_count; i++)
		fprintf(f, "  %-28s %-9s %s\n", traffic_rules[i].id, severity_name(traffic_rules[i].severity),
			traffic_rules[i].description);
}

int traffic_args_opt(struct traffic_args *t, int id, const char *name, const char *arg, struct dm_err *e)
{
	switch (id) {
	case T_CONFIG: t->config = arg; return 0;
	case T_GEOIP: t->geoip = arg; return 0;
	case T_DB: t->db = arg; return 0;
	case T_SITE: t->site = arg; return store_site_check(name, arg, e);
	case T_RULES: t->rules = arg; return rules_check(arg, e);
	case T_NOANALYZE: t->no_analyze = true; return 0;
	case T_EXPLAIN:
		if (ipaddr_parse(arg, &t->explain) < 0)
			return dm_fail(e, DM_EINPUT, "%s \"%s\": expected an IP address", name, arg);
		return 0;
	case T_FAILON:
		if ((t->fail_on = severity_parse(arg)) < 0)
			return dm_fail(e, DM_EINPUT,
				       "%s \"%s\": expected info, low, medium, high or critical", name, arg);
		return 0;
	}
	return 1;
}

int listen_parse(const char *s, struct sockaddr_storage *ret, socklen_t *ret_len, struct dm_err *e)
{
	struct sockaddr_storage tmp;
	socklen_t tl;
	struct sockaddr_storage *ss = ret ? ret : &tmp;
	socklen_t *len = ret_len ? ret_len : &tl;
	char host[64];
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s || strlen(s) >= sizeof(host)) goto bad;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535) goto bad;
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = 0;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1) goto bad;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return 0;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1) goto bad;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*len = sizeof(*s4);
	return 0;
bad:
	return dm_fail(e, DM_EINPUT, "--listen \"%s\": expected ADDR:PORT (198.18.0.1:2055, [::1]:4739)", s);
}

int collector_socket_tune(int fd, const char *what)
{
	int want = COLLECTOR_RCVBUF, one = 1, got = 0;
	socklen_t len = sizeof(got);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) < 0) return 0;
	got /= 2; /* the kernel doubles what it grants, for its bookkeeping */
	if (got < want)
		log_warn("%s: the kernel granted a receive buffer of %d kB of the %d kB asked "
			 "(net.core.rmem_max; CAP_NET_ADMIN lifts it): a longer burst is dropped and counted",
			 what, got >> 10, want >> 10);
	else
		log_debug("%s: receive buffer %d MB", what, got >> 20);
	return got;
}

/* The [netdev NAME] sections (checked key by key, secrets kept only in
 * memory) and the tables a device walk yields (model/netdev.h). */
#include "model/netdev.h"
#include "base/util.h"
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const auth_names[] = { "none", "MD5", "SHA", "SHA-256" };
static const char *const priv_names[] = { "none", "DES", "AES" };

const char *netdev_auth_name(enum netdev_auth a) { return auth_names[a]; }
const char *netdev_priv_name(enum netdev_priv p) { return priv_names[p]; }

static struct netdev_conf *conf_open(struct netdev_confs *c, const char *name, struct dm_err *e)
{
	if (c->n && !strcmp(c->v[c->n - 1].name, name)) return &c->v[c->n - 1];
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name)) {
			dm_fail(e, DM_EINPUT, "netdev \"%s\" defined twice", name);
			return NULL;
		}
	if (!*name || strlen(name) >= sizeof(c->v->name)) {
		dm_fail(e, DM_EINPUT, "netdev name \"%.80s\": 1-63 characters", name);
		return NULL;
	}
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	struct netdev_conf *d = &c->v[c->n++];
	*d = (struct netdev_conf){
		.port = 161, .version = 2, .bulk = 25, .max_rows = 20000, .deadline = 30, .timeout = 1
	};
	snprintf(d->name, sizeof(d->name), "%s", name);
	return d;
}

static int set_secret(char *dst, size_t n, const char *key, const char *value, struct dm_err *e)
{
	if (!*value || strlen(value) >= n) return dm_fail(e, DM_EINPUT, "%s: 1-%zu characters", key, n - 1);
	snprintf(dst, n, "%s", value);
	return 0;
}

static int num(const char *key, const char *value, double lo, double hi, double *ret, struct dm_err *e)
{
	char *end;
	double d = strtod(value, &end);
	if (end == value || *end || !(d >= lo && d <= hi))
		return dm_fail(e, DM_EINPUT, "%s \"%.40s\": expected a number from %g to %g", key, value, lo,
			       hi);
	*ret = d;
	return 0;
}

static int set_addr(struct netdev_conf *d, const char *value, struct dm_err *e)
{
	if (ipaddr_parse(value, &d->addr) < 0)
		return dm_fail(e, DM_EINPUT, "address \"%.60s\": expected an IPv4 or IPv6 address", value);
	bool never = d->addr.family == AF_INET6 ? ipv6_is_never(&d->addr.v6) : false;
	for (size_t i = 0; d->addr.family == AF_INET && i < ipv4_never_count; i++)
		if (d->addr.v4 >= ipv4_never[i][0] && d->addr.v4 <= ipv4_never[i][1]) never = true;
	if (never) return dm_fail(e, DM_EINPUT, "address %s: multicast, broadcast or reserved", value);
	return 0;
}

int netdev_conf_set(struct netdev_confs *c, const char *name, const char *key, const char *value,
		    struct dm_err *e)
{
	struct netdev_conf *d = conf_open(c, name, e);
	double v = 0;
	if (!d) return DM_EINPUT;
	if (!key) return 0;
	if (!strcmp(key, "address")) return set_addr(d, value, e);
	if (!strcmp(key, "port")) {
		if (num(key, value, 1, 65535, &v, e) < 0) return DM_EINPUT;
		d->port = (uint16_t)v;
	} else if (!strcmp(key, "version")) {
		if (!strcmp(value, "2c") || !strcmp(value, "2"))
			d->version = 2;
		else if (!strcmp(value, "3"))
			d->version = 3;
		else
			return dm_fail(e, DM_EINPUT, "version \"%.20s\": expected 2c or 3", value);
	} else if (!strcmp(key, "community")) {
		c->secrets = true;
		return set_secret(d->community, sizeof(d->community), key, value, e);
	} else if (!strcmp(key, "user")) {
		if (!*value || strlen(value) >= sizeof(d->user))
			return dm_fail(e, DM_EINPUT, "user: 1-%zu characters", sizeof(d->user) - 1);
		snprintf(d->user, sizeof(d->user), "%s", value);
	} else if (!strcmp(key, "context")) {
		if (strlen(value) >= sizeof(d->context))
			return dm_fail(e, DM_EINPUT, "context: at most %zu characters",
				       sizeof(d->context) - 1);
		snprintf(d->context, sizeof(d->context), "%s", value);
	} else if (!strcmp(key, "auth")) {
		if (!strcasecmp(value, "MD5"))
			d->auth = NETDEV_AUTH_MD5;
		else if (!strcasecmp(value, "SHA") || !strcasecmp(value, "SHA1") ||
			 !strcasecmp(value, "SHA-1"))
			d->auth = NETDEV_AUTH_SHA;
		else if (!strcasecmp(value, "SHA-256") || !strcasecmp(value, "SHA256"))
			d->auth = NETDEV_AUTH_SHA256;
		else
			return dm_fail(e, DM_EINPUT, "auth \"%.20s\": expected SHA, SHA-256 or MD5", value);
	} else if (!strcmp(key, "priv")) {
		if (!strcasecmp(value, "AES") || !strcasecmp(value, "AES128") ||
		    !strcasecmp(value, "AES-128"))
			d->priv = NETDEV_PRIV_AES;
		else if (!strcasecmp(value, "DES"))
			d->priv = NETDEV_PRIV_DES;
		else
			return dm_fail(e, DM_EINPUT, "priv \"%.20s\": expected AES or DES", value);
	} else if (!strcmp(key, "auth_pass") || !strcmp(key, "priv_pass")) {
		c->secrets = true;
		bool a = key[0] == 'a';
		char *dst = a ? d->auth_pass : d->priv_pass;
		if (strlen(value) < 8) /* RFC 3414 2.6: shorter pass phrases make no key */
			return dm_fail(e, DM_EINPUT, "%s: at least 8 characters (RFC 3414)", key);
		return set_secret(dst, sizeof(d->auth_pass), key, value, e);
	} else if (!strcmp(key, "bulk")) {
		if (num(key, value, 1, 200, &v, e) < 0) return DM_EINPUT;
		d->bulk = (unsigned)v;
	} else if (!strcmp(key, "max_rows")) {
		if (num(key, value, 1, 1000000, &v, e) < 0) return DM_EINPUT;
		d->max_rows = (unsigned)v;
	} else if (!strcmp(key, "deadline")) {
		if (num(key, value, 0.1, 3600, &d->deadline, e) < 0) return DM_EINPUT;
	} else if (!strcmp(key, "timeout")) {
		if (num(key, value, 0.05, 60, &d->timeout, e) < 0) return DM_EINPUT;
	} else {
		return dm_fail(e, DM_EINPUT, "unknown key \"%.40s\" in [netdev %s]", key, name);
	}
	return 0;
}

int netdev_conf_check(const struct netdev_confs *c, struct dm_err *e)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct netdev_conf *d = &c->v[i];
		const char *miss = NULL;
		if (!d->addr.family)
			miss = "address";
		else if (d->version == 2 && !*d->community)
			miss = "community (version 2c)";
		else if (d->version == 3 && !*d->user)
			miss = "user (version 3)";
		else if (d->version == 3 && d->auth && !*d->auth_pass)
			miss = "auth_pass (auth is set)";
		else if (d->version == 3 && d->priv && !d->auth)
			miss = "auth (priv needs authentication)";
		else if (d->version == 3 && d->priv && !*d->priv_pass)
			miss = "priv_pass (priv is set)";
		if (miss) return dm_fail(e, DM_EINPUT, "[netdev %s] has no %s", d->name, miss);
		if (d->version == 2 && (*d->user || d->auth || d->priv || *d->context))
			return dm_fail(e, DM_EINPUT,
				       "[netdev %s]: user, context, auth and priv belong to version 3",
				       d->name);
	}
	return 0;
}

struct loader {
	struct netdev_confs *c;
	struct dm_err *e;
	int err;
};

static int on_value(void *ctx, const char *section, const char *key, const char *value)
{
	struct loader *l = ctx;
	if (l->err) return 0;
	if (strncmp(section, "netdev ", 7)) {
		dm_fail(l->e, DM_EINPUT, "[%.60s]: a --netdev file holds [netdev NAME] sections only",
			section);
		return l->err = DM_EINPUT, 0;
	}
	if (netdev_conf_set(l->c, section + 7, key, value, l->e) < 0) return l->err = DM_EINPUT, 0;
	return 1;
}

int netdev_conf_file_mode(const char *path, struct dm_err *e)
{
	struct stat st;
	if (stat(path, &st) < 0) return dm_fail(e, DM_EINPUT, "%s: %s", path, strerror(errno));
	if (st.st_mode & 077)
		return dm_fail(
		    e, DM_EINPUT,
		    "%s: holds SNMP credentials and is readable by others (mode %04o); chmod 600 it", path,
		    (unsigned)(st.st_mode & 07777));
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return dm_fail(e, DM_EINPUT,
			       "%s: holds SNMP credentials and belongs to another user (uid %u)", path,
			       (unsigned)st.st_uid);
	return 0;
}

int netdev_conf_load(struct netdev_confs *c, const char *path, struct dm_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f) return dm_fail(e, DM_EINPUT, "%s: %s", path, strerror(errno));
	struct dm_err inner = { "" };
	struct loader l = { c, &inner, 0 };
	int line = ini_parse_file(f, on_value, &l);
	fclose(f);
	if (line < 0) return dm_fail(e, DM_EINPUT, "%s: could not be read", path);
	if (line > 0 && !l.err)
		return dm_fail(e, DM_EINPUT, "%s: line %d: not INI syntax (key = value, [section])", path,
			       line);
	if (line > 0) return dm_fail(e, DM_EINPUT, "%s: line %d: %s", path, line, inner.msg);
	if (!c->n) return dm_fail(e, DM_EINPUT, "%s: no [netdev NAME] section", path);
	if (netdev_conf_check(c, &inner) < 0) return dm_fail(e, DM_EINPUT, "%s: %s", path, inner.msg);
	return c->secrets ? netdev_conf_file_mode(path, e) : 0;
}

void netdev_confs_release(struct netdev_confs *c)
{
	if (c->v) explicit_bzero(c->v, c->n * sizeof(*c->v));
	free(c->v);
	*c = (struct netdev_confs){ 0 };
}

struct netdev_if *netdev_if_get(struct netdev_result *r, uint32_t index)
{
	for (size_t i = 0; i < r->n_ifs; i++)
		if (r->ifs[i].index == index) return &r->ifs[i];
	r->ifs = xrealloc(r->ifs, (r->n_ifs + 1) * sizeof(*r->ifs));
	struct netdev_if *f = &r->ifs[r->n_ifs++];
	*f = (struct netdev_if){ .index = index };
	return f;
}

const struct netdev_if *netdev_if_find(const struct netdev_result *r, uint32_t index)
{
	for (size_t i = 0; i < r->n_ifs; i++)
		if (r->ifs[i].index == index) return &r->ifs[i];
	return NULL;
}

void netdev_result_release(struct netdev_result *r)
{
	free(r->ifs);
	free(r->arp);
	free(r->fdb);
	free(r->lldp);
	free(r->cdp);
	*r = (struct netdev_result){ 0 };
}

double netdev_if_idle_days(const struct netdev_result *r, const struct netdev_if *i)
{
	uint32_t ticks = r->uptime >= i->last_change ? r->uptime - i->last_change : r->uptime;
	return ticks / 100.0 / 86400;
}

size_t netdev_port_macs(const struct netdev_result *r, uint32_t ifindex)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_fdb; i++)
		if (r->fdb[i].ifindex == ifindex && r->fdb[i].status == 3) n++;
	return n;
}

bool netdev_is_access_port(const struct netdev_result *r, const struct netdev_if *i)
{
	if (i->type != 6 || !i->bridge_port) return false;
	for (size_t k = 0; k < r->n_lldp; k++)
		if (r->lldp[k].local_port == i->index || r->lldp[k].local_port == i->bridge_port)
			return false;
	for (size_t k = 0; k < r->n_cdp; k++) /* a Cisco neighbour: a switch or phone uplink */
		if (r->cdp[k].ifindex == i->index) return false;
	return netdev_port_macs(r, i->index) <= 4;
}

void netdev_rows_release(struct netdev_rows *r)
{
	free(r->v);
	*r = (struct netdev_rows){ 0 };
}

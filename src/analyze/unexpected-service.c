/* Rule unexpected-service: a service outside the baseline of the host's
 * role, e.g. telnet on a camera. The role is the register's, else the
 * device class the services step identified; baselines come from
 * data/roles.conf and the site's [role NAME] sections. Also a database
 * port reachable from a user segment (users = yes): the audit reached it
 * from there, or the flows show users connecting to it; users reach data
 * through applications, and a stolen laptop should not open the database. */
#include "analyze/assets.h"
#include "analyze/evidence.h"
#include "base/util.h"
#include "net/ports.h"
#include <stdio.h>
#include <string.h>

/* Services that hand out a shell or files in clear text rank higher. */
static bool cleartext_admin(const char *name)
{
	static const char *v[] = { "telnet", "rlogin", "rsh", "rexec", "ftp", "tftp", "vnc", "x11" };
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++)
		if (name && !strcmp(name, v[i])) return true;
	return false;
}

static const char *device_of(const struct host_entry *h)
{
	for (size_t i = 0; i < h->n_svcs; i++)
		if (h->svcs[i].device[0] && strcmp(h->svcs[i].device, "other")) return h->svcs[i].device;
	return NULL;
}

static void baseline_text(const struct role_baseline *rb, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < rb->n_services && len < n; i++) {
		int k = snprintf(out + len, n - len, "%s%s", i ? ", " : "", rb->services[i]);
		if (k > 0) len += (size_t)k;
	}
}

static bool is_database(const char *name, enum proto proto, uint16_t port)
{
	static const char *const db[] = { "mysql",      "mysqlx",     "postgresql",    "ms-sql-s",
					  "ms-sql-m",   "oracle",     "oracle-tns",    "redis",
					  "mongodb",    "memcached",  "elasticsearch", "couchdb",
					  "cassandra",  "influxdb",   "db2",           "sybase",
					  "clickhouse", "cockroachdb" };
	if (!name) name = port_service_name(proto, port); /* unidentified: the port's usual service */
	for (size_t i = 0; name && i < ARRAY_SIZE(db); i++)
		if (!strcmp(name, db[i])) return true;
	return false;
}

struct user_clients {
	const struct site_config *cfg;
	const struct segment *seg; /* of the first one */
	uint64_t hosts, flows;
	double last;
	struct buf list; /* up to 5 addresses, as a JSON array's insides */
};

static int on_client(void *ctx, const struct flow_use *u)
{
	struct user_clients *uc = ctx;
	const struct segment *seg = site_user_segment_of(uc->cfg, &u->host);
	if (!seg || !u->flows) return 0;
	if (!uc->seg) uc->seg = seg;
	if (uc->hosts++ < 5) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&u->host, ip, sizeof(ip));
		buf_printf(&uc->list, "%s\"%s\"", uc->hosts > 1 ? "," : "", ip);
	}
	uc->flows += u->flows;
	if (u->last > uc->last) uc->last = u->last;
	return 0;
}

static void cidrs_text(const struct segment *seg, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < seg->cidrs.n && len < n; i++) {
		char c[64];
		cidr_fmt(&seg->cidrs.v[i], c, sizeof(c));
		int k = snprintf(out + len, n - len, "%s%s", i ? ", " : "", c);
		if (k > 0) len += (size_t)k;
	}
}

/* A database port that a user segment reaches; 0 when none does. */
static int database_reach(const struct asset_view *v, const struct host_entry *h, const struct port_entry *p,
			  const char *name, struct findings *out)
{
	const struct site_config *cfg = v->in->cfg;
	if (!site_has_user_segments(cfg) || !is_database(name, p->proto, p->port)) return 0;
	const struct segment *from_scan = site_user_segment_of(cfg, &v->in->vantage);
	struct user_clients uc = { .cfg = cfg, .list = BUF_INIT };
	int r;
	if (v->have_flows &&
	    (r = store_flow_port_clients(v->in->store, &h->h.ip, (uint8_t)p->proto, p->port, v->win_from,
					 v->win_to, on_client, &uc, v->e)) < 0) {
		buf_release(&uc.list);
		return r;
	}
	const struct segment *seg = uc.seg ? uc.seg : from_scan;
	if (!seg) {
		buf_release(&uc.list);
		return 0;
	}
	const char *proto = p->proto == PROTO_UDP ? "udp" : "tcp";
	const char *svc = name ? name : port_service_name(p->proto, p->port);
	char ip[IPADDR_STRLEN], title[512], rem[768], cidrs[256], how[128];
	ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
	cidrs_text(seg, cidrs, sizeof(cidrs));
	if (uc.hosts)
		snprintf(how, sizeof(how), "%llu user host%s connected", (unsigned long long)uc.hosts,
			 uc.hosts == 1 ? "" : "s");
	else
		snprintf(how, sizeof(how), "the audit reached it from there");
	snprintf(title, sizeof(title), "Database %s on %u/%s is reachable from the user segment %s (%s)",
		 svc ? svc : "service", p->port, proto, seg->name, how);
	snprintf(
	    rem, sizeof(rem),
	    "Allow %u/%s on %s only from the application servers that need it and block the user segment %s "
	    "(%s) "
	    "at the firewall in front of it: users reach data through applications, and a stolen laptop or "
	    "password table should not open the database directly.",
	    p->port, proto, ip, seg->name, cidrs);
	struct buf b = BUF_INIT;
	buf_putc(&b, '{');
	ev_time(&b, "seen", p->ts > 0 ? p->ts : h->h.ts);
	if (svc) ev_str(&b, "service", svc);
	ev_str(&b, "segment", seg->name);
	ev_str(&b, "segment_cidrs", cidrs);
	if (from_scan) ev_addr(&b, "reached_from", &v->in->vantage);
	if (uc.hosts) {
		buf_putc(&uc.list, 0);
		char *arr = xmalloc(uc.list.len + 3);
		snprintf(arr, uc.list.len + 3, "[%s]", uc.list.data);
		ev_raw(&b, "user_clients", arr);
		free(arr);
		ev_num(&b, "user_client_hosts", (double)uc.hosts);
		ev_num(&b, "user_flows_in_window", (double)uc.flows);
		ev_time(&b, "last_user_flow", uc.last);
	}
	buf_release(&uc.list);
	double t = p->ts > 0 ? p->ts : h->h.ts;
	add_port_finding(out, "unexpected-service", uc.hosts ? SEV_HIGH : SEV_MEDIUM, 1.5 + (double)uc.hosts,
			 &h->h.ip, p->port, p->proto, title, &b, rem, t, t);
	return 1;
}

int rule_unexpected_service(const struct asset_view *v, struct findings *out)
{
	const struct resultset *rs = v->in->scan;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *h = &rs->hosts[i];
		if (!h->up) continue;
		bool by_mac;
		const struct inv_entry *r = asset_registered(v, h, &by_mac);
		const char *role = r && r->role[0] ? r->role : device_of(h);
		const char *role_from = r && r->role[0] ? "register" : "identified device";
		const struct role_baseline *rb = site_role(v->in->cfg, role);
		for (size_t j = 0; j < h->n_ports; j++) {
			const struct port_entry *p = &h->ports[j];
			if (p->state != PORT_OPEN) continue;
			const struct obs_service *s = host_service(h, p->proto, p->port);
			const char *name = s && s->name[0] && strcmp(s->name, "unknown") ? s->name : NULL;
			if (!rb || role_allows(rb, name, p->proto, p->port)) {
				int rc = database_reach(v, h, p, name, out);
				if (rc < 0) return rc;
				continue;
			}
			const char *proto = p->proto == PROTO_UDP ? "udp" : "tcp";
			char ip[IPADDR_STRLEN], title[512], rem[640], base[256];
			ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
			baseline_text(rb, base, sizeof(base));
			snprintf(title, sizeof(title), "%s on %u/%s is not expected on a %s",
				 name ? name : "An unknown service", p->port, proto, rb->name);
			snprintf(rem, sizeof(rem),
				 "Disable %s on %s (%u/%s): a %s is expected to offer %s only. If it is "
				 "really needed, allow "
				 "it in [role %s] of the site config and reach it only from the management "
				 "network.",
				 name ? name : "the service", ip, p->port, proto, rb->name,
				 base[0] ? base : "its baseline ports", rb->name);
			struct buf b = BUF_INIT;
			buf_putc(&b, '{');
			ev_time(&b, "seen", p->ts > 0 ? p->ts : h->h.ts);
			if (name) ev_str(&b, "service", name);
			if (s && s->product[0]) ev_str(&b, "product", s->product);
			if (s && s->version[0]) ev_str(&b, "version", s->version);
			ev_str(&b, "role", rb->name);
			ev_str(&b, "role_from", role_from);
			ev_str(&b, "baseline", base);
			if (r) ev_register_row(&b, r);
			if (v->have_flows) ev_use(&b, v, asset_port_use(v, &h->h.ip, p->proto, p->port));
			double t = p->ts > 0 ? p->ts : h->h.ts;
			add_port_finding(
			    out, "unexpected-service", cleartext_admin(name) ? SEV_HIGH : SEV_MEDIUM,
			    cleartext_admin(name) ? 2 : 1, &h->h.ip, p->port, p->proto, title, &b, rem, t, t);
		}
	}
	return 0;
}

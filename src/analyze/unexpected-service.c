/* Rule unexpected-service: a service outside the baseline of the host's
 * role, e.g. telnet on a camera. The role is the register's, else the
 * device class the services step identified; baselines come from
 * data/roles.conf and the site's [role NAME] sections. */
#include "analyze/assets.h"
#include "analyze/evidence.h"
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
		if (!rb) continue;
		for (size_t j = 0; j < h->n_ports; j++) {
			const struct port_entry *p = &h->ports[j];
			if (p->state != PORT_OPEN) continue;
			const struct obs_service *s = host_service(h, p->proto, p->port);
			const char *name = s && s->name[0] && strcmp(s->name, "unknown") ? s->name : NULL;
			if (role_allows(rb, name, p->proto, p->port)) continue;
			const char *proto = p->proto == PROTO_UDP ? "udp" : "tcp";
			char ip[IPADDR_STRLEN], title[512], rem[640], base[256];
			ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
			baseline_text(rb, base, sizeof(base));
			snprintf(title, sizeof(title), "%s on %u/%s is not expected on a %s", name ? name : "An unknown service",
				 p->port, proto, rb->name);
			snprintf(rem, sizeof(rem),
				 "Disable %s on %s (%u/%s): a %s is expected to offer %s only. If it is really needed, allow "
				 "it in [role %s] of the site config and reach it only from the management network.",
				 name ? name : "the service", ip, p->port, proto, rb->name, base[0] ? base : "its baseline ports",
				 rb->name);
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
			add_port_finding(out, "unexpected-service", cleartext_admin(name) ? SEV_HIGH : SEV_MEDIUM,
					 cleartext_admin(name) ? 2 : 1, &h->h.ip, p->port, p->proto, title, &b, rem, t, t);
		}
	}
	return 0;
}

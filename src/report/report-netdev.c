/* What network devices said (model/netdev.h), as text for the operator or
 * JSON Lines records ("netdev", "netdev-port", "netdev-arp", "netdev-fdb",
 * "netdev-lldp", "netdev-cdp") for tools. Every string a device sent is untrusted and is
 * escaped; credentials appear only redacted (base/redact.h). */
#include "base/escape.h"
#include <errno.h>
#include "base/redact.h"
#include "base/timeutil.h"
#include "net/route.h"
#include "report/report.h"
#include <string.h>

static const char *if_name(const struct netdev_result *r, uint32_t ifindex, char *tmp, size_t n)
{
	const struct netdev_if *f = netdev_if_find(r, ifindex);
	if (f && f->name[0]) return f->name;
	snprintf(tmp, n, "ifIndex %u", ifindex);
	return tmp;
}

static const char *status_name(int s)
{
	static const char *const n[] = { "?",       "up",      "down",       "testing",
					 "unknown", "dormant", "notPresent", "lowerLayerDown" };
	return s >= 1 && s <= 7 ? n[s] : n[0];
}

static void text_device(FILE *t, const struct netdev_result *r)
{
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	char ip[IPADDR_STRLEN], tmp[32];
	ipaddr_fmt(&r->conf->addr, ip, sizeof(ip));
	fprintf(t, "%s (%s, SNMP %s): %s\n", r->conf->name, ip, r->conf->version == 3 ? "v3" : "v2c",
		r->sys_descr[0] ? term_str(&b1, r->sys_descr) : "(no sysDescr)");
	fprintf(t,
		"  sysObjectID %s, sysName %s, up %.1f days; %zu interfaces, %zu ARP entries, %zu "
		"FDB entries, %zu LLDP neighbours\n",
		r->sys_object_id[0] ? r->sys_object_id : "-",
		r->sys_name[0] ? term_str(&b1, r->sys_name) : "-", r->uptime / 8640000.0, r->n_ifs, r->n_arp,
		r->n_fdb, r->n_lldp);
	if (!r->ok) fprintf(t, "  incomplete: %s\n", term_str(&b1, r->error));
	const struct netdev_ident *id = &r->id;
	if (id->product[0] || id->model[0] || id->vendor[0]) {
		fprintf(t, "  is %s", term_str(&b1, id->vendor[0] ? id->vendor : "?"));
		fprintf(t, " %s", term_str(&b1, id->product[0] ? id->product : "?"));
		fprintf(t, " %s", term_str(&b1, id->version[0] ? id->version : "(version unknown)"));
		if (id->model[0]) fprintf(t, " on %s", term_str(&b1, id->model));
		if (id->cpe[0]) fprintf(t, " (%s)", term_str(&b1, id->cpe));
		fputc('\n', t);
	}
	if (r->n_ifs)
		fprintf(t, "  %-8s %-20s %-24s %-5s %-5s %6s %5s %9s %s\n", "IFINDEX", "NAME", "ALIAS",
			"ADMIN", "OPER", "MBIT/S", "PVID", "CHANGED", "MACS");
	for (size_t i = 0; i < r->n_ifs; i++) {
		const struct netdev_if *f = &r->ifs[i];
		fprintf(t, "  %-8u %-20.20s %-24.24s %-5s %-5s %6llu %5u %8.1fd %zu\n", f->index,
			term_str(&b1, f->name), term_str(&b2, f->alias), status_name(f->admin),
			status_name(f->oper), (unsigned long long)(f->speed / 1000000), f->pvid,
			netdev_if_idle_days(r, f), netdev_port_macs(r, f->index));
	}
	for (size_t i = 0; i < r->n_arp; i++) {
		char a[IPADDR_STRLEN], m[18];
		ipaddr_fmt(&r->arp[i].ip, a, sizeof(a));
		mac_fmt(r->arp[i].mac, m, sizeof(m));
		fprintf(t, "  arp %-16s %s on %s\n", a, m,
			term_str(&b1, if_name(r, r->arp[i].ifindex, tmp, sizeof(tmp))));
	}
	for (size_t i = 0; i < r->n_fdb; i++) {
		char m[18];
		mac_fmt(r->fdb[i].mac, m, sizeof(m));
		fprintf(t, "  fdb %s vlan %u on %s\n", m, r->fdb[i].vlan,
			term_str(&b1, if_name(r, r->fdb[i].ifindex, tmp, sizeof(tmp))));
	}
	for (size_t i = 0; i < r->n_lldp; i++)
		fprintf(t, "  lldp port %u: %s port %s\n", r->lldp[i].local_port,
			term_str(&b1, r->lldp[i].sys_name[0] ? r->lldp[i].sys_name : r->lldp[i].chassis),
			term_str(&b2, r->lldp[i].port_id));
	for (size_t i = 0; i < r->n_cdp; i++) {
		const struct netdev_cdp *d = &r->cdp[i];
		char a[IPADDR_STRLEN] = "-";
		if (d->addr.family) ipaddr_fmt(&d->addr, a, sizeof(a));
		fprintf(t, "  cdp on %s:", term_str(&b1, if_name(r, d->ifindex, tmp, sizeof(tmp))));
		fprintf(t, " %s port %s", term_str(&b1, d->device_id), term_str(&b2, d->port_id));
		fprintf(t, " (%s, %s)\n", a, term_str(&b1, d->platform));
	}
	buf_release(&b1), buf_release(&b2);
}

int report_netdev_text(FILE *f, const struct netdev_result *rs, size_t n)
{
	FILE *t = term_open(f);
	for (size_t i = 0; i < n; i++) {
		if (i) fputc('\n', t);
		text_device(t, &rs[i]);
	}
	return term_close_stream(t);
}

static void str(struct buf *b, const char *key, const char *v)
{
	buf_printf(b, ",\"%s\":", key);
	json_put_str(b, v);
}

static void head(struct buf *b, const char *type, const struct netdev_result *r)
{
	char ts[40];
	fmt_rfc3339(r->ts, ts, sizeof(ts));
	buf_printf(b, "{\"type\":\"%s\",\"ts\":\"%s\"", type, ts);
	str(b, "device", r->conf->name);
}

static void jsonl_device(struct buf *b, const struct netdev_result *r)
{
	char ip[IPADDR_STRLEN], m[18], tmp[32];
	const struct netdev_conf *c = r->conf;
	ipaddr_fmt(&c->addr, ip, sizeof(ip));
	head(b, "netdev", r);
	str(b, "address", ip);
	buf_printf(b, ",\"port\":%u,\"version\":\"%s\",\"credentials\":{", c->port,
		   c->version == 3 ? "3" : "2c");
	if (c->version == 2) {
		buf_printf(b, "\"community\":");
		redact_json(b, c->community, strlen(c->community));
	} else {
		buf_printf(b, "\"user\":");
		json_put_str(b, c->user);
		buf_printf(b, ",\"auth\":\"%s\",\"priv\":\"%s\"", netdev_auth_name(c->auth),
			   netdev_priv_name(c->priv));
		if (c->auth)
			buf_printf(b, ",\"auth_pass\":"), redact_json(b, c->auth_pass, strlen(c->auth_pass));
		if (c->priv)
			buf_printf(b, ",\"priv_pass\":"), redact_json(b, c->priv_pass, strlen(c->priv_pass));
	}
	buf_putc(b, '}');
	str(b, "sys_descr", r->sys_descr);
	str(b, "sys_object_id", r->sys_object_id);
	str(b, "sys_name", r->sys_name);
	buf_printf(
	    b,
	    ",\"uptime_ticks\":%u,\"interfaces\":%zu,\"arp\":%zu,\"fdb\":%zu,\"lldp\":%zu,\"rows\":%zu,"
	    "\"complete\":%s",
	    r->uptime, r->n_ifs, r->n_arp, r->n_fdb, r->n_lldp, r->rows, r->ok ? "true" : "false");
	if (!r->ok) str(b, "error", r->error);
	buf_printf(b, ",\"cdp\":%zu,\"identity\":{", r->n_cdp);
	buf_puts(b, "\"vendor\":");
	json_put_str(b, r->id.vendor);
	str(b, "product", r->id.product);
	str(b, "version", r->id.version);
	str(b, "cpe", r->id.cpe);
	str(b, "model", r->id.model);
	str(b, "source", r->id.source);
	if (r->id.ent_model[0] || r->id.ent_sw[0] || r->id.ent_mfg[0]) {
		buf_puts(b, ",\"entity\":{\"mfg\":");
		json_put_str(b, r->id.ent_mfg);
		str(b, "model", r->id.ent_model);
		str(b, "software", r->id.ent_sw);
		buf_putc(b, '}');
	}
	buf_puts(b, "}}\n");
	for (size_t i = 0; i < r->n_ifs; i++) {
		const struct netdev_if *f = &r->ifs[i];
		head(b, "netdev-port", r);
		buf_printf(b, ",\"ifindex\":%u", f->index);
		str(b, "name", f->name);
		str(b, "alias", f->alias);
		buf_printf(b,
			   ",\"if_type\":%u,\"admin\":\"%s\",\"oper\":\"%s\",\"speed\":%llu,\"last_change_"
			   "ticks\":%u,"
			   "\"days_since_change\":",
			   f->type, status_name(f->admin), status_name(f->oper), (unsigned long long)f->speed,
			   f->last_change);
		json_put_num(b, "%.2f", netdev_if_idle_days(r, f));
		buf_printf(b,
			   ",\"in_octets\":%llu,\"out_octets\":%llu,\"in_pkts\":%llu,\"out_pkts\":%llu,"
			   "\"bridge_port\":%u,\"pvid\":%u,\"macs\":%zu,\"access\":%s}\n",
			   (unsigned long long)f->in_octets, (unsigned long long)f->out_octets,
			   (unsigned long long)f->in_pkts, (unsigned long long)f->out_pkts, f->bridge_port,
			   f->pvid, netdev_port_macs(r, f->index),
			   netdev_is_access_port(r, f) ? "true" : "false");
	}
	for (size_t i = 0; i < r->n_arp; i++) {
		const struct netdev_arp *a = &r->arp[i];
		ipaddr_fmt(&a->ip, ip, sizeof(ip));
		mac_fmt(a->mac, m, sizeof(m));
		head(b, "netdev-arp", r);
		buf_printf(b, ",\"ip\":\"%s\",\"mac\":\"%s\",\"ifindex\":%u", ip, m, a->ifindex);
		str(b, "interface", if_name(r, a->ifindex, tmp, sizeof(tmp)));
		buf_printf(b, ",\"arp_type\":%d}\n", a->type);
	}
	for (size_t i = 0; i < r->n_fdb; i++) {
		const struct netdev_fdb *d = &r->fdb[i];
		mac_fmt(d->mac, m, sizeof(m));
		head(b, "netdev-fdb", r);
		buf_printf(b, ",\"mac\":\"%s\",\"vlan\":%u,\"bridge_port\":%u,\"ifindex\":%u", m, d->vlan,
			   d->bridge_port, d->ifindex);
		str(b, "interface", d->ifindex ? if_name(r, d->ifindex, tmp, sizeof(tmp)) : "");
		buf_printf(b, ",\"status\":%d}\n", d->status);
	}
	for (size_t i = 0; i < r->n_lldp; i++) {
		const struct netdev_lldp *l = &r->lldp[i];
		head(b, "netdev-lldp", r);
		buf_printf(b, ",\"local_port\":%u", l->local_port);
		str(b, "chassis", l->chassis);
		str(b, "port_id", l->port_id);
		str(b, "port_desc", l->port_desc);
		str(b, "sys_name", l->sys_name);
		buf_puts(b, "}\n");
	}
	for (size_t i = 0; i < r->n_cdp; i++) {
		const struct netdev_cdp *d = &r->cdp[i];
		head(b, "netdev-cdp", r);
		buf_printf(b, ",\"ifindex\":%u", d->ifindex);
		str(b, "interface", if_name(r, d->ifindex, tmp, sizeof(tmp)));
		str(b, "device_id", d->device_id);
		str(b, "port_id", d->port_id);
		str(b, "platform", d->platform);
		ip[0] = 0;
		if (d->addr.family) ipaddr_fmt(&d->addr, ip, sizeof(ip));
		str(b, "address", ip);
		buf_puts(b, "}\n");
	}
}

int report_netdev_jsonl(FILE *f, const struct netdev_result *rs, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) jsonl_device(&b, &rs[i]);
	int r = 0;
	if (b.len && fwrite(b.data, 1, b.len, f) != b.len) r = -EIO;
	buf_release(&b);
	return r;
}

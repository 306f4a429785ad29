/* Merge-walk of two sorted result sets. */
#include "model/rundiff.h"
#include "base/util.h"
#include <string.h>

static const char *const kind_names[] = { "host-new", "host-gone", "port-opened", "port-closed" };
const char *change_kind_name(enum change_kind k) { return kind_names[k]; }

static void add(struct rundiff *d, enum change_kind k, const struct ipaddr *ip, enum proto p, uint16_t port)
{
	if (d->n == d->cap) d->v = xrealloc(d->v, (d->cap = d->cap ? d->cap * 2 : 32) * sizeof(*d->v));
	d->v[d->n++] = (struct change){ k, *ip, p, port };
	d->counts[k]++;
}

static bool is_open(const struct port_entry *p) { return p->state == PORT_OPEN; }

static int cmp_port(const struct port_entry *x, const struct port_entry *y)
{
	if (x->proto != y->proto) return x->proto < y->proto ? -1 : 1;
	return (int)x->port - (int)y->port;
}

static void diff_ports(struct rundiff *d, const struct host_entry *a, const struct host_entry *b)
{
	size_t i = 0, j = 0;
	size_t na = a ? a->n_ports : 0, nb = b ? b->n_ports : 0;
	const struct ipaddr *ip = a ? &a->h.ip : &b->h.ip;
	while (i < na || j < nb) {
		const struct port_entry *x = i < na ? &a->ports[i] : NULL, *y = j < nb ? &b->ports[j] : NULL;
		int c = !x ? 1 : !y ? -1 : cmp_port(x, y);
		if (c < 0) {
			if (is_open(x)) add(d, CHANGE_PORT_CLOSED, ip, x->proto, x->port);
			i++;
		} else if (c > 0) {
			if (is_open(y)) add(d, CHANGE_PORT_OPENED, ip, y->proto, y->port);
			j++;
		} else {
			if (is_open(x) && !is_open(y)) add(d, CHANGE_PORT_CLOSED, ip, x->proto, x->port);
			if (!is_open(x) && is_open(y)) add(d, CHANGE_PORT_OPENED, ip, y->proto, y->port);
			i++, j++;
		}
	}
}

void rundiff_compute(const struct resultset *a, const struct resultset *b, struct rundiff *d)
{
	memset(d, 0, sizeof(*d));
	size_t i = 0, j = 0;
	while (i < a->n_hosts || j < b->n_hosts) {
		const struct host_entry *x = i < a->n_hosts ? &a->hosts[i] : NULL;
		const struct host_entry *y = j < b->n_hosts ? &b->hosts[j] : NULL;
		int c = !x ? 1 : !y ? -1 : ipaddr_cmp(&x->h.ip, &y->h.ip);
		const struct host_entry *hx = c <= 0 ? x : NULL, *hy = c >= 0 ? y : NULL;
		bool up_a = hx && hx->up, up_b = hy && hy->up;
		if (up_a && !up_b) add(d, CHANGE_HOST_GONE, &hx->h.ip, 0, 0);
		if (!up_a && up_b) add(d, CHANGE_HOST_NEW, &hy->h.ip, 0, 0);
		diff_ports(d, hx, hy);
		if (c <= 0) i++;
		if (c >= 0) j++;
	}
}

void rundiff_release(struct rundiff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

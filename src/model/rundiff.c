/* Merge-walk of two sorted result sets, and of two runs' findings; what
 * differs outside the overlap of the runs' coverage is counted, not stated. */
#include "model/rundiff.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = { "host-new",       "host-gone",        "port-opened",
					  "port-closed",    "finding-new",      "finding-resolved",
					  "host-silent",    "host-woke",        "mac-moved",
					  "switch-port-up", "switch-port-down", "arp-new" };
const char *change_kind_name(enum change_kind k) { return kind_names[k]; }

struct change *rundiff_add(struct rundiff *d, enum change_kind k, const struct ipaddr *ip)
{
	if (d->n == d->cap) d->v = xrealloc(d->v, (d->cap = d->cap ? d->cap * 2 : 32) * sizeof(*d->v));
	d->v[d->n] = (struct change){ .kind = k, .ip = *ip };
	d->counts[k]++;
	return &d->v[d->n++];
}

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

/* Whether a change at ip (and port, when given) lies where both runs looked
 * with the checks need. */
static bool inside(const struct coverage_overlap *ov, unsigned need, const struct ipaddr *ip, bool scoped,
		   enum proto proto, uint16_t port)
{
	if (!ov || !ov->known) return true;
	if (need == CHECK_ALL) need = ov->checks_a | ov->checks_b;
	if ((ov->both.checks & need) != need) return false;
	if (!scoped || !ip) return true;
	if (!coverage_has_addr(&ov->both, ip)) return false;
	return !port || coverage_has_port(&ov->both, proto, port);
}

static void add_inside(struct rundiff *d, const struct coverage_overlap *ov, enum change_kind k,
		       const struct ipaddr *ip, enum proto p, uint16_t port)
{
	unsigned need = port ? CHECK_PORTS : CHECK_DISCOVER;
	if (inside(ov, need, ip, true, p, port))
		add(d, k, ip, p, port);
	else
		d->scope.outside++;
}

/* Port changes from a to b, stated at ip. */
static void diff_ports(struct rundiff *d, const struct coverage_overlap *ov, const struct host_entry *a,
		       const struct host_entry *b, const struct ipaddr *ip)
{
	size_t i = 0, j = 0;
	size_t na = a ? a->n_ports : 0, nb = b ? b->n_ports : 0;
	while (i < na || j < nb) {
		const struct port_entry *x = i < na ? &a->ports[i] : NULL, *y = j < nb ? &b->ports[j] : NULL;
		int c = !x ? 1 : !y ? -1 : cmp_port(x, y);
		if (c < 0) {
			if (is_open(x)) add_inside(d, ov, CHANGE_PORT_CLOSED, ip, x->proto, x->port);
			i++;
		} else if (c > 0) {
			if (is_open(y)) add_inside(d, ov, CHANGE_PORT_OPENED, ip, y->proto, y->port);
			j++;
		} else {
			if (is_open(x) && !is_open(y))
				add_inside(d, ov, CHANGE_PORT_CLOSED, ip, x->proto, x->port);
			if (!is_open(x) && is_open(y))
				add_inside(d, ov, CHANGE_PORT_OPENED, ip, y->proto, y->port);
			i++, j++;
		}
	}
}

static void set_scope(struct rundiff_scope *s, const struct coverage_overlap *ov)
{
	*s = (struct rundiff_scope){ 0 };
	if (!ov) return;
	s->a_known = ov->a_known;
	s->b_known = ov->b_known;
	s->known = ov->known;
	if (!ov->known) return;
	s->addrs = coverage_addrs(&ov->both);
	s->tcp = ov->both.ports.n_tcp;
	s->udp = ov->both.ports.n_udp;
	s->checks = ov->both.checks;
	s->addrs_only_a = ov->addrs_only_a;
	s->addrs_only_b = ov->addrs_only_b;
	s->ports_only_a = ov->ports_only_a;
	s->ports_only_b = ov->ports_only_b;
	s->checks_only_a = ov->checks_a & ~ov->checks_b;
	s->checks_only_b = ov->checks_b & ~ov->checks_a;
}

void rundiff_compute(const struct resultset *a, const struct resultset *b, const struct coverage_overlap *ov,
		     struct rundiff *d)
{
	memset(d, 0, sizeof(*d));
	set_scope(&d->scope, ov);
	size_t i = 0, j = 0;
	while (i < a->n_hosts || j < b->n_hosts) {
		const struct host_entry *x = i < a->n_hosts ? &a->hosts[i] : NULL;
		const struct host_entry *y = j < b->n_hosts ? &b->hosts[j] : NULL;
		int c = !x ? 1 : !y ? -1 : ipaddr_cmp(&x->h.ip, &y->h.ip);
		const struct host_entry *hx = c <= 0 ? x : NULL, *hy = c >= 0 ? y : NULL;
		bool up_a = hx && hx->up, up_b = hy && hy->up;
		if (up_a && !up_b) add_inside(d, ov, CHANGE_HOST_GONE, &hx->h.ip, 0, 0);
		if (!up_a && up_b) add_inside(d, ov, CHANGE_HOST_NEW, &hy->h.ip, 0, 0);
		diff_ports(d, ov, hx, hy, hx ? &hx->h.ip : &hy->h.ip);
		if (c <= 0) i++;
		if (c >= 0) j++;
	}
}

static void add_finding(struct rundiff *d, const struct coverage_overlap *ov, enum change_kind k,
			const struct finding *f)
{
	if (!inside(ov, coverage_rule_checks(f->rule), f->has_ip ? &f->ip : NULL,
		    coverage_rule_scoped(f->rule), f->proto, f->port)) {
		d->scope.outside++;
		return;
	}
	add(d, k, &f->ip, f->proto, f->port);
	struct change *c = &d->v[d->n - 1];
	snprintf(c->rule, sizeof(c->rule), "%s", f->rule);
	snprintf(c->title, sizeof(c->title), "%s", f->title);
	c->severity = f->severity;
}

/* A finding is the same one in both runs when rule, address and port are. */
static int cmp_key(const void *pa, const void *pb)
{
	const struct finding *a = *(const struct finding *const *)pa, *b = *(const struct finding *const *)pb;
	int c = strcmp(a->rule, b->rule);
	if (c) return c;
	if (a->has_ip != b->has_ip) return a->has_ip ? 1 : -1;
	if (a->has_ip && (c = ipaddr_cmp(&a->ip, &b->ip))) return c;
	if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
	return (a->port > b->port) - (a->port < b->port);
}

static const struct finding **sorted(const struct findings *fs)
{
	const struct finding **v = xcalloc(fs->n + 1, sizeof(*v));
	for (size_t i = 0; i < fs->n; i++) v[i] = &fs->v[i];
	qsort(v, fs->n, sizeof(*v), cmp_key);
	return v;
}

void rundiff_findings(const struct findings *a, const struct findings *b, const struct resultset *b_scan,
		      const struct coverage_overlap *ov, struct rundiff *d)
{
	const struct finding **x = sorted(a), **y = sorted(b);
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : cmp_key(&x[i], &y[j]);
		if (c < 0) {
			const struct finding *f = x[i++];
			const struct host_entry *h =
			    f->has_ip ? resultset_host((struct resultset *)b_scan, &f->ip, false) : NULL;
			bool idle_woke = !strcmp(f->rule, "idle-host") && h && h->up;
			add_finding(d, ov, idle_woke ? CHANGE_HOST_WOKE : CHANGE_FINDING_RESOLVED, f);
		} else if (c > 0) {
			const struct finding *f = y[j++];
			add_finding(d, ov,
				    !strcmp(f->rule, "idle-host") ? CHANGE_HOST_SILENT : CHANGE_FINDING_NEW,
				    f);
		} else {
			i++, j++;
		}
	}
	free(x);
	free(y);
}

void rundiff_name_hosts(struct rundiff *d, const struct inventory *inv)
{
	for (size_t i = 0; inv && i < d->n; i++) {
		const struct inv_entry *en = inventory_find(inv, &d->v[i].ip);
		snprintf(d->v[i].name, sizeof(d->v[i].name), "%.63s", en ? en->hostname : "");
	}
}

static const struct host_entry *host_up(const struct resultset *rs, const struct ipaddr *ip)
{
	for (size_t i = 0; i < rs->n_hosts; i++)
		if (!ipaddr_cmp(&rs->hosts[i].h.ip, ip)) return rs->hosts[i].up ? &rs->hosts[i] : NULL;
	return NULL;
}

static bool host_change(const struct change *c)
{
	return c->kind == CHANGE_HOST_NEW || c->kind == CHANGE_HOST_GONE || c->kind == CHANGE_PORT_OPENED ||
	       c->kind == CHANGE_PORT_CLOSED;
}

bool rundiff_moved(struct rundiff *d, const struct resultset *a, const struct resultset *b,
		   const struct coverage_overlap *ov, const struct ipaddr *old_ip,
		   const struct ipaddr *new_ip)
{
	const struct host_entry *ha = host_up(a, old_ip), *hb = host_up(b, new_ip);
	if (!ha || !hb || host_up(b, old_ip) || host_up(a, new_ip)) return false;
	size_t k = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct change *c = &d->v[i];
		if (host_change(c) && (!ipaddr_cmp(&c->ip, old_ip) || !ipaddr_cmp(&c->ip, new_ip)))
			d->counts[c->kind]--;
		else
			d->v[k++] = *c;
	}
	d->n = k;
	diff_ports(d, ov, ha, hb, new_ip);
	return true;
}

void rundiff_moved_findings(struct rundiff *d, const struct ipaddr *old_ip, const struct ipaddr *new_ip)
{
	bool *drop = xcalloc(d->n + 1, sizeof(bool));
	for (size_t i = 0; i < d->n; i++) {
		const struct change *c = &d->v[i];
		if (c->kind != CHANGE_FINDING_NEW || ipaddr_cmp(&c->ip, new_ip)) continue;
		for (size_t j = 0; j < d->n; j++) {
			const struct change *o = &d->v[j];
			if (!drop[j] && o->kind == CHANGE_FINDING_RESOLVED && !ipaddr_cmp(&o->ip, old_ip) &&
			    !strcmp(o->rule, c->rule) && o->port == c->port && o->proto == c->proto) {
				drop[i] = drop[j] = true;
				break;
			}
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (drop[i])
			d->counts[d->v[i].kind]--;
		else
			d->v[k++] = d->v[i];
	}
	d->n = k;
	free(drop);
}

void rundiff_release(struct rundiff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* The assets of every site's newest finished run, ranked together
 * (report-sites.h). An address is an asset of its site: 10.0.0.5 at two
 * sites is two rows. */
#include "cmd/report-sites.h"
#include "base/buf.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "model/risk.h"
#include <stdlib.h>
#include <string.h>

struct site_row {
	const struct run_info *run;
	size_t findings;
};

struct asset_row {
	const char *site;
	int64_t run;
	char ip[IPADDR_STRLEN];
	double risk;
	size_t findings, open;
	enum severity worst;
	char top[256]; /* its first finding's title; "" when none */
};

/* Kinds whose runs hold hosts and ports (not flows, collect or netdev). */
static bool observes_hosts(const char *kind)
{
	static const char *const k[] = { "scan", "audit", "creds", "nmap", "masscan", "zmap", "external" };
	for (size_t i = 0; i < ARRAY_SIZE(k); i++)
		if (!strcmp(kind, k[i])) return true;
	return false;
}

static int by_risk(const void *a, const void *b)
{
	const struct asset_row *x = a, *y = b;
	if (x->risk != y->risk) return x->risk < y->risk ? 1 : -1;
	if (x->findings != y->findings) return x->findings < y->findings ? 1 : -1;
	if (x->open != y->open) return x->open < y->open ? 1 : -1;
	int c = strcmp(x->site, y->site);
	return c ? c : strcmp(x->ip, y->ip);
}

/* One site's run: an asset row per live host, its risk from the ranked findings. */
static int site_assets(struct store *st, const struct run_info *ri, struct asset_row **v, size_t *n,
		       size_t *cap, size_t *ret_findings, struct dm_err *e)
{
	struct resultset rs = { 0 };
	struct findings fs = { 0 };
	struct asset_risk *ar = NULL;
	int r = store_load_results(st, ri->id, &rs, e);
	if (r == 0) r = store_load_findings(st, ri->id, &fs, e);
	if (r < 0) goto out;
	resultset_sort(&rs);
	size_t na = assets_rank(&rs, &fs, &ar);
	*ret_findings = fs.n;
	for (size_t i = 0; i < rs.n_hosts; i++) {
		const struct host_entry *he = &rs.hosts[i];
		if (!he->up && !he->n_ports) continue;
		if (*n == *cap) *v = xrealloc(*v, (*cap = *cap ? *cap * 2 : 64) * sizeof(**v));
		struct asset_row *a = &(*v)[(*n)++];
		*a = (struct asset_row){ .site = ri->site, .run = ri->id };
		ipaddr_fmt(&he->h.ip, a->ip, sizeof(a->ip));
		for (size_t j = 0; j < he->n_ports; j++) a->open += he->ports[j].state == PORT_OPEN;
		for (size_t j = 0; j < na; j++) {
			if (ipaddr_cmp(&ar[j].ip, &he->h.ip)) continue;
			a->risk = ar[j].risk;
			a->findings = ar[j].findings;
			a->worst = ar[j].worst;
			if (ar[j].top < fs.n) snprintf(a->top, sizeof(a->top), "%s", fs.v[ar[j].top].title);
		}
	}
out:
	free(ar);
	resultset_release(&rs);
	findings_release(&fs);
	return r;
}

static void print_text(FILE *f, const struct site_row *sites, size_t ns, const struct asset_row *v, size_t n)
{
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	fprintf(f, "%-16s %-6s %-8s %-24s %6s %6s %8s\n", "SITE", "RUN", "KIND", "STARTED", "HOSTS", "OPEN",
		"FINDINGS");
	for (size_t i = 0; i < ns; i++) {
		char ts[40];
		fmt_rfc3339(sites[i].run->started, ts, sizeof(ts));
		fprintf(f, "%-16s %-6lld %-8s %-24s %6llu %6llu %8zu\n", term_str(&b1, sites[i].run->site),
			(long long)sites[i].run->id, sites[i].run->kind, ts,
			(unsigned long long)sites[i].run->hosts_up,
			(unsigned long long)sites[i].run->open_ports, sites[i].findings);
	}
	fprintf(f, "\n%-7s %-16s %-40s %5s %8s %-9s %s\n", "RISK", "SITE", "ASSET", "OPEN", "FINDINGS",
		"WORST", "TOP FINDING");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%-7.1f %-16s %-40s %5zu %8zu %-9s %s\n", v[i].risk, term_str(&b1, v[i].site),
			v[i].ip, v[i].open, v[i].findings, v[i].findings ? severity_name(v[i].worst) : "-",
			*v[i].top ? term_str(&b2, v[i].top) : "-");
	buf_release(&b1);
	buf_release(&b2);
}

static void print_json(FILE *f, const struct site_row *sites, size_t ns, const struct asset_row *v, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ns; i++) {
		char ts[40];
		fmt_rfc3339(sites[i].run->started, ts, sizeof(ts));
		buf_reset(&b);
		buf_puts(&b, "{\"type\":\"site\",\"site\":");
		json_put_str(&b, sites[i].run->site);
		buf_printf(&b, ",\"run\":%lld,\"command\":", (long long)sites[i].run->id);
		json_put_str(&b, sites[i].run->kind);
		buf_printf(&b, ",\"start\":\"%s\",\"hosts_up\":%llu,\"open_ports\":%llu,\"findings\":%zu}\n",
			   ts, (unsigned long long)sites[i].run->hosts_up,
			   (unsigned long long)sites[i].run->open_ports, sites[i].findings);
		fwrite(b.data, 1, b.len, f);
	}
	for (size_t i = 0; i < n; i++) {
		buf_reset(&b);
		buf_printf(&b, "{\"type\":\"asset\",\"rank\":%zu,\"site\":", i + 1);
		json_put_str(&b, v[i].site);
		buf_printf(&b,
			   ",\"run\":%lld,\"ip\":\"%s\",\"risk\":%.1f,\"open_ports\":%zu,\"findings\":%zu",
			   (long long)v[i].run, v[i].ip, v[i].risk, v[i].open, v[i].findings);
		if (v[i].findings) {
			buf_printf(&b, ",\"worst\":\"%s\",\"top\":", severity_name(v[i].worst));
			json_put_str(&b, v[i].top);
		}
		buf_puts(&b, "}\n");
		fwrite(b.data, 1, b.len, f);
	}
	buf_release(&b);
}

int report_all_sites(struct store *st, const struct run_info *runs, size_t n, bool json, FILE *f,
		     struct dm_err *e)
{
	struct site_row *sites = xcalloc(n ? n : 1, sizeof(*sites));
	size_t ns = 0, na = 0, cap = 0;
	struct asset_row *v = NULL;
	int r = 0;
	/* newest first, so a site's first run met is its newest */
	for (size_t i = n; i-- > 0;) {
		if (strcmp(runs[i].status, "done") || !observes_hosts(runs[i].kind)) continue;
		size_t k = 0;
		while (k < ns && strcmp(sites[k].run->site, runs[i].site)) k++;
		if (k < ns) continue;
		sites[ns++].run = &runs[i];
	}
	for (size_t i = 0; i < ns && r == 0; i++)
		r = site_assets(st, sites[i].run, &v, &na, &cap, &sites[i].findings, e);
	if (r == 0 && !ns)
		r = dm_fail(e, DM_EEMPTY, "--all-sites: the store holds no finished scan of any site");
	if (r == 0) {
		if (na) qsort(v, na, sizeof(*v), by_risk);
		if (json)
			print_json(f, sites, ns, v, na);
		else
			print_text(f, sites, ns, v, na);
	}
	free(v);
	free(sites);
	return r;
}

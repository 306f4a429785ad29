/* Identifies the services seen in traffic (SSH version lines, HTTP Server
 * headers, Zeek's software names) with the fingerprint databases, under
 * the same evidence keys the probes use, and adds them to the results. */
#include "pipeline/passive-services.h"
#include "pipeline/stages.h"
#include "analyze/assets.h"
#include "base/datadir.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "probe/services.h"
#include "vuln/nmap-names.h"
#include <stdio.h>
#include <string.h>

struct obs_service *passive_services_internal(const struct payload_sniff *ps, const struct site_config *cfg,
					      size_t *ret_n)
{
	size_t n, k = 0;
	*ret_n = 0;
	const struct obs_service *v = ps ? payload_sniff_services(ps, &n, NULL) : NULL;
	if (!v || !n) return NULL;
	struct obs_service *out = xcalloc(n, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		if (site_is_internal(cfg, &v[i].ip)) out[k++] = v[i];
	if (!k) {
		free(out);
		return NULL;
	}
	*ret_n = k;
	return out;
}

static void identify(struct svc *s)
{
	struct obs_service *o = &s->out;
	const char *b = o->banner;
	if (!b[0]) return;
	if (!strcmp(o->name, "ssh")) {
		/* SSH-2.0-<software>: the software part, as probe-banner.c hands it over */
		const char *sw = !strncmp(b, "SSH-", 4) ? strchr(b + 4, '-') : NULL;
		if (sw) svc_evidence(s, "ssh.banner", sw + 1, strlen(sw + 1));
	} else if (!strcmp(o->name, "http") || !strcmp(o->name, "https")) {
		svc_evidence(s, "http_header.server", b, strlen(b));
	} else if (!strcmp(o->name, "ftp") || !strcmp(o->name, "smtp")) {
		char key[40];
		snprintf(key, sizeof(key), "%s.banner", o->name);
		svc_evidence(s, key, b, strlen(b));
	}
}

size_t passive_services_merge(const struct obs_service *v, size_t n, const struct fp_set *fps,
			      struct resultset *rs)
{
	size_t added = 0;
	for (size_t i = 0; i < n; i++) {
		struct host_entry *he = resultset_host(rs, &v[i].ip, false);
		const struct obs_service *have = he ? host_service(he, v[i].proto, v[i].port) : NULL;
		if (have && !have->passive) continue; /* probed: what the service says now wins */
		struct svc s;
		memset(&s, 0, sizeof(s));
		s.out = v[i];
		s.out.passive = true;
		s.fps = fps;
		identify(&s);
		resultset_add_service(rs, &s.out);
		added++;
	}
	return added;
}

/* The audit's vulns stage over these results, with the same data files. */
static int judge_vulns(struct store *st, const struct resultset *rs, struct findings *out, struct dm_err *e)
{
	int r = store_vuln_any(st, e);
	if (r <= 0) return r; /* no data: nothing to match, and no line to say so (no audit asked) */
	struct aliases al = { 0 };
	r = aliases_load(&al, ALIASES_DEFAULT_PATH, e);
	if (r >= 0) r = aliases_load_nmap_opt(&al, NULL, e);
	if (r >= 0) {
		struct vulns_in in = { st, &al, rs, CONF_NONE, true, out };
		struct vulns_out o;
		r = stage_vulns(&in, &o, e);
	}
	aliases_release(&al);
	return r < 0 ? r : 0;
}

int passive_services_judge(struct store *st, int64_t run, const struct site_config *cfg,
			   const struct payload_sniff *ps, struct findings *out, struct dm_err *e)
{
	size_t n;
	struct obs_service *v = passive_services_internal(ps, cfg, &n);
	if (!v) return 0;
	struct fp_set fps = { 0 };
	struct resultset rs = { 0 };
	size_t before = out->n;
	int r = fp_set_load_dir(&fps, dm_data("fingerprints"), e);
	if (r >= 0) {
		passive_services_merge(v, n, &fps, &rs);
		resultset_sort(&rs);
		r = store_save_results(st, run, &rs, e);
	}
	if (r >= 0) r = judge_vulns(st, &rs, out, e);
	if (r >= 0) {
		struct asset_input in = { .cfg = cfg, .scan = &rs, .store = st, .now = now_real() };
		r = analyze_assets(&in, "weak-tls", out, NULL, e);
	}
	if (r >= 0) {
		findings_sort(out);
		log_info("%zu service%s of internal hosts seen in the traffic, %zu finding%s about them", n,
			 n == 1 ? "" : "s", out->n - before, out->n - before == 1 ? "" : "s");
	}
	resultset_release(&rs);
	fp_set_release(&fps);
	free(v);
	return r < 0 ? r : 0;
}

/* vulnerable-service and known-exploited findings. */
#include "analyze/vulnerable.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "vuln/version.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LISTED = 50 };

int vuln_hits_json(struct buf *b, const struct vuln_hit *h, size_t n, size_t max)
{
	int r = buf_putc(b, '[');
	for (size_t i = 0; i < n && i < max && r == 0; i++) {
		const struct vuln_info *v = h[i].info;
		char id[32];
		cve_format(v->num, id, sizeof(id));
		r |= buf_printf(b, "%s{\"id\":\"%s\"", i ? "," : "", id);
		if (v->cvss >= 0)
			r |= buf_puts(b, ",\"cvss\":"), r |= json_put_num(b, "%.1f", v->cvss),
			    r |= buf_puts(b, ",\"cvss_version\":"),
			    r |= json_put_str(b, v->cvss_version ? v->cvss_version : "");
		if (v->severity) r |= buf_puts(b, ",\"severity\":"), r |= json_put_str(b, v->severity);
		r |= buf_printf(b, ",\"kev\":%s,\"ransomware\":%s,\"exploit\":%s", v->kev ? "true" : "false",
				v->ransomware ? "true" : "false", v->exploit_ref ? "true" : "false");
		if (v->epss >= 0)
			r |= buf_printf(b, ",\"epss\":%.5f,\"epss_percentile\":%.5f", v->epss, v->percentile);
		r |= buf_printf(b, ",\"confidence\":\"%s\"", confidence_name(h[i].confidence));
		if (h[i].why[0]) r |= buf_puts(b, ",\"why\":"), r |= json_put_str(b, h[i].why);
		if (h[i].fix[0]) r |= buf_puts(b, ",\"fixed\":"), r |= json_put_str(b, h[i].fix);
		if (h[i].match) {
			r |= buf_puts(b, ",\"criteria\":");
			r |= json_put_str(b, h[i].match->criteria);
			if (h[i].match->start[0])
				r |= buf_printf(b, ",\"%s\":",
						h[i].match->start_incl ? "version_start_including"
								       : "version_start_excluding"),
				    r |= json_put_str(b, h[i].match->start);
			if (h[i].match->end[0])
				r |= buf_printf(b, ",\"%s\":",
						h[i].match->end_incl ? "version_end_including"
								     : "version_end_excluding"),
				    r |= json_put_str(b, h[i].match->end);
		}
		if (v->kev && v->kev_added)
			r |= buf_puts(b, ",\"kev_added\":"), r |= json_put_str(b, v->kev_added);
		if (v->kev && v->kev_due) r |= buf_puts(b, ",\"kev_due\":"), r |= json_put_str(b, v->kev_due);
		r |= buf_putc(b, '}');
	}
	return r | buf_putc(b, ']');
}

/* The release that fixes them all: the highest exclusive range end, or
 * "later than X" when an inclusive end is higher still. */
static void upgrade_target(const struct vuln_hit *h, size_t n, char *out, size_t len)
{
	const char *best = NULL;
	bool after = false;
	for (size_t i = 0; i < n; i++) {
		const struct vmatch *m = h[i].match;
		if (!m || !m->end[0]) continue;
		int c = best ? version_cmp(m->end, best) : 1;
		if (c > 0 || (c == 0 && m->end_incl)) {
			best = m->end;
			after = m->end_incl;
		}
	}
	if (!best)
		snprintf(out, len, "%s", "");
	else if (after)
		snprintf(out, len, "a release later than %s", best);
	else
		snprintf(out, len, "%s or later", best);
}

static void product_label(const struct obs_service *sv, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s%s", sv->product[0] ? sv->product : sv->name, sv->version[0] ? " " : "",
		 sv->version, sv->update);
}

static char *evidence(const struct obs_service *sv, const struct cpe *subj, const char *distro,
		      const struct distro_build *db, const struct vuln_hit *h, size_t n)
{
	struct buf b = BUF_INIT;
	char cpe[400];
	cpe_format(subj, cpe, sizeof(cpe));
	buf_puts(&b, "{\"product\":");
	json_put_str(&b, sv->product);
	buf_puts(&b, ",\"version\":");
	char ver[80];
	snprintf(ver, sizeof(ver), "%s%s", sv->version, sv->update);
	json_put_str(&b, ver);
	buf_puts(&b, ",\"cpe\":");
	json_put_str(&b, cpe);
	if (sv->banner[0]) {
		char banner[200];
		snprintf(banner, sizeof(banner), "%.199s", sv->banner);
		buf_puts(&b, ",\"banner\":");
		json_put_str(&b, banner);
	}
	if (distro) buf_puts(&b, ",\"distribution_build\":"), json_put_str(&b, distro);
	if (db) distro_build_json(&b, db);
	if (sv->passive) { /* seen in traffic, not probed: when, and from what */
		char seen[40];
		fmt_rfc3339(sv->ts, seen, sizeof(seen));
		buf_puts(&b, ",\"passive\":true,\"seen\":"), json_put_str(&b, seen);
		if (sv->info[0]) buf_puts(&b, ",\"seen_in\":"), json_put_str(&b, sv->info);
	}
	buf_printf(&b, ",\"count\":%zu,\"cves\":", n);
	vuln_hits_json(&b, h, n, MAX_LISTED);
	buf_puts(&b, ",\"source\":\"This product uses data from the NVD API but is not endorsed or certified "
		     "by the NVD.\"}");
	return buf_detach(&b);
}

static enum confidence best_confidence(const struct vuln_hit *h, size_t n)
{
	enum confidence c = CONF_NONE;
	for (size_t i = 0; i < n; i++)
		if (h[i].confidence > c) c = h[i].confidence;
	return c;
}

static double conf_factor(enum confidence c) { return c == CONF_HIGH ? 1 : c == CONF_MEDIUM ? 0.7 : 0.4; }

static void service_findings(const struct host_entry *he, const struct obs_service *sv,
			     const struct cpe *subj, const char *distro, const struct distro_build *db,
			     const struct vuln_hit *h, size_t n, struct findings *out)
{
	char label[160], ids[200] = "", target[96], ip[IPADDR_STRLEN];
	product_label(sv, label, sizeof(label));
	ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
	size_t w = 0;
	for (size_t i = 0; i < n && i < 3; i++) {
		char id[32];
		cve_format(h[i].info->num, id, sizeof(id));
		w += (size_t)snprintf(ids + w, sizeof(ids) - w, "%s%s", i ? ", " : "", id);
	}
	if (n > 3) snprintf(ids + w, sizeof(ids) - w, ", ...");
	upgrade_target(h, n, target, sizeof(target));
	enum confidence conf = best_confidence(h, n);
	double cvss = -1, top = 0;
	for (size_t i = 0; i < n; i++) {
		if (h[i].info->cvss > cvss) cvss = h[i].info->cvss;
		double r = vuln_hit_rank(&h[i]) * conf_factor(h[i].confidence);
		if (r > top) top = r;
	}
	enum severity sev = severity_from_cvss(cvss > 0 ? cvss : 5);
	/* Likely fixed by the distribution: one step lower, and never above medium. */
	if (conf == CONF_LOW && sev > SEV_LOW) sev = MIN(sev - 1, SEV_MEDIUM);

	struct buf rem = BUF_INIT;
	if (db && db->release[0] && conf == CONF_HIGH)
		buf_printf(
		    &rem,
		    "Install %s's security updates for %s (%s): %s's data shows these CVEs open in this "
		    "build.",
		    db->distro, db->package, db->release, db->distro);
	else if (distro || db)
		buf_printf(&rem,
			   "Install the distribution's security updates for %s (%s); it may already carry "
			   "the fixes: check "
			   "each CVE in the distribution's security tracker, and upgrade if any is open.",
			   label, distro ? distro : db->distro);
	else if (target[0])
		buf_printf(&rem, "Upgrade %s to %s.", sv->product[0] ? sv->product : label, target);
	else
		buf_printf(&rem,
			   "Upgrade %s to a release without these vulnerabilities, or take the service off "
			   "the network.",
			   label);

	struct finding f = { .severity = sev,
			     .confidence = conf,
			     .score = top,
			     .has_ip = true,
			     .ip = he->h.ip,
			     .port = sv->port,
			     .proto = sv->proto,
			     .first_seen = sv->ts,
			     .last_seen = sv->ts };
	snprintf(f.rule, sizeof(f.rule), "vulnerable-service");
	struct buf t = BUF_INIT;
	buf_printf(&t, "%s on %s:%u/%s has %zu known vulnerabilit%s (%s)%s", label, ip, sv->port,
		   proto_name(sv->proto), n, n == 1 ? "y" : "ies", ids,
		   sv->passive ? " (seen passively)" : "");
	snprintf(f.title, sizeof(f.title), "%s", t.data);
	f.evidence = evidence(sv, subj, distro, db, h, n);
	f.remediation = buf_detach(&rem);
	findings_add(out, &f);

	/* known-exploited: the KEV subset, with CISA's required action. */
	struct vuln_hit *kev = xcalloc(n, sizeof(*kev));
	size_t nk = 0;
	for (size_t i = 0; i < n; i++)
		if (h[i].info->kev) kev[nk++] = h[i];
	if (nk) {
		struct finding k = f;
		k.severity = conf == CONF_LOW ? SEV_HIGH : SEV_CRITICAL;
		k.confidence = best_confidence(kev, nk);
		k.score = vuln_hit_rank(&kev[0]) * conf_factor(kev[0].confidence);
		snprintf(k.rule, sizeof(k.rule), "known-exploited");
		char kid[32];
		cve_format(kev[0].info->num, kid, sizeof(kid));
		buf_reset(&t);
		buf_printf(&t, "%s on %s:%u/%s has %zu vulnerabilit%s exploited in the wild (%s%s)%s%s",
			   label, ip, sv->port, proto_name(sv->proto), nk, nk == 1 ? "y" : "ies", kid,
			   nk > 1 ? ", ..." : "", kev[0].info->ransomware ? ", used by ransomware" : "",
			   sv->passive ? " (seen passively)" : "");
		snprintf(k.title, sizeof(k.title), "%s", t.data);
		k.evidence = evidence(sv, subj, distro, db, kev, nk);
		struct buf kr = BUF_INIT;
		buf_printf(&kr, "%s %s", f.remediation,
			   "CISA lists these as exploited in the wild: treat as urgent");
		if (kev[0].info->kev_action) buf_printf(&kr, " (CISA: %s)", kev[0].info->kev_action);
		buf_putc(&kr, '.');
		k.remediation = buf_detach(&kr);
		findings_add(out, &k);
	}
	free(kev);
	buf_release(&t);
}

/* The host's release, from a service whose build names it or from an OS
 * guess: a hint for the services whose banner names only the distribution
 * ("Apache/2.4.62 (Debian)"). */
static void host_release(const struct vuln_matcher *m, const struct host_entry *he, struct distro_build *hint)
{
	memset(hint, 0, sizeof(*hint));
	for (size_t j = 0; j < he->n_svcs; j++) {
		const struct obs_service *sv = &he->svcs[j];
		struct cpe c;
		char up[80], text[700];
		snprintf(up, sizeof(up), "%s%s", sv->version, sv->update);
		snprintf(text, sizeof(text), "%s %s", sv->banner, sv->version);
		struct distro_build b;
		if (sv->cpe[0] && cpe_parse(sv->cpe, &c) == 0 &&
		    distro_build_parse(&m->dt, text, c.v[CPE_VENDOR], c.v[CPE_PRODUCT], up, &b) &&
		    b.release[0]) {
			snprintf(hint->distro, sizeof(hint->distro), "%s", b.distro);
			snprintf(hint->release, sizeof(hint->release), "%s", b.release);
			snprintf(hint->release_from, sizeof(hint->release_from), "port %u/%s's build %.60s",
				 sv->port, proto_name(sv->proto), b.revision);
			return;
		}
	}
	for (size_t j = 0; j < he->n_svcs; j++)
		if (he->svcs[j].cpe[0] &&
		    distro_from_os_cpe(&m->dt, he->svcs[j].cpe, hint->distro, sizeof(hint->distro),
				       hint->release, sizeof(hint->release))) {
			snprintf(hint->release_from, sizeof(hint->release_from), "the OS guess %.60s",
				 he->svcs[j].cpe);
			return;
		}
}

struct platforms {
	const struct cpe *v;
	size_t n;
	bool os_known, hw_known;
	const struct distro_build *hint; /* the host's release, where known */
};

static int subject_findings(struct vuln_matcher *m, const struct host_entry *he, const struct obs_service *sv,
			    const struct platforms *pl, enum confidence min, struct findings *out,
			    struct dm_err *e)
{
	struct vsubject s = {
		.platforms = pl->v, .n_platforms = pl->n, .os_known = pl->os_known, .hw_known = pl->hw_known
	};
	if (!aliases_subject(m->al, sv->cpe, sv->product, sv->version, sv->update, &s.cpe)) return 0;
	char dbuf[96], text[700], up[80];
	snprintf(text, sizeof(text), "%s %s", sv->banner, sv->version);
	snprintf(up, sizeof(up), "%s%s", sv->version, sv->update);
	const char *distro = vuln_distro_marker(text, dbuf, sizeof(dbuf));
	struct distro_build b, *bp = NULL;
	if (distro_build_parse(&m->dt, text, s.cpe.v[CPE_VENDOR], s.cpe.v[CPE_PRODUCT], up, &b)) {
		bp = &b;
		const struct distro_build *hint = pl->hint;
		/* the host's release, or its extended stream ("9.2-eus" of a ".el9" build) */
		if (hint && hint->release[0] && !strcmp(hint->distro, b.distro) &&
		    (!b.release[0] || distro_release_refines(b.distro, b.release, hint->release))) {
			snprintf(b.release, sizeof(b.release), "%s", hint->release);
			snprintf(b.release_from, sizeof(b.release_from), "%s", hint->release_from);
		}
	}
	struct vuln_hit *h;
	size_t n;
	int r = vuln_match(m, &s, distro, bp, min, &h, &n, e);
	if (r < 0) return r;
	if (n) service_findings(he, sv, &s.cpe, distro, bp, h, n, out);
	return 0;
}

/* Same vendor and product in two CPEs. */
static bool same_product(const char *a, const char *b)
{
	struct cpe x, y;
	return cpe_parse(a, &x) == 0 && cpe_parse(b, &y) == 0 && !strcmp(x.v[CPE_VENDOR], y.v[CPE_VENDOR]) &&
	       !strcmp(x.v[CPE_PRODUCT], y.v[CPE_PRODUCT]);
}

/* A web application is matched like a service of its own on the same port:
 * only with its CPE and a version (a versionless name would match every
 * CVE of the product), and not again when the service itself is it. */
static int app_findings(struct vuln_matcher *m, const struct host_entry *he, const struct obs_service *sv,
			const struct obs_webapp *a, const struct platforms *pl, enum confidence min,
			struct findings *out, struct dm_err *e)
{
	if (!a->cpe[0] || !a->version[0] || (sv->cpe[0] && same_product(sv->cpe, a->cpe))) return 0;
	struct obs_service *as = xcalloc(1, sizeof(*as));
	as->ip = sv->ip;
	as->port = sv->port;
	as->proto = sv->proto;
	as->ts = sv->ts;
	snprintf(as->name, sizeof(as->name), "%s", sv->name);
	snprintf(as->product, sizeof(as->product), "%s", a->name);
	snprintf(as->version, sizeof(as->version), "%s", a->version);
	snprintf(as->cpe, sizeof(as->cpe), "%s", a->cpe);
	int r = subject_findings(m, he, as, pl, min, out, e);
	free(as);
	return r;
}

int analyze_vulnerable(struct vuln_matcher *m, const struct resultset *rs, enum confidence min,
		       struct findings *out, struct dm_err *e)
{
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		/* The host's other CPEs are its platforms (an OS seen by one service informs the others). */
		struct cpe *plat = xcalloc(he->n_svcs ? he->n_svcs : 1, sizeof(*plat));
		size_t np = 0;
		bool os_known = false, hw_known = false;
		for (size_t j = 0; j < he->n_svcs; j++) {
			if (!he->svcs[j].cpe[0] || cpe_parse(he->svcs[j].cpe, &plat[np]) < 0) continue;
			os_known |= plat[np].v[CPE_PART][0] == 'o';
			hw_known |= plat[np].v[CPE_PART][0] == 'h';
			np++;
		}
		struct distro_build hint;
		host_release(m, he, &hint);
		struct platforms pl = { plat, np, os_known, hw_known, &hint };
		for (size_t j = 0; j < he->n_svcs; j++) {
			const struct obs_service *sv = &he->svcs[j];
			int r = subject_findings(m, he, sv, &pl, min, out, e);
			/* the web applications behind it, each as its own subject */
			for (unsigned a = 0; r >= 0 && a < sv->n_apps && a < OBS_MAX_APPS; a++)
				r = app_findings(m, he, sv, &sv->apps[a], &pl, min, out, e);
			if (r < 0) {
				free(plat);
				return r;
			}
		}
		free(plat);
	}
	return 0;
}

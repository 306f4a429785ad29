/* The vulnerability data read back: one CVE in full (text or JSON), what a
 * CPE or "PRODUCT VERSION" is exposed to, and what the store holds. */
#include "pipeline/vulndb.h"
#include "vuln/nmap-names.h"
#include "analyze/vulnerable.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "base/log.h"
#include "base/util.h"
#include "vuln/config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int print_info(void *ctx, const struct vuln_info *v)
{
	bool json = *(bool *)ctx;
	char id[32];
	cve_format(v->num, id, sizeof(id));
	if (json) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "{\"id\":\"%s\",\"source\":", id);
		json_put_str(&b, v->source ? v->source : "");
		buf_puts(&b, ",\"published\":");
		json_put_str(&b, v->published ? v->published : "");
		buf_puts(&b, ",\"modified\":");
		json_put_str(&b, v->modified ? v->modified : "");
		buf_puts(&b, ",\"status\":");
		json_put_str(&b, v->status ? v->status : "");
		if (v->cvss >= 0) {
			buf_puts(&b, ",\"cvss\":");
			json_put_num(&b, "%.1f", v->cvss);
			buf_puts(&b, ",\"cvss_version\":");
			json_put_str(&b, v->cvss_version ? v->cvss_version : "");
			buf_puts(&b, ",\"cvss_vector\":");
			json_put_str(&b, v->cvss_vector ? v->cvss_vector : "");
		}
		buf_printf(&b, ",\"kev\":%s,\"ransomware\":%s,\"exploit\":%s", v->kev ? "true" : "false",
			   v->ransomware ? "true" : "false", v->exploit_ref ? "true" : "false");
		if (v->epss >= 0)
			buf_printf(&b, ",\"epss\":%.5f,\"epss_percentile\":%.5f", v->epss, v->percentile);
		buf_puts(&b, ",\"summary\":");
		json_put_str(&b, v->summary ? v->summary : "");
		buf_puts(&b, ",\"configurations\":");
		json_put_str(&b, v->configs);
		buf_puts(&b, "}\n");
		fputs(b.data, stdout);
		buf_release(&b);
		return 0;
	}
	FILE *t = term_open(stdout); /* descriptions and vectors are the feed's words */
	fprintf(t, "%s  (%s, %s, modified %s)\n", id, v->source ? v->source : "?",
		v->status ? v->status : "?", v->modified ? v->modified : "?");
	if (v->cvss >= 0)
		fprintf(t, "  CVSS %s %.1f %s  %s\n", v->cvss_version ? v->cvss_version : "", v->cvss,
			v->severity ? v->severity : "", v->cvss_vector ? v->cvss_vector : "");
	if (v->kev)
		fprintf(t, "  KEV: added %s, due %s%s\n  CISA: %s\n", v->kev_added ? v->kev_added : "?",
			v->kev_due ? v->kev_due : "?", v->ransomware ? ", known ransomware use" : "",
			v->kev_action ? v->kev_action : "(action not in NVD's copy)");
	if (v->epss >= 0) fprintf(t, "  EPSS %.5f (percentile %.5f)\n", v->epss, v->percentile);
	if (v->exploit_ref) fprintf(t, "  public exploit referenced\n");
	if (v->summary) fprintf(t, "  %s\n", v->summary);
	struct vconfigs c = { 0 };
	if (vconfigs_decode(v->configs, &c) == 0) {
		for (size_t i = 0; i < c.n_cfg; i++)
			for (size_t j = c.cfg[i].first; j < c.cfg[i].first + c.cfg[i].n; j++)
				for (size_t k = c.nodes[j].first; k < c.nodes[j].first + c.nodes[j].n; k++) {
					const struct vmatch *m = &c.m[k];
					fprintf(t, "  config %zu%s node %s%s: %s %s%s%s%s%s%s\n", i + 1,
						c.cfg[i].and_op ? " (AND)" : "",
						c.nodes[j].and_op ? "AND" : "OR",
						c.nodes[j].negate ? " NOT" : "",
						m->vulnerable ? "vulnerable" : "platform  ", m->criteria,
						m->start[0] ? " from " : "", m->start,
						m->start[0] ? (m->start_incl ? " (incl)" : " (excl)") : "",
						m->end[0] ? (m->end_incl ? " through " : " before ") : "",
						m->end);
				}
	}
	vconfigs_release(&c);
	term_close_stream(t);
	return 0;
}

int vulndb_lookup(struct store *st, char *const *ids, int n, const struct vulndb_query *a, struct dm_err *e)
{
	for (int i = 0; i < n; i++) {
		int64_t num = cve_number(ids[i]);
		if (num < 0) return dm_fail(e, DM_EINPUT, "\"%s\": not a CVE id (CVE-YYYY-NNNN)", ids[i]);
		bool json = a->json;
		int r = store_vuln_get(st, num, print_info, &json, e);
		if (r < 0) return r;
		if (r == 0) return dm_fail(e, DM_EEMPTY, "%s: not in the vulnerability data", ids[i]);
	}
	return 0;
}

/* "cpe:2.3:a:openbsd:openssh:7.7:p1:...", "OpenSSH 7.7p1", or a raw banner:
 * "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10", "Apache/2.4.62 (Debian)".
 * version gets the version as written ("9.2p1"). */
static int match_subject(const struct aliases *al, const char *q, struct cpe *ret, char *version, size_t vn,
			 struct dm_err *e)
{
	version[0] = 0;
	if (!strncmp(q, "cpe:", 4)) {
		if (cpe_parse(q, ret) < 0) return dm_fail(e, DM_EINPUT, "\"%s\": not a CPE name", q);
		char s[400];
		cpe_format(ret, s, sizeof(s));
		if (!aliases_subject(al, s, NULL, NULL, NULL, ret))
			return dm_fail(e, DM_EINPUT, "\"%s\": the CPE names no version", q);
		int w = snprintf(version, vn, "%s%s", ret->v[CPE_VERSION],
				 strcmp(ret->v[CPE_UPDATE], "*") && strcmp(ret->v[CPE_UPDATE], "-")
				     ? ret->v[CPE_UPDATE]
				     : "");
		if (w < 0 || (size_t)w >= vn)
			return dm_fail(e, DM_EINPUT, "\"%s\": the version is too long", q);
		return 0;
	}
	char product[128];
	const char *w = q;
	if (!strncmp(w, "SSH-", 4) && strchr(w + 4, '-')) w = strchr(w + 4, '-') + 1; /* SSH-2.0- */
	size_t first = strcspn(w, " ");
	const char *sep = NULL;
	for (const char *p = w; p < w + first; p++)
		if ((*p == '/' || *p == '_') && isdigit((unsigned char)p[1])) {
			sep = p;
			break;
		}
	if (sep) { /* Product/1.2 or Product_1.2 */
		snprintf(product, sizeof(product), "%.*s", (int)MIN(sep - w, 127), w);
		snprintf(version, vn, "%.*s", (int)MIN(w + first - sep - 1, (long)vn - 1), sep + 1);
	} else {
		/* PRODUCT words up to the first word that starts with a digit: the version. */
		const char *v = q;
		while ((v = strchr(v, ' ')) && !isdigit((unsigned char)v[1])) v++;
		if (!v)
			return dm_fail(e, DM_EINPUT,
				       "\"%s\": expected a CPE, \"PRODUCT VERSION\" or a banner", q);
		snprintf(product, sizeof(product), "%.*s", (int)MIN(v - q, 127), q);
		snprintf(version, vn, "%.*s", (int)MIN(strcspn(v + 1, " "), vn - 1), v + 1);
	}
	if (!aliases_subject(al, NULL, product, version, NULL, ret))
		return dm_fail(e, DM_EINPUT,
			       "\"%s\": unknown product \"%s\" (neither in data/vuln/aliases.csv nor in "
			       "nmap's service probes); "
			       "give a CPE or add it to aliases.csv",
			       q, product);
	return 0;
}

static double match_seconds, match_cpu; /* in the matcher, not in printing */

/* CPU time of this thread: on a busy machine wall time says little */
static double now_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The build q shows, its release from --release when the build does not
 * name it (a release name alone tells the distribution: "bookworm"). */
static struct distro_build *match_build(const struct vuln_matcher *m, const struct vulndb_query *a,
					const char *q, const struct cpe *c, const char *version,
					struct distro_build *b, struct dm_err *e, int *err)
{
	*err = 0;
	const char *vendor = c->v[CPE_VENDOR], *product = c->v[CPE_PRODUCT];
	bool have = distro_build_parse(&m->dt, q, vendor, product, version, b) == 1;
	if (!a->release) return have ? b : NULL;
	const char *canon = NULL, *distro = have ? b->distro : NULL;
	static const char *const distros[] = { "debian", "ubuntu", "rhel" };
	int found = 0;
	for (size_t i = 0; i < ARRAY_SIZE(distros); i++) {
		const char *cn;
		if ((distro && strcmp(distro, distros[i])) ||
		    !distro_release_known(&m->dt, distros[i], a->release, &cn))
			continue;
		if (!found++) canon = cn, distro = distros[i];
	}
	if (found != 1) {
		*err = dm_fail(e, DM_EINPUT, "--release %s: %s", a->release,
			       found  ? "names releases of several distributions; the banner must say which"
			       : have ? "not a release of the banner's distribution"
				      : "not a release dormant knows (data/vuln/distro-releases.csv)");
		return NULL;
	}
	if (!have) {
		const char *pkg = distro_package(&m->dt, distro, vendor, product);
		if (!pkg) return NULL;
		memset(b, 0, sizeof(*b));
		snprintf(b->distro, sizeof(b->distro), "%s", distro);
		snprintf(b->package, sizeof(b->package), "%s", pkg);
		snprintf(b->upstream, sizeof(b->upstream), "%s", version);
	}
	char major[16];
	if (b->release[0] && distro_extended_stream(distro, canon, major, sizeof(major)) &&
	    !distro_release_refines(distro, b->release, canon)) {
		*err =
		    dm_fail(e, DM_EINPUT, "--release %s: the build is of release %s", a->release, b->release);
		return NULL;
	}
	if (!b->release[0] || distro_release_refines(distro, b->release, canon)) {
		snprintf(b->release, sizeof(b->release), "%s", canon);
		snprintf(b->release_from, sizeof(b->release_from), "--release");
	}
	return b;
}

static void print_build(const struct distro_build *b)
{
	char v[200];
	FILE *t = term_open(stdout);
	distro_build_version(b, NULL, true, v, sizeof(v));
	fprintf(t, "  distribution build: %s %s %s %s%s%s%s\n", b->distro,
		b->release[0] ? b->release : "(release unknown)", b->package, v,
		b->release_from[0] ? " (release from " : "", b->release_from, b->release_from[0] ? ")" : "");
	term_close_stream(t);
}

/* One query of a batch: what it asks, then what the matcher answered. */
struct query {
	const char *q; /* an argument, or text: a line of --from */
	char text[1024];
	unsigned ln; /* its line of --from, 0 for an argument */
	struct vsubject s;
	char dbuf[96];
	const char *distro;
	struct distro_build bb, *b;
	struct vuln_hit *h; /* the matcher's, valid until it is released */
	size_t n;
	bool matched;  /* h, n, cpe and b found ahead (prematch): q not parsed again */
	char cpe[400]; /* s's CPE formatted, when matched ahead */
};

static int query_parse(struct vuln_matcher *m, const struct aliases *al, const struct vulndb_query *a,
		       struct query *x, struct dm_err *e)
{
	x->s = (struct vsubject){ 0 };
	char version[64];
	int r = match_subject(al, x->q, &x->s.cpe, version, sizeof(version), e);
	if (r < 0) return r;
	x->distro = vuln_distro_marker(x->q, x->dbuf, sizeof(x->dbuf));
	x->b = match_build(m, a, x->q, &x->s.cpe, version, &x->bb, e, &r);
	return r;
}

static void query_print(const struct vulndb_query *a, const struct query *x, struct buf *out)
{
	const char *q = x->q;
	const struct vuln_hit *h = x->h;
	size_t n = x->n, reported = 0;
	for (size_t j = 0; j < n; j++) reported += !h[j].suppressed;
	char own[400];
	const char *cpe = x->cpe;
	if (!x->matched) cpe_format(&x->s.cpe, own, sizeof(own)), cpe = own;
	buf_reset(out);
	if (a->json) {
		buf_puts(out, "{\"query\":");
		json_put_str(out, q);
		buf_puts(out, ",\"cpe\":");
		json_put_str(out, cpe);
		if (x->b) distro_build_json(out, x->b);
		buf_printf(out, ",\"count\":%zu,\"cves\":", reported);
		vuln_hits_json(out, h, reported, reported);
		if (a->explain) {
			buf_puts(out, ",\"not_reported\":");
			vuln_hits_json(out, h + reported, n - reported, n - reported);
		}
		buf_puts(out, "}\n");
		fputs(out->data, stdout);
		return;
	}
	FILE *t = term_open(stdout); /* a banner is the network's words */
	fprintf(t, "%s (%s): %zu CVE%s\n", q, cpe, reported, reported == 1 ? "" : "s");
	term_close_stream(t);
	if (x->b) print_build(x->b);
	for (size_t j = 0; j < n; j++) {
		const struct vuln_info *v = h[j].info;
		char id[32], cv[16] = "  - ";
		cve_format(v->num, id, sizeof(id));
		if (v->cvss >= 0) snprintf(cv, sizeof(cv), "%4.1f", v->cvss);
		printf("  %-16s %s %-6s %s%s%s%s%s\n", id, cv,
		       h[j].suppressed ? "-" : confidence_name(h[j].confidence), v->kev ? "KEV " : "",
		       v->ransomware ? "ransomware " : "", v->exploit_ref ? "exploit " : "",
		       h[j].fix[0] && !h[j].suppressed ? "fixed in " : "", h[j].suppressed ? "" : h[j].fix);
		if (h[j].why[0]) printf("  %-16s %s\n", "", h[j].why);
	}
}

/* A failing query's error, with its place in --from. */
static int query_fail(const struct vulndb_query *a, const struct query *x, int r, struct dm_err *e)
{
	if (!x->ln) return r;
	char msg[sizeof(e->msg)];
	snprintf(msg, sizeof(msg), "%s", e->msg);
	return dm_fail(e, r, "--from %s:%u: %s", a->from, x->ln, msg);
}

/* Matches the batch's queries, then prints them: the matcher's time is
 * read once a batch (a thread's CPU clock is a system call, and two a query
 * cost as much as matching a query the cache answers). A query that fails
 * stops the batch after those before it are printed. */
static int run_batch(struct vuln_matcher *m, const struct vulndb_query *a, struct query *x, size_t n,
		     struct buf *out, struct dm_err *e)
{
	int r = 0;
	size_t i = 0;
	double t0 = now_mono(), c0 = now_cpu();
	for (; i < n && r == 0; i++)
		if (!x[i].matched)
			r = vuln_match(m, &x[i].s, x[i].distro, x[i].b, a->min, &x[i].h, &x[i].n, e);
	match_seconds += now_mono() - t0;
	match_cpu += now_cpu() - c0;
	if (r < 0) i--;
	for (size_t j = 0; j < i; j++) query_print(a, &x[j], out);
	return r < 0 ? query_fail(a, &x[i], r, e) : 0;
}

/* Queries are matched (then printed) in batches of this many. */
enum { BATCH = 256 };

/* Lines of --from read ahead (as the batches would read them: fgets of
 * 1023 bytes), and what each was found to match out of order. */
struct ahead {
	struct buf text; /* the lines, each NUL-terminated */
	size_t *at;      /* where each starts in text */
	unsigned *ln;
	/* of a line matched: its hits, its subject's CPE formatted (in cpes),
	 * its build as matching left it (the release inferred), what printing
	 * needs without parsing the line again */
	struct vuln_hit **h;
	size_t *nh;
	bool *matched;
	struct buf cpes;
	size_t *cpe_at;
	struct distro_build **b;
	size_t n, cap;
};

/* Up to max queries (blank and comment lines skipped); 0 at the end. */
static size_t ahead_read(struct ahead *ah, FILE *f, size_t max, unsigned *ln)
{
	char line[sizeof(((struct query *)0)->text)];
	buf_reset(&ah->text);
	buf_reset(&ah->cpes);
	for (size_t i = 0; i < ah->n; i++) free(ah->b[i]);
	ah->n = 0;
	while (ah->n < max && fgets(line, sizeof(line), f)) {
		++*ln;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#') continue;
		if (ah->n == ah->cap) {
			ah->cap = ah->cap ? ah->cap * 2 : 4096;
			ah->at = xrealloc(ah->at, ah->cap * sizeof(*ah->at));
			ah->ln = xrealloc(ah->ln, ah->cap * sizeof(*ah->ln));
			ah->h = xrealloc(ah->h, ah->cap * sizeof(*ah->h));
			ah->nh = xrealloc(ah->nh, ah->cap * sizeof(*ah->nh));
			ah->matched = xrealloc(ah->matched, ah->cap * sizeof(*ah->matched));
			ah->cpe_at = xrealloc(ah->cpe_at, ah->cap * sizeof(*ah->cpe_at));
			ah->b = xrealloc(ah->b, ah->cap * sizeof(*ah->b));
		}
		ah->at[ah->n] = ah->text.len;
		ah->ln[ah->n] = *ln;
		ah->matched[ah->n] = false;
		ah->b[ah->n] = NULL;
		buf_append(&ah->text, line, strlen(line) + 1);
		ah->n++;
	}
	return ah->n;
}

static void ahead_release(struct ahead *ah)
{
	for (size_t i = 0; i < ah->n; i++) free(ah->b[i]);
	free(ah->b);
	free(ah->cpe_at);
	buf_release(&ah->cpes);
	buf_release(&ah->text);
	free(ah->at);
	free(ah->ln);
	free(ah->h);
	free(ah->nh);
	free(ah->matched);
}

struct ahead_key {
	const char *key;
	size_t len;
	size_t i;
};

static int ahead_cmp(const void *pa, const void *pb)
{
	const struct ahead_key *a = pa, *b = pb;
	int c = memcmp(a->key, b->key, MIN(a->len, b->len));
	if (c) return c;
	if (a->len != b->len) return a->len < b->len ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Matches the lines read ahead grouped by product ("cpe:2.3:a:VENDOR:PRODUCT",
 * else the line: a banner starts with its product), whatever their order
 * in the list: a product's candidates are then matched while they are in
 * the CPU's caches, and the product index is read in its key order (the
 * products of a list often share index pages). The results are the
 * matcher's cache's; printing then takes them in the list's order. A line
 * that does not parse or match is left to the batches, which report it
 * in its place. */
static void prematch(struct vuln_matcher *m, const struct aliases *al, const struct vulndb_query *a,
		     struct ahead *ah, struct query *q)
{
	double t0 = now_mono(), c0 = now_cpu();
	struct ahead_key *k = xmalloc((ah->n ? ah->n : 1) * sizeof(*k));
	for (size_t i = 0; i < ah->n; i++) {
		const char *t = ah->text.data + ah->at[i], *p = t;
		size_t len = strlen(t);
		if (!strncmp(t, "cpe:", 4)) {
			for (int colons = 0; *p && colons < 5; p++) colons += *p == ':';
			len = (size_t)(p - t);
		}
		k[i] = (struct ahead_key){ t, len, i };
	}
	qsort(k, ah->n, sizeof(*k), ahead_cmp);
	match_seconds += now_mono() - t0;
	match_cpu += now_cpu() - c0;
	/* parsed a batch at a time, the matcher's clocks read around the batch */
	struct dm_err e;
	int r = 0;
	for (size_t j = 0; j < ah->n && r == 0;) {
		size_t nq = 0, idx[BATCH];
		for (; j < ah->n && nq < BATCH; j++) {
			struct query *x = &q[nq];
			x->q = ah->text.data + ah->at[k[j].i];
			x->ln = ah->ln[k[j].i];
			if (query_parse(m, al, a, x, &e) == 0) idx[nq++] = k[j].i;
		}
		t0 = now_mono(), c0 = now_cpu();
		size_t done = 0;
		for (; done < nq && r == 0; done++)
			r = vuln_match(m, &q[done].s, q[done].distro, q[done].b, a->min, &ah->h[idx[done]],
				       &ah->nh[idx[done]], &e);
		match_seconds += now_mono() - t0;
		match_cpu += now_cpu() - c0;
		if (r < 0) done--;
		for (size_t i = 0; i < done; i++) {
			size_t at = idx[i];
			char cpe[400];
			cpe_format(&q[i].s.cpe, cpe, sizeof(cpe));
			ah->cpe_at[at] = ah->cpes.len;
			buf_append(&ah->cpes, cpe, strlen(cpe) + 1);
			if (q[i].b) ah->b[at] = memcpy(xmalloc(sizeof(*q[i].b)), q[i].b, sizeof(*q[i].b));
			ah->matched[at] = true;
		}
	}
	free(k);
}

int vulndb_match(struct store *st, char *const *subjects, int n_subjects, const struct vulndb_query *a,
		 struct dm_err *e)
{
	struct aliases al = { 0 };
	int r = aliases_load(&al, a->aliases ? a->aliases : ALIASES_DEFAULT_PATH, e);
	if (r < 0 || (r = aliases_load_nmap_opt(&al, a->service_probes, e)) < 0) {
		aliases_release(&al);
		return r;
	}
	r = 0;
	struct vuln_matcher m;
	vuln_matcher_init(&m, st, &al);
	m.keep_suppressed = a->explain;
	struct buf out = BUF_INIT;
	double t0 = now_mono();
	uint64_t n = 0;
	/* One snapshot for all queries: without it every lookup takes and
	 * drops the store's read lock. */
	if ((r = store_read_begin(st, e)) < 0) {
		vuln_matcher_release(&m);
		aliases_release(&al);
		return r;
	}
	struct query *x = xcalloc(BATCH, sizeof(*x));
	size_t nx = 0;
	for (int i = 0; i < n_subjects && r == 0; i++, n++) {
		x[nx].q = subjects[i];
		x[nx].ln = 0;
		x[nx].matched = false;
		if ((r = query_parse(&m, &al, a, &x[nx], e)) < 0) {
			char msg[sizeof(e->msg)];
			snprintf(msg, sizeof(msg), "%s", e->msg);
			int rb = run_batch(&m, a, x, nx, &out, e);
			r = rb < 0 ? rb : dm_fail(e, r, "%s", msg);
			break;
		}
		if (++nx == BATCH) r = run_batch(&m, a, x, nx, &out, e), nx = 0;
	}
	if (r == 0 && a->from) {
		FILE *f = strcmp(a->from, "-") ? fopen(a->from, "r") : stdin;
		if (!f) r = dm_fail(e, -errno, "--from %s: %s", a->from, strerror(errno));
		unsigned ln = 0;
		struct ahead ah = { 0 };
		struct query *pq = NULL; /* prematch's */
		size_t next = 0;         /* ah's line to take */
		/* A file is read far ahead; a pipe (a scan's output as it comes)
		 * a batch ahead, so its lines are answered as they arrive. */
		struct stat sb;
		size_t ahead = f && fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) ? 1 << 18 : BATCH;
		while (r == 0 && f) {
			if (next == ah.n) {
				if (ahead_read(&ah, f, ahead, &ln) == 0) break;
				if (!pq) pq = xcalloc(BATCH, sizeof(*pq));
				prematch(&m, &al, a, &ah, pq);
				next = 0;
			}
			char *line = x[nx].text;
			memcpy(line, ah.text.data + ah.at[next], strlen(ah.text.data + ah.at[next]) + 1);
			struct query *xq = &x[nx];
			xq->q = line;
			xq->ln = ah.ln[next];
			if ((xq->matched = ah.matched[next])) {
				xq->h = ah.h[next];
				xq->n = ah.nh[next];
				snprintf(xq->cpe, sizeof(xq->cpe), "%s", ah.cpes.data + ah.cpe_at[next]);
				xq->b = ah.b[next] ? memcpy(&xq->bb, ah.b[next], sizeof(xq->bb)) : NULL;
			}
			next++;
			if (!xq->matched && (r = query_parse(&m, &al, a, xq, e)) < 0) {
				r = query_fail(a, &x[nx], r, e);
				char msg[sizeof(e->msg)];
				snprintf(msg, sizeof(msg), "%s", e->msg);
				int rb = run_batch(&m, a, x, nx, &out, e);
				r = rb < 0 ? rb : dm_fail(e, r, "%s", msg);
				break;
			}
			n++;
			if (++nx == BATCH) r = run_batch(&m, a, x, nx, &out, e), nx = 0;
		}
		if (f && f != stdin) fclose(f);
		ahead_release(&ah);
		free(pq);
	}
	if (r == 0 && nx) r = run_batch(&m, a, x, nx, &out, e);
	free(x);
	log_debug("vulndb: matched %llu queries in %.3f s, %.3f s of it matching (%llu product lookups; "
		  "%.3f s CPU)",
		  (unsigned long long)n, now_mono() - t0, match_seconds, (unsigned long long)m.queries,
		  match_cpu);
	store_read_end(st, NULL);
	buf_release(&out);
	vuln_matcher_release(&m);
	aliases_release(&al);
	return r;
}

struct distro_stats_ctx {
	bool json;
	int n;
};

static int print_distro_count(void *ctx, const char *distro, uint64_t releases, uint64_t packages,
			      uint64_t rows)
{
	struct distro_stats_ctx *c = ctx;
	if (c->json)
		printf("%s\"%s\":{\"releases\":%llu,\"packages\":%llu,\"verdicts\":%llu}", c->n ? "," : "",
		       distro, (unsigned long long)releases, (unsigned long long)packages,
		       (unsigned long long)rows);
	else
		printf("%-20s %llu verdicts on %llu source packages in %llu releases\n", distro,
		       (unsigned long long)rows, (unsigned long long)packages, (unsigned long long)releases);
	c->n++;
	return 0;
}

/* The distributions' data held, and the date of each one's newest record. */
static int distro_stats(struct store *st, bool json, struct dm_err *e)
{
	struct distro_stats_ctx c = { .json = json };
	if (json) printf(",\"distributions\":{");
	int r = store_distro_stats(st, print_distro_count, &c, e);
	if (r < 0) return r;
	if (json) printf("}");
	static const char *const dated[] = { "ubuntu", "rhel" };
	for (size_t i = 0; i < ARRAY_SIZE(dated) && !json; i++) {
		char key[32], v[64];
		snprintf(key, sizeof(key), "%s.date", dated[i]);
		if ((r = store_vuln_meta_get(st, key, v, sizeof(v), e)) < 0) return r;
		if (r == 1) printf("%-20s newest record %s\n", dated[i], v);
	}
	return 0;
}

int vulndb_stats(struct store *st, const struct vulndb_query *a, struct dm_err *e)
{
	struct vuln_stats vs;
	int r = store_vuln_stats(st, &vs, e);
	if (r < 0) return r;
	if (a->json) {
		printf("{\"cves\":%llu,\"with_configurations\":%llu,\"products\":%llu,\"kev\":%llu,\"kev_"
		       "with_cve\":%llu,"
		       "\"epss\":%llu,\"newest\":\"%s\",\"kev_catalog\":\"%s\",\"epss_model\":\"%s\",\"epss_"
		       "date\":\"%s\",\"feeds\":{",
		       (unsigned long long)vs.cves, (unsigned long long)vs.with_configs,
		       (unsigned long long)vs.products, (unsigned long long)vs.kev,
		       (unsigned long long)vs.kev_with_cve, (unsigned long long)vs.epss, vs.newest,
		       vs.kev_catalog, vs.epss_model, vs.epss_date);
		if ((r = vulndb_feed_ages(st, true, e)) < 0) return r;
		printf("}");
		if ((r = distro_stats(st, true, e)) < 0) return r;
		printf("}\n");
		return 0;
	}
	printf("CVEs                 %llu (%llu with affected configurations)\n", (unsigned long long)vs.cves,
	       (unsigned long long)vs.with_configs);
	printf("products named       %llu\n", (unsigned long long)vs.products);
	printf("newest change        %s\n", vs.newest[0] ? vs.newest : "-");
	if (vs.nvd_timestamp[0]) printf("NVD feed timestamp   %s\n", vs.nvd_timestamp);
	printf("KEV entries          %llu (%llu with CVE data)%s%s\n", (unsigned long long)vs.kev,
	       (unsigned long long)vs.kev_with_cve, vs.kev_catalog[0] ? ", catalogue " : "", vs.kev_catalog);
	printf("EPSS scores          %llu%s%s%s%s\n", (unsigned long long)vs.epss,
	       vs.epss_model[0] ? ", model " : "", vs.epss_model, vs.epss_date[0] ? ", scored " : "",
	       vs.epss_date);
	if ((r = distro_stats(st, false, e)) < 0) return r;
	if ((r = vulndb_feed_ages(st, false, e)) < 0) return r;
	printf("This product uses data from the NVD API but is not endorsed or certified by the NVD.\n");
	return 0;
}

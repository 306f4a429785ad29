/* `dormant vulndb import|stats|lookup|match`: offline vulnerability data.
 * import reads NVD (API 2.0 pages, bare records, JSON Lines), CISA KEV,
 * CVE List V5 and FIRST EPSS files, plain or gzip, one transaction per
 * file; stats summarises the store; lookup shows one CVE; match shows
 * what a CPE or a "product version" is exposed to. */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "analyze/vulnerable.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "store/store.h"
#include "vuln/feeds.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum { V_DB = 1, V_QUIET, V_VERBOSE, V_HELP, V_MINCONF, V_JSON, V_ALIASES, V_FROM };

static const struct opt vulndb_opts[] = {
	{ "--db", V_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--min-confidence", V_MINCONF, true, "LEVEL", "match: hide hits below low, medium or high" },
	{ "--json", V_JSON, false, NULL, "lookup, match, stats: print JSON" },
	{ "--from", V_FROM, true, "FILE", "match: also every line of FILE (a CPE or \"PRODUCT VERSION\"; - for stdin)" },
	{ "--aliases", V_ALIASES, true, "FILE", "product aliases (default data/vuln/aliases.csv)" },
	{ "-q", V_QUIET, false, NULL, "quiet: errors only" },
	{ "-v", V_VERBOSE, false, NULL, "verbose" },
	{ "--help", V_HELP, false, NULL, "this help" },
	{ "-h", V_HELP, false, NULL, NULL },
};

struct vulndb_args {
	const char *db, *aliases, *from;
	bool help, json;
	enum confidence min;
	char **pos;
	int n_pos;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct vulndb_args *a = ctx;
	switch (id) {
	case 0: a->pos[a->n_pos++] = (char *)arg; return 0;
	case V_DB: a->db = arg; return 0;
	case V_ALIASES: a->aliases = arg; return 0;
	case V_FROM: a->from = arg; return 0;
	case V_MINCONF: {
		int lvl, r = parse_confidence(name, arg, &lvl, e);
		a->min = (enum confidence)lvl;
		return r;
	}
	case V_JSON: a->json = true; return 0;
	case V_QUIET: log_level = LOG_WARN; return 0;
	case V_VERBOSE: log_level = LOG_DEBUG; return 0;
	case V_HELP: a->help = true; return 0;
	}
	return 0;
}

/* ---- import ---- */

struct import_ctx {
	struct store *st;
	const char *file;
	uint64_t added, updated, unchanged;
	char epss_replaced[2][64]; /* old and new model, reported after the commit */
	double t0;
};

static int s_cve(void *ctx, const struct vuln_cve *c, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	enum vuln_change ch;
	int r = store_vuln_put_cve(ic->st, c, &ch, e);
	if (r < 0) return r;
	ic->added += ch == VULN_ADDED;
	ic->updated += ch == VULN_UPDATED;
	ic->unchanged += ch == VULN_UNCHANGED;
	return 0;
}

static int s_kev(void *ctx, const struct vuln_kev *k, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	return store_vuln_put_kev(ic->st, k, e);
}

static int s_epss(void *ctx, const struct vuln_epss *x, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	return store_vuln_put_epss(ic->st, x, e);
}

static int s_meta(void *ctx, const char *key, const char *value, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	if (!strcmp(key, "epss.model")) {
		/* Scores of different EPSS models do not compare: a new model replaces them all. */
		char old[64];
		int r = store_vuln_meta_get(ic->st, key, old, sizeof(old), e);
		if (r < 0) return r;
		if (r == 1 && strcmp(old, value)) {
			snprintf(ic->epss_replaced[0], sizeof(ic->epss_replaced[0]), "%s", old);
			snprintf(ic->epss_replaced[1], sizeof(ic->epss_replaced[1]), "%.63s", value);
			if ((r = store_vuln_clear_epss(ic->st, e)) < 0) return r;
		}
	}
	return store_vuln_meta_set(ic->st, key, value, e);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct import_ctx *ic = ctx;
	static double last;
	double now = now_mono();
	if (now - last < 0.25 || !total) return;
	last = now;
	double el = now - ic->t0, rate = el > 0 ? (double)done / el : 0;
	fprintf(stderr, "\r\033[Kvulndb: %s %.0f%% %.0f MB/s ETA %.0f s", ic->file, 100.0 * (double)done / (double)total,
		rate / 1e6, rate > 0 ? (double)(total - done) / rate : 0);
}

static int import_file(struct store *st, const char *path, struct dm_err *e)
{
	struct import_ctx ic = { .st = st, .file = path, .t0 = now_mono() };
	struct vuln_sink sink = { &ic, s_cve, s_kev, s_epss, s_meta };
	struct feed_counts fc;
	int r = store_vuln_begin(st, e);
	if (r < 0) return r;
	bool tty = isatty(2) && log_level >= LOG_INFO;
	r = feed_import_file(path, &sink, &fc, tty ? on_progress : NULL, &ic, e);
	if (tty) fprintf(stderr, "\r\033[K");
	if (r < 0) {
		store_vuln_end(st, false, NULL);
		return r;
	}
	if ((r = store_vuln_end(st, true, e)) < 0) return r;
	double el = now_mono() - ic.t0;
	if (ic.epss_replaced[0][0])
		log_warn("vulndb: %s: EPSS model %s replaces model %s: all earlier EPSS scores were dropped", path,
			 ic.epss_replaced[1], ic.epss_replaced[0]);
	if (!strcmp(fc.kind, "kev"))
		log_info("%s: KEV catalogue, %llu entries (%.2f s)", path, (unsigned long long)fc.kev, el);
	else if (!strcmp(fc.kind, "epss"))
		log_info("%s: EPSS, %llu scores (%.2f s)", path, (unsigned long long)fc.epss, el);
	else
		log_info("%s: %s, %llu CVEs: %llu added, %llu updated, %llu unchanged (%.2f s)", path, fc.kind,
			 (unsigned long long)fc.cve, (unsigned long long)ic.added, (unsigned long long)ic.updated,
			 (unsigned long long)ic.unchanged, el);
	return 0;
}

static bool feed_name(const char *n)
{
	static const char *const ext[] = { ".json", ".json.gz", ".jsonl", ".jsonl.gz", ".csv", ".csv.gz" };
	size_t len = strlen(n);
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		size_t el = strlen(ext[i]);
		if (len > el && !strcasecmp(n + len - el, ext[i])) return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A folder: its feed files in name order, sub-folders too (a CVE 5 tree). */
static int import_path(struct store *st, const char *path, int depth, unsigned *files, struct dm_err *e)
{
	struct stat sb;
	if (stat(path, &sb) < 0) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(sb.st_mode)) {
		(*files)++;
		return import_file(st, path, e);
	}
	if (depth > 8) return 0;
	DIR *d = opendir(path);
	if (!d) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') continue;
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		struct stat cs;
		if (stat(full, &cs) < 0 || (!S_ISDIR(cs.st_mode) && !feed_name(de->d_name))) continue;
		if (n == cap) names = xrealloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
		names[n++] = xstrdup(full);
	}
	closedir(d);
	if (n) qsort(names, n, sizeof(*names), cmp_str);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		if (r == 0) r = import_path(st, names[i], depth + 1, files, e);
		free(names[i]);
	}
	free(names);
	return r;
}

/* ---- lookup, match, stats ---- */

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
		if (v->epss >= 0) buf_printf(&b, ",\"epss\":%.5f,\"epss_percentile\":%.5f", v->epss, v->percentile);
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
	fprintf(t, "%s  (%s, %s, modified %s)\n", id, v->source ? v->source : "?", v->status ? v->status : "?",
	       v->modified ? v->modified : "?");
	if (v->cvss >= 0)
		fprintf(t, "  CVSS %s %.1f %s  %s\n", v->cvss_version ? v->cvss_version : "", v->cvss, v->severity ? v->severity : "",
		       v->cvss_vector ? v->cvss_vector : "");
	if (v->kev)
		fprintf(t, "  KEV: added %s, due %s%s\n  CISA: %s\n", v->kev_added ? v->kev_added : "?", v->kev_due ? v->kev_due : "?",
		       v->ransomware ? ", known ransomware use" : "", v->kev_action ? v->kev_action : "(action not in NVD's copy)");
	if (v->epss >= 0) fprintf(t, "  EPSS %.5f (percentile %.5f)\n", v->epss, v->percentile);
	if (v->exploit_ref) fprintf(t, "  public exploit referenced\n");
	if (v->summary) fprintf(t, "  %s\n", v->summary);
	struct vconfigs c = { 0 };
	if (vconfigs_decode(v->configs, &c) == 0) {
		for (size_t i = 0; i < c.n_cfg; i++)
			for (size_t j = c.cfg[i].first; j < c.cfg[i].first + c.cfg[i].n; j++)
				for (size_t k = c.nodes[j].first; k < c.nodes[j].first + c.nodes[j].n; k++) {
					const struct vmatch *m = &c.m[k];
					fprintf(t, "  config %zu%s node %s%s: %s %s%s%s%s%s%s\n", i + 1, c.cfg[i].and_op ? " (AND)" : "",
					       c.nodes[j].and_op ? "AND" : "OR", c.nodes[j].negate ? " NOT" : "",
					       m->vulnerable ? "vulnerable" : "platform  ", m->criteria, m->start[0] ? " from " : "",
					       m->start, m->start[0] ? (m->start_incl ? " (incl)" : " (excl)") : "",
					       m->end[0] ? (m->end_incl ? " through " : " before ") : "", m->end);
				}
	}
	vconfigs_release(&c);
	term_close_stream(t);
	return 0;
}

static int do_lookup(struct store *st, struct vulndb_args *a, struct dm_err *e)
{
	for (int i = 1; i < a->n_pos; i++) {
		int64_t num = cve_number(a->pos[i]);
		if (num < 0) return dm_fail(e, DM_EINPUT, "\"%s\": not a CVE id (CVE-YYYY-NNNN)", a->pos[i]);
		int r = store_vuln_get(st, num, print_info, &a->json, e);
		if (r < 0) return r;
		if (r == 0) return dm_fail(e, DM_EEMPTY, "%s: not in the vulnerability data", a->pos[i]);
	}
	return 0;
}

/* "cpe:2.3:a:openbsd:openssh:7.7:p1:..." or "OpenSSH 7.7p1". */
static int match_subject(const struct aliases *al, const char *q, struct cpe *ret, struct dm_err *e)
{
	if (!strncmp(q, "cpe:", 4)) {
		if (cpe_parse(q, ret) < 0) return dm_fail(e, DM_EINPUT, "\"%s\": not a CPE name", q);
		char s[400];
		cpe_format(ret, s, sizeof(s));
		if (!aliases_subject(al, s, NULL, NULL, NULL, ret))
			return dm_fail(e, DM_EINPUT, "\"%s\": the CPE names no version", q);
		return 0;
	}
	/* PRODUCT words up to the first word that starts with a digit: the version. */
	const char *v = q;
	while ((v = strchr(v, ' ')) && !isdigit((unsigned char)v[1])) v++;
	if (!v) return dm_fail(e, DM_EINPUT, "\"%s\": expected a CPE or \"PRODUCT VERSION\"", q);
	char product[128], version[64];
	snprintf(product, sizeof(product), "%.*s", (int)MIN(v - q, 127), q);
	snprintf(version, sizeof(version), "%.*s", (int)MIN(strcspn(v + 1, " "), 63), v + 1);
	if (!aliases_subject(al, NULL, product, version, NULL, ret))
		return dm_fail(e, DM_EINPUT, "\"%s\": unknown product \"%s\"; give a CPE or add it to data/vuln/aliases.csv", q,
			       product);
	return 0;
}

static double match_seconds; /* in the matcher, not in printing */

static int match_one(struct vuln_matcher *m, const struct aliases *al, struct vulndb_args *a,
		     const char *q, struct buf *out, struct dm_err *e)
{
	struct vsubject s = { 0 };
	int r = match_subject(al, q, &s.cpe, e);
	if (r < 0) return r;
	char dbuf[96], cpe[400];
	const char *distro = vuln_distro_marker(q, dbuf, sizeof(dbuf));
	struct vuln_hit *h;
	size_t n;
	double t0 = now_mono();
	r = vuln_match(m, &s, distro, a->min, &h, &n, e);
	match_seconds += now_mono() - t0;
	if (r < 0) return r;
	cpe_format(&s.cpe, cpe, sizeof(cpe));
	buf_reset(out);
	if (a->json) {
		buf_puts(out, "{\"query\":");
		json_put_str(out, q);
		buf_puts(out, ",\"cpe\":");
		json_put_str(out, cpe);
		buf_printf(out, ",\"count\":%zu,\"cves\":", n);
		vuln_hits_json(out, h, n, n);
		buf_puts(out, "}\n");
		fputs(out->data, stdout);
		return 0;
	}
	printf("%s (%s): %zu CVE%s\n", q, cpe, n, n == 1 ? "" : "s");
	for (size_t j = 0; j < n; j++) {
		const struct vuln_info *v = h[j].info;
		char id[32], cv[16] = "  - ";
		cve_format(v->num, id, sizeof(id));
		if (v->cvss >= 0) snprintf(cv, sizeof(cv), "%4.1f", v->cvss);
		printf("  %-16s %s %-6s %s%s%s%s%s\n", id, cv, confidence_name(h[j].confidence), v->kev ? "KEV " : "",
		       v->ransomware ? "ransomware " : "", v->exploit_ref ? "exploit " : "", h[j].fix[0] ? "fixed in " : "",
		       h[j].fix);
		if (h[j].why[0]) printf("  %-16s %s\n", "", h[j].why);
	}
	return 0;
}

static int do_match(struct store *st, struct vulndb_args *a, struct dm_err *e)
{
	struct aliases al = { 0 };
	int r = aliases_load(&al, a->aliases ? a->aliases : ALIASES_DEFAULT_PATH, e);
	if (r < 0) return r;
	struct vuln_matcher m;
	vuln_matcher_init(&m, st, &al);
	struct buf out = BUF_INIT;
	double t0 = now_mono();
	uint64_t n = 0;
	for (int i = 1; i < a->n_pos && r == 0; i++, n++) r = match_one(&m, &al, a, a->pos[i], &out, e);
	if (r == 0 && a->from) {
		FILE *f = strcmp(a->from, "-") ? fopen(a->from, "r") : stdin;
		if (!f) r = dm_fail(e, -errno, "--from %s: %s", a->from, strerror(errno));
		char line[1024];
		unsigned ln = 0;
		while (r == 0 && f && fgets(line, sizeof(line), f)) {
			ln++;
			line[strcspn(line, "\r\n")] = 0;
			if (!line[0] || line[0] == '#') continue;
			if ((r = match_one(&m, &al, a, line, &out, e)) < 0) {
				char msg[sizeof(e->msg)];
				snprintf(msg, sizeof(msg), "%s", e->msg);
				r = dm_fail(e, r, "--from %s:%u: %s", a->from, ln, msg);
			}
			n++;
		}
		if (f && f != stdin) fclose(f);
	}
	log_debug("vulndb: matched %llu queries in %.3f s, %.3f s of it matching (%llu product lookups)", (unsigned long long)n,
		  now_mono() - t0, match_seconds, (unsigned long long)m.queries);
	buf_release(&out);
	vuln_matcher_release(&m);
	aliases_release(&al);
	return r;
}

static int do_stats(struct store *st, struct vulndb_args *a, struct dm_err *e)
{
	struct vuln_stats vs;
	int r = store_vuln_stats(st, &vs, e);
	if (r < 0) return r;
	if (a->json) {
		printf("{\"cves\":%llu,\"with_configurations\":%llu,\"products\":%llu,\"kev\":%llu,\"kev_with_cve\":%llu,"
		       "\"epss\":%llu,\"newest\":\"%s\",\"kev_catalog\":\"%s\",\"epss_model\":\"%s\",\"epss_date\":\"%s\"}\n",
		       (unsigned long long)vs.cves, (unsigned long long)vs.with_configs, (unsigned long long)vs.products,
		       (unsigned long long)vs.kev, (unsigned long long)vs.kev_with_cve, (unsigned long long)vs.epss, vs.newest,
		       vs.kev_catalog, vs.epss_model, vs.epss_date);
		return 0;
	}
	printf("CVEs                 %llu (%llu with affected configurations)\n", (unsigned long long)vs.cves,
	       (unsigned long long)vs.with_configs);
	printf("products named       %llu\n", (unsigned long long)vs.products);
	printf("newest change        %s\n", vs.newest[0] ? vs.newest : "-");
	if (vs.nvd_timestamp[0]) printf("NVD feed timestamp   %s\n", vs.nvd_timestamp);
	printf("KEV entries          %llu (%llu with CVE data)%s%s\n", (unsigned long long)vs.kev,
	       (unsigned long long)vs.kev_with_cve, vs.kev_catalog[0] ? ", catalogue " : "", vs.kev_catalog);
	printf("EPSS scores          %llu%s%s%s%s\n", (unsigned long long)vs.epss, vs.epss_model[0] ? ", model " : "",
	       vs.epss_model, vs.epss_date[0] ? ", scored " : "", vs.epss_date);
	printf("This product uses data from the NVD API but is not endorsed or certified by the NVD.\n");
	return 0;
}

int cmd_vulndb(int argc, char **argv)
{
	struct vulndb_args a = { 0 };
	struct dm_err e = { "" };
	struct store *st = NULL;
	char *dbpath = NULL;
	int r, code = EXIT_OK;
	a.pos = xcalloc((size_t)argc + 1, sizeof(*a.pos));
	if ((r = opts_parse(argc, argv, vulndb_opts, ARRAY_SIZE(vulndb_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help || a.n_pos == 0) {
		opts_help(a.help ? stdout : stderr,
			  "dormant vulndb import FILE|DIR...\n       dormant vulndb stats\n"
			  "       dormant vulndb lookup CVE-ID...\n       dormant vulndb match CPE|\"PRODUCT VERSION\"...",
			  "Offline vulnerability data: NVD CVE API 2.0 JSON (pages or single records, .gz too), CISA KEV,\n"
			  "CVE List V5 records and FIRST EPSS CSV. Each file is imported in one transaction; re-importing\n"
			  "updates the records whose lastModified changed.",
			  vulndb_opts, ARRAY_SIZE(vulndb_opts));
		code = a.help ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	const char *sub = a.pos[0];
	if (strcmp(sub, "import") && strcmp(sub, "stats") && strcmp(sub, "lookup") && strcmp(sub, "match")) {
		r = dm_fail(&e, DM_EINPUT, "unknown action \"%s\": expected import, stats, lookup or match", sub);
		goto fail;
	}
	if (strcmp(sub, "stats") && a.n_pos < 2 && !(a.from && !strcmp(sub, "match"))) {
		r = dm_fail(&e, DM_EINPUT, "%s needs %s", sub,
			    !strcmp(sub, "import") ? "files or folders" : !strcmp(sub, "lookup") ? "CVE ids" : "a CPE or \"PRODUCT VERSION\"");
		goto fail;
	}
	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open(dbpath, &st, &e)) < 0) goto fail;
	if (!strcmp(sub, "import")) {
		unsigned files = 0;
		for (int i = 1; i < a.n_pos && r == 0; i++) r = import_path(st, a.pos[i], 0, &files, &e);
		if (r == 0 && files == 0) r = dm_fail(&e, DM_EINPUT, "no feed files (.json, .json.gz, .csv, ...) found");
	} else if (!strcmp(sub, "stats")) {
		r = do_stats(st, &a, &e);
	} else if (!strcmp(sub, "lookup")) {
		r = do_lookup(st, &a, &e);
	} else {
		r = do_match(st, &a, &e);
	}
	if (r < 0) goto fail;
	goto out;
fail:
	code = cmd_error("vulndb", r, &e);
out:
	store_close(st);
	free(dbpath);
	free(a.pos);
	return code;
}

/* A traffic job: flows kept for the rules, countries from GeoIP, hourly
 * summaries into the store (for `flows`, `collect` and the audit's traffic stage). */
#include "pipeline/traffic-job.h"
#include "analyze/traffic-state.h"
#include "analyze/allow-apply.h"
#include "pipeline/lifecycle.h"
#include "pipeline/passive-services.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "flow/capture.h"
#include "flow/zeek.h"
#include "flow/zeek-software.h"
#include "report/report.h"
#include <netinet/in.h>
#include <zlib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool country_of(void *ctx, const struct ipaddr *a, char cc[3]) { return geo_country(ctx, a, cc); }

/* The asset register's addresses are the site's own, as its private ranges
 * are, unless `internal =` says exactly what is. */
static int register_is_ours(struct traffic_job *j, struct dm_err *e)
{
	if (j->cfg.internal.n) return 0;
	struct inventory inv = { 0 };
	int r = store_inventory_load(j->store, &inv, e);
	for (size_t i = 0; r >= 0 && i < inv.n; i++) {
		const struct ipaddr *a = &inv.v[i].ip;
		if (a->family != AF_INET && a->family != AF_INET6) continue;
		struct cidr c = { .net = *a, .bits = a->family == AF_INET ? 32 : 128 };
		cidr_list_add(&j->cfg.registered, &c);
	}
	inventory_release(&inv);
	return r < 0 ? r : 0;
}

int traffic_job_init(struct traffic_job *j, const struct traffic_args *args, const char *kind,
		     const char *what, struct dm_err *e)
{
	*j = (struct traffic_job){ .args = args };
	flowset_init(&j->flows);
	intel_init(&j->intel);
	if (args->parent) { /* an hour of the parent's run: what it read, shared */
		struct traffic_job *p = args->parent;
		j->cfg = p->cfg;
		j->geo = p->geo;
		j->writer = p->writer;
		j->dbpath = xstrdup(p->dbpath);
		j->store = args->store;
		j->run = args->run;
		j->borrowed = true;
		return 0;
	}
	site_config_defaults(&j->cfg);
	int r;
	const char *config = args->config, *geoip = args->geoip;
	if (config && args->config_text)
		r = site_config_parse(&j->cfg, args->config_text, config, e);
	else
		r = config ? site_config_load(&j->cfg, config, e) : 0;
	if (r < 0) return r;
	if (args->site) snprintf(j->cfg.name, sizeof(j->cfg.name), "%s", args->site);
	if (*j->cfg.intel_files) {
		if ((r = intel_load_list(&j->intel, j->cfg.intel_files, j->cfg.intel_dir, e)) < 0) return r;
		log_info("threat intelligence: %zu indicators from %zu lists%s", j->intel.n, j->intel.n_files,
			 j->intel.bad ? " (bad lines skipped, named above)" : "");
	}
	const char *path = geoip ? geoip : *j->cfg.geoip ? j->cfg.geoip : NULL;
	if (!path && access(GEO_DEFAULT_PATH, R_OK) == 0) path = GEO_DEFAULT_PATH;
	if (path) {
		struct dm_err ge = { "" };
		if ((r = geo_open(path, &j->geo, &ge)) < 0)
			return dm_fail(e, r, "%s%s",
				       geoip             ? "--geoip "
				       : j->cfg.geoip[0] ? "geoip = "
							 : "",
				       ge.msg);
		log_debug("countries from %s (%s)", path, geo_describe(j->geo));
	} else if (j->cfg.n_home) {
		log_warn("no GeoIP database (geoip = in the config, or scripts/deps installs one): countries "
			 "unknown, "
			 "so nothing is judged foreign");
	}
	j->cfg.targets = args->targets;
	j->dbpath = args->db ? xstrdup(args->db) : store_default_path();
	/* The summaries' own connection is opened now, with the first: after
	 * the privilege drop the store's folder may be out of reach. */
	if ((r = store_open(j->dbpath, &j->writer, e)) < 0 ||
	    (r = store_set_site(j->writer, j->cfg.name, e)) < 0)
		return r;
	if (args->store) {
		j->store = args->store;
		j->run = args->run;
		j->borrowed = true;
		return register_is_ours(j, e);
	}
	if ((r = store_open(j->dbpath, &j->store, e)) < 0 ||
	    (r = store_set_site(j->store, j->cfg.name, e)) < 0)
		return r;
	if ((r = store_run_begin(j->store, kind, what, now_real(), &j->run, e)) < 0) return r;
	return register_is_ours(j, e);
}

void traffic_job_flow(struct traffic_job *j, struct obs_flow *f)
{
	struct flowrec *r = flowset_add(&j->flows, f);
	flowrec_annotate(r, &j->cfg, j->geo ? country_of : NULL, j->geo);
	f->country = r->cc[0] ? r->cc : NULL;
}

/* The hourly summaries go into the store on a second connection, in a
 * thread, while the rules run: the rules read the store's history inside a
 * read transaction begun before, so they see the store as it was before this
 * input, whenever the writer commits. */
struct saver {
	struct traffic_job *j;
	struct flow_hours_cursor c; /* rows made as the store takes them, a chunk at a time */
	int r;
	bool known;
	size_t rows;
	double seconds, cpu;
	struct dm_err e;
};

static void *save_hours(void *arg)
{
	struct saver *sv = arg;
	struct traffic_job *j = sv->j;
	double t0 = now_mono(), c0 = now_thread_cpu();
	struct store *st = j->writer;
	/* an input is known by what it holds, not by its file name */
	uint64_t up = 0, down = 0;
	for (size_t i = 0; i < j->flows.n; i++) {
		up += j->flows.v[i].bytes_out;
		down += j->flows.v[i].bytes_in;
	}
	char digest[160];
	snprintf(digest, sizeof(digest), "%zu:%.6f:%.6f:%llu:%llu", j->flows.n, j->flows.first, j->flows.last,
		 (unsigned long long)up, (unsigned long long)down);
	sv->r =
	    store_flow_save_hours_from(st, j->run, digest, flowset_hours_next, &sv->c, &sv->known, &sv->e);
	sv->rows = sv->c.rows;
	flowset_hours_close(&sv->c);
	sv->seconds = now_mono() - t0;
	sv->cpu = now_thread_cpu() - c0;
	return NULL;
}

/* Flows with no internal side are neither summarised nor judged: say how
 * many, over which span, and how to make them the site's own. */
static void set_aside_warning(const struct traffic_job *j)
{
	size_t n = 0;
	double first = 0, last = 0;
	for (size_t i = 0; i < j->flows.n; i++) {
		const struct flowrec *r = &j->flows.v[i];
		if (r->where) continue;
		if (!n++ || r->start < first) first = r->start;
		if (r->end > last) last = r->end;
	}
	if (!n) return;
	char a[40], b[40];
	fmt_rfc3339(first, a, sizeof(a));
	fmt_rfc3339(last, b, sizeof(b));
	log_warn(
	    "%zu of %zu flows (%s to %s) have no internal side and were set aside (not summarised, not "
	    "judged): if those addresses are the site's, name them in `internal =`, a [segment], the asset "
	    "register or the audit's targets",
	    n, j->flows.n, a, b);
}

int traffic_job_finish(struct traffic_job *j, struct dm_err *e)
{
	int r = 0;
	/* an hour of a file whose summaries are held: the writer sees them */
	bool held = j->args->parent && j->args->parent->hold;
	struct store *st = held ? j->writer : j->store;
	struct findings *out = &j->found;
	struct saver sv = { .j = j, .e = { "" } };
	bool analyze = !j->args->no_analyze && j->flows.n;
	pthread_t writer;
	bool threaded = false;
	if (analyze && !held && (r = store_read_begin(st, e)) < 0) return r;
	if (j->flows.n) {
		/* the writer sorts one block of hosts' sides at a time, beside
		 * the rules, not the whole input's */
		double c0 =
		    now_thread_cpu(); /* the split of the hosts in blocks; the sorts are the writer's */
		flowset_hours_open(&j->flows, &sv.c);
		j->sort_cpu = now_thread_cpu() - c0;
		threaded = !held && pthread_create(&writer, NULL, save_hours, &sv) == 0;
		if (!threaded && !held) save_hours(&sv);
	}
	if (analyze) {
		struct intel_set *intel = j->args->parent ? &j->args->parent->intel : &j->intel;
		struct traffic_input in = { &j->cfg, &j->flows, st, intel, .state = j->state };
		struct dm_err se = { "" };
		if (j->state && traffic_state_seed(j->state, st, j->flows.first, &se) < 0)
			log_warn("earlier hours' destinations not read: %s", se.msg);
		double t0 = now_mono(), c0 = now_thread_cpu();
		r = analyze_traffic(&in, j->args->rules, out);
		if (r >= 0 && j->state) traffic_state_update(j->state, &in);
		j->rules_seconds = now_mono() - t0;
		j->rules_cpu = now_thread_cpu() - c0;
		log_debug("traffic rules: %.3f s (%.3f s CPU)", j->rules_seconds, j->rules_cpu);
		if (!held) store_read_end(st, NULL);
		findings_sort(out);
		if (r >= 0 && j->args->explain.family)
			allow_explain(&in, &j->args->explain, out, now_real(), stdout);
	}
	if (threaded) pthread_join(writer, NULL);
	if (held && j->flows.n) save_hours(&sv); /* after the rules, which read the hours before */
	j->save_seconds = sv.seconds;
	j->save_cpu = sv.cpu;
	if (r < 0) return dm_fail(e, r, "traffic rules failed");
	if (sv.r < 0) return dm_fail(e, sv.r, "%s", sv.e.msg);
	if (j->flows.n)
		log_debug("flow summaries: %zu rows from %zu flows stored in %.3f s (%.3f s CPU, the blocks' "
			  "sorts included; the hosts split in %.3f s CPU)",
			  sv.rows, j->flows.n, sv.seconds, sv.cpu, j->sort_cpu);
	j->known = sv.known;
	if (!j->args->parent) set_aside_warning(j); /* the run says it once */
	if (sv.known && !j->args->parent)
		log_info(
		    "these flows were summarised in the store before; their hours are not counted twice");
	/* without a scan (flows) the versions seen in the traffic are judged
	 * here; an audit's stages judge them with its scan's results */
	if (!j->borrowed && !j->args->no_analyze && j->sniff &&
	    (r = passive_services_judge(st, j->run, &j->cfg, j->sniff, out, e)) < 0)
		return r;
	if (j->borrowed) return 0; /* the caller saves the findings and ends the run */
	if (j->save_hour) {        /* the stream's: with its state, one transaction */
		if ((r = j->save_hour(j, j->save_ctx, e)) < 0) return r;
	} else {
		if (out->n && (r = store_save_findings(st, j->run, out, e)) < 0) return r;
		if ((r = store_run_finish(st, j->run, "done", now_real(), e)) < 0) return r;
	}
	j->finished = true;
	return 0;
}

int traffic_job_life(struct traffic_job *j, struct dm_err *e)
{
	if (j->borrowed || !j->finished || !j->found.n || !store_has_life(j->store)) return 0;
	bool *quiet = xcalloc(j->found.n, sizeof(*quiet));
	struct lifecycle_scope sc = { .rules = "", .ret_quiet = quiet };
	int r = lifecycle_apply(j->store, j->run, &j->found, &j->cfg, &sc, now_real(), NULL, e);
	for (size_t i = 0; r == 0 && i < j->found.n; i++) j->found.v[i].quiet = quiet[i];
	free(quiet);
	return r;
}

bool traffic_job_report(struct traffic_job *j, FILE *json, FILE *text)
{
	bool hit = false;
	if (json) report_findings_jsonl(json, &j->found, j->run);
	if (text && !j->args->no_analyze) {
		if (j->found.n)
			report_findings_text(text, &j->found, NULL);
		else
			fprintf(text, "no traffic findings\n");
	}
	/* a finding the allowlist or a person suppresses, or one acknowledged,
	 * is reported and stored, not a failure */
	double now = now_real();
	for (size_t i = 0; i < j->found.n && j->args->fail_on >= 0 && !hit; i++)
		if ((int)j->found.v[i].severity >= j->args->fail_on && !j->found.v[i].quiet &&
		    !allow_finding_entry(&j->cfg.allow, &j->found.v[i], now))
			hit = true;
	return hit;
}

void traffic_job_release(struct traffic_job *j)
{
	if (!j->borrowed) {
		if (j->run && !j->finished) store_run_finish(j->store, j->run, "failed", now_real(), NULL);
		store_close(j->store);
	}
	bool shared = j->args && j->args->parent;
	if (!shared) store_close(j->writer);
	free(j->dbpath);
	findings_release(&j->found);
	if (!shared) geo_close(j->geo);
	flowset_release(&j->flows);
	intel_release(&j->intel);
	if (!shared) site_config_release(&j->cfg);
	payload_sniff_free(j->sniff);
}

bool traffic_file_is_zeek(const char *path)
{
	gzFile f = gzopen(path, "rb");
	if (!f) return false;
	uint8_t head[512];
	int n = gzread(f, head, sizeof(head));
	gzclose(f);
	return n > 0 && zeek_sniff(head, (size_t)n);
}

static void keep_flow(void *ctx, const struct obs_flow *flow)
{
	struct obs_flow copy = *flow;
	traffic_job_flow(ctx, &copy);
}

bool traffic_file_is_zeek_software(const char *path)
{
	gzFile f = gzopen(path, "rb");
	if (!f) return false;
	uint8_t head[4096];
	int n = gzread(f, head, sizeof(head));
	gzclose(f);
	return n > 0 && zeek_software_kind(head, (size_t)n) != ZS_NONE;
}

static void sniff_packet(void *ctx, double ts, const struct pkt *p) { payload_sniff_packet(ctx, ts, p); }

void traffic_job_sniff(struct traffic_job *j, struct capture_config *cc)
{
	if (!j->sniff) j->sniff = payload_sniff_new();
	cc->packet = sniff_packet;
	cc->packet_ctx = j->sniff;
}

int traffic_job_read_files(struct traffic_job *j, char *const *files, size_t n, uint64_t *ret_damaged,
			   struct dm_err *e)
{
	struct flow_sink sink = { j, keep_flow, NULL };
	return traffic_job_read_files_into(j, files, n, &sink, ret_damaged, e);
}

int traffic_job_read_files_into(struct traffic_job *j, char *const *files, size_t n,
				const struct flow_sink *to, uint64_t *ret_damaged, struct dm_err *e)
{
	struct flow_sink sink = *to;
	struct flow_table_config ftc = { 0 };
	struct flow_table *ft = flow_table_new(&ftc, &sink);
	struct capture_config cc = { 0 };
	traffic_job_sniff(j, &cc);
	struct capture_stats st = { 0 };
	struct zeek_stats zs = { 0 };
	struct zeek_software_stats ss = { 0 };
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		r = traffic_file_is_zeek_software(files[i])
			? zeek_software_read_file(files[i], j->sniff, &ss, e)
		    : traffic_file_is_zeek(files[i]) ? zeek_read_file(files[i], &sink, &zs, NULL, e)
						     : capture_file(files[i], &cc, ft, &st, e);
	flow_table_flush(ft);
	flow_table_free(ft);
	*ret_damaged = st.damaged + zs.damaged + ss.damaged + st.truncated;
	return r;
}

/* The import stage and the runs it makes (pipeline/stage-import.h): a
 * file read into a result set, its services identified from their banners
 * where the scanner named no product, then enrich, vulns, save and report
 * as an audit runs them. */
#include "pipeline/stage-import.h"
#include "pipeline/stages.h"
#include "import/import.h"
#include "probe/services.h"
#include "vuln/nmap-names.h"
#include "base/buf.h"
#include "base/datadir.h"
#include "base/log.h"
#include "base/redact.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum { IMPORT_MAX_BYTES = 1024u << 20 };

/* A sink that merges what several records say about one port (masscan
 * reports an HTTP server's Server header, title and response apart). */
static void merge_service(void *ctx, const struct obs_service *s)
{
	struct resultset *rs = ctx;
	struct host_entry *he = resultset_host(rs, &s->ip, false);
	struct obs_service *old = he ? (struct obs_service *)host_service(he, s->proto, s->port) : NULL;
	if (!old) {
		resultset_add_service(rs, s);
		return;
	}
#define FILL(f)                                                               \
	do {                                                                  \
		if (!old->f[0]) snprintf(old->f, sizeof(old->f), "%s", s->f); \
	} while (0)
	FILL(product);
	FILL(vendor);
	FILL(version);
	FILL(cpe);
	FILL(device);
	FILL(os);
	FILL(banner);
#undef FILL
	if (s->info[0] && !strstr(old->info, s->info)) {
		size_t w = strlen(old->info);
		snprintf(old->info + w, sizeof(old->info) - w, "%s%s", w ? "; " : "", s->info);
	}
	if (!strcmp(old->name, "unknown") || !old->name[0])
		snprintf(old->name, sizeof(old->name), "%s", s->name);
}

/* What a banner says, matched as the probes match it (probe/identify.c):
 * the scanner kept the text, dormant's databases name the product. */
static void identify_banner(const struct fp_set *fps, struct obs_service *o)
{
	if (o->product[0]) return;
	struct svc s = { .out = *o, .fps = fps };
	const char *b = o->banner, *info = o->info;
	const char *srv = strstr(info, "server: ");
	const char *title = strstr(info, "title: ");
	if (!strcmp(o->name, "ssh") && !strncmp(b, "SSH-", 4) && strchr(b + 4, '-')) {
		const char *sw = strchr(b + 4, '-') + 1;
		svc_evidence(&s, "ssh.banner", sw, strcspn(sw, "\r\n"));
	} else if (!strcmp(o->name, "ftp") || !strcmp(o->name, "smtp")) {
		size_t l = strcspn(b, "\r\n");
		if (l > 4) svc_evidence(&s, o->name[0] == 'f' ? "ftp.banner" : "smtp.banner", b + 4, l - 4);
	}
	if (srv) svc_evidence(&s, "http_header.server", srv + 8, strcspn(srv + 8, ";"));
	if (title) svc_evidence(&s, "html_title", title + 7, strcspn(title + 7, ";"));
	*o = s.out;
}

static int read_file(const char *path, struct resultset *rs, struct import_meta *meta, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	b.max = IMPORT_MAX_BYTES;
	int r = buf_read_file(&b, path, IMPORT_MAX_BYTES, "a scan result file", e);
	if (r == 0) {
		struct obs_sink sink = resultset_sink(rs);
		sink.service = merge_service;
		r = import_read(path, b.data ? b.data : "", b.len, &sink, meta, e);
	}
	buf_release(&b);
	if (r == 0 && !meta->start) { /* no times in the file: when it was written */
		struct stat st;
		if (stat(path, &st) == 0) meta->start = meta->end = (double)st.st_mtime;
	}
	return r;
}

struct loaded {
	struct store *st;
	char *dbpath;
	struct fp_set fps;
	struct aliases al;
};

static int import_one(const struct import_config *c, struct loaded *l, const char *path, size_t *ret_findings,
		      struct dm_err *e)
{
	struct resultset rs = { 0 };
	struct findings fs = { 0 };
	struct import_meta meta;
	struct outputs outs = { 0 };
	struct save_out saved = { 0 };
	int64_t run = 0;
	int r = read_file(path, &rs, &meta, e);
	if (r < 0) goto out;
	for (size_t i = 0; i < rs.n_hosts; i++)
		for (size_t j = 0; j < rs.hosts[i].n_svcs; j++)
			identify_banner(&l->fps, &rs.hosts[i].svcs[j]);
	const char *kind = meta.scanner[0] ? meta.scanner : "import";
	struct enrich_out eo;
	stage_enrich(&(struct enrich_in){ kind, &rs }, &eo);
	char args[700];
	snprintf(args, sizeof(args), "import %s%s%s", path, meta.args[0] ? ": " : "", meta.args);
	if ((r = outputs_open(&c->out, false, &outs, e)) < 0) goto out;
	if ((r = store_run_begin(l->st, kind, args, meta.start, &run, e)) < 0) goto out;
	struct vulns_out vo;
	struct vulns_in vi = { l->st, &l->al, &rs, c->min_conf, false, &fs };
	if ((r = stage_vulns(&vi, &vo, e)) < 0) goto out;
	struct save_in si = { .st = l->st,
			      .dbpath = l->dbpath,
			      .kind = kind,
			      .run = run,
			      .rs = &rs,
			      .fs = &fs,
			      .finished = meta.end > 0 ? meta.end : meta.start };
	if ((r = stage_save(&si, &saved, e)) < 0) goto out;
	log_info("import: %s: %s, run %lld: %zu hosts up, %zu open ports, %llu services, %zu findings", path,
		 import_format_name(meta.format), (long long)run, resultset_count_up(&rs),
		 resultset_count_ports(&rs, PORT_OPEN), (unsigned long long)meta.services, fs.n);
	struct report_meta m = { .command = kind,
				 .args = args,
				 .scan_type = kind,
				 .start = meta.start,
				 .end = meta.end,
				 .run_id = run,
				 .findings = &fs };
	struct report_in ri = { .outs = &outs,
				.rs = &rs,
				.meta = &m,
				.table = c->table,
				.redact = c->redact,
				.rs_mut = &rs,
				.fs_mut = &fs,
				.changes_mut = &saved.changes };
	r = stage_report(&ri, e);
	*ret_findings += fs.n;
out:
	if (r < 0 && run) store_run_finish(l->st, run, "failed", meta.end, NULL);
	struct dm_err ignored;
	outputs_close(&outs, false, &ignored);
	rundiff_release(&saved.changes);
	findings_release(&fs);
	resultset_release(&rs);
	return r;
}

int import_files(const struct import_config *c, size_t *ret_findings, struct dm_err *e)
{
	struct loaded l = { 0 };
	int r = 0;
	*ret_findings = 0;
	bool outputs = c->out.jsonl || c->out.xml || c->out.text || c->out.html || c->out.csv;
	if (outputs && c->n_files > 1)
		return dm_fail(e, DM_EINPUT,
			       "output files take one FILE at a time (each file is its own run)");
	if ((r = fp_set_load_dir(&l.fps, dm_data("fingerprints"), e)) < 0 ||
	    (c->fpdir && (r = fp_set_load_dir(&l.fps, c->fpdir, e)) < 0) ||
	    (r = aliases_load(&l.al, ALIASES_DEFAULT_PATH, e)) < 0 ||
	    (r = aliases_load_nmap_opt(&l.al, c->service_probes, e)) < 0)
		goto out;
	l.dbpath = c->db ? xstrdup(c->db) : store_default_path();
	if ((r = store_open(l.dbpath, &l.st, e)) < 0) goto out;
	redact_set_key(store_redact_key(l.st));
	for (size_t i = 0; i < c->n_files && r == 0; i++) r = import_one(c, &l, c->files[i], ret_findings, e);
out:
	store_close(l.st);
	free(l.dbpath);
	fp_set_release(&l.fps);
	aliases_release(&l.al);
	return r;
}

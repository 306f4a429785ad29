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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { IMPORT_MAX_BYTES = 1024u << 20 };

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
		struct obs_sink sink = import_sink(rs);
		r = import_read(path, b.data ? b.data : "", b.len, &sink, meta, e);
	}
	buf_release(&b);
	if (r == 0 && !meta->start) { /* no times in the file: when it was written */
		struct stat st;
		if (stat(path, &st) == 0) meta->start = meta->end = (double)st.st_mtime;
	}
	return r;
}

/* What the file covered: its hosts, the ports nmap says it probed (else
 * those the file shows open: masscan and ZMap name no others), the port
 * scan, and identification when the scanner named services. A later run
 * then claims a host gone or a port closed only where this one looked. */
static void import_coverage(const struct resultset *rs, const struct import_meta *m, bool vulns,
			    struct coverage *ret)
{
	struct rangeset v4 = { 0 };
	struct in6_addr *v6 = xcalloc(rs->n_hosts ? rs->n_hosts : 1, sizeof(*v6));
	size_t n6 = 0;
	struct portlist seen = { 0 };
	const struct portlist *ports = &m->scanned;
	struct buf spec = BUF_INIT;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		if (he->h.ip.family == AF_INET)
			rangeset_add(&v4, he->h.ip.v4, he->h.ip.v4);
		else
			v6[n6++] = he->h.ip.v6;
		for (size_t j = 0; j < he->n_ports; j++)
			buf_printf(&spec, "%s%c:%u", spec.len ? "," : "",
				   he->ports[j].proto == PROTO_UDP ? 'U' : 'T', he->ports[j].port);
	}
	if (!m->scanned.n_tcp && !m->scanned.n_udp) {
		struct dm_err ignored;
		if (spec.len) portlist_parse(&seen, spec.data, PROTO_TCP, &ignored);
		ports = &seen;
	}
	rangeset_normalize(&v4);
	unsigned checks = CHECK_PORTS | (m->services ? CHECK_SERVICES : 0) |
			  (m->services && vulns ? CHECK_VULNS : 0);
	coverage_set(ret, &v4, v6, n6, ports, checks);
	rangeset_release(&v4);
	portlist_release(&seen);
	buf_release(&spec);
	free(v6);
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
	struct import_meta meta = { 0 };
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
	struct coverage cov;
	import_coverage(&rs, &meta, store_vuln_any(l->st, NULL) == 1, &cov);
	struct save_in si = { .st = l->st,
			      .dbpath = l->dbpath,
			      .kind = kind,
			      .run = run,
			      .rs = &rs,
			      .fs = &fs,
			      .cov = &cov,
			      .changes = true,
			      .finished = meta.end > 0 ? meta.end : meta.start };
	r = stage_save(&si, &saved, e);
	coverage_release(&cov);
	if (r < 0) goto out;
	log_info("import: %s: %s, run %lld: %zu hosts up, %zu open ports, %llu services, %zu findings", path,
		 import_format_name(meta.format), (long long)run, resultset_count_up(&rs),
		 resultset_count_ports(&rs, PORT_OPEN), (unsigned long long)meta.services, fs.n);
	struct report_meta m = { .command = kind,
				 .args = args,
				 .scan_type = kind,
				 .start = meta.start,
				 .end = meta.end,
				 .run_id = run,
				 .findings = &fs,
				 .changes = saved.changes_from ? &saved.changes : NULL,
				 .changes_from = saved.changes_from };
	struct report_in ri = { .outs = &outs,
				.rs = &rs,
				.meta = &m,
				.table = c->table,
				.changes = saved.changes_from != 0,
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
	import_meta_release(&meta);
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
	if ((r = store_open(l.dbpath, &l.st, e)) < 0 ||
	    (c->site && (r = store_set_site(l.st, c->site, e)) < 0))
		goto out;
	redact_set_key(store_redact_key(l.st));
	for (size_t i = 0; i < c->n_files && r == 0; i++) r = import_one(c, &l, c->files[i], ret_findings, e);
out:
	store_close(l.st);
	free(l.dbpath);
	fp_set_release(&l.fps);
	aliases_release(&l.al);
	return r;
}

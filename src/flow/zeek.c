/* Zeek conn.log reading: TSV by its header, or JSON lines. dns.log and
 * ssl.log lines (no conn_state, duration or counts) become detail records:
 * the DNS question, the TLS fingerprints and the certificate hash of a
 * conversation conn.log counts. */
#include "flow/zeek.h"
#include "flow/zeek-json.h"
#include "flow/zeek-reader.h"
#include "base/json.h"
#include "base/log.h"
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum col {
	C_TS,
	C_OH,
	C_OP,
	C_RH,
	C_RP,
	C_PROTO,
	C_SERVICE,
	C_DURATION,
	C_OBYTES,
	C_RBYTES,
	C_STATE,
	C_OPKTS,
	C_OIPBYTES,
	C_RPKTS,
	C_RIPBYTES,
	C_QUERY,
	C_QTYPE,
	C_SNI,
	C_JA3,
	C_JA4,
	C_CERTS,
	C_N
};
static const char *const col_names[C_N] = {
	"ts",
	"id.orig_h",
	"id.orig_p",
	"id.resp_h",
	"id.resp_p",
	"proto",
	"service",
	"duration",
	"orig_bytes",
	"resp_bytes",
	"conn_state",
	"orig_pkts",
	"orig_ip_bytes",
	"resp_pkts",
	"resp_ip_bytes",
	"query",
	"qtype",
	"server_name",
	"ja3",
	"ja4",
	"cert_chain_fps",
};
enum { MAX_COLS = ZR_MAX_COLS };
_Static_assert((int)C_N <= (int)ZJ_MAX_NAMES, "a JSON line's names are hashed in a zj_names");
_Static_assert((int)C_N == (int)ZR_COLS, "the reader's columns");

bool zeek_sniff(const uint8_t *h, size_t n)
{
	return (n >= 10 && !memcmp(h, "#separator", 10)) ||
	       (n >= 1 && h[0] == '{' && memmem(h, n, "\"id.orig_h\"", 11));
}

static void message(struct reader *r, uint64_t line, const char *why)
{
	if (r->messages++ < ZR_MAX_MESSAGES)
		log_warn("%s:%llu: %s: line skipped", r->name, (unsigned long long)line, why);
}

static void damaged(struct reader *r, const char *why)
{
	r->st->damaged++;
	struct zr_batch *b = r->batch;
	if (!b) return message(r, r->st->lines, why);
	if (b->n_ev == b->cap_ev) {
		b->cap_ev = b->cap_ev ? 2 * b->cap_ev : 64;
		b->ev = xrealloc(b->ev, b->cap_ev * sizeof(*b->ev));
	}
	b->ev[b->n_ev++] = (struct zr_event){ r->st->lines, b->n, why };
}

/* The first byte decides for most values (a digit, an address). */
static bool is_unset(struct reader *r, const char *v)
{
	if (!*v) return true;
	if (*v != r->unset[0] && *v != r->empty[0]) return false;
	return !strcmp(v, r->unset) || !strcmp(v, r->empty);
}

/* Counts and times are parsed by hand: they are most of a line, and
 * strtoull/strtod (locale, bases, exponents) were a third of the reading.
 * Only plain decimal digits are accepted, as Zeek writes them. */
static bool num_u64(const char *s, uint64_t *ret)
{
	if (!*s) return false;
	uint64_t v = 0;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || v > (UINT64_MAX - d) / 10) return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

/* "1794758400.123456": seconds with up to 9 decimals; anything else
 * (exponents, more digits) goes through strtod. */
static bool num_double(const char *s, double *ret)
{
	if (!*s) return false;
	uint64_t whole = 0, frac = 0, scale = 1;
	const char *p = s;
	for (; *p >= '0' && *p <= '9' && whole < 100000000000000ull; p++)
		whole = whole * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && scale < 1000000000ull; p++) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
	}
	double v;
	if (!*p && p != s) {
		v = (double)whole + (double)frac / (double)scale;
	} else {
		char *end;
		v = strtod(s, &end);
		if (*end) return false;
	}
	if (!(v >= 0) || v > 1e13) return false;
	*ret = v;
	return true;
}

/* A dotted quad by hand (inet_pton was a tenth of the reading): only the
 * form inet_pton takes (four 0 to 255, no leading zero, nothing after);
 * anything else, IPv6 included, is ipaddr_parse's. */
static int addr_parse(const char *s, struct ipaddr *a)
{
	uint32_t v = 0;
	const char *p = s;
	for (int i = 0; i < 4; i++) {
		if (*p < '0' || *p > '9') return ipaddr_parse(s, a);
		unsigned o = (unsigned)(*p++ - '0');
		for (int k = 0; k < 2 && o && *p >= '0' && *p <= '9'; k++)
			o = o * 10 + (unsigned)(*p++ - '0');
		if ((*p >= '0' && *p <= '9') || o > 255) return ipaddr_parse(s, a);
		v = v << 8 | o;
		if (i < 3 && *p++ != '.') return ipaddr_parse(s, a);
	}
	if (*p) return ipaddr_parse(s, a);
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->v4 = v;
	return 0;
}

static const char *app_of(const char *service)
{
	if (!service) return NULL;
	if (strstr(service, "ssl") || strstr(service, "tls")) return "tls";
	if (strstr(service, "ssh")) return "ssh";
	if (strstr(service, "dns")) return "dns";
	if (strstr(service, "http")) return "http";
	return NULL;
}

/* A string of a kept record that does not lie in the block: copied. */
static const char *persist(struct zr_batch *b, const char *s)
{
	if (!s || (s >= b->lo && s < b->hi)) return s;
	size_t n = strlen(s) + 1;
	struct zr_chunk *c = b->cur;
	while (c && c->cap - c->used < n) c = c->next;
	if (!c) { /* chunks are kept for the next blocks; a string is shorter than a line */
		size_t cap = n > (1 << 16) ? n : (1 << 16);
		c = xmalloc(sizeof(*c) + cap);
		*c = (struct zr_chunk){ .next = b->chunks, .cap = cap };
		b->chunks = c;
	}
	b->cur = c;
	char *d = memcpy(c->s + c->used, s, n);
	c->used += n;
	return d;
}

static void keep(struct zr_batch *b, const struct obs_flow *f)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 4096;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	struct obs_flow *k = &b->v[b->n++];
	*k = *f;
	k->sni = persist(b, f->sni);
	k->ja3 = persist(b, f->ja3);
	k->ja4 = persist(b, f->ja4);
	k->dns_query = persist(b, f->dns_query);
	k->cert_hash = persist(b, f->cert_hash);
}

/* One record from its fields (NULL: absent or unset). */
static void record(struct reader *r, const char *const v[C_N])
{
	struct obs_flow f = { .entropy = -1, .end_reason = "zeek" };
	uint64_t sp, dp;
	double ts, dur = 0;
	if (!v[C_TS] || !num_double(v[C_TS], &ts)) return damaged(r, "no valid ts");
	if (!v[C_OH] || addr_parse(v[C_OH], &f.src) < 0) return damaged(r, "no valid id.orig_h");
	if (!v[C_RH] || addr_parse(v[C_RH], &f.dst) < 0) return damaged(r, "no valid id.resp_h");
	if (!v[C_OP] || !num_u64(v[C_OP], &sp) || sp > 65535) return damaged(r, "no valid id.orig_p");
	if (!v[C_RP] || !num_u64(v[C_RP], &dp) || dp > 65535) return damaged(r, "no valid id.resp_p");
	if (v[C_DURATION] && !num_double(v[C_DURATION], &dur)) return damaged(r, "bad duration");
	const char *proto = v[C_PROTO] ? v[C_PROTO] : "";
	if (!v[C_PROTO] && !v[C_STATE] && (v[C_JA3] || v[C_JA4] || v[C_SNI] || v[C_CERTS]))
		proto = "tcp"; /* ssl.log has no proto column */
	f.proto = !strcmp(proto, "tcp")    ? IPPROTO_TCP
		  : !strcmp(proto, "udp")  ? IPPROTO_UDP
		  : !strcmp(proto, "icmp") ? IPPROTO_ICMP
					   : 0;
	if (!f.proto) return damaged(r, "proto is not tcp, udp or icmp");
	f.sport = (uint16_t)sp;
	f.dport = (uint16_t)dp;
	f.start = ts;
	f.end = ts + dur;
	/* IP bytes when Zeek counted them (what pcap flows count), else payload bytes */
	const int counts[4][2] = {
		{ C_OIPBYTES, C_OBYTES }, { C_RIPBYTES, C_RBYTES }, { C_OPKTS, -1 }, { C_RPKTS, -1 }
	};
	uint64_t *dst[4] = { &f.bytes_out, &f.bytes_in, &f.pkts_out, &f.pkts_in };
	for (int i = 0; i < 4; i++) {
		const char *s = v[counts[i][0]]     ? v[counts[i][0]]
				: counts[i][1] >= 0 ? v[counts[i][1]]
						    : NULL;
		if (s && !num_u64(s, dst[i])) return damaged(r, "bad byte or packet count");
	}
	f.app = app_of(v[C_SERVICE]);
	f.detail = !v[C_STATE] && !v[C_DURATION] && !v[C_OBYTES] && !v[C_OIPBYTES] && !v[C_OPKTS];
	uint64_t qt = 0;
	if (v[C_QTYPE] && (!num_u64(v[C_QTYPE], &qt) || qt > 65535)) return damaged(r, "bad qtype");
	f.dns_qtype = (uint16_t)qt;
	f.dns_query = v[C_QUERY];
	if (f.dns_query) f.app = "dns";
	f.sni = v[C_SNI];
	f.ja3 = v[C_JA3];
	f.ja4 = v[C_JA4];
	if (f.ja3 || f.ja4 || f.sni) f.app = "tls";
	char cert[72] = "";
	if (v[C_CERTS]) { /* the leaf's fingerprint: the first of the chain */
		size_t n = strcspn(v[C_CERTS], ",");
		snprintf(cert, sizeof(cert), "%.*s", (int)(n < 71 ? n : 71), v[C_CERTS]);
		for (char *c = cert; *c; c++) *c = (char)tolower((unsigned char)*c);
		f.cert_hash = cert;
	}
	r->st->records++;
	if (r->batch) return keep(r->batch, &f);
	if (r->sink->flow) r->sink->flow(r->sink->ctx, &f);
}

static void header(struct reader *r, char *line)
{
	r->st->comments++;
	if (!strncmp(line, "#separator ", 11)) {
		const char *s = line + 11;
		char sep = *s;
		if (!strncmp(s, "\\x", 2) && strlen(s) >= 4)
			sep = (char)strtol((char[]){ s[2], s[3], 0 }, NULL, 16);
		/* a NUL or line break cannot separate columns of a line: keep the tab */
		if (sep && sep != '\n' && sep != '\r')
			r->sep = sep;
		else
			log_warn("%s:%llu: unusable #separator: tab kept", r->name,
				 (unsigned long long)r->st->lines);
		return;
	}
	char *val = strchr(line, r->sep);
	if (!val) return;
	*val++ = 0;
	if (!strcmp(line, "#unset_field"))
		snprintf(r->unset, sizeof(r->unset), "%.15s", val);
	else if (!strcmp(line, "#empty_field"))
		snprintf(r->empty, sizeof(r->empty), "%.15s", val);
	else if (!strcmp(line, "#fields")) {
		for (int c = 0; c < C_N; c++) r->pos[c] = -1;
		r->last = -1;
		int i = 0;
		for (char *save = NULL, *t = strtok_r(val, (char[]){ r->sep, 0 }, &save); t && i < MAX_COLS;
		     t = strtok_r(NULL, (char[]){ r->sep, 0 }, &save), i++)
			for (int c = 0; c < C_N; c++)
				if (!strcmp(t, col_names[c])) r->pos[c] = i;
		for (int c = 0; c < C_N; c++)
			if (r->pos[c] > r->last) r->last = r->pos[c];
		r->have_fields = true;
	}
}

/* Cuts line[0..len) (line[len] is NUL) at sep into at most want columns,
 * the last of them ended too: what a loop over each byte did (two thirds
 * of the TSV reading), 16 bytes a step where SSE2 is. A NUL ends the
 * line. */
static int split(char *line, size_t len, char sep, int want, char **cols)
{
	if (want <= 0) return 0;
	int n = 0;
	cols[n++] = line;
	char *p = line, *end = line + len;
#ifdef __SSE2__
	const __m128i vs = _mm_set1_epi8(sep), vz = _mm_setzero_si128();
	for (; end - p >= 16; p += 16) {
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m =
		    (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(b, vs), _mm_cmpeq_epi8(b, vz)));
		for (; m; m &= m - 1) {
			char *q = p + __builtin_ctz(m);
			if (!*q) return n;
			*q = 0;
			if (n == want) return n;
			cols[n++] = q + 1;
		}
	}
#endif
	for (;; p++) {
		if (!*p) return n;
		if (*p != sep) continue;
		*p = 0;
		if (n == want) return n;
		cols[n++] = p + 1;
	}
}

static void tsv_line(struct reader *r, char *line, size_t len)
{
	if (!r->have_fields) return damaged(r, "data before a #fields header");
	/* split up to the last column used */
	char *cols[MAX_COLS];
	int n = split(line, len, r->sep, r->last + 1 < MAX_COLS ? r->last + 1 : MAX_COLS, cols);
	const char *v[C_N];
	for (int c = 0; c < C_N; c++) {
		int i = r->pos[c];
		v[c] = i >= 0 && i < n && !is_unset(r, cols[i]) ? cols[i] : NULL;
		if (i >= n && (c == C_TS || c == C_OH || c == C_RH || c == C_OP || c == C_RP))
			return damaged(r, "missing columns");
	}
	record(r, v);
}

/* The record of one JSON object's values. */
static void json_values(struct reader *r, const struct zj_val val[C_N])
{
	const char *v[C_N];
	char nums[C_N][32];
	for (int c = 0; c < C_N; c++) {
		v[c] = val[c].s;
		if (val[c].kind != ZJ_NUMBER) continue;
		if (val[c].exp) { /* 1.7e9: as a plain number */
			snprintf(nums[c], sizeof(nums[c]), "%.6f", strtod(v[c], NULL));
			v[c] = nums[c];
		}
		/* counts and ports are integers; Zeek writes ts and duration as decimals
		 * (an exponent's number is written with a '.' just above) */
		if (c != C_TS && c != C_DURATION && c < C_QUERY && (val[c].dot || val[c].exp)) v[c] = "bad";
	}
	record(r, v);
}

static int json_rec(void *ctx, const struct json *rec, const struct json *hdr, uint64_t off, struct dm_err *e)
{
	(void)hdr;
	(void)off;
	(void)e;
	struct reader *r = ctx;
	struct zj_val val[C_N];
	zeek_json_tree(rec, &r->names, val);
	json_values(r, val);
	return 0;
}

static void json_line(struct reader *r, char *line, size_t len)
{
	struct zj_val val[C_N];
	if (zeek_json_flat(line, len, &r->names, val)) return json_values(r, val);
	struct dm_err e;
	struct json_stream js = { .record = json_rec, .ctx = r, .max_record = 1 << 20 };
	if (json_stream_mem(&js, line, len, r->name, &e) < 0) damaged(r, "not a JSON object");
}

static void one_line(struct reader *r, char *line, size_t len)
{
	r->st->lines++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
	if (!len) return;
	if (line[0] == '#') return header(r, line);
	if (line[0] == '{') return json_line(r, line, len);
	tsv_line(r, line, len);
}

void zr_init(struct reader *r, const char *name, const struct flow_sink *sink, struct zeek_stats *st)
{
	*r = (struct reader){ .name = name, .sink = sink, .st = st, .sep = '\t' };
	snprintf(r->unset, sizeof(r->unset), "-");
	snprintf(r->empty, sizeof(r->empty), "(empty)");
	for (int c = 0; c < C_N; c++) r->pos[c] = -1;
	zj_names_init(&r->names, col_names, C_N);
}

void zr_too_long(struct reader *r)
{
	r->st->lines++;
	damaged(r, "line too long");
}

void zr_lines(struct reader *r, char *p, char *end)
{
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *stop = nl ? nl : end;
		size_t len = (size_t)(stop - p) + (nl != NULL);
		if (len >= ZR_LINE)
			zr_too_long(r);
		else
			one_line(r, p, len);
		p = nl ? nl + 1 : end;
	}
}

void zr_batch_reset(struct zr_batch *b, const char *lo, const char *hi)
{
	b->n = b->n_ev = 0;
	for (struct zr_chunk *c = b->chunks; c; c = c->next) c->used = 0;
	b->cur = b->chunks;
	b->st = (struct zeek_stats){ 0 };
	b->lo = lo;
	b->hi = hi;
}

void zr_batch_release(struct zr_batch *b)
{
	free(b->v);
	free(b->ev);
	for (struct zr_chunk *c = b->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	*b = (struct zr_batch){ 0 };
}

void zr_batch_deliver(struct reader *r, const struct zr_batch *b)
{
	uint64_t base = r->st->lines;
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++) {
		for (; k < b->n_ev && b->ev[k].before == i; k++)
			message(r, base + b->ev[k].line, b->ev[k].why);
		if (r->sink->flow) r->sink->flow(r->sink->ctx, &b->v[i]);
	}
	for (; k < b->n_ev; k++) message(r, base + b->ev[k].line, b->ev[k].why);
	r->st->lines += b->st.lines;
	r->st->records += b->st.records;
	r->st->damaged += b->st.damaged;
}

int zeek_read_mem(const char *name, const char *data, size_t len, const struct flow_sink *sink,
		  struct zeek_stats *st, struct dm_err *e)
{
	(void)e;
	struct reader r;
	zr_init(&r, name, sink, st);
	char *copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = 0;
	for (char *p = copy; p < copy + len;) {
		char *nl = memchr(p, '\n', (size_t)(copy + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(copy + len - p);
		p[n] = 0;
		one_line(&r, p, strlen(p));
		p += n + 1;
	}
	free(copy);
	return 0;
}

/* A plain file is read in big blocks and its lines taken where they lie
 * (getline copied each one; zlib's transparent mode copies every byte once
 * more); gzip through zlib. */
static bool is_gzip(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) return true; /* zlib reports the error */
	int a = fgetc(f), b = fgetc(f);
	fclose(f);
	return a == 0x1f && b == 0x8b;
}

/* Threads beside the caller only when a core is idle: on a busy machine
 * they took the caller's share of the cores (one scheduling group) and
 * each wait for a block cost a turn in the run queue (bench/RESULTS.md). */
static int idle_cores(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	double load;
	if (cpus < 2 || getloadavg(&load, 1) != 1) return 0;
	double idle = (double)cpus - load;
	return idle < 1 ? 0 : idle > 3 ? 3 : (int)idle;
}

int zeek_read_file(const char *path, const struct flow_sink *sink, struct zeek_stats *st,
		   const struct zeek_progress *pg, struct dm_err *e)
{
	return zeek_read_file_blocks(path, sink, st, pg, 1 << 20, idle_cores(), e);
}

int zeek_read_file_blocks(const char *path, const struct flow_sink *sink, struct zeek_stats *st,
			  const struct zeek_progress *pg, size_t block, int workers, struct dm_err *e)
{
	struct reader r;
	zr_init(&r, path, sink, st);
	int rc = 0;
	if (pg && !pg->fn) pg = NULL;
	if (block <= ZR_LINE) block = ZR_LINE + 1;
	if (!is_gzip(path)) {
		if ((rc = zr_read_blocks(path, &r, pg, block, workers, e)) < 0) return rc;
		goto check;
	}
	struct stat sb;
	uint64_t total = pg && stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
	gzFile f = gzopen(path, "rb");
	if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno ? errno : ENOMEM));
	gzbuffer(f, 1 << 18);
	char *line = xmalloc(ZR_LINE);
	while (gzgets(f, line, ZR_LINE)) {
		size_t n = strlen(line);
		if (n == ZR_LINE - 1 && line[n - 1] != '\n') {
			/* a line longer than any conn.log line: skip the rest of it */
			zr_too_long(&r);
			int c;
			while ((c = gzgetc(f)) >= 0 && c != '\n') {
			}
			continue;
		}
		one_line(&r, line, n);
		if (pg && !(st->lines & 0xffff)) pg->fn(pg->ctx, st, (uint64_t)gzoffset(f), total);
	}
	int zerr;
	const char *msg = gzerror(f, &zerr);
	if (zerr != Z_OK && zerr != Z_STREAM_END)
		log_warn("%s: line %llu: %s; the lines before it were read", path,
			 (unsigned long long)st->lines + 1, msg);
	gzclose(f);
	free(line);
check:
	if (st->records == 0 && st->damaged == 0 && !r.have_fields && st->lines)
		rc = dm_fail(e, DM_EINPUT, "%s: not a Zeek conn.log (no #fields header and no JSON records)",
			     path);
	return rc;
}

/* NetFlow v5 (fixed records), v9 (RFC 3954) and IPFIX (RFC 7011). */
#include "flow/netflow.h"
#include "base/util.h"
#include <string.h>

enum {
	MAX_FIELDS = 512,
	MAX_TEMPLATES = 4096,
	MAX_WAITING = 256,
	MAX_WAIT_BYTES = 4 << 20,
	MAX_SOURCES = 1024
};

struct field {
	uint16_t id, len;    /* len 65535: variable length (IPFIX) */
	uint32_t enterprise; /* 0: IANA */
};

struct template
{
	struct ipaddr exporter;
	uint32_t domain;
	uint16_t id, n;
	bool options, used;
	uint8_t version;
	uint16_t scope_n;
	struct field *f;
};

struct waiting { /* a data set whose template has not come yet */
	struct ipaddr exporter;
	uint32_t domain, export_time, uptime;
	uint16_t id;
	uint8_t version;
	uint8_t *data;
	size_t len;
};

struct source { /* sequence tracking per exporter and domain */
	struct ipaddr exporter;
	uint32_t domain;
	uint8_t version;
	bool seen;
	uint32_t next, last; /* expected next sequence number; the last one seen */
	double init_time;    /* IPFIX systemInitTimeMilliseconds, seconds; 0 unknown */
};

struct nf_decoder {
	struct flow_sink sink;
	struct template *t;
	size_t n_t;
	struct waiting w[MAX_WAITING];
	size_t n_w, wait_bytes;
	struct source src[MAX_SOURCES];
	size_t n_src;
	struct nf_stats st;
};

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be_n(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n && i < 8; i++) v = v << 8 | p[i];
	return v;
}

struct nf_decoder *nf_new(const struct flow_sink *sink)
{
	struct nf_decoder *d = xcalloc(1, sizeof(*d));
	d->sink = *sink;
	d->t = xcalloc(MAX_TEMPLATES, sizeof(*d->t));
	return d;
}

void nf_free(struct nf_decoder *d)
{
	if (!d) return;
	for (size_t i = 0; i < d->n_t; i++) free(d->t[i].f);
	for (size_t i = 0; i < d->n_w; i++) free(d->w[i].data);
	free(d->t);
	free(d);
}

void nf_stats(const struct nf_decoder *d, struct nf_stats *ret) { *ret = d->st; }

static bool same_exporter(const struct ipaddr *a, const struct ipaddr *b) { return ipaddr_cmp(a, b) == 0; }

static struct template *find_template(struct nf_decoder *d, const struct ipaddr *ex, uint32_t domain,
				      uint16_t id, uint8_t version)
{
	for (size_t i = 0; i < d->n_t; i++) {
		struct template *t = &d->t[i];
		if (t->used && t->id == id && t->domain == domain && t->version == version &&
		    same_exporter(&t->exporter, ex))
			return t;
	}
	return NULL;
}

static struct source *source_of(struct nf_decoder *d, const struct ipaddr *ex, uint32_t domain,
				uint8_t version)
{
	for (size_t i = 0; i < d->n_src; i++)
		if (d->src[i].domain == domain && d->src[i].version == version &&
		    same_exporter(&d->src[i].exporter, ex))
			return &d->src[i];
	if (d->n_src == MAX_SOURCES) return NULL;
	struct source *s = &d->src[d->n_src++];
	*s = (struct source){ .exporter = *ex, .domain = domain, .version = version };
	return s;
}

static void sequence(struct nf_decoder *d, const struct ipaddr *ex, uint32_t domain, uint8_t version,
		     uint32_t seq, uint32_t advance)
{
	struct source *s = source_of(d, ex, domain, version);
	if (!s) return;
	/* RFC 7011 numbers a message by the records sent before it; some
	 * exporters (softflowd 1.1) count its own records in as well: either
	 * way nothing was lost */
	bool inclusive = version == 10 && seq - advance == s->last;
	if (s->seen && seq != s->next && !inclusive) {
		uint32_t missing = seq - s->next;
		/* an exporter restart or reordering looks like a huge jump: counted as a gap, not as losses */
		d->st.seq_gaps++;
		if (missing < 1000000) d->st.seq_missing += missing;
	}
	s->seen = true;
	s->next = seq + advance;
	s->last = seq;
}

static void to_addr(const uint8_t *p, size_t len, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (len == 4) {
		a->family = AF_INET;
		a->v4 = be32(p);
	} else if (len == 16) {
		a->family = AF_INET6;
		memcpy(&a->v6, p, 16);
	}
}

static void deliver(struct nf_decoder *d, struct obs_flow *f)
{
	d->st.records++;
	f->entropy = -1;
	if (!f->end_reason) f->end_reason = "exported";
	if (f->end < f->start) f->end = f->start;
	if (d->sink.flow) d->sink.flow(d->sink.ctx, f);
}

static int v5(struct nf_decoder *d, const struct ipaddr *ex, const uint8_t *p, size_t n, const char **why)
{
	if (n < 24) return *why = "NetFlow v5 header truncated", -1;
	unsigned count = be16(p + 2);
	uint32_t uptime = be32(p + 4), secs = be32(p + 8), nsecs = be32(p + 12), seq = be32(p + 16);
	if (count > 30 || n < 24 + (size_t)count * 48)
		return *why = "NetFlow v5 record count does not fit the packet", -1;
	d->st.v5++;
	sequence(d, ex, be16(p + 22) /* engine type, id */, 5, seq, count);
	double base = (double)secs + nsecs / 1e9 - uptime / 1000.0;
	for (unsigned i = 0; i < count; i++) {
		const uint8_t *r = p + 24 + i * 48;
		struct obs_flow f = {
			.sport = be16(r + 32), .dport = be16(r + 34), .proto = r[38], .flags_out = r[37]
		};
		to_addr(r, 4, &f.src);
		to_addr(r + 4, 4, &f.dst);
		f.pkts_out = be32(r + 16);
		f.bytes_out = be32(r + 20);
		f.start = base + be32(r + 24) / 1000.0;
		f.end = base + be32(r + 28) / 1000.0;
		deliver(d, &f);
	}
	return 0;
}

/* Reads one data record by its template into f; returns its length or 0 if it does not fit. */
/* The next field's value in a record: its declared length, or for IPFIX
 * variable length one length byte (255: two more). NULL when it does not fit. */
static const uint8_t *next_field(const struct field *fd, const uint8_t *p, size_t n, size_t *off, size_t *len)
{
	*len = fd->len;
	if (*len == 65535) {
		if (*off >= n) return NULL;
		*len = p[(*off)++];
		if (*len == 255) {
			if (*off + 2 > n) return NULL;
			*len = be16(p + *off);
			*off += 2;
		}
	}
	if (*off + *len > n) return NULL;
	const uint8_t *v = p + *off;
	*off += *len;
	return v;
}

static size_t data_record(const struct template *t, const uint8_t *p, size_t n, double export_time,
			  double uptime_base, struct obs_flow *f)
{
	size_t off = 0;
	double start_ms = -1, end_ms = -1, start_s = -1, end_s = -1, up_first = -1, up_last = -1;
	for (uint16_t i = 0; i < t->n; i++) {
		const struct field *fd = &t->f[i];
		size_t len;
		const uint8_t *v = next_field(fd, p, n, &off, &len);
		if (!v) return 0;
		if (fd->enterprise == 29305) { /* RFC 5103 reverse direction of a biflow */
			if (fd->id == 1 || fd->id == 85)
				f->bytes_in = be_n(v, len);
			else if (fd->id == 2 || fd->id == 86)
				f->pkts_in = be_n(v, len);
			else if (fd->id == 6 && len >= 1)
				f->flags_in = v[len - 1];
			continue;
		}
		if (fd->enterprise || (t->options && i < t->scope_n)) continue;
		switch (fd->id) {
		case 1:
		case 85: f->bytes_out = be_n(v, len); break;
		case 2:
		case 86: f->pkts_out = be_n(v, len); break;
		case 4:
			if (len >= 1) f->proto = v[len - 1];
			break;
		case 6:
			if (len >= 1) f->flags_out = v[len - 1];
			break;
		case 7:
			if (len >= 2) f->sport = (uint16_t)be_n(v, len);
			break;
		case 11:
			if (len >= 2) f->dport = (uint16_t)be_n(v, len);
			break;
		case 8:
		case 27: to_addr(v, len, &f->src); break;
		case 12:
		case 28: to_addr(v, len, &f->dst); break;
		case 22: up_first = (double)be_n(v, len); break;
		case 21: up_last = (double)be_n(v, len); break;
		case 150: start_s = (double)be_n(v, len); break;
		case 151: end_s = (double)be_n(v, len); break;
		case 152: start_ms = (double)be_n(v, len); break;
		case 153: end_ms = (double)be_n(v, len); break;
		case 32:
		case 139:
			if (!f->sport && !f->dport && len >= 2) f->dport = (uint16_t)be_n(v, len);
			break; /* ICMP type/code */
		}
	}
	if (start_ms >= 0)
		f->start = start_ms / 1000.0;
	else if (start_s >= 0)
		f->start = start_s;
	else if (up_first >= 0 && uptime_base > 0)
		f->start = uptime_base + up_first / 1000.0;
	else
		f->start = export_time;
	if (end_ms >= 0)
		f->end = end_ms / 1000.0;
	else if (end_s >= 0)
		f->end = end_s;
	else if (up_last >= 0 && uptime_base > 0)
		f->end = uptime_base + up_last / 1000.0;
	else
		f->end = f->start;
	return off;
}

/* Options data: only the exporter's boot time matters (IPFIX times relative to it). */
static void options_set(struct nf_decoder *d, const struct template *t, const uint8_t *p, size_t n)
{
	size_t off = 0;
	for (uint16_t i = 0; i < t->n; i++) {
		size_t len;
		const uint8_t *v = next_field(&t->f[i], p, n, &off, &len);
		if (!v) return;
		if (!t->f[i].enterprise && t->f[i].id == 160 && len == 8) {
			struct source *s = source_of(d, &t->exporter, t->domain, t->version);
			if (s) s->init_time = (double)be_n(v, 8) / 1000.0;
		}
	}
	d->st.options_records++;
}

static void data_set(struct nf_decoder *d, const struct template *t, const uint8_t *p, size_t n,
		     double export_time, double uptime_base)
{
	if (t->options) {
		options_set(d, t, p, n);
		return;
	}
	if (t->version == 10 && uptime_base <= 0) {
		struct source *s = source_of(d, &t->exporter, t->domain, t->version);
		if (s && s->init_time > 0) uptime_base = s->init_time;
	}
	size_t min = 0;
	for (uint16_t i = 0; i < t->n; i++) min += t->f[i].len == 65535 ? 1 : t->f[i].len;
	while (n >= min && n > 0) {
		struct obs_flow f = { 0 };
		size_t used = data_record(t, p, n, export_time, uptime_base, &f);
		if (!used) break;
		if (f.src.family && f.dst.family) deliver(d, &f);
		p += used;
		n -= used;
	}
}

/* Template (and options template) sets; returns <0 when damaged. */
static int template_set(struct nf_decoder *d, const struct ipaddr *ex, uint32_t domain, uint8_t version,
			uint16_t set_id, const uint8_t *p, size_t n, const char **why)
{
	bool ipfix = version == 10, options = ipfix ? set_id == 3 : set_id == 1;
	while (n >= 4) {
		uint16_t id = be16(p), count = be16(p + 2), scope = 0;
		size_t off = 4;
		if (ipfix &&
		    count == 0) { /* withdrawal: one template, or all of the set's kind (id = set id) */
			for (size_t i = 0; i < d->n_t; i++) {
				struct template *t = &d->t[i];
				if (t->used && t->domain == domain && t->version == version &&
				    same_exporter(&t->exporter, ex) &&
				    (t->id == id || (id == set_id && t->options == options))) {
					t->used = false;
					free(t->f);
					t->f = NULL;
				}
			}
			d->st.withdrawals++;
			p += 4;
			n -= 4;
			continue;
		}
		if (options) {
			if (ipfix) {
				if (n < 6) return *why = "IPFIX options template truncated", -1;
				scope = be16(p + 4);
				off = 6;
			} else {
				if (n < 6) return *why = "v9 options template truncated", -1;
				uint16_t scope_len = be16(p + 2), opt_len = be16(p + 4);
				if (scope_len % 4 || opt_len % 4)
					return *why = "v9 options template lengths not multiples of 4", -1;
				scope = scope_len / 4;
				count = (uint16_t)(scope + opt_len / 4);
				off = 6;
			}
		}
		if (id < 256) return *why = "template id below 256", -1;
		if (count == 0 || count > MAX_FIELDS)
			return *why = count ? "template with too many fields" : "template with no fields", -1;
		struct field *f = xcalloc(count, sizeof(*f));
		for (uint16_t i = 0; i < count; i++) {
			if (off + 4 > n) {
				free(f);
				return *why = "template longer than its set", -1;
			}
			f[i].id = be16(p + off);
			f[i].len = be16(p + off + 2);
			off += 4;
			if (ipfix && (f[i].id & 0x8000)) {
				if (off + 4 > n) {
					free(f);
					return *why = "enterprise field truncated", -1;
				}
				f[i].id &= 0x7fff;
				f[i].enterprise = be32(p + off);
				off += 4;
			}
			if (f[i].len == 65535 && !ipfix) {
				free(f);
				return *why = "variable-length field in a v9 template", -1;
			}
		}
		struct template *t = find_template(d, ex, domain, id, version);
		if (!t) {
			for (size_t i = 0; i < d->n_t && !t; i++)
				if (!d->t[i].used) t = &d->t[i];
			if (!t && d->n_t < MAX_TEMPLATES) t = &d->t[d->n_t++];
			if (!t) {
				free(f);
				return *why = "too many templates", -1;
			}
		}
		free(t->f);
		*t = (struct template){ .exporter = *ex,
					.domain = domain,
					.id = id,
					.n = count,
					.options = options,
					.used = true,
					.version = version,
					.scope_n = scope,
					.f = f };
		d->st.templates++;
		p += off;
		n -= off;
		/* Data that waited for this template. */
		for (size_t i = 0; i < d->n_w;) {
			struct waiting *w = &d->w[i];
			if (w->id == id && w->domain == domain && w->version == version &&
			    same_exporter(&w->exporter, ex)) {
				data_set(d, t, w->data, w->len, w->export_time,
					 version == 9 ? w->export_time - w->uptime / 1000.0 : 0);
				d->st.decoded_late++;
				d->wait_bytes -= w->len;
				free(w->data);
				*w = d->w[--d->n_w];
			} else {
				i++;
			}
		}
		if (n < 4 && !ipfix) break; /* v9 pads sets */
	}
	return 0;
}

static void wait_for_template(struct nf_decoder *d, const struct ipaddr *ex, uint32_t domain, uint8_t version,
			      uint16_t id, const uint8_t *p, size_t n, uint32_t export_time, uint32_t uptime)
{
	if (d->n_w == MAX_WAITING || d->wait_bytes + n > MAX_WAIT_BYTES) {
		/* the oldest makes room: bounded memory */
		free(d->w[0].data);
		d->wait_bytes -= d->w[0].len;
		memmove(d->w, d->w + 1, (d->n_w - 1) * sizeof(d->w[0]));
		d->n_w--;
		d->st.dropped_waiting++;
	}
	struct waiting *w = &d->w[d->n_w++];
	*w = (struct waiting){ .exporter = *ex,
			       .domain = domain,
			       .export_time = export_time,
			       .uptime = uptime,
			       .id = id,
			       .version = version,
			       .data = xmalloc(n ? n : 1),
			       .len = n };
	memcpy(w->data, p, n);
	d->wait_bytes += n;
	d->st.buffered++;
}

static int v9_ipfix(struct nf_decoder *d, const struct ipaddr *ex, const uint8_t *p, size_t n, bool ipfix,
		    const char **why)
{
	size_t hl = ipfix ? 16 : 20;
	if (n < hl) return *why = ipfix ? "IPFIX header truncated" : "NetFlow v9 header truncated", -1;
	uint32_t uptime = 0, export_time, seq, domain;
	if (ipfix) {
		size_t len = be16(p + 2);
		if (len < 16 || len > n) return *why = "IPFIX message length does not match the packet", -1;
		n = len;
		export_time = be32(p + 4);
		seq = be32(p + 8);
		domain = be32(p + 12);
		d->st.ipfix++;
	} else {
		uptime = be32(p + 4);
		export_time = be32(p + 8);
		seq = be32(p + 12);
		domain = be32(p + 16);
		d->st.v9++;
	}
	uint8_t version = ipfix ? 10 : 9;
	uint64_t records_before = d->st.records;
	double uptime_base = ipfix ? 0 : (double)export_time - uptime / 1000.0;
	size_t off = hl;
	int rc = 0;
	while (off + 4 <= n) {
		uint16_t set_id = be16(p + off), set_len = be16(p + off + 2);
		if (set_len < 4 || off + set_len > n) {
			*why = "set length past the end of the packet";
			rc = -1;
			break;
		}
		const uint8_t *s = p + off + 4;
		size_t sn = set_len - 4u;
		if ((!ipfix && set_id <= 1) || (ipfix && (set_id == 2 || set_id == 3))) {
			if ((rc = template_set(d, ex, domain, version, set_id, s, sn, why)) < 0) break;
		} else if (set_id >= 256) {
			struct template *t = find_template(d, ex, domain, set_id, version);
			if (t)
				data_set(d, t, s, sn, export_time, uptime_base);
			else
				wait_for_template(d, ex, domain, version, set_id, s, sn, export_time, uptime);
		} /* set ids 4-255 (IPFIX) and 2-255 (v9) are reserved: skipped */
		off += set_len;
	}
	/* v9 counts export packets, IPFIX data records */
	sequence(d, ex, domain, version, seq, ipfix ? (uint32_t)(d->st.records - records_before) : 1);
	return rc;
}

int nf_packet(struct nf_decoder *d, const struct ipaddr *ex, const uint8_t *p, size_t n, const char **why)
{
	d->st.packets++;
	int rc;
	if (n < 4) {
		*why = "packet too short for a NetFlow header";
		rc = -1;
	} else {
		switch (be16(p)) {
		case 5: rc = v5(d, ex, p, n, why); break;
		case 9: rc = v9_ipfix(d, ex, p, n, false, why); break;
		case 10: rc = v9_ipfix(d, ex, p, n, true, why); break;
		default: *why = "not NetFlow v5, v9 or IPFIX"; rc = -1;
		}
	}
	if (rc < 0) d->st.damaged++;
	return rc;
}

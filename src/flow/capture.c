/* libpcap reading for the flow table. */
#include "flow/capture.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <stdio_ext.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum {
	MAX_MESSAGES = 5, /* per file; the rest are counted */
	CAPTURE_READ_BUF = 1 << 20
}; /* bytes a read(2) */

static int set_filter(pcap_t *pc, const char *name, const char *filter, struct dm_err *e)
{
	if (!filter) return 0;
	struct bpf_program prog;
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return dm_fail(e, DM_EINPUT, "--filter \"%s\": %s", filter, pcap_geterr(pc));
	int r = pcap_setfilter(pc, &prog);
	pcap_freecode(&prog);
	if (r < 0) return dm_fail(e, DM_EINPUT, "%s: --filter: %s", name, pcap_geterr(pc));
	return 0;
}

/* Where the packet just read starts: the file position less its record
 * (exact for pcap; pcapng blocks carry more, so it is approximate there).
 * Asked only for messages: ftell is a system call. */
static long record_start(FILE *f, const struct pcap_pkthdr *h, bool ng)
{
	if (!f) return -1;
	long pos = ftell(f);
	return pos < 0 ? -1 : pos - (long)h->caplen - (ng ? 28 : 16);
}

/* Decodes and counts a packet; true when it is for the flow table (IP). */
static bool decode_one(const char *name, int linktype, const struct pcap_pkthdr *h, const uint8_t *data,
		       struct capture_stats *st, unsigned *messages, FILE *f, bool ng, struct pkt *p,
		       double *ts_ret)
{
	const char *why = NULL;
	double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
	*ts_ret = ts;
	st->packets++;
	st->bytes += h->len;
	if (!st->first_ts || ts < st->first_ts) st->first_ts = ts;
	if (ts > st->last_ts) st->last_ts = ts;
	if (pkt_decode(linktype, data, h->caplen, p, &why) < 0) {
		st->damaged++;
		if ((*messages)++ < MAX_MESSAGES) {
			long offset = record_start(f, h, ng);
			if (offset >= 0)
				log_warn("%s: packet %llu (%sbyte %ld): %s: skipped", name,
					 (unsigned long long)st->packets, ng ? "near " : "", offset, why);
			else
				log_warn("%s: packet %llu: %s: skipped", name,
					 (unsigned long long)st->packets, why);
		}
	} else if (!p->family) {
		st->not_ip++;
	} else {
		st->fragments += p->fragment;
		return true;
	}
	return false;
}

static void one_packet(const char *name, const struct capture_config *cfg, int linktype,
		       const struct pcap_pkthdr *h, const uint8_t *data, struct flow_table *ft,
		       struct capture_stats *st, unsigned *messages)
{
	struct pkt p;
	double ts;
	if (!decode_one(name, linktype, h, data, st, messages, NULL, false, &p, &ts)) return;
	flow_table_packet(ft, ts, &p);
	if (cfg->packet) cfg->packet(cfg->packet_ctx, ts, &p);
}

/* A file's packets reach the table AHEAD packets after they are read: the
 * table's cache misses for the next packets (bucket, then flow) are asked
 * for while it reads this one. libpcap reuses its buffer, so a packet in
 * flight keeps a copy of its payload. */
enum { AHEAD = 8, FLOW_AHEAD = 4 }; /* a power of two; the flow asked for FLOW_AHEAD packets later */

struct in_flight {
	struct pkt p;
	double ts;
	uint64_t hash;
	uint8_t *payload;
	size_t cap;
};

struct ahead {
	struct in_flight q[AHEAD];
	uint64_t in, done; /* packets queued, packets handed to the table */
};

static void ahead_one(struct ahead *a, const struct capture_config *cfg, struct flow_table *ft)
{
	struct in_flight *x = &a->q[a->done++ % AHEAD];
	flow_table_packet_hashed(ft, x->ts, &x->p, x->hash);
	if (cfg->packet) cfg->packet(cfg->packet_ctx, x->ts, &x->p);
}

static void ahead_push(struct ahead *a, const struct capture_config *cfg, struct flow_table *ft,
		       const struct pkt *p, double ts)
{
	if (a->in - a->done == AHEAD) ahead_one(a, cfg, ft);
	struct in_flight *x = &a->q[a->in++ % AHEAD];
	x->p = *p;
	x->ts = ts;
	if (p->payload_len) {
		if (p->payload_len > x->cap) {
			x->cap = p->payload_len;
			x->payload = xrealloc(x->payload, x->cap);
		}
		memcpy(x->payload, p->payload, p->payload_len);
		x->p.payload = x->payload;
	}
	x->hash = flow_table_prefetch(ft, &x->p);
	if (a->in - a->done > FLOW_AHEAD)
		flow_table_prefetch_flow(ft, a->q[(a->in - 1 - FLOW_AHEAD) % AHEAD].hash);
}

static void ahead_drain(struct ahead *a, const struct capture_config *cfg, struct flow_table *ft)
{
	while (a->done < a->in) ahead_one(a, cfg, ft);
	for (int i = 0; i < AHEAD; i++) free(a->q[i].payload);
}

int capture_file(const char *path, const struct capture_config *cfg, struct flow_table *ft,
		 struct capture_stats *st, struct dm_err *e)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct stat sb;
	if (stat(path, &sb) < 0) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	/* Our own stream for libpcap: a large buffer and no per-call locking
	 * (one thread reads it), since libpcap makes two fread calls a packet.
	 * The buffer is ours: glibc ignores setvbuf's size without one and
	 * reads 4 KiB a system call. It outlives the stream (pcap_close). */
	FILE *fp = fopen(path, "rb");
	if (!fp) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	char *buf = xmalloc(CAPTURE_READ_BUF);
	setvbuf(fp, buf, _IOFBF, CAPTURE_READ_BUF);
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, err);
	if (!pc) {
		fclose(fp);
		free(buf);
		return dm_fail(e, DM_EINPUT, "%s: not a pcap or pcapng file (%s)", path, err);
	}
	int lt = pcap_datalink(pc);
	if (!pkt_link_supported(lt)) {
		pcap_close(pc);
		free(buf);
		return dm_fail(e, DM_EINPUT, "%s: link type %d (%s) is not one dormant decodes", path, lt,
			       pcap_datalink_val_to_name(lt) ? pcap_datalink_val_to_name(lt) : "?");
	}
	int r = set_filter(pc, path, cfg->filter, e);
	if (r < 0) {
		pcap_close(pc);
		free(buf);
		return r;
	}
	FILE *f = pcap_file(pc);
	/* pcapng files have no major version 2 header; libpcap says so through the version it reports */
	bool ng = pcap_major_version(pc) != 2;
	struct pcap_pkthdr *h;
	const uint8_t *data;
	unsigned messages = 0;
	double next_progress = 0;
	struct ahead *ahead = xcalloc(1, sizeof(*ahead));
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		struct pkt p;
		double ts;
		if (decode_one(path, lt, h, data, st, &messages, f, ng, &p, &ts))
			ahead_push(ahead, cfg, ft, &p, ts);
		if (cfg->progress && (st->packets & 0x3fff) == 0) {
			double now = now_mono();
			long pos = f ? ftell(f) : 0;
			if (now >= next_progress) {
				next_progress = now + 0.25;
				cfg->progress(cfg->progress_ctx, st, pos > 0 ? (uint64_t)pos : 0,
					      (uint64_t)sb.st_size, ft);
			}
		}
	}
	ahead_drain(ahead, cfg, ft);
	free(ahead);
	long offset = f ? ftell(f) : -1;
	if (r == PCAP_ERROR) {
		/* libpcap stops at a record it cannot read: cut short or a lying length. */
		st->truncated = true;
		log_warn("%s: packet %llu (byte %ld): %s; %llu packets before it were read", path,
			 (unsigned long long)st->packets + 1, offset, pcap_geterr(pc),
			 (unsigned long long)st->packets);
	}
	pcap_close(pc);
	free(buf);
	return 0;
}

int capture_live(const char *iface, const struct capture_config *cfg, struct flow_table *ft,
		 struct capture_stats *st, struct dm_err *e)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_create(iface, err);
	if (!pc) return dm_fail(e, DM_EINPUT, "--iface %s: %s", iface, err);
	pcap_set_snaplen(pc, 2048);
	pcap_set_promisc(pc, 1);
	pcap_set_timeout(pc, 200);
	pcap_set_buffer_size(pc, 64 << 20);
	int r = pcap_activate(pc);
	if (r < 0) {
		r = dm_fail(e, r == PCAP_ERROR_PERM_DENIED ? -EPERM : DM_EINPUT, "--iface %s: %s", iface,
			    pcap_geterr(pc));
		pcap_close(pc);
		return r;
	}
	int lt = pcap_datalink(pc);
	if (!pkt_link_supported(lt)) {
		pcap_close(pc);
		return dm_fail(e, DM_EINPUT, "--iface %s: link type %d is not one dormant decodes", iface,
			       lt);
	}
	if ((r = set_filter(pc, iface, cfg->filter, e)) < 0) {
		pcap_close(pc);
		return r;
	}
	/* Non-blocking reads after our own poll: a signal (stop, counters) ends the
	 * wait at once, which libpcap's blocking read does not allow. */
	char nberr[PCAP_ERRBUF_SIZE];
	int fd = pcap_get_selectable_fd(pc);
	if (fd < 0 || pcap_setnonblock(pc, 1, nberr) < 0) {
		pcap_close(pc);
		return dm_fail(e, DM_EINPUT, "--iface %s: cannot wait for packets without blocking", iface);
	}
	if (cfg->ready && (r = cfg->ready(cfg->ready_ctx, fd, e)) < 0) {
		pcap_close(pc);
		return r;
	}
	unsigned messages = 0;
	struct pcap_pkthdr *h;
	const uint8_t *data;
	r = 0;
	while (!(cfg->stop && *cfg->stop)) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int pr = poll(&pfd, 1, 200);
		if (pr < 0 && errno != EINTR) break;
		int got = 0;
		while (pr > 0 && (r = pcap_next_ex(pc, &h, &data)) == 1) {
			one_packet(iface, cfg, lt, h, data, ft, st, &messages);
			if (++got == 4096) break;
		}
		if (r == PCAP_ERROR) break;
		if (!got) flow_table_expire(ft, now_real()); /* quiet: time still ends idle flows */
		if (cfg->report && *cfg->report) {
			*cfg->report = 0;
			struct pcap_stat ps;
			if (pcap_stats(pc, &ps) == 0) {
				st->kernel_drops = ps.ps_drop;
				st->iface_drops = ps.ps_ifdrop;
			}
			if (cfg->report_fn) cfg->report_fn(cfg->progress_ctx, st);
		}
	}
	struct pcap_stat ps;
	if (pcap_stats(pc, &ps) == 0) {
		st->kernel_drops = ps.ps_drop;
		st->iface_drops = ps.ps_ifdrop;
	}
	if (r == PCAP_ERROR) log_warn("--iface %s: %s", iface, pcap_geterr(pc));
	pcap_close(pc);
	return 0;
}

/* What a read of traffic amounted to, for the terminal after `dormant
 * flows`: conn.log lines, packets, flows by application and how they
 * ended, the flow table's peak, each with its rate. */
#include "pipeline/traffic-read.h"
#include "base/timeutil.h"
#include "base/util.h"

void traffic_read_print(FILE *f, const struct traffic_read_summary *s)
{
	/* the reading's CPU: the caller's thread and those that parsed conn.log blocks beside it */
	double el = s->seconds, cpu = s->cpu + (s->zeek_files ? s->zs->cpu_beside : 0);
	if (s->zeek_files) {
		const struct zeek_stats *zs = s->zs;
		fprintf(f, "%llu conn.log lines: %llu records, %llu damaged", (unsigned long long)zs->lines,
			(unsigned long long)zs->records, (unsigned long long)zs->damaged);
		if (s->zeek_files == s->inputs) /* the reading time is theirs alone */
			fprintf(f, " in %.2f s, %.2f M lines/s; %.2f s CPU, %.2f M lines per CPU second", el,
				el > 0 ? (double)zs->lines / el / 1e6 : 0, cpu,
				cpu > 0 ? (double)zs->lines / cpu / 1e6 : 0);
		fprintf(f, "\n");
	}
	if (s->zeek_files < s->inputs) {
		const struct capture_stats *st = s->st;
		const struct flow_table_stats *fs = s->fs;
		fprintf(f,
			"%llu packets (%llu not IP, %llu damaged, %llu fragments) in %.2f s, %.2f Mpps; %.2f "
			"s CPU, "
			"%.2f M packets per CPU second\n",
			(unsigned long long)st->packets, (unsigned long long)st->not_ip,
			(unsigned long long)st->damaged, (unsigned long long)st->fragments, el,
			el > 0 ? (double)st->packets / el / 1e6 : 0, cpu,
			cpu > 0 ? (double)st->packets / cpu / 1e6 : 0);
		fprintf(f,
			"%llu flows: %llu tls, %llu ssh, %llu dns, %llu http, %llu other; ended %llu idle, "
			"%llu fin, "
			"%llu rst, %llu active timeout, %llu evicted\n",
			(unsigned long long)s->flows, (unsigned long long)s->by_app[0],
			(unsigned long long)s->by_app[1], (unsigned long long)s->by_app[2],
			(unsigned long long)s->by_app[3], (unsigned long long)s->by_app[4],
			(unsigned long long)fs->ended_idle, (unsigned long long)fs->ended_fin,
			(unsigned long long)fs->ended_rst, (unsigned long long)fs->ended_active,
			(unsigned long long)fs->evicted);
		fprintf(f, "peak %zu flows open; flow table %.1f MB (%.0f bytes per open flow at the peak)",
			fs->peak_active, (double)s->table_bytes / 1e6,
			fs->peak_active ? (double)s->table_bytes / (double)fs->peak_active : 0);
		if (fs->dns_bytes) fprintf(f, ", DNS names %.1f MB", fs->dns_bytes / 1e6);
		fprintf(f, "\n");
	}
}

void traffic_read_progress_pcap(void *ctx, const struct capture_stats *st, uint64_t done, uint64_t total,
				const struct flow_table *ft)
{
	const struct traffic_read_progress *o = ctx;
	struct flow_table_stats fs;
	flow_table_stats(ft, &fs);
	double el = now_mono() - o->t0, rate = el > 0 ? (double)st->packets / el : 0;
	double frac = total ? (double)done / (double)total : 0;
	char eta[16] = "?";
	if (frac > 0.01) fmt_duration(el / frac - el, eta, sizeof(eta));
	fprintf(stderr, "\r\033[Kflows: %s %.0f%% %llu packets %.2f Mpps, %llu flows (%zu open), ETA %s",
		o->file, 100 * frac, (unsigned long long)st->packets, rate / 1e6,
		(unsigned long long)fs.flows, fs.active, eta);
}

void traffic_read_progress_zeek(void *ctx, const struct zeek_stats *zs, uint64_t done, uint64_t total)
{
	const struct traffic_read_progress *o = ctx;
	double el = now_mono() - o->t0, frac = total ? (double)done / (double)total : 0;
	char eta[16] = "?";
	if (frac > 0.01) fmt_duration(el / frac - el, eta, sizeof(eta));
	fprintf(stderr, "\r\033[Kflows: %s %.0f%% %llu lines %.2f M/s, %llu flows, ETA %s", o->file,
		100 * frac, (unsigned long long)zs->lines, el > 0 ? (double)zs->lines / el / 1e6 : 0,
		(unsigned long long)*o->flows, eta);
}

void traffic_read_print_capture(void *ctx, const struct capture_stats *st)
{
	(void)ctx;
	fprintf(
	    stderr, "flows: %llu packets, %llu not IP, %llu damaged; kernel dropped %llu, interface %llu\n",
	    (unsigned long long)st->packets, (unsigned long long)st->not_ip, (unsigned long long)st->damaged,
	    (unsigned long long)st->kernel_drops, (unsigned long long)st->iface_drops);
}

void traffic_read_print_netflow(const struct nf_decoder *d, uint64_t kernel_drops, double seconds)
{
	struct nf_stats s;
	nf_stats(d, &s);
	fprintf(stderr,
		"collect: %llu export packets (%llu v5, %llu v9, %llu IPFIX) in %.1f s, %llu flow records, "
		"%llu damaged; "
		"%llu templates, %llu withdrawn; %llu sets waited for their template (%llu decoded later, "
		"%llu dropped); "
		"sequence gaps %llu (%llu records or packets missing); kernel dropped %llu packets\n",
		(unsigned long long)s.packets, (unsigned long long)s.v5, (unsigned long long)s.v9,
		(unsigned long long)s.ipfix, seconds, (unsigned long long)s.records,
		(unsigned long long)s.damaged, (unsigned long long)s.templates,
		(unsigned long long)s.withdrawals, (unsigned long long)s.buffered,
		(unsigned long long)s.decoded_late, (unsigned long long)s.dropped_waiting,
		(unsigned long long)s.seq_gaps, (unsigned long long)s.seq_missing,
		(unsigned long long)kernel_drops);
}

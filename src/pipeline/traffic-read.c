/* What a read of traffic amounted to, for the terminal after `dormant
 * flows`: conn.log lines, packets, flows by application and how they
 * ended, the flow table's peak, each with its rate. */
#include "pipeline/traffic-read.h"

void traffic_read_print(FILE *f, const struct traffic_read_summary *s)
{
	double el = s->seconds;
	if (s->zeek_files) {
		const struct zeek_stats *zs = s->zs;
		fprintf(f, "%llu conn.log lines: %llu records, %llu damaged", (unsigned long long)zs->lines,
			(unsigned long long)zs->records, (unsigned long long)zs->damaged);
		if (s->zeek_files == s->inputs) /* the reading time is theirs alone */
			fprintf(f, " in %.2f s, %.2f M lines/s", el,
				el > 0 ? (double)zs->lines / el / 1e6 : 0);
		fprintf(f, "\n");
	}
	if (s->zeek_files < s->inputs) {
		const struct capture_stats *st = s->st;
		const struct flow_table_stats *fs = s->fs;
		fprintf(f, "%llu packets (%llu not IP, %llu damaged, %llu fragments) in %.2f s, %.2f Mpps\n",
			(unsigned long long)st->packets, (unsigned long long)st->not_ip,
			(unsigned long long)st->damaged, (unsigned long long)st->fragments, el,
			el > 0 ? (double)st->packets / el / 1e6 : 0);
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

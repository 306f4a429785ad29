/* Run-to-run changes as text or JSON Lines ("change" records). */
#include "report/report-diff.h"
#include "base/timeutil.h"
#include <errno.h>

int report_diff(FILE *f, const struct rundiff *d, int64_t run_a, int64_t run_b, bool json)
{
	char ip[IPADDR_STRLEN], ts[40];
	fmt_rfc3339(now_real(), ts, sizeof(ts));
	if (!json)
		fprintf(f, "changes from run %lld to run %lld: %zu new host(s), %zu gone, %zu port(s) opened, %zu closed\n",
			(long long)run_a, (long long)run_b, d->counts[CHANGE_HOST_NEW], d->counts[CHANGE_HOST_GONE],
			d->counts[CHANGE_PORT_OPENED], d->counts[CHANGE_PORT_CLOSED]);
	for (size_t i = 0; i < d->n; i++) {
		const struct change *c = &d->v[i];
		ipaddr_fmt(&c->ip, ip, sizeof(ip));
		bool port = c->kind == CHANGE_PORT_OPENED || c->kind == CHANGE_PORT_CLOSED;
		if (json) {
			fprintf(f, "{\"type\":\"change\",\"ts\":\"%s\",\"change\":\"%s\",\"ip\":\"%s\"", ts,
				change_kind_name(c->kind), ip);
			if (port) fprintf(f, ",\"port\":%u,\"proto\":\"%s\"", c->port, proto_name(c->proto));
			fprintf(f, ",\"run_a\":%lld,\"run_b\":%lld}\n", (long long)run_a, (long long)run_b);
		} else if (port) {
			fprintf(f, "  %-12s %s %u/%s\n", change_kind_name(c->kind), ip, c->port, proto_name(c->proto));
		} else {
			fprintf(f, "  %-12s %s%s\n", change_kind_name(c->kind), ip,
				c->kind == CHANGE_HOST_GONE ? "  (answered before, silent now)" : "");
		}
	}
	return ferror(f) ? -EIO : 0;
}

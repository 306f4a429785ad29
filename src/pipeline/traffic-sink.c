/* The flow sink `flows` and `collect` share (traffic-sink.h). */
#include "pipeline/traffic-sink.h"
#include "report/report.h"
#include <errno.h>
#include <string.h>

void traffic_sink_flow(void *ctx, const struct obs_flow *flow)
{
	struct traffic_sink *o = ctx;
	struct obs_flow copy = *flow, *fl = &copy;
	if (o->keep)
		o->keep(o->keep_ctx, fl);
	else
		traffic_job_flow(o->job, fl);
	o->flows++;
	static const char *const apps[] = { "tls", "ssh", "dns", "http" };
	size_t k = 0;
	while (k < 4 && (!fl->app || strcmp(fl->app, apps[k]))) k++;
	o->by_app[fl->app ? k : 4]++;
	if (!o->f) return;
	buf_reset(&o->b);
	flow_json(&o->b, fl);
	if (fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len && !o->err) o->err = errno ? errno : EIO;
}

/* stage_edge() (stage-edge.h). */
#include "pipeline/stage-edge.h"
#include "analyze/edge.h"
#include "base/log.h"
#include "base/timeutil.h"

static bool same(const struct edge_set *a, const struct edge_map *x, const struct edge_set *b,
		 const struct edge_map *y)
{
	return x->ext_port == y->ext_port && x->proto == y->proto && x->int_port == y->int_port &&
	       !ipaddr_cmp(&x->internal, &y->internal) &&
	       !ipaddr_cmp(&a->gws[x->gw].addr, &b->gws[y->gw].addr);
}

/* A mapping the latest earlier run held is as old as it was then. */
static int carry_ages(struct store *st, struct edge_set *es, struct dm_err *e)
{
	struct edge_set prev = { 0 };
	int64_t run = 0;
	int r = store_edge_load(st, 0, &prev, &run, e);
	for (size_t i = 0; r == 0 && i < es->n_maps; i++)
		for (size_t k = 0; k < prev.n_maps; k++)
			if (same(es, &es->maps[i], &prev, &prev.maps[k]) && prev.maps[k].first_seen > 0) {
				es->maps[i].first_seen = prev.maps[k].first_seen;
				break;
			}
	edge_set_release(&prev);
	return r;
}

int stage_edge(const struct edge_stage_in *in, struct edge_set *out, struct dm_err *e)
{
	int r = edge_read(in->opts, out, e);
	if (r == 0 && in->st) r = carry_ages(in->st, out, e);
	if (r < 0) return r;
	size_t before = in->fs->n;
	edge_findings(out, in->rs, in->fs, now_real());
	log_info("edge: %zu finding%s", in->fs->n - before, in->fs->n - before == 1 ? "" : "s");
	return 0;
}

/* Run groups from the runs the store lists (run-groups.h). */
#include "pipeline/run-groups.h"
#include "base/util.h"
#include <stdlib.h>
#include <string.h>

bool run_group_member(const struct run_info *runs, size_t n, size_t i, const char *id)
{
	const struct run_info *r = &runs[i];
	if (strcmp(r->run_group, id) || strcmp(r->status, "done") || !r->shard) return false;
	/* a shard run again: its newest finished run stands for it */
	for (size_t j = i + 1; j < n; j++)
		if (!strcmp(runs[j].run_group, id) && runs[j].shard == r->shard &&
		    !strcmp(runs[j].status, "done"))
			return false;
	return true;
}

static void fill(struct run_group *g, const struct run_info *runs, size_t n)
{
	bool *have = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct run_info *r = &runs[i];
		if (strcmp(r->run_group, g->id)) continue;
		if (!g->runs++) {
			g->first = r->started;
			snprintf(g->site, sizeof(g->site), "%s", r->site);
		}
		double end = r->finished > 0 ? r->finished : r->started;
		if (end > g->last) g->last = end;
		if (g->shards && r->shards != g->shards) g->disagree = true;
		if (r->shards > g->shards) g->shards = r->shards;
	}
	have = xcalloc(g->shards + 1, sizeof(*have));
	for (size_t i = 0; i < n; i++)
		if (!strcmp(runs[i].run_group, g->id) && !strcmp(runs[i].status, "done") && runs[i].shard &&
		    runs[i].shard <= g->shards)
			have[runs[i].shard] = true;
	for (unsigned k = 1; k <= g->shards; k++) {
		if (have[k])
			g->done++;
		else
			buf_printf(&g->missing, "%s%u", g->missing.len ? "," : "", k);
	}
	free(have);
}

size_t run_groups_list(const struct run_info *runs, size_t n, struct run_group **ret)
{
	struct run_group *v = NULL;
	size_t ng = 0;
	for (size_t i = 0; i < n; i++) {
		if (!*runs[i].run_group) continue;
		size_t k = 0;
		while (k < ng && strcmp(v[k].id, runs[i].run_group)) k++;
		if (k < ng) continue;
		v = xrealloc(v, (ng + 1) * sizeof(*v));
		v[ng] = (struct run_group){ .missing = BUF_INIT };
		snprintf(v[ng].id, sizeof(v[ng].id), "%s", runs[i].run_group);
		fill(&v[ng], runs, n);
		ng++;
	}
	*ret = v;
	return ng;
}

void run_groups_release(struct run_group *v, size_t n)
{
	for (size_t i = 0; i < n; i++) buf_release(&v[i].missing);
	free(v);
}

/* Run groups (--run-group ID with --shard I/N): n sensors scan the shards
 * of one seeded order into one logical run. A group is complete when each
 * of its shards 1..N has a finished run; what is missing is said. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/buf.h"
#include "store/store.h"

struct run_group {
	char id[72];
	unsigned shards;    /* N, as its runs say (the largest, when they disagree) */
	unsigned done;      /* shards with a finished run */
	bool disagree;      /* its runs name different N */
	size_t runs;        /* runs of the group, any status */
	double first, last; /* earliest start, latest end (or start) */
	char site[72];      /* its first run's site */
	struct buf missing; /* "2,3": the shards without a finished run */
};

/* The groups of runs (oldest first), in the order their first runs were
 * begun; the caller releases them with run_groups_release. */
size_t run_groups_list(const struct run_info *runs, size_t n, struct run_group **ret);
void run_groups_release(struct run_group *v, size_t n);
/* Whether run i (a finished run) is the newest finished run of its shard
 * in its group: the one the group's union reads. */
bool run_group_member(const struct run_info *runs, size_t n, size_t i, const char *id);

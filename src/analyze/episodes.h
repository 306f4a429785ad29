/* One finding per episode: findings of one rule about one host (and port)
 * close in time merge into one spanning the episode. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "model/finding.h"

/* Merges fs->v[from..] in place (their order changes). */
void findings_episodes(struct findings *fs, size_t from);

/* One finding per episode over windows judged one after another (a
 * stream's hours within one run): a finding joins the latest episode of
 * its identity (life_key: rule, site, asset, port and the rule's key) when
 * it begins within EPISODE_GAP of that episode's end; the episode keeps
 * the earliest first seen, the latest last seen, the most severe finding's
 * title and evidence (destinations united, at most 16, and the count), so
 * its size is the episodes', not the windows'. */
struct episodes_acc {
	struct findings fs;
	char **keys;     /* per finding of fs */
	uint32_t *slots; /* open addressing: index + 1 of an identity's latest episode; 0: empty */
	size_t n_slots;
	char site[64];
};
void episodes_acc_init(struct episodes_acc *a, const char *site);
/* Takes every finding of fs (left empty). */
void episodes_acc_add(struct episodes_acc *a, struct findings *fs);
/* The episodes appended to out, those of one rule about one host and port
 * within EPISODE_GAP merged as findings_episodes does within one input;
 * a is left empty. */
void episodes_acc_take(struct episodes_acc *a, struct findings *out);
void episodes_acc_release(struct episodes_acc *a);

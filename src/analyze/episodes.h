/* One finding per episode: findings of one rule about one host (and port)
 * close in time merge into one spanning the episode. */
#pragma once
#include <stddef.h>
#include "model/finding.h"

/* Merges fs->v[from..] in place (their order changes). */
void findings_episodes(struct findings *fs, size_t from);

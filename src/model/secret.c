/* Lists of password-store sightings. */
#include "model/secret.h"
#include "base/util.h"
#include <string.h>

struct secret_item *secret_items_add(struct secret_items *s)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	struct secret_item *it = &s->v[s->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

void secret_items_release(struct secret_items *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct secret_item *it = &s->v[i];
		free(it->path);
		for (size_t k = 0; k < it->n_hosts; k++) free(it->hosts[k]);
		for (size_t k = 0; k < it->n_users; k++) free(it->users[k]);
		for (size_t k = 0; k < it->n_values; k++) free(it->values[k]);
	}
	free(s->v);
	*s = (struct secret_items){ 0 };
}

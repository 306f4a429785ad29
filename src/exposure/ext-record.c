/* Field access on an export's records (ext-record.h), JSON or CSV alike. */
#include "exposure/ext-record.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct json *json_path(const struct json *j, const char *path)
{
	char part[64];
	while (j && *path) {
		size_t n = strcspn(path, ".");
		snprintf(part, sizeof(part), "%.*s", (int)(n < 63 ? n : 63), path);
		path += n + (path[n] == '.');
		if (j->type == JSON_ARRAY) j = j->first; /* an array of objects: its first one */
		j = json_get(j, part);
	}
	return j;
}

static const char *json_text(struct ext_rec *r, const struct json *j)
{
	if (!j) return NULL;
	if (j->type == JSON_STRING || j->type == JSON_NUMBER) return j->len ? j->str : NULL;
	if (j->type != JSON_ARRAY) return NULL;
	char *out = r->scratch[r->next++ % 4];
	size_t len = 0;
	out[0] = 0;
	json_each(c, j)
	{
		if (c->type != JSON_STRING || !c->len) continue;
		int k = snprintf(out + len, sizeof(r->scratch[0]) - len, "%s%s", len ? "," : "", c->str);
		if (k < 0 || (size_t)k >= sizeof(r->scratch[0]) - len) break;
		len += (size_t)k;
	}
	return len ? out : NULL;
}

const char *ext_get(struct ext_rec *r, const char *path)
{
	if (r->j) return json_text(r, json_path(r->j, path));
	/* a CSV column is named by the whole path, or by its last part */
	const char *last = strrchr(path, '.');
	for (int pass = 0; pass < 2; pass++) {
		const char *want = pass ? (last ? last + 1 : NULL) : path;
		if (!want) break;
		for (size_t i = 0; i < r->n; i++)
			if (!strcasecmp(r->hdr[i], want)) return r->val[i] && *r->val[i] ? r->val[i] : NULL;
	}
	return NULL;
}

static bool has(struct ext_rec *r, const char *name)
{
	if (r->j) return json_get(r->j, name) != NULL;
	for (size_t i = 0; i < r->n; i++)
		if (!strcasecmp(r->hdr[i], name)) return true;
	return false;
}

/* The names only one platform uses: Shodan's ip_str, Censys's services
 * list, ZoomEye's portinfo, Hunter's component and updated_at, FOFA's
 * lastupdatetime. */
int ext_detect(struct ext_rec *r)
{
	if (has(r, "ip_str")) return EXT_SHODAN;
	if (r->j && json_get(r->j, "services") && json_get(r->j, "services")->type == JSON_ARRAY)
		return EXT_CENSYS;
	if (has(r, "portinfo") || has(r, "portinfo.port")) return EXT_ZOOMEYE;
	if (has(r, "component") || has(r, "updated_at")) return EXT_HUNTER;
	if (has(r, "lastupdatetime")) return EXT_FOFA;
	return -1;
}

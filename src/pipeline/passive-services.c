/* Identifies the services seen in traffic (SSH version lines, HTTP Server
 * headers, Zeek's software names) with the fingerprint databases, under
 * the same evidence keys the probes use, and adds them to the results. */
#include "pipeline/passive-services.h"
#include "probe/services.h"
#include <stdio.h>
#include <string.h>

static void identify(struct svc *s)
{
	struct obs_service *o = &s->out;
	const char *b = o->banner;
	if (!b[0]) return;
	if (!strcmp(o->name, "ssh")) {
		/* SSH-2.0-<software>: the software part, as probe-banner.c hands it over */
		const char *sw = !strncmp(b, "SSH-", 4) ? strchr(b + 4, '-') : NULL;
		if (sw) svc_evidence(s, "ssh.banner", sw + 1, strlen(sw + 1));
	} else if (!strcmp(o->name, "http") || !strcmp(o->name, "https")) {
		svc_evidence(s, "http_header.server", b, strlen(b));
	} else if (!strcmp(o->name, "ftp") || !strcmp(o->name, "smtp")) {
		char key[40];
		snprintf(key, sizeof(key), "%s.banner", o->name);
		svc_evidence(s, key, b, strlen(b));
	}
}

size_t passive_services_merge(const struct obs_service *v, size_t n, const struct fp_set *fps,
			      struct resultset *rs)
{
	size_t added = 0;
	for (size_t i = 0; i < n; i++) {
		struct host_entry *he = resultset_host(rs, &v[i].ip, false);
		const struct obs_service *have = he ? host_service(he, v[i].proto, v[i].port) : NULL;
		if (have && !have->passive) continue; /* probed: what the service says now wins */
		struct svc s;
		memset(&s, 0, sizeof(s));
		s.out = v[i];
		s.out.passive = true;
		s.fps = fps;
		identify(&s);
		resultset_add_service(rs, &s.out);
		added++;
	}
	return added;
}

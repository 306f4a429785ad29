/* Versions seen in traffic joined to the scan's results: each passive
 * service observation (flow/payload-sniff.h) is identified with the same
 * fingerprint databases as a probed banner, then added to the results,
 * marked passive, where the scan did not see that port itself. From there
 * the vulnerability and TLS rules judge it like a scanned one: in the
 * audit's stages, or for `flows` (no scan) by passive_services_judge. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "flow/payload-sniff.h"
#include "model/finding.h"
#include "model/resultset.h"
#include "model/site-config.h"
#include "probe/fingerprint.h"
#include "store/store.h"

/* The services of the site's internal hosts among those seen in the
 * traffic: an external server's banner says nothing about this network.
 * A new array (free it) of *ret_n; NULL when there are none. */
struct obs_service *passive_services_internal(const struct payload_sniff *ps, const struct site_config *cfg,
					      size_t *ret_n);
/* Returns how many were added (the scan's own service of a port wins). */
size_t passive_services_merge(const struct obs_service *v, size_t n, const struct fp_set *fps,
			      struct resultset *rs);
/* Traffic read without a scan (`flows`): the internal hosts' services seen
 * in it identified, saved with run's results (passive, with the time seen)
 * and judged as an audit judges them: vulnerable-service where the store
 * holds vulnerability data, and weak-tls. The findings are added to out. */
int passive_services_judge(struct store *st, int64_t run, const struct site_config *cfg,
			   const struct payload_sniff *ps, struct findings *out, struct dm_err *e);

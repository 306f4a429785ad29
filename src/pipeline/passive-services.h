/* Versions seen in traffic joined to the scan's results: each passive
 * service observation (flow/payload-sniff.h) is identified with the same
 * fingerprint databases as a probed banner, then added to the results,
 * marked passive, where the scan did not see that port itself. From there
 * the vulnerability and TLS rules judge it like a scanned one. */
#pragma once
#include <stddef.h>
#include "model/resultset.h"
#include "probe/fingerprint.h"

/* Returns how many were added (the scan's own service of a port wins). */
size_t passive_services_merge(const struct obs_service *v, size_t n, const struct fp_set *fps,
			      struct resultset *rs);

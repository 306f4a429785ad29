/* ARP discovery for directly attached segments: a device that drops every
 * IP packet still answers ARP, so this finds hosts nothing else can. */
#include "scan/engine.h"
#include <net/if_arp.h>
#include <string.h>

static size_t arp_make(const struct engine *en, uint32_t dst, unsigned sub, uint8_t *frame)
{
	(void)sub;
	return frame_arp_request(frame, en->cfg->io->ri.mac, en->cfg->src, dst);
}

static bool arp_classify(const struct engine *en, const struct pkt *d, struct reply *r)
{
	if (d->arp_op != ARPOP_REPLY || d->arp.tpa != en->cfg->src) return false;
	r->target = d->arp.spa;
	r->sub = 0;
	r->how = HOW_ARP;
	r->reason = "arp-response";
	r->has_mac = true;
	memcpy(r->mac, d->arp.sha, 6);
	return true;
}

const struct probe_module probe_module_arp = {
	.name = "arp",
	.phase = PHASE_ARP,
	.filter = "arp and arp[6:2] = 2",
	.answer_per_target = true,
	.make = arp_make,
	.classify = arp_classify,
};

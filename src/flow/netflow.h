/* NetFlow v5, v9 and IPFIX export packets into flow records. Templates
 * are kept per exporter, observation domain (v9: source id) and template
 * id; IPFIX withdrawals remove them, a template sent again replaces its
 * definition. Data that arrives before its template waits in a bounded
 * buffer and is decoded when the template comes. Variable-length fields
 * and enterprise-specific fields are sized and skipped safely. Sequence
 * numbers are followed per exporter and domain; gaps are counted. Records
 * are one direction each (out = the exporter's source to destination). */
#pragma once
#include <stdint.h>
#include "model/flow.h"

struct nf_stats {
	uint64_t packets, records, v5, v9, ipfix;
	uint64_t templates, withdrawals, options_records;
	uint64_t buffered, decoded_late, dropped_waiting; /* data before its template */
	uint64_t damaged;                                 /* packets or sets that could not be read */
	uint64_t seq_gaps, seq_missing;                   /* sequence gaps and how many were lost */
};

struct nf_decoder;

struct nf_decoder *nf_new(const struct flow_sink *sink);
void nf_free(struct nf_decoder *d);
/* One export packet from exporter; *why says what was wrong when it returns <0
 * (the readable records before the damage were delivered). */
int nf_packet(struct nf_decoder *d, const struct ipaddr *exporter, const uint8_t *p, size_t n,
	      const char **why);
void nf_stats(const struct nf_decoder *d, struct nf_stats *ret);

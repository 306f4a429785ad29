/* The flow table: packets into bidirectional flows keyed by the 5-tuple,
 * in bounded memory. A flow ends when it is idle for idle_timeout, when it
 * has lasted active_timeout (then it continues as a new record, as NetFlow
 * exporters do), after TCP FIN both ways or RST, or when the table is full
 * and it is the least recently seen. The first payload each way is looked
 * at: TLS ClientHello (SNI, JA3, JA4), SSH version lines, HTTP, DNS
 * answers (address -> name, kept in a bounded map). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "net/decode.h"
#include "model/flow.h"

struct flow_table_config {
	double idle_timeout;   /* seconds; default 60 */
	double active_timeout; /* seconds; default 1800 */
	size_t max_flows;      /* default 1,000,000 */
};

struct flow_table_stats {
	uint64_t packets, flows, ended_idle, ended_active, ended_fin, ended_rst, evicted, dns_answers;
	size_t active, peak_active;
	size_t bytes;     /* memory the flows and their index hold now (TLS/SSH details apart) */
	size_t dns_bytes; /* the address -> name map, once DNS was seen */
};

struct flow_table;

struct flow_table *flow_table_new(const struct flow_table_config *cfg, const struct flow_sink *sink);
/* ts: the packet's time; packets should come in time order (late ones are
 * counted at their flow's last time). */
void flow_table_packet(struct flow_table *ft, double ts, const struct pkt *p);
/* Reading ahead (capture_file keeps a few packets in flight): the cache
 * misses of several packets' lookups overlap instead of following one
 * another. flow_table_prefetch returns p's hash and asks for its bucket;
 * flow_table_prefetch_flow, a few packets later, asks for the flow that
 * bucket names; flow_table_packet_hashed then reads p as
 * flow_table_packet does. Hints only: the table may change between. */
uint64_t flow_table_prefetch(const struct flow_table *ft, const struct pkt *p);
void flow_table_prefetch_flow(const struct flow_table *ft, uint64_t hash);
void flow_table_packet_hashed(struct flow_table *ft, double ts, const struct pkt *p, uint64_t hash);
/* Ends flows idle at ts; cheap, call as time advances. */
void flow_table_expire(struct flow_table *ft, double ts);
/* Ends every flow (end of input). */
void flow_table_flush(struct flow_table *ft);
void flow_table_stats(const struct flow_table *ft, struct flow_table_stats *ret);
void flow_table_free(struct flow_table *ft);

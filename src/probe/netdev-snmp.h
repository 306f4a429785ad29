/* Asks one network device over SNMP v2c or v3 (Net-SNMP's library does the
 * protocol and USM; its headers stay inside netdev-snmp.c, as their macros
 * clash with ours): the system group, ifTable/ifXTable, the ARP and
 * neighbour tables, the bridge forwarding tables with VLANs, the bridge
 * port map, LLDP and CDP neighbours and ENTITY-MIB's chassis, each walked with GetBulk. Bounded: at most
 * conf->bulk rows a request, conf->max_rows rows in all, conf->deadline
 * seconds for the device. Not thread-safe (Net-SNMP's init). */
#pragma once
#include "model/netdev.h"

/* Fills r (released by the caller). What could not be walked is said in
 * r->error ("sw1 (198.18.9.2): ifTable: no answer after 40 rows"), with
 * what was read kept; r->ok when every table was read to its end.
 * Returns 0, or <0 when the device gave nothing at all (no answer, wrong
 * credentials): then r->error is the sentence too. */
int netdev_walk(const struct netdev_conf *c, struct netdev_result *r);
/* For the fuzz target (tests/fuzz/fuzz-netdev.c): what take() makes of
 * variable bindings an agent could send, read from bytes as (column,
 * index sub-identifiers, type, value) records, into r (released by the
 * caller; r->conf may be NULL). */
void netdev_take_bytes(const uint8_t *p, size_t len, struct netdev_result *r);

/* Findings' evidence (a JSON object built pair by pair) and the helpers
 * every rule uses to add a finding about a host or one of its ports. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "base/buf.h"
#include "model/finding.h"

/* "key":value pairs with the comma handled; start the object with '{'. */
void ev_str(struct buf *b, const char *key, const char *v);
void ev_time(struct buf *b, const char *key, double t);
void ev_addr(struct buf *b, const char *key, const struct ipaddr *a);
void ev_num(struct buf *b, const char *key, double v);
void ev_bool(struct buf *b, const char *key, bool v);
void ev_raw(struct buf *b, const char *key, const char *json); /* json: a value already encoded */
/* A finding about one host (or its port), evidence and remediation owned
 * by it; the evidence object is closed here. */
void add_host_finding(struct findings *out, const char *rule, enum severity sev, double score,
		      const struct ipaddr *host, const char *title, struct buf *evidence,
		      const char *remediation, double first, double last);
void add_port_finding(struct findings *out, const char *rule, enum severity sev, double score,
		      const struct ipaddr *host, uint16_t port, enum proto proto, const char *title,
		      struct buf *evidence, const char *remediation, double first, double last);

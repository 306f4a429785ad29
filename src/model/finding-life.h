/* Findings with a life: one record per finding identity (rule, site,
 * asset, port and the rule's own key, such as the destination) across runs
 * and sources, and its state. The transitions are here, pure; the store
 * keeps the records (store_life_apply) and pipeline/lifecycle.c feeds it
 * each run's findings. docs/ARCHITECTURE.md, "Findings with a life".
 *
 *   (none) --seen--> new --seen--> open --ack--> acknowledged
 *   new/open/acknowledged --not seen when its source ran--> resolved
 *   resolved --seen--> reopened --seen--> open
 *   severity above the highest since it was (re)opened: escalated (an
 *   acknowledged finding becomes open again, and alerts)
 * Not thread-safe; no allocation. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/finding.h"

enum life_state { LIFE_NEW = 0, LIFE_OPEN, LIFE_ACKED, LIFE_RESOLVED, LIFE_REOPENED };
/* What a change says, and what alerts select on (bits of alert_config.events) */
enum life_event {
	LEV_NONE = 0,
	LEV_NEW = 1u << 0,
	LEV_REOPENED = 1u << 1,
	LEV_ESCALATED = 1u << 2,
	LEV_RESOLVED = 1u << 3,
	/* changes between runs (model/rundiff.h), for a feed of host events */
	LEV_HOST_NEW = 1u << 4,
	LEV_HOST_SILENT = 1u << 5,
	LEV_HOST_WOKE = 1u << 6,
	LEV_PORT_OPENED = 1u << 7,
	LEV_PORT_CLOSED = 1u << 8,
};
/* The run changes' events: no finding, so no rule or severity selects them */
#define LEV_RUN_CHANGES (LEV_HOST_NEW | LEV_HOST_SILENT | LEV_HOST_WOKE | LEV_PORT_OPENED | LEV_PORT_CLOSED)

#define LIFE_KEY_MAX 384

struct life_record {
	int64_t id; /* shown as F<id> */
	char key[LIFE_KEY_MAX];
	char site[64];
	char rule[32];
	enum life_state state;
	enum severity severity, peak; /* now, and the highest since it was (re)opened */
	double first_seen, last_seen; /* of the evidence */
	double changed;               /* when the state last changed */
	int64_t first_run, last_run;
	uint32_t changes;      /* changes so far: the sequence in the alerts' idempotency key */
	double ack_until;      /* acknowledged until (0: for good) */
	bool suppressed;       /* no alerts while it holds */
	double suppress_until; /* 0: until unsuppressed */
	char suppress_by[320]; /* who: a person, or "config FILE [allow NAME]: REASON" */
};

/* A suppression from the config's allowlist ([allow NAME]) covering one
 * finding of a run: the same suppression `findings suppress` makes, with
 * its origin as who. by NULL: no entry covers the finding. */
struct life_allow {
	const char *by;
	double until; /* 0: no expiry */
};
#define LIFE_CONFIG_ORIGIN "config "

/* Applies the config's verdict a (NULL: none) to r as seen in a run that
 * read the site config `config` (NULL or "": none): an entry suppresses
 * (unless a person's suppression holds); a record that config suppressed
 * and no entry of it covers any longer is unsuppressed. Only a run that
 * read the config a suppression names lifts it: a run without --config, or
 * with another file, knows nothing of that file's entries. A person's
 * suppression is never lifted here. Whether r changed. */
bool life_config_suppress(struct life_record *r, const struct life_allow *a, const char *config, double now);

/* The identity: "rule|site|asset|port/proto|rule-key" where asset is the
 * address or the path, and rule_key the evidence's destination (traffic
 * rules) or CVE list, "" when the rule has none. */
void life_key(const struct finding *f, const char *site, char *out, size_t n);
/* The rule's own key from a finding's evidence (JSON): "dst", else "name". */
void life_rule_key(const char *evidence, char *out, size_t n);

/* r seen in run at time now with severity sev; r->id 0 means a new record.
 * Returns the event the change makes (LEV_NONE for none). */
enum life_event life_seen(struct life_record *r, int64_t run, enum severity sev, double now);
/* r's source ran and did not report it. */
enum life_event life_unseen(struct life_record *r, double now);
/* Whether r's suppression holds at now (an expired one does not). */
bool life_is_suppressed(const struct life_record *r, double now);

const char *life_state_name(enum life_state s);
int life_state_parse(const char *s); /* <0 when unknown */
const char *life_event_name(enum life_event ev);
/* One event name of the config's `events =` (also host-new ... which the
 * run-change feed uses): its bit, or 0 when unknown. */
unsigned life_event_parse(const char *s);

/* The idempotency key of a watch job's host or port change (run: the run
 * that saw it; port 0: the host): "dormant:SITE:R<run>:EVENT:IP[:PORT/PROTO]". */
void life_change_key(const char *site, int64_t run, enum life_event ev, const char *ip, uint16_t port,
		     const char *proto, char *out, size_t n);

/* A record as listed and shown (store_life_list / store_life_get). */
struct life_view {
	struct life_record r;
	char ip[46]; /* "" when the finding is about a path */
	uint16_t port;
	char proto[8];
	char path[512];
	char title[256];
	const char *evidence, *remediation; /* valid during the callback only; may be NULL */
};

/* One alert of the outbox: a change of a finding for one channel, with the
 * finding as it was then. key is the idempotency key, the same for every
 * retry: "dormant:SITE:F<id>:<change>". A watch job's host or port change
 * (host-new ... port-closed) has finding 0, no rule, and the key
 * "dormant:SITE:R<run>:EVENT:IP[:PORT/PROTO]" (life_change_key). */
struct life_alert {
	int64_t id;
	char channel[64];
	char key[160];
	char event[16];
	char state[16];
	int64_t finding, run;
	double created;
	char site[64];
	char rule[32];
	enum severity severity;
	char ip[46];
	uint16_t port;
	char proto[8];
	char path[512];
	char title[256];
	const char *evidence, *remediation; /* valid during the callback only; may be NULL */
	double first_seen, last_seen;
	int attempts;
	double next_try;
	bool sending;     /* a delivery began and its end was not recorded (killed meanwhile) */
	double delivered; /* 0: not yet */
	char error[256];  /* the last failure */
	char service[24]; /* host and port changes: the port's service, "" when unknown */
};

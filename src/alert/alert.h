/* Alerts: the outbox's rows (model/finding-life.h struct life_alert) turned
 * into bodies (JSON with the idempotency key, OCSF Detection Finding, syslog
 * RFC 5424 and CEF, mail text) and delivered by their channel ([alert NAME]
 * of the site config: a JSON Lines file, syslog over a unix socket, UDP,
 * TCP or TLS, a webhook signed with HMAC-SHA-256, mail over SMTP), with
 * retries and backoff. Layer: above the store (it reads the outbox), below
 * the pipeline and commands. docs/ARCHITECTURE.md, "Alerts".
 *
 * Exactly once per change: the row is written with the change
 * (store_life_apply); a delivery is marked begun before anything is sent
 * and done after, and the key travels in every body (JSON
 * "idempotency_key", OCSF metadata.uid, the syslog SD-PARAM key, CEF cs1,
 * the Idempotency-Key header, the mail's Message-ID). A kill between send
 * and mark sends again with the same key: a JSON Lines file is searched for
 * it first, webhooks and mail receivers drop the repeat by the key.
 * Not thread-safe. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/buf.h"
#include "model/alert-config.h"
#include "model/finding-life.h"
#include "store/store.h"

/* The body of alert a in format f (never AFMT_DEFAULT). host names the
 * sender in syslog headers ("-" when NULL or empty). Returns 0 or
 * DM_ETOOBIG when out's cap is reached. */
int alert_format(const struct life_alert *a, enum alert_format f, const char *host, struct buf *out);
/* The mail subject: "[dormant] new high beacon 10.0.0.2: TITLE". */
int alert_subject(const struct life_alert *a, struct buf *out);

/* Sends one body on channel c; 0 or a negative code with the reason in e.
 * key and subject are the alert's idempotency key and mail subject;
 * maybe_sent: an earlier try may have delivered it (the jsonl channel then
 * looks for the key before appending). */
int alert_send(const struct alert_config *c, const char *key, const char *subject, const char *body,
	       bool maybe_sent, struct dm_err *e);

/* The wait before try n+1 after n failures: 1 s doubling to 5 minutes. */
double alert_backoff(int failures);

struct alert_stats {
	size_t sent, failed; /* this call */
	size_t pending;      /* still undelivered, of the channels configured */
	double next_try;     /* the earliest retry due; 0: none */
	char error[512];     /* the last failure: "[alert NAME]: reason" */
};

/* Delivers every due alert of every channel in cfg, oldest first per
 * channel; a channel stops at its first failure (order kept) and its row
 * waits alert_backoff(). Returns 0 (failures are in ret, not errors) or a
 * store error. */
int alerts_deliver_pending(struct store *st, const struct alert_configs *cfg, double now,
			   struct alert_stats *ret, struct dm_err *e);

/* Where alerts go: the [alert NAME] sections of the site config (one
 * channel each) and what each selects. Parsed here with the rest of the
 * site policy; delivered by src/alert/. docs/ARCHITECTURE.md, "Alerts". */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "model/finding.h"

enum alert_type { ALERT_NONE = 0, ALERT_JSONL, ALERT_SYSLOG, ALERT_WEBHOOK, ALERT_EMAIL };
/* Body formats: json (JSON with the idempotency key), ocsf (OCSF 1.1
 * Detection Finding), rfc5424 and cef (syslog lines), text (mail). */
enum alert_format { AFMT_DEFAULT = 0, AFMT_JSON, AFMT_OCSF, AFMT_RFC5424, AFMT_CEF, AFMT_TEXT };

#define ALERT_MAX_HEADERS 8

struct alert_config {
	char name[64];
	enum alert_type type;
	enum severity min_severity; /* default low */
	char rules[512];            /* comma-separated rule ids; empty: every rule */
	unsigned events;            /* enum life_event bits; default new, reopened, escalated, resolved */
	enum alert_format format;   /* AFMT_DEFAULT: json (jsonl, webhook), rfc5424 (syslog), text (email) */
	char path[512];             /* jsonl */
	char server[512]; /* syslog: unix:/dev/log, udp://H:P, tcp://H:P, tls://H:P; email: smtp://H:P */
	char url[1024];   /* webhook */
	char headers[ALERT_MAX_HEADERS][256];
	size_t n_headers;
	char secret[256]; /* webhook: HMAC-SHA-256 key of the X-Dormant-Signature header */
	char from[256];   /* email */
	char to[1024];    /* email: comma-separated */
};

struct alert_configs {
	struct alert_config *v;
	size_t n;
};

/* A key of [alert NAME]; 0, or DM_EINPUT with the reason in e. */
int alert_config_set(struct alert_configs *a, const char *name, const char *key, const char *value,
		     struct dm_err *e);
/* Every channel complete (a type and what it needs); names the first that is not. */
int alert_configs_check(struct alert_configs *a, struct dm_err *e);
void alert_configs_release(struct alert_configs *a);
/* Whether channel c wants an event (enum life_event bit) about rule at sev. */
bool alert_config_wants(const struct alert_config *c, unsigned event, const char *rule, enum severity sev);
const struct alert_config *alert_config_find(const struct alert_configs *a, const char *name);
const char *alert_type_name(enum alert_type t);
const char *alert_format_name(enum alert_format f);
/* The format a channel writes (its default resolved). */
enum alert_format alert_config_format(const struct alert_config *c);

/* Findings: what an analyzer concludes, with the evidence that proves it
 * and what to do about it. Rule ids and fields are those of docs/ARCHITECTURE.md. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "net/addr.h"
#include "net/ports.h"

enum severity { SEV_INFO = 0, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
/* How sure the rule is; CONF_NONE only as "no filter". */
enum confidence { CONF_NONE = 0, CONF_LOW, CONF_MEDIUM, CONF_HIGH };

struct finding {
	char rule[32];
	enum severity severity;
	enum confidence confidence;
	double score; /* orders findings of one severity: higher first */
	bool has_ip;
	struct ipaddr ip;
	uint16_t port; /* 0: the finding is about the host */
	enum proto proto;
	char title[256];
	char *evidence;    /* a JSON object, owned */
	char *remediation; /* owned */
	char *path;        /* owned; findings about files (plaintext-credentials) */
	double first_seen, last_seen;
	/* set by the findings' life once the run is stored (pipeline/lifecycle.h):
	 * its record is suppressed or acknowledged, so it is reported and
	 * stored but alerts not and fails no --fail-on */
	bool quiet;
};

struct findings {
	struct finding *v;
	size_t n, cap;
};

/* Takes ownership of f->evidence, f->remediation and f->path. */
void findings_add(struct findings *fs, const struct finding *f);
/* Severity, then score, then address and port. */
void findings_sort(struct findings *fs);
void findings_release(struct findings *fs);
size_t findings_count(const struct findings *fs, enum severity sev);

const char *severity_name(enum severity s);
int severity_parse(const char *s); /* <0 if unknown */
/* CVSS v3/v4 bands: 9.0 critical, 7.0 high, 4.0 medium, >0 low. */
enum severity severity_from_cvss(double score);
const char *confidence_name(enum confidence c);
int confidence_parse(const char *s);

/* External observations: what an internet mapping platform (Shodan,
 * Censys, FOFA, ZoomEye, Hunter) says it indexed on one of our public
 * addresses, read from an export of our own ranges. Each carries the file
 * and line it came from, so an operator can check it against the export. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"
#include "net/ports.h"

/* EXT_DORMANT: dormant itself, from outside (audit --external); no export
 * is ever read as it. */
enum ext_platform { EXT_SHODAN = 0, EXT_CENSYS, EXT_FOFA, EXT_ZOOMEYE, EXT_HUNTER, EXT_DORMANT, EXT_N };

struct ext_obs {
	enum ext_platform platform;
	struct ipaddr ip; /* the public address the platform reached */
	uint16_t port;
	enum proto proto;
	char service[24]; /* what the platform calls the protocol: http, ssh, rtsp */
	char product[96], version[48];
	char cpe[192];       /* CPE 2.3 (or the 2.2 URI the platform gave), empty if none */
	char hostnames[256]; /* comma-separated */
	double indexed;      /* when the platform saw it, seconds since the epoch; 0 unknown */
	unsigned line;       /* in file */
	const char *file;    /* owned by the set (its file names) */
};

struct ext_set {
	struct ext_obs *v;
	size_t n, cap;
	char **files; /* names the observations point into */
	size_t n_files;
	/* bad records, each a sentence naming file and line: the first
	 * EXT_ERRORS_KEPT kept, n_errors counts them all */
	char **errors;
	size_t n_errors;
};
#define EXT_ERRORS_KEPT 100

const char *ext_platform_name(enum ext_platform p);
int ext_platform_parse(const char *s); /* <0 if unknown */
/* A copy of name the set keeps, for ext_obs.file. */
const char *ext_set_file(struct ext_set *s, const char *name);
void ext_set_add(struct ext_set *s, const struct ext_obs *o);
void ext_set_error(struct ext_set *s, const char *msg);
void ext_set_release(struct ext_set *s);
/* "2026-11-02T10:11:12.123456Z", "2026-11-02 10:11:12", "2026-11-02T10:11:12+08:00"
 * or "2026-11-02": seconds since the epoch (UTC unless an offset is given). */
int ext_parse_time(const char *s, double *ret);

/* One externally visible service joined with the inside (analyze/exposure.h). */
enum exposure_verdict {
	EXP_SAME = 0,     /* the inside identified the same product (and version) */
	EXP_DIFFERS,      /* open inside, but identified otherwise */
	EXP_UNIDENTIFIED, /* open inside, the product not identified by either side */
	EXP_CLOSED,       /* the latest run saw the asset, but not this port open */
	EXP_NOT_SCANNED,  /* the asset is known, the latest run did not see it */
	EXP_UNEXPLAINED,  /* no asset in the register has this address */
};
const char *exposure_verdict_name(enum exposure_verdict v);

struct exposure_row {
	struct ext_obs obs; /* the platform's latest observation of (address, port, transport) */
	bool has_asset;
	struct ipaddr asset;   /* the register's asset behind the public address */
	char asset_name[96];   /* its hostname or role, for the listing */
	unsigned asset_line;   /* in the register */
	size_t n_assets;       /* register rows with this public address */
	int64_t run;           /* the run compared with, 0 none */
	uint16_t inside_port;  /* the port compared inside (the same number, or a mapping's internal port) */
	bool via_mapping;      /* the asset was found through an edge port mapping (model/edge.h) */
	struct ipaddr gateway; /* that mapping's gateway */
	char inside_service[24], inside_product[64], inside_version[32];
	enum exposure_verdict verdict;
	size_t n_cves;      /* matched on the external banner or CPE */
	char cves[200];     /* the first ones, highest ranked first */
	double max_cvss;    /* -1 none */
	bool kev;           /* one of them is in CISA's KEV catalog */
	char vuln_cpe[192]; /* what was matched, "" when nothing could be */
};

struct exposure_rows {
	struct exposure_row *v;
	size_t n, cap;
};
void exposure_rows_release(struct exposure_rows *r);

/* The site's policy, from the INI file of `--config FILE` (docs/ARCHITECTURE.md,
 * "Stable interfaces: site policy"; data/dormant.conf.example documents every key):
 * time zone and business hours, home countries, the GeoIP database, the
 * window after which a silent host is idle, which addresses are internal,
 * and named segments, some protected. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "base/err.h"
#include "model/alert-config.h"
#include "model/allowlist.h"
#include "model/netdev.h"
#include "net/cidr.h"
#include "net/targets.h"
#include "net/ports.h"

#define SITE_MAX_COUNTRIES 64

struct segment {
	char name[64];
	struct cidr_list cidrs;
	bool protected_;
	bool users; /* people's workstations: no database port should be reachable from here */
};

/* What a kind of device is expected to expose: service names (as the
 * services step names them) and ports. Anything else open on a host of
 * that role is unexpected. */
struct role_baseline {
	char name[64];
	char (*services)[32];
	size_t n_services;
	struct portlist ports;
	unsigned gen; /* which load defined it: a later file replaces it */
};

struct site_config {
	char path[512];    /* the file read; empty: defaults only */
	char name[64];     /* [site] name: part of every finding's identity; default "default" */
	char timezone[64]; /* IANA name; empty: the machine's zone */
	int business_start, business_end; /* minutes after midnight, local */
	uint8_t business_days;            /* bit 0 Sunday ... bit 6 Saturday */
	char home[SITE_MAX_COUNTRIES][3]; /* ISO 3166 alpha-2, upper case */
	int n_home;
	char geoip[512]; /* empty: the default database, when installed */
	double window_days;
	struct cidr_list internal; /* empty: private ranges and the segments */
	/* What is ours besides: the audit's targets (borrowed) and the asset
	 * register's addresses, internal unless `internal` is set */
	const struct targets *targets;
	struct cidr_list registered;
	struct allowlist allow;      /* [allow NAME] entries */
	struct alert_configs alerts; /* [alert NAME] channels */
	struct segment *segments;
	size_t n_segments;
	struct role_baseline *roles;
	size_t n_roles;
	unsigned loads; /* files read so far */
	/* [intel] files = a, b: threat-intelligence lists (model/intel.h),
	 * relative names from intel_dir (the config file's folder) */
	char intel_files[1024];
	char intel_dir[512];
	/* [netdev NAME]: network devices asked over SNMP (model/netdev.h); a
	 * file that holds their secrets must be 0600 */
	struct netdev_confs netdevs;
	/* [site] edge = on: an audit reads the LAN's internet gateways (UPnP
	 * IGD, NAT-PMP) as --upnp does */
	bool edge;
	/* [site] dns = ADDRESS[:PORT] | resolv | off (default): the DNS server
	 * an audit asks for its live hosts' reverse (PTR) names, asset identity
	 * that outlasts an address; resolv: /etc/resolv.conf's first one.
	 * [site] mdns = off: no unicast mDNS query to the hosts on the scan's
	 * link (on by default: a responder answers only its link). */
	enum { SITE_DNS_OFF, SITE_DNS_SERVER, SITE_DNS_RESOLV } dns_from;
	struct ipaddr dns;
	uint16_t dns_port; /* 53 unless given */
	bool mdns_off;
	/* [retention] flow_days, runs_days: what the store keeps (store_retain);
	 * 0 keeps everything */
	double retain_flow_days, retain_runs_days;
	/* [site] public = prefixes: the organisation's public ranges, the only
	 * targets `audit --external` accepts */
	struct cidr_list public_ranges;
};

/* Defaults: business hours 08:00-18:00 Mon-Fri, window 7 days, no home
 * countries (nothing is foreign until they are set). */
void site_config_defaults(struct site_config *c);
/* Reads path over the defaults. An unknown section or key, or a bad value,
 * is an error naming file and line. Applies the time zone to the process. */
int site_config_load(struct site_config *c, const char *path, struct dm_err *e);
/* The same from text in memory; name stands for the file in messages. */
int site_config_parse(struct site_config *c, const char *text, const char *name, struct dm_err *e);
void site_config_release(struct site_config *c);

/* "Mon-Fri", "Mon,Wed,Fri", "Sat-Mon": a mask of days, bit 0 Sunday; -1 when not days. */
int site_parse_days(const char *v, uint8_t *ret);
/* "02:30": minutes after midnight (0..1439); -1 when not a time of day. */
int site_parse_time(const char *s, int *ret);

/* Where the site's clocks are: local weekday (0 Sunday) and minute of day. */
void site_local_time(const struct site_config *c, double t, int *wday, int *minute);
bool site_is_business_time(const struct site_config *c, double t);
bool site_is_home_country(const struct site_config *c, const char *cc);
/* Internal: in `internal` when set, else private/ULA/link-local/CGNAT, an
 * audit target or a register address; inside any segment in both cases. */
bool site_is_internal(const struct site_config *c, const struct ipaddr *a);
/* The baseline of a role (case-insensitive), or NULL. */
const struct role_baseline *site_role(const struct site_config *c, const char *name);
/* Whether a service (its name, else only its port) is in the baseline. */
bool role_allows(const struct role_baseline *r, const char *service, enum proto proto, uint16_t port);
/* The segment holding a, or NULL; protected_only limits the search. */
const struct segment *site_segment_of(const struct site_config *c, const struct ipaddr *a,
				      bool protected_only);
/* The user segment (users = yes) holding a, or NULL. */
const struct segment *site_user_segment_of(const struct site_config *c, const struct ipaddr *a);
bool site_has_user_segments(const struct site_config *c);

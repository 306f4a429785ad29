/* Reporters: one output format each, from a result set and what is known
 * of the run. Each writes to a FILE and returns 0 or -errno. */
#pragma once
#include <stdio.h>
#include <stdint.h>
#include "base/buf.h"
#include "model/caveat.h"
#include "model/edge.h"
#include "model/external.h"
#include "model/finding.h"
#include "model/flow.h"
#include "model/inventory.h"
#include "model/netdev.h"
#include "model/flowset.h"
#include "model/risk.h"
#include "model/rundiff.h"
#include "model/resultset.h"
#include "net/ports.h"

struct report_meta {
	const char *command;   /* "scan", "audit" */
	const char *args;      /* the command line, for nmap's args attribute */
	const char *scan_type; /* syn, connect */
	const struct portlist *ports;
	double start, end; /* seconds since the epoch */
	uint64_t targets;  /* addresses scanned */
	int64_t run_id;
	uint64_t probes;
	double send_seconds;             /* time spent sending the port-scan probes */
	bool show_closed;                /* list closed/filtered counts per host in text */
	bool only_open;                  /* --open: text lists open ports, and hosts with one */
	const struct findings *findings; /* NULL: no analysis ran */
	const struct asset_risk *assets; /* ranked, highest risk first; may be NULL */
	size_t n_assets;
	const struct inventory *inv; /* names for the assets; may be NULL */
	/* the HTML report's pictures; each may be absent */
	const struct port_exposure *exposure;
	size_t n_exposure;
	bool exposure_judged; /* traffic covered the hosts: "used" means something */
	const struct traffic_profile *traffic;
	const struct rundiff *changes;
	int64_t changes_from;                /* the run compared with; 0: first run */
	const struct caveats *caveats;       /* what the run could not judge; NULL or empty: nothing said */
	const struct edge_set *edge;         /* the gateways read and their mappings; NULL: not read */
	const struct exposure_rows *outside; /* audit --external: what answered, joined; NULL: none */
};

int report_text(FILE *f, const struct resultset *rs, const struct report_meta *m);
int report_jsonl(FILE *f, const struct resultset *rs, const struct report_meta *m);
/* One self-contained HTML page (no external assets): summary, charts
 * (risk per asset, exposure against use per port, traffic by hour with
 * off-hours shaded, countries, changes) and the ranked findings. */
int report_html(FILE *f, const struct resultset *rs, const struct report_meta *m);
int report_nmap_xml(FILE *f, const struct resultset *rs, const struct report_meta *m);
/* CSV: one row per finding in rank order when there are findings, else one
 * row per open port. */
int report_csv(FILE *f, const struct resultset *rs, const struct report_meta *m);
/* A "flow" JSON Lines record, newline included. */
int flow_json(struct buf *b, const struct obs_flow *f);
/* Findings: JSON Lines "finding" records, and the ranked text section. */
int finding_json(struct buf *b, const struct finding *f, int64_t run);
int report_findings_jsonl(FILE *f, const struct findings *fs, int64_t run);
/* The exposure listing (model/external.h): each externally visible service
 * with the asset behind it, what the platform and the inside identified,
 * and the banner's vulnerabilities; as text, or JSON Lines "exposure"
 * records followed by the findings. */
/* The listing's table alone (audit --external prints it under its own table). */
int report_exposure_rows_text(FILE *f, const struct exposure_rows *rows);
int report_exposure_text(FILE *f, const struct exposure_rows *rows, const struct findings *fs);
/* The gateways a run read and their mappings (report-edge.c): text, JSON
 * Lines "gateway" and "mapping" records, and the HTML report's exposure
 * section (into b). inv names the inside hosts; may be NULL. */
int report_edge_text(FILE *f, const struct edge_set *es, const struct inventory *inv, int64_t run);
int report_edge_jsonl(FILE *f, const struct edge_set *es, const struct inventory *inv, int64_t run);
void report_edge_html(struct buf *b, const struct edge_set *es, const struct inventory *inv);
int report_exposure_jsonl(FILE *f, const struct exposure_rows *rows, const struct findings *fs);
/* The HTML report's section of an audit --external run (into b): each
 * service that answered from outside with the asset behind it and what the
 * inside identified there, then the internet-exposed and external-only
 * findings of fs (may be NULL). Every text escaped. */
void report_exposure_html(struct buf *b, const struct exposure_rows *rows, const struct findings *fs);
/* What network devices said (model/netdev.h): per device its system group
 * and tables as text, or JSON Lines "netdev" records (credentials
 * redacted), each followed by its "netdev-port", "netdev-arp",
 * "netdev-fdb" and "netdev-lldp" records. */
int report_netdev_text(FILE *f, const struct netdev_result *rs, size_t n);
int report_netdev_jsonl(FILE *f, const struct netdev_result *rs, size_t n);
/* inv (may be NULL) names the hosts beside their addresses. */
int report_findings_text(FILE *f, const struct findings *fs, const struct inventory *inv);
/* The riskiest assets as a table (at most max rows), and as "asset" records. */
int report_assets_text(FILE *f, const struct report_meta *m, size_t max);
int report_assets_jsonl(FILE *f, const struct report_meta *m);
/* The register's hostname of ip, or NULL. */
const char *inventory_name(const struct inventory *inv, const struct ipaddr *ip);
/* One line about a service: product, version, device, TLS, details. */
void service_summary(const struct obs_service *sv, char *out, size_t n);
/* The same without the details: product, version, device, TLS. */
void service_version(const struct obs_service *sv, char *out, size_t n);
/* A CPE 2.3 formatted string as the 2.2 URI nmap's XML carries. */
void cpe23_to_uri(const char *cpe23, char *out, size_t n);
/* JSON object members of a service record (without braces). */
/* "WordPress 6.4.2, jQuery, PHP": the service's web applications ("" if none). */
void webapps_summary(const struct obs_service *sv, char *out, size_t n);
int json_service_fields(struct buf *b, const struct obs_service *sv);
/* "22,80,8000-8100": a sorted port list with runs collapsed. */
void format_port_ranges(struct buf *b, const uint16_t *ports, size_t n);

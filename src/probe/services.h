/* Service identification: which protocol answers on each open port, and
 * what product and version, by probing (conn.c with the probe-*.c
 * protocols) and by matching what was said against the fingerprint
 * databases. UDP replies caught by the scanner are identified too. */
#pragma once
#include "model/obs.h"
#include "probe/conn.h"
#include "probe/fingerprint.h"
#include "probe/wappalyzer.h"

#define SVC_PLAN_MAX 8
#define SVC_NMAP_PLAN_MAX 128
#define SVC_RAW_MAX 4096

struct nmap_db;
struct nmap_probe;
struct nmap_result;
struct nmap_payloads;

/* Who named a service's product, in the order they win when databases
 * disagree (docs/ARCHITECTURE.md): dormant's own fingerprints and probe
 * code, then an nmap hard match, then Recog-format databases the operator
 * added, then nmap's softmatch (a service name without product). */
enum svc_rank { RANK_NONE, RANK_NMAP_SOFT, RANK_RECOG, RANK_NMAP, RANK_OWN };

/* One service being identified. Protocols write what they learn into out
 * and hand texts to svc_evidence(); the orchestrator picks the next probe. */
struct svc {
	struct obs_service out;
	const struct proto_ops *plan[SVC_PLAN_MAX];
	unsigned n_plan, next;
	bool identified; /* a protocol recognised the service */
	bool tls_done;   /* the TLS version checks were queued */
	bool silent;     /* the banner wait heard nothing */
	bool wrapped;    /* ... and the peer closed it first: tcpwrapped */
	const struct fp_set *fps;
	const struct wa_db *wa; /* Wappalyzer's rules, NULL without them */
	char follow[200];       /* the path a redirect of / pointed to, fetched once */
	bool follow_done;
	const char *own_dir; /* fingerprints from databases under this directory are dormant's own */
	enum svc_rank rank;  /* who named out.product so far */
	/* what dormant's own probes were told, kept for nmap's matches */
	uint8_t *banner_raw, *http_raw; /* NULL until heard; SVC_RAW_MAX bytes at most */
	size_t banner_len, http_len;
	bool http_tls; /* http_raw came through TLS */
	/* nmap's probes for this port (probe-nmap.c) */
	const struct nmap_probe *nplan[SVC_NMAP_PLAN_MAX];
	unsigned n_nplan, nnext, ninflight, n_nlisted;
	bool nmap_started, nmap_hard, nmap_ssl;
	bool nmap_said_ssl;    /* an nmap match named "ssl": the port is to be probed inside TLS */
	bool nmap_all;         /* past the probes listing the port: the whole plan may go */
	bool nmap_payload_hit; /* a hard match to a probe's own payload: a client-first protocol */
	bool generic_port;     /* no protocol of dormant's is expected on this port */
	double nmap_deadline;  /* monotonic; the port's nmap probes stop here */
	double nmap_after;     /* monotonic; the port's nmap probes connect no earlier */
	char nmap_soft[32];    /* service a softmatch named, to narrow the plan */
	bool nmap_narrowed;    /* the plan was remade for nmap_soft */
};

/* Matches text against the databases for key and fills what is still
 * unknown in s (product, vendor, version/update, CPE 2.3, device, os). */
void svc_evidence(struct svc *s, const char *key, const char *text, size_t len);
/* Applies one nmap match to s under the precedence of enum svc_rank. */
void svc_nmap_result(struct svc *s, const struct nmap_result *res);
/* Keeps a copy of what a probe was told (*dst, at most SVC_RAW_MAX bytes). */
void svc_keep_raw(uint8_t **dst, size_t *dst_len, const uint8_t *data, size_t len);
/* Sets s->out.banner from raw bytes: printable ASCII kept, the rest \xNN. */
void svc_set_banner(struct svc *s, const uint8_t *data, size_t len);
/* Turns Recog's CPE (2.2 URI "cpe:/a:v:p:ver" or 2.3) plus version and
 * update into a CPE 2.3 formatted string, NVD style (7.7p1 -> 7.7 + p1). */
void cpe23_format(const char *cpe, const char *version, const char *update, char *out, size_t n);

struct services_config {
	const struct fp_set *fps;
	const struct wa_db *wa; /* may be NULL */
	/* Probe as web pages only (HTTPS when web_tls): GET / and then this
	 * path when it is not "/" (fingerprint webapps URL). NULL: every protocol. */
	const char *web_path;
	bool web_tls;
	const char *own_dir;                  /* dormant's own fingerprint directory (ranks its matches) */
	const struct nmap_db *nmap;           /* NULL: nmap's probes are not used */
	const struct nmap_payloads *payloads; /* nmap's UDP payloads, also sent; may be NULL */
	unsigned intensity;                   /* --version-intensity, 0-9 */
	double nmap_port_budget;              /* seconds of nmap probing per port; 0: NMAP_PORT_BUDGET */
	unsigned max_inflight, per_host;
	double timeout; /* per probe, seconds */
	double rate;    /* new connections per second */
	const struct obs_sink *sink;
};

struct service_target {
	struct ipaddr ip;
	uint16_t port;
};

/* Probes the TCP services and reports one obs_service for each; -errno
 * when no connection engine could be made (no epoll instance). */
int services_probe_tcp(const struct services_config *c, const struct service_target *t, size_t n);
/* Sends nmap's UDP probes (c->nmap) to UDP ports found open or
 * open|filtered and reports one obs_service for each port that answered
 * or that known[i] (NULL, or port 0: nothing) already described. */
int services_probe_udp_nmap(const struct services_config *c, const struct obs_service *known,
			    const struct service_target *t, size_t n);
/* Names what answered one of nmap's UDP payloads (STUN's SOFTWARE); false
 * when the reply says nothing dormant knows. */
bool svc_udp_payload_reply(struct svc *s, const uint8_t *data, size_t len);
/* What an SNMP agent's sysDescr and sysObjectID say (fills what is still
 * empty in o: product, vendor, version, CPE, device, os); the operating
 * system a device's sysDescr names becomes the product when no database
 * named another. */
void services_identify_snmp_system(const struct fp_set *fps, const char *descr, const char *objid,
				   struct obs_service *o);
/* Identifies a UDP reply (SNMP, SSDP, WS-Discovery, mDNS, NTP, DNS). */
bool services_identify_udp(const struct fp_set *fps, const struct ipaddr *ip, uint16_t port,
			   const uint8_t *data, size_t len, struct obs_service *ret);

/* The protocols (probe-*.c). */
extern const struct proto_ops proto_banner, proto_http, proto_https, proto_favicon, proto_favicon_tls,
    proto_page, proto_page_tls, proto_tls10, proto_tls11, proto_tls12, proto_tls13, proto_sslv3, proto_rtsp,
    proto_mqtt, proto_redis, proto_weak_null, proto_weak_anon, proto_weak_rc4, proto_weak_3des,
    proto_weak_export;
/* The certificate's key and whether its chain (as the server sent it)
 * leads to a root of the system store, into t (probe-tls-weak.c). */
void tls_cert_judge(struct pconn *c, struct obs_tls *t);
/* A ServerHello at the start of p: 1 with the version and the chosen
 * suite, 0 incomplete, -1 not a ServerHello (an alert, other bytes). */
int tls_server_hello_suite(const uint8_t *p, size_t len, uint16_t *version, uint16_t *suite);

/* Parsers of untrusted bytes, exported for the fuzz targets and tests. */
struct http_resp {
	int status;
	bool complete; /* headers and the body as announced */
	size_t header_len, body_off, body_len;
	char server[128], www_auth[256], title[128], public_[128], content_type[64];
	bool is_rtsp;
};
int http_parse_response(const uint8_t *p, size_t len, bool eof, struct http_resp *ret);
/* Answers Telnet option negotiation (refusing everything) into reply and
 * returns the text with IAC sequences removed. */
size_t telnet_strip(const uint8_t *in, size_t len, uint8_t *text, size_t text_cap, uint8_t *reply,
		    size_t reply_cap, size_t *reply_len);
struct snmp_values {
	char community[32];
	char sys_descr[256];
	char sys_object_id[128];
};
int snmp_parse_response(const uint8_t *p, size_t len, struct snmp_values *ret);
/* An SNMPv3 message's msgAuthoritativeEngineID (RFC 3414: what an agent's
 * Report to a discovery request carries): its bytes into id (up to 32),
 * their number; DM_EINPUT when p is no SNMPv3 message with USM security
 * parameters. */
int snmp_parse_engine_id(const uint8_t *p, size_t len, uint8_t id[32], size_t *ret_len);
/* A NetBIOS node status response (RFC 1002 4.2.18): the first unique name
 * of suffix 0x00 (the workstation's), trailing spaces cut, into name;
 * DM_EINPUT when p is none or names none. */
int netbios_parse_nbstat(const uint8_t *p, size_t len, char name[16]);

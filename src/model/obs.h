/* Observations: what sources report (a host answered, a port is in some
 * state), and the sink interface they report through. Sources know only
 * this; src/cmd/ connects a sink to the store and the reporters. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "net/addr.h"
#include "net/ports.h"

enum host_how { HOW_NONE = 0, HOW_ARP, HOW_ICMP, HOW_TCP, HOW_UDP, HOW_CONNECT, HOW_USER };
enum port_state { PORT_OPEN = 1, PORT_CLOSED, PORT_FILTERED, PORT_OPEN_FILTERED };

struct obs_host {
	struct ipaddr ip;
	bool has_mac;
	uint8_t mac[6];
	enum host_how how;
	const char *reason; /* nmap vocabulary: arp-response, echo-reply, syn-ack, reset, ... */
	uint8_t ttl;
	double ts; /* seconds since the epoch */
};

struct obs_port {
	struct ipaddr ip;
	uint16_t port;
	enum proto proto;
	enum port_state state;
	const char *reason; /* syn-ack, reset, conn-refused, udp-response, port-unreach, ... */
	uint8_t ttl;
	double ts;
};

/* TLS as a service presented it. Times are seconds since the epoch. */
struct obs_tls {
	bool present;
	unsigned versions; /* bit per TLS_V_*: what the server accepted */
	unsigned tested;   /* bit per TLS_V_*: what was tried */
	char subject[256], issuer[256];
	double not_before, not_after;
	bool self_signed, expired;
	char sha256[65]; /* certificate fingerprint, hex */
	/* Judged by probe-tls-weak.c (stored apart, schema 14): the public key,
	 * the weak cipher-suite classes the server chose when offered only
	 * them, and whether the chain leads to a root of the system store. */
	char key_type[12]; /* RSA, EC, ED25519, DSA, ... */
	int key_bits;
	unsigned weak, weak_tested; /* bit per TLS_WEAK_* */
	int chain;                  /* TLS_CHAIN_*: 0 not judged */
	char chain_error[80];       /* OpenSSL's reason when untrusted */
};
enum { TLS_V_SSL3 = 1, TLS_V_10 = 2, TLS_V_11 = 4, TLS_V_12 = 8, TLS_V_13 = 16 };
enum { TLS_WEAK_RC4 = 1, TLS_WEAK_3DES = 2, TLS_WEAK_EXPORT = 4, TLS_WEAK_NULL = 8, TLS_WEAK_ANON = 16 };
enum { TLS_CHAIN_UNKNOWN = 0, TLS_CHAIN_TRUSTED = 1, TLS_CHAIN_UNTRUSTED = 2 };

/* An application behind a web server (a webmail, a camera's UI, a CMS):
 * named by a web rule; source says which database and entry. */
#define OBS_MAX_APPS 8
struct obs_webapp {
	char name[64], version[32];
	char cpe[160];   /* CPE 2.3 with the version, empty if the rule has none */
	char source[64]; /* "wappalyzer:WordPress", "recog:html_title.xml:120" */
};

/* What answers on a port: from a probe, identified by the fingerprints. */
struct obs_service {
	struct ipaddr ip;
	uint16_t port;
	enum proto proto;
	char name[24]; /* ssh, http, https, ftp, rtsp, mqtt, redis, snmp, telnet, unknown, ... */
	char vendor[64], product[64], version[32], update[32];
	char cpe[160];   /* CPE 2.3 formatted string, empty if unknown */
	char device[32]; /* camera, router, printer, server, embedded, ... */
	char os[64];
	char banner[512]; /* what the service said first, printable (escaped at output) */
	char info[256];   /* protocol details: http title, realm, auth state ... */
	/* which database and entry named the product: "nmap-service-probes:1234",
	 * "recog:ssh_banners.xml:12", "dormant:http_servers.xml:15"; empty if none */
	char source[96];
	bool anonymous; /* the service let us in without credentials (FTP, MQTT, Redis, SNMP public) */
	struct obs_tls tls;
	/* What follows the device to another address (model/identity.h; kept
	 * with the run's identities, not with the service): the SSH host key's
	 * fingerprint as ssh-keygen -l prints it, "SHA256:" and base64, an
	 * SNMPv3 agent's engine ID, hex, and the host's NetBIOS name. */
	char ssh_key[52];
	char snmp_engine[65];
	char netbios_name[16];                /* the workstation name a NetBIOS node status names */
	struct obs_webapp apps[OBS_MAX_APPS]; /* web applications, strongest first */
	unsigned n_apps;
	double ts;
	/* Seen in traffic (a capture or Zeek logs), not probed: ts is when. */
	bool passive;
};

/* Callbacks may be invoked from a source's receive thread, never concurrently. */
struct obs_sink {
	void *ctx;
	void (*host)(void *ctx, const struct obs_host *h);
	void (*port)(void *ctx, const struct obs_port *p);
	void (*service)(void *ctx, const struct obs_service *s); /* may be NULL */
	/* A UDP reply's payload, for whoever can parse it (may be NULL). */
	void (*udp_reply)(void *ctx, const struct ipaddr *ip, uint16_t port, const uint8_t *data, size_t len);
};

const char *host_how_name(enum host_how h);
enum host_how host_how_parse(const char *s);
const char *port_state_name(enum port_state s);
/* The static copy of a reason word read back from a file or database ("unknown" if foreign). */
const char *reason_intern(const char *s);
enum port_state port_state_parse(const char *s);

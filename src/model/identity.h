/* Asset identity beyond the address: what a run saw of each live host that
 * outlasts a DHCP renumbering (its MAC when globally administered, its host
 * name), and the matcher that links a host of an earlier run to one of a
 * later run at another address. A locally administered MAC (randomised by
 * phones and laptops) is kept as evidence and never used as identity. The
 * store keeps one row per run and address (asset_idents); the history of a
 * key's addresses is read from those rows. Not thread-safe. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"

#define IDENT_NAME_MAX 64
#define IDENT_SSH_MAX 52    /* "SHA256:" and 43 base64 characters */
#define IDENT_ENGINE_MAX 65 /* an engine ID of up to 32 bytes, hex */
#define IDENT_BY_MAX 48     /* "mac,hostname,cert,snmp,ssh,mdns,ptr" */
#define IDENT_DNS_MAX 128   /* a PTR name kept whole (a longer one is none) */
#define IDENT_KEY_MAX (IDENT_DNS_MAX + 8)

struct ident_obs {
	struct ipaddr ip;
	bool has_mac;
	uint8_t mac[6];
	bool mac_local;                /* locally administered: evidence only */
	char hostname[IDENT_NAME_MAX]; /* first label, lower case; empty: none */
	char mac_from[16];             /* where the MAC came from: scan, netdev, lease */
	char name_from[16];            /* where the name came from: lease */
	/* SHA-256 (hex) of the TLS certificate it presents, the smallest when
	 * its services present several; "" none. Identity only when no other
	 * host of its run presents it (a vendor's default certificate is not). */
	char cert[65];
	/* Service fingerprints that stay with a device across addresses, each
	 * identity only when no other host of its run shows it (a cloned
	 * image's key, a copied agent configuration are not): the SSH host
	 * key's SHA-256 as ssh-keygen -l prints it ("SHA256:" base64), and
	 * the SNMPv3 engine ID (hex; never one made of an address). */
	char ssh_key[IDENT_SSH_MAX];
	char snmp_engine[IDENT_ENGINE_MAX];
	/* Names the network gives the host, weaker than the keys above: the
	 * label its mDNS responder answers for its own address (before
	 * ".local") and its reverse DNS (PTR) name, whole, lower case. Both are
	 * dropped when made of the address or a pool's generic word ("dhcp-17",
	 * "198-18-0-5.dyn.example": they follow the address, not the device). */
	char mdns_name[IDENT_NAME_MAX];
	char dns_name[IDENT_DNS_MAX];
	double seen; /* seconds since the epoch */
};

struct ident_set {
	struct ident_obs *v;
	size_t n, cap;
};

/* Copies o (its name normalised: first label, lower case; its mDNS and PTR
 * names normalised, and dropped when ident_name_generic says so). */
void ident_set_add(struct ident_set *s, const struct ident_obs *o);
/* Sets o's mDNS and PTR names (either may be NULL), normalised as
 * ident_set_add does. */
void ident_obs_set_names(struct ident_obs *o, const char *mdns, const char *dns);
/* The observation for ip, or NULL. */
const struct ident_obs *ident_set_find(const struct ident_set *s, const struct ipaddr *ip);
void ident_set_release(struct ident_set *s);

/* Normalises a host name into out (IDENT_NAME_MAX): the first label, lower
 * case; a name that is not a DNS label (empty, other bytes) gives "". */
void ident_name_norm(const char *name, char *out);
/* A host name (first label or whole) that follows the address, not the
 * device: made of the address's numbers (in order or reversed, decimal or
 * hex: "10-0-1-5", "5.1.0.10", "0a000105") or a pool's generic word alone
 * or with digits ("dhcp-17", "host5", "unknown"). */
bool ident_name_generic(const char *name, const struct ipaddr *ip);
/* The identity key of o: "mac:aa:bb:.." for a globally administered MAC,
 * else "name:label", else "cert:sha256", else "snmp:engine-id", else
 * "ssh:SHA256:..", else "mdns:label", else "ptr:name", else "" (nothing to
 * follow the host by). */
void ident_key(const struct ident_obs *o, char out[IDENT_KEY_MAX]);

enum ident_by {
	IDENT_BY_MAC = 1u << 0,
	IDENT_BY_NAME = 1u << 1,
	IDENT_BY_CERT = 1u << 2,
	IDENT_BY_SNMP = 1u << 3,
	IDENT_BY_SSH = 1u << 4,
	IDENT_BY_MDNS = 1u << 5, /* names: weaker than the keys above */
	IDENT_BY_PTR = 1u << 6,
};

/* One host followed from prev->v[prev] to cur->v[cur] at another address. */
struct ident_link {
	size_t prev, cur;
	unsigned by; /* enum ident_by bits that agree */
};

/* Links hosts of an earlier run (prev) to hosts of a later one (cur) at
 * another address. Two hosts match when their globally administered MACs
 * are equal, or, when either lacks one, their names are, or their TLS
 * certificates, SNMP engine IDs or SSH host keys are; two different global
 * MACs never match, nor two different names by a service fingerprint, nor,
 * without the same MAC, two different SSH host keys or engine IDs (a
 * name reused by another machine). An mDNS or PTR name is weaker: it links
 * only a pair neither of which has a candidate by a key, never marks a host
 * as staying (a static PTR record stays with its address), never keeps a
 * key from matching when it differs, and an mDNS name whose base (without
 * a responder's conflict suffix "-2") more than one host holds links
 * nothing. A link is made only when it is the one match of
 * both hosts and neither is matched at its own address (a key seen at the
 * same address in both runs means the device stayed); a key two hosts of
 * one run share links nothing. Returns the number of links in *ret
 * (caller frees; sorted by cur). */
size_t ident_link(const struct ident_set *prev, const struct ident_set *cur, struct ident_link **ret);
/* "mac", "hostname,cert", ...: the enum ident_by bits of by, in order. */
void ident_by_fmt(unsigned by, char out[IDENT_BY_MAX]);
/* An SNMPv3 engine ID (bytes) as identity (hex into out), or false when it
 * is none: shorter than 5 or longer than 32 bytes, all one byte, or of
 * RFC 3411's IPv4 or IPv6 format (made of the address it would follow). */
bool ident_engine_hex(const uint8_t *id, size_t len, char out[IDENT_ENGINE_MAX]);

/* An address an identity key was seen at (store_ident_history). */
struct ident_addr {
	struct ipaddr ip;
	double first, last; /* seconds since the epoch */
	unsigned runs;
};

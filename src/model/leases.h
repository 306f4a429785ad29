/* DHCP leases as evidence of presence: which device (MAC, client host
 * name) held an address and when. Read from dnsmasq's lease file
 * (dnsmasq.leases: "expiry mac ip hostname client-id" per line) and ISC
 * dhcpd's (dhcpd.leases: "lease IP { starts ...; ends ...; cltt ...;
 * hardware ethernet ...; client-hostname "..."; }"). A lease renewal says
 * a device is powered on and on the network, even when it answers no
 * probe; it says nothing about anybody using it. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "net/addr.h"

enum lease_format { LEASE_DNSMASQ = 1, LEASE_ISC };

struct lease {
	struct ipaddr ip;
	char mac[18];        /* lower case with colons, or empty */
	char hostname[64];   /* as the client sent it, or empty */
	double starts, ends; /* 0: not known (dnsmasq gives only the end); ends 0 also for "never" */
	double last_seen;    /* the client's last transaction (ISC cltt), else starts, else 0 */
	bool infinite;       /* never expires: says nothing about when it was last seen */
	enum lease_format format;
	const char *file; /* interned in struct leases */
	unsigned line;
};

/* Sorted by address, then by end of lease: the newest lease of an address
 * is the last of its run. */
struct leases {
	struct lease *v;
	size_t n, cap;
	char **files;
	size_t n_files;
};

/* Appends the file's leases; the format is told by its content. A line
 * that is neither is an error naming file and line, and nothing of that
 * file is kept. */
int leases_load_file(struct leases *ls, const char *path, struct dm_err *e);
int leases_parse(struct leases *ls, const char *name, const char *data, size_t len, struct dm_err *e);
/* The newest lease of ip whose time overlaps [from, to], or NULL.
 * Infinite leases (no time) are returned only when any is true. */
const struct lease *leases_find(const struct leases *ls, const struct ipaddr *ip, double from, double to,
				bool any);
void leases_release(struct leases *ls);
const char *lease_format_name(enum lease_format f);

/* nmap's service probe database (nmap-service-probes, from Debian's
 * nmap-common) and its UDP payloads (nmap-payloads), read at run time.
 *
 * Loading (nmap-probes.c) parses every directive: Exclude, Probe (with
 * nmap's escapes in q|...|, no-payload), ports, sslports, rarity, fallback,
 * totalwaitms, tcpwrappedms, match and softmatch (PCRE2 with the /i and /s
 * flags, version templates p/ v/ i/ h/ o/ d/ cpe:/.../a). Like nmap, a
 * malformed line refuses the whole file: the error names the file and line.
 * Matching (nmap-match.c) walks a probe's matches, then its fallbacks, then
 * the NULL probe's (TCP), and fills the templates ($1..$9, $P(), $SUBST(),
 * $I()). Loading is not thread-safe; matching is (per-thread match data). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"
#include "net/ports.h"

/* The version fields a match line can fill, in the order of nmap's letters. */
enum nmap_field { NMAP_PRODUCT, NMAP_VERSION, NMAP_INFO, NMAP_HOSTNAME, NMAP_OS, NMAP_DEVICE, NMAP_NFIELDS };

#define NMAP_MAX_CPE 8

struct nmap_match {
	char *service;            /* "ssh", "ssl/http" ... */
	char *pattern;            /* the expression as written, for messages */
	void *code;               /* pcre2_code (interpreted: see pcre_util_compile) */
	char *tmpl[NMAP_NFIELDS]; /* p/ v/ i/ h/ o/ d/ templates, NULL if absent */
	char *cpe[NMAP_MAX_CPE];  /* cpe: templates without the "cpe:/" prefix */
	unsigned n_cpe;
	unsigned line; /* in the file */
	bool soft;
	/* prefilter: an anchored expression whose first byte is fixed cannot
	 * match a response starting with another byte (first < 0: no filter) */
	int first;
	bool first_fold; /* first is a letter that may match in either case */
	/* a run of literal bytes every match contains ("\r\nServer: Apache/"):
	 * a response without it is skipped (lit_len 0: no such run of 3+) */
	uint8_t lit[32];
	size_t lit_len;
};

struct nmap_probe {
	char *name;
	enum proto proto;
	uint8_t *payload; /* unescaped q|...| bytes; NULL if empty */
	size_t payload_len;
	bool no_payload;            /* "no-payload": not to be sent as a bare UDP payload */
	uint16_t *ports, *sslports; /* sorted, unique */
	size_t n_ports, n_sslports;
	unsigned rarity;       /* 1 (common) to 9; 5 when the file says nothing */
	unsigned totalwaitms;  /* ms; 0 when the file says nothing */
	unsigned tcpwrappedms; /* ms; 0 when the file says nothing */
	struct nmap_match *matches;
	size_t n_matches;
	/* the probes whose matches apply to this probe's responses, in order:
	 * itself, its fallback directive's probes, then the NULL probe (TCP) */
	const struct nmap_probe **chain;
	size_t n_chain;
	char *fallback; /* the directive's text until resolved */
	unsigned fallback_line;
	unsigned line;
};

/* Debian's nmap-common puts it here. */
#define NMAP_SERVICE_PROBES_DEFAULT "/usr/share/nmap/nmap-service-probes"

struct nmap_db {
	char *path;
	char *id;                  /* the file's "$Id: ... $" line, the closest it has to a version */
	struct nmap_probe *probes; /* in file order, the NULL probe among them */
	size_t n_probes;
	const struct nmap_probe *null_probe; /* may be NULL (a file without one) */
	struct portlist exclude;             /* ports never to probe */
	unsigned lines, n_matches, n_softmatches, n_services;
};

/* Loads path (at most 64 MiB). On error db is released and e names the file
 * and line: "FILE:LINE: what is wrong". Returns 0 or a negative error. */
int nmap_db_load(struct nmap_db *db, const char *path, struct dm_err *e);
void nmap_db_release(struct nmap_db *db);
const struct nmap_probe *nmap_db_probe(const struct nmap_db *db, enum proto proto, const char *name);
bool nmap_db_excludes(const struct nmap_db *db, enum proto proto, uint16_t port);
bool nmap_probe_has_port(const struct nmap_probe *p, uint16_t port, bool ssl);
/* Whether a match line of the probe can name service (nmap restricts the
 * probes it sends after a softmatch to those). */
bool nmap_probe_can_name(const struct nmap_probe *p, const char *service);

/* nmap's C-style escapes in probe strings and payloads: \\ \0 \a \b \f \n
 * \r \t \v \xHH; any other backslash sequence is an error. \0 is one NUL
 * byte, never an octal escape ("\012" is NUL, '1', '2'). Decodes n bytes of
 * in into out (room for n bytes); returns the length, or -1 with the offset
 * of the bad escape in *ret_bad. */
long nmap_unescape(const char *in, size_t n, uint8_t *out, size_t *ret_bad);

/* The probes to send to a port, likely ones first: the NULL probe (TCP),
 * then the probes that list the port in ports (or sslports when ssl),
 * whatever their rarity, in file order, then the others of rarity <=
 * intensity (0-9) by rarity, file order within one rarity. After a softmatch of service (non-NULL), only
 * probes that can name it are kept (all of them at intensity 9), as nmap
 * does. An excluded port gets none. Returns the count (at most max). */
size_t nmap_db_plan(const struct nmap_db *db, enum proto proto, uint16_t port, bool ssl, unsigned intensity,
		    const char *softmatched, const struct nmap_probe **ret, size_t max);

struct nmap_result {
	const struct nmap_match *match;
	const struct nmap_probe *section; /* the probe whose section holds the match */
	bool soft;
	char service[64];
	char fields[NMAP_NFIELDS][256]; /* empty when absent or when its template failed */
	char cpe[NMAP_MAX_CPE][256];    /* CPE 2.3 formatted strings */
	unsigned n_cpe;
	char source[96]; /* "nmap-service-probes:LINE" (the file's base name) */
};

/* Matches the response buf (len bytes) to probe: its own matches, then its
 * fallbacks', then the NULL probe's, each in file order. The first hard
 * match wins; without one, the first softmatch. Fills ret and returns true
 * on either. An expression that exceeds nmap's backtracking limits counts
 * as no match (as in nmap); after NMAP_MAX_LIMIT_HITS of them the response
 * is hostile or pathological and matching stops with what it has, which
 * bounds the cost of one response to a few milliseconds. Thread-safe. */
#define NMAP_MAX_LIMIT_HITS 16
bool nmap_db_match(const struct nmap_db *db, const struct nmap_probe *probe, const uint8_t *buf, size_t len,
		   struct nmap_result *ret);
/* The prefilters alone: false when m cannot match buf (then PCRE2 is not
 * asked); true when it may. */
bool nmap_match_may_match(const struct nmap_match *m, const uint8_t *buf, size_t len);

/* Expands one template against a match over subject (len bytes): ov holds
 * npairs start/end offsets as PCRE2 leaves them (unset groups PCRE2_UNSET,
 * i.e. SIZE_MAX). Knows literal text, $1..$9, $P(n) (printable bytes only),
 * $SUBST(n,"from","to") and $I(n,">") / $I(n,"<") (the group's 1-8 bytes as
 * a big- or little-endian unsigned number). In cpe: templates (cpe true) the
 * substituted text is lower-cased, spaces become '_' and URI-reserved
 * characters are %-encoded, as nmap does. Trailing white space and commas
 * are dropped. Returns 0, or -1 when a group is unset, a helper fails or out
 * (n bytes) is too small; out is then empty. With ov NULL it only checks the
 * syntax (the loader refuses a template that could never expand). */
int nmap_expand(const char *tmpl, const uint8_t *subject, size_t len, const size_t *ov, unsigned npairs,
		bool cpe, char *out, size_t n);

/* nmap-payloads: "udp PORTS "bytes" "more bytes" [source PORT]", strings
 * with the escapes above, split over lines at will, # comments. */
struct nmap_payload {
	uint16_t *ports;
	size_t n_ports;
	uint8_t *data;
	size_t len;
	unsigned line;
};

struct nmap_payloads {
	char *path;
	struct nmap_payload *v;
	size_t n;
};

int nmap_payloads_load(struct nmap_payloads *pl, const char *path, struct dm_err *e);
/* nmap keeps nmap-payloads beside nmap-service-probes: its path for probes'. */
void nmap_payloads_path(const char *probes, char *out, size_t n);
void nmap_payloads_release(struct nmap_payloads *pl);
/* The next payload after prev (NULL: the first) for port, or NULL. */
const struct nmap_payload *nmap_payloads_next(const struct nmap_payloads *pl, uint16_t port,
					      const struct nmap_payload *prev);

/* Parsers shared with nmap-payloads.c: a port list "21-25,53,80" into a
 * sorted unique array (the caller frees); 0 or -1 with a reason in why. */
int nmap_parse_ports(const char *s, uint16_t **ret, size_t *ret_n, const char **why);

/* The reader of nmap's UDP payload database (nmap-payloads): an entry is
 * "udp PORTS" and one or more quoted strings (nmap's escapes, concatenated,
 * free to span lines), then optional keywords whose data stays on their
 * line ("source 500"), which nmap itself ignores and so does dormant.
 * Written from the format description at the top of the file. */
#include "probe/nmap-probes.h"
#include "base/buf.h"
#include "base/util.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_FILE (16u << 20)
#define MAX_PAYLOAD 65507 /* the largest UDP datagram over IPv4 */

struct lex {
	const char *p, *end, *path;
	unsigned line;
	struct dm_err *e;
};

/* Skips white space, newlines and # comments. */
static void skip(struct lex *x)
{
	while (x->p < x->end) {
		if (*x->p == '\n')
			x->line++, x->p++;
		else if (isspace((unsigned char)*x->p))
			x->p++;
		else if (*x->p == '#')
			while (x->p < x->end && *x->p != '\n') x->p++;
		else
			break;
	}
}

static size_t word_len(const struct lex *x)
{
	size_t n = 0;
	while (x->p + n < x->end && !isspace((unsigned char)x->p[n]) && x->p[n] != '#') n++;
	return n;
}

/* A quoted string at x->p; its bytes are appended to b. */
static int string(struct lex *x, struct buf *b)
{
	const char *s = ++x->p;
	while (x->p < x->end && *x->p != '"' && *x->p != '\n')
		x->p += (*x->p == '\\' && x->p + 1 < x->end) ? 2 : 1;
	if (x->p >= x->end || *x->p != '"')
		return dm_fail(x->e, DM_EINPUT, "%s:%u: a payload string without its closing quote", x->path,
			       x->line);
	size_t n = (size_t)(x->p - s), bad = 0, w = 0;
	/* a string may hold an escaped quote, "Man: \"ssdp:discover\"" */
	char *text = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '"')
			i++;
		else if (s[i] == '\\' && i + 1 < n)
			text[w++] = s[i++];
		text[w++] = s[i];
	}
	text[w] = 0;
	uint8_t *tmp = xmalloc(w + 1);
	long l = nmap_unescape(text, w, tmp, &bad);
	if (l < 0) {
		int r = dm_fail(x->e, DM_EINPUT,
				"%s:%u: bad escape \"%.4s\" in a payload string (nmap knows \\\\ \\\" "
				"\\0 \\a \\b \\f \\n \\r \\t \\v \\xHH)",
				x->path, x->line, text + bad);
		free(text);
		free(tmp);
		return r;
	}
	free(text);
	x->p++;
	int r = b->len + (size_t)l > MAX_PAYLOAD ? DM_ETOOBIG : buf_append(b, tmp, (size_t)l);
	free(tmp);
	if (r < 0) return dm_fail(x->e, r, "%s:%u: a payload longer than a UDP datagram", x->path, x->line);
	return 0;
}

static int entry(struct lex *x, struct nmap_payloads *pl)
{
	unsigned line = x->line;
	x->p += 3; /* "udp" */
	skip(x);
	size_t wl = word_len(x);
	char *ports = strndup(x->p, wl);
	if (!ports) abort();
	x->p += wl;
	struct nmap_payload py = { .line = line };
	const char *why;
	int r = nmap_parse_ports(ports, &py.ports, &py.n_ports, &why);
	free(ports);
	if (r < 0 || !wl) {
		free(py.ports);
		return dm_fail(x->e, DM_EINPUT, "%s:%u: udp: %s", x->path, line,
			       wl ? why : "a port list must follow");
	}
	struct buf b = { .max = MAX_PAYLOAD + 1 };
	bool any = false;
	for (;;) {
		skip(x);
		if (x->p >= x->end || *x->p != '"') break;
		if ((r = string(x, &b)) < 0) goto fail;
		any = true;
	}
	if (!any) {
		r = dm_fail(x->e, DM_EINPUT, "%s:%u: udp %s: no payload string", x->path, line, "entry");
		goto fail;
	}
	/* keywords (source ...) and their data, up to the end of their line */
	while (x->p < x->end && *x->p != '"' && !(word_len(x) == 3 && !strncmp(x->p, "udp", 3))) {
		while (x->p < x->end && *x->p != '\n') x->p++;
		skip(x);
	}
	py.len = b.len;
	py.data = (uint8_t *)buf_detach(&b);
	pl->v = xrealloc(pl->v, (pl->n + 1) * sizeof(*pl->v));
	pl->v[pl->n++] = py;
	return 0;
fail:
	buf_release(&b);
	free(py.ports);
	return r;
}

int nmap_payloads_load(struct nmap_payloads *pl, const char *path, struct dm_err *e)
{
	memset(pl, 0, sizeof(*pl));
	struct buf b = BUF_INIT;
	int r = buf_read_file(&b, path, MAX_FILE, "an nmap-payloads file", e);
	if (r < 0) return r;
	pl->path = xstrdup(path);
	struct lex x = { .p = b.data, .end = b.data ? b.data + b.len : NULL, .path = path, .line = 1, .e = e };
	for (skip(&x); r == 0 && x.p < x.end; skip(&x)) {
		if (word_len(&x) == 3 && !strncmp(x.p, "udp", 3))
			r = entry(&x, pl);
		else
			r = dm_fail(e, DM_EINPUT,
				    "%s:%u: expected \"udp PORTS \\\"payload\\\"\", not \"%.*s\"", path,
				    x.line, (int)MIN(word_len(&x), 40), x.p);
	}
	buf_release(&b);
	if (r < 0) nmap_payloads_release(pl);
	return r;
}

void nmap_payloads_path(const char *probes, char *out, size_t n)
{
	const char *slash = strrchr(probes, '/');
	snprintf(out, n, "%.*snmap-payloads", slash ? (int)(slash + 1 - probes) : 0, probes);
}

void nmap_payloads_release(struct nmap_payloads *pl)
{
	for (size_t i = 0; i < pl->n; i++) free(pl->v[i].ports), free(pl->v[i].data);
	free(pl->v);
	free(pl->path);
	memset(pl, 0, sizeof(*pl));
}

const struct nmap_payload *nmap_payloads_next(const struct nmap_payloads *pl, uint16_t port,
					      const struct nmap_payload *prev)
{
	for (size_t i = prev ? (size_t)(prev - pl->v) + 1 : 0; i < pl->n; i++)
		for (size_t k = 0; k < pl->v[i].n_ports; k++)
			if (pl->v[i].ports[k] == port) return &pl->v[i];
	return NULL;
}

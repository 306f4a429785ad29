/* The password-table finder: walking, telling file types apart, and
 * streaming text through the prefilter and the structural detector. */
#include "creds/secrets.h"
#include "creds/secret-docs.h"
#include "creds/secret-files.h"
#include "creds/secret-sniff.h"
#include "creds/secret-rows.h"
#include "base/log.h"
#include "base/util.h"
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <iconv.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK (128u << 10) /* fits the L2 cache: read() copies into it, the prefilter reads it back */
#define MAX_LINE 65536     /* longer lines are cut: the detector looks at their start */
#define SNIFF 8192

struct secrets {
	struct secrets_opts o;
	struct secrets_stats st;
	struct prefilter *pf;
	char *chunk;
	uint64_t expand_left;
	struct secrets_reach reach; /* its arrays owned */
};

struct secrets_stats *secrets_stats_mut(struct secrets *s) { return &s->st; }
const struct secrets_stats *secrets_stats(const struct secrets *s) { return &s->st; }
const struct secrets_opts *secrets_opts(const struct secrets *s) { return &s->o; }
uint64_t *secrets_expand_left(struct secrets *s) { return &s->expand_left; }
const char *secrets_engine(const struct secrets *s) { return prefilter_engine_name(s->pf); }

struct secrets *secrets_new(const struct secrets_opts *o, struct dm_err *e)
{
	char why[256];
	struct prefilter *pf = prefilter_new(o->engine, why, sizeof(why));
	if (!pf) {
		dm_fail(e, DM_EINPUT, "%s", why);
		return NULL;
	}
	struct secrets *s = xcalloc(1, sizeof(*s));
	s->o = *o;
	s->pf = pf;
	s->chunk = xmalloc(CHUNK);
	return s;
}

static void note(const char ***v, size_t *n, const char *path)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(path);
}

/* a file or directory not read (whole): the findings' life leaves its own */
static void unread(struct secrets *s, const char *path) { note(&s->reach.unread, &s->reach.n_unread, path); }

const struct secrets_reach *secrets_reach(const struct secrets *s) { return &s->reach; }

void secrets_free(struct secrets *s)
{
	if (!s) return;
	for (size_t i = 0; i < s->reach.n_roots; i++) free((char *)s->reach.roots[i]);
	for (size_t i = 0; i < s->reach.n_unread; i++) free((char *)s->reach.unread[i]);
	free(s->reach.roots);
	free(s->reach.unread);
	prefilter_free(s->pf);
	free(s->chunk);
	free(s);
}

/* ---- text ---- */

struct lines {
	struct secret_unit *unit;
	struct key_scan keys;
	char *carry;
	size_t carry_n, line;
	bool cut;
};

static void one_line(struct lines *l, const char *p, size_t n)
{
	l->line++;
	secret_unit_line(l->unit, p, n, l->line);
	key_scan_line(&l->keys, p, n, l->line);
}

static void lines_feed(struct lines *l, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		if (l->carry_n || !nl) {
			size_t room = MAX_LINE - l->carry_n;
			if (take > room) l->cut = true;
			memcpy(l->carry + l->carry_n, p, MIN(take, room));
			l->carry_n += MIN(take, room);
			if (nl) {
				one_line(l, l->carry, l->carry_n);
				l->carry_n = 0;
			}
		} else {
			if (take > MAX_LINE) l->cut = true;
			one_line(l, p, MIN(take, (size_t)MAX_LINE));
		}
		if (!nl) break;
		n -= take + 1;
		p = nl + 1;
	}
}

static void lines_begin(struct lines *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->unit = secret_unit_new(path, true);
	l->carry = xmalloc(MAX_LINE);
}

static void lines_end(struct lines *l, const char *path, struct secret_items *out)
{
	if (l->carry_n) one_line(l, l->carry, l->carry_n);
	if (l->cut)
		log_info("secrets: %s: lines longer than %d bytes were read only in part", path, MAX_LINE);
	secret_unit_end(l->unit, out);
	key_scan_end(&l->keys, path, out);
	free(l->carry);
}

static void text_memory(struct secrets *s, const char *name, const char *d, size_t n,
			struct secret_items *out)
{
	prefilter_begin(s->pf);
	prefilter_feed(s->pf, d, n);
	if (!prefilter_end(s->pf)) return;
	s->st.candidates++;
	struct lines l;
	lines_begin(&l, name);
	lines_feed(&l, d, n);
	lines_end(&l, name, out);
}

/* A file: the prefilter over a streamed read, then, on a hit, a second
 * streamed read through the detector. Returns -errno on read errors. */
static int text_fd(struct secrets *s, const char *path, int fd, const char *head, size_t head_n,
		   struct secret_items *out)
{
	prefilter_begin(s->pf);
	prefilter_feed(s->pf, head, head_n);
	ssize_t r;
	while ((r = read(fd, s->chunk, CHUNK)) > 0) {
		s->st.bytes += (uint64_t)r;
		prefilter_feed(s->pf, s->chunk, (size_t)r);
	}
	if (r < 0) return -errno;
	if (!prefilter_end(s->pf)) return 0;
	s->st.candidates++;
	if (lseek(fd, 0, SEEK_SET) < 0) return -errno;
	struct lines l;
	lines_begin(&l, path);
	while ((r = read(fd, s->chunk, CHUNK)) > 0) lines_feed(&l, s->chunk, (size_t)r);
	lines_end(&l, path, out);
	return r < 0 ? -errno : 0;
}

/* UTF-16LE with a byte-order mark (Windows "Unicode text", regedit) to UTF-8. */
static char *utf16_to_utf8(const char *d, size_t n, size_t *outn)
{
	iconv_t cd = iconv_open("UTF-8", "UTF-16LE");
	if (cd == (iconv_t)-1) return NULL;
	size_t cap = n * 2 + 16, left = cap;
	char *out = xmalloc(cap), *o = out;
	char *in = (char *)d + 2;
	size_t inleft = n - 2;
	while (inleft && iconv(cd, &in, &inleft, &o, &left) == (size_t)-1) {
		if (errno != EILSEQ || inleft < 2) break;
		in += 2, inleft -= 2; /* an unpaired surrogate: skip it */
	}
	iconv_close(cd);
	*outn = (size_t)(o - out);
	return out;
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');
	const char *z = strrchr(p, '!');
	if (z && (!b || z > b)) b = z;
	return b ? b + 1 : p;
}

static bool is_zip(const char *d, size_t n)
{
	return n >= 4 && d[0] == 'P' && d[1] == 'K' && ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6));
}

static bool has_nul(const char *d, size_t n) { return memchr(d, 0, MIN(n, (size_t)SNIFF)) != NULL; }

/* What a file is: by its content first (secret-sniff.c), so that a store
 * saved under any name is read by its parser; by its name only for what
 * has no structure of its own to tell (a .env without a secret-named key,
 * an empty .netrc). */
static enum named_kind kind_of(const char *name, const char *head, size_t n)
{
	enum named_kind k = secret_sniff_kind(head, MIN(n, (size_t)SNIFF));
	return k != NK_NONE ? k : named_kind_of(base_name(name));
}

void secrets_scan_memory(struct secrets *s, const char *name, const char *d, size_t n, int depth,
			 struct secret_items *out)
{
	enum named_kind k = kind_of(name, d, n);
	if (n >= 2 && (unsigned char)d[0] == 0xff && (unsigned char)d[1] == 0xfe) {
		size_t un;
		char *u = utf16_to_utf8(d, n, &un);
		if (u) {
			k = kind_of(name, u, un);
			if (k != NK_NONE)
				named_scan(k, name, u, un, out);
			else
				text_memory(s, name, u, un, out);
			free(u);
		}
		return;
	}
	if (is_zip(d, n)) {
		if (depth >= s->o.max_depth) {
			s->st.archive_limits++;
			unread(s, name);
			log_warn("secrets: %s: archive nested deeper than %d levels, not opened", name,
				 s->o.max_depth);
			return;
		}
		docs_scan_zip(s, name, d, n, depth, out);
		return;
	}
	if (has_nul(d, n)) {
		s->st.skipped_binary++;
		return;
	}
	if (k != NK_NONE)
		named_scan(k, name, d, n, out);
	else
		text_memory(s, name, d, n, out);
}

/* Reads at most max bytes of fd into a new buffer (the file may grow). */
static char *slurp(int fd, const char *head, size_t head_n, uint64_t max, size_t *n)
{
	size_t cap = head_n + CHUNK, len = head_n;
	char *b = xmalloc(cap);
	memcpy(b, head, head_n);
	ssize_t r;
	for (;;) {
		if (len == cap) {
			cap *= 2;
			b = xrealloc(b, cap);
		}
		r = read(fd, b + len, MIN(cap - len, (size_t)(max - len + 1)));
		if (r <= 0) break;
		len += (size_t)r;
		if (len > max) break;
	}
	if (r < 0 || len > max) {
		free(b);
		return NULL;
	}
	*n = len;
	return b;
}

static void scan_file(struct secrets *s, const char *path, const struct stat *sb, struct secret_items *out)
{
	if (!S_ISREG(sb->st_mode)) {
		s->st.skipped_special++;
		return;
	}
	if ((uint64_t)sb->st_size > s->o.max_file) {
		s->st.skipped_size++;
		unread(s, path);
		log_info("secrets: %s: larger than %llu bytes, skipped", path,
			 (unsigned long long)s->o.max_file);
		return;
	}
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		s->st.unreadable++;
		unread(s, path);
		log_warn("secrets: %s: %s (skipped)", path, strerror(errno));
		return;
	}
	s->st.files++;
	char head[SNIFF];
	ssize_t hn = read(fd, head, sizeof(head));
	if (hn < 0) {
		s->st.unreadable++;
		unread(s, path);
		log_warn("secrets: %s: %s (skipped)", path, strerror(errno));
		return;
	}
	s->st.bytes += (uint64_t)hn;
	enum named_kind k = kind_of(path, head, (size_t)hn);
	bool utf16 = hn >= 2 && (unsigned char)head[0] == 0xff && (unsigned char)head[1] == 0xfe;
	if (k != NK_NONE || utf16 || is_zip(head, (size_t)hn)) {
		size_t n;
		char *d = slurp(fd, head, (size_t)hn, s->o.max_file, &n);
		if (!d) {
			s->st.unreadable++;
			unread(s, path);
			log_warn("secrets: %s: could not be read whole (skipped)", path);
			return;
		}
		s->st.bytes += n - (size_t)hn;
		s->expand_left = s->o.max_expand;
		secrets_scan_memory(s, path, d, n, 0, out);
		free(d);
		return;
	}
	if (has_nul(head, (size_t)hn)) {
		s->st.skipped_binary++;
		return;
	}
	int r = text_fd(s, path, fd, head, (size_t)hn, out);
	if (r < 0) {
		s->st.unreadable++;
		unread(s, path);
		log_warn("secrets: %s: %s (read in part)", path, strerror(-r));
	}
}

int secrets_scan_path(struct secrets *s, const char *path, struct secret_items *out, struct dm_err *e)
{
	struct stat sb;
	if (lstat(path, &sb) < 0) return dm_fail(e, DM_EINPUT, "%s: %s", path, strerror(errno));
	/* A root named on the command line may be a symbolic link: it is resolved here, once, and the
	 * walk goes on from its target (whose name the findings show); no link below it is followed. */
	_cleanup_free_ char *real = NULL;
	if (S_ISLNK(sb.st_mode)) {
		if (!(real = realpath(path, NULL)) || stat(real, &sb) < 0)
			return dm_fail(e, DM_EINPUT, "%s: %s", path, strerror(errno));
		path = real;
	}
	note(&s->reach.roots, &s->reach.n_roots, path);
	if (!S_ISDIR(sb.st_mode)) {
		scan_file(s, path, &sb, out);
		return 0;
	}
	char *const roots[] = { (char *)path, NULL };
	FTS *f = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	if (!f) return dm_fail(e, DM_EINPUT, "%s: %s", path, strerror(errno));
	FTSENT *ent;
	while ((ent = fts_read(f))) {
		switch (ent->fts_info) {
		case FTS_F: scan_file(s, ent->fts_path, ent->fts_statp, out); break;
		case FTS_DNR:
		case FTS_ERR:
		case FTS_NS:
			s->st.unreadable++;
			unread(s, ent->fts_path);
			log_warn("secrets: %s: %s (skipped)", ent->fts_path, strerror(ent->fts_errno));
			break;
		case FTS_SL:
		case FTS_SLNONE:
		case FTS_DEFAULT: s->st.skipped_special++; break;
		default: break;
		}
	}
	fts_close(f);
	return 0;
}

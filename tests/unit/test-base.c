/* base/: buffers, escaping, SipHash, errors, time formats. */
#include "test.h"
#include "base/sort-appended.h"
#include "base/buf.h"
#include "base/escape.h"
#include "base/safe-write.h"
#include "base/siphash.h"
#include "base/timeutil.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <libxml/parser.h>

static void buf_cap_is_enforced(void)
{
	struct buf b = { .max = 16 };
	CHECK_INT(buf_puts(&b, "0123456789"), 0);
	CHECK_INT(buf_puts(&b, "0123456789"), DM_ETOOBIG);
	CHECK_INT(b.len, 10);
	CHECK_STR(b.data, "0123456789");
	/* sticky: what fits is refused too once an append failed, until a reset */
	CHECK_INT(buf_printf(&b, "%d", 42), DM_ETOOBIG);
	CHECK_INT(buf_putc(&b, 'x'), DM_ETOOBIG);
	CHECK_STR(b.data, "0123456789");
	CHECK_INT(buf_error(&b), DM_ETOOBIG);
	buf_reset(&b);
	CHECK_INT(buf_error(&b), 0);
	CHECK_INT(buf_printf(&b, "%d", 42), 0);
	CHECK_STR(b.data, "42");
	buf_release(&b);
}

static void json_escapes_hostile_bytes(void)
{
	struct buf b = BUF_INIT;
	json_put_bytes(&b, "a\"b\\c\n\x01\xff\xc3\xa9", 10);
	CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\u0001\\u00ff\xc3\xa9\"");
	buf_reset(&b);
	json_put_str(&b, "\xe2\x82"); /* truncated UTF-8 sequence */
	CHECK_STR(b.data, "\"\\u00e2\\u0082\"");
	buf_reset(&b);
	json_put_str(
	    &b,
	    "\xc2\x9b\xe2\x80\xae\xe2\x81\xa9\xef\xbf\xbe"); /* C1 CSI, RLO, PDI escaped; U+FFFE is valid JSON */
	CHECK_STR(b.data, "\"\\u009b\\u202e\\u2069\xef\xbf\xbe\"");
	buf_release(&b);
}

static void xml_escapes_markup(void)
{
	struct buf b = BUF_INIT;
	xml_put_str(&b, "<a href='x'>&\"\x02");
	CHECK_STR(b.data, "&lt;a href=&apos;x&apos;&gt;&amp;&quot;\\x02");
	buf_release(&b);
}

static void siphash_matches_reference_vector(void)
{
	/* The SipHash paper's example: key 00..0f, message 00..0e. */
	struct sipkey k = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t msg[15];
	for (int i = 0; i < 15; i++) msg[i] = (uint8_t)i;
	CHECK(siphash24(&k, msg, 15) == 0xa129ca6149be45e5ULL);
	uint8_t empty = 0;
	CHECK(siphash24(&k, &empty, 0) == 0x726fdb47dd0e0e31ULL);
}

static void errors_have_names(void)
{
	CHECK_STR(dm_strerror(DM_EINPUT), "invalid input");
	CHECK_STR(dm_strerror(DM_EPUBLIC), "public address needs --allow-public");
	CHECK_STR(dm_strerror(-2), "No such file or directory");
	struct dm_err e;
	CHECK_INT(dm_fail(&e, DM_EINPUT, "x:%d", 3), DM_EINPUT);
	CHECK_STR(e.msg, "x:3");
}

static void time_formats(void)
{
	char s[40];
	fmt_rfc3339(1700000000.25, s, sizeof(s));
	CHECK_STR(s, "2023-11-14T22:13:20.250Z");
	fmt_duration(59.4, s, sizeof(s));
	CHECK_STR(s, "59s");
	fmt_duration(184, s, sizeof(s));
	CHECK_STR(s, "3m04s");
	fmt_duration(7800, s, sizeof(s));
	CHECK_STR(s, "2h10m");
}

/* Every class the terminal escaper must neutralise, and what it must keep. */
static void term_escapes_every_class(void)
{
	struct buf b = BUF_INIT;
	const char in[] = "ok\t\xc3\xa9\n"   /* tab, UTF-8, newline */
			  "\x1b]0;title\x07" /* OSC retitle with BEL */
			  "\x1b[2J\r\x7f"    /* CSI clear, CR, DEL */
			  "\xc2\x9b"
			  "\xc2\x85" /* C1: CSI, NEL */
			  "\xe2\x80\xae"
			  "\xe2\x81\xa6"              /* RLO, LRI */
			  "\xff\xed\xa0\x80\xe2\x82"; /* invalid byte, surrogate, truncated */
	CHECK_INT(term_put_bytes(&b, in, sizeof(in) - 1, false), 0);
	CHECK_STR(b.data,
		  "ok\t\xc3\xa9\\x0a\\x1b]0;title\\x07\\x1b[2J\\x0d\\x7f\\u{009B}\\u{0085}\\u{202E}\\u{2066}"
		  "\\xff\\xed\\xa0\\x80\\xe2\\x82");
	buf_reset(&b);
	term_put_bytes(&b, "a\nb", 3, true);
	CHECK_STR(b.data, "a\nb");
	/* escaping twice changes nothing: nested escaping streams are harmless */
	char *once = xstrdup(term_str(&b, in));
	CHECK_STR(term_str(&b, once), once);
	free(once);
	CHECK_STR(term_str(&b, NULL), "");
	buf_release(&b);
}

/* The escaping stream: a character split across two writes stays whole. */
static void term_stream_escapes_across_writes(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&out, &len);
	FILE *t = term_open(mem);
	fputs("x\xe2\x80", t);
	fflush(t);
	fputs("\xae\x1b[31m\xc3", t);
	CHECK_INT(term_close_stream(t), 0);
	fclose(mem);
	CHECK_STR(out, "x\\u{202E}\\x1b[31m\\xc3");
	free(out);
}

/* Parses text as an XML document: what xmllint --noout checks. */
static bool xml_well_formed(const char *text)
{
	xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "t.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlFreeDoc(doc);
	return doc != NULL;
}

static void xml_replaces_what_xml_forbids(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "<a v=\"");
	const char hostile[] =
	    "\xef\xbf\xbe|\xef\xbf\xbf|\x01|\x1b|\xff|\xed\xa0\x80|\xc2\x9b|\xe2\x80\xae|\r";
	xml_put_str(&b, hostile);
	buf_puts(&b, "\">");
	xml_put_str(&b, hostile);
	buf_puts(&b, "</a>");
	CHECK(xml_well_formed(b.data));
	CHECK(strstr(b.data,
		     "\\u{FFFE}|\\u{FFFF}|\\x01|\\x1b|\\xff|\\xed\\xa0\\x80|\\u{009B}|\\u{202E}|\\x0d") !=
	      NULL);
	buf_release(&b);
}

static void json_numbers_are_finite(void)
{
	struct buf b = BUF_INIT;
	json_put_num(&b, "%.1f", INFINITY);
	buf_putc(&b, ',');
	json_put_num(&b, "%.1f", NAN);
	buf_putc(&b, ',');
	json_put_num(&b, "%.1f", 9.81);
	CHECK_STR(b.data, "null,null,9.8");
	buf_release(&b);
}

/* A scratch directory for the safe-writer tests, emptied by rm_dir. */
static char *scratch(const char *tag)
{
	char *d = xmalloc(256);
	snprintf(d, 256, "/tmp/dormant-unit-%d-%s", (int)getpid(), tag);
	mkdir(d, 0700);
	return d;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *de; d && (de = readdir(d));)
		n += de->d_name[0] != '.' || (de->d_name[1] && strcmp(de->d_name, ".."));
	if (d) closedir(d);
	return n;
}

static char *slurp_file(const char *path)
{
	struct buf b = BUF_INIT;
	struct dm_err e;
	if (buf_read_file(&b, path, 1 << 20, "test", &e) < 0) return NULL;
	return buf_detach(&b);
}

static void rm_dir(char *dir)
{
	DIR *d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) unlinkat(dirfd(d), de->d_name, 0);
	if (d) closedir(d);
	rmdir(dir);
	free(dir);
}

static void safe_write_refuses_symlinks(void)
{
	char *dir = scratch("sw-link");
	char target[300], link[300];
	snprintf(target, sizeof(target), "%s/precious.conf", dir);
	snprintf(link, sizeof(link), "%s/report.html", dir);
	FILE *f = fopen(target, "w");
	fputs("keep me\n", f);
	fclose(f);
	CHECK_INT(symlink(target, link), 0);
	struct out_file o;
	struct dm_err e = { "" };
	CHECK_INT(out_open(&o, link, "--html", OUT_PRIVATE, &e), -ELOOP);
	CHECK(strstr(e.msg, "--html ") == e.msg &&
	      strstr(e.msg, "report.html: is a symbolic link; refusing to write through it"));
	CHECK(o.f == NULL);
	out_discard(&o); /* harmless after a failed open */
	char *kept = slurp_file(target);
	CHECK_STR(kept, "keep me\n");
	free(kept);
	CHECK_INT(count_entries(dir), 2); /* no temporary file left behind */
	CHECK_INT(out_open(&o, dir, "-o", OUT_PRIVATE, &e), -EISDIR);
	rm_dir(dir);
}

static void safe_write_replaces_on_commit_only(void)
{
	char *dir = scratch("sw-commit");
	char path[300];
	snprintf(path, sizeof(path), "%s/out.jsonl", dir);
	FILE *f = fopen(path, "w");
	fputs("old\n", f);
	fclose(f);
	mode_t old_mask = umask(022);
	struct out_file o;
	struct dm_err e = { "" };
	/* discarded: the old file stays, the temporary one goes */
	CHECK_INT(out_open(&o, path, "-oJ", OUT_PRIVATE, &e), 0);
	fputs("half", o.f);
	fflush(o.f);
	CHECK_INT(count_entries(dir), 2);
	char *s = slurp_file(path);
	CHECK_STR(s, "old\n");
	free(s);
	out_discard(&o);
	CHECK_INT(count_entries(dir), 1);
	s = slurp_file(path);
	CHECK_STR(s, "old\n");
	free(s);
	/* committed: replaced whole, with the mode asked for */
	for (int k = 0; k < 2; k++) {
		mode_t mode = k ? OUT_PUBLIC : OUT_PRIVATE;
		CHECK_INT(out_open(&o, path, "-oJ", mode, &e), 0);
		fputs("new\n", o.f);
		CHECK_INT(out_commit(&o, &e), 0);
		out_discard(&o); /* a no-op after commit */
		s = slurp_file(path);
		CHECK_STR(s, "new\n");
		free(s);
		struct stat st;
		CHECK_INT(stat(path, &st), 0);
		CHECK_INT(st.st_mode & 07777, mode);
		CHECK_INT(count_entries(dir), 1);
	}
	umask(old_mask);
	/* a device is written in place, not replaced */
	CHECK_INT(out_open(&o, "/dev/null", "-o", OUT_PRIVATE, &e), 0);
	fputs("x", o.f);
	CHECK_INT(out_commit(&o, &e), 0);
	struct stat st;
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	rm_dir(dir);
}

/* A monitor that refuses to rename but removes: the temporary file goes
 * through the hooks both ways, named by its path. */
static int refusing_rename(void *ctx, const char *tmp, const char *final)
{
	++*(int *)ctx;
	return strstr(final, "/map") && strstr(tmp, "/.map.") ? -EPERM : -EINVAL;
}

static int counting_unlink(void *ctx, const char *tmp)
{
	*(int *)ctx += 10;
	return unlink(tmp) < 0 ? -errno : 0;
}

static void safe_write_renamer_hook(void)
{
	char *dir = scratch("sw-hook");
	char path[300];
	snprintf(path, sizeof(path), "%s/map", dir);
	int calls = 0;
	out_set_hooks(&(struct out_hooks){ refusing_rename, counting_unlink, &calls });
	struct out_file o;
	struct dm_err e = { "" };
	CHECK_INT(out_open(&o, path, "--resume", OUT_PRIVATE, &e), 0);
	fputs("x", o.f);
	CHECK_INT(out_commit(&o, &e), -EPERM);
	out_set_hooks(NULL);
	CHECK_INT(calls, 11);
	CHECK(strstr(e.msg, "--resume ") == e.msg);
	CHECK_INT(count_entries(dir), 0); /* the temporary file is removed on failure */
	rm_dir(dir);
}

struct keyed {
	int key, seq; /* seq: the record's place before the sort */
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	return (a->key > b->key) - (a->key < b->key);
}

/* Stable (insertion): what a stable sort of the whole leaves. */
static void stable_sorted(struct keyed *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct keyed x = v[i];
		size_t j = i;
		for (; j && v[j - 1].key > x.key; j--) v[j] = v[j - 1];
		v[j] = x;
	}
}

static void sort_appended_is_a_stable_sort(void)
{
	unsigned seed = 7;
	for (int round = 0; round < 200; round++) {
		size_t sorted = (size_t)(round % 37), tail = (size_t)(round * 7 % 23), n = sorted + tail;
		struct keyed v[64], want[64];
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			v[i] = (struct keyed){ (int)(seed >> 16) % 9, (int)i }; /* few keys: many ties */
		}
		stable_sorted(v, sorted);
		memcpy(want, v, n * sizeof(*v));
		stable_sorted(want, n);
		sort_appended(v, n, sorted, sizeof(*v), cmp_keyed);
		for (size_t i = 0; i < n; i++) {
			CHECK_INT(v[i].key, want[i].key);
			CHECK_INT(v[i].seq, want[i].seq);
		}
	}
}

SUITE(suite_base, "base", T(buf_cap_is_enforced), T(json_escapes_hostile_bytes), T(xml_escapes_markup),
      T(siphash_matches_reference_vector), T(errors_have_names), T(time_formats), T(term_escapes_every_class),
      T(term_stream_escapes_across_writes), T(xml_replaces_what_xml_forbids), T(json_numbers_are_finite),
      T(safe_write_refuses_symlinks), T(safe_write_replaces_on_commit_only), T(safe_write_renamer_hook),
      T(sort_appended_is_a_stable_sort));

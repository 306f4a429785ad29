/* PCRE2 compilation, per-thread match state and the rewrite of nested
 * quantifiers, shared by the Recog and nmap fingerprint matchers. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "probe/pcre-util.h"
#include "base/buf.h"
#include "base/util.h"
#include <pcre2.h>
#include <string.h>

void *pcre_util_compile(const char *pattern, size_t len, uint32_t options, bool jit, char *err, size_t errlen,
			size_t *ret_offset)
{
	int code;
	PCRE2_SIZE off = 0;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)(pattern ? pattern : ""), len, options, &code, &off, NULL);
	if (!re) {
		if (err && errlen) pcre2_get_error_message(code, (PCRE2_UCHAR *)err, errlen);
		if (ret_offset) *ret_offset = off;
		return NULL;
	}
	/* A pattern the JIT cannot take (too large) still runs in the interpreter. */
	if (jit) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

void pcre_util_free(void *code) { pcre2_code_free(code); }

static __thread pcre2_match_data *tls_md;
static __thread pcre2_match_context *tls_mc, *tls_mc_tight;

static void init_thread(void)
{
	if (tls_md) return;
	tls_md = pcre2_match_data_create(64, NULL);
	tls_mc = pcre2_match_context_create(NULL);
	tls_mc_tight = pcre2_match_context_create(NULL);
	if (!tls_md || !tls_mc || !tls_mc_tight) abort(); /* exhaustion only */
	pcre2_set_match_limit(tls_mc, PCRE_UTIL_MATCH_LIMIT);
	pcre2_set_depth_limit(tls_mc, PCRE_UTIL_DEPTH_LIMIT);
	pcre2_set_match_limit(tls_mc_tight, PCRE_UTIL_TIGHT_MATCH_LIMIT);
	pcre2_set_depth_limit(tls_mc_tight, PCRE_UTIL_TIGHT_DEPTH_LIMIT);
}

void *pcre_util_match_data(void)
{
	init_thread();
	return tls_md;
}

void *pcre_util_match_context(void)
{
	init_thread();
	return tls_mc;
}

void *pcre_util_match_context_tight(void)
{
	init_thread();
	return tls_mc_tight;
}

void pcre_util_thread_end(void)
{
	pcre2_match_data_free(tls_md);
	pcre2_match_context_free(tls_mc);
	pcre2_match_context_free(tls_mc_tight);
	tls_md = NULL;
	tls_mc = tls_mc_tight = NULL;
}

/* Length of the bracket class starting at p ('['), or 0 if it does not close. */
static size_t class_len(const char *p)
{
	const char *q = p + 1;
	if (*q == '^') q++;
	if (*q == ']') q++; /* a leading ] is literal */
	while (*q && *q != ']') {
		if (*q == '\\' && q[1])
			q += 2;
		else if (*q == '[' && q[1] == ':' && strstr(q, ":]"))
			q = strstr(q, ":]") + 2;
		else
			q++;
	}
	return *q == ']' ? (size_t)(q + 1 - p) : 0;
}

/* Length of one single-character item at p (a literal, an escape that
 * stands for one character, '.', or a class), or 0 if p is anything else. */
static size_t single_char_len(const char *p)
{
	unsigned char c = (unsigned char)*p;
	if (c == '.') return 1;
	if (c == '[') return class_len(p);
	if (c == '\\') {
		char e = p[1];
		if (!e) return 0;
		if (strchr("dDwWsShHvVNtnrfae", e)) return 2;
		if (e == 'x') {
			if (p[2] == '{') {
				const char *close = strchr(p + 3, '}');
				return close ? (size_t)(close + 1 - p) : 0;
			}
			size_t n = 2;
			while (n < 4 && p[n] && strchr("0123456789abcdefABCDEF", p[n])) n++;
			return n;
		}
		if (e == '0') {
			size_t n = 2;
			while (n < 4 && p[n] >= '0' && p[n] <= '7') n++;
			return n;
		}
		if ((e == 'p' || e == 'P') && p[2] == '{') {
			const char *close = strchr(p + 3, '}');
			return close ? (size_t)(close + 1 - p) : 0;
		}
		if (e == 'c' && p[2] && (unsigned char)p[2] < 0x80) return 3;
		/* an escaped punctuation character is itself; letters and digits
		 * not listed above are assertions, references or multi-character */
		return (unsigned char)e < 0x80 &&
			       !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
			   ? 2
			   : 0;
	}
	if (c >= 0x80 || c < 0x20 || strchr("()[]{}|^$*+?", c)) return 0; /* UTF-8 sequences are left alone */
	return 1;
}

/* Backreferences make the continuation depend on the group's text, and \Q
 * quotes metacharacters: patterns with either are left as they are. */
static bool rewrite_is_safe(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			char e = p[1];
			if ((e >= '1' && e <= '9') || e == 'g' || e == 'k' || e == 'Q') return false;
			p++;
		} else if (*p == '(' && !strncmp(p, "(?P=", 4)) {
			return false;
		}
	}
	return true;
}

unsigned pcre_util_flatten_nested(const char *pattern, struct buf *out)
{
	unsigned n = 0;
	bool safe = rewrite_is_safe(pattern);
	for (const char *p = pattern; *p;) {
		if (*p == '\\' && p[1]) {
			buf_append(out, p, 2);
			p += 2;
			continue;
		}
		if (*p == '[') {
			size_t l = class_len(p);
			if (!l) {
				buf_puts(out, p);
				break;
			}
			buf_append(out, p, l);
			p += l;
			continue;
		}
		if (safe && *p == '(') {
			size_t open = !strncmp(p, "(?:", 3) ? 3 : (p[1] == '?' || p[1] == '*') ? 0 : 1;
			size_t x = open ? single_char_len(p + open) : 0;
			const char *q = p + open + x;
			/* (X+) not lazy or possessive, then a greedy * or + */
			if (x && q[0] == '+' && q[1] == ')' && (q[2] == '*' || q[2] == '+') && q[3] != '?' &&
			    q[3] != '+') {
				buf_append(out, p, (size_t)(q + 2 - p));
				if (q[2] == '*') buf_putc(out, '?');
				p = q + 3;
				n++;
				continue;
			}
		}
		buf_putc(out, *p++);
	}
	return n;
}

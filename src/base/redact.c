/* Redaction of secrets: first character, length and a short keyed tag
 * (HMAC-SHA-256 with the store's key), and the shareable form without the tag. */
#include "base/redact.h"
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* A context holding the keyed HMAC state; each tag works on a copy, so
 * threads may tag at once once the key is set. */
static EVP_MAC_CTX *keyed;
static pthread_once_t fallback_once = PTHREAD_ONCE_INIT;

static EVP_MAC_CTX *keyed_new(const unsigned char *key)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);
	OSSL_PARAM p[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
			   OSSL_PARAM_construct_end() };
	if (c && !EVP_MAC_init(c, key, REDACT_KEY_LEN, p)) {
		EVP_MAC_CTX_free(c);
		c = NULL;
	}
	return c;
}

void redact_set_key(const unsigned char key[REDACT_KEY_LEN])
{
	EVP_MAC_CTX *c = keyed_new(key);
	if (!c) return; /* the earlier key (or the fallback) stays: a tag is never unkeyed */
	EVP_MAC_CTX_free(keyed);
	keyed = c;
}

/* No store gave a key: one for this process only, never written anywhere. */
static void fallback_key(void)
{
	unsigned char k[REDACT_KEY_LEN];
	if (keyed || getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k)) return;
	keyed = keyed_new(k);
	memset(k, 0, sizeof(k));
}

void redact_hash(const void *s, size_t n, char out[REDACT_HASH_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0;
	pthread_once(&fallback_once, fallback_key);
	EVP_MAC_CTX *c = keyed ? EVP_MAC_CTX_dup(keyed) : NULL;
	if (!c || !EVP_MAC_update(c, s, n) || !EVP_MAC_final(c, md, &mdlen, sizeof(md)) || mdlen < 4)
		snprintf(out, REDACT_HASH_LEN, "????????");
	else
		snprintf(out, REDACT_HASH_LEN, "%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
	EVP_MAC_CTX_free(c);
}

/* Only a printable ASCII first character is shown; anything else is '*'. */
static char first_char(const void *s, size_t n)
{
	unsigned char c = n ? *(const unsigned char *)s : '*';
	return c > 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char)c : '*';
}

void redact_fmt(const void *s, size_t n, char *out, size_t len)
{
	char h[REDACT_HASH_LEN];
	redact_hash(s, n, h);
	if (!n)
		snprintf(out, len, "(empty)");
	else
		snprintf(out, len, "%c…(%zu) #%s", first_char(s, n), n, h);
}

void redact_json(struct buf *b, const void *s, size_t n)
{
	char h[REDACT_HASH_LEN];
	redact_hash(s, n, h);
	if (!n)
		buf_printf(b, "{\"first\":\"\",\"length\":0,\"tag\":\"%s\"}", h);
	else
		buf_printf(b, "{\"first\":\"%c\",\"length\":%zu,\"tag\":\"%s\"}", first_char(s, n), n, h);
}

int redact_mode_parse(const char *s)
{
	return !strcmp(s, "tag") ? REDACT_TAG : !strcmp(s, "full") ? REDACT_FULL : -1;
}

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/* The length of the redacted form redact_fmt made at p (its first
 * character), 0 if there is none; *digits and *ndigits name its length. */
static size_t redacted_at(const char *p, const char **digits, size_t *ndigits)
{
	static const char ell[] = "…(";
	if (!(p[0] > 0x20 && p[0] < 0x7f) || strncmp(p + 1, ell, sizeof(ell) - 1)) return 0;
	const char *d = p + 1 + sizeof(ell) - 1, *q = d;
	while (*q >= '0' && *q <= '9') q++;
	if (q == d || strncmp(q, ") #", 3)) return 0;
	for (int i = 0; i < 8; i++)
		if (!is_hex(q[3 + i])) return 0;
	*digits = d;
	*ndigits = (size_t)(q - d);
	return (size_t)(q + 3 + 8 - p);
}

bool redact_untag(char *s)
{
	bool changed = false;
	char *w = s;
	for (const char *r = s; *r;) {
		const char *d;
		size_t nd, k = redacted_at(r, &d, &nd);
		if (!k) {
			*w++ = *r++;
			continue;
		}
		/* "…(" and the digits move left over the first character; ")" closes */
		size_t head = strlen("…(");
		memmove(w, r + 1, head + nd);
		w += head + nd;
		*w++ = ')';
		r += k;
		changed = true;
	}
	*w = 0;
	return changed;
}

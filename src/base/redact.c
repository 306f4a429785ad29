/* Redaction of secrets: first character, length, short hash. */
#include "base/redact.h"
#include <openssl/evp.h>
#include <stdio.h>

void redact_hash(const void *s, size_t n, char out[REDACT_HASH_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (!EVP_Digest(s, n, md, &mdlen, EVP_sha256(), NULL) || mdlen < 4) {
		snprintf(out, REDACT_HASH_LEN, "????????");
		return;
	}
	snprintf(out, REDACT_HASH_LEN, "%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
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
	if (!n) snprintf(out, len, "(empty)");
	else snprintf(out, len, "%c…(%zu) #%s", first_char(s, n), n, h);
}

void redact_json(struct buf *b, const void *s, size_t n)
{
	char h[REDACT_HASH_LEN];
	redact_hash(s, n, h);
	if (!n) buf_printf(b, "{\"first\":\"\",\"length\":0,\"sha256\":\"%s\"}", h);
	else buf_printf(b, "{\"first\":\"%c\",\"length\":%zu,\"sha256\":\"%s\"}", first_char(s, n), n, h);
}

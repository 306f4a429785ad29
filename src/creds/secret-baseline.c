/* The --baseline of `dormant secrets` (secret-baseline.h). */
#include "creds/secret-baseline.h"
#include <ctype.h>
#include <string.h>

/* Fingerprints are 16 hex digits: every such run in the file counts, so
 * both an earlier -oJ output and a hand-written list work. */
int secret_baseline_load(const char *path, struct buf *set, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	int r = buf_read_file(&b, path, 64u << 20, "a baseline", e);
	if (r < 0) return r;
	for (size_t i = 0; i < b.len;) {
		size_t k = 0;
		while (i + k < b.len && isxdigit((unsigned char)b.data[i + k])) k++;
		if (k == 16) {
			buf_append(set, b.data + i, 16);
			buf_putc(set, '\n');
		}
		i += k ? k : 1;
	}
	buf_release(&b);
	return 0;
}

bool secret_baseline_has(const struct buf *set, const char *fp)
{
	for (size_t i = 0; i + 16 <= set->len; i += 17)
		if (!memcmp(set->data + i, fp, 16)) return true;
	return false;
}

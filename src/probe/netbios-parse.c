/* NetBIOS node status decoding (RFC 1002 4.2.18): the workstation name a
 * host holds. Every length is checked against the datagram. */
#include "probe/services.h"
#include "base/err.h"
#include <string.h>

int netbios_parse_nbstat(const uint8_t *p, size_t len, char name[16])
{
	name[0] = '\0';
	if (len < 12 || !(p[2] & 0x80) || !(p[6] << 8 | p[7])) return DM_EINPUT; /* a response with answers */
	size_t k = 12;
	for (unsigned q = (unsigned)(p[4] << 8 | p[5]); q; q--) { /* questions: a name, type and class */
		while (k < len && p[k] && (p[k] & 0xc0) != 0xc0) k += (size_t)p[k] + 1;
		k += k < len && p[k] ? 2 : 1;
		k += 4;
	}
	while (k < len && p[k] && (p[k] & 0xc0) != 0xc0) k += (size_t)p[k] + 1; /* the answer's name */
	k += k < len && p[k] ? 2 : 1;
	if (k + 11 > len || p[k] != 0x00 || p[k + 1] != 0x21) return DM_EINPUT; /* NBSTAT */
	size_t rdlen = (size_t)(p[k + 8] << 8 | p[k + 9]), n = p[k + 10];
	k += 11;
	if (rdlen < 1 || k - 1 + rdlen > len || 1 + 18 * n > rdlen) return DM_EINPUT;
	for (size_t i = 0; i < n; i++, k += 18) {
		const uint8_t *e = p + k;
		if (e[15] != 0x00 || e[16] & 0x80) continue; /* another service, or a group */
		size_t l = 15;
		while (l && e[l - 1] == ' ') l--;
		for (size_t j = 0; j < l; j++) name[j] = e[j] >= 0x20 && e[j] < 0x7f ? (char)e[j] : '?';
		name[l] = '\0';
		return l ? 0 : DM_EINPUT;
	}
	return DM_EINPUT;
}

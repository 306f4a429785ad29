/* Fuzz target: the distributions' security data as files bring it
 * (Debian's tracker JSON, Ubuntu's CVE JSON, Red Hat's CSAF VEX) through
 * the importers, and the same bytes as versions to order and banners to
 * read a build from. */
#include "fuzz.h"
#include "vuln/distro-build.h"
#include "vuln/feeds.h"
#include "vuln/pkg-version.h"
#include <string.h>

static int on_fix(void *ctx, const struct vuln_distro_fix *f, struct dm_err *e)
{
	(void)ctx;
	(void)e;
	/* what the importers hand over is whole */
	if (!f->distro || !f->release || !*f->release || !f->package || f->num < 0 || !f->status)
		__builtin_trap();
	if (f->status == DSTAT_FIXED && !distro_version_ok(f->fixed_version)) __builtin_trap();
	return 0;
}

static struct distro_tables tables;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20) return 0;
	struct vuln_sink sink = { .distro_fix = on_fix };
	struct feed_counts fc;
	struct dm_err e;
	feed_import_mem(data, size, "fuzz", &sink, &fc, &e);
	char *s = fuzz_cstr(data, size);
	/* two versions split at the first newline: the orderings are antisymmetric */
	char *nl = strchr(s, '\n');
	if (nl) {
		*nl = 0;
		int a = dpkg_version_cmp(s, nl + 1), b = dpkg_version_cmp(nl + 1, s);
		if ((a > 0) != (b < 0) || (a == 0) != (b == 0)) __builtin_trap();
		a = rpmvercmp(s, nl + 1), b = rpmvercmp(nl + 1, s);
		if (a != -b) __builtin_trap();
		*nl = '\n';
	}
	if (!tables.n_pkgs && distro_tables_load(&tables, &e) < 0) __builtin_trap();
	struct distro_build b;
	if (distro_build_parse(&tables, s, "openbsd", "openssh", "9.2p1", &b)) {
		char v[256];
		distro_build_version(&b, s, true, v, sizeof(v));
	}
	free(s);
	return 0;
}

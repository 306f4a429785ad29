/* Fuzz target: a fingerprint database file (user-supplied --fingerprints
 * directories are input too), then the input itself matched against it. */
#include "fuzz.h"
#include "probe/fingerprint.h"
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	if (!fuzz_file(data, size, "fp", path, sizeof(path))) return 0;
	struct fp_set set = { 0 };
	struct dm_err e;
	if (fp_set_load_file(&set, path, &e) == 0 && set.n) {
		struct fp_result r;
		fp_db_match(&set.dbs[0], (const char *)data, size, &r);
		struct fp_verify_stats st;
		fp_set_verify(&set, NULL, 0, &st);
	}
	fp_set_release(&set);
	unlink(path);
	return 0;
}

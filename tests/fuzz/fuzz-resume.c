/* Fuzz target: resume files (a scan must never trust one blindly). */
#include "fuzz.h"
#include "model/resultset.h"
#include "scan/resume.h"
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	if (!fuzz_file(data, size, "resume", path, sizeof(path))) return 0;
	struct resume rs;
	struct dm_err e;
	struct resultset res = { 0 };
	struct obs_sink sink = resultset_sink(&res);
	uint64_t seed = 1;
	if (resume_open(&rs, path, 0xabc, &seed, false, &sink, &e) == 0) {
		uint8_t map[8];
		resume_load_map(&rs, map, sizeof(map));
	}
	resume_close(&rs);
	resultset_release(&res);
	unlink(path);
	return 0;
}

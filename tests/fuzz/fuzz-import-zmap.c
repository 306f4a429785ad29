/* Fuzz target: import_zmap_csv (src/import/), the reader of other scanners' files. */
#include "fuzz-import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(import_zmap_csv, data, size);
}

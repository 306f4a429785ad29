/* libFuzzer entry point shared by the fuzz targets and the replay driver,
 * and the two ways targets hand the input to code that wants a string or a file. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string; the caller frees it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s) abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

/* Writes the input to a per-process file in /dev/shm named by tag; false if
 * it cannot. The caller unlinks path. */
static inline int fuzz_file(const uint8_t *data, size_t size, const char *tag, char *path, size_t n)
{
	snprintf(path, n, "/dev/shm/dormant-fuzz-%s-%d", tag, (int)getpid());
	FILE *f = fopen(path, "w");
	if (!f) return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	return 1;
}

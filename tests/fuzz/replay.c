/* Replays a fuzz corpus through a target in the ordinary (gcc, sanitizer)
 * test build, so every stored input stays a regression test. Arguments are
 * files or folders; prints "NAME: N inputs" and exits non-zero on none. */
#include "fuzz.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) return 0;
	uint8_t *buf = malloc(1 << 20);
	size_t n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 1;
}

int main(int argc, char **argv)
{
	int count = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) continue;
		if (!S_ISDIR(st.st_mode)) {
			count += run_file(argv[i]);
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.') continue;
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
			count += run_file(p);
		}
		if (d) closedir(d);
	}
	printf("%s: %d inputs\n", argv[0], count);
	return count ? 0 : 1;
}

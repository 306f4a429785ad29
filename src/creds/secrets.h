/* The password-table finder (`dormant secrets PATH...`): walks files and
 * directories, reads text, spreadsheets (XLSX, ODS), documents (DOCX, ODT),
 * archives (zip, within limits) and connection files, and reports stores
 * of credentials with every secret redacted. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "base/err.h"
#include "creds/secret-prefilter.h"
#include "model/secret.h"

struct secrets_opts {
	uint64_t max_file;   /* larger files are skipped and counted */
	uint64_t max_member; /* an archive member's uncompressed size cap */
	uint64_t max_expand; /* uncompressed bytes read from one top-level archive */
	int max_depth;       /* archives within archives */
	enum prefilter_engine engine;
};
#define SECRETS_OPTS_DEFAULT                                      \
	{                                                         \
		256ull << 20, 64ull << 20, 1ull << 30, 3, PF_AUTO \
	}

struct secrets_stats {
	uint64_t files, bytes, candidates; /* candidates: files the prefilter sent to the detector */
	uint64_t skipped_size, skipped_binary, skipped_special, unreadable;
	uint64_t archives, members, archive_limits, damaged;
};

struct secrets;
struct secrets *secrets_new(const struct secrets_opts *o, struct dm_err *e);
void secrets_free(struct secrets *s);
const char *secrets_engine(const struct secrets *s);
/* Scans one path (file or directory tree). Problems with single files are
 * warned about and counted; only a path that does not exist fails. */
int secrets_scan_path(struct secrets *s, const char *path, struct secret_items *out, struct dm_err *e);
/* Scans bytes as if they were a file of that name (tests, fuzzing, archive members). */
void secrets_scan_memory(struct secrets *s, const char *name, const char *data, size_t len, int depth,
			 struct secret_items *out);
const struct secrets_stats *secrets_stats(const struct secrets *s);
/* What the scans so far reached, for the findings' life: the roots as
 * walked (a symbolic link named resolved, as the findings name it) and what
 * under them was not read whole (unreadable, larger than --max-file-size,
 * read in part, an archive nested past --max-depth). Valid until
 * secrets_free. */
struct secrets_reach {
	const char **roots;
	size_t n_roots;
	const char **unread;
	size_t n_unread;
};
const struct secrets_reach *secrets_reach(const struct secrets *s);

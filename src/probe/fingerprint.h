/* Fingerprint databases in Recog's XML format and the matcher over them.
 * A database (one XML file) has a "matches" key naming what it matches
 * (ssh.banner, http_header.server, ...); each fingerprint is a regular
 * expression with params: fixed values (pos 0, may interpolate {other.param})
 * or capture groups (pos N). Recog's expressions are Ruby's: they are
 * translated for PCRE2 (see fingerprint.c) and compiled once, with JIT.
 * Loading is not thread-safe; matching is, with one match data per thread. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "base/err.h"

struct fp_param {
	unsigned pos; /* 0: fixed value; N: capture group N */
	char *name;   /* service.vendor, os.cpe23, hw.device ... */
	char *value;  /* fixed value, may hold {name} references; NULL for captures */
};

struct fp_example {
	char *text; /* decoded (base64 examples are stored decoded) */
	size_t len;
	char **attrs; /* name, value, name, value ...: the values the example must yield */
	size_t n_attrs;
};

struct fingerprint {
	char *pattern; /* as written in the database */
	char *description;
	void *code;     /* pcre2_code for bytes (binary or ASCII banners) */
	void *code_utf; /* pcre2_code in UTF mode, for UTF-8 banners */
	struct fp_param *params;
	size_t n_params;
	struct fp_example *examples;
	size_t n_examples;
	unsigned line; /* in its file, for messages */
};

struct fp_db {
	char *path;
	char *matches; /* the key callers look databases up by */
	char *protocol;
	double preference;
	struct fingerprint *fps;
	size_t n;
};

struct fp_set {
	struct fp_db *dbs;
	size_t n;
	uint64_t unsupported; /* fingerprints whose expression PCRE2 refused */
};

/* One name=value result of a match. */
struct fp_attr {
	const char *name;
	char value[256];
};

struct fp_result {
	const struct fingerprint *fp;
	const struct fp_db *db;
	struct fp_attr attrs[48];
	size_t n;
};

int fp_set_load_file(struct fp_set *set, const char *path, struct dm_err *e);
/* Loads every *.xml file of dir (not recursive). */
int fp_set_load_dir(struct fp_set *set, const char *dir, struct dm_err *e);
void fp_set_release(struct fp_set *set);
/* The databases whose matches key is key, in load order (later directories
 * added by the user come after dormant's own). */
const struct fp_db *fp_set_find(const struct fp_set *set, const char *key, size_t *iter);
/* First fingerprint of db that matches text; fills ret and returns true. */
bool fp_db_match(const struct fp_db *db, const char *text, size_t len, struct fp_result *ret);
/* Matches over every database with key; true on the first hit. */
bool fp_set_match(const struct fp_set *set, const char *key, const char *text, size_t len,
		  struct fp_result *ret);
const char *fp_result_get(const struct fp_result *r, const char *name);

struct fp_verify_stats {
	uint64_t dbs, fingerprints, examples, passed, failed, unsupported;
};
/* Checks every example of every fingerprint like Recog's verifier: the
 * example must match its own fingerprint and yield each expected value.
 * Failures are described on out (one line each, at most max_lines). */
void fp_set_verify(const struct fp_set *set, FILE *out, unsigned max_lines, struct fp_verify_stats *ret);

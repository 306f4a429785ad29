/* Versions seen in traffic, from Zeek: software.log (the servers Zeek
 * recognised, with their unparsed version), ssh.log (the server's version
 * line) and http.log (a `server` column, where the site logs the Server
 * header). TSV by its header or JSON lines, plain or gzip. Each record
 * becomes a passive service observation (flow/payload-sniff.h) of the
 * server's address and port at the record's time. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"
#include "flow/payload-sniff.h"

enum zeek_software_kind { ZS_NONE = 0, ZS_SOFTWARE, ZS_SSH, ZS_HTTP };

struct zeek_software_stats {
	uint64_t lines, records, damaged;
};

/* Which of the three logs the first bytes are (#path of a TSV log, or the
 * keys of the first JSON object); ZS_NONE for anything else (conn.log). */
enum zeek_software_kind zeek_software_kind(const uint8_t *head, size_t n);
int zeek_software_read_file(const char *path, struct payload_sniff *ps, struct zeek_software_stats *st,
			    struct dm_err *e);
/* The same over a buffer (tests, fuzzing). */
int zeek_software_read_mem(const char *name, const char *data, size_t len, struct payload_sniff *ps,
			   struct zeek_software_stats *st, struct dm_err *e);

/* Other scanners' results as observations: nmap XML (-oX, with -sV
 * services and scripts' output), masscan JSON (-oJ) and list (-oL), and
 * ZMap CSV. The format is told by the content, not the file name. Each
 * reader reports hosts, ports and services through an obs_sink, as the
 * scanner and the probes do, and fills what the file says about the scan
 * (scanner, command line, times). A bad record or a truncated file is an
 * error naming the file and the line (or byte) where it is. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"
#include "model/obs.h"
#include "net/ports.h"

enum import_format {
	IMPORT_UNKNOWN = 0,
	IMPORT_NMAP_XML,
	IMPORT_MASSCAN_JSON,
	IMPORT_MASSCAN_LIST,
	IMPORT_ZMAP_CSV
};

struct import_meta {
	enum import_format format;
	char scanner[16];                /* nmap, masscan, zmap */
	char version[32];                /* the scanner's, when the file says */
	char args[512];                  /* its command line, when the file records it */
	double start, end;               /* seconds since the epoch; 0: the file does not say */
	uint64_t hosts, ports, services; /* records reported */
	struct portlist scanned;         /* the ports probed (nmap's <scaninfo>); empty: not said */
};
void import_meta_release(struct import_meta *m);

/* The format of a file's first bytes. */
enum import_format import_detect(const char *data, size_t len);
/* "nmap XML", "masscan JSON", "masscan list", "ZMap CSV". */
const char *import_format_name(enum import_format f);

/* Reads one file's content (len bytes at data; name for messages) and
 * reports what it holds to sink. Returns 0, or a negative error whose
 * sentence in e names the file and the position. */
int import_read(const char *name, const char *data, size_t len, const struct obs_sink *sink,
		struct import_meta *meta, struct dm_err *e);

/* A sink into rs that merges what several records say about one port
 * (masscan reports an HTTP server's Server header, title and response
 * apart): later reports fill what earlier ones left empty. */
struct resultset;
struct obs_sink import_sink(struct resultset *rs);

/* The readers, for callers that know the format. */
int import_nmap_xml(const char *name, const char *data, size_t len, const struct obs_sink *sink,
		    struct import_meta *meta, struct dm_err *e);
int import_masscan_json(const char *name, const char *data, size_t len, const struct obs_sink *sink,
			struct import_meta *meta, struct dm_err *e);
int import_masscan_list(const char *name, const char *data, size_t len, const struct obs_sink *sink,
			struct import_meta *meta, struct dm_err *e);
int import_zmap_csv(const char *name, const char *data, size_t len, const struct obs_sink *sink,
		    struct import_meta *meta, struct dm_err *e);

/* The nmap side of `dormant fingerprint`: stats of nmap-service-probes and
 * one response matched against it, with the load and match times, so an
 * operator can see which database (and which Debian version of it) names
 * services and how long reading it takes. */
#include "cmd/fingerprint-nmap.h"
#include "cmd/opts.h"
#include "probe/nmap-probes.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <string.h>

int fingerprint_nmap_stats(const char *path, struct dm_err *e)
{
	struct nmap_db db;
	double t0 = now_mono();
	int r = nmap_db_load(&db, path, e);
	if (r < 0) return cmd_error("fingerprint", r, e);
	double t1 = now_mono();
	size_t tcp = 0, udp = 0;
	for (size_t i = 0; i < db.n_probes; i++) *(db.probes[i].proto == PROTO_TCP ? &tcp : &udp) += 1;
	printf("file: %s\n", db.path);
	printf("version: %s\n", db.id ? db.id : "(no $Id line)");
	printf("lines: %u\n", db.lines);
	printf("probes: %zu (%zu TCP, %zu UDP)\n", db.n_probes, tcp, udp);
	printf("matches: %u\n", db.n_matches);
	printf("softmatches: %u\n", db.n_softmatches);
	printf("services: %u\n", db.n_services);
	printf("load time: %.0f ms\n", (t1 - t0) * 1000);
	nmap_db_release(&db);
	char pp[4096];
	nmap_payloads_path(path, pp, sizeof(pp));
	struct nmap_payloads pl;
	struct dm_err pe;
	if (nmap_payloads_load(&pl, pp, &pe) == 0) {
		printf("udp payloads: %zu (%s)\n", pl.n, pp);
		nmap_payloads_release(&pl);
	} else {
		printf("udp payloads: none (%s)\n", pe.msg);
	}
	return EXIT_OK;
}

int fingerprint_nmap_match(const char *path, const char *probe, const char *text, struct dm_err *e)
{
	struct nmap_db db;
	int r = nmap_db_load(&db, path, e);
	if (r < 0) return cmd_error("fingerprint", r, e);
	enum proto proto = PROTO_TCP;
	if (!strncmp(probe, "UDP:", 4))
		proto = PROTO_UDP, probe += 4;
	else if (!strncmp(probe, "TCP:", 4))
		probe += 4;
	const struct nmap_probe *p = nmap_db_probe(&db, proto, probe);
	int code = EXIT_OK;
	size_t len = strlen(text), bad = 0;
	uint8_t *buf = xmalloc(len + 1);
	long n = nmap_unescape(text, len, buf, &bad);
	if (!p) {
		r = dm_fail(e, DM_EINPUT, "%s: no %s probe named \"%s\"", path, proto_name(proto), probe);
		code = cmd_error("fingerprint", r, e);
	} else if (n < 0) {
		r = dm_fail(e, DM_EINPUT,
			    "the response text: bad escape at character %zu (\\\\ \\0 \\n \\r \\t \\xHH ...)",
			    bad + 1);
		code = cmd_error("fingerprint", r, e);
	} else {
		struct nmap_result res;
		double t0 = now_mono();
		bool hit = nmap_db_match(&db, p, buf, (size_t)n, &res);
		double t1 = now_mono();
		if (!hit) {
			printf("no match\n");
			code = EXIT_FINDINGS;
		} else {
			static const char *names[NMAP_NFIELDS] = { "product",  "version", "info",
								   "hostname", "os",      "device" };
			FILE *t =
			    term_open(stdout); /* fields are captured from the response, a device's words */
			fprintf(t, "%s: %s%s\n", res.source, res.service, res.soft ? " (softmatch)" : "");
			for (int f = 0; f < NMAP_NFIELDS; f++)
				if (res.fields[f][0]) fprintf(t, "  %s = %s\n", names[f], res.fields[f]);
			for (unsigned k = 0; k < res.n_cpe; k++) fprintf(t, "  cpe = %s\n", res.cpe[k]);
			term_close_stream(t);
		}
		/* the first call pays for cold caches; a scan matches thousands */
		struct nmap_result again;
		for (int i = 0; i < 100; i++) nmap_db_match(&db, p, buf, (size_t)n, &again);
		double t2 = now_mono();
		fprintf(stderr, "match time: %.3f ms, then %.3f ms on average over 100 more\n",
			(t1 - t0) * 1000, (t2 - t1) * 10);
	}
	free(buf);
	nmap_db_release(&db);
	return code;
}

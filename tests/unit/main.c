/* Runs every unit suite; prints failures and "unit: N passed, N failed". */
#include "test.h"
#include <stdarg.h>
#include <stdlib.h>

extern const struct suite suite_base, suite_net, suite_packet, suite_model, suite_resume, suite_store,
    suite_report, suite_opts, suite_fingerprint, suite_probe, suite_oui, suite_cpe_version, suite_vuln,
    suite_flow, suite_traffic, suite_join, suite_creds, suite_engines, suite_nmap_probes, suite_privsep;
extern const struct suite suite_fetch;
extern const struct suite suite_passive;
extern const struct suite suite_webapps;
extern const struct suite suite_distro;
extern const struct suite suite_threats;
extern const struct suite suite_import;
extern const struct suite suite_probe_nmap;
extern const struct suite suite_exposure;
extern const struct suite suite_life;
extern const struct suite suite_netdev;
extern const struct suite suite_edge;
extern const struct suite suite_watch;
extern const struct suite suite_identity;
static const struct suite *const suites[] = {
	&suite_base,       &suite_net,         &suite_packet,   &suite_model,       &suite_resume,
	&suite_store,      &suite_report,      &suite_opts,     &suite_fingerprint, &suite_probe,
	&suite_oui,        &suite_cpe_version, &suite_vuln,     &suite_flow,        &suite_traffic,
	&suite_join,       &suite_creds,       &suite_engines,  &suite_nmap_probes, &suite_privsep,
	&suite_fetch,      &suite_webapps,     &suite_distro,   &suite_threats,     &suite_import,
	&suite_probe_nmap, &suite_passive,     &suite_exposure, &suite_life,        &suite_netdev,
	&suite_edge,       &suite_watch,       &suite_identity,
};

static int failures;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stdout, "    %s:%d: ", file, line);
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	failures++;
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		for (size_t i = 0; i < suites[s]->n; i++) {
			const struct test *t = &suites[s]->tests[i];
			if (only && !strstr(t->name, only) && strcmp(suites[s]->name, only)) continue;
			int before = failures;
			t->fn();
			bool ok = failures == before;
			printf("%s %s/%s\n", ok ? "ok  " : "FAIL", suites[s]->name, t->name);
			if (ok)
				passed++;
			else
				failed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

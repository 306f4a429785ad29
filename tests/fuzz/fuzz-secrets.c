/* Fuzz target: the password-table finder on one file's bytes. The first
 * byte picks the file name (and so the parser: text, zip/XLSX/ODS/DOCX,
 * .netrc, .pgpass, .env, .rdp, WinSCP.ini, FileZilla XML, .reg); the rest
 * is the file. Every item it reports must carry redacted values only. */
#include "fuzz.h"
#include "base/log.h"
#include "creds/secrets.h"
#include <string.h>

static const char *const names[] = { "t.csv", "book.xlsx", ".netrc",     ".pgpass",
				     ".env",  "a.rdp",     "WinSCP.ini", "sitemanager.xml",
				     "s.reg", "notes.txt", "id_rsa",     "a.zip" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct secrets *s;
	if (!s) {
		struct secrets_opts o = SECRETS_OPTS_DEFAULT;
		o.max_member = 1 << 20, o.max_expand = 4 << 20;
		log_level = LOG_QUIET;
		s = secrets_new(&o, NULL);
	}
	if (!size) return 0;
	struct secret_items out = { 0 };
	const char *name = names[data[0] % (sizeof(names) / sizeof(names[0]))];
	secrets_scan_memory(s, name, (const char *)data + 1, size - 1, 0, &out);
	for (size_t i = 0; i < out.n; i++) {
		if (!out.v[i].entries || !out.v[i].path) __builtin_trap();
		for (size_t k = 0; k < out.v[i].n_values; k++)
			if (!strstr(out.v[i].values[k], "#") && strcmp(out.v[i].values[k], "(empty)"))
				__builtin_trap();
	}
	secret_items_release(&out);
	return 0;
}

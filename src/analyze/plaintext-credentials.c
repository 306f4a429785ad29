/* plaintext-credentials: a file holding logins for other systems. Worse
 * the more systems it opens and the clearer its secrets: a table of client
 * administrator passwords on one laptop is how thousands of institutions
 * were entered, so a large table is critical. */
#include "analyze/credentials.h"
#include "analyze/evidence.h"
#include "base/escape.h"
#include "base/util.h"
#include <string.h>

static void list(struct buf *b, const char *key, char *const *v, size_t n)
{
	buf_printf(b, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i) buf_putc(b, ',');
		json_put_str(b, v[i]);
	}
	buf_putc(b, ']');
}

static enum severity severity_of(const struct secret_item *it)
{
	if (!strcmp(it->kind, "private-key")) return SEV_HIGH;
	if (it->obfuscated) return it->entries >= 20 ? SEV_HIGH : SEV_MEDIUM;
	if (it->entries >= 20 || it->hosts_total >= 10) return SEV_CRITICAL;
	if (it->entries >= 2) return SEV_HIGH;
	return SEV_MEDIUM;
}

static const char *remedy(const struct secret_item *it)
{
	if (!strcmp(it->kind, "private-key"))
		return "protect the key with a passphrase (ssh-keygen -p -f FILE) or move it to an agent or "
		       "token; "
		       "if the file was copied anywhere, replace the key on every server that trusts it";
	if (!strcmp(it->kind, "browser-export") || !strcmp(it->kind, "password-manager-export"))
		return "delete the export (and its copies in Downloads, backups and mail); change the "
		       "passwords it held "
		       "if the file ever left the machine";
	if (!strcmp(it->kind, "command-line-passwords"))
		return "remove the lines from the history file, change the passwords, and pass them through "
		       "a prompt, "
		       "an option file with mode 0600 or an agent instead of the command line";
	return "move these credentials into a password manager or vault, delete the file and its backups, "
	       "and "
	       "change every password it held: assume the file has been copied";
}

void plaintext_credentials(const struct secret_items *items, double now, struct findings *out)
{
	for (size_t i = 0; i < items->n; i++) {
		const struct secret_item *it = &items->v[i];
		struct buf ev = BUF_INIT;
		buf_putc(&ev, '{');
		ev_str(&ev, "kind", it->kind);
		ev_str(&ev, "what", it->what);
		ev_num(&ev, "entries", (double)it->entries);
		if (it->line) ev_num(&ev, "line", (double)it->line);
		ev_num(&ev, "hosts_total", (double)it->hosts_total);
		list(&ev, "hosts", it->hosts, it->n_hosts);
		list(&ev, "users", it->users, it->n_users);
		list(&ev, "values", it->values, it->n_values);
		if (it->obfuscated) ev_bool(&ev, "obfuscated", true);
		ev_str(&ev, "fingerprint", it->fingerprint);
		buf_putc(&ev, '}');
		struct finding f = { 0 };
		snprintf(f.rule, sizeof(f.rule), "plaintext-credentials");
		f.severity = severity_of(it);
		f.confidence = CONF_HIGH;
		f.score = (double)MIN(it->entries, (size_t)1000) + (double)it->hosts_total;
		if (it->hosts_total)
			snprintf(f.title, sizeof(f.title), "%s: %zu credential%s for %zu system%s", it->what,
				 it->entries, it->entries == 1 ? "" : "s", it->hosts_total,
				 it->hosts_total == 1 ? "" : "s");
		else
			snprintf(f.title, sizeof(f.title), "%s: %zu credential%s", it->what, it->entries,
				 it->entries == 1 ? "" : "s");
		f.evidence = buf_detach(&ev);
		f.remediation = xstrdup(remedy(it));
		f.path = xstrdup(it->path);
		f.first_seen = f.last_seen = now;
		findings_add(out, &f);
	}
}

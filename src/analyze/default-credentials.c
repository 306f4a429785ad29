/* default-credentials and anonymous-access from the login checks. A shell
 * or a camera's stream opened with a published default is how botnets
 * recruit devices: critical for shells, high for the rest. */
#include "analyze/credentials.h"
#include "analyze/evidence.h"
#include <string.h>

static const char *rem_default(const struct cred_result *r)
{
	if (!strcmp(r->check, "snmp"))
		return "change the community to a long random one, or move the agent to SNMPv3 with "
		       "authentication and "
		       "privacy; allow it only from the management network";
	if (!strcmp(r->check, "telnet"))
		return "change the password now, then turn telnet off (use SSH); a default telnet login is "
		       "how Mirai-type "
		       "botnets take devices over";
	return "change the password to a unique one (per device, kept in a vault), disable or rename the "
	       "default "
	       "account if the device allows it, and update the firmware";
}

static const char *rem_anon(const struct cred_result *r)
{
	if (!strcmp(r->check, "redis"))
		return "set requirepass or ACL users, bind Redis to the addresses that need it and turn "
		       "protected-mode on: "
		       "an open Redis lets anyone read the data and often run commands on the host";
	if (!strcmp(r->check, "mqtt"))
		return "set allow_anonymous false and give every client its own user and password (or "
		       "certificates)";
	if (!strcmp(r->check, "ftp"))
		return "turn anonymous FTP off (anonymous_enable=NO) unless the files are meant to be "
		       "public, and "
		       "then make it read-only and keep it away from internal data";
	if (!strcmp(r->check, "rtsp"))
		return "require a login for the camera's streams (RTSP authentication) and keep the camera "
		       "off networks "
		       "that do not need it";
	if (!strcmp(r->check, "telnet")) return "turn telnet off: it hands a shell to anyone who connects";
	return "require authentication for this service";
}

void credential_findings(const struct cred_results *rs, double now, struct findings *out)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct cred_result *r = &rs->v[i];
		if (r->outcome != CRED_DEFAULT && r->outcome != CRED_ANONYMOUS) continue;
		bool def = r->outcome == CRED_DEFAULT;
		bool shell = !strcmp(r->check, "telnet") || !strcmp(r->check, "ssh");
		enum severity sev = shell || (!def && !strcmp(r->check, "redis")) ? SEV_CRITICAL : SEV_HIGH;
		if (!def && !strcmp(r->check, "ftp")) sev = SEV_MEDIUM;
		struct buf ev = BUF_INIT;
		buf_putc(&ev, '{');
		ev_str(&ev, "service", r->service);
		ev_str(&ev, "check", r->check);
		ev_str(&ev, "method", r->method);
		if (r->identity[0]) ev_str(&ev, "device", r->identity);
		if (def) {
			ev_str(&ev, "user", r->user);
			ev_str(&ev, "password", r->pass_shown);
			ev_str(&ev, "vendor", r->vendor);
			ev_str(&ev, "source", r->source);
			ev_str(&ev, "database", r->db);
			ev_num(&ev, "database_line", (double)r->db_line);
		}
		ev_num(&ev, "attempts", r->attempts);
		if (r->configured) {
			ev_bool(&ev, "configured", true);
		} else {
			ev_bool(&ev, "negative_control_refused", def);
		}
		ev_str(&ev, "answer", r->detail);
		char title[256];
		if (def && !strcmp(r->check, "snmp"))
			snprintf(title, sizeof(title),
				 "snmp answers to a published default community (%s entry)", r->vendor);
		else if (def)
			snprintf(title, sizeof(title),
				 "%s logs in with a published default: user %s, %s entry (%s)", r->check,
				 r->user[0] ? r->user : "(none)", r->vendor, r->method);
		else
			snprintf(title, sizeof(title), "%s open without credentials (%s)", r->check,
				 r->detail);
		add_port_finding(out, def ? "default-credentials" : "anonymous-access", sev, def ? 10 : 8,
				 &r->ip, r->port, r->proto, title, &ev, def ? rem_default(r) : rem_anon(r),
				 now, now);
	}
}

/* Rule weak-tls: one finding per TLS service that shows known weaknesses
 * (model/tls-server.c judges them: expired or soon-expiring certificate,
 * self-signed or untrusted chain where users reach the service, SSLv3 or
 * TLS 1.0/1.1 accepted, RSA keys under 2048 bits, weak cipher suites),
 * with all of them as evidence. The severity is that of the worst, raised
 * for a service reachable from the internet (a publicly routed address the
 * site config does not call internal) and lowered for one only machines
 * and administrators reach. */
#include "analyze/assets.h"
#include "analyze/evidence.h"
#include "model/tls-server.h"
#include "base/escape.h"
#include "net/addr.h"
#include <stdio.h>
#include <string.h>

enum exposure_kind { EXP_INTERNAL, EXP_USERS, EXP_INTERNET };

/* Services people's clients talk to: web, mail, directory, remote desktop, SIP. */
static bool user_facing(const struct obs_service *s)
{
	static const uint16_t ports[] = { 443, 8443, 993, 995, 465, 587, 636, 990, 3389, 5061, 4443, 9443 };
	if (!strncmp(s->name, "https", 5) || !strcmp(s->name, "ssl/http")) return true;
	for (size_t i = 0; i < sizeof(ports) / sizeof(*ports); i++)
		if (s->port == ports[i]) return true;
	return false;
}

static enum exposure_kind exposure_of(const struct asset_view *v, const struct host_entry *h,
				      const struct obs_service *s, const char **why)
{
	/* outside the site's internal ranges is not yet the internet: a
	 * private, CGNAT or reserved address is not routed there (another
	 * site's, a partner's), and the address decides, not the list alone */
	const struct ipaddr *a = &h->h.ip;
	bool routed = a->family == AF_INET ? ipv4_is_public(a->v4) : ipv6_is_public(&a->v6);
	bool internal = site_is_internal(v->in->cfg, a);
	if (!internal && routed) {
		*why = "public address outside the site's internal ranges: reachable from the internet";
		return EXP_INTERNET;
	}
	const struct flow_use *u = asset_port_use(v, a, s->proto, s->port);
	if (!internal) {
		bool users = user_facing(s) || (u && u->peers >= 2);
		*why = users
			   ? "outside the site's internal ranges, on an address the internet does not route; "
			     "clients use it"
			   : "outside the site's internal ranges, on an address the internet does not route";
		return users ? EXP_USERS : EXP_INTERNAL;
	}
	if (u && u->peers >= 2) {
		*why = "several clients used it in the usage window";
		return EXP_USERS;
	}
	if (user_facing(s)) {
		*why = "a service people's clients reach (web, mail, directory, remote desktop)";
		return EXP_USERS;
	}
	*why = "internal, reached by machines or administrators only";
	return EXP_INTERNAL;
}

static void remediation(const struct tls_weakness *w, size_t n, const char *where, char *out, size_t cap)
{
	size_t len = (size_t)snprintf(out, cap, "On %s:", where);
	for (size_t i = 0; i < n && len < cap; i++) {
		const char *fix = "";
		const char *c = w[i].code;
		if (!strcmp(c, "expired") || !strcmp(c, "expires-soon"))
			fix = "renew the certificate (automate renewal, e.g. ACME)";
		else if (!strcmp(c, "self-signed") || !strcmp(c, "untrusted-chain"))
			fix = "install a certificate from the organisation's CA or a public CA, with its "
			      "intermediates";
		else if (!strcmp(c, "sslv3") || !strcmp(c, "tls1.0") || !strcmp(c, "tls1.1"))
			fix = "allow TLS 1.2 and 1.3 only (e.g. ssl_protocols / SSLProtocol / MinProtocol)";
		else if (!strcmp(c, "weak-key"))
			fix = "issue a new certificate with an RSA key of 2048 bits or more (or ECDSA P-256)";
		else if (!strcmp(c, "weak-suites"))
			fix = "remove RC4, 3DES, EXPORT, NULL and anonymous suites from the cipher list";
		bool dup = false;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(w[k].code, c) || (strstr(c, "tls1.") && strstr(w[k].code, "tls1.")) ||
			    (!strcmp(c, "sslv3") && strstr(w[k].code, "tls1.")) ||
			    (strstr(c, "tls1.") && !strcmp(w[k].code, "sslv3")) ||
			    (!strcmp(c, "expires-soon") && !strcmp(w[k].code, "expired")))
				dup = true;
		if (dup) continue;
		int k = snprintf(out + len, cap - len, "%s %s", i ? ";" : "", fix);
		if (k > 0) len += (size_t)k;
	}
	if (len < cap) snprintf(out + len, cap - len, ".");
}

static void one(const struct asset_view *v, const struct host_entry *h, const struct obs_service *s,
		struct findings *out)
{
	const char *why;
	enum exposure_kind ex = exposure_of(v, h, s, &why);
	struct tls_weakness w[TLS_WEAKNESS_MAX];
	size_t n = tls_server_weaknesses(&s->tls, v->in->now, ex != EXP_INTERNAL, w);
	if (!n) return;
	enum severity sev = w[0].severity;
	if (ex == EXP_INTERNET && sev < SEV_CRITICAL) sev++;
	if (ex == EXP_INTERNAL && sev > SEV_LOW) sev--;
	const char *proto = s->proto == PROTO_UDP ? "udp" : "tcp";
	char ip[IPADDR_STRLEN], where[96], title[256], rem[768], buf[96];
	ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
	snprintf(where, sizeof(where), "%s port %u/%s", ip, s->port, proto);
	snprintf(title, sizeof(title), "TLS on %u/%s (%s): %s%s%s", s->port, proto,
		 s->name[0] ? s->name : "tls", w[0].text, n > 1 ? " and more" : "",
		 s->passive ? " (seen passively)" : "");
	remediation(w, n, where, rem, sizeof(rem));
	struct buf b = BUF_INIT;
	buf_putc(&b, '{');
	ev_time(&b, "seen", s->ts);
	if (s->passive) ev_bool(&b, "passive", true);
	ev_str(&b, "service", s->name);
	ev_str(&b, "exposure", ex == EXP_INTERNET ? "internet" : ex == EXP_USERS ? "users" : "internal");
	ev_str(&b, "exposure_reason", why);
	struct buf a = BUF_INIT;
	buf_putc(&a, '[');
	for (size_t i = 0; i < n; i++) {
		buf_puts(&a, i ? ",{\"code\":" : "{\"code\":");
		json_put_str(&a, w[i].code);
		buf_puts(&a, ",\"severity\":");
		json_put_str(&a, severity_name(w[i].severity));
		buf_puts(&a, ",\"detail\":");
		json_put_str(&a, w[i].text);
		buf_putc(&a, '}');
	}
	buf_putc(&a, ']');
	ev_raw(&b, "weaknesses", a.data ? a.data : "[]");
	buf_release(&a);
	tls_version_names(s->tls.versions, buf, sizeof(buf));
	ev_str(&b, "versions_accepted", buf);
	tls_version_names(s->tls.tested, buf, sizeof(buf));
	ev_str(&b, "versions_tested", buf);
	if (s->tls.weak_tested) {
		tls_weak_names(s->tls.weak, buf, sizeof(buf));
		ev_str(&b, "weak_suites_accepted", buf);
	}
	if (s->tls.subject[0]) ev_str(&b, "subject", s->tls.subject);
	if (s->tls.issuer[0]) ev_str(&b, "issuer", s->tls.issuer);
	if (s->tls.not_after > 0) ev_time(&b, "not_after", s->tls.not_after);
	if (s->tls.key_bits > 0) {
		ev_str(&b, "key_type", s->tls.key_type);
		ev_num(&b, "key_bits", s->tls.key_bits);
	}
	if (s->tls.chain) ev_str(&b, "chain", s->tls.chain == TLS_CHAIN_TRUSTED ? "trusted" : "untrusted");
	if (s->tls.chain_error[0]) ev_str(&b, "chain_error", s->tls.chain_error);
	if (s->tls.sha256[0]) ev_str(&b, "sha256", s->tls.sha256);
	add_port_finding(out, "weak-tls", sev, (double)n, &h->h.ip, s->port, s->proto, title, &b, rem, s->ts,
			 s->ts);
}

int rule_weak_tls(const struct asset_view *v, struct findings *out)
{
	const struct resultset *rs = v->in->scan;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *h = &rs->hosts[i];
		for (size_t j = 0; j < h->n_svcs; j++)
			if (h->svcs[j].tls.present) one(v, h, &h->svcs[j], out);
	}
	return 0;
}

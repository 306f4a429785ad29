/* Judges a TLS server from its observation: which of the known weaknesses
 * (old protocol versions, weak suites, small keys, expired or untrusted
 * certificates) it shows, each with the severity it has on its own. */
#include "model/tls-server.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static void names(unsigned bits, const char *const *v, size_t n_v, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < n_v; i++)
		if (bits & (1u << i)) {
			int k = snprintf(out + len, n - len, "%s%s", len ? ", " : "", v[i]);
			if (k < 0 || (size_t)k >= n - len) break;
			len += (size_t)k;
		}
}

void tls_weak_names(unsigned bits, char *out, size_t n)
{
	static const char *const v[] = { "RC4", "3DES", "EXPORT", "NULL", "anonymous" };
	names(bits, v, sizeof(v) / sizeof(*v), out, n);
}

void tls_version_names(unsigned bits, char *out, size_t n)
{
	static const char *const v[] = { "SSLv3", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3" };
	names(bits, v, sizeof(v) / sizeof(*v), out, n);
}

static void day(double t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%d", &tm)) snprintf(out, n, "?");
}

static struct tls_weakness *add(struct tls_weakness *out, size_t *n, const char *code, enum severity s)
{
	struct tls_weakness *w = &out[(*n)++];
	w->code = code;
	w->severity = s;
	w->text[0] = 0;
	return w;
}

/* Worst first, keeping the order above among equals (insertion sort: stable, few items). */
static void sort_worst_first(struct tls_weakness *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct tls_weakness x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1].severity < x.severity; j--) v[j] = v[j - 1];
		v[j] = x;
	}
}

size_t tls_server_weaknesses(const struct obs_tls *t, double now, bool trust_matters,
			     struct tls_weakness *out)
{
	size_t n = 0;
	char d[16];
	if (!t->present) return 0;
	if (t->not_after > 0) {
		double left = (t->not_after - now) / 86400.0;
		day(t->not_after, d, sizeof(d));
		if (left < 0)
			snprintf(add(out, &n, "expired", SEV_HIGH)->text, sizeof(out->text),
				 "certificate expired on %s (%.0f days ago)", d, -left);
		else if (left <= TLS_EXPIRY_WARN_DAYS)
			snprintf(add(out, &n, "expires-soon", SEV_LOW)->text, sizeof(out->text),
				 "certificate expires on %s (in %.0f days)", d, left);
	}
	if (trust_matters && t->self_signed)
		snprintf(add(out, &n, "self-signed", SEV_MEDIUM)->text, sizeof(out->text),
			 "self-signed certificate: clients cannot tell it from an impostor's");
	else if (trust_matters && t->chain == TLS_CHAIN_UNTRUSTED)
		snprintf(add(out, &n, "untrusted-chain", SEV_MEDIUM)->text, sizeof(out->text),
			 "certificate chain not trusted by the system store (%.80s)", t->chain_error);
	if (t->versions & TLS_V_SSL3)
		snprintf(add(out, &n, "sslv3", SEV_HIGH)->text, sizeof(out->text),
			 "accepts SSLv3 (POODLE; no client should need it)");
	if (t->versions & TLS_V_10)
		snprintf(add(out, &n, "tls1.0", SEV_MEDIUM)->text, sizeof(out->text),
			 "accepts TLS 1.0 (deprecated by RFC 8996)");
	if (t->versions & TLS_V_11)
		snprintf(add(out, &n, "tls1.1", SEV_MEDIUM)->text, sizeof(out->text),
			 "accepts TLS 1.1 (deprecated by RFC 8996)");
	if (t->key_bits > 0 && (!strcmp(t->key_type, "RSA") || !strcmp(t->key_type, "DSA")) &&
	    t->key_bits < 2048)
		snprintf(add(out, &n, "weak-key", t->key_bits < 1024 ? SEV_HIGH : SEV_MEDIUM)->text,
			 sizeof(out->text), "%s key of %d bits (2048 at least)", t->key_type, t->key_bits);
	if (t->weak) {
		char w[64];
		tls_weak_names(t->weak, w, sizeof(w));
		bool broken = t->weak & (TLS_WEAK_EXPORT | TLS_WEAK_NULL | TLS_WEAK_ANON);
		snprintf(add(out, &n, "weak-suites", broken ? SEV_HIGH : SEV_MEDIUM)->text, sizeof(out->text),
			 "accepts weak cipher suites: %s", w);
	}
	sort_worst_first(out, n);
	return n;
}

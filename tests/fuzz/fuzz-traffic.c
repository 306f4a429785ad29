/* Fuzz target: the traffic rules, the site config and the asset register
 * (the whole input is also read as an inventory CSV and as JSON, and as
 * a DHCP lease file). The input's first
 * bytes up to a NUL are a site config (INI, parsed from memory); the rest is
 * read as 40-byte flow records (addresses from small pools so that hosts,
 * peers and segments repeat; times within a few days; sizes and flags as
 * given). Every rule runs over them, then the hourly summaries; nothing
 * may crash, hang or leave a finding without its evidence. */
#include "fuzz.h"
#include "analyze/traffic.h"
#include "model/inventory.h"
#include "model/leases.h"
#include "base/log.h"
#include <string.h>

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++) v = v << 8 | p[i];
	return v;
}

static bool geo(void *ctx, const struct ipaddr *a, char cc[3])
{
	(void)ctx;
	static const char *const codes[] = { "CN", "DE", "US", "NL" };
	if (a->family != AF_INET || (a->v4 & 3) == 3) return false;
	memcpy(cc, codes[a->v4 & 3], 3);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16) return 0;
	log_level = LOG_QUIET;
	struct inventory inv = { 0 };
	struct dm_err ie = { "" };
	if (inventory_parse_csv("fuzz.csv", (const char *)data, size, &inv, &ie) < 0 && (!ie.msg[0] || inv.n))
		__builtin_trap();
	for (size_t i = 1; i < inv.n; i++)
		if (ipaddr_cmp(&inv.v[i - 1].ip, &inv.v[i].ip) >= 0)
			__builtin_trap(); /* sorted, no duplicates */
	inventory_release(&inv);
	ie = (struct dm_err){ "" };
	if (inventory_parse_json("fuzz.json", (const char *)data, size, &inv, &ie) < 0 &&
	    (!ie.msg[0] || inv.n))
		__builtin_trap();
	for (size_t i = 1; i < inv.n; i++)
		if (ipaddr_cmp(&inv.v[i - 1].ip, &inv.v[i].ip) >= 0) __builtin_trap();
	inventory_release(&inv);
	struct leases ls = { 0 };
	ie = (struct dm_err){ "" };
	if (leases_parse(&ls, "fuzz.leases", (const char *)data, size, &ie) < 0 && (!ie.msg[0] || ls.n))
		__builtin_trap();
	for (size_t i = 1; i < ls.n; i++)
		if (ipaddr_cmp(&ls.v[i - 1].ip, &ls.v[i].ip) > 0) __builtin_trap();
	leases_release(&ls);
	const uint8_t *nul = memchr(data, 0, size);
	size_t clen = nul ? (size_t)(nul - data) : 0;
	struct site_config cfg;
	site_config_defaults(&cfg);
	char *text = strndup((const char *)data, clen);
	struct dm_err e = { "" };
	bool ok = site_config_parse(&cfg, text, "fuzz.conf", &e) == 0;
	free(text);
	if (!ok) {
		if (!e.msg[0]) __builtin_trap(); /* an error always says why */
		site_config_release(&cfg);
		site_config_defaults(&cfg);
		cfg.n_home = 1;
		memcpy(cfg.home[0], "CN", 3);
	}
	cfg.window_days = cfg.window_days > 2 ? 2 : cfg.window_days;
	struct flowset fs;
	flowset_init(&fs);
	static const char *const names[] = { NULL, "a.example", "b.example", "update.example" };
	for (size_t off = clen + (nul != NULL); off + 40 <= size; off += 40) {
		const uint8_t *p = data + off;
		struct obs_flow f = { .entropy = -1 };
		/* 10.0.0.x inside, 91.0.0.x and 10.20.0.x outside/protected */
		uint32_t s = (uint32_t)p[0], d = (uint32_t)p[1];
		f.src = ipaddr_v4((s & 128 ? 0x5b000000u : 0x0a000000u) | (s & 15));
		f.dst = ipaddr_v4((d & 128 ? 0x5b000000u : d & 64 ? 0x0a140000u : 0x0a000000u) | (d & 63));
		f.proto = p[2] & 1 ? 17 : 6;
		f.sport = (uint16_t)get(p + 3, 2);
		f.dport = (uint16_t)get(p + 5, 2);
		f.start = 1.7e9 + (double)get(p + 7, 3) * 0.5;
		f.end = f.start + (double)get(p + 10, 2) * 0.01;
		f.bytes_out = get(p + 12, 5);
		f.bytes_in = get(p + 17, 5);
		f.pkts_out = get(p + 22, 3);
		f.pkts_in = get(p + 25, 3);
		f.flags_out = p[28];
		f.flags_in = p[29];
		f.app = p[30] & 1 ? "tls" : p[30] & 2 ? "ssh" : p[30] & 4 ? "dns" : NULL;
		f.sni = names[p[31] & 3];
		f.entropy = p[32] & 1 ? (int)(p[33] % 81) : -1;
		flowset_add(&fs, &f);
	}
	flowset_annotate(&fs, &cfg, geo, NULL);
	struct traffic_input in = { &cfg, &fs, NULL };
	struct findings out = { 0 };
	if (analyze_traffic(&in, NULL, &out) < 0) __builtin_trap();
	for (size_t i = 0; i < out.n; i++)
		if (!out.v[i].evidence || out.v[i].evidence[0] != '{' || !out.v[i].remediation ||
		    !out.v[i].title[0])
			__builtin_trap();
	struct flow_hour *h;
	size_t n = flowset_hours(&fs, &h);
	for (size_t i = 1; i < n; i++)
		if (h[i].hour < 0) __builtin_trap();
	free(h);
	findings_release(&out);
	flowset_release(&fs);
	site_config_release(&cfg);
	return 0;
}

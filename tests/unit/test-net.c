/* net/: targets, exclusions and safety classes, ports, permutation, ranges. */
#include "test.h"
#include "base/util.h"
#include "net/oui.h"
#include "net/permute.h"
#include "net/ports.h"
#include "net/targets.h"
#include <stdlib.h>

static struct targets tg(const char *const *specs, size_t n, const char *excl, bool pub, int *ret,
			 struct dm_err *e)
{
	struct targets t = { 0 };
	*ret = 0;
	for (size_t i = 0; i < n && *ret == 0; i++) *ret = targets_add(&t, specs[i], "arg", e);
	if (*ret == 0 && excl) *ret = targets_exclude(&t, excl, "--exclude", e);
	if (*ret == 0) *ret = targets_finalize(&t, pub, e);
	return t;
}

static void cidr_ranges_and_patterns(void)
{
	struct dm_err e;
	int r;
	const char *s1[] = { "198.18.0.0/24", "198.18.1.5-198.18.1.9", "198.18.2.1-3", "198.18.3-4.0-1,7" };
	struct targets t = tg(s1, 4, NULL, false, &r, &e);
	CHECK_INT(r, 0);
	CHECK_INT(targets_count(&t), 256 + 5 + 3 + 6);
	CHECK(rangeset_contains(&t.v4, 0xc6120407)); /* 198.18.4.7 */
	CHECK(!rangeset_contains(&t.v4, 0xc6120402));
	targets_release(&t);
	const char *s2[] = { "10.1.2.3/8" }; /* host bits are masked like nmap does */
	t = tg(s2, 1, NULL, false, &r, &e);
	CHECK_INT(targets_count(&t), 1u << 24);
	targets_release(&t);
}

static void exclusions_always_win(void)
{
	struct dm_err e;
	int r;
	const char *s[] = { "198.18.0.0/24" };
	struct targets t = tg(s, 1, "198.18.0.128/25", false, &r, &e);
	CHECK_INT(targets_count(&t), 128);
	CHECK(!rangeset_contains(&t.v4, 0xc6120080));
	CHECK(targets_is_excluded_v4(&t, 0xc61200ff));
	targets_release(&t);
	const char *all[] = { "198.18.0.5" };
	t = tg(all, 1, "198.18.0.0/16", false, &r, &e);
	CHECK_INT(r, DM_EEMPTY); /* resolving to nothing is an error, not a no-op */
	CHECK(strstr(e.msg, "no address") != NULL);
	targets_release(&t);
}

static void public_needs_flag_and_multicast_never(void)
{
	struct dm_err e;
	int r;
	const char *pub[] = { "10.0.0.1", "8.8.8.0/30" };
	struct targets t = tg(pub, 2, NULL, false, &r, &e);
	CHECK_INT(r, DM_EPUBLIC);
	CHECK(strstr(e.msg, "8.8.8.0/30") && strstr(e.msg, "8.8.8.0 is a public address"));
	targets_release(&t);
	t = tg(pub, 2, NULL, true, &r, &e);
	CHECK_INT(r, 0);
	CHECK_INT(targets_count(&t), 5);
	targets_release(&t);
	const char *mc[] = { "224.0.0.1", "239.255.255.250", "255.255.255.255" };
	t = tg(mc, 3, NULL, true, &r, &e);
	CHECK_INT(r, DM_EEMPTY);
	CHECK_INT(t.removed_never, 3);
	targets_release(&t);
	const char *v6[] = { "::1", "fd00::/126", "ff02::1" };
	t = tg(v6, 3, NULL, false, &r, &e);
	CHECK_INT(r, 0);
	CHECK_INT(t.n_v6, 5);
	targets_release(&t);
	const char *v6pub[] = { "2a00:1450::1" };
	t = tg(v6pub, 1, NULL, false, &r, &e);
	CHECK_INT(r, DM_EPUBLIC);
	targets_release(&t);
}

static void bad_targets_name_the_input(void)
{
	struct dm_err e;
	struct targets t = { 0 };
	CHECK_INT(targets_add(&t, "198.18.0.0/33", "target 2", &e), DM_EINPUT);
	CHECK_STR(e.msg, "target 2: \"198.18.0.0/33\": prefix length must be 0-32");
	CHECK_INT(targets_add(&t, "198.18.0.300", "target 1", &e), DM_EINPUT);
	CHECK_INT(targets_add(&t, "198.18.0.9-198.18.0.1", "x", &e), DM_EINPUT);
	CHECK(strstr(e.msg, "ends before it starts") != NULL);
	CHECK_INT(targets_add(&t, "fd00::/64", "x", &e), DM_ETOOBIG);
	CHECK_INT(targets_add(&t, "", "x", &e), DM_EINPUT);
	CHECK_INT(targets_add_file(&t, "/nonexistent/list", false, &e), -2);
	targets_release(&t);
}

static void port_lists(void)
{
	struct portlist pl = { 0 };
	struct dm_err e;
	CHECK_INT(portlist_parse(&pl, "22,80,8000-8002,80,U:161,T:443", PROTO_TCP, &e), 0);
	CHECK_INT(pl.n_tcp, 6);
	CHECK_INT(pl.tcp[0], 22);
	CHECK_INT(pl.tcp[5], 8002);
	CHECK_INT(pl.n_udp, 1);
	CHECK_INT(pl.udp[0], 161);
	portlist_release(&pl);
	CHECK_INT(portlist_parse(&pl, "-", PROTO_TCP, &e), 0);
	CHECK_INT(pl.n_tcp, 65535);
	portlist_release(&pl);
	CHECK_INT(portlist_parse(&pl, "ssh,http", PROTO_TCP, &e), 0);
	CHECK_INT(pl.n_tcp, 2);
	portlist_release(&pl);
	CHECK_INT(portlist_parse(&pl, "0", PROTO_TCP, &e), DM_EINPUT);
	CHECK_INT(portlist_parse(&pl, "22,", PROTO_TCP, &e), DM_EINPUT);
	CHECK_INT(portlist_parse(&pl, "90-80", PROTO_TCP, &e), DM_EINPUT);
	CHECK_INT(portlist_parse(&pl, "22,x y", PROTO_TCP, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "offset 3") != NULL);
	portlist_release(&pl);
}

static void top_ports_are_ranked_and_unique(void)
{
	struct portlist pl = { 0 };
	struct dm_err e;
	CHECK_INT(portlist_add_top(&pl, 1000, PROTO_TCP, &e), 0);
	CHECK_INT(pl.n_tcp, 1000);
	bool has80 = false, has554 = false, has37777 = false;
	for (size_t i = 0; i < pl.n_tcp; i++) {
		has80 |= pl.tcp[i] == 80, has554 |= pl.tcp[i] == 554, has37777 |= pl.tcp[i] == 37777;
		if (i) CHECK(pl.tcp[i] > pl.tcp[i - 1]);
	}
	CHECK(has80 && has554 && has37777);
	portlist_release(&pl);
	CHECK_INT(portlist_add_top(&pl, 3, PROTO_TCP, &e), 0);
	CHECK_INT(pl.n_tcp, 3); /* 80, 23, 443 sorted */
	CHECK_INT(pl.tcp[0], 23);
	portlist_release(&pl);
	CHECK_INT(portlist_add_top(&pl, 65535, PROTO_TCP, &e), 0);
	CHECK_INT(pl.n_tcp, 65535);
	portlist_release(&pl);
	CHECK_INT(portlist_add_top(&pl, 0, PROTO_TCP, &e), DM_EINPUT);
}

static void permutation_is_a_bijection(void)
{
	static const uint64_t sizes[] = { 1, 2, 3, 7, 1000, 65537, 262144 };
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		uint64_t n = sizes[s];
		struct permutation pm;
		CHECK_INT(permutation_init(&pm, n, 12345 + s, 0, 1), 0);
		uint8_t *seen = calloc(n, 1);
		struct perm_iter it;
		perm_iter_init(&it, &pm, 0);
		uint64_t v, count = 0, first = UINT64_MAX, in_order = 0, prev = 0;
		while (perm_iter_next(&it, &v)) {
			CHECK(v < n);
			if (v < n && !seen[v]) seen[v] = 1, count++;
			if (first == UINT64_MAX) first = v;
			in_order += v == prev + 1;
			prev = v;
		}
		CHECK_INT(count, n);
		if (n >= 1000) CHECK(in_order < n / 10); /* it really shuffles */
		free(seen);
	}
}

static void shards_partition_and_resume_continues(void)
{
	const uint64_t n = 50000;
	uint8_t *seen = calloc(n, 1);
	uint64_t total = 0;
	for (uint64_t sh = 0; sh < 3; sh++) {
		struct permutation pm;
		permutation_init(&pm, n, 99, sh, 3);
		struct perm_iter it;
		perm_iter_init(&it, &pm, 0);
		uint64_t v;
		while (perm_iter_next(&it, &v)) {
			CHECK(!seen[v]); /* no overlap between shards */
			seen[v] = 1;
			total++;
		}
	}
	CHECK_INT(total, n); /* union = whole space */
	free(seen);
	/* stopping at any position and resuming there yields exactly the rest */
	struct permutation pm;
	permutation_init(&pm, n, 5, 1, 2);
	struct perm_iter a, b;
	perm_iter_init(&a, &pm, 0);
	uint64_t v, w, stop_pos = 0;
	for (int i = 0; i < 777; i++) perm_iter_next(&a, &v);
	stop_pos = a.pos;
	perm_iter_init(&b, &pm, stop_pos);
	int diffs = 0;
	while (perm_iter_next(&a, &v)) {
		if (!perm_iter_next(&b, &w) || v != w) diffs++;
	}
	CHECK(!perm_iter_next(&b, &w));
	CHECK_INT(diffs, 0);
	CHECK_INT(permutation_init(&pm, 0, 1, 0, 1), DM_EINPUT);
	CHECK_INT(permutation_init(&pm, 10, 1, 2, 2), DM_EINPUT);
}

static void rangesets(void)
{
	struct rangeset s = { 0 }, m = { 0 };
	rangeset_add(&s, 10, 20);
	rangeset_add(&s, 15, 30);
	rangeset_add(&s, 40, 40);
	rangeset_add(&m, 12, 13);
	rangeset_add(&m, 40, 50);
	rangeset_normalize(&m);
	rangeset_subtract(&s, &m);
	rangeset_index(&s);
	CHECK_INT(s.count, 21 - 2);
	CHECK_INT(rangeset_select(&s, 0), 10);
	CHECK_INT(rangeset_select(&s, 2), 14);
	uint64_t idx;
	CHECK(rangeset_rank(&s, 14, &idx) && idx == 2);
	CHECK(!rangeset_rank(&s, 12, &idx));
	rangeset_release(&s);
	rangeset_release(&m);
	CHECK(mulmod64(UINT64_MAX - 1, UINT64_MAX - 1, UINT64_MAX) == 1);
	CHECK(is_prime64(1000003) && !is_prime64(1000001) && is_prime64(2305843009213693951ULL));
}

SUITE(suite_net, "net", T(cidr_ranges_and_patterns), T(exclusions_always_win),
      T(public_needs_flag_and_multicast_never), T(bad_targets_name_the_input), T(port_lists),
      T(top_ports_are_ranked_and_unique), T(permutation_is_a_bijection),
      T(shards_partition_and_resume_continues), T(rangesets));

static void oui_vendors(void)
{
	struct oui_db db;
	struct dm_err e;
	if (oui_load(&db, OUI_DEFAULT_PATH, &e) < 0) {
		printf("    skip: %s\n", e.msg);
		return;
	}
	CHECK(db.n > 10000);
	const uint8_t cisco[6] = { 0x00, 0x00, 0x0c, 1, 2, 3 }, local[6] = { 0x02, 0x00, 0x5e, 0, 0, 1 };
	CHECK(oui_vendor(&db, cisco) && strstr(oui_vendor(&db, cisco), "Cisco"));
	CHECK(oui_vendor(&db, local) == NULL);
	oui_release(&db);
	CHECK(oui_load(&db, "/nonexistent/oui.txt", &e) < 0);
}

SUITE(suite_oui, "oui", T(oui_vendors));

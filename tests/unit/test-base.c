/* base/: buffers, escaping, SipHash, errors, time formats. */
#include "test.h"
#include "base/buf.h"
#include "base/escape.h"
#include "base/siphash.h"
#include "base/timeutil.h"

static void buf_cap_is_enforced(void)
{
	struct buf b = { .max = 16 };
	CHECK_INT(buf_puts(&b, "0123456789"), 0);
	CHECK_INT(buf_puts(&b, "0123456789"), DM_ETOOBIG);
	CHECK_INT(b.len, 10);
	CHECK_STR(b.data, "0123456789");
	/* sticky: what fits is refused too once an append failed, until a reset */
	CHECK_INT(buf_printf(&b, "%d", 42), DM_ETOOBIG);
	CHECK_INT(buf_putc(&b, 'x'), DM_ETOOBIG);
	CHECK_STR(b.data, "0123456789");
	CHECK_INT(buf_error(&b), DM_ETOOBIG);
	buf_reset(&b);
	CHECK_INT(buf_error(&b), 0);
	CHECK_INT(buf_printf(&b, "%d", 42), 0);
	CHECK_STR(b.data, "42");
	buf_release(&b);
}

static void json_escapes_hostile_bytes(void)
{
	struct buf b = BUF_INIT;
	json_put_bytes(&b, "a\"b\\c\n\x01\xff\xc3\xa9", 10);
	CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\u0001\\u00ff\xc3\xa9\"");
	buf_reset(&b);
	json_put_str(&b, "\xe2\x82"); /* truncated UTF-8 sequence */
	CHECK_STR(b.data, "\"\\u00e2\\u0082\"");
	buf_release(&b);
}

static void xml_escapes_markup(void)
{
	struct buf b = BUF_INIT;
	xml_put_str(&b, "<a href='x'>&\"\x02");
	CHECK_STR(b.data, "&lt;a href=&apos;x&apos;&gt;&amp;&quot;\\x02");
	buf_release(&b);
}

static void siphash_matches_reference_vector(void)
{
	/* The SipHash paper's example: key 00..0f, message 00..0e. */
	struct sipkey k = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t msg[15];
	for (int i = 0; i < 15; i++) msg[i] = (uint8_t)i;
	CHECK(siphash24(&k, msg, 15) == 0xa129ca6149be45e5ULL);
	uint8_t empty = 0;
	CHECK(siphash24(&k, &empty, 0) == 0x726fdb47dd0e0e31ULL);
}

static void errors_have_names(void)
{
	CHECK_STR(dm_strerror(DM_EINPUT), "invalid input");
	CHECK_STR(dm_strerror(DM_EPUBLIC), "public address needs --allow-public");
	CHECK_STR(dm_strerror(-2), "No such file or directory");
	struct dm_err e;
	CHECK_INT(dm_fail(&e, DM_EINPUT, "x:%d", 3), DM_EINPUT);
	CHECK_STR(e.msg, "x:3");
}

static void time_formats(void)
{
	char s[40];
	fmt_rfc3339(1700000000.25, s, sizeof(s));
	CHECK_STR(s, "2023-11-14T22:13:20.250Z");
	fmt_duration(59.4, s, sizeof(s));
	CHECK_STR(s, "59s");
	fmt_duration(184, s, sizeof(s));
	CHECK_STR(s, "3m04s");
	fmt_duration(7800, s, sizeof(s));
	CHECK_STR(s, "2h10m");
}

SUITE(suite_base, "base", T(buf_cap_is_enforced), T(json_escapes_hostile_bytes), T(xml_escapes_markup),
      T(siphash_matches_reference_vector), T(errors_have_names), T(time_formats));

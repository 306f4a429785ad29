/* A small unit-test harness: each test file exports a table of tests;
 * main.c runs them all and prints one line per failure and the totals. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>

struct test {
	const char *name;
	void (*fn)(void);
};

struct suite {
	const char *name;
	const struct test *tests;
	size_t n;
};

void test_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define CHECK(c)                                                   \
	do {                                                       \
		if (!(c)) test_fail(__FILE__, __LINE__, "%s", #c); \
	} while (0)
#define CHECK_INT(a, b)                                                                               \
	do {                                                                                          \
		long long _a = (long long)(a), _b = (long long)(b);                                   \
		if (_a != _b) test_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, _a, _b); \
	} while (0)
#define CHECK_STR(a, b)                                                                    \
	do {                                                                               \
		const char *_a = (a), *_b = (b);                                           \
		if (!_a || strcmp(_a, _b))                                                 \
			test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, \
				  _a ? _a : "(null)", _b);                                 \
	} while (0)

#define SUITE(var, label, ...)                                    \
	static const struct test var##_tests[] = { __VA_ARGS__ }; \
	const struct suite var = { label, var##_tests, sizeof(var##_tests) / sizeof(var##_tests[0]) }
#define T(fn)           \
	{               \
#fn, fn \
	}

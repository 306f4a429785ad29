/* What changed between two runs: hosts that appeared or went silent, ports
 * newly open or no longer open. Both result sets must be sorted. */
#pragma once
#include "model/resultset.h"

enum change_kind { CHANGE_HOST_NEW, CHANGE_HOST_GONE, CHANGE_PORT_OPENED, CHANGE_PORT_CLOSED };

struct change {
	enum change_kind kind;
	struct ipaddr ip;
	enum proto proto;
	uint16_t port;
};

struct rundiff {
	struct change *v;
	size_t n, cap;
	size_t counts[4];
};

/* Compares a (older) with b (newer). */
void rundiff_compute(const struct resultset *a, const struct resultset *b, struct rundiff *ret);
void rundiff_release(struct rundiff *d);
const char *change_kind_name(enum change_kind k);

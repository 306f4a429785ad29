/* Which products a vulnerability affects, as NVD's configurations say it:
 * a configuration is nodes joined by AND or OR (OR when unsaid), a node is
 * CPE match criteria joined by AND or OR, both may be negated, and a
 * criterion is a CPE name with an optional version range. vulnerable=false
 * criteria name the platform something must run on (Redis on Debian).
 *
 * Evaluation is three-valued: a criterion about the product under test is
 * true or false, one about a platform dormant did not see (an OS, the
 * hardware) is unknown, so a finding can say "if it runs on X". */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/arena.h"
#include "base/buf.h"
#include "model/cpe.h"

/* Longest criterion and bound, with their NUL. */
enum { VMATCH_CRITERIA_MAX = 256, VMATCH_BOUND_MAX = 48 };

/* Its strings live with the configurations (vmatch_set), so a criterion is
 * a few words: matching keeps every candidate's configurations. */
struct vmatch {
	const char *criteria;    /* CPE 2.3 formatted string */
	const char *start, *end; /* version range bounds, "" when open; never NULL */
	bool vulnerable, start_incl, end_incl;
};

struct vnode {
	bool and_op, negate;
	size_t first, n; /* matches [first, first+n) */
};

struct vconfig {
	bool and_op, negate;
	size_t first, n; /* nodes [first, first+n) */
};

struct vconfigs {
	struct vconfig *cfg;
	size_t n_cfg, cap_cfg;
	struct vnode *nodes;
	size_t n_nodes, cap_nodes;
	struct vmatch *m;
	size_t n_m, cap_m;
	struct arena strs; /* the strings of m, emptied by vconfigs_reset */
};

void vconfigs_reset(struct vconfigs *c);
void vconfigs_release(struct vconfigs *c);
struct vconfig *vconfigs_add_config(struct vconfigs *c, bool and_op, bool negate);
struct vnode *vconfigs_add_node(struct vconfigs *c, bool and_op, bool negate);
/* Criterion and bounds "" until vmatch_set. */
struct vmatch *vconfigs_add_match(struct vconfigs *c);
/* Copies the strings into c (bounds may be NULL: open); DM_ETOOBIG past
 * the cap of c's strings. */
int vmatch_set(struct vconfigs *c, struct vmatch *m, const char *criteria, const char *start,
	       const char *end);

/* A compact text form for the store, and back (DM_EINPUT if damaged). */
int vconfigs_encode(const struct vconfigs *c, struct buf *out);
int vconfigs_decode(const char *text, struct vconfigs *c);

/* The configurations idx lists (n of them), packed for the product index:
 * read back with a copy per field, no parsing of text (matching reads the
 * packed configurations of every candidate of every product it meets). */
int vconfigs_pack(const struct vconfigs *c, const uint32_t *idx, size_t n, struct buf *out);
/* What decides the configurations for one product they name, packed
 * (vconfigs_unpack reads it): when that is only the product's own
 * vulnerable criteria (every configuration naming it plain ORs, none
 * negated), those criteria as one configuration of one OR node; else (a
 * platform ANDed, a negation) the configurations naming it, whole and in
 * order. Evaluating all of a brief's configurations for that product is
 * evaluating the configurations naming it. Appended to out: 1; 0 (out as
 * it was) when it packs to over max bytes. */
int vconfigs_brief(const struct vconfigs *c, const struct cpe *product, size_t max, struct buf *out);
/* DM_EINPUT if damaged or of another format. */
int vconfigs_unpack(const void *data, size_t len, struct vconfigs *c);
/* vconfigs_unpack into a's memory at exact sizes, strings included, for
 * configurations kept as long as a (c is not to be reset or released);
 * DM_ETOOBIG past a's cap. */
int vconfigs_unpack_in(const void *data, size_t len, struct arena *a, struct vconfigs *c);

/* What is known about the thing under test and its host. */
struct vsubject {
	struct cpe cpe;              /* the product: vendor, product, version, update as NVD names them */
	const struct cpe *platforms; /* other CPEs seen on the same host (its OS, hardware, other services) */
	size_t n_platforms;
	bool os_known, hw_known; /* a platform of part o / h is known, so other o / h criteria are false */
};

enum tri { TRI_FALSE = 0, TRI_UNKNOWN = 1, TRI_TRUE = 2 };

struct vverdict {
	enum tri result;          /* TRI_FALSE: not affected */
	const struct vmatch *hit; /* the vulnerable criterion the product matched */
};

/* Whether the configurations make the subject vulnerable: true or unknown
 * only when the subject itself matches a vulnerable criterion of a
 * configuration that is not false. */
void vconfigs_eval(const struct vconfigs *c, const struct vsubject *s, struct vverdict *ret);
/* The configurations with a vulnerable criterion naming product's vendor
 * and product (out has room for c->n_cfg); matching a product's many
 * versions then evaluates only those. */
size_t vconfigs_naming(const struct vconfigs *c, const struct cpe *product, uint32_t *out);
/* vconfigs_eval of configurations known to name the subject's product
 * (a product's own, from the index). */
void vconfigs_eval_named(const struct vconfigs *c, const struct vsubject *s, struct vverdict *ret);
void vconfigs_eval_some(const struct vconfigs *c, const uint32_t *cfgs, size_t n, const struct vsubject *s,
			struct vverdict *ret);
/* One criterion against one CPE: product names equal, version in range. */
bool vmatch_hits(const struct vmatch *m, const struct cpe *target);
/* "upgrade to" text of a hit, from its range end: "9.8" for <9.8; "> 7.7" for <=7.7; "" if none. */
void vmatch_fix(const struct vmatch *m, char *out, size_t n);

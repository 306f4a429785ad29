/* The privilege drop shared by every command that starts as root (scan,
 * audit, creds, flows --iface, collect): who to become, the drop itself in
 * the one order that works (the bounding set needs CAP_SETPCAP, so it goes
 * first; the securebits need it too, so they are set before the uid
 * changes), and a check of the result that does not trust the steps. */
#include "base/privsep.h"
#include <errno.h>
#include <grp.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

static bool parse_id(const char *s, unsigned long *ret)
{
	char *end;
	if (!s || !*s) return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v >= (unsigned long)(uid_t)-1) return false;
	*ret = v;
	return true;
}

static int from_passwd(const struct passwd *pw, const char *why, struct privsep_user *ret)
{
	ret->uid = pw->pw_uid;
	ret->gid = pw->pw_gid;
	snprintf(ret->name, sizeof(ret->name), "%s", pw->pw_name);
	ret->why = why;
	return 0;
}

int privsep_resolve(const char *name, struct privsep_user *ret, struct dm_err *e)
{
	memset(ret, 0, sizeof(*ret));
	unsigned long id, gid;
	if (name) {
		struct passwd *pw = getpwnam(name);
		if (pw)
			from_passwd(pw, "--user", ret);
		else if (parse_id(name, &id) && (pw = getpwuid((uid_t)id)))
			from_passwd(pw, "--user", ret);
		else
			return dm_fail(e, DM_EINPUT, "--user %s: no such user", name);
		if (ret->uid == 0 || ret->gid == 0)
			return dm_fail(e, DM_EINPUT,
				       "--user %s: uid or gid 0 is root; name an unprivileged user "
				       "(or pass --keep-privileges)",
				       name);
		return 0;
	}
	/* sudo says who asked; their uid owns nothing more than they could already reach */
	if (parse_id(getenv("SUDO_UID"), &id) && id != 0) {
		if (!parse_id(getenv("SUDO_GID"), &gid) || gid == 0) {
			struct passwd *pw = getpwuid((uid_t)id);
			gid = pw && pw->pw_gid ? pw->pw_gid : 65534;
		}
		ret->uid = (uid_t)id;
		ret->gid = (gid_t)gid;
		const char *who = getenv("SUDO_USER");
		if (who && *who)
			snprintf(ret->name, sizeof(ret->name), "%s", who);
		else
			snprintf(ret->name, sizeof(ret->name), "uid %lu", id);
		ret->why = "SUDO_UID";
		ret->invoker = true;
		return 0;
	}
	struct passwd *pw = getpwnam("dormant");
	if (pw && pw->pw_uid && pw->pw_gid) return from_passwd(pw, "the dormant user", ret);
	pw = getpwnam("nobody");
	if (pw && pw->pw_uid && pw->pw_gid) return from_passwd(pw, "nobody", ret);
	return dm_fail(e, -ENOENT,
		       "no unprivileged user to run as: neither SUDO_UID nor the users \"dormant\" and "
		       "\"nobody\" exist; pass --user NAME");
}

/* Every capability the kernel knows leaves the bounding set; each drop is
 * checked (the kernel's last capability, not the headers', is the limit). */
static int empty_bounding_set(struct dm_err *e)
{
	cap_value_t last = cap_max_bits();
	for (cap_value_t cap = 0; cap < last; cap++) {
		if (!CAP_IS_SUPPORTED(cap) || cap_get_bound(cap) == 0) continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return dm_fail(e, -errno, "privileges: dropping %s from the bounding set: %s",
				       cap_to_name(cap), strerror(errno));
	}
	return 0;
}

static int clear_capabilities(struct dm_err *e)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return dm_fail(e, -errno, "privileges: clearing the ambient capabilities: %s",
			       strerror(errno));
	cap_t c = cap_init(); /* empty: no capability in any set */
	if (!c) return dm_fail(e, -errno, "privileges: cap_init: %s", strerror(errno));
	int r = cap_set_proc(c);
	int err = errno;
	cap_free(c);
	if (r < 0) return dm_fail(e, -err, "privileges: clearing the capability sets: %s", strerror(err));
	return 0;
}

static int switch_user(const struct privsep_user *u, struct dm_err *e)
{
	if (setgroups(1, &u->gid) < 0)
		return dm_fail(e, -errno, "privileges: setgroups(%u): %s", (unsigned)u->gid, strerror(errno));
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return dm_fail(e, -errno, "privileges: setresgid(%u): %s", (unsigned)u->gid, strerror(errno));
	/* Before the uid changes, while CAP_SETPCAP is still held: uid 0 never
	 * means capabilities again, and nothing can unlock that. */
	unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			     SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED;
	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
		return dm_fail(e, -errno, "privileges: setting the securebits: %s", strerror(errno));
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return dm_fail(e, -errno, "privileges: setresuid(%u) (%s): %s", (unsigned)u->uid, u->name,
			       strerror(errno));
	return 0;
}

int privsep_drop(const struct privsep_user *u, struct dm_err *e)
{
	int r;
	tzset(); /* the zone file cannot be read later (seccomp, or a folder the user cannot enter) */
	if (u) {
		if ((r = empty_bounding_set(e)) < 0 || (r = switch_user(u, e)) < 0) return r;
	}
	/* NO_SETUID_FIXUP kept the sets through setresuid: they are emptied here */
	if ((r = clear_capabilities(e)) < 0) return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return dm_fail(e, -errno, "privileges: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
#ifdef UNDER_SANITIZER
	/* LeakSanitizer ptraces this process at exit, which the kernel refuses
	 * once a uid change made it non-dumpable. Sanitizer builds only: a
	 * dumpable process can be traced by others of the same uid. */
	if (u) prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	return privsep_verify(u != NULL, e);
}

int privsep_verify(bool switched, struct dm_err *e)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return dm_fail(e, -EPERM, "privileges: cannot read the process's ids: %s", strerror(errno));
	if (switched) {
		int fsu = setfsuid((uid_t)-1), fsg = setfsgid((gid_t)-1);
		if (!ru || !eu || !su || !fsu)
			return dm_fail(e, -EPERM, "privileges: still uid 0 after the drop (%u %u %u %d)", ru,
				       eu, su, fsu);
		if (!rg || !eg || !sg || !fsg)
			return dm_fail(e, -EPERM, "privileges: still gid 0 after the drop (%u %u %u %d)", rg,
				       eg, sg, fsg);
		for (cap_value_t cap = 0; cap < cap_max_bits(); cap++)
			if (CAP_IS_SUPPORTED(cap) && cap_get_bound(cap) != 0)
				return dm_fail(e, -EPERM, "privileges: %s is still in the bounding set",
					       cap_to_name(cap));
		if (setuid(0) == 0)
			return dm_fail(e, -EPERM, "privileges: setuid(0) still succeeds after the drop");
	}
	cap_t c = cap_get_proc(), none = cap_init();
	bool empty = c && none && cap_compare(c, none) == 0;
	cap_free(c);
	cap_free(none);
	if (!empty) return dm_fail(e, -EPERM, "privileges: capabilities are left after the drop");
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return dm_fail(e, -EPERM, "privileges: no_new_privs is not set after the drop");
	return 0;
}

int privsep_plan(const struct privsep_opts *o, struct privsep_plan *ret, struct dm_err *e)
{
	memset(ret, 0, sizeof(*ret));
	if (o->keep) {
		if (o->user) return dm_fail(e, DM_EINPUT, "--user and --keep-privileges: one or the other");
		return 0;
	}
	ret->drop = true;
	ret->switch_user = getuid() == 0 || geteuid() == 0;
	if (!ret->switch_user) {
		if (o->user) return dm_fail(e, DM_EINPUT, "--user %s: only root can switch users", o->user);
		return 0;
	}
	return privsep_resolve(o->user, &ret->u, e);
}

int privsep_apply(const struct privsep_plan *p, struct dm_err *e)
{
	if (!p->drop) return 0;
	return privsep_drop(p->switch_user ? &p->u : NULL, e);
}

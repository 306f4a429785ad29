/* The site policy's INI reader (site-config.h), with every key checked and
 * bad values named by file and line. */
#include "model/site-config.h"
#include "base/util.h"
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

void site_config_defaults(struct site_config *c)
{
	*c = (struct site_config){ 0 };
	c->business_start = 8 * 60;
	c->business_end = 18 * 60;
	c->business_days = 0x3e; /* Mon-Fri */
	c->window_days = 7;
	snprintf(c->name, sizeof(c->name), "default");
}

void site_config_release(struct site_config *c)
{
	cidr_list_release(&c->internal);
	cidr_list_release(&c->public_ranges);
	cidr_list_release(&c->registered);
	allowlist_release(&c->allow);
	alert_configs_release(&c->alerts);
	netdev_confs_release(&c->netdevs);
	for (size_t i = 0; i < c->n_segments; i++) cidr_list_release(&c->segments[i].cidrs);
	free(c->segments);
	c->segments = NULL;
	c->n_segments = 0;
	for (size_t i = 0; i < c->n_roles; i++) {
		free(c->roles[i].services);
		portlist_release(&c->roles[i].ports);
	}
	free(c->roles);
	c->roles = NULL;
	c->n_roles = 0;
}

static int parse_hhmm(const char *s, int *ret)
{
	int h, m, n = 0;
	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m))
		return -1;
	*ret = h * 60 + m;
	return n;
}

static int parse_hours(const char *v, int *start, int *end)
{
	int n = parse_hhmm(v, start);
	if (n < 0 || v[n] != '-') return -1;
	int k = parse_hhmm(v + n + 1, end);
	if (k < 0 || v[n + 1 + k] || *start == *end) return -1;
	return 0;
}

int site_parse_time(const char *s, int *ret)
{
	int n = parse_hhmm(s, ret);
	return n < 0 || s[n] || *ret == 24 * 60 ? -1 : 0;
}

static const char *const day_names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static int day_index(const char *s, size_t len)
{
	if (len != 3) return -1;
	for (int i = 0; i < 7; i++)
		if (!strncasecmp(s, day_names[i], 3)) return i;
	return -1;
}

/* "Mon-Fri", "Mon,Wed,Fri", "Sun-Thu", "Sat-Mon" (wrapping). */
int site_parse_days(const char *v, uint8_t *ret)
{
	uint8_t mask = 0;
	const char *p = v;
	while (*p) {
		while (*p == ' ' || *p == ',') p++;
		if (!*p) break;
		int a = day_index(p, strcspn(p, ",- "));
		if (a < 0) return -1;
		p += 3;
		int b = a;
		if (*p == '-') {
			b = day_index(p + 1, strcspn(p + 1, ", "));
			if (b < 0) return -1;
			p += 4;
		}
		for (int d = a;; d = (d + 1) % 7) {
			mask |= (uint8_t)(1u << d);
			if (d == b) break;
		}
		if (*p && *p != ',' && *p != ' ') return -1;
	}
	if (!mask) return -1;
	*ret = mask;
	return 0;
}

static int parse_countries(struct site_config *c, const char *v)
{
	char *copy = xstrdup(v), *save = NULL;
	c->n_home = 0;
	int r = 0;
	for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		if (strlen(t) != 2 || !isalpha((unsigned char)t[0]) || !isalpha((unsigned char)t[1]) ||
		    c->n_home == SITE_MAX_COUNTRIES) {
			r = -1;
			break;
		}
		c->home[c->n_home][0] = (char)toupper((unsigned char)t[0]);
		c->home[c->n_home][1] = (char)toupper((unsigned char)t[1]);
		c->home[c->n_home++][2] = 0;
	}
	free(copy);
	return r;
}

static int parse_bool(const char *v, bool *ret)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"))
		*ret = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off"))
		*ret = false;
	else
		return -1;
	return 0;
}

/* A zone must exist in the system's zone database; glibc would silently
 * take an unknown name as UTC. */
static bool zone_exists(const char *name)
{
	char path[640];
	if (!*name || name[0] == '/' || strstr(name, "..")) return false;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	return access(path, R_OK) == 0;
}

struct loader {
	struct site_config *c;
	struct dm_err *e;
	int err;
	char last[96]; /* the section of the previous line: a header again means "defined twice" */
};

/* [site] dns: "198.18.0.53", "198.18.0.53:5353", "[2001:db8::53]:53",
 * "resolv" or "off". 0 or -1. */
static int parse_dns(struct site_config *c, const char *v)
{
	char a[64];
	unsigned port = 53;
	c->dns_port = 53;
	if (!strcmp(v, "off")) return c->dns_from = SITE_DNS_OFF, 0;
	if (!strcmp(v, "resolv")) return c->dns_from = SITE_DNS_RESOLV, 0;
	if (strlen(v) >= sizeof(a)) return -1;
	const char *colon = strrchr(v, ':'), *end = v + strlen(v);
	if (v[0] == '[') { /* [v6] or [v6]:port */
		const char *close = strchr(v, ']');
		if (!close || (close[1] && close[1] != ':')) return -1;
		snprintf(a, sizeof(a), "%.*s", (int)(close - v - 1), v + 1);
		colon = close[1] ? close + 1 : NULL;
	} else if (colon && strchr(v, ':') == colon) { /* v4:port */
		snprintf(a, sizeof(a), "%.*s", (int)(colon - v), v);
	} else {
		snprintf(a, sizeof(a), "%s", v);
		colon = NULL;
	}
	if (colon) {
		char *e = NULL;
		unsigned long p = colon + 1 < end ? strtoul(colon + 1, &e, 10) : 0;
		if (!e || *e || p < 1 || p > 65535) return -1;
		port = (unsigned)p;
	}
	if (ipaddr_parse(a, &c->dns) < 0) return -1;
	c->dns_port = (uint16_t)port;
	c->dns_from = SITE_DNS_SERVER;
	return 0;
}

#define BAD(...) (dm_fail(l->e, DM_EINPUT, __VA_ARGS__), l->err = DM_EINPUT, 0)

static struct role_baseline *role_find(const struct site_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_roles; i++)
		if (!strcasecmp(c->roles[i].name, name)) return &c->roles[i];
	return NULL;
}

/* [role NAME]: services = a, b; ports = 80,443,U:161. A role defined again
 * in a later file (the site's config after data/roles.conf) replaces it. */
static int on_role(struct loader *l, const char *rname, const char *name, const char *value, bool fresh)
{
	struct site_config *c = l->c;
	struct role_baseline *r = role_find(c, rname);
	if (r && r->gen == c->loads && fresh) return BAD("role \"%s\" defined twice", rname);
	if (r && r->gen != c->loads) { /* replaced by this file */
		free(r->services);
		portlist_release(&r->ports);
		*r = (struct role_baseline){ .gen = c->loads };
		snprintf(r->name, sizeof(r->name), "%s", rname);
	}
	if (!r) {
		if (!*rname || strlen(rname) >= sizeof(r->name))
			return BAD("role name \"%s\": 1-63 characters", rname);
		c->roles = xrealloc(c->roles, (c->n_roles + 1) * sizeof(*c->roles));
		r = &c->roles[c->n_roles++];
		*r = (struct role_baseline){ .gen = c->loads };
		snprintf(r->name, sizeof(r->name), "%s", rname);
	}
	if (!name) return 1;
	if (!strcmp(name, "services")) {
		char *copy = xstrdup(value), *save = NULL;
		for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
			if (strlen(t) >= sizeof(*r->services)) {
				free(copy);
				return BAD("service name \"%.40s\": at most 31 characters", t);
			}
			r->services = xrealloc(r->services, (r->n_services + 1) * sizeof(*r->services));
			snprintf(r->services[r->n_services++], sizeof(*r->services), "%s", t);
		}
		free(copy);
	} else if (!strcmp(name, "ports")) {
		char *copy = xstrdup(value), *w = copy; /* "80, 443" reads as 80,443 */
		for (const char *p = value; *p; p++)
			if (*p != ' ' && *p != '\t') *w++ = *p;
		*w = 0;
		int r2 = portlist_parse(&r->ports, copy, PROTO_TCP, l->e);
		free(copy);
		if (r2 < 0) return l->err = DM_EINPUT, 0;
	} else {
		return BAD("unknown key \"%s\" in [role %s]", name, rname);
	}
	return 1;
}

/* Sections `dormant watch` reads from the same file (cmd/watch-config.c):
 * the policy leaves them to it. */
static bool watch_section(const char *s)
{
	static const char *const named[] = { "job ", "collect ", "capture " };
	for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++)
		if (!strncmp(s, named[i], strlen(named[i]))) return true;
	return !strcmp(s, "metrics") || !strcmp(s, "watch");
}

static int on_value(void *ctx, const char *section, const char *name, const char *value)
{
	struct loader *l = ctx;
	struct site_config *c = l->c;
	if (l->err) return 0;
	if (watch_section(section)) return 1;
	bool fresh = strcmp(l->last, section) != 0;
	snprintf(l->last, sizeof(l->last), "%s", section);
	if (!name) { /* a section header alone */
		if (!strncmp(section, "segment ", 8)) goto segment;
		if (!strncmp(section, "role ", 5)) return on_role(l, section + 5, NULL, NULL, fresh);
		if (!strncmp(section, "allow ", 6)) goto allow;
		if (!strncmp(section, "alert ", 6)) goto alert;
		if (!strncmp(section, "netdev ", 7)) goto netdev;
		if (strcmp(section, "site") && strcmp(section, "usage") && strcmp(section, "intel") &&
		    strcmp(section, "retention"))
			return BAD("unknown section [%s]", section);
		return 1;
	}
	if (!strcmp(section, "site")) {
		if (!strcmp(name, "timezone")) {
			if (!zone_exists(value))
				return BAD("timezone \"%s\": not in /usr/share/zoneinfo (an IANA name such "
					   "as Asia/Shanghai)",
					   value);
			snprintf(c->timezone, sizeof(c->timezone), "%s", value);
		} else if (!strcmp(name, "business_hours")) {
			if (parse_hours(value, &c->business_start, &c->business_end) < 0)
				return BAD("business_hours \"%s\": expected HH:MM-HH:MM", value);
		} else if (!strcmp(name, "business_days")) {
			if (site_parse_days(value, &c->business_days) < 0)
				return BAD(
				    "business_days \"%s\": expected days such as Mon-Fri or Mon,Wed,Fri",
				    value);
		} else if (!strcmp(name, "home_countries")) {
			if (parse_countries(c, value) < 0)
				return BAD("home_countries \"%s\": expected ISO 3166 codes such as CN, DE",
					   value);
		} else if (!strcmp(name, "name")) {
			if (!*value || strlen(value) >= sizeof(c->name) || strpbrk(value, "| \t"))
				return BAD("name \"%s\": 1-63 characters, no spaces or '|'", value);
			snprintf(c->name, sizeof(c->name), "%s", value);
		} else if (!strcmp(name, "geoip")) {
			snprintf(c->geoip, sizeof(c->geoip), "%s", value);
		} else if (!strcmp(name, "edge")) {
			if (!strcmp(value, "on") || !strcmp(value, "yes") || !strcmp(value, "true"))
				c->edge = true;
			else if (!strcmp(value, "off") || !strcmp(value, "no") || !strcmp(value, "false"))
				c->edge = false;
			else
				return BAD("edge \"%s\": expected on or off", value);
		} else if (!strcmp(name, "dns")) {
			if (parse_dns(c, value) < 0)
				return BAD("dns \"%s\": expected an address (a port after ':', an IPv6 one in"
					   " brackets), resolv or off",
					   value);
		} else if (!strcmp(name, "mdns")) {
			if (!strcmp(value, "on") || !strcmp(value, "yes") || !strcmp(value, "true"))
				c->mdns_off = false;
			else if (!strcmp(value, "off") || !strcmp(value, "no") || !strcmp(value, "false"))
				c->mdns_off = true;
			else
				return BAD("mdns \"%s\": expected on or off", value);
		} else if (!strcmp(name, "internal")) {
			if (cidr_list_parse(&c->internal, value, "internal", l->e) < 0)
				return l->err = DM_EINPUT, 0;
		} else if (!strcmp(name, "public")) {
			if (cidr_list_parse(&c->public_ranges, value, "public", l->e) < 0)
				return l->err = DM_EINPUT, 0;
		} else {
			return BAD("unknown key \"%s\" in [site]", name);
		}
		return 1;
	}
	if (!strcmp(section, "usage")) {
		char *end;
		double d = strtod(value, &end);
		if (strcmp(name, "window_days")) return BAD("unknown key \"%s\" in [usage]", name);
		if (end == value || *end || !(d > 0) || d > 3650)
			return BAD("window_days \"%s\": expected days, e.g. 7 or 0.5", value);
		c->window_days = d;
		return 1;
	}
	if (!strcmp(section, "retention")) {
		double *to = !strcmp(name, "flow_days")   ? &c->retain_flow_days
			     : !strcmp(name, "runs_days") ? &c->retain_runs_days
							  : NULL;
		if (!to) return BAD("unknown key \"%s\" in [retention]", name);
		char *end;
		double d = strtod(value, &end);
		if (end == value || *end || !(d > 0) || d > 36500)
			return BAD("%s \"%s\": expected days, more than 0 (e.g. 30 or 0.5)", name, value);
		*to = d;
		return 1;
	}
	if (!strcmp(section, "intel")) {
		if (strcmp(name, "files")) return BAD("unknown key \"%s\" in [intel]", name);
		if (strlen(value) >= sizeof(c->intel_files)) return BAD("files: longer than 1023 characters");
		snprintf(c->intel_files, sizeof(c->intel_files), "%s", value);
		return 1;
	}
	if (!strncmp(section, "role ", 5)) return on_role(l, section + 5, name, value, fresh);
alert:
	if (!strncmp(section, "alert ", 6))
		return alert_config_set(&c->alerts, section + 6, name, value, l->e) < 0
			   ? (l->err = DM_EINPUT, 0)
			   : 1;
netdev:
	if (!strncmp(section, "netdev ", 7))
		return netdev_conf_set(&c->netdevs, section + 7, name, value, l->e) < 0
			   ? (l->err = DM_EINPUT, 0)
			   : 1;
allow:
	if (!strncmp(section, "allow ", 6))
		return allowlist_set(&c->allow, section + 6, name, value, l->e) < 0 ? (l->err = DM_EINPUT, 0)
										    : 1;
	if (strncmp(section, "segment ", 8)) return BAD("unknown section [%s]", section);
segment:;
	const char *sname = section + 8;
	struct segment *s = c->n_segments ? &c->segments[c->n_segments - 1] : NULL;
	if (!s || strcmp(s->name, sname)) {
		for (size_t i = 0; i < c->n_segments; i++)
			if (!strcmp(c->segments[i].name, sname))
				return BAD("segment \"%s\" defined twice", sname);
		if (!*sname || strlen(sname) >= sizeof(s->name))
			return BAD("segment name \"%s\": 1-63 characters", sname);
		c->segments = xrealloc(c->segments, (c->n_segments + 1) * sizeof(*c->segments));
		s = &c->segments[c->n_segments++];
		*s = (struct segment){ 0 };
		snprintf(s->name, sizeof(s->name), "%s", sname);
	}
	if (!name) return 1;
	if (!strcmp(name, "cidr")) {
		if (cidr_list_parse(&s->cidrs, value, "cidr", l->e) < 0) return l->err = DM_EINPUT, 0;
	} else if (!strcmp(name, "protected")) {
		if (parse_bool(value, &s->protected_) < 0)
			return BAD("protected \"%s\": expected yes or no", value);
	} else if (!strcmp(name, "users")) {
		if (parse_bool(value, &s->users) < 0) return BAD("users \"%s\": expected yes or no", value);
	} else {
		return BAD("unknown key \"%s\" in [segment %s]", name, sname);
	}
	return 1;
}

static int finish(struct site_config *c, const char *path, int line, struct loader *l, struct dm_err *e);

int site_config_load(struct site_config *c, const char *path, struct dm_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f) return dm_fail(e, DM_EINPUT, "%s: %s", path, strerror(errno));
	c->loads++;
	struct dm_err inner = { "" };
	struct loader l = { c, &inner, 0, "" };
	int line = ini_parse_file(f, on_value, &l);
	fclose(f);
	int r = finish(c, path, line, &l, e);
	if (r == 0 && c->netdevs.secrets) r = netdev_conf_file_mode(path, e);
	return r;
}

int site_config_parse(struct site_config *c, const char *text, const char *name, struct dm_err *e)
{
	struct dm_err inner = { "" };
	struct loader l = { c, &inner, 0, "" };
	c->loads++;
	return finish(c, name, ini_parse_string(text, on_value, &l), &l, e);
}

/* What ini_parse_* returned: 0, the first bad line, or <0 when it could not read. */
static int finish(struct site_config *c, const char *path, int line, struct loader *l, struct dm_err *e)
{
	snprintf(c->path, sizeof(c->path), "%s", path);
	const char *slash = strrchr(path, '/');
	if (*c->intel_files && !*c->intel_dir) /* the folder of the file that named the lists */
		snprintf(c->intel_dir, sizeof(c->intel_dir), "%.*s", slash ? (int)(slash - path) : 1,
			 slash ? path : ".");
	if (line < 0) return dm_fail(e, DM_EINPUT, "%s: could not be read", path);
	if (line > 0 && !l->err)
		return dm_fail(e, DM_EINPUT, "%s: line %d: not INI syntax (key = value, [section])", path,
			       line);
	if (line > 0) return dm_fail(e, DM_EINPUT, "%s: line %d: %s", path, line, l->e->msg);
	for (size_t i = 0; i < c->n_segments; i++)
		if (!c->segments[i].cidrs.n)
			return dm_fail(e, DM_EINPUT, "%s: [segment %s] has no cidr", path,
				       c->segments[i].name);
	struct dm_err ae = { "" };
	if (allowlist_check(&c->allow, &ae) < 0) return dm_fail(e, DM_EINPUT, "%s: %s", path, ae.msg);
	if (alert_configs_check(&c->alerts, &ae) < 0) return dm_fail(e, DM_EINPUT, "%s: %s", path, ae.msg);
	if (netdev_conf_check(&c->netdevs, &ae) < 0) return dm_fail(e, DM_EINPUT, "%s: %s", path, ae.msg);
	const char *tz = getenv("TZ");
	if (*c->timezone && !(tz && !strcmp(tz, c->timezone))) {
		/* only when it changes: a watch source parses the policy for each
		 * hour while its judge thread reads the local time */
		setenv("TZ", c->timezone, 1);
		tzset();
	}
	return 0;
}

void site_local_time(const struct site_config *c, double t, int *wday, int *minute)
{
	(void)c; /* the zone was applied to the process when the file was read */
	time_t s = (time_t)t;
	struct tm tm;
	localtime_r(&s, &tm);
	*wday = tm.tm_wday;
	*minute = tm.tm_hour * 60 + tm.tm_min;
}

bool site_is_business_time(const struct site_config *c, double t)
{
	int wday, min;
	site_local_time(c, t, &wday, &min);
	if (c->business_start < c->business_end)
		return (c->business_days >> wday & 1) && min >= c->business_start && min < c->business_end;
	/* a shift over midnight belongs to the day it starts */
	if (min >= c->business_start) return c->business_days >> wday & 1;
	if (min < c->business_end) return c->business_days >> ((wday + 6) % 7) & 1;
	return false;
}

bool site_is_home_country(const struct site_config *c, const char *cc)
{
	for (int i = 0; i < c->n_home; i++)
		if (!strcasecmp(c->home[i], cc)) return true;
	return false;
}

static bool is_private(const struct ipaddr *a)
{
	if (a->family == AF_INET) {
		uint32_t v = a->v4;
		return (v >> 24) == 10 || (v >> 20) == (172u << 4 | 1) || (v >> 16) == (192u << 8 | 168) ||
		       (v >> 22) == (100u << 2 | 1) || (v >> 16) == (169u << 8 | 254) || (v >> 24) == 127;
	}
	const uint8_t *b = a->v6.s6_addr;
	return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
	       IN6_IS_ADDR_LOOPBACK(&a->v6);
}

bool site_is_internal(const struct site_config *c, const struct ipaddr *a)
{
	if (c->internal.n) return cidr_list_contains(&c->internal, a) || site_segment_of(c, a, false);
	return is_private(a) || site_segment_of(c, a, false) || cidr_list_contains(&c->registered, a) ||
	       (c->targets && targets_contains(c->targets, a));
}

const struct role_baseline *site_role(const struct site_config *c, const char *name)
{
	return name && *name ? role_find(c, name) : NULL;
}

bool role_allows(const struct role_baseline *r, const char *service, enum proto proto, uint16_t port)
{
	if (service && *service)
		for (size_t i = 0; i < r->n_services; i++)
			if (!strcasecmp(r->services[i], service)) return true;
	const uint16_t *v = proto == PROTO_UDP ? r->ports.udp : r->ports.tcp;
	size_t n = proto == PROTO_UDP ? r->ports.n_udp : r->ports.n_tcp;
	for (size_t i = 0; i < n; i++)
		if (v[i] == port) return true;
	return false;
}

const struct segment *site_segment_of(const struct site_config *c, const struct ipaddr *a,
				      bool protected_only)
{
	for (size_t i = 0; i < c->n_segments; i++)
		if ((!protected_only || c->segments[i].protected_) &&
		    cidr_list_contains(&c->segments[i].cidrs, a))
			return &c->segments[i];
	return NULL;
}

const struct segment *site_user_segment_of(const struct site_config *c, const struct ipaddr *a)
{
	for (size_t i = 0; a->family && i < c->n_segments; i++)
		if (c->segments[i].users && cidr_list_contains(&c->segments[i].cidrs, a))
			return &c->segments[i];
	return NULL;
}

bool site_has_user_segments(const struct site_config *c)
{
	for (size_t i = 0; i < c->n_segments; i++)
		if (c->segments[i].users) return true;
	return false;
}

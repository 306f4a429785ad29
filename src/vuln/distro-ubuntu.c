/* Ubuntu's CVE JSON, as the Ubuntu Security API serves it
 * (https://ubuntu.com/security/cves.json?offset=N&limit=M, and one CVE at
 * /security/cves/CVE-YYYY-NNNN.json): {"cves": [{"id", "priority",
 * "updated_at", "packages": [{"name": SOURCE, "statuses": [{
 * "release_codename", "status", "description", "pocket"}]}]}], "offset",
 * "limit", "total_results"}. A "released" status carries the fixed version
 * in its description; "upstream" and pocket-qualified codenames
 * ("esm-infra/xenial") are not releases a banner can name. */
#include "vuln/feeds.h"
#include <string.h>

static enum distro_status status(const char *s, const char *desc, const char **fixed)
{
	*fixed = NULL;
	if (!s) return 0;
	if (!strcmp(s, "released")) {
		if (!distro_version_ok(desc)) return DSTAT_UNDETERMINED; /* "released" without a version */
		*fixed = desc;
		return DSTAT_FIXED;
	}
	if (!strcmp(s, "not-affected") || !strcmp(s, "DNE")) return DSTAT_NOT_AFFECTED;
	if (!strcmp(s, "needed") || !strcmp(s, "deferred") || !strcmp(s, "pending") || !strcmp(s, "ignored"))
		return DSTAT_OPEN;
	return DSTAT_UNDETERMINED; /* needs-triage and any newer word */
}

int ubuntu_record(const struct json *rec, const char *name, uint64_t off, const struct vuln_sink *sink,
		  uint64_t *count, struct dm_err *e)
{
	const char *id = json_str(rec, "id");
	int64_t num = cve_number(id);
	const struct json *pkgs = json_get(rec, "packages");
	if (num < 0 || !pkgs || pkgs->type != JSON_ARRAY)
		return dm_fail(e, DM_EINPUT, "%s: byte %llu: %.40s: an Ubuntu CVE needs an id and packages",
			       name, (unsigned long long)off, id ? id : "record");
	const char *urgency = json_str(rec, "priority");
	int rc = 0;
	json_each(p, pkgs)
	{
		const char *pkg = json_str(p, "name");
		const struct json *sts = json_get(p, "statuses");
		if (!pkg || !distro_version_ok(pkg) || (sts && sts->type != JSON_ARRAY))
			return dm_fail(e, DM_EINPUT,
				       "%s: byte %llu: %s: a package without a name or statuses", name,
				       (unsigned long long)off, id);
		json_each(s, sts)
		{
			const char *rel = json_str(s, "release_codename");
			if (!rel || !*rel || strchr(rel, '/') || !strcmp(rel, "upstream") || strlen(rel) > 63)
				continue;
			struct vuln_distro_fix f = { .distro = "ubuntu",
						     .release = rel,
						     .package = pkg,
						     .num = num,
						     .urgency = urgency };
			f.status =
			    status(json_str(s, "status"), json_str(s, "description"), &f.fixed_version);
			if (!f.status)
				return dm_fail(e, DM_EINPUT, "%s: byte %llu: %s: %s in %s: no status", name,
					       (unsigned long long)off, id, pkg, rel);
			if (sink->distro_fix && (rc = sink->distro_fix(sink->ctx, &f, e)) < 0) return rc;
			(*count)++;
		}
	}
	const char *date = json_str(rec, "updated_at");
	if (date && strlen(date) < 40 && sink->meta) rc = sink->meta(sink->ctx, "ubuntu.date", date, e);
	return rc;
}

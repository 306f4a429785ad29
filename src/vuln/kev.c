/* CISA Known Exploited Vulnerabilities catalogue entries. */
#include "vuln/feeds.h"
#include <string.h>

int kev_record(const struct json *rec, const char *name, uint64_t off, struct vuln_kev *k, struct dm_err *e)
{
	const char *id = json_str(rec, "cveID");
	*k = (struct vuln_kev){ .num = cve_number(id) };
	if (k->num < 0)
		return dm_fail(e, DM_EINPUT, "%s: byte %llu: KEV entry with %s cveID", name,
			       (unsigned long long)off, id ? "a bad" : "no");
	k->vendor = json_str(rec, "vendorProject");
	k->product = json_str(rec, "product");
	k->name = json_str(rec, "vulnerabilityName");
	k->date_added = json_str(rec, "dateAdded");
	k->due_date = json_str(rec, "dueDate");
	k->action = json_str(rec, "requiredAction");
	k->notes = json_str(rec, "notes");
	const char *rw = json_str(rec, "knownRansomwareCampaignUse");
	k->ransomware = rw && !strcmp(rw, "Known");
	return 0;
}

/* creds/: redaction, the structural detector and the credential database. */
#include "test.h"
#include "base/redact.h"
#include "creds/cred-db.h"
#include "creds/secret-rows.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_redact(void)
{
	char out[64], h[REDACT_HASH_LEN];
	redact_hash("12345", 5, h);
	CHECK_STR(h, "5994471a"); /* SHA-256("12345") starts 5994471abb01... */
	redact_fmt("Summer2024!", 11, out, sizeof(out));
	CHECK(!strncmp(out, "S…(11) #", strlen("S…(11) #")));
	CHECK(!strstr(out, "ummer"));
	struct buf b = BUF_INIT;
	redact_json(&b, "\"x", 2); /* a quote is never shown, even as the first character */
	CHECK(strstr(b.data, "{\"first\":\"*\",\"length\":2,\"sha256\":\"") == b.data);
	buf_release(&b);
}

/* Feeds text lines to a unit; returns the items. */
static void lines(const char *text, struct secret_items *out)
{
	struct secret_unit *u = secret_unit_new("t.txt", true);
	size_t line = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		secret_unit_line(u, p, n, ++line);
		p += n + (nl != NULL);
	}
	secret_unit_end(u, out);
}

static void test_tables(void)
{
	struct secret_items it = { 0 };
	lines("10.0.0.1  admin  Summer2024!\n10.0.0.2  root  Winter2025#x\n10.0.0.3 ops P@ssw0rd\n", &it);
	CHECK_INT(it.n, 1);
	if (it.n) {
		CHECK_STR(it.v[0].kind, "password-table");
		CHECK_INT(it.v[0].entries, 3);
		CHECK_INT(it.v[0].hosts_total, 3);
		CHECK_STR(it.v[0].hosts[0], "10.0.0.1");
		CHECK(strstr(it.v[0].values[0], "S…(11) #") != NULL);
	}
	secret_items_release(&it);
	/* an inventory: hosts, names, places, owners, no secrets */
	lines("hostname,ip,location,owner\nweb01,10.0.0.5,rack3,alice\nweb02,10.0.0.6,rack4,bob\n", &it);
	CHECK_INT(it.n, 0);
	secret_items_release(&it);
	/* a header in Chinese; a placeholder value is not a password */
	lines("主机,用户名,密码\n10.1.1.1,root,Beijing2016#q1\n10.1.1.2,root,${PASS}\n", &it);
	CHECK_INT(it.n, 1);
	if (it.n) CHECK_INT(it.v[0].entries, 1);
	secret_items_release(&it);
	/* inline: the host from the line before, the user from its own line */
	lines("NAS at 10.1.2.3\nuser: backup\npassword: Tr0ub4dor&3\nreset your password at the portal\n", &it);
	CHECK_INT(it.n, 1);
	if (it.n) {
		CHECK_STR(it.v[0].kind, "inline-credentials");
		CHECK_INT(it.v[0].entries, 1);
		CHECK_STR(it.v[0].hosts[0], "10.1.2.3");
	}
	secret_items_release(&it);
}

static void test_cred_db(void)
{
	char path[] = "/tmp/dormant-unit-creds-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("# comment\nvendor,match,protocol,user,password,source\nG,,http,admin,admin,g\nH,hikvision,http,admin,12345,h\n"
	      "D,dahua,http,admin,admin,d\nG,,http,root,pass,g\nG,,telnet,root,xc3511,m\n", f);
	fclose(f);
	struct cred_db db = { 0 };
	struct dm_err e;
	CHECK_INT(cred_db_load(&db, path, &e), 0);
	CHECK_INT(db.n, 5);
	const struct cred_entry *pick[8];
	size_t n = cred_db_pick(&db, "http", "Hikvision Webs camera", pick, 8);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(pick[0]->pass, "12345"); /* the device's own default first */
		CHECK_STR(pick[1]->pass, "admin");
		CHECK_STR(pick[2]->pass, "pass");
	}
	CHECK_INT(cred_db_pick(&db, "http", "Dahua", pick, 8), 2); /* admin/admin once */
	CHECK_INT(cred_db_pick(&db, "http", "", pick, 1), 1);      /* the budget */
	cred_db_release(&db);
	f = fopen(path, "w");
	fputs("vendor,match,protocol,user,password,source\nX,(unclosed,http,a,b,c\n", f);
	fclose(f);
	CHECK(cred_db_load(&db, path, &e) < 0);
	CHECK(strstr(e.msg, "line 2: match \"(unclosed\" is not a valid expression") != NULL);
	unlink(path);
}

SUITE(suite_creds, "creds", { "redact", test_redact }, { "tables", test_tables }, { "cred_db", test_cred_db });

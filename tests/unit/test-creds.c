/* creds/: redaction, the structural detector and the credential database. */
#include "test.h"
#include "base/redact.h"
#include "creds/cred-db.h"
#include "creds/secret-rows.h"
#include "store/store.h"
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_redact(void)
{
	char out[64], h[REDACT_HASH_LEN], h2[REDACT_HASH_LEN];
	unsigned char key[REDACT_KEY_LEN], other[REDACT_KEY_LEN];
	for (int i = 0; i < REDACT_KEY_LEN; i++)
		key[i] = (unsigned char)(i + 1), other[i] = (unsigned char)(i + 2);
	/* no key set yet: a random one of this process, never the bare SHA-256 */
	redact_hash("admin", 5, h);
	CHECK(strcmp(h, "8c6976e5") != 0); /* SHA-256("admin") starts 8c6976e5: any dictionary reverses it */
	redact_set_key(key);
	redact_hash("12345", 5, h);
	CHECK_STR(h, "1bcb5397"); /* HMAC-SHA-256(01 02 .. 20, "12345") starts 1bcb5397 */
	redact_hash("admin", 5, h);
	CHECK_STR(h, "6b9ff6e7");
	redact_set_key(other); /* another store: another tag for the same password */
	redact_hash("admin", 5, h2);
	CHECK(strcmp(h, h2) != 0);
	redact_set_key(key);
	redact_fmt("Summer2024!", 11, out, sizeof(out));
	CHECK(!strncmp(out, "S…(11) #", strlen("S…(11) #")));
	CHECK(!strstr(out, "ummer"));
	struct buf b = BUF_INIT;
	redact_json(&b, "\"x", 2); /* a quote is never shown, even as the first character */
	CHECK(strstr(b.data, "{\"first\":\"*\",\"length\":2,\"tag\":\"") == b.data);
	buf_release(&b);
}

/* The shareable form: the first character and the tag go, the length stays. */
static void test_redact_untag(void)
{
	char s[160] = "community p…(6) #1a2b3c4d answers; sysObjectID 1.3.6";
	CHECK(redact_untag(s));
	CHECK_STR(s, "community …(6) answers; sysObjectID 1.3.6");
	char j[160] = "{\"user\":\"a…(5) #0badc0de\",\"password\":\"*…(12) #ffffffff\",\"n\":1}";
	CHECK(redact_untag(j));
	CHECK_STR(j, "{\"user\":\"…(5)\",\"password\":\"…(12)\",\"n\":1}");
	/* not a redacted form: left alone */
	char k[80] = "x…(5) #12345 and …(7) #1a2b3c4d and a…() #1a2b3c4d and #1a2b3c4d";
	CHECK(!redact_untag(k));
	CHECK_STR(k, "x…(5) #12345 and …(7) #1a2b3c4d and a…() #1a2b3c4d and #1a2b3c4d");
	char e[8] = "";
	CHECK(!redact_untag(e));
}

/* The key is made with the store, kept in it (the file stays 0600) and the
 * same at every opening; another store has another. */
static void test_redact_store_key(void)
{
	char dir[] = "/tmp/dormant-unit-key-XXXXXX", a[96], b[96];
	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(a, sizeof(a), "%s/a.db", dir);
	snprintf(b, sizeof(b), "%s/b.db", dir);
	struct store *st = NULL;
	struct dm_err e = { "" };
	unsigned char ka[REDACT_KEY_LEN], ka2[REDACT_KEY_LEN], kb[REDACT_KEY_LEN],
	    zero[REDACT_KEY_LEN] = { 0 };
	CHECK_INT(store_open(a, &st, &e), 0);
	if (st) memcpy(ka, store_redact_key(st), sizeof(ka));
	store_close(st);
	struct stat sb;
	CHECK(stat(a, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK_INT(store_open(a, &st, &e), 0);
	if (st) memcpy(ka2, store_redact_key(st), sizeof(ka2));
	store_close(st);
	CHECK_INT(store_open(b, &st, &e), 0);
	if (st) memcpy(kb, store_redact_key(st), sizeof(kb));
	store_close(st);
	CHECK(!memcmp(ka, ka2, sizeof(ka)));
	CHECK(memcmp(ka, kb, sizeof(ka)) != 0);
	CHECK(memcmp(ka, zero, sizeof(ka)) != 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
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
	lines("NAS at 10.1.2.3\nuser: backup\npassword: Tr0ub4dor&3\nreset your password at the portal\n",
	      &it);
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
	fputs("# "
	      "comment\nvendor,match,protocol,user,password,source\nG,,http,admin,admin,g\nH,hikvision,http,"
	      "admin,12345,h\n"
	      "D,dahua,http,admin,admin,d\nG,,http,root,pass,g\nG,,telnet,root,xc3511,m\n",
	      f);
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

SUITE(suite_creds, "creds", { "redact", test_redact }, { "redact_untag", test_redact_untag },
      { "redact_store_key", test_redact_store_key }, { "tables", test_tables }, { "cred_db", test_cred_db });

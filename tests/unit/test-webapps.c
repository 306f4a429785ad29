/* probe/webpage, probe/wappalyzer, probe/webapps and their store table:
 * page parsing, Wappalyzer's rule semantics (on rules written here, not on
 * the installed GPL data), merging into a service, and the saved pages of
 * tests/webapps when the rules are installed. */
#include "test.h"
#include "test-db.h"
#include "base/buf.h"
#include "model/resultset.h"
#include "probe/webapps.h"
#include "store/store.h"
#include "analyze/vulnerable.h"
#include "model/finding.h"
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void parse_page(void)
{
	/* the body sent in chunks cut anywhere (inside tags and attributes) */
	const char *body =
	    "<html><head><title>A &amp;\n B</title><meta name=\"Generator\" content='WordPress "
	    "6.4.2'><script src=/js/jquery-3.7.1.min.js></script><script>var v=\"1.2\";</script>"
	    "<meta http-equiv=refresh content=\"0; url=/login.html\"></head>";
	char resp[2048];
	size_t w = (size_t)snprintf(resp, sizeof(resp),
				    "HTTP/1.1 200 OK\r\nServer: Apache/2.4.57\r\n"
				    "Set-Cookie: sid=abc; path=/\r\nSet-Cookie: ZM_TEST=true;Secure\r\n"
				    "Transfer-Encoding: chunked\r\n\r\n");
	for (size_t off = 0, len = strlen(body), step = 7; off < len; off += step, step += 11) {
		size_t l = off + step > len ? len - off : step;
		w += (size_t)snprintf(resp + w, sizeof(resp) - w, "%zx\r\n%.*s\r\n", l, (int)l, body + off);
	}
	snprintf(resp + w, sizeof(resp) - w, "0\r\n\r\n");
	struct webpage pg;
	CHECK_INT(webpage_parse_http((const uint8_t *)resp, strlen(resp), &pg), 0);
	CHECK_INT(pg.status, 200);
	CHECK_STR(webpage_header(&pg, "server"), "Apache/2.4.57");
	CHECK_INT(pg.n_cookies, 2);
	CHECK_STR(pg.cookies[1].name, "ZM_TEST");
	CHECK_STR(pg.cookies[1].value, "true");
	CHECK_STR(pg.title, "A &amp; B"); /* entities as sent: Recog's titles expect them */
	CHECK_STR(webpage_meta(&pg, "generator"), "WordPress 6.4.2");
	CHECK_INT(pg.n_scripts, 1);
	CHECK_STR(pg.scripts[0], "/js/jquery-3.7.1.min.js");
	CHECK(pg.inline_js && strstr(pg.inline_js, "var v=\"1.2\";"));
	CHECK_STR(pg.location, "/login.html");
	webpage_free(&pg);
	CHECK_INT(webpage_parse_http((const uint8_t *)"SSH-2.0-OpenSSH_9.2\r\n", 21, &pg), -1);
	/* hostile: unclosed tags and quotes, NULs, no end of headers */
	const char bad[] = "HTTP/1.0 200 x\nA:\n\n<meta name='x content=\"<script src=\0<title";
	CHECK_INT(webpage_parse_http((const uint8_t *)bad, sizeof(bad) - 1, &pg), 0);
	CHECK_STR(pg.title, "");
	webpage_free(&pg);
}

static const char rules[] =
    "{\"Alpha CMS\":{\"cats\":[1],\"cpe\":\"cpe:2.3:a:alpha:alpha_cms:*:*:*:*:*:*:*:*\","
    "  \"meta\":{\"generator\":\"^Alpha(?: "
    "([\\\\d.]+))?\\\\;version:\\\\1\"},\"implies\":[\"Lang\\\\;confidence:50\"]},"
    " \"Lang\":{\"cats\":[27],\"headers\":{\"X-Powered-By\":\"^Lang/([\\\\d.]+)\\\\;version:\\\\1\"}},"
    " \"Mailer\":{\"cats\":[30],\"cookies\":{\"mail_[a-z]+\":\"\"},\"html\":\"<div "
    "id=.mailer\\\\;confidence:50\"},"
    " \"Weak\":{\"cats\":[59],\"html\":[\"weak-marker\\\\;confidence:25\"]},"
    " \"Plugin\":{\"cats\":[87],\"scriptSrc\":\"plugin\\\\.js\",\"requires\":\"Alpha CMS\"},"
    " \"Orphan\":{\"cats\":[87],\"scriptSrc\":\"orphan\\\\.js\",\"requires\":[\"Nobody\"]},"
    " \"Tern\":{\"cats\":[1],\"headers\":{\"X-Tern\":\"(pro)?\\\\;version:\\\\1?Pro:Free\"},\"excludes\":"
    "\"Old\"},"
    " \"Old\":{\"cats\":[1],\"html\":\"old-marker\"},"
    " \"Slow\":{\"cats\":[1],\"html\":\"^(a+)+$\"},"
    " \"Bad\":{\"cats\":[1],\"html\":\"(unclosed\"},"
    " \"Srv\":{\"cats\":[22],\"headers\":{\"Server\":\"^Srv\"}}}";

static const struct wa_hit *hit(const struct wa_hit *h, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(h[i].name, name)) return &h[i];
	return NULL;
}

static void wappalyzer_rules(void)
{
	struct wa_db db = { 0 };
	struct dm_err e;
	CHECK_INT(wa_db_load_mem(&db, rules, strlen(rules), "rules.json", &e), 0);
	CHECK_INT(db.n, 11);
	CHECK_INT(db.refused, 1); /* "(unclosed" */
	const char *page =
	    "HTTP/1.1 200 OK\nX-Powered-By: Lang/8.2\nX-Tern: pro\nServer: Srv\n"
	    "Set-Cookie: mail_sess=1\n\n<meta name=generator content=\"Alpha 2.1\">"
	    "<div id='mailer'>weak-marker<script src=/a/plugin.js></script><script src=/orphan.js>"
	    "old-marker";
	struct webpage pg;
	CHECK_INT(webpage_parse_http((const uint8_t *)page, strlen(page), &pg), 0);
	struct wa_hit h[16];
	size_t n = wa_match(&db, &pg, 0, h, 16);
	const struct wa_hit *a = hit(h, n, "Alpha CMS");
	CHECK(a && !strcmp(a->version, "2.1") && a->confidence == 100);
	CHECK(a && a->cpe && !strncmp(a->cpe, "cpe:2.3:a:alpha:alpha_cms:", 26));
	const struct wa_hit *l = hit(h, n, "Lang"); /* found directly: the header's version */
	CHECK(l && !strcmp(l->version, "8.2") && !l->implied);
	const struct wa_hit *m = hit(h, n, "Mailer"); /* cookie by expression 100 + html 50, capped */
	CHECK(m && m->confidence == 100);
	const struct wa_hit *w = hit(h, n, "Weak");
	CHECK(w && w->confidence == 25);
	CHECK(hit(h, n, "Plugin") != NULL);
	CHECK(hit(h, n, "Orphan") == NULL); /* requires a technology not found */
	const struct wa_hit *t = hit(h, n, "Tern");
	CHECK(t && !strcmp(t->version, "Pro"));
	CHECK(hit(h, n, "Old") == NULL); /* excluded by Tern */
	CHECK(hit(h, n, "Srv") != NULL);
	/* the minimum confidence leaves out the weak one */
	n = wa_match(&db, &pg, 50, h, 16);
	CHECK(hit(h, n, "Weak") == NULL);
	webpage_free(&pg);

	/* catastrophic backtracking ends at the match limit, not in a hang */
	char *slow = malloc(40001);
	memset(slow, 'a', 40000);
	slow[39999] = 'b';
	slow[40000] = 0;
	webpage_parse_html((const uint8_t *)slow, 40000, &pg);
	time_t t0 = time(NULL);
	n = wa_match(&db, &pg, 0, h, 16);
	CHECK(hit(h, n, "Slow") == NULL);
	CHECK(time(NULL) - t0 < 20);
	webpage_free(&pg);
	free(slow);

	/* implied only: no version, marked implied */
	webpage_parse_html((const uint8_t *)"<meta name=generator content=\"Alpha\">", 37, &pg);
	n = wa_match(&db, &pg, 0, h, 16);
	l = hit(h, n, "Lang");
	CHECK(l && l->implied && l->confidence == 50 && !l->version[0]);
	webpage_free(&pg);
	wa_db_release(&db);

	/* bad input: one line naming the input and where */
	struct wa_db bad = { 0 };
	CHECK(wa_db_load_mem(&bad, "{\"A\":{\"cats\":[1}", 16, "bad.json", &e) < 0);
	CHECK(strstr(e.msg, "bad.json") != NULL);
	wa_db_release(&bad);
	CHECK(wa_db_load(&bad, "/nonexistent/webapps", &e) < 0);
	CHECK(strstr(e.msg, "/nonexistent/webapps") != NULL);
	wa_db_release(&bad);
}

static void service_apps(void)
{
	struct wa_db db = { 0 };
	struct dm_err e;
	CHECK_INT(wa_db_load_mem(&db, rules, strlen(rules), "rules.json", &e), 0);
	struct webpage pg;
	const char *page = "HTTP/1.1 200 OK\nServer: Srv\nX-Powered-By: Lang/8.2\n\n"
			   "<meta name=generator content=\"Alpha 2.1\">";
	CHECK_INT(webpage_parse_http((const uint8_t *)page, strlen(page), &pg), 0);
	struct obs_service s = { 0 };
	webapps_from_page(NULL, &db, &pg, &s);
	CHECK_INT(
	    s.n_apps,
	    2); /* Bad's refused expression matches nothing; Srv is a web server: the service record's business */
	CHECK_STR(s.apps[0].name, "Alpha CMS");
	CHECK_STR(s.apps[0].version, "2.1");
	CHECK_STR(s.apps[0].cpe, "cpe:2.3:a:alpha:alpha_cms:2.1:*:*:*:*:*:*:*");
	CHECK_STR(s.apps[0].source, "wappalyzer:Alpha CMS");
	/* another database naming the same product (same CPE) completes it */
	webapps_add(&s, "Alpha Content", NULL, "cpe:/a:alpha:alpha_cms:-", "recog:x.xml:1");
	CHECK_INT(s.n_apps, 2);
	webapps_add(&s, "Gamma", "1.0", "cpe:/a:gamma:gamma:-", "recog:x.xml:2");
	CHECK_STR(s.apps[2].cpe, "cpe:2.3:a:gamma:gamma:1.0:*:*:*:*:*:*:*");
	for (int i = 0; i < 20; i++) webapps_add(&s, i % 2 ? "X" : "Y", NULL, NULL, "t"); /* bounded */
	CHECK(s.n_apps <= OBS_MAX_APPS);
	webpage_free(&pg);
	wa_db_release(&db);
}

/* The saved tuning pages against the installed rules (skipped without them). */
static void saved_pages(void)
{
	struct wa_db db = { 0 };
	struct dm_err e;
	if (access(WA_DEFAULT_DIR "/technologies.json", R_OK) != 0) {
		printf("    skip: no Wappalyzer rules at %s (scripts/deps installs them)\n", WA_DEFAULT_DIR);
		return;
	}
	CHECK_INT(wa_db_load(&db, WA_DEFAULT_DIR, &e), 0);
	CHECK(db.n > 1000);
	static const struct {
		const char *page, *app, *version;
	} want[] = {
		{ "wordpress/index.http", "WordPress", "6.4.2" },
		{ "jenkins/index.http", "Jenkins", "2.426.1" },
		{ "owa/owa_auth_logon.aspx.http", "Outlook Web App", "15.2.1258.12" },
		{ "synology-nas/index.http", "Synology DiskStation", "" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/tests/webapps/tune/%s", DORMANT_SOURCEDIR, want[i].page);
		struct buf b = { 0 };
		CHECK_INT(buf_read_file(&b, path, 1 << 20, "page", &e), 0);
		struct webpage pg;
		CHECK_INT(webpage_parse_http((const uint8_t *)b.data, b.len, &pg), 0);
		struct obs_service s = { 0 };
		webapps_from_page(NULL, &db, &pg, &s);
		bool found = false;
		for (unsigned k = 0; k < s.n_apps; k++)
			if (!strcmp(s.apps[k].name, want[i].app) &&
			    !strcmp(s.apps[k].version, want[i].version))
				found = true;
		if (!found) printf("    %s: %s %s not found\n", want[i].page, want[i].app, want[i].version);
		CHECK(found);
		webpage_free(&pg);
		buf_release(&b);
	}
	wa_db_release(&db);
}

static void stored_apps(void)
{
	char dir[128], path[160];
	snprintf(dir, sizeof(dir), "/tmp/dormant-unit-wa-%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/x.db", dir);
	if (test_db_pg()) test_db_path(path, sizeof(path), ""); /* DM_TEST_DB: on PostgreSQL */
	struct store *st;
	struct dm_err e;
	CHECK_INT(store_open(path, &st, &e), 0);
	int64_t run;
	CHECK_INT(store_run_begin(st, "scan", "198.18.0.0/24", 100, &run, &e), 0);
	struct resultset rs = { 0 }, back = { 0 };
	struct obs_host h = { .ip = ipaddr_v4(0xc612000a), .how = HOW_TCP, .reason = "syn-ack", .ts = 100 };
	resultset_add_host(&rs, &h);
	struct obs_port p = { .ip = h.ip,
			      .port = 8080,
			      .proto = PROTO_TCP,
			      .state = PORT_OPEN,
			      .reason = "syn-ack",
			      .ts = 101 };
	resultset_add_port(&rs, &p);
	struct obs_service s = { .ip = h.ip, .port = 8080, .proto = PROTO_TCP, .name = "http", .ts = 101 };
	webapps_add(&s, "WordPress", "6.4.2", "cpe:2.3:a:wordpress:wordpress:*:*:*:*:*:*:*:*",
		    "wappalyzer:WordPress");
	webapps_add(&s, "jQuery", NULL, "cpe:2.3:a:jquery:jquery:*:*:*:*:*:*:*:*", "wappalyzer:jQuery");
	resultset_add_service(&rs, &s);
	resultset_sort(&rs);
	CHECK_INT(store_save_results(st, run, &rs, &e), 0);
	CHECK_INT(store_load_results(st, run, &back, &e), 0);
	CHECK_INT(back.n_hosts, 1);
	const struct obs_service *b = back.n_hosts ? host_service(&back.hosts[0], PROTO_TCP, 8080) : NULL;
	CHECK(b && b->n_apps == 2);
	if (b && b->n_apps == 2) {
		CHECK_STR(b->apps[0].name, "WordPress");
		CHECK_STR(b->apps[0].version, "6.4.2");
		CHECK_STR(b->apps[0].cpe, "cpe:2.3:a:wordpress:wordpress:6.4.2:*:*:*:*:*:*:*");
		CHECK_STR(b->apps[1].source, "wappalyzer:jQuery");
		CHECK_STR(b->apps[1].version, "");
	}
	resultset_release(&rs);
	resultset_release(&back);
	store_close(st);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd)) {
	}
}

/* An application behind a server is matched like a service: with its CPE
 * and version; not without a version. */
static void apps_matched_to_cves(void)
{
	char dir[] = "/tmp/dormant-wa-vuln-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[128];
	snprintf(path, sizeof(path), "%s/v.db", dir);
	if (test_db_pg()) test_db_path(path, sizeof(path), ""); /* DM_TEST_DB: on PostgreSQL */
	struct store *st;
	struct dm_err e;
	CHECK_INT(store_open(path, &st, &e), 0);
	struct vuln_cve c = { .num = 202400099001LL, .cvss = 9.8, .source = "nvd" };
	snprintf(c.modified, sizeof(c.modified), "2024-07-09");
	struct vuln_product vp = { "roundcube", "webmail" };
	c.products = &vp;
	c.n_products = 1;
	c.configs =
	    "C\t0\t0\nN\t0\t0\nM\t1\tcpe:2.3:a:roundcube:webmail:*:*:*:*:*:*:*:*\t1.6.0\t1\t1.6.7\t0\n";
	enum vuln_change ch;
	CHECK_INT(store_vuln_begin(st, &e), 0);
	CHECK_INT(store_vuln_put_cve(st, &c, &ch, &e), 0);
	CHECK_INT(store_vuln_end(st, true, &e), 0);
	struct resultset rs = { 0 };
	struct obs_host h = { .ip = ipaddr_v4(0xc612000b), .how = HOW_TCP, .reason = "syn-ack", .ts = 100 };
	resultset_add_host(&rs, &h);
	struct obs_service s = { .ip = h.ip, .port = 443, .proto = PROTO_TCP, .name = "https", .ts = 101 };
	snprintf(s.product, sizeof(s.product), "nginx");
	webapps_add(&s, "Roundcube Webmail", "1.6.4", "cpe:/a:roundcube:webmail:-", "recog:html_title.xml:1");
	webapps_add(&s, "RoundCube", NULL, "cpe:2.3:a:roundcube:webmail:*:*:*:*:*:*:*:*",
		    "wappalyzer:RoundCube");
	CHECK_INT(s.n_apps, 1); /* one product, two databases */
	resultset_add_service(&rs, &s);
	struct aliases al = { 0 };
	struct vuln_matcher m;
	vuln_matcher_init(&m, st, &al);
	struct findings fs = { 0 };
	CHECK_INT(analyze_vulnerable(&m, &rs, CONF_NONE, &fs, &e), 0);
	CHECK_INT(fs.n, 1);
	if (fs.n) {
		CHECK(strstr(fs.v[0].title, "Roundcube Webmail 1.6.4 on 198.18.0.11:443/tcp") != NULL);
		CHECK(strstr(fs.v[0].evidence, "CVE-2024-99001") != NULL);
	}
	findings_release(&fs);
	/* the same application with no version shown: nothing claimed */
	resultset_release(&rs);
	memset(&rs, 0, sizeof(rs));
	resultset_add_host(&rs, &h);
	s.n_apps = 0;
	webapps_add(&s, "RoundCube", NULL, "cpe:2.3:a:roundcube:webmail:*:*:*:*:*:*:*:*",
		    "wappalyzer:RoundCube");
	resultset_add_service(&rs, &s);
	struct findings fs2 = { 0 };
	CHECK_INT(analyze_vulnerable(&m, &rs, CONF_NONE, &fs2, &e), 0);
	CHECK_INT(fs2.n, 0);
	findings_release(&fs2);
	vuln_matcher_release(&m);
	resultset_release(&rs);
	store_close(st);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd)) {
	}
}

SUITE(suite_webapps, "webapps", T(parse_page), T(wappalyzer_rules), T(service_apps), T(saved_pages),
      T(stored_apps), T(apps_matched_to_cves));

/* Findings with a life (model/finding-life.c, store-sqlite-life.c,
 * pipeline/lifecycle.c): identities, every transition, and the outbox rows
 * the changes write, exactly. */
#include "test.h"
#include "test-db.h"
#include "base/util.h"
#include "alert/alert.h"
#include "pipeline/lifecycle.h"
#include "pipeline/run-events.h"
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static void transitions(void)
{
	struct life_record r = { 0 };
	CHECK_INT(life_seen(&r, 1, SEV_MEDIUM, 100), LEV_NEW);
	CHECK_INT(r.state, LIFE_NEW);
	r.id = 7;
	CHECK_INT(life_seen(&r, 1, SEV_MEDIUM, 100), LEV_NONE); /* twice in one run */
	CHECK_INT(r.state, LIFE_NEW);
	CHECK_INT(life_seen(&r, 2, SEV_MEDIUM, 200), LEV_NONE);
	CHECK_INT(r.state, LIFE_OPEN);
	r.state = LIFE_ACKED, r.ack_until = 0;
	CHECK_INT(life_seen(&r, 3, SEV_MEDIUM, 300), LEV_NONE); /* acknowledged: no alert again */
	CHECK_INT(r.state, LIFE_ACKED);
	CHECK_INT(life_seen(&r, 4, SEV_LOW, 400), LEV_NONE); /* lower: not an escalation */
	CHECK_INT(r.state, LIFE_ACKED);
	CHECK_INT(life_seen(&r, 5, SEV_HIGH, 500), LEV_ESCALATED);
	CHECK_INT(r.state, LIFE_OPEN);
	CHECK_INT(r.peak, SEV_HIGH);
	CHECK_INT(life_seen(&r, 6, SEV_HIGH, 600), LEV_NONE);
	CHECK_INT(life_unseen(&r, 700), LEV_RESOLVED);
	CHECK_INT(r.state, LIFE_RESOLVED);
	CHECK_INT(life_unseen(&r, 800), LEV_NONE);
	CHECK_INT(life_seen(&r, 9, SEV_LOW, 900), LEV_REOPENED);
	CHECK_INT(r.state, LIFE_REOPENED);
	CHECK_INT(r.peak, SEV_LOW);
	CHECK_INT(life_seen(&r, 10, SEV_LOW, 1000), LEV_NONE);
	CHECK_INT(r.state, LIFE_OPEN);
	CHECK_INT(r.changes, 4); /* new, escalated, resolved, reopened */
	/* an acknowledgement that lapsed: open again, without an alert */
	r.state = LIFE_ACKED, r.ack_until = 1500;
	CHECK_INT(life_seen(&r, 11, SEV_LOW, 1400), LEV_NONE);
	CHECK_INT(r.state, LIFE_ACKED);
	CHECK_INT(life_seen(&r, 12, SEV_LOW, 1600), LEV_NONE);
	CHECK_INT(r.state, LIFE_OPEN);
	/* suppression with and without an end */
	r.suppressed = true, r.suppress_until = 0;
	CHECK(life_is_suppressed(&r, 1e12));
	r.suppress_until = 2000;
	CHECK(life_is_suppressed(&r, 1999) && !life_is_suppressed(&r, 2000));
	CHECK_INT(life_event_parse("port-opened"), LEV_PORT_OPENED);
	CHECK_INT(life_event_parse("nope"), 0);
	CHECK_INT(life_state_parse("acknowledged"), LIFE_ACKED);
}

static void add(struct findings *fs, const char *rule, enum severity sev, uint32_t ip, uint16_t port,
		const char *evidence)
{
	struct finding f = {
		.severity = sev, .has_ip = true, .ip = ipaddr_v4(ip), .port = port, .proto = PROTO_TCP
	};
	snprintf(f.rule, sizeof(f.rule), "%s", rule);
	snprintf(f.title, sizeof(f.title), "%s on %u", rule, port);
	f.evidence = xstrdup(evidence);
	f.remediation = xstrdup("close it");
	f.first_seen = 1000, f.last_seen = 2000;
	findings_add(fs, &f);
}

static void identity(void)
{
	struct findings fs = { 0 };
	add(&fs, "beacon", SEV_HIGH, 0x0a000002, 0, "{\"dst\":\"198.51.100.7\",\"period_s\":60}");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 22, "{\"window_days\":7}");
	char k[LIFE_KEY_MAX];
	life_key(&fs.v[0], "hq", k, sizeof(k));
	CHECK_STR(k, "beacon|hq|10.0.0.2||198.51.100.7");
	life_key(&fs.v[1], "hq", k, sizeof(k));
	CHECK_STR(k, "unused-port|hq|10.0.0.1|22/tcp|");
	findings_release(&fs);
}

struct box {
	size_t n;
	char events[16][16];
	char keys[16][160];
	char states[16][16];
};

static int collect(void *ctx, const struct life_alert *a)
{
	struct box *b = ctx;
	if (b->n < 16) {
		snprintf(b->events[b->n], sizeof(b->events[0]), "%s", a->event);
		snprintf(b->keys[b->n], sizeof(b->keys[0]), "%s", a->key);
		snprintf(b->states[b->n], sizeof(b->states[0]), "%s", a->state);
	}
	b->n++;
	return 0;
}

static int apply(struct store *st, int64_t run, struct findings *fs, const struct site_config *site,
		 const char *rules, struct life_apply_out *o)
{
	struct lifecycle_scope sc = { .all_rules = !rules, .rules = rules };
	struct dm_err e = { "" };
	int r = lifecycle_apply(st, run, fs, site, &sc, 1000.0 * (double)run, o, &e);
	if (r < 0) printf("    %s\n", e.msg);
	findings_release(fs);
	return r;
}

static int first_id(void *ctx, const struct life_view *v)
{
	*(int64_t *)ctx = v->r.id;
	return 0;
}

static int find_unused(void *ctx, const struct life_view *v)
{
	if (!strcmp(v->r.rule, "unused-port")) *(int64_t *)ctx = v->r.id;
	return 0;
}

static int state_of(void *ctx, const struct life_view *v)
{
	*(int *)ctx = v->r.state;
	return 0;
}

static void store_life(void)
{
	struct store *st = test_db_open("life");
	CHECK(st != NULL);
	if (!st) return;
	struct dm_err e = { "" };
	struct site_config site;
	site_config_defaults(&site);
	CHECK_INT(site_config_parse(&site,
				    "[site]\nname = hq\n[alert ops]\ntype = jsonl\npath = /dev/null\n"
				    "min_severity = medium\n[alert beacons]\ntype = jsonl\npath = /dev/null\n"
				    "rules = beacon\nevents = new\n",
				    "test.conf", &e),
		  0);
	struct findings fs = { 0 };
	struct life_apply_out o;
	/* run 1: two new findings; ops wants both, beacons only the beacon */
	add(&fs, "beacon", SEV_HIGH, 0x0a000002, 0, "{\"dst\":\"198.51.100.7\"}");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 22, "{}");
	add(&fs, "idle-host", SEV_LOW, 0x0a000003, 0, "{}"); /* below ops's min_severity */
	CHECK_INT(apply(st, 1, &fs, &site, NULL, &o), 0);
	CHECK_INT(o.created, 3);
	CHECK_INT(o.alerts, 3);
	/* run 2: the same: no change, no alert */
	add(&fs, "beacon", SEV_HIGH, 0x0a000002, 0, "{\"dst\":\"198.51.100.7\"}");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 22, "{}");
	add(&fs, "idle-host", SEV_LOW, 0x0a000003, 0, "{}");
	CHECK_INT(apply(st, 2, &fs, &site, NULL, &o), 0);
	CHECK_INT(o.seen, 3);
	CHECK_INT(o.alerts + o.created + o.resolved, 0);
	int64_t port_id = 0;
	CHECK_INT(store_life_list(st, "hq", LIFE_OPEN, find_unused, &port_id, &e), 0);
	CHECK(port_id > 0);
	CHECK_INT(store_life_act(st, port_id, LIFE_ACT_ACK, "ann", "known, ticket 42", 0, 2500, &e), 0);
	/* run 3 judges beacon only: the beacon is gone (resolved), the
	 * acknowledged port is seen and stays quiet, idle-host not judged */
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 22, "{}");
	CHECK_INT(apply(st, 3, &fs, &site, "beacon", &o), 0);
	CHECK_INT(o.resolved, 1);
	CHECK_INT(o.alerts, 1);
	int state = -1;
	CHECK_INT(store_life_get(st, port_id, state_of, &state, &e), 1);
	CHECK_INT(state, LIFE_ACKED);
	/* run 4: the acknowledged port escalates: it alerts and is open again */
	add(&fs, "unused-port", SEV_HIGH, 0x0a000001, 22, "{}");
	add(&fs, "idle-host", SEV_LOW, 0x0a000003, 0, "{}");
	CHECK_INT(apply(st, 4, &fs, &site, "unused-port,idle-host", &o), 0);
	CHECK_INT(o.escalated, 1);
	CHECK_INT(o.alerts, 1);
	CHECK_INT(store_life_get(st, port_id, state_of, &state, &e), 1);
	CHECK_INT(state, LIFE_OPEN);
	/* run 5: the beacon is back; suppressed, the port's end says nothing */
	CHECK_INT(store_life_act(st, port_id, LIFE_ACT_SUPPRESS, "bob", "maintenance", 0, 4500, &e), 0);
	add(&fs, "beacon", SEV_HIGH, 0x0a000002, 0, "{\"dst\":\"198.51.100.7\"}");
	add(&fs, "idle-host", SEV_LOW, 0x0a000003, 0, "{}");
	CHECK_INT(apply(st, 5, &fs, &site, NULL, &o), 0);
	CHECK_INT(o.reopened, 1);
	CHECK_INT(o.resolved, 1);
	CHECK_INT(o.alerts, 1); /* ops: reopened; beacons wants "new" only; the port is suppressed */
	CHECK_INT(store_life_get(st, 999, state_of, &state, &e), 0);
	CHECK_INT(store_life_act(st, 999, LIFE_ACT_NOTE, "x", "y", 0, 1, &e), -ENOENT);
	CHECK_INT(store_life_act(st, port_id, LIFE_ACT_ACK, "ann", "again", 0, 5500, &e), DM_EINPUT);
	CHECK_STR(e.msg, "F2 is resolved: nothing to acknowledge");
	/* the outbox, oldest first, per channel */
	struct box ops = { 0 }, beacons = { 0 };
	CHECK_INT(store_alert_pending(st, "ops", 1e12, 0, collect, &ops, &e), 0);
	CHECK_INT(store_alert_pending(st, "beacons", 1e12, 0, collect, &beacons, &e), 0);
	CHECK_INT(ops.n, 5);
	CHECK_STR(ops.events[0], "new");
	CHECK_STR(ops.keys[0], "dormant:hq:F1:1");
	CHECK_STR(ops.events[1], "new");
	CHECK_STR(ops.keys[1], "dormant:hq:F2:1");
	CHECK_STR(ops.events[2], "resolved");
	CHECK_STR(ops.keys[2], "dormant:hq:F1:2");
	CHECK_STR(ops.events[3], "escalated");
	CHECK_STR(ops.states[3], "open");
	CHECK_STR(ops.keys[3], "dormant:hq:F2:2");
	CHECK_STR(ops.events[4], "reopened");
	CHECK_STR(ops.keys[4], "dormant:hq:F1:3");
	CHECK_INT(beacons.n, 1);
	CHECK_STR(beacons.keys[0], "dormant:hq:F1:1");
	/* delivery marks: a failure waits for its next try, a sent one is gone */
	int64_t id = 0;
	CHECK_INT(store_life_list(st, NULL, -1, first_id, &id, &e), 0);
	struct box all = { 0 };
	CHECK_INT(store_alert_list(st, true, 0, collect, &all, &e), 0);
	CHECK_INT(all.n, 6);
	CHECK_INT(store_alert_mark(st, 1, ALERT_MARK_FAILED, 10, 100, "refused", &e), 0);
	CHECK_INT(store_alert_mark(st, 2, ALERT_MARK_SENT, 10, 0, NULL, &e), 0); /* beacons' one */
	ops = (struct box){ 0 }, beacons = (struct box){ 0 };
	CHECK_INT(store_alert_pending(st, "ops", 50, 0, collect, &ops, &e), 0);
	CHECK_INT(ops.n, 4);
	CHECK_STR(ops.keys[0], "dormant:hq:F2:1");
	CHECK_INT(store_alert_pending(st, "beacons", 50, 0, collect, &beacons, &e), 0);
	CHECK_INT(beacons.n, 0);
	ops = (struct box){ 0 };
	CHECK_INT(store_alert_pending(st, "ops", 100, 0, collect, &ops, &e), 0);
	CHECK_INT(ops.n, 5);
	site_config_release(&site);
	test_db_close(st, "life");
}

static struct life_alert sample(void)
{
	struct life_alert a = { .id = 3,
				.finding = 12,
				.run = 4,
				.created = 1767225600.5,
				.severity = SEV_HIGH,
				.port = 8443,
				.first_seen = 1767139200,
				.last_seen = 1767222000 };
	snprintf(a.channel, sizeof(a.channel), "ops");
	snprintf(a.key, sizeof(a.key), "dormant:hq:F12:1");
	snprintf(a.event, sizeof(a.event), "new");
	snprintf(a.state, sizeof(a.state), "new");
	snprintf(a.site, sizeof(a.site), "hq");
	snprintf(a.rule, sizeof(a.rule), "unused-port");
	snprintf(a.ip, sizeof(a.ip), "10.0.0.5");
	snprintf(a.proto, sizeof(a.proto), "tcp");
	/* hostile bytes a banner may have put into a title */
	snprintf(a.title, sizeof(a.title), "open \"x\" ] a|b=c\nnext");
	a.evidence = "{\"window_days\":7}";
	a.remediation = "close it";
	return a;
}

static void check_body(enum alert_format f, const char *want)
{
	struct life_alert a = sample();
	struct buf b = BUF_INIT;
	CHECK_INT(alert_format(&a, f, "sensor1", &b), 0);
	CHECK_STR(b.data, want);
	buf_release(&b);
}

static void bodies(void)
{
	check_body(
	    AFMT_JSON,
	    "{\"type\":\"alert\",\"ts\":\"2026-01-01T00:00:00.500Z\",\"idempotency_key\":\"dormant:hq:F12:"
	    "1\","
	    "\"event\":\"new\",\"channel\":\"ops\",\"finding\":{\"id\":\"F12\",\"rule\":\"unused-port\","
	    "\"severity\":\"high\",\"state\":\"new\",\"site\":\"hq\",\"ip\":\"10.0.0.5\",\"port\":8443,"
	    "\"proto\":\"tcp\",\"title\":\"open \\\"x\\\" ] a|b=c\\nnext\",\"evidence\":{\"window_days\":7},"
	    "\"remediation\":\"close it\",\"first_seen\":\"2025-12-31T00:00:00.000Z\","
	    "\"last_seen\":\"2025-12-31T23:00:00.000Z\",\"link\":\"dormant findings show F12\"}}");
	check_body(
	    AFMT_RFC5424,
	    "<131>1 2026-01-01T00:00:00.500Z sensor1 dormant - new [dormant@32473 key=\"dormant:hq:F12:1\""
	    " event=\"new\" state=\"new\" finding=\"F12\" rule=\"unused-port\" severity=\"high\" site=\"hq\""
	    " ip=\"10.0.0.5\" port=\"8443\" proto=\"tcp\" first_seen=\"2025-12-31T00:00:00.000Z\""
	    " last_seen=\"2025-12-31T23:00:00.000Z\"] open \"x\" ] a|b=c next; evidence: {\"window_days\":7};"
	    " remediation: close it; dormant findings show F12");
	check_body(
	    AFMT_CEF,
	    "<131>1 2026-01-01T00:00:00.500Z sensor1 dormant - new - CEF:0|dormant|dormant|" DORMANT_VERSION
	    "|unused-port|open \"x\" ] a\\|b=c next|8|rt=1767225600500 externalId=F12 act=new outcome=new"
	    " dst=10.0.0.5 dpt=8443 proto=tcp start=1767139200000 end=1767222000000 cs1Label=idempotencyKey"
	    " cs1=dormant:hq:F12:1 cs2Label=site cs2=hq cs3Label=evidence cs3={\"window_days\":7}"
	    " cs4Label=remediation cs4=close it cs5Label=link cs5=dormant findings show F12");
	check_body(AFMT_TEXT, "Finding F12 is new (new) at site hq.\n\n"
			      "Rule:         unused-port\n"
			      "Severity:     high\n"
			      "Host:         10.0.0.5 port 8443/tcp\n"
			      "Title:        open \"x\" ] a|b=c next\n"
			      "First seen:   2025-12-31T00:00:00.000Z\n"
			      "Last seen:    2025-12-31T23:00:00.000Z\n"
			      "Evidence:     {\"window_days\":7}\n"
			      "Remediation:  close it\n"
			      "Details:      dormant findings show F12\n"
			      "Alert key:    dormant:hq:F12:1\n");
	check_body(
	    AFMT_OCSF,
	    "{\"class_uid\":2004,\"class_name\":\"Detection Finding\",\"category_uid\":2,"
	    "\"category_name\":\"Findings\",\"activity_id\":1,\"activity_name\":\"Create\","
	    "\"type_uid\":200401,\"type_name\":\"Detection Finding: Create\",\"time\":1767225600500,"
	    "\"severity_id\":4,\"severity\":\"High\",\"status_id\":1,\"status\":\"New\","
	    "\"message\":\"open \\\"x\\\" ] a|b=c\\nnext\",\"metadata\":{\"version\":\"1.1.0\",\"product\":"
	    "{\"name\":\"dormant\",\"vendor_name\":\"dormant\",\"version\":\"" DORMANT_VERSION "\"},"
	    "\"uid\":\"dormant:hq:F12:1\"},\"finding_info\":{\"uid\":\"dormant:hq:F12\",\"title\":"
	    "\"open \\\"x\\\" ] a|b=c\\nnext\",\"types\":[\"unused-port\"],\"created_time\":1767225600500,"
	    "\"first_seen_time\":1767139200000,\"last_seen_time\":1767222000000},\"resources\":[{\"type\":"
	    "\"host\",\"uid\":\"10.0.0.5\",\"data\":{\"port\":8443,\"proto\":\"tcp\"}}],\"evidences\":"
	    "[{\"data\":{\"window_days\":7}}],\"remediation\":{\"desc\":\"close it\"},\"unmapped\":"
	    "{\"event\":\"new\",\"state\":\"new\",\"site\":\"hq\",\"link\":\"dormant findings show F12\"}}");
	struct life_alert a = sample();
	struct buf b = BUF_INIT;
	CHECK_INT(alert_subject(&a, &b), 0);
	CHECK_STR(b.data, "[dormant] new high unused-port 10.0.0.5:8443: open \"x\" ] a|b=c next");
	buf_release(&b);
	/* an SD-PARAM value escapes ", \\ and ] (RFC 5424 6.3.3) */
	snprintf(a.site, sizeof(a.site), "a]b\"c\\d");
	b = (struct buf)BUF_INIT;
	alert_format(&a, AFMT_RFC5424, NULL, &b);
	CHECK(strstr(b.data, " site=\"a\\]b\\\"c\\\\d\" ip=") != NULL);
	CHECK(!strncmp(b.data, "<131>1 2026-01-01T00:00:00.500Z - dormant - new [", 49));
	buf_release(&b);
	CHECK(alert_backoff(1) == 1 && alert_backoff(2) == 2 && alert_backoff(5) == 16 &&
	      alert_backoff(40) == 300);
}

/* A watch job's port change: no finding, its service, the run's key. */
static void change_bodies(void)
{
	struct life_alert a = { .run = 7,
				.created = 1767225600.5,
				.severity = SEV_INFO,
				.port = 8080,
				.first_seen = 1767139200,
				.last_seen = 1767222000 };
	snprintf(a.channel, sizeof(a.channel), "feed");
	life_change_key("hq", 7, LEV_PORT_OPENED, "10.0.0.5", 8080, "tcp", a.key, sizeof(a.key));
	CHECK_STR(a.key, "dormant:hq:R7:port-opened:10.0.0.5:8080/tcp");
	char k[160];
	life_change_key("hq", 7, LEV_HOST_WOKE, "10.0.0.5", 0, "tcp", k, sizeof(k));
	CHECK_STR(k, "dormant:hq:R7:host-woke:10.0.0.5");
	snprintf(a.event, sizeof(a.event), "port-opened");
	snprintf(a.state, sizeof(a.state), "open");
	snprintf(a.site, sizeof(a.site), "hq");
	snprintf(a.ip, sizeof(a.ip), "10.0.0.5");
	snprintf(a.proto, sizeof(a.proto), "tcp");
	snprintf(a.service, sizeof(a.service), "http");
	snprintf(a.title, sizeof(a.title), "port 8080/tcp (http) opened on 10.0.0.5");
	a.evidence = "{\"run\":7,\"previous_run\":6,\"service\":\"http\"}";
	struct buf b = BUF_INIT;
	CHECK_INT(alert_format(&a, AFMT_JSON, NULL, &b), 0);
	CHECK_STR(b.data,
		  "{\"type\":\"alert\",\"ts\":\"2026-01-01T00:00:00.500Z\",\"idempotency_key\":"
		  "\"dormant:hq:R7:port-opened:10.0.0.5:8080/tcp\",\"event\":\"port-opened\",\"channel\":"
		  "\"feed\",\"change\":{\"site\":\"hq\",\"state\":\"open\",\"ip\":\"10.0.0.5\","
		  "\"port\":8080,\"proto\":\"tcp\",\"service\":\"http\",\"title\":\"port 8080/tcp (http) "
		  "opened on 10.0.0.5\",\"evidence\":{\"run\":7,\"previous_run\":6,\"service\":\"http\"},"
		  "\"first_seen\":\"2025-12-31T00:00:00.000Z\",\"last_seen\":\"2025-12-31T23:00:00.000Z\","
		  "\"run\":7}}");
	buf_reset(&b);
	CHECK_INT(alert_format(&a, AFMT_RFC5424, NULL, &b), 0);
	CHECK_STR(b.data,
		  "<134>1 2026-01-01T00:00:00.500Z - dormant - port-opened [dormant@32473 key=\"dormant:"
		  "hq:R7:port-opened:10.0.0.5:8080/tcp\" event=\"port-opened\" state=\"open\" site=\"hq\""
		  " ip=\"10.0.0.5\" port=\"8080\" proto=\"tcp\" service=\"http\" first_seen=\"2025-12-31T"
		  "00:00:00.000Z\" last_seen=\"2025-12-31T23:00:00.000Z\"] port 8080/tcp (http) opened on "
		  "10.0.0.5; evidence: {\"run\":7,\"previous_run\":6,\"service\":\"http\"}");
	buf_reset(&b);
	CHECK_INT(alert_subject(&a, &b), 0);
	CHECK_STR(b.data, "[dormant] port-opened 10.0.0.5:8080: port 8080/tcp (http) opened on 10.0.0.5");
	buf_reset(&b);
	CHECK_INT(alert_format(&a, AFMT_TEXT, NULL, &b), 0);
	CHECK(strstr(b.data, "Service:      http\n") && !strstr(b.data, "findings show"));
	buf_reset(&b);
	CHECK_INT(alert_format(&a, AFMT_CEF, NULL, &b), 0);
	CHECK(strstr(b.data, "|port-opened|port 8080") && strstr(b.data, " app=http") &&
	      !strstr(b.data, "externalId") && !strstr(b.data, "findings show"));
	buf_reset(&b);
	CHECK_INT(alert_format(&a, AFMT_OCSF, NULL, &b), 0);
	CHECK(strstr(b.data, "\"finding_info\":{\"uid\":\"dormant:hq:R7:port-opened:10.0.0.5:8080/tcp\"") &&
	      strstr(b.data, "\"types\":[\"port-opened\"]") && !strstr(b.data, "findings show"));
	buf_release(&b);
	/* a channel takes a change it names whatever its severity and rules */
	struct alert_config c = { .events = LEV_PORT_OPENED, .min_severity = SEV_HIGH };
	snprintf(c.rules, sizeof(c.rules), "beacon");
	CHECK(alert_config_wants(&c, LEV_PORT_OPENED, "", SEV_INFO));
	CHECK(!alert_config_wants(&c, LEV_PORT_CLOSED, "", SEV_INFO));
}

/* The file channel: one line per alert, and a repeat after a crash (maybe_sent) is not appended again. */
static void jsonl_channel(void)
{
	char path[128];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-alert-%d.jsonl", (int)getpid());
	unlink(path);
	struct alert_config c = { .type = ALERT_JSONL };
	snprintf(c.path, sizeof(c.path), "%s", path);
	struct dm_err e = { "" };
	CHECK_INT(alert_send(&c, "k1", "", "{\"idempotency_key\":\"k1\"}", false, &e), 0);
	CHECK_INT(alert_send(&c, "k1", "", "{\"idempotency_key\":\"k1\"}", true, &e), 0);
	CHECK_INT(alert_send(&c, "k2", "", "{\"idempotency_key\":\"k2\"}", true, &e), 0);
	struct buf b = BUF_INIT;
	CHECK_INT(buf_read_file(&b, path, 4096, "alerts", &e), 0);
	CHECK_STR(b.data, "{\"idempotency_key\":\"k1\"}\n{\"idempotency_key\":\"k2\"}\n");
	buf_release(&b);
	unlink(path);
	/* a symbolic link is not followed */
	if (symlink("/etc/passwd", path) == 0) {
		CHECK(alert_send(&c, "k3", "", "{}", false, &e) < 0);
		unlink(path);
	}
}

/* The config's allowlist as suppressions: set with its origin, kept while an
 * entry covers the finding, lifted when none does; a person's is left. */
static void config_suppress(void)
{
	struct life_record r = { 0 };
	struct life_allow a = { "config x.conf [allow lab]: test rig", 0 };
	CHECK(life_config_suppress(&r, &a, "x.conf", 100));
	CHECK(life_is_suppressed(&r, 100));
	CHECK_STR(r.suppress_by, "config x.conf [allow lab]: test rig");
	CHECK(!life_config_suppress(&r, &a, "x.conf", 200)); /* unchanged */
	a.until = 5000;                                      /* the entry got an expiry */
	CHECK(life_config_suppress(&r, &a, "x.conf", 300));
	CHECK(!life_is_suppressed(&r, 6000));
	/* a run that read no config, or another file (x.conf.old: a prefix is not
	 * the name), knows nothing of x.conf's entries: the suppression stays */
	CHECK(!life_config_suppress(&r, NULL, NULL, 400));
	CHECK(!life_config_suppress(&r, NULL, "", 400));
	CHECK(!life_config_suppress(&r, NULL, "y.conf", 400));
	CHECK(!life_config_suppress(&r, NULL, "x.con", 400));
	CHECK(r.suppressed);
	CHECK(life_config_suppress(&r, NULL, "x.conf", 400)); /* x.conf read, the entry gone */
	CHECK(!r.suppressed);
	CHECK_STR(r.suppress_by, "");
	CHECK(!life_config_suppress(&r, NULL, "x.conf", 400));
	r.suppressed = true; /* a person's: neither replaced nor lifted */
	snprintf(r.suppress_by, sizeof(r.suppress_by), "ann");
	CHECK(!life_config_suppress(&r, &a, "x.conf", 500));
	CHECK(!life_config_suppress(&r, NULL, "x.conf", 500));
	CHECK_STR(r.suppress_by, "ann");
	r.suppress_until = 450; /* a person's that expired: the config's takes over */
	CHECK(life_config_suppress(&r, &a, "x.conf", 500));
	CHECK_STR(r.suppress_by, "config x.conf [allow lab]: test rig");
}

static int suppressed_by(void *ctx, const struct life_view *v)
{
	snprintf(ctx, 330, "%d %s", v->r.suppressed, v->r.suppress_by);
	return 0;
}

/* Through lifecycle_apply and the store: an allowlisted finding is recorded,
 * suppressed with its origin, and does not alert; removing the entry lifts it. */
static void store_allow(void)
{
	struct store *st = test_db_open("allow");
	CHECK(st != NULL);
	if (!st) return;
	struct dm_err e = { "" };
	struct site_config with, without;
	site_config_defaults(&with);
	site_config_defaults(&without);
	const char *base = "[site]\nname = hq\n[alert ops]\ntype = jsonl\npath = /dev/null\n";
	char conf[512];
	snprintf(conf, sizeof(conf),
		 "%s[allow rig]\nrule = unused-port\nhost = 10.0.0.0/24\nport = 22\nreason = test rig\n",
		 base);
	CHECK_INT(site_config_parse(&with, conf, "a.conf", &e), 0);
	CHECK_INT(site_config_parse(&without, base, "b.conf", &e), 0);
	snprintf(with.path, sizeof(with.path), "a.conf");
	struct findings fs = { 0 };
	struct life_apply_out o;
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 22, "{}");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 80, "{}"); /* not the entry's port */
	CHECK_INT(apply(st, 1, &fs, &with, NULL, &o), 0);
	CHECK_INT(o.created, 2);
	CHECK_INT(o.alerts, 1); /* port 80 only */
	char by[330] = "";
	CHECK_INT(store_life_get(st, 1, suppressed_by, by, &e), 1);
	CHECK_STR(by, "1 config a.conf [allow rig]: test rig");
	CHECK_INT(store_life_get(st, 2, suppressed_by, by, &e), 1);
	CHECK_STR(by, "0 ");
	/* a run that read no config, or another file: the suppression stays */
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 22, "{}");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 80, "{}");
	without.path[0] = 0; /* the defaults: no file read */
	CHECK_INT(apply(st, 2, &fs, &without, NULL, &o), 0);
	CHECK_INT(store_life_get(st, 1, suppressed_by, by, &e), 1);
	CHECK_STR(by, "1 config a.conf [allow rig]: test rig");
	snprintf(without.path, sizeof(without.path), "b.conf");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 22, "{}");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 80, "{}");
	CHECK_INT(apply(st, 3, &fs, &without, NULL, &o), 0);
	CHECK_INT(store_life_get(st, 1, suppressed_by, by, &e), 1);
	CHECK_STR(by, "1 config a.conf [allow rig]: test rig");
	/* a.conf read again without the entry: lifted */
	snprintf(without.path, sizeof(without.path), "a.conf");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 22, "{}");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 80, "{}");
	CHECK_INT(apply(st, 4, &fs, &without, NULL, &o), 0);
	CHECK_INT(store_life_get(st, 1, suppressed_by, by, &e), 1);
	CHECK_STR(by, "0 ");
	site_config_release(&with);
	site_config_release(&without);
	test_db_close(st, "allow");
}

/* Three findings seen in run: each one's quiet flag after the apply, as
 * "QQQ" (1 quiet, 0 not), port 22, 80 and 443 of 10.0.0.1. */
static void quiet_of(struct store *st, int64_t run, const struct site_config *site, enum severity sev80,
		     char *out)
{
	struct findings fs = { 0 };
	bool quiet[3] = { 0 };
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 22, "{}");
	add(&fs, "unused-port", sev80, 0x0a000001, 80, "{}");
	add(&fs, "unused-port", SEV_MEDIUM, 0x0a000001, 443, "{}");
	struct lifecycle_scope sc = { .all_rules = true, .ret_quiet = quiet };
	struct dm_err e = { "" };
	CHECK_INT(lifecycle_apply(st, run, &fs, site, &sc, 1000.0 * (double)run, NULL, &e), 0);
	for (size_t i = 0; i < 3; i++) out[i] = quiet[i] ? '1' : '0';
	out[3] = 0;
	findings_release(&fs);
}

/* What --fail-on reads: a finding is quiet while its record is suppressed
 * (by the config's allowlist or a person) or acknowledged; an escalation
 * lifts the ack, and with it the quiet. */
static void quiet_flags(void)
{
	struct store *st = test_db_open("quiet");
	CHECK(st != NULL);
	if (!st) return;
	struct dm_err e = { "" };
	struct site_config site;
	site_config_defaults(&site);
	CHECK_INT(site_config_parse(&site,
				    "[site]\nname = hq\n[allow rig]\nrule = unused-port\nhost = 10.0.0.0/24\n"
				    "port = 22\nreason = test rig\n",
				    "q.conf", &e),
		  0);
	snprintf(site.path, sizeof(site.path), "q.conf");
	char q[4];
	quiet_of(st, 1, &site, SEV_MEDIUM, q);
	CHECK_STR(q, "100"); /* the allowlist's entry */
	CHECK_INT(store_life_act(st, 2, LIFE_ACT_ACK, "ann", "known", 0, 1500, &e), 0);
	CHECK_INT(store_life_act(st, 3, LIFE_ACT_SUPPRESS, "bob", "lab", 0, 1500, &e), 0);
	quiet_of(st, 2, &site, SEV_MEDIUM, q);
	CHECK_STR(q, "111");
	quiet_of(st, 3, &site, SEV_HIGH, q); /* port 80 escalates: open again */
	CHECK_STR(q, "101");
	CHECK_INT(store_life_act(st, 3, LIFE_ACT_UNSUPPRESS, "bob", "done", 0, 3500, &e), 0);
	quiet_of(st, 4, &site, SEV_HIGH, q);
	CHECK_STR(q, "100");
	site_config_release(&site);
	test_db_close(st, "quiet");
}

/* One scan run of the hosts 10.0.0.N (n of them, ids), answering at t. */
static int64_t scan_run(struct store *st, double t, const uint32_t *hosts, size_t n)
{
	struct dm_err e = { "" };
	int64_t run = 0;
	struct resultset rs = { 0 };
	CHECK_INT(store_run_begin(st, "scan", "10.0.0.0/29", t, &run, &e), 0);
	for (size_t i = 0; i < n; i++) {
		struct obs_host h = { .ip = ipaddr_v4(0x0a000000 | hosts[i]),
				      .how = HOW_ICMP,
				      .reason = "echo-reply",
				      .ts = t };
		resultset_add_host(&rs, &h);
	}
	resultset_sort(&rs);
	CHECK_INT(store_save_results(st, run, &rs, &e), 0);
	CHECK_INT(store_run_finish(st, run, "done", t + 1, &e), 0);
	resultset_release(&rs);
	return run;
}

static int outbox_line(void *ctx, const struct life_alert *a)
{
	struct buf *b = ctx;
	buf_printf(b, "%s %s %s %.0f-%.0f;", a->event, a->ip, a->state, a->first_seen, a->last_seen);
	return 0;
}

/* A job's host changes: silent when gone, woke when back after a silence
 * of the usage window (here 0.01 days: 864 s), nothing when back sooner,
 * new when never seen; queued once per channel. */
static void host_events(void)
{
	struct store *st = test_db_open("hostev");
	CHECK(st != NULL);
	if (!st) return;
	struct dm_err e = { "" };
	struct site_config site;
	site_config_defaults(&site);
	CHECK_INT(site_config_parse(&site,
				    "[site]\nname = hq\n[usage]\nwindow_days = 0.01\n"
				    "[alert feed]\ntype = jsonl\npath = /dev/null\n"
				    "events = host-new, host-woke, host-silent\n[alert other]\ntype = jsonl\n"
				    "path = /dev/null\n",
				    "w.conf", &e),
		  0);
	struct run_events_out o;
	int64_t r1 = scan_run(st, 1000, (const uint32_t[]){ 1, 2 }, 2);
	CHECK_INT(run_events_queue(st, r1, "scan", &site, 1001, &o, &e), 0);
	CHECK_INT(o.prev, 0); /* the baseline */
	int64_t r2 = scan_run(st, 2000, (const uint32_t[]){ 1 }, 1);
	CHECK_INT(run_events_queue(st, r2, "scan", &site, 2001, &o, &e), 0);
	CHECK(o.prev == r1 && o.changes == 1 && o.queued == 1);
	int64_t r3 = scan_run(st, 3000, (const uint32_t[]){ 1, 2, 3 }, 3);
	CHECK_INT(run_events_queue(st, r3, "scan", &site, 3001, &o, &e), 0);
	CHECK(o.prev == r2 && o.changes == 2 && o.queued == 2);
	CHECK_INT(run_events_queue(st, r3, "scan", &site, 3002, &o, &e), 0); /* again: nothing new */
	CHECK(o.changes == 2 && o.queued == 0);
	/* 10.0.0.3 misses one scan and is back 200 s later: silent, never idle */
	int64_t r4 = scan_run(st, 3100, (const uint32_t[]){ 1, 2 }, 2);
	CHECK_INT(run_events_queue(st, r4, "scan", &site, 3101, &o, &e), 0);
	CHECK(o.prev == r3 && o.changes == 1 && o.queued == 1);
	int64_t r5 = scan_run(st, 3200, (const uint32_t[]){ 1, 2, 3 }, 3);
	CHECK_INT(run_events_queue(st, r5, "scan", &site, 3201, &o, &e), 0);
	CHECK(o.prev == r4 && o.changes == 1 && o.queued == 0);
	struct buf b = BUF_INIT;
	CHECK_INT(store_alert_pending(st, "feed", 9999, 0, outbox_line, &b, &e), 0);
	CHECK_STR(b.data, "host-silent 10.0.0.2 down 1000-1000;host-woke 10.0.0.2 up 1000-3000;"
			  "host-new 10.0.0.3 up 3000-3000;host-silent 10.0.0.3 down 3000-3000;");
	buf_reset(&b);
	CHECK_INT(store_alert_pending(st, "other", 9999, 0, outbox_line, &b, &e), 0);
	CHECK(!b.len); /* the default events are the findings' */
	buf_release(&b);
	site_config_release(&site);
	test_db_close(st, "hostev");
}

/* The same 10.0.0.1 at two sites is two assets: when it was seen is read
 * from the asking run's site only (an alert's first and last seen). */
static void seen_span_by_site(void)
{
	struct store *st = test_db_open("span");
	CHECK(st != NULL);
	if (!st) return;
	struct dm_err e = { "" };
	CHECK_INT(store_set_site(st, "branch", &e), 0);
	int64_t rb = scan_run(st, 1000, (const uint32_t[]){ 1 }, 1);
	CHECK_INT(store_set_site(st, "hq", &e), 0);
	int64_t rh = scan_run(st, 5000, (const uint32_t[]){ 1 }, 1);
	const struct ipaddr ip = ipaddr_v4(0x0a000001);
	double first = 0, last = 0;
	CHECK_INT(store_seen_span(st, &ip, rh, PROTO_TCP, 0, &first, &last, &e), 1);
	CHECK_INT((int64_t)first, 5000);
	CHECK_INT(store_seen_span(st, &ip, rb, PROTO_TCP, 0, &first, &last, &e), 1);
	CHECK_INT((int64_t)first, 1000);
	CHECK_INT((int64_t)last, 1000);
	test_db_close(st, "span");
}

static void add_path(struct findings *fs, const char *path)
{
	struct finding f = { .rule = "plaintext-credentials", .severity = SEV_MEDIUM, .title = "t" };
	f.path = xstrdup(path);
	findings_add(fs, &f);
}

/* A secrets run judges the files under the paths it read: "/srv/a/" holds
 * /srv/a/.netrc and the archive member /srv/a/x.zip!pw.csv, not /srv/ab;
 * a file named is itself; "/" is everything; what it could not read (unread)
 * is not judged. */
static int scoped(struct store *st, int64_t run, const char *path, const char *unread,
		  struct life_apply_out *o)
{
	const char *paths[] = { path }, *skip[] = { unread };
	struct lifecycle_scope sc = { .rules = "plaintext-credentials",
				      .paths = paths,
				      .n_paths = 1,
				      .unread = skip,
				      .n_unread = !!unread };
	struct findings none = { 0 };
	struct dm_err e = { "" };
	int r = lifecycle_apply(st, run, &none, NULL, &sc, 1000.0 * (double)run, o, &e);
	if (r < 0) printf("    %s\n", e.msg);
	return r;
}

static void path_scope(void)
{
	struct store *st = test_db_open("paths");
	CHECK(st != NULL);
	if (!st) return;
	struct findings fs = { 0 };
	struct life_apply_out o;
	add_path(&fs, "/srv/a/.netrc");
	add_path(&fs, "/srv/a/x.zip!pw.csv");
	add_path(&fs, "/srv/ab/.netrc");
	add_path(&fs, "/srv/b/.env");
	add_path(&fs, "/srv/c/big.csv");
	CHECK_INT(apply(st, 1, &fs, NULL, "plaintext-credentials", &o), 0);
	CHECK_INT(o.created, 5);
	CHECK_INT(scoped(st, 2, "/srv/a/", NULL, &o), 0);
	CHECK_INT(o.resolved, 2);
	CHECK_INT(scoped(st, 3, "/srv/b/.env", NULL, &o), 0);
	CHECK_INT(o.resolved, 1);
	CHECK_INT(scoped(st, 4, "/srv/b", NULL, &o), 0);
	CHECK_INT(o.resolved, 0);
	CHECK_INT(scoped(st, 5, "/srv/c", "/srv/c/big.csv", &o), 0);
	CHECK_INT(o.resolved, 0);
	CHECK_INT(scoped(st, 6, "/", NULL, &o), 0);
	CHECK_INT(o.resolved, 2); /* /srv/ab/.netrc and /srv/c/big.csv, the last */
	test_db_close(st, "paths");
}

/* A host back: woke only after a silence of the usage window. */
static void host_back(void)
{
	double day = 86400, now = 100 * day;
	CHECK_INT(run_event_host_back(0, now, 7), LEV_HOST_NEW);
	CHECK_INT(run_event_host_back(now - 7 * day, now, 7), LEV_HOST_WOKE);
	CHECK_INT(run_event_host_back(now - 30 * day, now, 7), LEV_HOST_WOKE);
	CHECK_INT(run_event_host_back(now - 6.9 * day, now, 7),
		  LEV_NONE); /* a week away, less an hour or so */
	CHECK_INT(run_event_host_back(now - 0.5 * day, now, 7), LEV_NONE); /* a night switched off */
	CHECK_INT(run_event_host_back(now - 0.6 * day, now, 0.5), LEV_HOST_WOKE);
}

SUITE(suite_life, "life", T(transitions), T(identity), T(store_life), T(config_suppress), T(store_allow),
      T(bodies), T(change_bodies), T(jsonl_channel), T(host_events), T(seen_span_by_site), T(host_back),
      T(quiet_flags), T(path_scope));

/* scan/resume: the log survives interruption; damage is named by line. */
#include "test.h"
#include "model/resultset.h"
#include "scan/resume.h"
#include <stdlib.h>
#include <unistd.h>

static char *tmpname(const char *tag)
{
	static char buf[256];
	snprintf(buf, sizeof(buf), "/tmp/dormant-unit-%d-%s", (int)getpid(), tag);
	unlink(buf);
	return buf;
}

static void write_then_resume(void)
{
	char *path = tmpname("resume");
	struct resume rs;
	struct dm_err e;
	uint64_t seed = 42;
	CHECK_INT(resume_open(&rs, path, 0xabc, &seed, false, NULL, &e), 0);
	CHECK(!rs.resumed);
	resume_set_run(&rs, 9);
	struct obs_port p = { .ip = ipaddr_v4(0xc6120001),
			      .port = 22,
			      .proto = PROTO_TCP,
			      .state = PORT_OPEN,
			      .reason = "syn-ack",
			      .ttl = 64,
			      .ts = 1.5 };
	resume_log_port(&rs, &p);
	struct obs_host h = { .ip = ipaddr_v4(0xc6120002),
			      .how = HOW_ARP,
			      .reason = "arp-response",
			      .has_mac = true,
			      .mac = { 2, 0, 0, 0, 0, 2 },
			      .ts = 2 };
	resume_log_host(&rs, &h);
	uint8_t map[4] = { 1, 2, 3, 4 };
	CHECK_INT(resume_checkpoint(&rs, PHASE_SYN, 0, 1234, map, sizeof(map)), 0);
	CHECK_INT(resume_phase_done(&rs, PHASE_ARP), 0);
	resume_close(&rs);
	/* torn last line, as kill -9 in the middle of a write leaves it */
	FILE *f = fopen(path, "a");
	fputs("port 198.18.0.9 tcp 8", f);
	fclose(f);

	struct resultset res = { 0 };
	struct obs_sink sink = resultset_sink(&res);
	uint64_t seed2 = 0;
	CHECK_INT(resume_open(&rs, path, 0xabc, &seed2, false, &sink, &e), 0);
	CHECK(rs.resumed);
	CHECK_INT(seed2, 42);
	CHECK_INT(rs.run_id, 9);
	CHECK_INT(rs.replayed, 2);
	CHECK(rs.have_ckpt && rs.ckpt_phase == PHASE_SYN && rs.ckpt_pos == 1234);
	CHECK(resume_is_done(&rs, PHASE_ARP) && !resume_is_done(&rs, PHASE_SYN));
	uint8_t back[4] = { 0 };
	CHECK(resume_load_map(&rs, back, 4) && back[3] == 4);
	CHECK(!resume_load_map(&rs, back, 5));
	CHECK_INT(res.n_hosts, 2);
	resume_close(&rs);
	resultset_release(&res);
	uint64_t s3 = 0;
	CHECK_INT(resume_open(&rs, path, 0xabd, &s3, false, NULL, &e), DM_EMISMATCH);
	CHECK(strstr(e.msg, "belongs to another scan") != NULL);
	resume_close(&rs);
	s3 = 43;
	CHECK_INT(resume_open(&rs, path, 0xabc, &s3, true, NULL, &e), DM_EMISMATCH);
	resume_close(&rs);
	unlink(path);
	char mp[300];
	snprintf(mp, sizeof(mp), "%s.map", path);
	unlink(mp);
}

static void damage_is_named(void)
{
	char *path = tmpname("bad");
	FILE *f = fopen(path, "w");
	fputs(
	    "dormant-resume 1\nscan 0000000000000abc seed 1\nport 198.18.0.1 tcp 99999 open syn-ack 64 1.0\n",
	    f);
	fclose(f);
	struct resume rs;
	struct dm_err e;
	uint64_t seed = 0;
	CHECK_INT(resume_open(&rs, path, 0xabc, &seed, false, NULL, &e), DM_EINPUT);
	CHECK(strstr(e.msg, ":3: bad port") != NULL);
	resume_close(&rs);
	f = fopen(path, "w");
	fputs("something else\n", f);
	fclose(f);
	CHECK_INT(resume_open(&rs, path, 0xabc, &seed, false, NULL, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "not a dormant resume file") != NULL);
	resume_close(&rs);
	unlink(path);
}

SUITE(suite_resume, "resume", T(write_then_resume), T(damage_is_named));

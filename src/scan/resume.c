/* Reading and appending the resume log (format in resume.h and docs). */
#include "scan/resume.h"
#include "base/safe-write.h"
#include "base/util.h"
#include "net/route.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#define MAGIC "dormant-resume 1"
static const char *const phases[PHASE_COUNT] = { "arp", "ping", "syn", "connect", "udp" };

const char *phase_name(unsigned p) { return p < PHASE_COUNT ? phases[p] : "?"; }

static int phase_parse(const char *s)
{
	for (unsigned i = 0; i < PHASE_COUNT; i++)
		if (!strcmp(s, phases[i])) return (int)i;
	return -1;
}

static char *map_path(const struct resume *rs)
{
	size_t n = strlen(rs->path) + 5;
	char *p = xmalloc(n);
	snprintf(p, n, "%s.map", rs->path);
	return p;
}

static int parse_line(struct resume *rs, char *line, const struct obs_sink *replay, unsigned lineno,
		      struct dm_err *e)
{
	char *argv[12];
	int argc = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, " ", &save); t && argc < 12; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	if (argc == 0) return 0;
	const char *k = argv[0];
#define BAD(what) dm_fail(e, DM_EINPUT, "%s:%u: %s", rs->path, lineno, what)
	if (!strcmp(k, "run") && argc == 2) {
		rs->run_id = strtoll(argv[1], NULL, 10);
	} else if (!strcmp(k, "host") && argc == 7) {
		struct obs_host h = { 0 };
		if (ipaddr_parse(argv[1], &h.ip) < 0) return BAD("bad address");
		h.how = host_how_parse(argv[2]);
		h.reason = reason_intern(argv[3]);
		if (strcmp(argv[4], "-")) {
			if (mac_parse(argv[4], h.mac) < 0) return BAD("bad MAC address");
			h.has_mac = true;
		}
		h.ttl = (uint8_t)atoi(argv[5]);
		h.ts = strtod(argv[6], NULL);
		if (replay && replay->host) replay->host(replay->ctx, &h);
		rs->replayed++;
	} else if (!strcmp(k, "port") && argc == 8) {
		struct obs_port p = { 0 };
		if (ipaddr_parse(argv[1], &p.ip) < 0) return BAD("bad address");
		if (!strcmp(argv[2], "tcp"))
			p.proto = PROTO_TCP;
		else if (!strcmp(argv[2], "udp"))
			p.proto = PROTO_UDP;
		else
			return BAD("bad protocol");
		long port = strtol(argv[3], NULL, 10);
		if (port < 1 || port > 65535) return BAD("bad port");
		p.port = (uint16_t)port;
		p.state = port_state_parse(argv[4]);
		if (!p.state) return BAD("bad port state");
		p.reason = reason_intern(argv[5]);
		p.ttl = (uint8_t)atoi(argv[6]);
		p.ts = strtod(argv[7], NULL);
		if (replay && replay->port) replay->port(replay->ctx, &p);
		rs->replayed++;
	} else if (!strcmp(k, "ckpt") && argc == 4) {
		int ph = phase_parse(argv[1]);
		if (ph < 0) return BAD("unknown phase");
		rs->have_ckpt = true;
		rs->ckpt_phase = (unsigned)ph;
		rs->ckpt_pass = (unsigned)strtoul(argv[2], NULL, 10);
		rs->ckpt_pos = strtoull(argv[3], NULL, 10);
	} else if (!strcmp(k, "done") && argc == 2) {
		int ph = phase_parse(argv[1]);
		if (ph < 0) return BAD("unknown phase");
		rs->done_mask |= 1u << ph;
		if (rs->have_ckpt && rs->ckpt_phase == (unsigned)ph) rs->have_ckpt = false;
	} else {
		return BAD("unrecognised record");
	}
	return 0;
#undef BAD
}

int resume_open(struct resume *rs, const char *path, uint64_t scan_id, uint64_t *seed, bool seed_given,
		const struct obs_sink *replay, struct dm_err *e)
{
	memset(rs, 0, sizeof(*rs));
	rs->path = xstrdup(path);
	rs->scan_id = scan_id;
	FILE *f = fopen(path, "r");
	if (!f && errno != ENOENT) {
		int r = dm_fail(e, -errno, "%s: %s", path, strerror(errno));
		resume_close(rs);
		return r;
	}
	if (f) {
		rs->resumed = true;
		char line[512];
		unsigned lineno = 0;
		int r = 0;
		while (r == 0 && fgets(line, sizeof(line), f)) {
			lineno++;
			size_t len = strlen(line);
			if (len == 0 || line[len - 1] != '\n') {
				if (!feof(f)) r = dm_fail(e, DM_EINPUT, "%s:%u: line too long", path, lineno);
				break; /* torn last line from an interrupted write */
			}
			line[--len] = 0;
			if (lineno == 1) {
				if (strcmp(line, MAGIC))
					r = dm_fail(e, DM_EINPUT, "%s: not a dormant resume file", path);
				continue;
			}
			if (lineno == 2) {
				uint64_t id, s;
				if (sscanf(line, "scan %" SCNx64 " seed %" SCNu64, &id, &s) != 2)
					r = dm_fail(e, DM_EINPUT, "%s:2: bad scan header", path);
				else if (id != scan_id)
					r = dm_fail(e, DM_EMISMATCH,
						    "%s: resume file belongs to another scan (targets, ports "
						    "or options differ)",
						    path);
				else if (seed_given && s != *seed)
					r = dm_fail(e, DM_EMISMATCH,
						    "%s: resume file was written with --seed %" PRIu64, path,
						    s);
				else
					rs->seed = *seed = s;
				continue;
			}
			r = parse_line(rs, line, replay, lineno, e);
		}
		if (r == 0 && lineno < 2) r = dm_fail(e, DM_EINPUT, "%s: truncated header", path);
		fclose(f);
		if (r < 0) {
			resume_close(rs);
			return r;
		}
	}
	/* appended to by design (kill -9 loses only the last second); never through a link */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) rs->log = fdopen(fd, "a");
	if (!rs->log) {
		int r = dm_fail(e, -errno, "%s: %s", path,
				errno == ELOOP ? "is a symbolic link; refusing to write through it"
					       : strerror(errno));
		if (fd >= 0) close(fd);
		resume_close(rs);
		return r;
	}
	if (!rs->resumed) {
		rs->seed = *seed;
		fprintf(rs->log, MAGIC "\nscan %016" PRIx64 " seed %" PRIu64 "\n", scan_id, *seed);
		fflush(rs->log);
		fdatasync(fileno(rs->log));
	}
	return 0;
}

void resume_set_run(struct resume *rs, int64_t run_id)
{
	if (rs->run_id == run_id) return;
	rs->run_id = run_id;
	fprintf(rs->log, "run %" PRId64 "\n", run_id);
	fflush(rs->log);
}

void resume_log_host(struct resume *rs, const struct obs_host *h)
{
	char ip[IPADDR_STRLEN], mac[24] = "-";
	ipaddr_fmt(&h->ip, ip, sizeof(ip));
	if (h->has_mac) mac_fmt(h->mac, mac, sizeof(mac));
	fprintf(rs->log, "host %s %s %s %s %u %.3f\n", ip, host_how_name(h->how),
		h->reason ? h->reason : "unknown", mac, h->ttl, h->ts);
}

void resume_log_port(struct resume *rs, const struct obs_port *p)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(&p->ip, ip, sizeof(ip));
	fprintf(rs->log, "port %s %s %u %s %s %u %.3f\n", ip, proto_name(p->proto), p->port,
		port_state_name(p->state), p->reason ? p->reason : "unknown", p->ttl, p->ts);
}

int resume_checkpoint(struct resume *rs, unsigned phase, unsigned pass, uint64_t pos, const uint8_t *map,
		      uint64_t map_bytes)
{
	if (fflush(rs->log) != 0) return -errno;
	if (map && map_bytes) {
		/* best effort: without a map, a resumed phase resends what had answered */
		_cleanup_free_ char *mp = map_path(rs);
		struct out_file o;
		if (out_open(&o, mp, "--resume map", 0600, NULL) == 0) {
			/* The map names the checkpoint it belongs to in its first 16 bytes. */
			uint64_t hdr[2] = { ((uint64_t)phase << 32) | pass, pos };
			if (fwrite(hdr, sizeof(hdr), 1, o.f) == 1 &&
			    fwrite(map, 1, map_bytes, o.f) == map_bytes)
				out_commit(&o, NULL);
			out_discard(&o);
		}
	}
	fprintf(rs->log, "ckpt %s %u %" PRIu64 "\n", phase_name(phase), pass, pos);
	if (fflush(rs->log) != 0) return -errno;
	fdatasync(fileno(rs->log));
	return 0;
}

bool resume_load_map(const struct resume *rs, uint8_t *map, uint64_t map_bytes)
{
	if (!rs->have_ckpt) return false;
	_cleanup_free_ char *mp = map_path(rs);
	_cleanup_close_ int fd = open(mp, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return false;
	struct stat st;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != map_bytes + 16) return false;
	uint64_t hdr[2];
	if (read(fd, hdr, sizeof(hdr)) != sizeof(hdr)) return false;
	/* A map saved after the last logged checkpoint is still valid: bits only say "answered". */
	if ((hdr[0] >> 32) != rs->ckpt_phase) return false;
	for (uint64_t off = 0; off < map_bytes;) {
		ssize_t n = read(fd, map + off, (size_t)MIN(map_bytes - off, 1u << 20));
		if (n <= 0) return false;
		off += (uint64_t)n;
	}
	return true;
}

int resume_phase_done(struct resume *rs, unsigned phase)
{
	rs->done_mask |= 1u << phase;
	fprintf(rs->log, "done %s\n", phase_name(phase));
	if (fflush(rs->log) != 0) return -errno;
	fdatasync(fileno(rs->log));
	return 0;
}

bool resume_is_done(const struct resume *rs, unsigned phase) { return rs->done_mask & (1u << phase); }

void resume_close(struct resume *rs)
{
	if (rs->log) fclose(rs->log);
	free(rs->path);
	memset(rs, 0, sizeof(*rs));
}

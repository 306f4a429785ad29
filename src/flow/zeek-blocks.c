/* A plain conn.log read in big blocks whose lines are parsed on threads
 * beside the caller, while the caller reads the next blocks and hands the
 * records to the sink in the file's order: the sink (flow set, countries)
 * sees exactly what one thread would give it. Header lines ('#') change
 * how the lines after them read, so they are read by the caller, after
 * every block before them is delivered; blocks take a copy of the reading
 * state when they are cut. */
#include "flow/zeek-reader.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum job_state { J_FREE, J_QUEUED, J_BUSY, J_DONE };

/* Lines of one block between header lines, and what they gave. */
struct job {
	enum job_state state; /* under the lock */
	int slot;             /* the buffer the lines lie in */
	char *p, *end;
	uint64_t done;   /* the file's offset after them (progress) */
	struct reader r; /* the reading state when they were cut, in batch mode */
	struct zr_batch out;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct job *jobs;
	size_t n_jobs;
	uint64_t next_take, next_put, next_deliver; /* job numbers; job k is jobs[k % n_jobs] */
	bool quit;
	double cpu; /* the workers' CPU seconds, added as they end */
	/* the caller's side */
	char **buf;  /* n_slots buffers of block + 1 bytes */
	int *refs;   /* each buffer's jobs not yet delivered */
	int started; /* threads beside the caller */
	int n_slots;
	struct reader *r;
	const struct zeek_progress *pg;
	uint64_t total;
};

static void *worker(void *arg)
{
	struct pool *pl = arg;
	double c0 = now_thread_cpu();
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		while (!pl->quit && pl->next_take == pl->next_put) pthread_cond_wait(&pl->work, &pl->mu);
		if (pl->next_take == pl->next_put) break; /* quit, nothing left */
		struct job *j = &pl->jobs[pl->next_take++ % pl->n_jobs];
		j->state = J_BUSY;
		pthread_mutex_unlock(&pl->mu);
		zr_lines(&j->r, j->p, j->end);
		pthread_mutex_lock(&pl->mu);
		j->state = J_DONE;
		pthread_cond_signal(&pl->done);
	}
	pl->cpu += now_thread_cpu() - c0;
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/* Every 64k lines, with the bytes read (done) of the file. */
static void progress(struct pool *pl, uint64_t lines_before, uint64_t done)
{
	const struct zeek_stats *st = pl->r->st;
	if (pl->pg && lines_before >> 16 != st->lines >> 16) pl->pg->fn(pl->pg->ctx, st, done, pl->total);
}

/* The oldest job's records to the sink; the caller parses it itself when
 * no worker has taken it yet (a worker kept off its core, or none). */
static void deliver_one(struct pool *pl)
{
	struct job *j = &pl->jobs[pl->next_deliver % pl->n_jobs];
	pthread_mutex_lock(&pl->mu);
	if (j->state == J_QUEUED) { /* then it is the next to take */
		j->state = J_BUSY;
		pl->next_take++;
		pthread_mutex_unlock(&pl->mu);
		zr_lines(&j->r, j->p, j->end);
		pthread_mutex_lock(&pl->mu);
		j->state = J_DONE;
	}
	while (j->state != J_DONE) pthread_cond_wait(&pl->done, &pl->mu);
	pthread_mutex_unlock(&pl->mu);
	uint64_t before = pl->r->st->lines;
	zr_batch_deliver(pl->r, &j->out);
	progress(pl, before, j->done);
	pl->refs[j->slot]--;
	j->state = J_FREE;
	pl->next_deliver++;
}

static void drain(struct pool *pl)
{
	while (pl->next_deliver < pl->next_put) deliver_one(pl);
}

static void dispatch(struct pool *pl, int slot, char *p, char *end, uint64_t done, size_t block)
{
	if (!pl->started) { /* no thread beside: read where the lines lie, as one thread always did */
		uint64_t before = pl->r->st->lines;
		zr_lines(pl->r, p, end);
		progress(pl, before, done);
		return;
	}
	while (pl->next_put - pl->next_deliver == pl->n_jobs) deliver_one(pl);
	struct job *j = &pl->jobs[pl->next_put % pl->n_jobs];
	j->r = *pl->r;
	zr_batch_reset(&j->out, pl->buf[slot], pl->buf[slot] + block + 1);
	j->r.batch = &j->out;
	j->r.st = &j->out.st;
	j->slot = slot;
	j->p = p;
	j->end = end;
	j->done = done;
	pl->refs[slot]++;
	pthread_mutex_lock(&pl->mu);
	j->state = J_QUEUED;
	pl->next_put++;
	pthread_cond_signal(&pl->work);
	pthread_mutex_unlock(&pl->mu);
}

/* The first line of [p, end) that starts with '#' (p starts a line), or end. */
static char *next_header(char *p, char *end)
{
	if (p < end && *p == '#') return p;
	for (char *q = p; (q = memchr(q, '#', (size_t)(end - q))); q++)
		if (q[-1] == '\n') return q;
	return end;
}

/* Whole lines [p, end) of a buffer: data lines to the workers, header
 * lines read here in their turn. */
static void cut_lines(struct pool *pl, int slot, char *p, char *end, uint64_t done, size_t block)
{
	while (p < end) {
		char *h = next_header(p, end);
		if (h > p) dispatch(pl, slot, p, h, done, block);
		if (h == end) return;
		char *nl = memchr(h, '\n', (size_t)(end - h));
		char *next = nl ? nl + 1 : end;
		drain(pl);
		zr_lines(pl->r, h, next);
		p = next;
	}
}

int zr_read_blocks(const char *path, struct reader *r, const struct zeek_progress *pg, size_t block,
		   int workers, struct dm_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	struct stat sb;
	struct pool pl = { .r = r, .pg = pg };
	if (pg && fstat(fd, &sb) == 0) pl.total = (uint64_t)sb.st_size;
	if (fstat(fd, &sb) == 0 && (uint64_t)sb.st_size < 2 * block) workers = 0; /* not worth a thread */
	pl.n_slots = 2 * workers + 2;
	pl.n_jobs = 2 * (size_t)pl.n_slots;
	pl.jobs = xcalloc(pl.n_jobs, sizeof(*pl.jobs));
	pl.buf = xcalloc((size_t)pl.n_slots, sizeof(*pl.buf));
	pl.refs = xcalloc((size_t)pl.n_slots, sizeof(*pl.refs));
	for (int i = 0; i < pl.n_slots; i++) pl.buf[i] = xmalloc(block + 1); /* + a NUL after a last line */
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.work, NULL);
	pthread_cond_init(&pl.done, NULL);
	pthread_t *th = xcalloc(workers > 0 ? (size_t)workers : 1, sizeof(*th));
	int started = 0;
	while (started < workers && pthread_create(&th[started], NULL, worker, &pl) == 0) started++;
	pl.started = started;

	char *carry = xmalloc(ZR_LINE); /* the start of a line the next read ends */
	size_t n_carry = 0;
	uint64_t off = 0;               /* the file's offset of a buffer's first byte */
	bool skip = false, eof = false; /* skip: in the rest of a line too long */
	int err = 0;
	for (int slot = 0; !eof; slot = (slot + 1) % pl.n_slots) {
		while (pl.refs[slot]) deliver_one(&pl);
		char *buf = pl.buf[slot];
		memcpy(buf, carry, n_carry);
		size_t have = n_carry;
		n_carry = 0;
		while (have < block) {
			ssize_t n = read(fd, buf + have, block - have);
			if (n < 0 && errno == EINTR) continue;
			if (n < 0) err = errno;
			if (n <= 0) {
				eof = true;
				break;
			}
			have += (size_t)n;
		}
		char *p = buf, *end = buf + have;
		if (skip) {
			char *nl = memchr(p, '\n', have);
			if (!nl) {
				off += have;
				continue;
			}
			skip = false;
			p = nl + 1;
		}
		char *cut = end;
		if (eof) {
			*end = 0; /* a last line without its newline ends here */
		} else {
			char *nl = memrchr(p, '\n', (size_t)(end - p));
			cut = nl ? nl + 1 : p;
		}
		cut_lines(&pl, slot, p, cut, off + (uint64_t)(cut - buf), block);
		if (!eof && end - cut >= ZR_LINE) { /* longer than any conn.log line */
			drain(&pl);
			zr_too_long(r);
			skip = true;
		} else if (!eof) {
			n_carry = (size_t)(end - cut);
			memcpy(carry, cut, n_carry);
		}
		off += have - n_carry;
	}
	drain(&pl);
	pthread_mutex_lock(&pl.mu);
	pl.quit = true;
	pthread_cond_broadcast(&pl.work);
	pthread_mutex_unlock(&pl.mu);
	for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
	r->st->cpu_beside += pl.cpu;
	pthread_cond_destroy(&pl.work);
	pthread_cond_destroy(&pl.done);
	pthread_mutex_destroy(&pl.mu);
	for (size_t i = 0; i < pl.n_jobs; i++) zr_batch_release(&pl.jobs[i].out);
	for (int i = 0; i < pl.n_slots; i++) free(pl.buf[i]);
	free(pl.buf);
	free(pl.refs);
	free(pl.jobs);
	free(th);
	free(carry);
	close(fd);
	if (err)
		log_warn("%s: line %llu: %s; the lines before it were read", path,
			 (unsigned long long)r->st->lines + 1, strerror(err));
	return 0;
}

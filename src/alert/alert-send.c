/* Alert channels (alert/alert.h): a JSON Lines file appended in place, a
 * syslog receiver (unix socket, UDP, TCP with octet counting, TLS), a
 * webhook (libcurl, HMAC-SHA-256 signature) and mail (libcurl SMTP). One
 * connection per alert: alerts are rare, and nothing half-open is kept
 * across retries. */
#include "alert/alert.h"
#include "base/util.h"
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SEND_TIMEOUT_S 10

/* Whether the file already holds the key (a send whose end was not
 * recorded). Reads it whole: this happens once after a crash. */
static bool file_has_key(int fd, const char *key)
{
	struct stat sb;
	if (fstat(fd, &sb) < 0 || sb.st_size <= 0) return false;
	size_t n = (size_t)sb.st_size;
	char *data = xmalloc(n + 1);
	ssize_t got = pread(fd, data, n, 0);
	bool found = false;
	if (got > 0) {
		data[got] = 0;
		char needle[200];
		snprintf(needle, sizeof(needle), "\"%s\"", key);
		found = memmem(data, (size_t)got, needle, strlen(needle)) != NULL;
	}
	free(data);
	return found;
}

/* Appended in place (O_APPEND, not the safe writer's rename): a log that
 * grows, like the resume log; never through a symbolic link, 0600. */
static int send_jsonl(const struct alert_config *c, const char *key, const char *body, bool maybe_sent,
		      struct dm_err *e)
{
	int fd = open(c->path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) return dm_fail(e, -errno, "%s: %s", c->path, strerror(errno));
	int r = 0;
	if (!(maybe_sent && file_has_key(fd, key))) {
		size_t n = strlen(body);
		char *line = xmalloc(n + 2);
		memcpy(line, body, n);
		line[n] = '\n';
		ssize_t w = write(fd, line, n + 1);
		free(line);
		if (w != (ssize_t)(n + 1))
			r = dm_fail(e, w < 0 ? -errno : -EIO, "%s: %s", c->path,
				    w < 0 ? strerror(errno) : "short write");
		else if (fsync(fd) < 0 && errno != EINVAL)
			r = dm_fail(e, -errno, "%s: %s", c->path, strerror(errno));
	}
	close(fd);
	return r;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_S };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int unix_connect(const char *path, struct dm_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) return dm_fail(e, DM_EINPUT, "unix:%s: path too long", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* a datagram socket, as /dev/log is; a stream socket when that is what listens */
	int types[] = { SOCK_DGRAM, SOCK_STREAM }, err = 0;
	for (int i = 0; i < 2; i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
		if (fd < 0) return dm_fail(e, -errno, "unix:%s: %s", path, strerror(errno));
		set_timeouts(fd);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) return fd;
		err = errno;
		close(fd);
		if (err != EPROTOTYPE) break;
	}
	return dm_fail(e, -err, "unix:%s: %s", path, strerror(err));
}

/* "H:P" or "[v6]:P" into host and port */
static int split_hostport(const char *s, char *host, size_t hn, char *port, size_t pn)
{
	const char *colon;
	if (*s == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':') return -1;
		snprintf(host, hn, "%.*s", (int)(end - s - 1), s + 1);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon) return -1;
		snprintf(host, hn, "%.*s", (int)(colon - s), s);
	}
	snprintf(port, pn, "%s", colon + 1);
	return *host && *port ? 0 : -1;
}

static int inet_connect(const char *server, const char *hostport, int type, struct dm_err *e)
{
	char host[256], port[16];
	if (split_hostport(hostport, host, sizeof(host), port, sizeof(port)) < 0)
		return dm_fail(e, DM_EINPUT, "%s: expected HOST:PORT", server);
	struct addrinfo hints = { .ai_socktype = type }, *res = NULL;
	int g = getaddrinfo(host, port, &hints, &res);
	if (g) return dm_fail(e, DM_EINPUT, "%s: %s", server, gai_strerror(g));
	int fd = -1, err = 0;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		set_timeouts(fd);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd >= 0 ? fd : dm_fail(e, -err, "%s: %s", server, strerror(err));
}

static int send_all(int fd, const char *p, size_t n, const char *server, struct dm_err *e)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) return dm_fail(e, w < 0 ? -errno : -EIO, "%s: %s", server, strerror(errno));
		p += w, n -= (size_t)w;
	}
	return 0;
}

static int tls_send(const char *server, const char *hostport, const char *frame, size_t n, struct dm_err *e)
{
	char host[256], port[16];
	if (split_hostport(hostport, host, sizeof(host), port, sizeof(port)) < 0)
		return dm_fail(e, DM_EINPUT, "%s: expected HOST:PORT", server);
	int fd = inet_connect(server, hostport, SOCK_STREAM, e);
	if (fd < 0) return fd;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	int r = 0;
	if (!ssl) {
		r = dm_fail(e, -ENOMEM, "%s: no TLS context", server);
		goto out;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_default_verify_paths(ctx);
	SSL_set_verify(ssl, SSL_VERIFY_PEER, NULL);
	SSL_set_tlsext_host_name(ssl, host);
	SSL_set1_host(ssl, host);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1 || SSL_write(ssl, frame, (int)n) != (int)n) {
		char msg[256];
		ERR_error_string_n(ERR_get_error(), msg, sizeof(msg));
		r = dm_fail(e, -EIO, "%s: TLS: %s", server, msg);
	} else {
		SSL_shutdown(ssl);
	}
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return r;
}

/* RFC 5424 over UDP and unix sockets (one datagram), over TCP and TLS
 * with RFC 6587 octet counting ("LEN MSG"). */
static int send_syslog(const struct alert_config *c, const char *body, struct dm_err *e)
{
	const char *s = c->server;
	size_t n = strlen(body);
	if (!strncmp(s, "unix:", 5)) {
		int fd = unix_connect(s + 5, e);
		if (fd < 0) return fd;
		int r = send_all(fd, body, n, s, e);
		close(fd);
		return r;
	}
	if (!strncmp(s, "udp://", 6)) {
		int fd = inet_connect(s, s + 6, SOCK_DGRAM, e);
		if (fd < 0) return fd;
		int r = send_all(fd, body, n, s, e);
		close(fd);
		return r;
	}
	char *frame = xmalloc(n + 24);
	int len = snprintf(frame, n + 24, "%zu %s", n, body);
	int r;
	if (!strncmp(s, "tcp://", 6)) {
		int fd = inet_connect(s, s + 6, SOCK_STREAM, e);
		r = fd < 0 ? fd : send_all(fd, frame, (size_t)len, s, e);
		if (fd >= 0) close(fd);
	} else if (!strncmp(s, "tls://", 6)) {
		r = tls_send(s, s + 6, frame, (size_t)len, e);
	} else {
		r = dm_fail(e, DM_EINPUT, "%s: unknown syslog transport", s);
	}
	free(frame);
	return r;
}

static void hmac_hex(const char *secret, const char *body, char out[65])
{
	unsigned char md[32];
	unsigned int ml = 0;
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, strlen(body), md, &ml);
	for (unsigned i = 0; i < ml && i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * (ml < 32 ? ml : 32)] = 0;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p, (void)ctx;
	return size * n;
}

static int send_webhook(const struct alert_config *c, const char *key, const char *body, struct dm_err *e)
{
	CURL *h = curl_easy_init();
	if (!h) return dm_fail(e, -ENOMEM, "%s: no curl handle", c->url);
	struct curl_slist *hdrs = NULL;
	char line[400], sig[65];
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	snprintf(line, sizeof(line), "Idempotency-Key: %s", key);
	hdrs = curl_slist_append(hdrs, line);
	if (*c->secret) {
		hmac_hex(c->secret, body, sig);
		snprintf(line, sizeof(line), "X-Dormant-Signature: sha256=%s", sig);
		hdrs = curl_slist_append(hdrs, line);
	}
	for (size_t i = 0; i < c->n_headers; i++) hdrs = curl_slist_append(hdrs, c->headers[i]);
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "dormant/" DORMANT_VERSION);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK)
		return dm_fail(e, -EIO, "%s: %s", c->url, *errbuf ? errbuf : curl_easy_strerror(rc));
	if (status < 200 || status > 299) return dm_fail(e, -EIO, "%s: HTTP %ld", c->url, status);
	return 0;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t feed(char *dst, size_t size, size_t n, void *ctx)
{
	struct upload *u = ctx;
	size_t k = size * n < u->left ? size * n : u->left;
	memcpy(dst, u->p, k);
	u->p += k, u->left -= k;
	return k;
}

/* Subject as RFC 2047 base64 when it is not plain ASCII. */
static void put_subject(struct buf *m, const char *subject)
{
	bool ascii = true;
	for (const char *p = subject; *p; p++) ascii &= (unsigned char)*p < 0x80;
	if (ascii) {
		buf_printf(m, "Subject: %s\r\n", subject);
		return;
	}
	size_t n = strlen(subject);
	unsigned char *b64 = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock(b64, (const unsigned char *)subject, (int)n);
	buf_printf(m, "Subject: =?UTF-8?B?%s?=\r\n", b64);
	free(b64);
}

static int send_email(const struct alert_config *c, const char *key, const char *subject, const char *body,
		      struct dm_err *e)
{
	struct buf m = { .max = 1 << 20 };
	char date[64], msgid[200];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(msgid, sizeof(msgid), "%s", key);
	for (char *p = msgid; *p; p++)
		if (*p == ':') *p = '.';
	buf_printf(&m, "From: %s\r\nTo: %s\r\nDate: %s\r\nMessage-ID: <%s@dormant>\r\n", c->from, c->to, date,
		   msgid);
	put_subject(&m, subject);
	buf_puts(&m, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
		     "Content-Transfer-Encoding: 8bit\r\n\r\n");
	for (const char *p = body; *p; p++) { /* CRLF line ends; a leading dot is stuffed by curl */
		if (*p == '\n') buf_putc(&m, '\r');
		buf_putc(&m, *p);
	}
	if (buf_error(&m)) {
		buf_release(&m);
		return dm_fail(e, DM_ETOOBIG, "[alert %s]: mail too large", c->name);
	}
	CURL *h = curl_easy_init();
	if (!h) {
		buf_release(&m);
		return dm_fail(e, -ENOMEM, "%s: no curl handle", c->server);
	}
	struct curl_slist *rcpt = NULL;
	char to[sizeof(c->to)];
	snprintf(to, sizeof(to), "%s", c->to);
	for (char *save = NULL, *t = strtok_r(to, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		rcpt = curl_slist_append(rcpt, t);
	struct upload u = { m.data, m.len };
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, c->server);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, c->from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode rc = curl_easy_perform(h);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	buf_release(&m);
	if (rc != CURLE_OK)
		return dm_fail(e, -EIO, "%s: %s", c->server, *errbuf ? errbuf : curl_easy_strerror(rc));
	return 0;
}

int alert_send(const struct alert_config *c, const char *key, const char *subject, const char *body,
	       bool maybe_sent, struct dm_err *e)
{
	switch (c->type) {
	case ALERT_JSONL: return send_jsonl(c, key, body, maybe_sent, e);
	case ALERT_SYSLOG: return send_syslog(c, body, e);
	case ALERT_WEBHOOK: return send_webhook(c, key, body, e);
	case ALERT_EMAIL: return send_email(c, key, subject, body, e);
	default: return dm_fail(e, DM_EINPUT, "[alert %s]: no type", c->name);
	}
}

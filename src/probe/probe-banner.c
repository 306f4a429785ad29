/* The banner wait: connect and listen. Most line protocols speak first
 * (SSH, FTP, SMTP, POP3, IMAP), so do MySQL and VNC; Telnet opens with
 * option negotiation, which is refused here until a login prompt shows. */
#include "probe/services.h"
#include "base/util.h"
#include <ctype.h>
#include <strings.h>
#include <string.h>

#define IAC 255

static bool has_prompt(const char *t)
{
	static const char *const prompts[] = { "login:", "sername:", "assword:", "user:", "> ", "# " };
	for (size_t i = 0; i < ARRAY_SIZE(prompts); i++)
		if (strcasestr(t, prompts[i])) return true;
	return false;
}

static int banner_on_data(struct pconn *c)
{
	if (c->rbuf[0] == IAC) {
		/* reply to the negotiation in the bytes not seen yet (c->step counts them) */
		uint8_t text[2048], reply[512];
		size_t rl = 0;
		telnet_strip(c->rbuf + c->step, c->rlen - (size_t)c->step, text, sizeof(text), reply,
			     sizeof(reply), &rl);
		c->step = (int)c->rlen;
		if (rl) pconn_send(c, reply, rl);
		size_t tl = telnet_strip(c->rbuf, c->rlen, text, sizeof(text), reply, sizeof(reply), &rl);
		text[MIN(tl, sizeof(text) - 1)] = 0;
		return has_prompt((const char *)text) ? PR_DONE : PR_MORE;
	}
	if (c->rlen >= 5 && c->rbuf[3] == 0 && (c->rbuf[4] == 10 || c->rbuf[4] == 0xff)) {
		/* MySQL: 3-byte length, sequence 0, protocol 10 greeting or an error packet */
		size_t plen = (size_t)c->rbuf[0] | (size_t)c->rbuf[1] << 8 | (size_t)c->rbuf[2] << 16;
		return c->rlen >= plen + 4 || c->rlen >= c->cap ? PR_DONE : PR_MORE;
	}
	if (c->rlen >= 12 && !memcmp(c->rbuf, "RFB ", 4)) return PR_DONE;
	/* line protocols: one full line, or the last line of a multi-line greeting ("220 ") */
	const char *nl = memchr(c->rbuf, '\n', c->rlen);
	if (!nl) return PR_MORE;
	if (c->rlen >= 4 && isdigit(c->rbuf[0]) && c->rbuf[3] == '-') {
		/* "220-...": wait for the line that starts "220 " */
		const char *p = (const char *)c->rbuf;
		while ((p = memchr(p, '\n', c->rlen - (size_t)(p - (const char *)c->rbuf)))) {
			p++;
			if ((size_t)(p - (const char *)c->rbuf) + 4 <= c->rlen && !memcmp(p, c->rbuf, 3) &&
			    p[3] == ' ') {
				return memchr(p, '\n', c->rlen - (size_t)(p - (const char *)c->rbuf))
					   ? PR_DONE
					   : PR_MORE;
			}
		}
		return PR_MORE;
	}
	return PR_DONE;
}

/* The server version of a MySQL greeting: MariaDB says "5.5.5-10.11.6-MariaDB-0+deb12u1"
 * (5.5.5- for old clients), the release is what follows. */
static void mysql_greeting(struct svc *s, const char *line)
{
	struct obs_service *o = &s->out;
	const char *v = line;
	bool maria = strstr(line, "MariaDB") != NULL;
	if (maria && !strncmp(v, "5.5.5-", 6)) v += 6;
	size_t n = strspn(v, "0123456789.");
	snprintf(o->product, sizeof(o->product), "%s", maria ? "MariaDB" : "MySQL");
	snprintf(o->version, sizeof(o->version), "%.*s", (int)MIN(n, sizeof(o->version) - 1), v);
	s->rank = RANK_OWN;
	snprintf(o->source, sizeof(o->source), "dormant:mysql-greeting");
}

/* The first line, without its end of line, into out. */
static size_t first_line(const uint8_t *p, size_t len, char *out, size_t n)
{
	size_t i = 0;
	while (i < len && p[i] != '\r' && p[i] != '\n' && i + 1 < n) out[i] = (char)p[i], i++;
	out[i] = 0;
	return i;
}

static void banner_finish(struct pconn *c, bool ok)
{
	struct svc *s = c->svc;
	struct obs_service *o = &s->out;
	s->silent = c->rlen == 0;
	/* closed by the peer before a byte: nmap's tcpwrapped (its NULL probe's
	 * tcpwrappedms is 3000, this wait's own length) */
	s->wrapped = c->eof && c->rlen == 0;
	if (!ok || c->rlen == 0) return;
	svc_keep_raw(&s->banner_raw, &s->banner_len, c->rbuf, c->rlen);
	const uint8_t *b = c->rbuf;
	char line[512];
	s->silent = false;
	s->identified = true;
	if (b[0] == IAC) {
		uint8_t text[2048], reply[64];
		size_t rl, tl = telnet_strip(b, c->rlen, text, sizeof(text) - 1, reply, sizeof(reply), &rl);
		snprintf(o->name, sizeof(o->name), "telnet");
		svc_set_banner(s, text, tl);
		svc_evidence(s, "telnet.banner", (const char *)text, tl);
		return;
	}
	if (c->rlen >= 5 && b[3] == 0 && (b[4] == 10 || b[4] == 0xff)) {
		snprintf(o->name, sizeof(o->name), "mysql");
		if (b[4] == 10) {
			size_t l = 0;
			while (5 + l < c->rlen && b[5 + l] && l + 1 < sizeof(line))
				line[l] = (char)b[5 + l], l++;
			line[l] = 0;
			svc_set_banner(s, (const uint8_t *)line, l);
			svc_evidence(s, "mysql.banners", line, l);
			if (!o->product[0]) mysql_greeting(s, line);
		} else {
			snprintf(o->info, sizeof(o->info), "refuses this client (MySQL error packet)");
			svc_set_banner(s, b + 7, MIN(c->rlen - 7, 200));
		}
		return;
	}
	size_t l = first_line(b, c->rlen, line, sizeof(line));
	svc_set_banner(s, b, MIN(c->rlen, 400));
	if (!strncmp(line, "SSH-", 4)) {
		snprintf(o->name, sizeof(o->name), "ssh");
		const char *sw = strchr(line + 4, '-'); /* SSH-2.0-<software> */
		if (sw) svc_evidence(s, "ssh.banner", sw + 1, strlen(sw + 1));
	} else if (!strncmp(line, "RFB ", 4)) {
		snprintf(o->name, sizeof(o->name), "vnc");
		snprintf(o->info, sizeof(o->info), "protocol %.200s", line + 4);
	} else if (!strncmp(line, "+OK", 3)) {
		snprintf(o->name, sizeof(o->name), "pop3");
		svc_evidence(s, "pop3.banner", line + MIN(l, 4), l - MIN(l, 4));
	} else if (!strncmp(line, "* OK", 4)) {
		snprintf(o->name, sizeof(o->name), "imap");
		svc_evidence(s, "imap4.banner", line + 5 <= line + l ? line + MIN(l, 5) : line,
			     l - MIN(l, 5));
	} else if (l >= 4 && !strncmp(line, "220", 3)) {
		bool smtp = strcasestr(line, "SMTP") || strcasestr(line, "Postfix") ||
			    strcasestr(line, "Exim") || strcasestr(line, "Sendmail");
		snprintf(o->name, sizeof(o->name), "%s", smtp ? "smtp" : "ftp");
		svc_evidence(s, smtp ? "smtp.banner" : "ftp.banner", line + 4, l - 4);
	} else if (!o->name[0] || !strcmp(o->name, "unknown")) {
		snprintf(o->name, sizeof(o->name), "unknown");
		s->identified = false; /* something spoke; let the other probes try */
	} /* else an nmap probe's reply named it first (svnserve): that name stays */
}

const struct proto_ops proto_banner = {
	.name = "banner",
	.cap = 4096,
	.timeout = 3.0,
	.on_data = banner_on_data,
	.finish = banner_finish,
};

size_t telnet_strip(const uint8_t *in, size_t len, uint8_t *text, size_t text_cap, uint8_t *reply,
		    size_t reply_cap, size_t *reply_len)
{
	size_t t = 0, r = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] != IAC) {
			if (t < text_cap) text[t++] = in[i];
			continue;
		}
		if (i + 1 >= len) break;
		uint8_t cmd = in[i + 1];
		if (cmd == IAC) { /* escaped 255 */
			if (t < text_cap) text[t++] = IAC;
			i++;
		} else if (cmd >= 251 && cmd <= 254) { /* WILL WONT DO DONT <option> */
			if (i + 2 >= len) break;
			uint8_t opt = in[i + 2];
			if ((cmd == 253 || cmd == 251) && r + 3 <= reply_cap) { /* DO -> WONT, WILL -> DONT */
				reply[r++] = IAC;
				reply[r++] = cmd == 253 ? 252 : 254;
				reply[r++] = opt;
			}
			i += 2;
		} else if (cmd == 250) { /* SB ... IAC SE */
			size_t j = i + 2;
			while (j + 1 < len && !(in[j] == IAC && in[j + 1] == 240)) j++;
			i = j + 1;
		} else {
			i++;
		}
	}
	*reply_len = r;
	if (t < text_cap) text[t] = 0;
	return t;
}

/* SSH host key fingerprints through libssh (probe/ssh-hostkey.h). As in
 * the credential checks, no configuration, known-hosts file or agent of
 * the operator is read or written. */
#include "probe/ssh-hostkey.h"
#include "base/util.h"
#include <libssh/libssh.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ssh_host_key(const struct ipaddr *ip, uint16_t port, double timeout, char out[SSH_KEY_FP_MAX], char *why,
		 size_t why_len)
{
	out[0] = '\0';
	char host[IPADDR_STRLEN];
	ipaddr_fmt(ip, host, sizeof(host));
	ssh_session s = ssh_new();
	if (!s) return snprintf(why, why_len, "libssh: no session"), -1;
	long secs = (long)(timeout + 0.999);
	unsigned p = port;
	int no = 0;
	ssh_options_set(s, SSH_OPTIONS_HOST, host);
	ssh_options_set(s, SSH_OPTIONS_PORT, &p);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &secs);
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	int r = -1;
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	if (ssh_connect(s) != SSH_OK) {
		snprintf(why, why_len, "%s", ssh_get_error(s));
	} else if (ssh_get_server_publickey(s, &key) != SSH_OK ||
		   ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != 0) {
		snprintf(why, why_len, "no host key: %s", ssh_get_error(s));
	} else {
		char *fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
		if (fp && strlen(fp) < SSH_KEY_FP_MAX && !strncmp(fp, "SHA256:", 7)) {
			snprintf(out, SSH_KEY_FP_MAX, "%s", fp);
			r = 0;
		} else {
			snprintf(why, why_len, "no fingerprint of the host key");
		}
		ssh_string_free_char(fp);
	}
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	ssh_disconnect(s);
	ssh_free(s);
	return r;
}

struct job {
	const struct service_target *t;
	size_t n;
	double timeout;
	char (*out)[SSH_KEY_FP_MAX];
	atomic_size_t next;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	char why[160];
	for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->n;)
		ssh_host_key(&j->t[i].ip, j->t[i].port, j->timeout, j->out[i], why, sizeof(why));
	return NULL;
}

void ssh_host_keys(const struct service_target *t, size_t n, double timeout, unsigned workers,
		   char (*out)[SSH_KEY_FP_MAX])
{
	struct job j = { .t = t, .n = n, .timeout = timeout, .out = out };
	atomic_init(&j.next, 0);
	if (workers > n) workers = (unsigned)n;
	pthread_t *th = xcalloc(workers ? workers : 1, sizeof(*th));
	unsigned started = 0;
	for (unsigned i = 0; i < workers; i++)
		if (pthread_create(&th[started], NULL, worker, &j) == 0) started++;
	if (!started) worker(&j);
	for (unsigned i = 0; i < started; i++) pthread_join(th[i], NULL);
	free(th);
}

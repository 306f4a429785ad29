/* SSH password logins through libssh. No configuration file, known-hosts
 * file or agent of the operator is read or written: the check must not
 * depend on, or change, the account that runs it. */
#include "creds/login.h"
#include "base/util.h"
#include <libssh/libssh.h>
#include <stdio.h>
#include <string.h>

void login_ssh(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	char host[IPADDR_STRLEN];
	ipaddr_fmt(&t->ip, host, sizeof(host));
	snprintf(o->method, sizeof(o->method), "password");
	if (!user) {
		o->r = AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail), "no anonymous check for SSH");
		return;
	}
	ssh_session s = ssh_new();
	if (!s) {
		o->r = AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail), "libssh: no session");
		return;
	}
	long secs = (long)(t->timeout + 0.999);
	unsigned port = t->port;
	int no = 0;
	ssh_options_set(s, SSH_OPTIONS_HOST, host);
	ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(s, SSH_OPTIONS_USER, user);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &secs);
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	if (ssh_connect(s) != SSH_OK) {
		o->r = AUTH_ERROR;
		login_said(o, "", ssh_get_error(s));
		ssh_free(s);
		return;
	}
	/* "none" first: it lists the methods, and some devices let anyone in */
	int r = ssh_userauth_none(s, NULL);
	if (r == SSH_AUTH_SUCCESS) {
		o->r = AUTH_OK;
		snprintf(o->detail, sizeof(o->detail), "accepted without a password");
		snprintf(o->method, sizeof(o->method), "none");
		goto out;
	}
	int methods = ssh_userauth_list(s, NULL);
	if (methods & SSH_AUTH_METHOD_PASSWORD) {
		r = ssh_userauth_password(s, NULL, pass);
	} else if (methods & SSH_AUTH_METHOD_INTERACTIVE) {
		/* keyboard-interactive with one password prompt, as PAM asks */
		snprintf(o->method, sizeof(o->method), "keyboard-interactive");
		r = ssh_userauth_kbdint(s, NULL, NULL);
		for (int round = 0; r == SSH_AUTH_INFO && round < 3; round++) {
			int n = ssh_userauth_kbdint_getnprompts(s);
			for (int i = 0; i < n; i++) ssh_userauth_kbdint_setanswer(s, (unsigned)i, pass);
			r = ssh_userauth_kbdint(s, NULL, NULL);
		}
	} else {
		o->r = AUTH_NOAUTH;
		snprintf(o->detail, sizeof(o->detail), "no password login offered (keys only)");
		goto out;
	}
	o->r = r == SSH_AUTH_SUCCESS                           ? AUTH_OK
	       : r == SSH_AUTH_DENIED || r == SSH_AUTH_PARTIAL ? AUTH_FAIL
							       : AUTH_ERROR;
	if (o->r == AUTH_ERROR)
		login_said(o, "", ssh_get_error(s));
	else
		snprintf(o->detail, sizeof(o->detail), "%s", o->r == AUTH_OK ? "authenticated" : "denied");
out:
	ssh_disconnect(s);
	ssh_free(s);
}

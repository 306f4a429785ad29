/* The host key an SSH server proves it holds in the key exchange (no
 * login is tried), as its SHA-256 fingerprint the way ssh-keygen -l prints
 * it: "SHA256:" and unpadded base64. It stays with the machine across
 * addresses (model/identity.h). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"
#include "probe/services.h"

#define SSH_KEY_FP_MAX 52

/* One server's fingerprint into out ("" and the reason in why when the
 * exchange failed or took longer than timeout seconds). */
int ssh_host_key(const struct ipaddr *ip, uint16_t port, double timeout, char out[SSH_KEY_FP_MAX], char *why,
		 size_t why_len);
/* Each target's fingerprint into out[i] ("" none), up to workers at once. */
void ssh_host_keys(const struct service_target *t, size_t n, double timeout, unsigned workers,
		   char (*out)[SSH_KEY_FP_MAX]);

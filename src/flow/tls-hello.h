/* The TLS ClientHello a client sends first: server name (SNI), ALPN, and
 * the client fingerprints JA3 (Salesforce) and JA4 (FoxIO), which name
 * the client software whatever address it talks to. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tls_hello {
	char sni[256];
	char alpn[32];    /* the first protocol offered */
	char ja3[33];     /* MD5 hex of the JA3 string */
	char ja4[40];     /* t13d1516h2_8daaf6152771_b186095e22b6 */
	uint16_t version; /* highest offered (supported_versions), else the legacy field */
};

/* true when data (a TCP payload) starts with a TLS handshake record holding
 * a ClientHello that could be read whole; false for anything else. */
bool tls_parse_client_hello(const uint8_t *data, size_t len, struct tls_hello *out);

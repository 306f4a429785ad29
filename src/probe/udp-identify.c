/* Identification of the UDP replies the scanner caught: SNMP agents,
 * UPnP devices (SSDP), ONVIF cameras (WS-Discovery), mDNS responders, NTP
 * and DNS servers, NetBIOS name services. */
#include "probe/services.h"
#include "model/identity.h"
#include "base/redact.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void between(const char *s, size_t len, const char *open, const char *close, char *out, size_t n)
{
	out[0] = 0;
	const char *a = memmem(s, len, open, strlen(open));
	if (!a) return;
	a += strlen(open);
	const char *b = memmem(a, len - (size_t)(a - s), close, strlen(close));
	size_t l = b ? (size_t)(b - a) : 0;
	snprintf(out, n, "%.*s", (int)MIN(l, n - 1), a);
}

/* A STUN Binding response (RFC 5389: type 0x0101 or 0x0111, the magic
 * cookie): the server's SOFTWARE attribute (0x8022; RFC 3489's SERVER has
 * the same number) names it, through the databases first ("stun.software"),
 * else as "Name-1.2" / "Name/1.2" / "Name 1.2". */
static bool stun_reply(struct svc *s, const uint8_t *d, size_t len)
{
	static const uint8_t cookie[4] = { 0x21, 0x12, 0xa4, 0x42 };
	if (len < 20 || d[0] != 0x01 || (d[1] != 0x01 && d[1] != 0x11) || memcmp(d + 4, cookie, 4))
		return false;
	size_t body = (size_t)(d[2] << 8 | d[3]);
	if (body % 4 || 20 + body > len) return false;
	struct obs_service *o = &s->out;
	snprintf(o->name, sizeof(o->name), "stun");
	s->identified = true;
	for (size_t k = 20; k + 4 <= 20 + body;) {
		size_t type = (size_t)(d[k] << 8 | d[k + 1]), l = (size_t)(d[k + 2] << 8 | d[k + 3]);
		if (k + 4 + l > 20 + body) break;
		const char *v = (const char *)d + k + 4;
		if (type == 0x8022 && l) {
			size_t vl = strnlen(v, l);
			svc_set_banner(s, (const uint8_t *)v, vl);
			svc_evidence(s, "stun.software", v, vl);
			char name[64], ver[32];
			if (!o->product[0] &&
			    sscanf(o->banner, "%63[A-Za-z_.]%*[-/ v]%31[0-9.]", name, ver) == 2 &&
			    ver[0] != '.') {
				snprintf(o->product, sizeof(o->product), "%s", name);
				snprintf(o->version, sizeof(o->version), "%s", ver);
			}
			break;
		}
		k += 4 + (l + 3) / 4 * 4;
	}
	return true;
}

bool svc_udp_payload_reply(struct svc *s, const uint8_t *data, size_t len)
{
	return stun_reply(s, data, len);
}

/* sysDescr and sysObjectID through the databases. */
static void snmp_system(struct svc *s, const char *descr, const char *objid)
{
	svc_set_banner(s, (const uint8_t *)descr, strlen(descr));
	svc_evidence(s, "snmp.sys_description", descr, strlen(descr));
	if (objid[0]) svc_evidence(s, "snmp.sys_object_id", objid, strlen(objid));
}

void services_identify_snmp_system(const struct fp_set *fps, const char *descr, const char *objid,
				   struct obs_service *o)
{
	struct svc s = { .fps = fps, .out = *o };
	snmp_system(&s, descr, objid);
	*o = s.out;
	if (o->product[0] || !fps) return;
	/* a device's sysDescr names its operating system (os.*): that is the
	 * product its firmware's vulnerabilities are filed under */
	struct fp_result r;
	if (!fp_set_match(fps, "snmp.sys_description", descr, strlen(descr), &r)) return;
	const char *v = fp_result_get(&r, "os.vendor"), *p = fp_result_get(&r, "os.product"),
		   *ver = fp_result_get(&r, "os.version");
	if (!p) return;
	snprintf(o->product, sizeof(o->product), "%s", p);
	if (v && !o->vendor[0]) snprintf(o->vendor, sizeof(o->vendor), "%s", v);
	if (ver) snprintf(o->version, sizeof(o->version), "%s", ver);
	const char *base = strrchr(r.db->path, '/');
	snprintf(o->source, sizeof(o->source), "%.60s:%u", base ? base + 1 : r.db->path, r.fp->line);
}

bool services_identify_udp(const struct fp_set *fps, const struct ipaddr *ip, uint16_t port,
			   const uint8_t *data, size_t len, struct obs_service *ret)
{
	struct svc s = { .fps = fps };
	struct obs_service *o = &s.out;
	o->ip = *ip;
	o->port = port;
	o->proto = PROTO_UDP;
	o->ts = now_real();
	const char *t = (const char *)data;
	uint8_t engine[32];
	size_t engine_len;
	if (port == 161 && snmp_parse_engine_id(data, len, engine, &engine_len) == 0) {
		/* an SNMPv3 agent's Report to the discovery request: its engine ID */
		snprintf(o->name, sizeof(o->name), "snmp");
		if (ident_engine_hex(engine, engine_len, o->snmp_engine))
			snprintf(o->info, sizeof(o->info), "SNMPv3 agent; engine ID %s", o->snmp_engine);
		else
			snprintf(o->info, sizeof(o->info),
				 "SNMPv3 agent; engine ID of %zu bytes, no identity", engine_len);
	} else if (port == 161) {
		struct snmp_values v;
		if (snmp_parse_response(data, len, &v) < 0) return false;
		snprintf(o->name, sizeof(o->name), "snmp");
		o->anonymous = true;
		/* a community is a password: outputs name it redacted (docs/ARCHITECTURE.md, "Safety rules") */
		char community[64];
		redact_fmt(v.community, strlen(v.community), community, sizeof(community));
		snprintf(o->info, sizeof(o->info), "community %s answers; sysObjectID %s", community,
			 v.sys_object_id[0] ? v.sys_object_id : "?");
		snmp_system(&s, v.sys_descr, v.sys_object_id);
	} else if (port == 1900 && len > 12 && !strncmp(t, "HTTP/1.1 200", 12)) {
		struct http_resp r;
		http_parse_response(data, len, true, &r);
		snprintf(o->name, sizeof(o->name), "upnp");
		snprintf(o->info, sizeof(o->info), "SSDP SERVER: %s", r.server);
		svc_set_banner(&s, data, MIN(len, 400));
	} else if (port == 3702 && memmem(data, len, "Envelope", 8)) {
		snprintf(o->name, sizeof(o->name), "ws-discovery");
		char scopes[512], hw[64] = "", name[64] = "";
		between(t, len, "Scopes>", "</", scopes, sizeof(scopes));
		char *h = strstr(scopes, "onvif://www.onvif.org/hardware/");
		if (h) sscanf(h + 31, "%63[^ <]", hw);
		char *nm = strstr(scopes, "onvif://www.onvif.org/name/");
		if (nm) sscanf(nm + 27, "%63[^ <]", name);
		if (memmem(data, len, "NetworkVideoTransmitter", 23))
			snprintf(o->device, sizeof(o->device), "camera");
		if (hw[0]) snprintf(o->product, sizeof(o->product), "%s", hw);
		if (name[0]) snprintf(o->vendor, sizeof(o->vendor), "%s", name);
		snprintf(o->info, sizeof(o->info), "ONVIF %s", hw[0] ? hw : "device");
		svc_set_banner(&s, (const uint8_t *)scopes, strlen(scopes));
	} else if (port == 5353 && len >= 12) {
		snprintf(o->name, sizeof(o->name), "mdns");
		snprintf(o->info, sizeof(o->info), "%u answers", (unsigned)(data[6] << 8 | data[7]));
	} else if (port == 137 && netbios_parse_nbstat(data, len, o->netbios_name) == 0) {
		snprintf(o->name, sizeof(o->name), "netbios-ns");
		snprintf(o->info, sizeof(o->info), "NetBIOS name %s", o->netbios_name);
	} else if (port == 123 && len >= 48 && (data[0] & 7) == 4) {
		snprintf(o->name, sizeof(o->name), "ntp");
		snprintf(o->info, sizeof(o->info), "NTPv%u server, stratum %u", (data[0] >> 3) & 7, data[1]);
	} else if (port == 53 && len >= 12 && (data[2] & 0x80)) {
		snprintf(o->name, sizeof(o->name), "dns");
		/* version.bind's TXT: skip the question (name, type, class), then the
		 * answer's compressed name, type, class, TTL and length */
		size_t k = 12;
		while (k < len && data[k]) k += (size_t)data[k] + 1;
		k += 5;
		if ((data[7] | data[6] << 8) && k + 12 < len) {
			k += 12;
			size_t l = data[k];
			if (k + 1 + l <= len) {
				svc_set_banner(&s, data + k + 1, l);
				svc_evidence(&s, "dns.versionbind", (const char *)data + k + 1, l);
			}
		}
	} else {
		snprintf(o->name, sizeof(o->name), "unknown");
		svc_set_banner(&s, data, MIN(len, 200));
	}
	*ret = s.out;
	return true;
}

/* UDP request payloads, written from the protocol specifications:
 * SNMP (RFC 3416 GetRequest for sysDescr.0 and sysObjectID.0, v2c and v1, community "public";
 * an SNMPv3 discovery request, RFC 3414 section 4, which any v3 agent answers with its engine ID),
 * NTP (RFC 5905 client request), SSDP (UPnP 1.1 M-SEARCH), WS-Discovery
 * (OASIS Probe for ONVIF NetworkVideoTransmitter, i.e. IP cameras), mDNS
 * (RFC 6762 legacy unicast query for the DNS-SD service list), DNS and
 * NetBIOS (RFC 1002 node status). */
#include "scan/udp-payloads.h"
#include "base/util.h"

static const uint8_t snmp_get_sysdescr[] = {
	0x30, 0x37, 0x02, 0x01, 0x01,                   /* SEQUENCE, version 2c */
	0x04, 0x06, 'p',  'u',  'b',  'l',  'i',  'c',  /* community */
	0xa0, 0x2a, 0x02, 0x04, 0x64, 0x6f, 0x72, 0x6d, /* GetRequest, request-id */
	0x02, 0x01, 0x00, 0x02, 0x01, 0x00,             /* error-status, error-index */
	0x30, 0x1c,                                     /* varbind list */
	0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02,
	0x01, 0x01, 0x01, 0x00, 0x05, 0x00, /* sysDescr.0 */
	0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02,
	0x01, 0x01, 0x02, 0x00, 0x05, 0x00, /* sysObjectID.0 */
};

/* The same request in SNMP v1, which old agents answer when they ignore v2c. */
static const uint8_t snmp_v1_get_sysdescr[] = {
	0x30, 0x37, 0x02, 0x01, 0x00, /* SEQUENCE, version 1 */
	0x04, 0x06, 'p',  'u',  'b',  'l',  'i',  'c',  0xa0, 0x2a, 0x02, 0x04, 0x64,
	0x6f, 0x72, 0x6e, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x1c, 0x30, 0x0c,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00, 0x30,
	0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x02, 0x00, 0x05, 0x00,
};

/* SNMPv3 with no user, no engine ID and the reportable flag: the agent
 * answers a Report (usmStatsUnknownEngineIDs) carrying its engine ID, which
 * stays with the device across addresses (model/identity.h). */
static const uint8_t snmp_v3_discovery[] = {
	0x30, 0x3e, 0x02, 0x01, 0x03,                   /* SEQUENCE, version 3 */
	0x30, 0x11, 0x02, 0x04, 0x64, 0x6f, 0x72, 0x6f, /* msgGlobalData: msgID */
	0x02, 0x03, 0x00, 0xff, 0xe3,                   /* msgMaxSize 65507 */
	0x04, 0x01, 0x04, 0x02, 0x01, 0x03,             /* msgFlags reportable, USM */
	0x04, 0x10, 0x30, 0x0e, 0x04, 0x00, 0x02, 0x01, /* USM: no engine ID, boots */
	0x00, 0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00, /* time, user, auth */
	0x04, 0x00,                                     /* priv */
	0x30, 0x14, 0x04, 0x00, 0x04, 0x00,             /* ScopedPDU: context engine, name */
	0xa0, 0x0e, 0x02, 0x04, 0x64, 0x6f, 0x72, 0x70, /* GetRequest, request-id */
	0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00, /* no varbinds */
};

/* NetBIOS node status (RFC 1002 NBSTAT) for the wildcard name "*": the
 * host answers with the names it holds, its workstation name among them. */
static const uint8_t nbstat_query[] = {
	0x64, 0x6d, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* id, one question */
	0x20, 'C',  'K',  'A',  'A',  'A',  'A',  'A',  'A',  'A',  'A',  'A',  'A',
	'A',  'A',  'A',  'A',  'A',  'A',  'A',  'A',  'A',  'A',  'A',  'A',  'A',
	'A',  'A',  'A',  'A',  'A',  'A',  'A',  0x00, 0x00, 0x21, 0x00, 0x01, /* "*", NBSTAT, IN */
};

static const uint8_t ntp_client[48] = { 0xe3 }; /* LI unknown, version 4, mode 3 (client) */

static const char ssdp_msearch[] = "M-SEARCH * HTTP/1.1\r\n"
				   "HOST: 239.255.255.250:1900\r\n"
				   "MAN: \"ssdp:discover\"\r\n"
				   "MX: 1\r\n"
				   "ST: ssdp:all\r\n\r\n";

static const char wsd_probe[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\" "
    "xmlns:w=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
    "xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "
    "xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\">"
    "<e:Header><w:MessageID>uuid:6d6f7264-616e-7400-0000-000000000001</w:MessageID>"
    "<w:To e:mustUnderstand=\"true\">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>"
    "<w:Action e:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action>"
    "</e:Header><e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body></"
    "e:Envelope>";

static const uint8_t mdns_services[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* id 0, one question */
	9,    '_',  's',  'e',  'r',  'v',  'i',  'c',  'e',  's',  7,    '_',
	'd',  'n',  's',  '-',  's',  'd',  4,    '_',  'u',  'd',  'p',  5,
	'l',  'o',  'c',  'a',  'l',  0,    0x00, 0x0c, 0x80, 0x01, /* PTR, class IN with the unicast-response bit */
};

static const uint8_t dns_version_bind[] = {
	0x64, 0x6d, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 7,    'v',  'e', 'r',
	's',  'i',  'o',  'n',  4,    'b',  'i',  'n',  'd',  0,    0x00, 0x10, 0x00, 0x03, /* TXT, class CHAOS */
};

static const struct udp_payload payloads[] = {
	{ 53, "dns", dns_version_bind, sizeof(dns_version_bind) },
	{ 123, "ntp", ntp_client, sizeof(ntp_client) },
	{ 137, "netbios-ns", nbstat_query, sizeof(nbstat_query) },
	{ 161, "snmp", snmp_get_sysdescr, sizeof(snmp_get_sysdescr) },
	{ 161, "snmp-v1", snmp_v1_get_sysdescr, sizeof(snmp_v1_get_sysdescr) },
	{ 161, "snmp-v3", snmp_v3_discovery, sizeof(snmp_v3_discovery) },
	{ 1900, "ssdp", (const uint8_t *)ssdp_msearch, sizeof(ssdp_msearch) - 1 },
	{ 3702, "ws-discovery", (const uint8_t *)wsd_probe, sizeof(wsd_probe) - 1 },
	{ 5353, "mdns", mdns_services, sizeof(mdns_services) },
};

const uint16_t udp_default_ports[] = { 53, 123, 137, 161, 1900, 3702, 5353 };
const size_t udp_default_ports_count = ARRAY_SIZE(udp_default_ports);

const struct udp_payload *udp_payload_for(uint16_t port)
{
	for (size_t i = 0; i < ARRAY_SIZE(payloads); i++)
		if (payloads[i].port == port) return &payloads[i];
	return NULL;
}

const struct udp_payload *udp_payload_next(const struct udp_payload *prev)
{
	for (size_t i = (size_t)(prev - payloads) + 1; i < ARRAY_SIZE(payloads); i++)
		if (payloads[i].port == prev->port) return &payloads[i];
	return NULL;
}
